from __future__ import annotations

from datetime import datetime

import pytest

from bot.documents import AnnexTable, LetterDocument


def letter(**fields: object) -> LetterDocument:
    base: dict[str, object] = dict(title="投诉信", language="zh-Hans", body="正文", date_text="")
    base.update(fields)
    return LetterDocument(**base)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("columns", "rows", "widths", "message"),
    [
        ((), (), None, "at least one column"),
        (("a", "b"), (("1",),), None, "row 0 has 1 cells"),
        (("a", "b"), (), (1.0,), "one relative width per column"),
        (("a", "b"), (), (1.0, 0.0), "must all be > 0"),
    ],
)
def test_annex_validation(columns: tuple[str, ...], rows: tuple[tuple[str, ...], ...],
                          widths: tuple[float, ...] | None, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        AnnexTable("附件", columns, rows, widths)


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"title": " "}, "needs a title"),
        ({"language": ""}, "BCP-47"),
        ({"page_label": "{page} of {total}"}, r"only the fields \{page\} and \{pages\}"),
        ({"page_label": "{page.real}"}, "only the fields"),
        ({"page_label": "{page"}, "only the fields"),
        ({"created_at": datetime(2026, 11, 28)}, "naive"),
    ],
)
def test_letter_validation(fields: dict[str, object], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        letter(**fields)


def test_literal_braces_in_page_label_are_allowed() -> None:
    assert letter(page_label="{{draft}} {page}/{pages}").page_label.format(page=1, pages=2) == (
        "{draft} 1/2"
    )
