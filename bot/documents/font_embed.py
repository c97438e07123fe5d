"""Embed the CJK font as a subset whose glyph ids equal the codes in the text, with Identity-H.

fpdf2 numbers each (glyph, character) pair 1, 2, 3… in the content stream and
embeds an encoding CMap *stream* that maps those codes to the font's CIDs.
That is valid PDF — poppler's pdftotext and PDFium read it — but pypdf, and
other readers that only know the predefined CMaps, treat such a font as
one-byte: every character comes out as NUL + character, and a document with
more than 255 distinct glyphs reads back as garbage. So we write the font
objects ourselves (``CJKFontProducer``): the subset program is renumbered so
that the glyph for code *n* has CID *n*, and the font uses the predefined
``/Identity-H`` encoding that every reader knows. Each (glyph, character) pair
keeps its own code, so ToUnicode stays exact even where two characters share
one glyph (U+3000 and U+2003, say).

The glyph programs come from the reduced program (bot/documents/font_base.py)
when it holds every glyph the document uses, else from the full font; both
give the same bytes (tests/documents/test_fonts.py). The cut itself is
bot/documents/font_program.py.
"""

from __future__ import annotations

import hashlib
import string

from fpdf.fonts import Glyph, TTFFont
from fpdf.output import CIDSystemInfo, OutputProducer, PDFFont, PDFFontStream
from fpdf.syntax import Name, PDFArray, PDFContentStream, PDFString

from . import fonts


def glyphs_by_code(font: TTFFont) -> dict[int, Glyph]:
    """The glyphs the document shows, by their code in the content stream.

    Code 0 is fpdf2's reserved entry for U+0000, which is never drawn
    (fonts.printable removes control characters); in the embedded program
    CID 0 is .notdef, as CFF requires.
    """
    return {code: glyph for glyph, code in font.subset.items() if glyph is not None and code}


def subset_tag(program: bytes) -> str:
    """Six capital letters naming this subset (PDF 9.6.4), the same for the same glyphs."""
    number = int.from_bytes(hashlib.sha256(program).digest()[:8], "big")
    letters = []
    for _ in range(6):
        number, digit = divmod(number, 26)
        letters.append(string.ascii_uppercase[digit])
    return "".join(letters)


def widths_array(glyphs: dict[int, Glyph]) -> str:
    """The CIDFont /W array: runs of consecutive codes with their advance widths."""
    parts: list[str] = []
    run: list[int] = []
    previous = -2
    for code in sorted(glyphs):
        if code != previous + 1 and run:
            parts.append(f"{previous - len(run) + 1} [{' '.join(map(str, run))}]")
            run = []
        run.append(glyphs[code].glyph_width)
        previous = code
    if run:
        parts.append(f"{previous - len(run) + 1} [{' '.join(map(str, run))}]")
    return f"[{' '.join(parts)}]"


def to_unicode_cmap(glyphs: dict[int, Glyph]) -> bytes:
    """ToUnicode CMap: each two-byte code to the character(s) it was drawn for."""
    entries = []
    for code, glyph in sorted(glyphs.items()):
        if isinstance(glyph.unicode, tuple) and glyph.unicode:
            text = "".join(map(chr, glyph.unicode)).encode("utf-16-be")  # astral: surrogates
            entries.append(f"<{code:04X}> <{text.hex().upper()}>\n")
    blocks = "".join(
        f"{len(entries[i:i + 100])} beginbfchar\n{''.join(entries[i:i + 100])}endbfchar\n"
        for i in range(0, len(entries), 100)  # at most 100 per block (Adobe TN 5014)
    )
    return (
        "/CIDInit /ProcSet findresource begin\n12 dict begin\nbegincmap\n"
        "/CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def\n"
        "/CMapName /Adobe-Identity-UCS def\n/CMapType 2 def\n"
        "1 begincodespacerange\n<0000> <FFFF>\nendcodespacerange\n"
        f"{blocks}endcmap\nCMapName currentdict /CMap defineresource pop\nend\nend"
    ).encode("ascii")


class CJKFontProducer(OutputProducer):
    """fpdf2's PDF writer, with our font objects instead of fpdf2's (see the module docstring)."""

    def _add_fonts(self, image_objects_per_index: object, gfxstate_objs_per_name: object,
                   pattern_objs_per_name: object) -> dict[int, PDFFont]:
        fonts: dict[int, PDFFont] = {}
        for font in sorted(self.fpdf.fonts.values(), key=lambda font: font.i):
            if not (isinstance(font, TTFFont) and font.is_cff and font.is_cid_keyed):
                raise TypeError(
                    f"{font!r} is not the CID-keyed CJK font: letters may only use "
                    "fonts.register_font(); add other fonts through fpdf2's own writer."
                )
            fonts[font.i] = self._add_cid_font(font)
        return fonts

    def _add_cid_font(self, font: TTFFont) -> PDFFont:
        glyphs = glyphs_by_code(font)
        if glyphs and max(glyphs) > 0xFFFE:
            raise ValueError(f"{len(glyphs)} distinct characters exceed one CID font's 65,535: "
                             "split the letter into several documents.")
        names = frozenset(glyph.glyph_name for glyph in glyphs.values())
        program = fonts.source_program(names).renumbered(
            {code: glyph.glyph_name for code, glyph in glyphs.items()})
        name = f"{subset_tag(program)}+{font.name}"

        composite = PDFFont(subtype="Type0", base_font=name, encoding="Identity-H")
        self._add_pdf_obj(composite, "fonts")
        descendant = PDFFont(subtype="CIDFontType0", base_font=name,
                             d_w=font.desc.missing_width, w=widths_array(glyphs))
        self._add_pdf_obj(descendant, "fonts")
        composite.descendant_fonts = PDFArray([descendant])

        to_unicode = PDFContentStream(to_unicode_cmap(glyphs), compress=True)
        self._add_pdf_obj(to_unicode, "fonts")
        composite.to_unicode = to_unicode

        registry, ordering, supplement = font.cff_ros or ("Adobe", "Identity", 0)
        system_info = CIDSystemInfo()
        system_info.registry = PDFString(registry, encrypt=True)
        system_info.ordering = PDFString(ordering, encrypt=True)
        system_info.supplement = supplement
        self._add_pdf_obj(system_info, "fonts")
        descendant.c_i_d_system_info = system_info

        descriptor = font.desc  # each document has its own copy (fonts.register_font)
        descriptor.font_name = Name(name)
        self._add_pdf_obj(descriptor, "fonts")
        descendant.font_descriptor = descriptor
        stream = PDFFontStream(contents=program)
        stream.subtype = Name("CIDFontType0C")  # type: ignore[attr-defined]
        self._add_pdf_obj(stream, "fonts")
        descriptor.font_file3 = stream  # type: ignore[attr-defined]
        return composite
