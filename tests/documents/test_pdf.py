"""PDF output, parsed back with pypdf: text, pages, fonts, layout bounds, metadata."""

from __future__ import annotations

import re
import shutil
import subprocess
from contextlib import suppress
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from fpdf.fonts import SubsetMap

from bot.documents import AnnexTable, LetterDocument, render_pdf

from .pdf_inspect import (
    A4_WIDTH_PT,
    MM,
    embedded_fonts,
    page_texts,
    reader,
    squash,
    text_runs,
)
from .samples import COMPANY, ZH_BODY, chinese_letter, english_letter

MARGIN_PT = 20 * MM
TOLERANCE_PT = 0.5
ZH_FOOTER = re.compile(r"CallShield草稿——不构成法律意见第\d+页，共\d+页")


def flowing_text(pages: list[str], *repeated: str) -> str:
    """The pages' text joined without footers and repeated headers, to find text split by pages."""
    joined = ZH_FOOTER.sub("", "".join(pages))
    joined = re.sub(r"\d+/\d+$", "", joined)
    for text in repeated:
        joined = joined.replace(text, "")
    return joined


@pytest.fixture(scope="module")
def zh_pdf() -> bytes:
    return render_pdf(chinese_letter(rows=12))


def test_chinese_letter_text_is_extractable(zh_pdf: bytes) -> None:
    text = "".join(page_texts(zh_pdf))
    assert COMPANY in text
    for expected in ("投诉信", "2026年11月28日", "一、基本情况", "二、违规催收行为",
                     "三、本人的要求", "借款合同编号：HJ-2026-000123", "附件一：催收记录清单"):
        assert expected in text
    for row in chinese_letter(rows=12).annex.rows:  # type: ignore[union-attr]
        for cell in row:
            assert squash(cell) in text, cell


def test_chinese_letter_has_letter_page_and_annex_page(zh_pdf: bytes) -> None:
    pages = page_texts(zh_pdf)
    assert len(pages) == 2
    assert "附件一：催收记录清单" not in pages[0] and "附件一：催收记录清单" in pages[1]
    for number, text in enumerate(pages, start=1):
        assert f"第{number}页，共2页" in text
        assert "CallShield草稿——不构成法律意见" in text


def test_font_is_embedded_as_a_small_subset(zh_pdf: bytes) -> None:
    found = embedded_fonts(zh_pdf)
    assert len(found) == 1, "every page must use the one bundled font"
    (font,) = found.values()
    assert re.fullmatch(r"/[A-Z]{6}\+NotoSansCJK\w*", font.base_font), font.base_font
    assert font.subtype == "/CIDFontType0C"
    assert font.registry_ordering == ("Adobe", "Identity")
    distinct_chars = len(set(squash("".join(page_texts(zh_pdf)))))
    # a subset: about one glyph per distinct character, not the font's 65,535
    assert distinct_chars / 2 < len(font.glyph_names) < distinct_chars + 20


def test_file_is_small(zh_pdf: bytes) -> None:
    assert len(zh_pdf) < 200_000, f"{len(zh_pdf)} bytes: is the font still subset?"


def test_metadata(zh_pdf: bytes) -> None:
    pdf = reader(zh_pdf)
    assert pdf.metadata is not None
    assert pdf.metadata.title == "投诉信"
    assert not pdf.metadata.creator  # nothing of the product, not even in the properties
    assert b"CallShield" not in render_pdf(replace(chinese_letter(rows=3), footer_note=""))
    assert pdf.trailer["/Root"]["/Lang"] == "zh-Hans"
    page = pdf.pages[0].mediabox
    assert (round(float(page.width) / MM), round(float(page.height) / MM)) == (210, 297)


def test_same_letter_gives_same_bytes() -> None:
    assert render_pdf(chinese_letter(rows=3)) == render_pdf(chinese_letter(rows=3))


def test_created_at_is_written_as_creation_date() -> None:
    created = datetime(2026, 11, 28, 9, 30, tzinfo=UTC)
    data = render_pdf(chinese_letter(rows=3, created_at=created))
    assert reader(data).metadata.creation_date == created  # type: ignore[union-attr]
    assert data != render_pdf(chinese_letter(rows=3))


def test_blanks_are_kept(zh_pdf: bytes) -> None:
    text = "".join(page_texts(zh_pdf))
    assert text.count("________") == ZH_BODY.count("________")


def _assert_inside_margins(data: bytes) -> None:
    runs = text_runs(data)
    assert runs
    for run in runs:
        assert run.left >= MARGIN_PT - TOLERANCE_PT, run
        assert run.right <= A4_WIDTH_PT - MARGIN_PT + TOLERANCE_PT, run


def test_long_cjk_paragraph_and_url_wrap_inside_the_margins() -> None:
    url = "https://example.com/complaints/" + "a1b2c3d4e5" * 20 + "?case=HJ-2026-000123&lang=zh"
    sentence = "催收员第{}次来电，威胁要把我的欠款告诉我的单位领导和全部亲友。"
    story = "".join(sentence.format(i) for i in range(60))
    story = story[:2000]
    english = "The collector said he would visit my employer tomorrow. " * 12
    body = f"# 事件经过\n{story}\n\n证据链接：{url}\n\n{english}"
    data = render_pdf(chinese_letter(rows=3, body=body))
    _assert_inside_margins(data)
    text = flowing_text(page_texts(data))
    assert squash(story) in text
    assert squash(url) in text
    assert squash(english) in text
    assert len(reader(data).pages) >= 3  # 2,000 CJK characters take more than a page


def test_annex_of_200_rows_paginates_with_repeated_header_and_labels() -> None:
    data = render_pdf(chinese_letter(rows=200))
    pages = page_texts(data)
    count = len(pages)
    assert count >= 6
    for number, text in enumerate(pages, start=1):
        assert f"第{number}页，共{count}页" in text
    annex_pages = [text for text in pages if "记录编号R" in text]
    assert len(annex_pages) == count - 1
    for text in annex_pages:
        assert "日期时间方式号码内容摘要" in text  # the header row, on every annex page
    everything = "".join(pages)
    for index in range(1, 201):
        assert f"记录编号R{index:04d}" in everything
    _assert_inside_margins(data)


def test_a_cell_taller_than_a_page_continues_on_the_next_page() -> None:
    huge = "".join(f"第{i}句：催收员反复辱骂并威胁。" for i in range(400))
    annex = AnnexTable(title="附件", columns=("日期", "内容"), rows=(("2026-10-01", huge),),
                       column_widths=(1, 4))
    data = render_pdf(LetterDocument(title="投诉信", language="zh-Hans", body="正文",
                                     date_text="", annex=annex))
    pages = page_texts(data)
    assert len(pages) >= 4
    for number, text in enumerate(pages[1:], start=2):
        assert text.startswith("附件日期内容" if number == 2 else "日期内容")
        assert text.endswith(f"{number}/{len(pages)}")
    flowing = "".join(re.sub(r"\d+/\d+$", "", text) for text in pages).replace("日期内容", "")
    assert squash(huge) in flowing
    _assert_inside_margins(data)


@pytest.mark.parametrize("annex", [None, AnnexTable("附件", ("日期",), ())])
def test_letter_without_annex_rows_has_no_annex_page(annex: AnnexTable | None) -> None:
    data = render_pdf(replace(chinese_letter(rows=1), annex=annex))
    pages = page_texts(data)
    assert len(pages) == 1
    assert "（见附件一）" in pages[0]  # the body's mention stays
    assert "日期时间方式" not in pages[0]


def test_english_letter() -> None:
    data = render_pdf(english_letter(rows=5))
    pages = page_texts(data)
    assert len(pages) == 2
    text = "".join(pages)
    for expected in ("Requestforvalidationofdebt", "November28,2026", "Stopcontactingthirdparties",
                     "Annex1:Logofcontacts", "Page1of2", "Page2of2",
                     "CallShielddraft—notlegaladvice", "+639175550004"):
        assert expected in text
    assert reader(data).trailer["/Root"]["/Lang"] == "en"
    _assert_inside_margins(data)


def test_traditional_chinese_letter() -> None:
    doc = LetterDocument(title="投訴信", language="zh-Hant", body="# 基本情況\n本人居住於臺灣。",
                         date_text="2026年11月28日", page_label="第 {page} 頁，共 {pages} 頁")
    text = "".join(page_texts(render_pdf(doc)))
    assert "本人居住於臺灣。" in text and "第1頁" not in text  # one page: no page label


def test_characters_missing_from_the_font_become_visible_boxes() -> None:
    doc = chinese_letter(rows=1, body="他发来😡\u200d\ufe0f表情\x07。")
    text = "".join(page_texts(render_pdf(doc)))
    assert "他发来□表情。" in text


def _distinct_hanzi(count: int) -> str:
    """``count`` different common hanzi, in GB 2312 order (level 1 starts at 0xB0A1)."""
    chars = []
    for lead in range(0xB0, 0xD8):
        for trail in range(0xA1, 0xFF):
            with suppress(UnicodeDecodeError):  # a few codes at the end of a row are unused
                chars.append(bytes((lead, trail)).decode("gb2312"))
    return "".join(chars[:count])


def _many_glyphs_letter() -> tuple[LetterDocument, str]:
    """A one-page letter showing more than 600 distinct glyphs, and its exact text."""
    hanzi = _distinct_hanzi(600)
    lines = [hanzi[i:i + 40] for i in range(0, len(hanzi), 40)]
    latin = "ABCDEFGHIJKLMNOPQRSTUVWXYZ abcdefghijklmnopqrstuvwxyz 0123456789 ，。：；！？（）《》“”"
    body = "\n".join([*lines, latin])
    doc = LetterDocument(title="字表", language="zh-Hans", body=body, date_text="2026年11月28日",
                         footer_note="CallShield", page_label="{page}/{pages}")
    expected = squash("2026年11月28日" + "字表" + body + "CallShield")  # one page: no label
    assert len(set(expected)) > 600
    return doc, expected


def test_more_than_256_distinct_glyphs_read_back_exactly_with_pypdf() -> None:
    doc, expected = _many_glyphs_letter()
    data = render_pdf(doc)
    (page,) = reader(data).pages
    raw = page.extract_text()
    assert "\x00" not in raw
    assert squash(raw) == expected


@pytest.mark.skipif(shutil.which("pdftotext") is None,
                    reason="poppler's pdftotext is not installed (apt-get install poppler-utils)")
def test_more_than_256_distinct_glyphs_read_back_exactly_with_pdftotext(tmp_path: Path) -> None:
    doc, expected = _many_glyphs_letter()
    path = tmp_path / "letter.pdf"
    path.write_bytes(render_pdf(doc))
    done = subprocess.run(["pdftotext", "-enc", "UTF-8", str(path), "-"],
                          capture_output=True, check=True, timeout=60)
    assert squash(done.stdout.decode("utf-8")) == expected


def test_footers_are_small_grey_text_on_every_page() -> None:
    data = render_pdf(chinese_letter(rows=60))
    pages = reader(data).pages
    assert len(pages) >= 3
    for number, page in enumerate(pages, start=1):
        label = f"第 {number} 页，共 {len(pages)} 页"
        sizes = []

        def visit(text: str, cm: list[float], tm: list[float], _font: Any, size: float,
                  label: str = label, sizes: list[float] = sizes) -> None:
            if text.strip() == label:
                sizes.append(size * tm[0])

        page.extract_text(visitor_text=visit)
        assert sizes == [8.5], (number, sizes)
        # Drawn last, after the page's own content, in a q/Q block that sets its
        # own font and colour (the page's last state is not fpdf2's current one).
        stream = page.get_contents().get_data().decode("latin-1")  # type: ignore[union-attr]
        footer = re.search(r"\nq\nBT /F\d+ 8\.50 Tf ET\n((?:q BT [^\n]* Tj ET Q\n)+)Q\n$", stream,
                           flags=re.DOTALL)
        assert footer is not None, stream[-300:]
        lines = footer.group(1).splitlines()
        assert len(lines) == 2 and all("0.4314 0.4314 0.4314 rg" in line for line in lines)


def test_finished_documents_are_not_kept_in_fpdf2_caches() -> None:
    """fpdf2's functools caches key on each document's subset map (see fonts.release)."""
    render_pdf(chinese_letter(rows=3))
    assert SubsetMap.pick.cache_info().currsize == 0
    assert SubsetMap.get_glyph.cache_info().currsize == 0
