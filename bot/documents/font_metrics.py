"""The CJK font's parsed metrics, kept on disk so a new process does not parse the font again.

fpdf2's ``add_font`` reads the 16 MB Noto Sans CJK file: 1.2 s of CPU, at every start. The
bot does it in a background thread, but a letter asked for in that time waits for it (the
"first letter after a restart" of bench/letter_delivery.py), and the thread holds the GIL the
whole time, slowing every chat. What fpdf2 keeps of the parse is plain data — widths, the
character-to-glyph maps, a few numbers — so it is stored once, with ``marshal`` (plain data
only, nothing is executed when it is read back; ~20 ms to load), in the same folder as the
reduced font program (font_base.cache_dir()). The file's name carries a hash of the font, of
this format and of the fpdf2 version, so an upgrade of either parses afresh; a damaged or
unreadable file is parsed again and rewritten. tests/documents/test_font_metrics.py checks that
a restored font equals a parsed one and gives byte-identical PDFs.
"""

from __future__ import annotations

import hashlib
import logging
import marshal
import os
import tempfile
from collections import defaultdict
from collections.abc import Callable
from contextlib import suppress
from pathlib import Path
from typing import Any

import fpdf
from fpdf.enums import FontDescriptorFlags, TextEmphasis
from fpdf.fonts import PDFFontDescriptor, TTFFont

LOG = logging.getLogger(__name__)
FORMAT = "fpdf2-ttffont-metrics-1"  # change when snapshot()'s output changes
_DESCRIPTOR = ("ascent", "descent", "cap_height", "font_b_box", "italic_angle", "stem_v",
               "missing_width")
_SKIPPED = frozenset({"cw", "desc", "emphasis", "ttffile", "subset", "ttfont", "_hbfont"})


def _slots() -> list[str]:
    return [name for cls in TTFFont.__mro__ for name in getattr(cls, "__slots__", ())]


def snapshot(font: TTFFont) -> dict[str, Any]:
    """What fpdf2 keeps of a parsed font, as plain data."""
    desc = font.desc
    slots = {name: getattr(font, name) for name in _slots()
             if name not in _SKIPPED and hasattr(font, name)}  # fpdf2 leaves some unset
    data: dict[str, Any] = {"slots": slots}
    data.update(
        cw=dict(font.cw), cw_default=font.cw.default_factory(),  # type: ignore[misc]
        desc={name: getattr(desc, name) for name in _DESCRIPTOR},
        desc_flags=desc.flags.value, emphasis=font.emphasis.value, ttffile=str(font.ttffile))
    return data


def restore(data: dict[str, Any]) -> TTFFont:
    """A TTFFont equal to the one ``snapshot`` was taken of (without fontTools' object)."""
    font = TTFFont.__new__(TTFFont)
    for name, value in data["slots"].items():
        setattr(font, name, value)
    default = data["cw_default"]
    font.cw = defaultdict(lambda: default, data["cw"])
    font.desc = PDFFontDescriptor(flags=FontDescriptorFlags(data["desc_flags"]), **data["desc"])
    font.emphasis = TextEmphasis(data["emphasis"])
    font.ttffile = Path(data["ttffile"])
    font.ttfont = None
    font._hbfont = None  # noqa: SLF001 - fpdf2's own slot, as add_font leaves it
    font.subset = None  # each document gets its own (fonts.register_font)
    return font


def load_or_parse(font_data: bytes, parse: Callable[[], TTFFont],
                  directory: Path) -> TTFFont:
    """The font's metrics from the cache in ``directory``, or parsed and stored there."""
    key = hashlib.sha256(f"{FORMAT}\n{fpdf.__version__}\n".encode())
    key.update(hashlib.sha256(font_data).digest())
    path = directory / f"noto-sans-cjk-sc-metrics-{key.hexdigest()[:24]}.marshal"
    with suppress(OSError, EOFError, ValueError, TypeError, KeyError):
        stored = path.read_bytes()
        digest, payload = stored[:32], stored[32:]
        if payload and hashlib.sha256(payload).digest() == digest:
            return restore(marshal.loads(payload))
        LOG.warning("Font metrics cache %s is damaged; parsing the font again.", path)
    font = parse()
    payload = marshal.dumps(snapshot(font))
    try:
        directory.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=directory, prefix=".tmp-", delete=False) as tmp:
            tmp.write(hashlib.sha256(payload).digest() + payload)
        os.replace(tmp.name, path)  # atomic: a concurrent reader never sees half a file
    except OSError as error:
        LOG.warning("Cannot store the font metrics in %s (%s): each start parses the font "
                    "(~1 s).", directory, error)
    return font
