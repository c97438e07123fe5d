from __future__ import annotations

import pytest

from bot.documents import document_filename
from bot.documents.filenames import MAX_LENGTH


def test_chinese_name_is_kept() -> None:
    name = document_filename("投诉信", "惠今金融", "2026-11-28", "pdf")
    assert name == "投诉信-惠今金融-2026-11-28.pdf"


def test_without_party() -> None:
    assert document_filename("投诉信", None, "2026-11-28", ".docx") == "投诉信-2026-11-28.docx"
    assert document_filename("投诉信", "  ", "2026-11-28", "pdf") == "投诉信-2026-11-28.pdf"


@pytest.mark.parametrize(
    ("party", "expected"),
    [
        ("惠今/金融", "惠今 金融"),
        ("..\\..\\etc", "etc"),
        ('A<B>C:"D"|E?*F', "A B C D E F"),
        ("惠今\n金融\t有限公司", "惠今 金融 有限公司"),
        ("evil\u202efdp.exe", "evilfdp.exe"),  # right-to-left override dropped
        ("trailing dots...", "trailing dots"),
    ],
)
def test_unsafe_characters_are_removed(party: str, expected: str) -> None:
    name = document_filename("Letter", party, "2026-11-28", "pdf")
    assert name == f"Letter-{expected}-2026-11-28.pdf"


def test_long_party_is_cut_first() -> None:
    name = document_filename("投诉信", "惠今金融" * 40, "2026-11-28", "pdf")
    assert len(name) == MAX_LENGTH
    assert name.startswith("投诉信-惠今金融惠今") and name.endswith("-2026-11-28.pdf")


def test_long_title_is_cut_after_the_party_is_gone() -> None:
    name = document_filename("Request for validation " * 10, "Huijin", "2026-11-28", "pdf")
    assert len(name) <= MAX_LENGTH
    assert "Huijin" not in name and name.endswith("-2026-11-28.pdf")
    assert not name.split("-2026")[0].endswith(" ")


@pytest.mark.parametrize(
    ("title", "date_iso", "ext"),
    [("", "2026-11-28", "pdf"), ("///", "2026-11-28", "pdf"),
     ("投诉信", "28/11/2026", "pdf"), ("投诉信", "2026-11-28", "p/df")],
)
def test_bad_arguments_say_what_to_pass(title: str, date_iso: str, ext: str) -> None:
    with pytest.raises(ValueError, match="pass"):
        document_filename(title, "x", date_iso, ext)
