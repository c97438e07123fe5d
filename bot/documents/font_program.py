"""A parsed, desubroutinised CFF program, and the per-document cut with glyph ids = text codes.

``GlyphPrograms.parse`` runs once per process on the reduced program
(bot/documents/font_base.py): it keeps each glyph's charstring bytes and font
dict, plus a template program with the same top and font dicts but only
.notdef. A document's cut (``renumbered``) then parses only that small
template and copies bytes: ~5 ms for a letter, whatever the size of the
reduced program, because nothing is decompiled or re-encoded. Desubroutinised
charstrings call no subroutines, so copying them is enough.

In the cut, the glyph drawn for content-stream code *n* is CID *n* (see
bot/documents/font_embed.py for why).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from io import BytesIO

from fontTools import ttLib
from fontTools.cffLib import CFFFontSet, TopDict
from fontTools.misc.psCharStrings import T2CharString


def _decompile(program: bytes) -> tuple[CFFFontSet, TopDict, BytesIO]:
    buffer = BytesIO(program)
    cff = CFFFontSet()
    cff.decompile(buffer, None)
    return cff, cff.topDictIndex[0], buffer


def _compile(cff: CFFFontSet) -> bytes:
    out = BytesIO()
    cff.compile(out, ttLib.TTFont(recalcBBoxes=False))  # keep the source FontBBox
    return out.getvalue()


def _set_glyphs(top: TopDict, names: list[str], charstrings: list[T2CharString],
                font_dicts: list[int], *, keep_all_font_dicts: bool = False) -> None:
    """Replace the glyph set of a parsed CID-keyed program (charset, CharStrings, FDSelect)."""
    index = top.CharStrings.charStringsIndex
    index.items = charstrings
    for attribute in ("file", "offsets"):  # now held in items, not read from the file
        if hasattr(index, attribute):
            delattr(index, attribute)
    top.CharStrings.charStrings = {name: gid for gid, name in enumerate(names)}
    used = range(len(top.FDArray)) if keep_all_font_dicts else sorted(set(font_dicts))
    renumber = {old: new for new, old in enumerate(used)}
    top.FDSelect.format = None  # let fontTools pick the smallest encoding
    top.FDSelect.gidArray = [renumber[fd] for fd in font_dicts]
    top.FDArray.items = [top.FDArray[fd] for fd in used]
    for attribute in ("file", "offsets"):
        if hasattr(top.FDArray, attribute):
            delattr(top.FDArray, attribute)
    top.charset = names
    top.numGlyphs = len(names)


@dataclass(frozen=True)
class GlyphPrograms:
    """Charstring bytes and font-dict index by glyph name, and a .notdef-only template."""

    template: bytes
    charstrings: Mapping[str, bytes]
    font_dict: Mapping[str, int]

    @classmethod
    def parse(cls, program: bytes) -> GlyphPrograms:
        """Read a desubroutinised CID-keyed program (from font_base.cut_program)."""
        try:
            cff, top, buffer = _decompile(program)
        except Exception as exc:  # fontTools raises assorted errors on malformed data
            raise ValueError(f"not a CFF program ({exc!r}): rebuild it with font_base") from exc
        try:
            if not hasattr(top, "ROS") or not hasattr(top, "FDSelect"):
                raise ValueError("not a CID-keyed CFF program: rebuild it with font_base")
            if cff.GlobalSubrs or any(hasattr(fd.Private, "Subrs") for fd in top.FDArray):
                raise ValueError("the program uses subroutines: cut it with desubroutinize")
            charstrings, font_dict = {}, {}
            for name in top.charset:
                charstring, selector = top.CharStrings.getItemAndSelector(name)
                charstrings[name] = charstring.bytecode
                font_dict[name] = selector or 0
            notdef = top.CharStrings.getItemAndSelector(".notdef")[0]
            _set_glyphs(top, [".notdef"], [notdef], [font_dict[".notdef"]],
                        keep_all_font_dicts=True)
            return cls(_compile(cff), charstrings, font_dict)
        finally:
            buffer.close()  # the parsed objects hold it in reference cycles

    def __contains__(self, glyph_name: object) -> bool:
        return glyph_name in self.charstrings

    def renumbered(self, glyph_by_code: Mapping[int, str]) -> bytes:
        """A program with .notdef and, for each code n, glyph ``glyph_by_code[n]`` as CID n."""
        missing = [name for name in glyph_by_code.values() if name not in self.charstrings]
        if missing:
            raise KeyError(f"glyphs {missing[:5]} are not in this program: cut a larger one")
        if 0 in glyph_by_code:
            raise ValueError("code 0 is .notdef in a CID-keyed font; number glyphs from 1")
        cff, top, buffer = _decompile(self.template)
        try:
            codes = sorted(glyph_by_code)
            notdef = top.CharStrings.getItemAndSelector(".notdef")[0]
            sources = [glyph_by_code[code] for code in codes]
            charstrings = [notdef] + [T2CharString(bytecode=self.charstrings[name])
                                      for name in sources]
            font_dicts = [self.font_dict[".notdef"]] + [self.font_dict[name] for name in sources]
            _set_glyphs(top, [".notdef", *(f"cid{code:05d}" for code in codes)],
                        charstrings, font_dicts)
            top.CIDCount = (codes[-1] if codes else 0) + 1
            return _compile(cff)
        finally:
            buffer.close()
