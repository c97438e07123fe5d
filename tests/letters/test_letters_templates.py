"""flows/letters.py: the sandbox, user text as data, and template checks at validation time."""

from __future__ import annotations

import dataclasses
import time
from pathlib import Path

import pytest
from jinja2.exceptions import SecurityError

from bot.letters import build_context
from flows import Pack, inspect_pack
from flows.letterchecks import LetterFailed
from flows.letters import BLANK, render_letter_text
from flows.schema import Letter
from tests.letters.conftest import FIXTURE_PACKS, TEMPLATES, TODAY, make_incident

BROKEN = FIXTURE_PACKS / "broken"
BROKEN_TEMPLATES = FIXTURE_PACKS.parent / "templates"


@pytest.fixture(scope="module")
def broken_issues() -> list[str]:
    pack, issues = inspect_pack(BROKEN, BROKEN_TEMPLATES)
    assert pack is None, "a pack with broken templates must not load"
    return [str(issue) for issue in issues]


def one_issue(issues: list[str], needle: str) -> str:
    found = [issue for issue in issues if needle in issue]
    assert len(found) == 1, f"expected one issue with {needle!r}, got {found} in {issues}"
    return found[0]


def test_unknown_fact_fails_validation_at_file_and_line(broken_issues: list[str]) -> None:
    issue = one_issue(broken_issues, "no_such_fact")
    assert issue.startswith(f"{BROKEN_TEMPLATES / 'broken' / 'unknown_fact.txt.j2'}:4: error:")
    assert "labels.lender" not in " ".join(broken_issues)  # a known fact is fine


def test_syntax_error_fails_validation_with_its_line(broken_issues: list[str]) -> None:
    issue = one_issue(broken_issues, "template syntax")
    assert "bad_syntax.txt.j2:5: error:" in issue


@pytest.mark.parametrize(("needle", "where"), [
    ("unknown name 'creditor'", "unknown_name.txt.j2:3: error"),
    ("'counts.weekly' does not exist", "unknown_key.txt.j2:3: error"),
    ("'.__class__'", "private_attribute.txt.j2:3: error"),
    ("'broken/nowhere.txt.j2' not found", "missing_include.txt.j2:3: error"),
    ("'sender.address' but the letter's fields", "undeclared_field.txt.j2:4: warning"),
    ("unknown field(s) shoe_size", "pack.yaml:"),
])
def test_each_template_mistake_is_reported(broken_issues: list[str], needle: str,
                                           where: str) -> None:
    assert where in one_issue(broken_issues, needle)


def test_the_shipped_templates_validate_with_the_fixture_packs() -> None:
    for name in ("cn", "us"):
        pack, issues = inspect_pack(FIXTURE_PACKS / name, TEMPLATES)
        assert pack is not None and issues == [], [str(i) for i in issues]


def with_template(pack: Pack, root: Path, source: str) -> Pack:
    """The pack with one extra letter 'probe' whose template is ``source``."""
    (root / "probe.txt.j2").write_text(source, encoding="utf-8")
    letters = {**pack.data.letters,
               "probe": Letter(title={"zh-Hans": "探针", "en": "Probe"}, template="probe.txt.j2",
                               language="zh-Hans")}
    return dataclasses.replace(pack, data=pack.data.model_copy(update={"letters": letters}))


def test_the_sandbox_refuses_python_internals(cn_pack: Pack, tmp_path: Path) -> None:
    pack = with_template(cn_pack, tmp_path, "{{ ''.__class__ }}\n")
    with pytest.raises(LetterFailed) as failed:  # named by template, line and error class
        render_letter_text(pack, "probe", {}, tmp_path)
    assert isinstance(failed.value.__cause__, SecurityError)
    assert (failed.value.error_class, failed.value.line) == ("SecurityError", 1)


def test_user_text_is_data_never_template_source(cn_pack: Pack) -> None:
    loop = "{% for x in range(10**9) %}x{% endfor %}"
    rows = [make_incident(1, cn_pack, "2026-11-27T23:00:00+08:00", lender="{{ 7*7 }}",
                          agency=loop, story=f"他说 {{{{ 7*7 }}}} 和 {loop}")]
    started = time.perf_counter()
    context = build_context(cn_pack, "police_report", incidents=rows, profile={}, today=TODAY)
    text = render_letter_text(cn_pack, "police_report", context, TEMPLATES)
    assert time.perf_counter() - started < 2
    assert "贷款机构：{{ 7*7 }}" in text and "49" not in text
    assert f"催收方：{loop}" in text
    assert context["incidents"][0]["what"] == f"他说 {{{{ 7*7 }}}} 和 {loop}"


def test_a_missing_value_prints_as_the_blank(cn_pack: Pack, tmp_path: Path) -> None:
    pack = with_template(cn_pack, tmp_path, "[{{ facts.story }}][{{ labels.others }}]\n")
    context = build_context(pack, "probe", facts={}, today=TODAY)
    assert render_letter_text(pack, "probe", context, tmp_path) == f"[{BLANK}][{BLANK}]\n"


def test_unknown_letter_names_the_known_ones(cn_pack: Pack) -> None:
    with pytest.raises(KeyError, match="police_report"):
        render_letter_text(cn_pack, "no_such_letter", {}, TEMPLATES)
