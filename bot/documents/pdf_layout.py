"""A letter as printed lines, and the pages they fall on: layout before any drawing.

Every line of the letter becomes a :class:`Row` (its text, size, indent, the space above it and
whether it must stay on the page of the row after it). Pages are then cut in one pass: when a
row does not fit, the break moves back over the rows that must stay with it. So a heading never
ends a page, a paragraph never leaves one line alone at the foot or the head of a page, and the
signature block always comes with the last lines of the body — no page holds only "Sincerely,"
and a signature.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace

from .markup import BulletList, Heading, Paragraph, parse_body
from .model import LetterDocument, TextBlock

Wrap = Callable[[str, float, float], list[str]]  # (text, size in pt, width in mm) -> lines

BODY_PT = 11.0
HEADING_PT = 13.0
TITLE_PT = 16.0
LINE_FACTOR = 1.5  # line height / font size: CJK needs more air than Latin
PT = 25.4 / 72  # mm per point
BULLET_INDENT = 6.0  # mm
END_COLUMN = 0.55  # "end" blocks start at this fraction of the text width
KEEP_BODY_LINES = 2  # body lines that stay with the closing (enclosures, signature)


@dataclass(frozen=True, slots=True)
class Row:
    text: str
    size: float  # pt
    height: float  # mm
    indent: float = 0.0  # mm from the left margin
    width: float = 0.0  # mm available (alignment box)
    align: str = "left"  # left, right, center
    space_before: float = 0.0  # mm, dropped at the top of a page
    keep_with_next: bool = False
    style: str = "text"  # text, title, heading
    bullet: bool = False  # a bullet dot before this (first) line of an item


def line_height(size_pt: float) -> float:
    return size_pt * PT * LINE_FACTOR


def letter_rows(doc: LetterDocument, wrap: Wrap, text_width: float) -> list[Row]:
    """Every printed line of the letter (not the annex), top to bottom."""
    rows: list[Row] = []
    for block in doc.head:
        rows += _block(block, wrap, text_width)
    if doc.date_text.strip() and not doc.head:
        rows += _lines([doc.date_text], BODY_PT, wrap, text_width, align="right")
    title = _lines([doc.title], TITLE_PT, wrap, text_width, align="center", style="title",
                   space_before=line_height(BODY_PT) * (0.8 if rows else 0))
    rows += [replace(row, keep_with_next=True) for row in title]
    for block in doc.front:
        rows += _block(block, wrap, text_width)
    body = _body(doc.body, wrap, text_width, first=not rows)
    closing = [row for block in doc.closing for row in _block(block, wrap, text_width)]
    if closing:
        keep = min(KEEP_BODY_LINES, len(body))
        for index in range(len(body) - keep, len(body)):
            body[index] = replace(body[index], keep_with_next=True)
        closing = [replace(row, keep_with_next=True) for row in closing[:-1]] + closing[-1:]
    return rows + body + closing


def _block(block: TextBlock, wrap: Wrap, width: float) -> list[Row]:
    """A block's lines stay together on one page (an address is not split)."""
    rows = _lines(list(block.lines), BODY_PT, wrap, width, align=block.align,
                  space_before=block.space_before * line_height(BODY_PT))
    return [replace(row, keep_with_next=True) for row in rows[:-1]] + rows[-1:]


def _lines(texts: Sequence[str], size: float, wrap: Wrap, width: float, *, align: str = "left",
           style: str = "text", space_before: float = 0.0, indent: float = 0.0) -> list[Row]:
    if align == "end":
        indent, align = indent + width * END_COLUMN, "left"
    box = width - indent
    rows: list[Row] = []
    for text in texts:
        for line in wrap(text, size, box) or [""]:
            rows.append(Row(line, size, line_height(size), indent, box, align,
                            space_before if not rows else 0.0, style=style))
    return rows


def _body(body: str, wrap: Wrap, width: float, *, first: bool) -> list[Row]:
    rows: list[Row] = []
    gap = line_height(BODY_PT) * 0.45
    for block in parse_body(body):
        space = 0.0 if first and not rows else gap
        if isinstance(block, Heading):
            lines = _lines([block.text], HEADING_PT, wrap, width, style="heading",
                           space_before=space + 2.0)
            rows += [replace(row, keep_with_next=True) for row in lines]
        elif isinstance(block, Paragraph):
            rows += _no_widows(_lines(["\n".join(block.lines)], BODY_PT, wrap, width,
                                      space_before=space))
        elif isinstance(block, BulletList):
            for index, item in enumerate(block.items):
                lines = _lines([item], BODY_PT, wrap, width, indent=BULLET_INDENT,
                               space_before=space if index == 0 else 0.0)
                lines[0] = replace(lines[0], bullet=True)
                rows += _no_widows(lines)
    return rows


def _no_widows(rows: list[Row]) -> list[Row]:
    """A paragraph of 3+ lines leaves neither its first nor its last line alone on a page."""
    if len(rows) < 3:
        return [replace(row, keep_with_next=True) for row in rows[:-1]] + rows[-1:]
    rows[0] = replace(rows[0], keep_with_next=True)
    rows[-2] = replace(rows[-2], keep_with_next=True)
    return rows


def paginate(rows: Sequence[Row], top: float, bottom: float) -> list[list[tuple[Row, float]]]:
    """Rows by page, each with the y (mm) of its top edge; breaks respect keep_with_next."""
    pages: list[list[tuple[Row, float]]] = [[]]
    start, index, y = 0, 0, top
    while index < len(rows):
        row = rows[index]
        space = row.space_before if index != start else 0.0
        if y + space + row.height <= bottom or index == start:
            pages[-1].append((row, y + space))
            y += space + row.height
            index += 1
            continue
        back = index
        while back > start and rows[back - 1].keep_with_next:
            back -= 1
        if back > start:  # move the rows that must stay with this one to the next page
            del pages[-1][len(pages[-1]) - (index - back):]
            index = back
        pages.append([])
        start, y = index, top
    return pages
