"""The one font every PDF uses: Noto Sans CJK SC, shipped by the mplfonts package.

Noto Sans CJK (SIL Open Font License) covers Simplified and Traditional
Chinese and Latin, so a single family serves every letter and no system font
is ever needed. The file is 16 MB with 65,535 glyphs, which makes the naive
fpdf2 path slow (~500 ms per PDF). Measured costs and what we do:

* ``add_font`` parses metrics (~1 s of CPU): done once per machine and kept
  on disk (bot/documents/font_metrics.py), read back once per process; each
  document gets a copy of fpdf2's font object sharing the read-only tables
  (widths, cmap), so layout measures text exactly as fpdf2 would.
* cutting the document's glyphs out of the full CFF program (~150 ms, mostly
  parsing and executing subroutinised charstrings) is replaced by copying
  bytes out of a reduced, desubroutinised program of the 22,000 glyphs of
  GBK and Big5, built once per machine (bot/documents/font_base.py); documents with rarer
  characters are cut from the full font (``source_program``).
* bot/documents/font_embed.py writes the font objects (Identity-H encoding,
  so every PDF reader, pypdf included, maps the text back exactly).

tests/documents/test_fonts.py proves that every character's embedded glyph
program and width equal the full font's, whichever source was used.
"""

from __future__ import annotations

import copy
import importlib.util
import threading
import unicodedata
from pathlib import Path

from fpdf import FPDF
from fpdf.fonts import SubsetMap, TTFFont

from . import font_base, font_metrics
from .font_program import GlyphPrograms

FONT_PACKAGE = "mplfonts"
FONT_FILE = "NotoSansCJKsc-Regular.otf"
FAMILY = "NotoSansCJKsc"  # the fpdf2 family name our renderers set_font() with
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
    base_lock = threading.Lock()  # separate: building the base takes seconds the first time
    prototype: TTFFont | None = None
    data: bytes = b""
    base: GlyphPrograms | None = None  # the reduced program, loaded at the first PDF


def parse_font(path: Path) -> TTFFont:
    """fpdf2's parse of the font file (1.2 s of CPU; font_metrics caches the result)."""
    scratch = FPDF()
    scratch.add_font(FAMILY, "", path)
    prototype = scratch.fonts[FAMILY.lower()]
    if not (isinstance(prototype, TTFFont) and prototype.is_cff and prototype.is_cid_keyed):
        raise FontNotFoundError(
            f"{path} is not the CID-keyed CFF font this module expects: "
            f"reinstall {FONT_PACKAGE}~=0.0.11."
        )
    prototype.ttfont.close()  # documents never need it (font_embed): free the tables
    prototype.ttfont = None
    return prototype


def _prototype() -> tuple[TTFFont, bytes]:
    with _Cache.lock:
        if _Cache.prototype is None:
            path = font_path()
            data = path.read_bytes()
            _Cache.prototype = font_metrics.load_or_parse(
                data, lambda: parse_font(path), font_base.cache_dir())
            _Cache.data = data
        return _Cache.prototype, _Cache.data


def register_font(pdf: FPDF) -> str:
    """Make the CJK font available on ``pdf`` (as ``add_font`` would) and return its family.

    The document's font object shares the prototype's read-only tables
    (widths, cmap, glyph ids) and gets its own subset map and descriptor. Its
    program is embedded by font_embed.CJKFontProducer, never by fpdf2, so it
    carries no fontTools object.
    """
    prototype, _ = _prototype()
    font = copy.copy(prototype)
    font.i = len(pdf.fonts) + 1
    font.ttfont = None
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


def release() -> None:
    """Drop fpdf2's memo of finished documents' characters, or each PDF stays in memory.

    ``SubsetMap.pick`` and ``get_glyph`` are ``functools.cache``d, so their
    process-wide caches key on (and keep alive) every document's subset map,
    font and pages: measured, +100 MB over 500 PDFs. fpdf2 clears them at the
    end of its own font writer, which font_embed.CJKFontProducer replaces.
    Clearing while another thread lays out a letter only costs it lookups:
    glyphs compare by value, so its codes do not change.
    """
    SubsetMap.pick.cache_clear()
    SubsetMap.get_glyph.cache_clear()


def prepare(cache_dir: Path | None = None) -> None:
    """Parse the font and load (or build, ~12 s once per machine) the reduced program now.

    Otherwise the first PDF of a process pays for it. ``cache_dir`` overrides
    font_base.cache_dir() (tests use a private folder).
    """
    prototype, data = _prototype()
    with _Cache.base_lock:
        if _Cache.base is None:
            names = font_base.glyph_names_for(prototype.cmap, font_base.base_charset())
            _Cache.base = GlyphPrograms.parse(font_base.load_or_build(data, names, cache_dir))


def source_program(glyph_names: frozenset[str]) -> GlyphPrograms:
    """A desubroutinised CFF program holding ``glyph_names``: the reduced one if it can.

    A document with a character outside GBK and Big5 (a very rare name, an
    uncommon symbol) is cut from the full font instead (~200 ms).
    """
    prepare()
    base = _Cache.base
    assert base is not None
    if all(name in base for name in glyph_names):
        return base
    return GlyphPrograms.parse(font_base.cut_program(_prototype()[1], glyph_names))


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
