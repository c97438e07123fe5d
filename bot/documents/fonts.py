"""The one font every PDF uses: Noto Sans CJK SC, shipped by the mplfonts package.

Noto Sans CJK (SIL Open Font License) covers Simplified and Traditional
Chinese and Latin, so a single family serves every letter and no system font
is ever needed. The file is 16 MB with 65,535 glyphs, which makes the naive
fpdf2 path slow (~500 ms per PDF). Measured costs and what we do:

* ``add_font`` parses metrics (~250 ms): done once per process; each document
  gets a copy of fpdf2's font object sharing the read-only tables.
* subsetting at output parses the whole font again (~300 ms): fontTools
  subsets in place, so each document still needs its own fontTools object,
  but we hand it only what the embedded CFF program depends on
  (``_fresh_ttfont``), leaving ~150 ms, mostly CFF parsing.
* the parsed CFF sits in reference cycles: ``release`` frees it eagerly.

tests/documents/test_fonts.py proves the result embeds the same glyph
programs, widths and text mapping as plain ``add_font``.
"""

from __future__ import annotations

import copy
import importlib.util
import threading
import unicodedata
from io import BytesIO
from pathlib import Path

from fontTools import ttLib
from fontTools.ttLib.tables._c_m_a_p import CmapSubtable
from fpdf import FPDF
from fpdf.fonts import SubsetMap, TTFFont

FONT_PACKAGE = "mplfonts"
FONT_FILE = "NotoSansCJKsc-Regular.otf"
FAMILY = "NotoSansCJKsc"  # the fpdf2 family name our renderers set_font() with
# Tables that play no part in the CFF program fpdf2 embeds (see _fresh_ttfont).
_NOT_EMBEDDED = ("GDEF", "GPOS", "GSUB", "BASE", "hmtx", "vmtx", "vhea", "VORG")
REPLACEMENT = "□"  # printed instead of characters the font lacks (e.g. emoji)


class FontNotFoundError(RuntimeError):
    """The bundled CJK font is missing, so a PDF would print boxes instead of Chinese."""


def font_path() -> Path:
    """Locate NotoSansCJKsc-Regular.otf inside the installed mplfonts package.

    ``find_spec`` is used instead of importing mplfonts because its
    ``__init__`` imports matplotlib, which we do not need.
    """
    spec = importlib.util.find_spec(FONT_PACKAGE)
    locations = list(spec.submodule_search_locations or []) if spec else []
    for location in locations:
        candidate = Path(location) / "fonts" / FONT_FILE
        if candidate.is_file():
            return candidate
    where = ", ".join(locations) or "nowhere (package not installed)"
    raise FontNotFoundError(
        f"Cannot find {FONT_FILE} in the {FONT_PACKAGE} package (looked in {where}). "
        f"Install the project's dependencies (`pip install -e .`, which pulls "
        f"{FONT_PACKAGE}~=0.0.11) or reinstall it with "
        f"`pip install --force-reinstall {FONT_PACKAGE}~=0.0.11`."
    )


class _Cache:
    """Process-wide parsed font; built lazily under a lock so threads can render."""

    lock = threading.Lock()
    prototype: TTFFont | None = None
    data: bytes = b""


def _prototype() -> tuple[TTFFont, bytes]:
    with _Cache.lock:
        if _Cache.prototype is None:
            path = font_path()
            scratch = FPDF()
            scratch.add_font(FAMILY, "", path)
            prototype = scratch.fonts[FAMILY.lower()]
            if not (isinstance(prototype, TTFFont) and prototype.is_cff
                    and prototype.is_cid_keyed):
                raise FontNotFoundError(
                    f"{path} is not the CID-keyed CFF font this module expects: "
                    f"reinstall {FONT_PACKAGE}~=0.0.11."
                )
            prototype.ttfont.close()  # each document opens its own: free the parsed tables
            prototype.ttfont = None
            _Cache.data = path.read_bytes()
            _Cache.prototype = prototype
        return _Cache.prototype, _Cache.data


def _fresh_ttfont(data: bytes) -> ttLib.TTFont:
    """A lazily parsed fontTools font for fpdf2 to subset in place at output time.

    For a CID-keyed CFF font fpdf2 embeds only the subset "CFF " table (see
    ``_add_fonts`` in fpdf/output.py); its character widths come from the
    prototype's metrics, not from this object. Yet the fontTools subsetter
    would first parse every other table: the 65k-entry cmap, hmtx and vmtx
    and the layout tables cost ~250 ms per document. We therefore hand it
    stubs: layout and metrics tables removed, an empty cmap. Bounding boxes
    are not recomputed: the subset keeps the full font's FontBBox, a valid
    bound. tests/documents/test_fonts.py checks that the embedded glyph
    programs equal those of a plain ``add_font``.
    """
    ttfont = ttLib.TTFont(BytesIO(data), recalcTimestamp=False, recalcBBoxes=False, lazy=True)
    for tag in _NOT_EMBEDDED:
        if tag in ttfont:
            del ttfont[tag]
    cmap = ttLib.newTable("cmap")
    cmap.tableVersion = 0
    subtable = CmapSubtable.newSubtable(4)
    subtable.platformID, subtable.platEncID, subtable.language = 3, 1, 0
    subtable.cmap = {}
    cmap.tables = [subtable]
    ttfont["cmap"] = cmap
    return ttfont


def register_font(pdf: FPDF) -> str:
    """Make the CJK font available on ``pdf`` (as ``add_font`` would) and return its family.

    The document's font object shares the prototype's read-only tables
    (widths, cmap, glyph ids) and gets its own subset map, descriptor and
    fontTools object. tests/documents/test_fonts.py renders a page both ways
    and compares content streams, widths, ToUnicode and glyph programs, so an
    fpdf2 upgrade that changes this contract fails loudly.
    """
    prototype, data = _prototype()
    font = copy.copy(prototype)
    font.i = len(pdf.fonts) + 1
    font.ttfont = _fresh_ttfont(data)
    # Shared, not copied (a copy is 44k entries of garbage per render): the only
    # mutation is the defaultdict inserting the default width for a character
    # outside the cmap, the same value for every document.
    font.cw = prototype.cw
    font.desc = copy.copy(prototype.desc)  # output() sets its object id and font file
    font.missing_glyphs = []
    font.biggest_size_pt = 0
    font._hbfont = None
    font.subset = SubsetMap(font)
    pdf.fonts[font.fontkey] = font
    pdf._set_min_pdf_version("1.6")  # as FPDF.add_font does for CID-keyed CFF fonts
    return FAMILY


def release(pdf: FPDF) -> None:
    """Free a finished document's parsed font now rather than at the next full GC.

    fontTools keeps the 15 MB CFF table in an in-memory file referenced from
    its (cyclic) CFF objects, so only the cyclic collector would reclaim it;
    measured, peak RSS then climbed ~15 MB per render until a full collection.
    Closing that file frees the buffer at once.
    """
    for font in pdf.fonts.values():
        if not isinstance(font, TTFFont) or font.ttfont is None:
            continue
        table = font.ttfont.tables.get("CFF ")
        index = getattr(getattr(table, "cff", None), "topDictIndex", None)
        buffer = getattr(index, "file", None)
        if isinstance(buffer, BytesIO):
            buffer.close()
        font.ttfont = None


def register_font_uncached(pdf: FPDF) -> str:
    """The plain fpdf2 way (parses the 16 MB file again); kept to check ``register_font``."""
    pdf.add_font(FAMILY, "", font_path())
    return FAMILY


def printable(text: str) -> str:
    """Replace characters the font cannot draw, so nothing silently vanishes from a PDF.

    Invisible modifiers (emoji variation selectors, zero-width joiners) are
    dropped; any other missing character, such as an emoji, becomes "□".
    """
    cmap = _prototype()[0].cmap

    def drawable(char: str) -> bool:
        return char == "\n" or (ord(char) in cmap and unicodedata.category(char) != "Cc")

    if all(drawable(char) for char in text):
        return text
    out = []
    for char in text:
        if drawable(char):
            out.append(char)
        elif unicodedata.category(char) not in ("Mn", "Me", "Cf", "Cc"):
            out.append(REPLACEMENT)
    return "".join(out)
