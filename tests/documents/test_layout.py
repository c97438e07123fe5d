"""Page breaks (bot/documents/pdf_layout.py): nothing that belongs together is torn apart."""

from __future__ import annotations

import pytest

from bot.documents import LetterDocument, TextBlock, render_pdf
from bot.documents.pdf_layout import Row, paginate

from .pdf_inspect import page_texts, squash

SIGNATURE = TextBlock(("________________", "Jane Doe", "November 28, 2026"), space_before=2)


def row(name: str, keep: bool = False) -> Row:
    return Row(name, 11.0, 10.0, keep_with_next=keep)


def test_a_break_moves_back_over_the_rows_that_must_stay_together() -> None:
    rows = [row("a"), row("b"), row("c", keep=True), row("d", keep=True), row("e")]
    pages = paginate(rows, top=0, bottom=40)  # four rows fit a page
    assert [[r.text for r, _ in page] for page in pages] == [["a", "b"], ["c", "d", "e"]]
    assert [y for _, y in pages[1]] == [0, 10, 20]


def test_a_chain_longer_than_a_page_breaks_where_it_must() -> None:
    rows = [row(str(i), keep=True) for i in range(6)] + [row("end")]
    pages = paginate(rows, top=0, bottom=40)
    assert [len(page) for page in pages] == [4, 3]


@pytest.mark.parametrize("lines", range(30, 62, 2))
def test_the_signature_never_starts_a_page_alone(lines: int) -> None:
    body = "\n\n".join(f"Paragraph {i} of the letter explains one more thing about the debt."
                       for i in range(lines)) + "\n\nSincerely,"
    doc = LetterDocument(title="Dispute of debt", language="en", body=body,
                         closing=(SIGNATURE, TextBlock(("Enclosures:", "1. Record"),
                                                       space_before=1)),
                         page_size="Letter")
    pages = page_texts(render_pdf(doc))
    signed = next(page for page in pages if "JaneDoe" in page)
    assert squash(f"Paragraph {lines - 1} of the letter") in signed  # the body's last lines
    assert "Sincerely," in signed and "Enclosures:" in signed


def test_a_heading_is_never_the_last_line_of_a_page() -> None:
    for filler in range(40, 52):
        body = "\n\n".join(["Text line."] * filler) + "\n\n# A heading\nIts first line."
        pages = page_texts(render_pdf(LetterDocument(title="T", language="en", body=body)))
        holder = next(page for page in pages if "Aheading" in page)
        assert "Itsfirstline." in holder, filler
