"""Every letter of the fixture packs, rendered from a fixed context, matches its golden text
byte for byte. (The demo pack's and the shipped packs' letters have their goldens with the pack,
``<pack>/tests/letters/``: tests/operators/test_goldens.py.)

A golden file changes only on purpose: run
``CALLSHIELD_UPDATE_GOLDENS=1 .venv/bin/pytest tests/letters`` to rewrite them (the rewritten
tests are reported as skipped), then review the change with ``git diff tests/letters/golden``.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from bot.letters import build_context, preview_text
from flows import Pack, load_pack
from tests.letters.conftest import FIXTURE_PACKS, PROFILES, TEMPLATES, TODAY, sample_incidents

GOLDEN = Path(__file__).resolve().parent / "golden"
UPDATE = os.environ.get("CALLSHIELD_UPDATE_GOLDENS") == "1"
PACKS = {"cn": FIXTURE_PACKS / "cn", "us": FIXTURE_PACKS / "us"}
_loaded: dict[str, Pack] = {}


def pack_named(name: str) -> Pack:
    if name not in _loaded:
        _loaded[name] = load_pack(PACKS[name], TEMPLATES)
    return _loaded[name]


CASES = [(name, letter_id) for name in PACKS for letter_id in pack_named(name).data.letters]


def rendered(pack: Pack, letter_id: str) -> str:
    context = build_context(pack, letter_id, incidents=sample_incidents(pack),
                            profile=PROFILES[pack.id], today=TODAY)
    return preview_text(pack, letter_id, context, pack.data.letters[letter_id].language,
                        TEMPLATES)


@pytest.mark.parametrize(("pack_name", "letter_id"), CASES,
                         ids=[f"{name}/{letter}" for name, letter in CASES])
def test_letter_matches_golden(pack_name: str, letter_id: str) -> None:
    text = rendered(pack_named(pack_name), letter_id)
    path = GOLDEN / pack_name / f"{letter_id}.txt"
    if UPDATE:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8", newline="\n")
        pytest.skip(f"golden rewritten: {path}; review it with git diff")
    assert path.is_file(), (f"no golden file {path}: create it with "
                            "CALLSHIELD_UPDATE_GOLDENS=1 .venv/bin/pytest tests/letters")
    assert text == path.read_text(encoding="utf-8"), (
        f"{pack_name}/{letter_id} differs from {path}; if the change is intended, rewrite the "
        "goldens with CALLSHIELD_UPDATE_GOLDENS=1 and review git diff")


def test_every_golden_file_belongs_to_a_letter() -> None:
    expected = {GOLDEN / name / f"{letter}.txt" for name, letter in CASES}
    found = {path for name in PACKS for path in (GOLDEN / name).glob("*.txt")}
    stale = sorted(found - expected)  # golden/shipped/ belongs to test_shipped_letters.py
    assert not stale, f"golden files for letters that no longer exist: {stale}; delete them"
