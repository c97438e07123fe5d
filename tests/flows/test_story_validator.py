"""Each mistake in the spotter and the new kinds is reported at file:line with a fix."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from flows import inspect_pack
from tests.flows.storykit import STORY


def broken(tmp_path: Path, file: str, old: str, new: str) -> Path:
    folder = tmp_path / "pack"
    shutil.copytree(STORY, folder)
    path = folder / file
    text = path.read_text(encoding="utf-8")
    assert old in text, f"fixture text {old!r} not found in {file}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return folder


CASES = [
    ("pattern syntax", "spotter.yaml", '["<insult>"], en: ["<insult>"]',
     '["(<insult>"], en: ["<insult>"]', "never closed"),
    ("unknown word list", "spotter.yaml", '["<jail>"], en: ["<jail>"]',
     '["<jai>"], en: ["<jail>"]', "no word list 'jai'"),
    ("bad word", "spotter.yaml", "jail: {zh-Hans: [坐牢,", "jail: {zh-Hans: [\"坐牢)\",",
     "without '('"),
    ("unknown node", "spotter.yaml", "node: paid\n", "node: payd\n", "'payd', which does not"),
    ("unknown option", "spotter.yaml", "option: insults", "option: insult", "not an option"),
    ("take for the wrong kind", "spotter.yaml", "node: amount\n      take: amount",
     "node: amount\n      take: count", "take: count answers"),
    ("name without a slot", "spotter.yaml", '"在{name}(上|里)借", ', '"在(上|里)借", ',
     "needs a {name} slot"),
    ("option on a yes/no", "spotter.yaml", "node: paid\n", "node: paid\n      option: maybe\n",
     "takes no option"),
    ("missing summary", "nodes.yaml", "    summary: {en: Already paid, zh-Hans: 已经还款}\n", "",
     "give it summary"),
    ("unknown without", "spotter.yaml", "without: [people, stop]", "without: [peple]",
     "no word list 'peple'"),
    ("amount without currency", "nodes.yaml", "    currency: CNY\n", "", "needs 'currency:'"),
    ("bad currency", "nodes.yaml", "currency: CNY", "currency: yuan", "ISO 4217"),
    ("prefill on a number", "nodes.yaml", "    kind: number\n    ask: needed\n    min: 0\n",
     "    kind: number\n    ask: needed\n    from_story: prefill\n    min: 0\n",
     "prefill applies to multi and tally"),
    ("sum of a non-count", "rules.yaml", "{sum: [contacts_today, others.total], gte: 10}",
     "{sum: [contacts_today, lender_name], gte: 10}", "not a count"),
    ("bad tally attribute", "rules.yaml", "{fact: others.count, gte: 1}",
     "{fact: others.cousins, gte: 1}", "no attribute 'cousins'"),
    ("story required", "nodes.yaml", "    kind: story\n", "    kind: story\n    required: true\n",
     "can always be skipped"),
]


@pytest.mark.parametrize(("check", "file", "old", "new", "expected"), CASES,
                         ids=[case[0] for case in CASES])
def test_each_error_is_reported_with_its_place(tmp_path: Path, check: str, file: str, old: str,
                                              new: str, expected: str) -> None:
    folder = broken(tmp_path, file, old, new)
    pack, issues = inspect_pack(folder)
    errors = [i for i in issues if i.level == "error"]
    assert pack is None, f"{check}: the broken pack loaded"
    matching = [i for i in errors if expected in i.message]
    assert matching, f"{check}: no error mentions {expected!r}: {[str(i) for i in errors]}"
    assert all(i.file.endswith(".yaml") and i.line > 1 for i in matching)


def test_a_pattern_error_points_at_its_line(tmp_path: Path) -> None:
    folder = broken(tmp_path, "spotter.yaml", '["<jail>"], en: ["<jail>"]',
                    '["<jai>"], en: ["<jail>"]')
    _, issues = inspect_pack(folder)
    issue = next(i for i in issues if "jai'" in i.message)
    assert "<jai>" in (folder / "spotter.yaml").read_text(encoding="utf-8").splitlines()[
        issue.line - 1]


def test_a_people_list_that_is_no_option_is_a_warning(tmp_path: Path) -> None:
    folder = broken(tmp_path, "spotter.yaml", "    strangers: {zh-Hans: [陌生人",
                    "    cousins: {zh-Hans: [表哥]}\n    strangers: {zh-Hans: [陌生人")
    pack, issues = inspect_pack(folder)
    assert pack is not None
    assert any("'cousins' is not an option of 'others'" in i.message for i in issues)


def test_ask_needed_without_a_rule_is_a_warning(tmp_path: Path) -> None:
    folder = broken(tmp_path, "nodes.yaml", "    max_length: 100\n    summary: {en: Lender",
                    "    max_length: 100\n    ask: needed\n    summary: {en: Lender")
    pack, issues = inspect_pack(folder)
    assert pack is not None
    assert any("never asked" in i.message for i in issues if i.level == "warning")


def test_the_story_fixture_is_clean() -> None:
    pack, issues = inspect_pack(STORY)
    assert pack is not None and issues == []
