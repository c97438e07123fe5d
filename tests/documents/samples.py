"""Realistic letters for the document tests (plain builders, not fixtures)."""

from __future__ import annotations

from bot.documents import AnnexTable, LetterDocument

COMPANY = "惠今金融"

ZH_BODY = """致：惠今金融 客户服务部
抄送：________

# 一、基本情况
本人姓名：________
借款合同编号：HJ-2026-000123
本人于2026年3月向贵公司借款人民币5,000元。自2026年10月起，贵公司委托的催收人员频繁致电本人及本人的亲友、同事，严重影响了本人的正常生活和工作。

# 二、违规催收行为
- 每日拨打电话超过十次，包括晚上十点以后；
- 向本人通讯录中的亲友发送短信，披露本人的债务信息；
- 使用侮辱性语言，并威胁“上门处理”。

# 三、本人的要求
根据《个人信息保护法》及相关监管规定，本人要求贵公司：
- 立即停止上述违规催收行为；
- 停止联系本人的亲友及同事；
- 在十五日内书面答复本人。

附件：催收记录清单（见附件一）。

此致
敬礼

投诉人（签名）：________
联系电话：________"""

EN_BODY = """To: Huijin Finance, Customer Service
Account number: ________

# Request for validation
{validation}

# Stop contacting third parties
- Do not call my family, friends or employer.
- Communicate with me in writing only.

Sincerely,
________""".format(
    validation="I am writing about the debt you claim I owe. Please send me written validation of "
    "this debt, including the original creditor, the amount, and how it was calculated."
)

ANNEX_COLUMNS_ZH = ("日期", "时间", "方式", "号码", "内容摘要")
ANNEX_WIDTHS = (1.3, 0.8, 0.8, 1.5, 3.6)


def annex_rows(count: int) -> tuple[tuple[str, ...], ...]:
    """Distinct, recognisable rows so tests can find every one in the output."""
    methods = ("电话", "短信", "微信")
    return tuple(
        (
            f"2026-{10 + i // 28 % 3:02d}-{1 + i % 28:02d}",
            f"{8 + i % 14:02d}:{(i * 7) % 60:02d}",
            methods[i % 3],
            f"138{i:08d}",
            f"第{i + 1}次联系：催收员威胁联系家人，记录编号R{i + 1:04d}",
        )
        for i in range(count)
    )


def chinese_letter(rows: int = 12, *, annex: bool = True, **overrides: object) -> LetterDocument:
    fields: dict[str, object] = dict(
        title="投诉信",
        language="zh-Hans",
        body=ZH_BODY,
        date_text="2026年11月28日",
        annex=AnnexTable(
            title="附件一：催收记录清单",
            columns=ANNEX_COLUMNS_ZH,
            rows=annex_rows(rows),
            column_widths=ANNEX_WIDTHS,
        ) if annex else None,
        footer_note="CallShield 草稿——不构成法律意见",
        page_label="第 {page} 页，共 {pages} 页",
    )
    fields.update(overrides)
    return LetterDocument(**fields)  # type: ignore[arg-type]


def english_letter(rows: int = 5) -> LetterDocument:
    return LetterDocument(
        title="Request for validation of debt",
        language="en",
        body=EN_BODY,
        date_text="November 28, 2026",
        annex=AnnexTable(
            title="Annex 1: Log of contacts",
            columns=("Date", "Time", "Channel", "Number", "Summary"),
            rows=tuple(
                (f"2026-10-{i + 1:02d}", "21:30", "Call", f"+63 917 555 {i:04d}",
                 f"Collector called my employer (entry {i + 1})")
                for i in range(rows)
            ),
            column_widths=ANNEX_WIDTHS,
        ),
        footer_note="CallShield draft — not legal advice",
        page_label="Page {page} of {pages}",
    )
