"""What the desk says when it asks for a letter detail, and around a finished letter.

The details are the fixed sender fields of :mod:`flows.letters` (full name, ID number,
address, phone, loan number) and the addressee's name and mailing address for each kind of
addressee (flows.schema.ADDRESSEE_TYPES), so their wording lives here, shared by Telegram and
the console, rather than in every pack (a test checks that every field is worded). Each prompt
says why the detail is needed: a frightened user should never wonder why a bot wants their
ID number. The "not legal advice" note with the pack's review date goes in the chat message
that carries a letter, never on the letter itself.
"""

from __future__ import annotations

import datetime as dt

from babel.dates import format_date

from flows.schema import ADDRESSEE_TYPES

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
        "city": ("Town or city", "The town or city where you sign the letter. It is written "
                 "next to the date."),
        "prior_complaint": ("Your complaint to the lender", "Have you already complained to "
                            "the lender or app itself? If so: when, how (app, hotline, letter) "
                            "and what they answered, e.g. \u201cNov 20, app customer service, "
                            "no answer\u201d. The regulator asks for this first."),
        "complaint_reference": ("Complaint reference", "The reference or ticket number of "
                                "that complaint, if you got one."),
    },
    "zh-Hans": {
        "full_name": ("姓名", "您的姓名（与身份证一致），写在信末作为署名。"),
        "id_number": ("身份证号", "您的身份证号码，公安机关和监管部门用它找到您的案件。"),
        "address": ("地址", "您的通讯地址，书面答复可以寄到这里。"),
        "phone": ("电话", "就这次投诉联系您的电话号码。"),
        "loan_number": ("借款编号", "借款或合同编号（在贷款App或合同里），让对方准确知道是哪笔借款。"),
        "city": ("签署地点", "您在哪个城市签署这封信，写在日期旁边。"),
        "prior_complaint": ("向机构投诉的情况", "您是否已经先向贷款机构或App投诉过？如果投诉过，"
                            "请写时间、方式（App客服、客服热线、书面）和对方的答复，例如“11月20日在App"
                            "客服投诉，没有处理”。监管部门会先问这一点。"),
        "complaint_reference": ("投诉编号", "那次投诉的工单号或投诉编号（如果有）。"),
    },
    "zh-Hant": {
        "full_name": ("姓名", "您的姓名（與身分證一致），寫在信末作為署名。"),
        "id_number": ("身分證號", "您的身分證號碼，公安機關和監管部門用它找到您的案件。"),
        "address": ("地址", "您的通訊地址，書面答覆可以寄到這裡。"),
        "phone": ("電話", "就這次投訴聯絡您的電話號碼。"),
        "loan_number": ("借款編號", "借款或合約編號（在貸款App或合約裡），讓對方準確知道是哪筆借款。"),
        "city": ("簽署地點", "您在哪個城市簽署這封信，寫在日期旁邊。"),
        "prior_complaint": ("向機構投訴的情況", "您是否已經先向貸款機構或App投訴過？如果投訴過，"
                            "請寫時間、方式（App客服、客服熱線、書面）和對方的答覆，例如「11月20日在App"
                            "客服投訴，沒有處理」。監管部門會先問這一點。"),
        "complaint_reference": ("投訴編號", "那次投訴的工單號或投訴編號（如果有）。"),
    },
}

_PARTIES: dict[str, dict[str, str]] = {  # language -> addressee type -> who it is
    "en": {"collector": "the debt collector", "lender": "the lender",
           "regulator": "the regulator's office", "police": "the police station",
           "telecom_authority": "the telecom authority"},
    "zh-Hans": {"collector": "催收机构", "lender": "贷款机构", "regulator": "监管部门",
                "police": "公安机关（派出所）", "telecom_authority": "电信管理部门"},
    "zh-Hant": {"collector": "催收機構", "lender": "貸款機構", "regulator": "監管部門",
                "police": "公安機關（派出所）", "telecom_authority": "電信管理部門"},
}
_WHERE = {  # language -> addressee type -> where the user finds the party's name and address
    "en": {"collector": "on their letters, texts or website",
           "lender": "on their letters, your loan contract or their website",
           "regulator": "the office you send it to, as its website gives it",
           "police": "the station where you report it",
           "telecom_authority": "on its website"},
    "zh-Hans": {"collector": "见对方的来信、短信或官网", "lender": "见借款合同、对方来信或官网",
                "regulator": "寄往哪个监管机构，如“国家金融监督管理总局××监管局”，见其官网",
                "police": "您去报案的派出所，如“××市公安局××派出所”", "telecom_authority": "见其官网"},
    "zh-Hant": {"collector": "見對方的來信、簡訊或官網", "lender": "見借款合約、對方來信或官網",
                "regulator": "寄往哪個監管機構，如「國家金融監督管理總局××監管局」，見其官網",
                "police": "您去報案的派出所，如「××市公安局××派出所」", "telecom_authority": "見其官網"},
}
_PARTY_WORDS = {  # language -> detail -> (label, prompt), {party} and {where} filled in
    "en": {"name": ("Name of {party}", "The full name of {party} ({where}). It goes at the "
                    "top of the letter."),
           "address": ("Address of {party}", "The mailing address of {party} ({where}), so "
                       "the letter can be posted to them.")},
    "zh-Hans": {"name": ("{party}名称", "{party}的全称（{where}），写在信的开头。"),
                "address": ("{party}地址", "{party}的通讯地址（{where}），信件要寄到这里。")},
    "zh-Hant": {"name": ("{party}名稱", "{party}的全稱（{where}），寫在信的開頭。"),
                "address": ("{party}地址", "{party}的通訊地址（{where}），信件要寄到這裡。")},
}
_HINT = {"en": "Your report names them \u201c{name}\u201d; if you skip this, the letter uses "
               "that name.",
         "zh-Hans": "您的记录里写的是“{name}”；如果跳过，信里就用这个名称。",
         "zh-Hant": "您的紀錄裡寫的是「{name}」；如果跳過，信裡就用這個名稱。"}
_DELIVERY = {
    "en": "Not legal advice: a draft built from what you reported, with guidance last "
          "reviewed on {date}. Check every fact, fill in any blank, then sign and date it.",
    "zh-Hans": "这不是法律意见：这是根据您的记录起草的草稿，所依据的指南最近审核于{date}。"
               "请核对每一项事实、填写空白处，再签名并写上日期。",
    "zh-Hant": "這不是法律意見：這是根據您的紀錄起草的草稿，所依據的指南最近審核於{date}。"
               "請核對每一項事實、填寫空白處，再簽名並寫上日期。",
}
for _language, _parties in _PARTIES.items():
    for _kind in ADDRESSEE_TYPES:
        for _detail, (_label, _prompt) in _PARTY_WORDS[_language].items():
            DETAILS[_language][f"{_kind}_{_detail}"] = (
                _label.format(party=_parties[_kind]),
                _prompt.format(party=_parties[_kind], where=_WHERE[_language][_kind]))


def _table(language: str | None) -> str:
    if language in DETAILS:
        return language
    return "zh-Hant" if language and "Hant" in language else \
        "zh-Hans" if language and language.startswith("zh") else "en"


def detail_label(field: str, language: str | None) -> str:
    return DETAILS[_table(language)][field][0]


def detail_prompt(field: str, language: str | None, hint: str | None = None) -> str:
    """Why the detail is asked; ``hint`` (a name from the user's report) says what a skip
    keeps."""
    prompt = DETAILS[_table(language)][field][1]
    if hint:
        prompt += ("" if _table(language) != "en" else " ") + \
            _HINT[_table(language)].format(name=hint)
    return prompt


def delivery_note(language: str | None, reviewed_on: dt.date) -> str:
    """The "not legal advice" line, with the pack's review date, for the chat message that
    carries a letter (never printed on the letter)."""
    table = _table(language)
    locale = {"en": "en", "zh-Hans": "zh_Hans", "zh-Hant": "zh_Hant"}[table]
    date = format_date(reviewed_on, "long", locale=locale)
    return _DELIVERY[table].format(date=date)
