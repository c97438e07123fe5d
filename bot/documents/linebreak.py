"""Line breaking for mixed Chinese/Latin text, done before fpdf2 sees the text.

fpdf2 only breaks at spaces (falling back to any character when a word is too
long). Chinese has no spaces, so "我于 2026年11月1日 收到…" would break only at
the two spaces and leave half-empty lines, while character mode would split
English words and URLs anywhere. This module breaks between ideographs, at
spaces, and inside a token only when the token alone is wider than the line,
and keeps closing punctuation such as "，。）" off the start of a line.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable

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


def wrap_line(text: str, char_width: Callable[[str], float], max_width: float) -> list[str]:
    """Wrap one source line (no "\\n") so that every output line fits ``max_width``.

    ``char_width`` gives the advance of one character in the same unit as
    ``max_width``; widths are additive because the PDF is not shaped.
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
        if seg_w <= max_width:
            current, current_w = segment, seg_w
            continue
        for char in segment:  # a token wider than the line: break between characters
            w = width(char)
            if current and current_w + w > max_width:
                lines.append(current)
                current, current_w = "", 0.0
            current, current_w = current + char, current_w + w
    if current.strip() or not lines:
        lines.append(current.rstrip(" "))
    return lines


def wrap_text(text: str, char_width: Callable[[str], float], max_width: float) -> list[str]:
    """Wrap text that may contain explicit "\\n" line breaks, keeping them."""
    return [
        line
        for source in text.split("\n")
        for line in wrap_line(source, char_width, max_width)
    ]
