"""The reduced font program common letters are cut from, built once per machine and cached on disk.

Cutting each document's glyphs out of the full Noto Sans CJK SC program means
parsing its 65,535 glyph entries and executing its subroutinised charstrings:
~150 ms per PDF. Instead we cut, once, a *desubroutinised* CFF program that
holds the 22,000 glyphs of GBK and Big5 (every hanzi of either, Latin-1,
CJK and fullwidth punctuation). A document then only copies the bytes of its
glyphs out of it (~5 ms, bot/documents/font_program.py). A document using a
glyph outside this set is cut from the full font instead: the same glyph
programs, just slower — so any character the font has still prints right.

Why GBK and not only GB 2312 (6,763 hanzi, ~10,000 glyphs): GB 2312 lacks
characters common in given names (镕 堃 喆 珺 祎), and a letter carries the
borrower's and the collectors' names. The per-document cost does not grow
with the set; only the one-off build does (~12 s instead of ~4 s).

The file is derived on this machine from the installed mplfonts font (SIL Open
Font License 1.1), like the subsets embedded in every PDF; it is never shipped.
It lives in ``$CALLSHIELD_FONT_CACHE`` (default: ``$XDG_CACHE_HOME/callshield``
or ``~/.cache/callshield``). Its name carries a hash of the source font, the
glyph list, this recipe and the fontTools version, so an upgrade of any of
them builds a new file; a damaged file is rebuilt; an unwritable folder only
costs the build (~12 s) once per process.
"""

from __future__ import annotations

import hashlib
import logging
import os
import tempfile
from collections.abc import Collection, Iterable, Mapping
from contextlib import suppress
from io import BytesIO
from pathlib import Path

import fontTools
from fontTools import subset as ftsubset
from fontTools import ttLib
from fontTools.ttLib.tables._c_m_a_p import CmapSubtable

LOG = logging.getLogger(__name__)
# At INFO, fontTools' subsetter logs every glyph it keeps: for a document cut
# from the full font, that list spells out the letter's characters, and logs
# must never carry message content.
logging.getLogger("fontTools.subset").setLevel(logging.WARNING)
CACHE_ENV = "CALLSHIELD_FONT_CACHE"
RECIPE = "desubroutinized-cff-gbk-big5-1"  # change when cut_program's output changes
# Tables that play no part in the CFF program we cut (see stubbed_ttfont).
_NOT_EMBEDDED = ("GDEF", "GPOS", "GSUB", "BASE", "hmtx", "vmtx", "vhea", "VORG")
_RANGES = (
    (0x20, 0x7E), (0xA0, 0xFF),  # ASCII, Latin-1
    (0x2000, 0x206F),  # general punctuation: dashes, quotes, ellipsis
    (0x3000, 0x303F),  # CJK symbols and punctuation: 、。〈〉「」
    (0xFF00, 0xFFEF),  # fullwidth forms: ，：（）
    (0x25A1, 0x25A1),  # □, printed for characters the font lacks
)


def base_charset() -> frozenset[int]:
    """Code points of the reduced program: GBK, Big5, Latin-1 and punctuation."""
    chars = {code for low, high in _RANGES for code in range(low, high + 1)}
    for codec, leads, trails in (("gbk", range(0x81, 0xFF), range(0x40, 0xFF)),
                                 ("big5", range(0xA1, 0xFA), range(0x40, 0xFF))):
        for lead in leads:
            for trail in trails:
                with suppress(UnicodeDecodeError):
                    text = bytes((lead, trail)).decode(codec)
                    if len(text) == 1:
                        chars.add(ord(text))
    return frozenset(chars)


def stubbed_ttfont(font_data: bytes) -> ttLib.TTFont:
    """A lazily parsed font whose only real table is the CFF program we cut glyphs from.

    The fontTools subsetter would first parse every other table: the
    65k-entry cmap, hmtx and vmtx and the layout tables cost ~250 ms. Widths
    come from fpdf2's metrics, not from here, so these are removed and the
    cmap left empty. Bounding boxes are not recomputed: the cut keeps the
    full font's FontBBox, a valid bound.
    """
    ttfont = ttLib.TTFont(BytesIO(font_data), recalcTimestamp=False, recalcBBoxes=False,
                          lazy=True)
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


def cut_program(font_data: bytes, glyph_names: Collection[str]) -> bytes:
    """A desubroutinised CFF program with exactly ``glyph_names`` (plus .notdef) of the font.

    fontTools' subsetter does the work; desubroutinising makes every glyph's
    charstring self-contained, so later cuts are plain byte copies.
    """
    ttfont = stubbed_ttfont(font_data)
    try:
        options = ftsubset.Options(notdef_outline=True, recommended_glyphs=True,
                                   desubroutinize=True)
        subsetter = ftsubset.Subsetter(options)
        subsetter.populate(glyphs=sorted(glyph_names))
        subsetter.subset(ttfont)
        return bytes(ttfont["CFF "].compile(ttfont))
    finally:
        _close_cff(ttfont)


def _close_cff(ttfont: object) -> None:
    """Free the parsed CFF's 15 MB buffer now: it sits in reference cycles (see fonts.py)."""
    table = getattr(ttfont, "tables", {}).get("CFF ")
    index = getattr(getattr(table, "cff", None), "topDictIndex", None)
    buffer = getattr(index, "file", None)
    if isinstance(buffer, BytesIO):
        buffer.close()


def cache_dir() -> Path:
    """Where the reduced program is kept (see the module docstring)."""
    configured = os.environ.get(CACHE_ENV, "").strip()
    if configured:
        return Path(configured).expanduser()
    xdg = os.environ.get("XDG_CACHE_HOME", "").strip()
    return (Path(xdg) if xdg else Path.home() / ".cache") / "callshield"


def glyph_names_for(cmap: Mapping[int, str], chars: Iterable[int]) -> frozenset[str]:
    return frozenset(cmap[char] for char in chars if char in cmap)


def load_or_build(font_data: bytes, glyph_names: frozenset[str],
                  directory: Path | None = None) -> bytes:
    """The reduced program for ``glyph_names``: read from the cache, or cut and stored there.

    The file holds the program's SHA-256 and then the program, so a truncated
    or damaged file is noticed (and rebuilt) rather than embedded.
    """
    key = hashlib.sha256()
    for part in (RECIPE, fontTools.version, *sorted(glyph_names)):
        key.update(part.encode() + b"\n")
    key.update(hashlib.sha256(font_data).digest())
    folder = directory or cache_dir()
    path = folder / f"noto-sans-cjk-sc-{key.hexdigest()[:24]}.cffcache"
    try:
        cached = path.read_bytes()
    except OSError:
        cached = b""
    digest, program = cached[:32], cached[32:]
    if program and hashlib.sha256(program).digest() == digest:
        return program
    if cached:
        LOG.warning("Font cache file %s is damaged; rebuilding it.", path)
    LOG.info("Building the reduced CJK font program (%d glyphs, once per machine) in %s",
             len(glyph_names), path)
    program = cut_program(font_data, glyph_names)
    try:
        folder.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=folder, prefix=".tmp-", delete=False) as tmp:
            tmp.write(hashlib.sha256(program).digest() + program)
        os.replace(tmp.name, path)  # atomic: concurrent builders never see half a file
    except OSError as exc:
        LOG.warning("Cannot store the reduced font program in %s (%s): each process will "
                    "rebuild it (~12 s). Set %s to a writable folder.", folder, exc, CACHE_ENV)
    return program
