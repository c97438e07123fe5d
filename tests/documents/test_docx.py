"""DOCX output, opened again with python-docx: text, styles, table, footer fields, properties."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime
from io import BytesIO

import pytest
from docx import Document
from docx.document import Document as WordDocument
from docx.oxml.ns import qn
from docx.shared import Mm

from bot.documents import AnnexTable, LetterDocument, render_docx

from .samples import COMPANY, EN_BODY, ZH_BODY, chinese_letter, english_letter


def open_docx(data: bytes) -> WordDocument:
    return Document(BytesIO(data))


@pytest.fixture(scope="module")
def zh_docx() -> WordDocument:
    return open_docx(render_docx(chinese_letter(rows=12)))


def body_text(document: WordDocument) -> str:
    return "\n".join(paragraph.text for paragraph in document.paragraphs)


def test_chinese_letter_text_and_styles(zh_docx: WordDocument) -> None:
    paragraphs = zh_docx.paragraphs
    assert paragraphs[0].text == "2026年11月28日"
    assert (paragraphs[1].text, paragraphs[1].style.name) == ("投诉信", "Title")
    headings = [p.text for p in paragraphs if p.style.name == "Heading 1"]
    assert headings == [
        "一、基本情况", "二、违规催收行为", "三、本人的要求", "附件一：催收记录清单"
    ]
    bullets = [p.text for p in paragraphs if p.style.name == "List Bullet"]
    assert bullets[0] == "每日拨打电话超过十次，包括晚上十点以后；" and len(bullets) == 6
    text = body_text(zh_docx)
    assert COMPANY in text
    assert "借款合同编号：HJ-2026-000123" in text  # "Key: value" lines stay as written


def test_line_breaks_inside_a_paragraph_are_kept(zh_docx: WordDocument) -> None:
    first = next(p for p in zh_docx.paragraphs if p.text.startswith("致："))
    assert first.text == "致：惠今金融 客户服务部\n抄送：________"
    assert first._p.xpath(".//w:br")


def test_blanks_are_plain_editable_text(zh_docx: WordDocument) -> None:
    assert body_text(zh_docx).count("________") == ZH_BODY.count("________")


def test_annex_is_a_word_table_with_repeating_header(zh_docx: WordDocument) -> None:
    (table,) = zh_docx.tables
    expected = chinese_letter(rows=12).annex
    assert expected is not None
    assert len(table.rows) == 1 + len(expected.rows)
    assert tuple(cell.text for cell in table.rows[0].cells) == expected.columns
    for row, values in zip(table.rows[1:], expected.rows, strict=True):
        assert tuple(cell.text for cell in row.cells) == values
    assert table.rows[0]._tr.trPr.find(qn("w:tblHeader")) is not None
    assert all(row._tr.trPr.find(qn("w:tblHeader")) is None for row in table.rows[1:])
    widths = [column.width for column in table.columns]
    assert widths[4] > widths[3] > widths[0] > widths[1]  # relative widths (1.3, .8, .8, 1.5, 3.6)
    assert abs(sum(widths) - Mm(170)) < Mm(1)


def test_annex_starts_on_a_new_page(zh_docx: WordDocument) -> None:
    heading = next(p for p in zh_docx.paragraphs if p.text == "附件一：催收记录清单")
    assert heading.paragraph_format.page_break_before


def test_footer_has_note_and_page_fields(zh_docx: WordDocument) -> None:
    footer = zh_docx.sections[0].footer
    assert footer.paragraphs[0].text == "CallShield 草稿——不构成法律意见"
    label = footer.paragraphs[1]._p
    instructions = [field.get(qn("w:instr")).strip() for field in label.iter(qn("w:fldSimple"))]
    assert instructions == ["PAGE", "NUMPAGES"]
    literal = "".join(t.text for t in label.iter(qn("w:t")))
    assert literal == "第 1 页，共 1 页"  # field results are placeholders Word updates


def test_page_setup_is_a4(zh_docx: WordDocument) -> None:
    section = zh_docx.sections[0]
    sizes = (section.page_width, section.page_height, section.left_margin, section.bottom_margin)
    assert [round(size.mm) for size in sizes] == [210, 297, 20, 20]  # stored in twips


def test_fonts_and_language_are_set_on_the_normal_style(zh_docx: WordDocument) -> None:
    rpr = zh_docx.styles["Normal"].element.rPr
    fonts = rpr.find(qn("w:rFonts"))
    assert fonts.get(qn("w:eastAsia")) == "Noto Sans CJK SC"
    assert fonts.get(qn("w:ascii")) == "Noto Sans"
    assert rpr.find(qn("w:lang")).get(qn("w:eastAsia")) == "zh-CN"
    for name in ("Title", "Heading 1"):  # theme fonts would override ours in Word
        heading_fonts = zh_docx.styles[name].element.rPr.find(qn("w:rFonts"))
        assert heading_fonts.get(qn("w:asciiTheme")) is None
        assert heading_fonts.get(qn("w:eastAsia")) == "Noto Sans CJK SC"


def test_core_properties(zh_docx: WordDocument) -> None:
    props = zh_docx.core_properties
    assert (props.title, props.language, props.author) == ("投诉信", "zh-Hans", "")
    assert props.last_modified_by == ""  # nothing of the product in the file's properties
    assert props.comments == "CallShield 草稿——不构成法律意见"


def test_created_at_goes_into_core_properties() -> None:
    created = datetime(2026, 11, 28, 9, 30, tzinfo=UTC)
    props = open_docx(render_docx(chinese_letter(rows=1, created_at=created))).core_properties
    assert props.created == created


def test_traditional_chinese_sets_taiwan_proofing_language() -> None:
    doc = LetterDocument(title="投訴信", language="zh-Hant", body="本人居住於臺灣。", date_text="")
    document = open_docx(render_docx(doc))
    lang = document.styles["Normal"].element.rPr.find(qn("w:lang"))
    assert lang.get(qn("w:eastAsia")) == "zh-TW"
    assert [p.text for p in document.paragraphs] == ["投訴信", "本人居住於臺灣。"]


@pytest.mark.parametrize("annex", [None, AnnexTable("附件", ("日期",), ())])
def test_no_table_without_annex_rows(annex: AnnexTable | None) -> None:
    document = open_docx(render_docx(replace(chinese_letter(rows=1), annex=annex)))
    assert document.tables == []
    assert "附件一：催收记录清单" not in [p.text for p in document.paragraphs]


def test_english_letter() -> None:
    document = open_docx(render_docx(english_letter(rows=5)))
    text = body_text(document)
    assert "Please send me written validation of this debt" in text
    assert text.count("________") == EN_BODY.count("________")
    assert len(document.tables[0].rows) == 6
    lang = document.styles["Normal"].element.rPr.find(qn("w:lang"))
    assert lang.get(qn("w:val")) == "en"


def test_control_characters_and_markup_in_cells_do_not_break_the_file() -> None:
    annex = AnnexTable("附件", ("日期", "内容"), (("2026-10-01", "<b>&\x07\ufffe第一行\n第二行"),))
    doc = replace(chinese_letter(rows=1, body="他发来😡表情\x07。"), annex=annex)
    document = open_docx(render_docx(doc))
    assert "他发来😡表情。" in body_text(document)  # Word has emoji fonts; only XML-illegal goes
    assert document.tables[0].rows[1].cells[1].text == "<b>&第一行\n第二行"
