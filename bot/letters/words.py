"""What the desk says when it asks for a letter detail, in each chat language.

The details are the fixed sender fields of :mod:`flows.letters` (full name, ID number,
address, phone, loan number), so their wording lives here, shared by Telegram and the
console, rather than in every pack (a test checks that every field is worded). Each prompt
says why the detail is needed: a frightened user should never wonder why a bot wants their
ID number.
"""

from __future__ import annotations

DETAILS: dict[str, dict[str, tuple[str, str]]] = {  # language -> field -> (label, prompt)
    "en": {
        "full_name": ("Full name", "Your full name, as on your ID. It goes under the letter "
                      "as your signature."),
        "id_number": ("ID number", "Your ID card number. The police and the regulator use it "
                      "to find your case."),
        "address": ("Address", "Your postal address, where a written reply can reach you."),
        "phone": ("Phone", "A phone number where you can be reached about this complaint."),
        "loan_number": ("Loan number", "The loan or contract number (in the lender's app or "
                        "contract). It tells them exactly which account you mean."),
    },
    "zh-Hans": {
        "full_name": ("姓名", "您的姓名（与身份证一致），写在信末作为署名。"),
        "id_number": ("身份证号", "您的身份证号码，公安机关和监管部门用它找到您的案件。"),
        "address": ("地址", "您的通讯地址，书面答复可以寄到这里。"),
        "phone": ("电话", "就这次投诉联系您的电话号码。"),
        "loan_number": ("借款编号", "借款或合同编号（在贷款App或合同里），让对方准确知道是哪笔借款。"),
    },
    "zh-Hant": {
        "full_name": ("姓名", "您的姓名（與身分證一致），寫在信末作為署名。"),
        "id_number": ("身分證號", "您的身分證號碼，公安機關和監管部門用它找到您的案件。"),
        "address": ("地址", "您的通訊地址，書面答覆可以寄到這裡。"),
        "phone": ("電話", "就這次投訴聯繫您的電話號碼。"),
        "loan_number": ("借款編號", "借款或合約編號（在貸款App或合約裡），讓對方準確知道是哪筆借款。"),
    },
}

def detail_label(field: str, language: str | None) -> str:
    return DETAILS.get(language or "en", DETAILS["en"])[field][0]


def detail_prompt(field: str, language: str | None) -> str:
    return DETAILS.get(language or "en", DETAILS["en"])[field][1]
