"""Golden snapshots of what a reader sees, page by page and paragraph by paragraph.

PDF bytes are not compared with a stored file: they change with every fpdf2 or
fontTools release (byte-for-byte determinism is tested in test_pdf.py).
Instead every PDF text line with its page and position, and the DOCX
paragraph/style sequence, are compared with files in golden/. Regenerate after
an intended change with
``CALLSHIELD_UPDATE_GOLDENS=1 .venv/bin/pytest tests/documents/test_golden.py``
and review the diff.
"""

from __future__ import annotations

import os
from io import BytesIO
from pathlib import Path

from docx import Document

from bot.documents import render_docx, render_pdf

from .pdf_inspect import MM, text_runs
from .samples import chinese_letter, english_letter

GOLDEN = Path(__file__).with_name("golden")
UPDATE = os.environ.get("CALLSHIELD_UPDATE_GOLDENS") == "1"


def check(name: str, actual: str) -> None:
    path = GOLDEN / name
    if UPDATE:
        path.parent.mkdir(exist_ok=True)
        path.write_text(actual, encoding="utf-8")
    assert path.exists(), f"{path} missing: run with CALLSHIELD_UPDATE_GOLDENS=1 to create it"
    assert actual == path.read_text(encoding="utf-8"), (
        f"{name} differs from the golden file; if the change is intended, "
        "regenerate with CALLSHIELD_UPDATE_GOLDENS=1 and review the diff"
    )


def pdf_snapshot(data: bytes) -> str:
    """Every shown line with its page and left edge: catches wrapping and pagination changes."""
    runs = text_runs(data)
    return "".join(f"p{run.page} {run.left / MM:6.1f}mm {run.text.strip()}\n" for run in runs)


def docx_snapshot(data: bytes) -> str:
    document = Document(BytesIO(data))
    lines = [f"{p.style.name}: {p.text!r}" for p in document.paragraphs]
    for table in document.tables:
        lines += [" | ".join(cell.text for cell in row.cells) for row in table.rows]
    return "\n".join(lines) + "\n"


def test_chinese_letter_pdf_pages() -> None:
    check("zh_letter.pdf.txt", pdf_snapshot(render_pdf(chinese_letter(rows=30))))


def test_english_letter_pdf_pages() -> None:
    check("en_letter.pdf.txt", pdf_snapshot(render_pdf(english_letter(rows=5))))


def test_chinese_letter_docx_structure() -> None:
    check("zh_letter.docx.txt", docx_snapshot(render_docx(chinese_letter(rows=3))))
