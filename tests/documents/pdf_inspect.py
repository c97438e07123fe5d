"""Read rendered PDFs back with pypdf and fontTools: text, fonts, text line extents."""

from __future__ import annotations

import re
from dataclasses import dataclass
from io import BytesIO
from typing import Any

from fontTools.cffLib import CFFFontSet
from pypdf import PdfReader

from bot.documents import fonts

MM = 72 / 25.4  # points per mm
A4_WIDTH_PT = 210 * MM


def reader(data: bytes) -> PdfReader:
    return PdfReader(BytesIO(data))


def squash(text: str) -> str:
    """Remove all whitespace: extractors space CJK glyphs differently.

    Nothing else is removed: our fonts use Identity-H, so pypdf must read
    every character exactly (bot/documents/font_embed.py).
    """
    return re.sub(r"\s+", "", text)


def page_texts(data: bytes) -> list[str]:
    return [squash(page.extract_text()) for page in reader(data).pages]


@dataclass(frozen=True)
class EmbeddedFont:
    base_font: str
    subtype: str  # of the FontFile3 stream
    glyph_names: tuple[str, ...]  # from the embedded CFF program
    registry_ordering: tuple[str, str]


def embedded_fonts(data: bytes) -> dict[str, EmbeddedFont]:
    """Every font program embedded in the PDF, by BaseFont name."""
    found: dict[str, EmbeddedFont] = {}
    for page in reader(data).pages:
        for ref in page["/Resources"]["/Font"].values():
            font = ref.get_object()
            descendant = font["/DescendantFonts"][0].get_object()
            stream = descendant["/FontDescriptor"]["/FontFile3"].get_object()
            cff = CFFFontSet()
            cff.decompile(BytesIO(stream.get_data()), None)
            top = cff.topDictIndex[0]
            found[str(font["/BaseFont"])] = EmbeddedFont(
                base_font=str(font["/BaseFont"]),
                subtype=str(stream["/Subtype"]),
                glyph_names=tuple(top.charset),
                registry_ordering=(str(top.ROS[0]), str(top.ROS[1])),
            )
    return found


@dataclass(frozen=True)
class TextRun:
    page: int
    text: str
    left: float  # points from the page's left edge
    right: float


def text_runs(data: bytes) -> list[TextRun]:
    """Each shown string with its horizontal extent, from the font's advance widths."""
    advances = fonts._prototype()[0].cw  # unicode -> width per 1000 units of font size
    runs: list[TextRun] = []
    for number, page in enumerate(reader(data).pages, start=1):

        def visit(text: str, cm: list[float], tm: list[float], _font: Any, size: float,
                  number: int = number) -> None:
            text = text.replace("\n", "")
            if not text.strip():
                return
            scale = tm[0] * cm[0]
            left = tm[4] * cm[0] + cm[4]
            width = sum(advances[ord(char)] for char in text) * size / 1000 * scale
            runs.append(TextRun(number, text, left, left + width))

        page.extract_text(visitor_text=visit)
    return runs
