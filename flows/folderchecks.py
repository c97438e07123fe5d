"""Validator checks that read the pack's folder, not only its data: the README a reviewer reads,
the conversation tests that prove each rule, and claims that must never be made.

Why here and not in a test suite: ``callshield flows validate`` is the operator's one gate. A
rule added without a row in the README, without a test that triggers it and a close case that
does not, or a text repeating a claim the research found to be false, must fail there — at
``file:line`` — not only in the developers' ``make test``.

* Every rule id appears in the pack's ``README.md`` (as ```rule_id```), and so does every
  citation shown without a date (one with ``undated_reason``).
* A pack that keeps a README or a ``tests/`` folder must keep them complete; a scratch pack
  without them is not asked for them (the shipped packs have both: tests/test_packs.py).
* Every rule is triggered by some conversation test (``expect.findings``), and tests name only
  rules that exist (errors); a rule without a close case (``expect.not_findings``) gets a
  warning (the shipped packs allow none).
* No file of the pack, and no letter template it uses, contains a claim listed in
  ``flows/never_say.yaml`` (false claims found online: cn_law.md §10 and the like).
"""

from __future__ import annotations

from collections.abc import Iterator
from functools import cache
from pathlib import Path
from typing import Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field

from flows.issues import PackIssue
from flows.schema import PackData
from flows.yamlsource import SourceMap

NEVER_SAY = Path(__file__).with_name("never_say.yaml")


class _Claim(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    text: str = Field(min_length=2)
    why: str = Field(min_length=10)


class _NeverSay(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    never_say: list[_Claim]


@cache
def never_say(file: Path = NEVER_SAY) -> tuple[_Claim, ...]:
    """The shared list of claims no pack may make (read once)."""
    raw = yaml.safe_load(file.read_text(encoding="utf-8")) or {}
    return tuple(_NeverSay.model_validate(raw).never_say)


def check_folder(data: PackData, places: SourceMap, folder: Path,
                 templates: Path) -> list[PackIssue]:
    issues: list[PackIssue] = []
    issues += _readme(data, places, folder)
    issues += _rule_tests(data, places, folder)
    issues += _claims(data, folder, templates)
    return issues


def _error(places: SourceMap, path: tuple[object, ...], message: str,
           check: str, level: Literal["error", "warning"] = "error") -> PackIssue:
    file, line = places.find(path)
    return PackIssue(file, line, message, level, check)


def _readme(data: PackData, places: SourceMap, folder: Path) -> list[PackIssue]:
    readme = folder / "README.md"
    if not readme.is_file():
        return []  # a scratch pack; the shipped packs all have one (tests/test_packs.py)
    text = readme.read_text(encoding="utf-8")
    issues = []
    for index, rule in enumerate(data.rules):
        if f"`{rule.id}`" not in text:
            issues.append(_error(places, ("rules", index, "id"), f"rule '{rule.id}' is not "
                                 f"listed in {readme.name}: add a row `{rule.id}` to its rule "
                                 "table (what it finds, its citations) so reviewers see it",
                                 "readme"))
    for cid, citation in data.citations.items():
        if citation.undated_reason and f"`{cid}`" not in text:
            issues.append(_error(places, ("citations", cid, "undated_reason"), f"citation "
                                 f"'{cid}' is shown without a date: list `{cid}` and why in "
                                 f"{readme.name}", "readme"))
    return issues


def _rule_tests(data: PackData, places: SourceMap, folder: Path) -> list[PackIssue]:
    if not data.rules:
        return []
    found: set[str] = set()
    excluded: set[str] = set()
    named: list[tuple[str, str]] = []
    tests = folder / "tests"
    if not tests.is_dir():
        return []  # a scratch pack; the shipped packs all have tests (tests/test_packs.py)
    for file in sorted(tests.glob("*.yaml")):
        try:
            cases = (yaml.safe_load(file.read_text(encoding="utf-8")) or {}).get("tests", [])
        except yaml.YAMLError:
            continue  # `flows test` reports a broken test file with its line
        for case in cases if isinstance(cases, list) else []:
            expect = case.get("expect", {}) if isinstance(case, dict) else {}
            if not isinstance(expect, dict):
                continue
            for key, into in (("findings", found), ("not_findings", excluded)):
                for rule_id in expect.get(key) or []:
                    into.add(str(rule_id))
                    named.append((str(rule_id), file.name))
    issues = []
    for index, rule in enumerate(data.rules):
        where = ("rules", index, "id")
        if rule.id not in found:
            issues.append(_error(places, where, f"no conversation test triggers rule "
                                 f"'{rule.id}': add a case under tests/ whose "
                                 f"expect.findings lists it", "rule-tests"))
        if rule.id not in excluded:
            issues.append(_error(places, where, f"rule '{rule.id}' has no close case: add a "
                                 "test that nearly fits it (one fact changed) with "
                                 f"expect.not_findings: [{rule.id}]", "rule-tests", "warning"))
    known = {rule.id for rule in data.rules}
    for rule_id, file_name in sorted(set(named)):
        if rule_id not in known:
            issues.append(PackIssue(str(tests / file_name), 1, f"the test names rule "
                                    f"'{rule_id}', which does not exist", "error", "rule-tests"))
    return issues


def _claims(data: PackData, folder: Path, templates: Path) -> list[PackIssue]:
    claims = never_say()
    issues = []
    for file in _texts(data, folder, templates):
        for number, line in enumerate(file.read_text(encoding="utf-8").splitlines(), 1):
            for claim in claims:
                if claim.text in line:
                    issues.append(PackIssue(str(file), number, f"'{claim.text}' must not be "
                                            f"said: {claim.why} (flows/never_say.yaml)",
                                            "error", "never-say"))
    return issues


def _texts(data: PackData, folder: Path, templates: Path) -> Iterator[Path]:
    for path in sorted(folder.rglob("*")):
        if path.is_file() and path.suffix in (".yaml", ".yml", ".md", ".j2", ".txt"):
            yield path
    seen: set[Path] = set()
    for letter in data.letters.values():
        path = (templates / letter.template).resolve()
        if path.is_file() and path not in seen and not path.is_relative_to(folder.resolve()):
            seen.add(path)
            yield path
