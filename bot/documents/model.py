"""Plain data describing a letter, shared by the PDF and DOCX renderers.

The model knows nothing of Telegram, templates or the engine: whoever builds a
letter fills these fields with already-rendered, already-localised text.
Validation happens here so that both renderers can trust their input and a bad
letter fails at construction time with a message that says what to change.
"""

from __future__ import annotations

import string
from dataclasses import dataclass
from datetime import UTC, datetime

CREATOR = ""
"""The author and creating application written into both formats: none. Nothing of the product
is on a letter, its file properties included: whoever receives it must not learn that the
sender drafted it with a bot."""
# Used when LetterDocument.created_at is None, so equal input gives equal bytes.
PLACEHOLDER_CREATED_AT = datetime(2000, 1, 1, tzinfo=UTC)
PAGE_LABEL_FIELDS = frozenset({"page", "pages"})
PAGE_SIZES = {"A4": (210.0, 297.0), "Letter": (215.9, 279.4)}  # mm, portrait
ALIGNMENTS = frozenset({"left", "right", "center", "end"})


@dataclass(frozen=True, slots=True)
class TextBlock:
    """Lines printed as they are, e.g. an address or a signature block.

    ``align``: "left", "right", "center", or "end" (left-aligned lines starting at the
    middle of the page, where a signature goes). ``space_before`` is in lines.
    """

    lines: tuple[str, ...]
    align: str = "left"
    space_before: float = 0.0

    def __post_init__(self) -> None:
        if self.align not in ALIGNMENTS:
            raise ValueError(f"TextBlock.align {self.align!r}: use one of {sorted(ALIGNMENTS)}.")


@dataclass(frozen=True, slots=True)
class AnnexTable:
    """The evidence annex: a dated list of contacts, printed as a real table.

    An annex with no rows is not printed at all (an empty evidence list only
    weakens a complaint); pass ``annex=None`` to make that explicit.
    """

    title: str
    columns: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    column_widths: tuple[float, ...] | None = None  # relative widths, e.g. (1, 1, 3)

    def __post_init__(self) -> None:
        if not self.columns:
            raise ValueError("AnnexTable.columns is empty: give at least one column heading.")
        width = len(self.columns)
        for index, row in enumerate(self.rows):
            if len(row) != width:
                raise ValueError(
                    f"AnnexTable row {index} has {len(row)} cells but there are {width} columns "
                    f"{self.columns!r}: pad the row with '' or fix the column list."
                )
        if self.column_widths is not None:
            if len(self.column_widths) != width:
                raise ValueError(
                    f"AnnexTable.column_widths has {len(self.column_widths)} entries for "
                    f"{width} columns: give one relative width per column, or None."
                )
            if any(not w > 0 for w in self.column_widths):
                raise ValueError(
                    f"AnnexTable.column_widths {self.column_widths!r} must all be > 0 "
                    "(they are relative weights, e.g. (1, 1, 3))."
                )

    @property
    def printed(self) -> bool:
        """Whether renderers print the annex (only when it has rows)."""
        return bool(self.rows)


@dataclass(frozen=True, slots=True)
class LetterDocument:
    """A complete letter, ready to render; see bot/documents/markup.py for ``body``.

    Printed in this order: ``head`` (sender, date, addressee, reference: whatever the
    letter's house style puts above the title), the title, ``front`` (blocks between title and
    body), the body, ``closing`` (enclosures, signature), then the annex on a page of its own.
    The closing never starts a page alone: it stays with the body's last lines.
    """

    title: str  # e.g. "投诉信" / "Request for validation of debt"
    language: str  # BCP-47-ish: "zh-Hans", "zh-Hant", "en"
    body: str  # plain text with the tiny markup: "# heading", "- bullet", blank-line paragraphs
    date_text: str = ""  # printed top right when given (a letter with ``head`` puts it there)
    annex: AnnexTable | None = None
    footer_note: str = ""  # printed at the foot of every page when given
    page_label: str = "{page} / {pages}"  # formatted with page= and pages=; multi-page only
    head: tuple[TextBlock, ...] = ()
    front: tuple[TextBlock, ...] = ()
    closing: tuple[TextBlock, ...] = ()
    page_size: str = "A4"  # a key of PAGE_SIZES
    # Written into the file metadata. None gives a fixed placeholder date so
    # that the same letter always yields byte-identical PDFs.
    created_at: datetime | None = None

    def __post_init__(self) -> None:
        if not self.title.strip():
            raise ValueError("LetterDocument.title is empty: every letter needs a title.")
        if not self.language.strip():
            raise ValueError(
                "LetterDocument.language is empty: use a BCP-47 tag such as 'zh-Hans' or 'en'."
            )
        try:
            parsed = string.Formatter().parse(self.page_label)
            fields = {field for _, field, _, _ in parsed if field is not None}
        except ValueError as exc:
            fields = {f"<{exc}>"}
        if not fields <= PAGE_LABEL_FIELDS:
            raise ValueError(
                f"LetterDocument.page_label {self.page_label!r} uses {sorted(fields)}: use only "
                "the fields {page} and {pages}, and write literal braces as {{ and }}."
            )
        if self.page_size not in PAGE_SIZES:
            raise ValueError(f"LetterDocument.page_size {self.page_size!r}: use one of "
                             f"{', '.join(PAGE_SIZES)}.")
        if self.created_at is not None and self.created_at.tzinfo is None:
            raise ValueError(
                "LetterDocument.created_at is a naive datetime: pass an aware one, "
                "e.g. datetime.now(timezone.utc)."
            )

    @property
    def created(self) -> datetime:
        """The metadata date: ``created_at``, or the fixed placeholder."""
        return self.created_at or PLACEHOLDER_CREATED_AT
