"""bot/letters/output.py: the PDF and DOCX read back with pypdf and python-docx, no mocks."""

from __future__ import annotations

import re
from io import BytesIO
from pathlib import Path

import docx
import pytest
from pypdf import PdfReader
from pypdf.generic import (
    ByteStringObject,
    ContentStream,
    DictionaryObject,
    TextStringObject,
)

from bot.letters import (
    build_context,
    letter_document,
    preview_text,
    render_files,
    write_letter_files,
)
from flows import Pack
from flows.letters import BLANK, LetterContext
from tests.letters.conftest import PROFILES, TEMPLATES, TODAY, make_incident, sample_incidents


def squash(text: str) -> str:
    """Without whitespace: extractors space CJK glyphs in their own ways."""
    return re.sub(r"\s+", "", text)


def _to_unicode(font: DictionaryObject) -> dict[int, str]:
    """The font's ToUnicode map: two-byte code -> text."""
    cmap = font["/ToUnicode"].get_object().get_data().decode("latin-1")
    table: dict[int, str] = {}
    for block in re.findall(r"beginbfchar(.*?)endbfchar", cmap, re.S):
        for code, text in re.findall(r"<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>", block):
            table[int(code, 16)] = bytes.fromhex(text).decode("utf-16-be")
    for block in re.findall(r"beginbfrange(.*?)endbfrange", cmap, re.S):
        for low, high, text in re.findall(
                r"<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>", block):
            for offset in range(int(high, 16) - int(low, 16) + 1):
                table[int(low, 16) + offset] = chr(int(text, 16) + offset)
    return table


def pdf_pages(data: bytes) -> list[str]:
    """Each page's text, decoded from the content stream through the fonts' ToUnicode maps.

    pypdf's extract_text() reads fpdf2's embedded Identity CMap as one-byte codes, so every
    glyph past the 256th comes out wrong; the codes here are read as the two bytes they are.
    """
    pages = []
    for page in PdfReader(BytesIO(data)).pages:
        fonts = {name: _to_unicode(ref.get_object())
                 for name, ref in page["/Resources"]["/Font"].items()}
        table: dict[int, str] = {}
        parts: list[str] = []
        for operands, operator in ContentStream(page.get_contents(), None).operations:
            if operator == b"Tf":
                table = fonts[operands[0]]
            elif operator in (b"Tj", b"TJ"):
                strings = operands[0] if operator == b"TJ" else [operands[0]]
                for item in strings:
                    if isinstance(item, (TextStringObject, ByteStringObject)):
                        raw = item.original_bytes if isinstance(item, TextStringObject) \
                            else bytes(item)
                        parts.extend(table.get(int.from_bytes(raw[i:i + 2], "big"), "?")
                                     for i in range(0, len(raw) - 1, 2))
            elif operator in (b"ET", b"Td", b"TD", b"T*"):
                parts.append("\n")
        pages.append("".join(parts))
    return pages


def docx_text(data: bytes) -> str:
    document = docx.Document(BytesIO(data))
    parts = [p.text for p in document.paragraphs]
    parts += [cell.text for table in document.tables for row in table.rows for cell in row.cells]
    return "\n".join(parts)


@pytest.fixture(scope="module")
def police(cn_pack: Pack) -> tuple[LetterContext, list[tuple[str, bytes]]]:
    context = build_context(cn_pack, "police_report", incidents=sample_incidents(cn_pack),
                            profile=PROFILES["cn"], today=TODAY)
    return context, render_files(cn_pack, "police_report", context, TEMPLATES)


def test_files_have_readable_names(police: tuple[LetterContext, list[tuple[str, bytes]]]) -> None:
    # short, the same for both formats, never the user's own words (the company they typed)
    assert [name for name, _ in police[1]] == ["报案材料-2026-11-28.pdf",
                                               "报案材料-2026-11-28.docx"]


def test_pdf_holds_company_headings_and_annex_rows(
        police: tuple[LetterContext, list[tuple[str, bytes]]]) -> None:
    text = squash("".join(pdf_pages(police[1][0][1])))
    for needle in ["报案材料", "惠今金融", "速达催收", "报案人", "事发时施行的法律规定",
                   "第四十二条", "第五十条", "禁止接触", "附件：联系记录（共3次）",
                   "2025年12月31日", "23:10", "给我母亲发短信，说我欠钱不还", "+861710000111",
                   "第1页，共", "报案人：张三", "报案人（签名）：________", "姓名：张三",
                   "日期：2026年11月28日", "附件：1.联系记录"]:
        assert squash(needle) in text, needle
    assert "CallShield" not in text  # nothing of the product on the letter


def test_docx_holds_the_same(police: tuple[LetterContext, list[tuple[str, bytes]]]) -> None:
    text = squash(docx_text(police[1][1][1]))
    for needle in ["惠今金融", "事发时施行的法律规定", "第五十条", "2026年1月2日", "07:40", "短信",
                   "给我母亲发短信，说我欠钱不还", "打到我单位前台"]:
        assert needle in text, needle


def test_an_english_letter_has_english_page_labels(us_pack: Pack) -> None:
    context = build_context(us_pack, "validation_request", incidents=sample_incidents(us_pack),
                            profile=PROFILES["us"], today=TODAY)
    doc = letter_document(us_pack, "validation_request", context, TEMPLATES)
    assert (doc.page_label, doc.footer_note) == ("Page {page} of {pages}", "")
    # to a collector the annex is the structured table: the user's own words only by choice
    assert doc.annex is not None and doc.annex.columns[-1] == "Who"
    chosen = build_context(us_pack, "validation_request", incidents=sample_incidents(us_pack),
                           profile=PROFILES["us"], today=TODAY, annex_words=True)
    annex = letter_document(us_pack, "validation_request", chosen, TEMPLATES).annex
    assert annex is not None and annex.columns[-1] == "What happened"
    files = dict(render_files(us_pack, "validation_request", context, TEMPLATES))
    name = "validation-request-2026-11-28.pdf"
    text = squash("".join(pdf_pages(files[name])))
    assert squash("15 U.S.C. § 1692g(b)") in text and "Page1of" in text


def test_every_optional_field_missing_renders_with_blanks(cn_pack: Pack) -> None:
    for letter_id in cn_pack.data.letters:
        context = build_context(cn_pack, letter_id, facts={}, today=TODAY)
        doc = letter_document(cn_pack, letter_id, context, TEMPLATES)
        assert BLANK in doc.body and doc.annex is None
        files = render_files(cn_pack, letter_id, context, TEMPLATES)
        assert files[0][0].endswith("-2026-11-28.pdf") and BLANK not in files[0][0]
        assert squash(BLANK) in squash("".join(pdf_pages(files[0][1])))


def test_long_description_and_two_hundred_incidents(cn_pack: Pack) -> None:
    story = ("他们反复打电话，" * 250)[:2000]
    rows = [make_incident(i, cn_pack, f"2026-{1 + i % 11:02d}-{1 + i % 27:02d}T{i % 24:02d}:00"
                          ":00+08:00", story=story if i == 0 else f"第{i}次联系")
            for i in range(200)]
    context = build_context(cn_pack, "regulator_complaint", incidents=rows,
                            profile=PROFILES["cn"], today=TODAY)
    pdf, docx_bytes = (data for _, data in render_files(cn_pack, "regulator_complaint", context,
                                                        TEMPLATES))
    pages = pdf_pages(pdf)
    assert len(pages) > 1
    whole = squash("".join(pages))
    assert "第199次联系" in whole and "共200次" in whole
    assert "第199次联系" in docx_text(docx_bytes)


def test_preview_explains_a_chinese_letter_in_the_chat_language(cn_pack: Pack) -> None:
    context = build_context(cn_pack, "pipl_request", incidents=sample_incidents(cn_pack),
                            profile=PROFILES["cn"], today=TODAY)
    english = preview_text(cn_pack, "pipl_request", context, "en", TEMPLATES)
    first = english.split("\n\n")[0]
    assert first.startswith("Personal information request: this draft is written in Chinese")
    assert "- 2026年11月27日 | 14:30 | 电话 | +86 171 0000 1111" in english  # the annex, as text
    chinese = preview_text(cn_pack, "pipl_request", context, "zh-Hans", TEMPLATES)
    assert chinese == english.split("\n\n", 1)[1]  # no note when the chat reads the letter


def test_console_writes_the_files(cn_pack: Pack, tmp_path: Path) -> None:
    context = build_context(cn_pack, "report_12321", incidents=sample_incidents(cn_pack),
                            profile=PROFILES["cn"], today=TODAY)
    paths = write_letter_files(tmp_path / "letters", cn_pack, "report_12321", context,
                               TEMPLATES)
    assert [p.name for p in paths] == ["12321举报-2026-11-28.pdf", "12321举报-2026-11-28.docx"]
    assert all(p.read_bytes()[:4] in (b"%PDF", b"PK\x03\x04") for p in paths)
