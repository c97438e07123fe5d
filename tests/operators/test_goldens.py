"""Every letter of every pack has a golden text, generated on request and checked always.

Rewrite them with ``CALLSHIELD_UPDATE_GOLDENS=1 .venv/bin/pytest tests/operators`` (or
``callshield flows goldens PACK --update``) and review ``git diff``.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from bot.operators.goldens import check_goldens, write_goldens
from flows import available_packs, load_pack
from tests.conftest import DEMO
from tests.operators.conftest import Cli, edit

UPDATE = os.environ.get("CALLSHIELD_UPDATE_GOLDENS") == "1"
PACKS = [*available_packs(), str(DEMO)]


@pytest.mark.parametrize("name", PACKS, ids=[Path(p).name for p in PACKS])
def test_every_letter_matches_its_golden_text(name: str) -> None:
    pack = load_pack(name)
    if UPDATE:
        written = write_goldens(pack)
        pytest.skip(f"goldens rewritten: {[str(p) for p in written]}; review git diff")
    assert check_goldens(pack) == []


def test_a_changed_template_or_a_new_letter_fails_until_its_golden_is_written(
        packs: Path, cli: Cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    templates = tmp_path / "templates"
    (templates / "demo").mkdir(parents=True)
    source = (DEMO.parents[2] / "templates" / "demo" / "complaint.zh-Hans.txt.j2")
    (templates / "demo" / "complaint.zh-Hans.txt.j2").write_text(
        source.read_text(encoding="utf-8"), encoding="utf-8")
    monkeypatch.setenv("CALLSHIELD_TEMPLATES", str(templates))
    assert cli("flows", "goldens", "demo") == (0, "demo: 1 letter(s) match their golden "
                                               "texts\n")
    (templates / "demo" / "complaint.zh-Hans.txt.j2").write_text(
        source.read_text(encoding="utf-8") + "\n附言：谢谢。\n", encoding="utf-8")
    code, out = cli("flows", "goldens", "demo")
    assert code == 1 and "differs from its golden letter text" in out
    code, out = cli("flows", "test", "demo", "--walks", "5")
    assert code == 1 and "differs from its golden preview text" in out  # flows test
    (templates / "demo" / "second.txt.j2").write_text("{{ letter.title }}\n", encoding="utf-8")
    edit(packs / "demo" / "rules.yaml", "letters:\n", "letters:\n  second:\n    title: "
         "{en: Second, zh-Hans: 第二封}\n    template: demo/second.txt.j2\n    language: en\n")
    edit(packs / "demo" / "rules.yaml", "letters: [complaint]", "letters: [complaint, second]")
    code, out = cli("flows", "goldens", "demo")
    assert code == 1 and "letter 'second' has no golden letter text" in out
    assert "letter 'second' has no golden preview text" in out
    code, out = cli("flows", "goldens", "demo", "--update")
    assert code == 0 and "second.en.letter.txt" in out and "second.en.preview.txt" in out
    assert "complaint.zh-Hans.letter.txt" in out
    assert cli("flows", "goldens", "demo")[0] == 0
    golden = packs / "demo" / "tests" / "letters"
    assert (golden / "second.en.preview.txt").read_text().startswith(
        "Second\n\nJane Doe\nNovember 28, 2026\n\nAnnex: record of contacts (3)")
    assert "Second" in (golden / "second.en.letter.txt").read_text()
    (golden / "old.en.letter.txt").write_text("a letter that is gone\n", encoding="utf-8")
    code, out = cli("flows", "goldens", "demo")
    assert code == 1 and "old.en.letter.txt belongs to no letter of 'demo'" in out
