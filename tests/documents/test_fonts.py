"""The bundled font: where it comes from, and that our cached registration matches fpdf2's own."""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from io import BytesIO
from typing import Any

from fontTools.cffLib import CFFFontSet
from fpdf import FPDF

from bot.documents import fonts, render_pdf

from .pdf_inspect import reader
from .samples import chinese_letter


def test_font_is_the_ofl_noto_file_from_mplfonts() -> None:
    path = fonts.font_path()
    assert path.name == "NotoSansCJKsc-Regular.otf"
    assert path.parent.parent.name == "mplfonts"
    assert path.stat().st_size > 10_000_000


def _sample_page(register: Callable[[FPDF], str]) -> bytes:
    pdf = FPDF()
    family = register(pdf)
    pdf.add_page()
    pdf.set_font(family, size=12)
    pdf.multi_cell(0, 8, "惠今金融 投诉信：催收人员频繁致电。Page 1 of 2 — “quoted” ________")
    pdf.set_font(family, size=20)
    pdf.cell(text="第 1 页，共 2 页 臺灣")
    return bytes(pdf.output())


def _font_parts(data: bytes) -> dict[str, Any]:
    page = reader(data).pages[0]
    (font,) = [ref.get_object() for ref in page["/Resources"]["/Font"].values()]
    cid_font = font["/DescendantFonts"][0].get_object()
    program = cid_font["/FontDescriptor"]["/FontFile3"].get_object()
    cff = CFFFontSet()
    cff.decompile(BytesIO(program.get_data()), None)
    top = cff.topDictIndex[0]
    charstrings = {}
    for name in top.charset:
        charstring = top.CharStrings[name]
        charstring.decompile()
        charstrings[name] = charstring.program
    return {
        "content": page.get_contents().get_data(),  # type: ignore[union-attr]
        "widths": list(cid_font["/W"]),
        "to_unicode": font["/ToUnicode"].get_object().get_data(),
        "encoding": font["/Encoding"].get_object().get_data(),
        "base_font": font["/BaseFont"],
        "program_subtype": program["/Subtype"],
        "glyph_programs": charstrings,
    }


def test_cached_registration_embeds_what_add_font_embeds() -> None:
    """Guards the shortcuts in fonts.register_font against fpdf2/fontTools upgrades."""
    ours = _font_parts(_sample_page(fonts.register_font))
    plain = _font_parts(_sample_page(fonts.register_font_uncached))
    assert ours.keys() == plain.keys()
    for key in ours:
        assert ours[key] == plain[key], key
    assert 30 < len(ours["glyph_programs"]) < 60


def test_concurrent_renders_are_independent() -> None:
    letters = [chinese_letter(rows=n) for n in (1, 5, 9, 13)]
    expected = [render_pdf(letter) for letter in letters]
    with ThreadPoolExecutor(max_workers=4) as pool:
        assert list(pool.map(render_pdf, letters * 2)) == expected * 2


def test_printable_replaces_what_the_font_lacks() -> None:
    assert fonts.printable("惠今金融 abc\n臺灣") == "惠今金融 abc\n臺灣"
    assert fonts.printable("生气😡\ufe0f\u200d了\x07\t") == "生气□了"
