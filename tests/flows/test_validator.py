"""One broken pack per class of error: each is reported at file:line with a fix."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from flows import inspect_pack
from tests.conftest import DEMO, ROOT


def broken(tmp_path: Path, file: str, old: str, new: str) -> Path:
    """A copy of the demo pack with one text replaced in one file."""
    folder = tmp_path / "pack"
    shutil.copytree(DEMO, folder)
    path = folder / file
    text = path.read_text(encoding="utf-8")
    assert old in text, f"fixture text {old!r} not found in {file}"
    path.write_text(text.replace(old, new), encoding="utf-8")
    return folder


CASES = [
    # (check, file, old, new, expected words in the message)
    ("syntax", "nodes.yaml", "kind: choice", "kind: [choice", "YAML syntax"),
    ("duplicate key", "nodes.yaml", "    kind: choice\n", "    kind: choice\n    kind: text\n",
     "duplicate key 'kind'"),
    ("unknown key", "nodes.yaml", "    max_length: 100\n",
     "    max_length: 100\n    maxlength: 5\n", "unknown key 'maxlength'"),
    ("missing field", "pack.yaml", "  reviewed_on: 2026-11-20\n", "", "'reviewed_on' is missing"),
    ("bad id", "nodes.yaml", "      - id: lender\n", "      - id: Lender-X\n",
     "not a valid id"),
    ("bad next", "nodes.yaml", "    next: number\n", "    next: numbr\n",
     "next node 'numbr' does not exist"),
    ("unknown fact", "rules.yaml", "{fact: count, gte: 10}", "{fact: cont, gte: 10}",
     "fact 'cont'"),
    ("unknown option", "nodes.yaml", "{fact: caller, equals: lender}",
     "{fact: caller, equals: lendr}", "'lendr' is not an option"),
    ("bad attribute", "pack.yaml", "occurred_at: when", "occurred_at: whenn", "whenn"),
    ("unknown citation", "rules.yaml", "citations: [civil_1033]\n    do:",
     "citations: [civil_9999]\n    do:", "civil_9999"),
    ("unreachable", "nodes.yaml", "        goto: danger\n", "        goto: done\n",
     "cannot be reached"),
    ("cycle", "nodes.yaml", "    next: done\n  done:", "    next: caller\n  done:", "loops"),
    ("missing language", "nodes.yaml", "zh-Hans: 谁联系了您？", "fr: Qui",
     "missing in zh-Hans"),
    ("message too long", "nodes.yaml", "Different rules apply to lenders and agencies.",
     "x" * 4100, "4096"),
    ("label too long", "nodes.yaml", "label: {en: Family, zh-Hans: 家人}",
     "label: {en: Family, zh-Hans: 家人家人家人家人家人家人家人家人家人家人家人}", "too long to read"),
    ("missing help", "nodes.yaml",
     "    help: {en: Keep it as evidence., zh-Hans: 作为证据保存。}\n", "", "needs 'help:'"),
    ("missing template", "rules.yaml", "demo/complaint.zh-Hans.txt.j2", "demo/nope.txt.j2",
     "not found"),
    ("bad timezone", "pack.yaml", "timezone: Asia/Shanghai", "timezone: Mars/Olympus",
     "IANA time zone"),
    ("unknown placeholder", "rules.yaml", '"{count} contacts in one day."',
     '"{cnt} contacts in one day."', "'{cnt}'"),
    ("bad condition", "nodes.yaml", "{fact: caller, equals: lender}",
     "{fact: caller, equal: lender}", "unknown operator"),
]


@pytest.mark.parametrize(("check", "file", "old", "new", "expected"), CASES,
                         ids=[case[0] for case in CASES])
def test_each_error_is_reported_with_its_place(tmp_path: Path, check: str, file: str, old: str,
                                              new: str, expected: str) -> None:
    folder = broken(tmp_path, file, old, new)
    pack, issues = inspect_pack(folder, templates=ROOT / "templates")
    errors = [i for i in issues if i.level == "error"]
    assert pack is None, f"{check}: the broken pack loaded"
    matching = [i for i in errors if expected in i.message]
    assert matching, f"{check}: no error mentions {expected!r}: {[str(i) for i in errors]}"
    assert all(i.file.endswith(".yaml") and i.line >= 1 for i in matching)


def test_error_points_at_the_right_line(tmp_path: Path) -> None:
    folder = broken(tmp_path, "nodes.yaml", "    next: number\n", "    next: numbr\n")
    _, issues = inspect_pack(folder, templates=ROOT / "templates")
    issue = next(i for i in issues if "numbr" in i.message)
    lines = (folder / "nodes.yaml").read_text(encoding="utf-8").splitlines()
    assert "numbr" in lines[issue.line - 1]


def test_all_errors_are_reported_at_once(tmp_path: Path) -> None:
    folder = broken(tmp_path, "nodes.yaml", "    next: number\n", "    next: numbr\n")
    rules = folder / "rules.yaml"
    rules.write_text(rules.read_text(encoding="utf-8").replace("civil_1033]\n    do:",
                                                               "civil_9]\n    do:"), "utf-8")
    _, issues = inspect_pack(folder, templates=ROOT / "templates")
    messages = " ".join(i.message for i in issues)
    assert "numbr" in messages and "civil_9" in messages


def test_unused_items_are_warnings_not_errors(tmp_path: Path) -> None:
    folder = broken(tmp_path, "rules.yaml", "channels:\n", "channels:\n  spare:\n    name: "
                    "{en: Spare, zh-Hans: 备用}\n    contact: {en: '1', zh-Hans: '1'}\n")
    pack, issues = inspect_pack(folder, templates=ROOT / "templates")
    assert pack is not None
    assert [i.check for i in issues if i.level == "warning"] == ["unused"]


def test_the_demo_pack_is_clean() -> None:
    pack, issues = inspect_pack(DEMO, templates=ROOT / "templates")
    assert pack is not None and issues == []


def test_callback_payload_over_64_bytes_is_refused(tmp_path: Path) -> None:
    folder = broken(tmp_path, "nodes.yaml", "others", "others_who_were_contacted_by_the")
    nodes = folder / "nodes.yaml"
    nodes.write_text(nodes.read_text(encoding="utf-8").replace(
        "id: employer", "id: employer_of_the_person_who_borro"), encoding="utf-8")
    pack, issues = inspect_pack(folder, templates=ROOT / "templates")
    assert pack is None
    issue = next(i for i in issues if i.check == "telegram" and "bytes" in i.message)
    assert "67 bytes" in issue.message and issue.file.endswith("nodes.yaml")
