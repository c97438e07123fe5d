"""The bundled font: where it comes from, and that every embedded glyph is the full font's own.

Embedding cuts glyphs from a reduced program cached on disk, or from the full
font for rarer characters, and renumbers them (bot/documents/font_embed.py).
These tests read the PDF back and compare each character's outline and
width with Noto Sans CJK SC itself, and the two sources with each other.
"""

from __future__ import annotations

import logging
import re
from concurrent.futures import ThreadPoolExecutor
from functools import cache
from io import BytesIO
from typing import Any

import pytest
from fontTools.cffLib import CFFFontSet
from fontTools.pens.recordingPen import RecordingPen
from fontTools.ttLib import TTFont
from fpdf import FPDF

from bot.documents import LetterDocument, font_base, fonts, render_pdf
from bot.documents.font_embed import glyphs_by_code
from bot.documents.font_program import GlyphPrograms

from .pdf_inspect import reader
from .samples import chinese_letter

# Simplified, Traditional, Latin, punctuation; U+3000 and U+2003 share one
# glyph; 𠮷 (outside the BMP), 㐀 and 䶮 are outside GBK and Big5.
MIXED = "惠今金融投诉信 臺灣銀行 Huijin Finance, “quoted” — 50%\u3000全角\u2003em 朱镕基 堃"
RARE = "𠮷㐀䶮"


@cache
def full_font() -> TTFont:
    return TTFont(fonts.font_path(), lazy=True)


def outline(glyph_set: Any, name: str) -> tuple[list[Any], int]:
    pen = RecordingPen()
    glyph = glyph_set[name]
    glyph.draw(pen)
    return pen.value, glyph.width


def embedded(data: bytes) -> dict[str, Any]:
    """The one font of a one-page PDF: encoding, code -> text, code -> width, CFF top dict."""
    page = reader(data).pages[0]
    (font,) = [ref.get_object() for ref in page["/Resources"]["/Font"].values()]
    cid_font = font["/DescendantFonts"][0].get_object()
    to_unicode = font["/ToUnicode"].get_object().get_data().decode("ascii")
    text = {
        int(code, 16): bytes.fromhex(chars).decode("utf-16-be")
        for code, chars in re.findall(r"<([0-9A-F]{4})> <([0-9A-F]+)>\n", to_unicode)
        if code != "0000" or chars != "FFFF"  # the codespace range line
    }
    widths: dict[int, int] = {}
    w = list(cid_font["/W"])
    for first, run in zip(w[::2], w[1::2], strict=True):
        widths.update({int(first) + offset: int(width) for offset, width in enumerate(run)})
    cff = CFFFontSet()
    cff.decompile(BytesIO(cid_font["/FontDescriptor"]["/FontFile3"].get_object().get_data()),
                  None)
    return {"encoding": font["/Encoding"], "text": text, "widths": widths,
            "top": cff.topDictIndex[0], "base_font": str(font["/BaseFont"])}


def one_page(text: str) -> bytes:
    return render_pdf(LetterDocument(title="字形", language="zh-Hans", body=text, date_text=""))


@pytest.mark.parametrize("text", [MIXED, MIXED + RARE], ids=["reduced-source", "full-source"])
def test_every_character_embeds_the_full_fonts_glyph_and_width(text: str) -> None:
    names = {fonts._prototype()[0].cmap[ord(char)] for char in RARE}
    fonts.prepare()
    assert fonts._Cache.base is not None
    assert not any(name in fonts._Cache.base for name in names), "RARE must test the fallback"
    font = embedded(one_page(text))
    assert font["encoding"] == "/Identity-H"
    full_glyphs = full_font().getGlyphSet()
    cmap = full_font().getBestCmap()
    top = font["top"]
    shown = set(text + "字形")  # a one-page letter has no page label
    assert set(font["text"].values()) == shown  # one code per character, each mapped back
    for code, char in font["text"].items():
        ours = outline(top.CharStrings, f"cid{code:05d}")
        theirs = outline(full_glyphs, cmap[ord(char)])
        assert ours == theirs, char
        assert font["widths"][code] == theirs[1], char
    assert top.charset[0] == ".notdef" and len(top.charset) == len(shown) + 1


def test_characters_sharing_a_glyph_keep_their_own_code() -> None:
    data = one_page("甲\u3000乙\u2003丙")
    font = embedded(data)
    # fpdf2 always maps a space
    assert sorted(font["text"].values()) == sorted(set("字形 甲\u3000乙\u2003丙"))
    assert "甲\u3000乙\u2003丙" in reader(data).pages[0].extract_text()


def test_reduced_and_full_sources_cut_identical_programs() -> None:
    pdf = FPDF()
    family = fonts.register_font(pdf)
    pdf.add_page()
    pdf.set_font(family, size=12)
    pdf.multi_cell(0, 8, MIXED + "".join(chinese_letter(rows=5).body.split()))
    font = pdf.fonts[family.lower()]
    glyphs = {code: glyph.glyph_name for code, glyph in glyphs_by_code(font).items()}
    names = frozenset(glyphs.values())
    reduced = fonts.source_program(names)
    assert reduced is fonts._Cache.base
    full = GlyphPrograms.parse(font_base.cut_program(fonts._prototype()[1], names))
    assert full is not reduced
    assert reduced.renumbered(glyphs) == full.renumbered(glyphs)


def test_renumbered_refuses_what_it_cannot_cut() -> None:
    fonts.prepare()
    base = fonts._Cache.base
    assert base is not None
    with pytest.raises(KeyError, match="cut a larger one"):
        base.renumbered({1: fonts._prototype()[0].cmap[ord("𠮷")]})
    with pytest.raises(ValueError, match="number glyphs from 1"):
        base.renumbered({0: "cid00001"})


def test_subset_name_depends_on_the_glyphs() -> None:
    first = embedded(one_page("甲乙"))["base_font"]
    assert re.fullmatch(r"/[A-Z]{6}\+NotoSansCJKSCRegular", first)
    assert embedded(one_page("甲乙"))["base_font"] == first
    assert embedded(one_page("丙丁"))["base_font"] != first


def test_font_is_the_ofl_noto_file_from_mplfonts() -> None:
    path = fonts.font_path()
    assert path.name == "NotoSansCJKsc-Regular.otf"
    assert path.parent.parent.name == "mplfonts"
    assert path.stat().st_size > 10_000_000


def test_concurrent_renders_are_independent() -> None:
    letters = [chinese_letter(rows=n) for n in (1, 5, 9, 13)]
    letters.append(chinese_letter(rows=2, body="罕见字：" + RARE))  # the full-font source
    expected = [render_pdf(letter) for letter in letters]
    with ThreadPoolExecutor(max_workers=4) as pool:
        assert list(pool.map(render_pdf, letters * 2)) == expected * 2


def test_printable_replaces_what_the_font_lacks() -> None:
    assert fonts.printable("惠今金融 abc\n臺灣") == "惠今金融 abc\n臺灣"
    assert fonts.printable("生气😡\ufe0f\u200d了\x07\t") == "生气□了"


def test_logs_never_spell_out_a_letters_characters(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    text = "借款人张" + RARE  # RARE sends the document through fontTools' subsetter
    render_pdf(LetterDocument(title="投诉信", language="zh-Hans", body=text, date_text=""))
    cmap = fonts._prototype()[0].cmap
    secrets = [*text, *(cmap[ord(char)] for char in text)]
    for record in caplog.records:
        message = record.getMessage()
        assert not any(secret in message for secret in secrets), (record.name, message[:200])
