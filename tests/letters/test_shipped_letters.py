"""Every letter the shipped packs offer, in every language it ships in, against its goldens.

A letter's words have one golden, kept with its pack (``<pack>/tests/letters/``: the whole
letter and the chat preview, bot/operators/goldens.py, checked for every pack by
tests/operators/test_goldens.py, ``flows test`` and ``packs publish``). Here, for each letter
of flows/packs/cn and flows/packs/us, rendered from the same sample case
(bot/operators/samples.py): how it looks — page 1 of the PDF as a PNG (pixel-difference
threshold, tests/letters/goldens.py) and the DOCX structure. Then the properties a lawyer
checks first: no blank where the user gave the detail, the right paper.
Rewrite the goldens with CALLSHIELD_UPDATE_GOLDENS=1 and review them.
"""

from __future__ import annotations

import io
from functools import cache
from pathlib import Path

import docx
import pytest

from bot.letters import build_context, letter_document, letter_text, preview_text, render_file
from bot.letters.layout import SIGNATURE_LINE
from bot.operators.goldens import golden_dir, golden_names
from bot.operators.samples import sample_context
from flows import Pack, load_pack
from flows.letters import BLANK, LetterContext
from flows.schema import ADDRESSEE_TYPES
from tests.conftest import ROOT
from tests.documents.pdf_inspect import MM, reader
from tests.letters.conftest import PROFILES, TEMPLATES, TODAY, sample_incidents
from tests.letters.goldens import check_image, check_text, page_image

GOLDEN = Path(__file__).resolve().parent / "golden" / "shipped"
PARTIES = {f"{kind}_{detail}": value for kind in ADDRESSEE_TYPES for detail, value in (
    ("name", f"{kind.title()} Office"), ("address", f"1 {kind.title()} Road, 100000"))}


@cache
def shipped(pack_id: str) -> Pack:
    return load_pack(ROOT / "flows" / "packs" / pack_id, TEMPLATES)


def languages(pack: Pack, letter_id: str) -> list[str]:
    """The languages a letter ships in: today, its one ``language``."""
    return [pack.data.letters[letter_id].language]


CASES = [(pack_id, letter_id, language) for pack_id in ("cn", "us")
         for letter_id in shipped(pack_id).data.letters
         for language in languages(shipped(pack_id), letter_id)]
IDS = [f"{pack_id}/{letter_id}/{language}" for pack_id, letter_id, language in CASES]


def context(pack: Pack, letter_id: str, language: str, profile: dict[str, str] | None = None
            ) -> LetterContext:
    return build_context(pack, letter_id, incidents=sample_incidents(pack), today=TODAY,
                         profile=PROFILES[pack.id] if profile is None else profile,
                         language=language)


@pytest.mark.parametrize(("pack_id", "letter_id", "language"), CASES, ids=IDS)
def test_the_words_have_their_golden_with_the_pack_and_the_preview_is_plain(
        pack_id: str, letter_id: str, language: str) -> None:
    pack = shipped(pack_id)
    names = golden_names(pack, letter_id)
    assert {name.split(".")[1] for name in names.values()} == {language}
    assert all((golden_dir(pack) / name).is_file() for name in names.values()), names
    preview = preview_text(pack, letter_id, sample_context(pack, letter_id), language,
                           TEMPLATES)
    assert "# " not in preview and "{{" not in preview  # nothing but plain text to paste


@pytest.mark.parametrize(("pack_id", "letter_id", "language"), CASES, ids=IDS)
def test_pdf_page_one_looks_like_its_golden(pack_id: str, letter_id: str, language: str) -> None:
    pack = shipped(pack_id)
    _, pdf = render_file(pack, letter_id, sample_context(pack, letter_id), "pdf", TEMPLATES)
    assert b"CallShield" not in pdf  # nothing of the product, not even in the properties
    check_image(GOLDEN / pack_id / f"{letter_id}.{language}.page1.png", page_image(pdf))


def docx_structure(data: bytes) -> str:
    """Paper, then each paragraph's style, alignment, keep-with-next and text, then tables."""
    document = docx.Document(io.BytesIO(data))
    section = document.sections[0]
    lines = [f"page {section.page_width.mm:.1f} x {section.page_height.mm:.1f} mm"]  # type: ignore[union-attr]
    for paragraph in document.paragraphs:
        fmt = paragraph.paragraph_format
        align = paragraph.alignment.name if paragraph.alignment is not None else "-"  # type: ignore[union-attr]
        keep = " keep" if fmt.keep_with_next else ""
        indent = f" indent {fmt.left_indent.mm:.0f}mm" if fmt.left_indent else ""
        lines.append(f"{paragraph.style.name} {align}{keep}{indent}: {paragraph.text!r}")  # type: ignore[union-attr]
    for table in document.tables:
        lines += [" | ".join(cell.text for cell in row.cells) for row in table.rows]
    return "\n".join(lines) + "\n"


@pytest.mark.parametrize(("pack_id", "letter_id", "language"), CASES, ids=IDS)
def test_docx_structure_matches_its_golden(pack_id: str, letter_id: str, language: str) -> None:
    pack = shipped(pack_id)
    _, data = render_file(pack, letter_id, sample_context(pack, letter_id), "docx", TEMPLATES)
    properties = docx.Document(io.BytesIO(data)).core_properties
    assert "CallShield" not in f"{properties.author}{properties.last_modified_by}" \
        f"{properties.comments}{docx_structure(data)}"
    check_text(GOLDEN / pack_id / f"{letter_id}.{language}.docx.txt", docx_structure(data))


def test_every_golden_belongs_to_a_shipped_letter() -> None:
    expected = {f"{pack_id}/{letter_id}.{language}.{kind}" for pack_id, letter_id, language
                in CASES for kind in ("page1.png", "docx.txt")}
    found = {f"{p.parent.name}/{p.name}" for p in GOLDEN.rglob("*.*")}
    assert found <= expected, f"goldens of letters that no longer ship: {found - expected}"


@pytest.mark.parametrize(("pack_id", "letter_id", "language"), CASES, ids=IDS)
def test_no_blank_where_the_user_gave_the_detail(pack_id: str, letter_id: str,
                                                 language: str) -> None:
    pack = shipped(pack_id)
    letter = pack.data.letters[letter_id]
    profile = {**PROFILES[pack_id], "id_number": "310101199001011234", **PARTIES}
    ctx = context(pack, letter_id, language, profile)
    doc = letter_document(pack, letter_id, ctx, TEMPLATES)
    around = [line for block in (*doc.head, *doc.front, *doc.closing) for line in block.lines]
    blanks = [line for line in around if BLANK in line.replace(SIGNATURE_LINE, "")]
    assert not blanks, around  # every detail given: none is a blank (the signature line is)
    whole = letter_text(pack, letter_id, ctx, TEMPLATES)
    for field in letter.fields:
        assert profile[field] in whole, field
    assert letter.addressee is not None, "every shipped letter declares its addressee"
    party = ctx["addressee"]  # the party the answers pick (e.g. the lender that collected)
    for detail in letter.addressee.ask:
        if detail == "name" and party["fixed"]:
            assert party["name"] in whole  # the pack names it (a state's own office)
            continue
        assert profile[f"{party['type']}_{detail}"] in whole, detail
    signed = [line for block in doc.closing for line in block.lines]
    assert any(ctx["sender"]["full_name"] in line for line in signed)  # the printed name
    assert any(ctx["today"] in line for line in signed)  # and the date, under the signature


@pytest.mark.parametrize(("pack_id", "size_mm"), [("us", (215.9, 279.4)), ("cn", (210, 297))])
def test_paper_follows_the_pack_in_pdf_and_docx(pack_id: str,
                                                size_mm: tuple[float, float]) -> None:
    pack = shipped(pack_id)
    for letter_id in pack.data.letters:
        ctx = context(pack, letter_id, pack.data.letters[letter_id].language)
        _, pdf = render_file(pack, letter_id, ctx, "pdf", TEMPLATES)
        for page in reader(pdf).pages:
            box = page.mediabox
            assert (round(float(box.width) / MM, 1), round(float(box.height) / MM, 1)) == \
                pytest.approx(size_mm, abs=0.2), letter_id
        _, data = render_file(pack, letter_id, ctx, "docx", TEMPLATES)
        section = docx.Document(io.BytesIO(data)).sections[0]
        assert (section.page_width.mm, section.page_height.mm) == \
            pytest.approx(size_mm, abs=0.2), letter_id  # type: ignore[union-attr]


def test_file_names_are_short_the_same_for_both_formats_and_never_user_text() -> None:
    for pack_id in ("cn", "us"):
        pack = shipped(pack_id)
        for letter_id in pack.data.letters:
            ctx = context(pack, letter_id, pack.data.letters[letter_id].language)
            names = [render_file(pack, letter_id, ctx, kind, TEMPLATES)[0]
                     for kind in ("pdf", "docx")]
            stems = {name.rsplit(".", 1)[0] for name in names}
            assert len(stems) == 1 and len(names[1]) <= 40, names
            assert stems.pop().endswith("-2026-11-28")
            assert not any(typed in names[0] for typed in (ctx["lender"], ctx["agency"],
                                                           *PROFILES[pack_id].values()))


@pytest.mark.parametrize(("pack_id", "letter_id", "dated"), [
    ("us", "cease_communication", "Springfield, November 28, 2026"),
    ("cn", "police_report", "日期：2026年11月28日于上海"),
])
def test_the_place_goes_with_the_date_when_the_user_gave_it(pack_id: str, letter_id: str,
                                                            dated: str) -> None:
    pack = shipped(pack_id)
    language = pack.data.letters[letter_id].language
    plain = letter_text(pack, letter_id, context(pack, letter_id, language), TEMPLATES)
    assert dated not in plain  # no place given: the date alone
    city = {"us": "Springfield", "cn": "上海"}[pack_id]
    given = context(pack, letter_id, language, {**PROFILES[pack_id], "city": city})
    assert dated in letter_text(pack, letter_id, given, TEMPLATES).splitlines()
