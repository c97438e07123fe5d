"""The house style of a letter in each language: the fixed words around it and where they go.

English letters follow the CFPB's sample letters (a US business letter: the sender's block,
the date, the addressee's block and a "Re:" line above the text; the signature under it).
Chinese letters follow the usual form of a 投诉书 or 函: the title, the addressee (致：) and
the sender's particulars (投诉人/报案人/举报人：…), the text, the enclosures (附件), then the
signature with the date at the lower right.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import TypeVar

T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class HouseStyle:
    western: bool  # sender, date and addressee above the title (else the Chinese order)
    annex_name: str  # the annex as an enclosure
    annex_title: str  # {count}
    columns: tuple[str, str, str, str, str, str]
    page_label: str
    reference: str  # {number}: the loan or account number
    enclosures: str  # heading of the enclosures list
    digest: str  # {name} {digest}: a file named with its SHA-256
    addressee: str  # {name}
    address: str  # {address}
    sender_labels: Mapping[str, str]  # sender field -> "label：" (Chinese order only)
    roles: Mapping[str, str]  # addressee type -> what the sender is called
    signature: str  # {role}
    signed_name: str  # {name}
    signed_date: str  # {date}
    dated: str  # {place} {date}: the date with the place the user signs in
    form_intro: str  # {form}


_ZH_ROLES = {"collector": "发函人", "lender": "发函人", "regulator": "投诉人", "police": "报案人",
             "telecom_authority": "举报人", "": "发函人"}
_STYLES = {
    "zh-Hans": HouseStyle(
        western=False, annex_name="联系记录", annex_title="附件：联系记录（共 {count} 次）",
        columns=("日期", "时间", "方式", "号码", "对方", "经过"),
        page_label="第 {page} 页，共 {pages} 页", reference="借款合同号或账号：{number}",
        enclosures="附件：", digest="{name}（SHA-256：{digest}）", addressee="致：{name}",
        address="地址：{address}",
        sender_labels={"id_number": "身份证号：", "phone": "联系电话：", "address": "联系地址："},
        roles=_ZH_ROLES, signature="{role}（签名）：", signed_name="姓名：{name}",
        signed_date="日期：{date}", dated="{date}于{place}",
        form_intro="{form}：请按顺序把下面各项复制到表单对应的栏目。"),
    "zh-Hant": HouseStyle(
        western=False, annex_name="聯絡紀錄", annex_title="附件：聯絡紀錄（共 {count} 次）",
        columns=("日期", "時間", "方式", "號碼", "對方", "經過"),
        page_label="第 {page} 頁，共 {pages} 頁", reference="借款合約號或帳號：{number}",
        enclosures="附件：", digest="{name}（SHA-256：{digest}）", addressee="致：{name}",
        address="地址：{address}",
        sender_labels={"id_number": "身分證號：", "phone": "聯絡電話：", "address": "聯絡地址："},
        roles={"collector": "發函人", "lender": "發函人", "regulator": "投訴人",
               "police": "報案人", "telecom_authority": "舉報人", "": "發函人"},
        signature="{role}（簽名）：", signed_name="姓名：{name}", signed_date="日期：{date}",
        dated="{date}於{place}",
        form_intro="{form}：請按順序把下面各項複製到表單對應的欄目。"),
    "en": HouseStyle(
        western=True, annex_name="Record of contacts",
        annex_title="Annex: record of contacts ({count})",
        columns=("Date", "Time", "Channel", "Number", "Who", "What happened"),
        page_label="Page {page} of {pages}", reference="Re: Account number {number}",
        enclosures="Enclosures:", digest="{name} (SHA-256: {digest})", addressee="{name}",
        address="{address}", sender_labels={}, roles={},
        signature="", signed_name="{name}", signed_date="{date}", dated="{place}, {date}",
        form_intro="{form}: copy each part below into the form's field of the same name, "
                   "in this order."),
}
COLUMN_WIDTHS = {True: (2.2, 1.0, 1.2, 1.6, 1.5, 3.6), False: (1.6, 0.75, 0.9, 1.4, 1.4, 3.6)}
"""Relative annex column widths: English dates and channels ("Voicemail") need more room."""


def pick(table: Mapping[str, T], language: str) -> T:
    """The entry for a language, its Chinese script, or English."""
    if language in table:
        return table[language]
    if language.startswith("zh"):
        return table["zh-Hant" if "Hant" in language or language.endswith(("TW", "HK"))
                     else "zh-Hans"]
    return table["en"]


def style_for(language: str) -> HouseStyle:
    return pick(_STYLES, language)
