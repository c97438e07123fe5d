"""The tiny body markup shared by the chat preview, the PDF and the DOCX.

The same text is pasted by users into complaint web forms, so the markup must
read naturally as plain text:

* paragraphs are separated by blank lines; line breaks inside one are kept;
* a line starting with ``"# "`` is a heading;
* lines starting with ``"- "`` are bullet items (an indented line right after
  an item continues it);
* everything else, including ``"Key: value"`` lines and ``"________"`` blanks
  the user fills in by hand, is printed exactly as written.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_BLANK_LINES = re.compile(r"\n[ \t\f\v]*\n")


@dataclass(frozen=True, slots=True)
class Heading:
    text: str


@dataclass(frozen=True, slots=True)
class Paragraph:
    lines: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class BulletList:
    items: tuple[str, ...]  # an item may hold "\n" for continuation lines


Block = Heading | Paragraph | BulletList


def normalise(text: str) -> str:
    """Unify newlines and tabs so both renderers see the same characters."""
    return text.replace("\r\n", "\n").replace("\r", "\n").expandtabs(4)


def parse_body(body: str) -> list[Block]:
    """Split a letter body into headings, paragraphs and bullet lists, in order."""
    blocks: list[Block] = []
    for chunk in _BLANK_LINES.split(normalise(body)):
        blocks.extend(_parse_chunk([line.rstrip() for line in chunk.split("\n")]))
    return blocks


def _parse_chunk(lines: list[str]) -> list[Block]:
    """Parse one blank-line separated chunk, which may mix text, headings and bullets."""
    blocks: list[Block] = []
    para: list[str] = []
    items: list[str] = []

    def flush() -> None:
        while para and not para[-1].strip():
            para.pop()
        if para:
            blocks.append(Paragraph(tuple(para)))
        if items:
            blocks.append(BulletList(tuple(items)))
        para.clear()
        items.clear()

    for line in lines:
        if line.startswith("# "):
            flush()
            if line[2:].strip():
                blocks.append(Heading(line[2:].strip()))
        elif line.startswith("- "):
            if para:
                flush()
            items.append(line[2:].strip())
        elif items and line[:1].isspace() and line.strip():
            items[-1] += "\n" + line.strip()
        else:
            if items:
                flush()
            if para or line.strip():  # drop leading empty lines only
                para.append(line)
    flush()
    return blocks


def plain_text(body: str) -> str:
    """The body with its markup gone, for web forms: headings as plain lines, items as "- "."""
    parts: list[str] = []
    for block in parse_body(body):
        if isinstance(block, Heading):
            parts.append(block.text)
        elif isinstance(block, Paragraph):
            parts.append("\n".join(block.lines))
        else:
            parts.append("\n".join("- " + item.replace("\n", "\n  ") for item in block.items))
    return "\n\n".join(parts)
