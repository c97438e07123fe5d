"""Line breaking for mixed Chinese/Latin text, done before fpdf2 sees the text.

fpdf2 only breaks at spaces (falling back to any character when a word is too
long). Chinese has no spaces, so "我于 2026年11月1日 收到…" would break only at
the two spaces and leave half-empty lines, while character mode would split
English words and URLs anywhere ("voicema/il" in a narrow table column). This
module breaks between ideographs and at spaces, keeps closing punctuation such
as "，。）" off the start of a line, and moves a word that does not fit to the
next line. Only a word wider than a whole line (a table cell) is broken inside:
an English word at its hyphenation points (Pyphen's dictionaries, the ones
LibreOffice uses) with a hyphen, a URL or code after "/", "-", "." and the
like, and a number or anything else without one only as the last resort.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Callable

import pyphen

# Characters that must not start a line (they attach to what precedes them) ...
NO_LINE_START = frozenset(
    "、。，．：；？！）］｝〕〉》」』】〙〗〟’”｠»ー々〻‐゠–〜～・·…‥"
    "ぁぃぅぇぉっゃゅょゎァィゥェォッャュョヮヵヶ"
    ",.:;?!)]}%°′″℃"
)
# ... and characters that must not end one (they attach to what follows).
NO_LINE_END = frozenset("（［｛〔〈《「『【〘〖〝‘“｟«([{")


def _is_wide(char: str) -> bool:
    """Wide characters (ideographs, kana, hangul, full-width punctuation) break on either side."""
    return unicodedata.east_asian_width(char) in ("W", "F")


def _tokens(text: str) -> list[str]:
    """Split into spaces, single wide characters and runs of other characters."""
    tokens: list[str] = []
    run = ""
    for char in text:
        if char == " " or _is_wide(char):
            if run:
                tokens.append(run)
                run = ""
            tokens.append(char)
        else:
            run += char
    if run:
        tokens.append(run)
    return tokens


def _segments(text: str) -> list[str]:
    """Group tokens into segments with no break opportunity inside."""
    segments: list[str] = []
    for token in _tokens(text):
        if segments and token != " " and segments[-1] != " " and (
            token[0] in NO_LINE_START or segments[-1][-1] in NO_LINE_END
        ):
            segments[-1] += token
        else:
            segments.append(token)
    return segments


_SOFT_BREAKS = frozenset("/-_.?&=#:;,")  # a URL or code may break after these
_WORD = re.compile(r"[^\W\d_]{5,}")  # a run of 5+ letters: a word Pyphen may hyphenate
_PLAIN_WORD = re.compile(r"[^\W\d_]+(?:['’-][^\W\d_]+)*")  # words, e.g. "voicemail"
_EDGE_PUNCTUATION = "\"'“”‘’()[]{}<>,.;:!?"


def _dictionary(language: str) -> pyphen.Pyphen:
    """Hyphenation patterns for the language's Latin words (English inside Chinese text)."""
    tag = language.replace("-", "_")
    found = pyphen.language_fallback(tag) if not tag.startswith("zh") else None
    return _patterns(found or "en_US")


@functools.lru_cache(maxsize=8)
def _patterns(name: str) -> pyphen.Pyphen:
    """Loading a dictionary takes ~0.3 s: once per process (prepare_hyphenation at start)."""
    return pyphen.Pyphen(lang=name)


def prepare_hyphenation(*languages: str) -> None:
    """Load the hyphenation patterns now, so the first letter that needs them does not wait."""
    for language in languages or ("en",):
        _dictionary(language)


def _break_points(token: str, language: str) -> list[tuple[int, bool]]:
    """(position, add a hyphen) where ``token`` may be split, in order."""
    points: dict[int, bool] = {}
    core = token.strip(_EDGE_PUNCTUATION)
    words = _WORD.finditer(token) if _PLAIN_WORD.fullmatch(core) else iter(())
    for match in words:  # a hyphen inside a URL, a code or a number would change it
        for position in _dictionary(language).positions(match.group()):
            points[match.start() + position] = True
    for index, char in enumerate(token[:-1]):
        if char in _SOFT_BREAKS and index + 1 not in points:
            points[index + 1] = False
    return sorted(points.items())


def wrap_line(text: str, char_width: Callable[[str], float], max_width: float,
              language: str = "en") -> list[str]:
    """Wrap one source line (no "\\n") so that every output line fits ``max_width``.

    ``char_width`` gives the advance of one character in the same unit as
    ``max_width``; widths are additive because the PDF is not shaped.
    ``language`` picks the hyphenation patterns (English for Chinese text).
    """
    if max_width <= 0:
        raise ValueError(f"max_width must be positive, got {max_width}: widen the text column.")
    cache: dict[str, float] = {}

    def width(segment: str) -> float:
        total = 0.0
        for char in segment:
            w = cache.get(char)
            if w is None:
                w = cache[char] = char_width(char)
            total += w
        return total

    lines: list[str] = []
    current, current_w = "", 0.0
    for segment in _segments(text):
        seg_w = width(segment)
        if current_w + seg_w <= max_width:
            if segment != " " or current or not lines:  # no leading space on wrapped lines
                current, current_w = current + segment, current_w + seg_w
            continue
        if segment == " ":  # the line ends here; the space is dropped
            if current.strip():
                lines.append(current.rstrip(" "))
            current, current_w = "", 0.0
            continue
        if current.strip():
            lines.append(current.rstrip(" "))
            current, current_w = "", 0.0
        while width(segment) > max_width:  # wider than a whole line: split it
            head, segment = _split(segment, width, max_width, language)
            lines.append(head)
        current, current_w = segment, width(segment)
    if current.strip() or not lines:
        lines.append(current.rstrip(" "))
    return lines


def _split(token: str, width: Callable[[str], float], max_width: float,
           language: str) -> tuple[str, str]:
    """The longest head of ``token`` that fits a line, at the best place, and the rest."""
    for position, hyphen in reversed(_break_points(token, language)):
        head = token[:position] + ("-" if hyphen else "")
        if width(head) <= max_width:
            return head, token[position:]
    used, cut = 0.0, 0
    for cut, char in enumerate(token):  # last resort: between characters
        used += width(char)
        if used > max_width:
            break
    cut = max(cut, 1)
    return token[:cut], token[cut:]


def wrap_text(text: str, char_width: Callable[[str], float], max_width: float,
              language: str = "en") -> list[str]:
    """Wrap text that may contain explicit "\\n" line breaks, keeping them."""
    return [
        line
        for source in text.split("\n")
        for line in wrap_line(source, char_width, max_width, language)
    ]
