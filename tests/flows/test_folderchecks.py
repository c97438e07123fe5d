"""The operator's gate reads the pack's folder too: the README's rule table, the conversation
tests behind every rule, and claims no pack may make — each reported at ``file:line``."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from flows import inspect_pack
from flows.loader import resolve_pack

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"


def _copy(source: Path, tmp_path: Path) -> Path:
    folder = tmp_path / source.name
    shutil.copytree(source, folder)
    return folder


def _issues(folder: Path, check: str) -> list[str]:
    _, issues = inspect_pack(folder)
    return [str(issue) for issue in issues if issue.check == check]


def test_a_rule_missing_from_the_readme_is_an_error_at_the_rule(tmp_path: Path) -> None:
    folder = _copy(FIXTURES / "demo", tmp_path)
    assert not _issues(folder, "readme")  # a scratch pack without a README
    (folder / "README.md").write_text("| `threats` | `third_parties` | `night` |\n",
                                      encoding="utf-8")
    (line,) = _issues(folder, "readme")
    assert "rules.yaml:26: error: rule 'many_calls' is not listed in README.md" in line
    pack, _ = inspect_pack(folder)
    assert pack is None  # an error: the pack is not served until the table is complete


def test_a_rule_no_test_triggers_is_an_error_and_a_missing_close_case_a_warning(
        tmp_path: Path) -> None:
    folder = _copy(FIXTURES / "story", tmp_path)
    tests = folder / "tests" / "story.yaml"
    text = tests.read_text(encoding="utf-8")
    cut = text.index("  - name: a home visit by someone calling himself a police officer")
    tests.write_text(text[:cut].replace("home_visit, illegal_debt", "illegal_debt"),
                     encoding="utf-8")
    lines = _issues(folder, "rule-tests")
    assert any("error: no conversation test triggers rule 'home_visit'" in line
               and "rules.yaml:" in line for line in lines)
    assert any("warning: rule 'home_visit' has no close case" in line for line in lines)
    tests.write_text(text.replace("not_findings: [violence_threat, night_contact]",
                                  "not_findings: [violence_threat, night_contact, nosuch]"),
                     encoding="utf-8")
    assert any("names rule 'nosuch', which does not exist" in line
               for line in _issues(folder, "rule-tests"))


def test_a_false_claim_is_named_with_its_file_line_and_why(tmp_path: Path) -> None:
    folder = _copy(FIXTURES / "demo", tmp_path)
    nodes = folder / "nodes.yaml"
    lines = nodes.read_text(encoding="utf-8").splitlines()
    lines.insert(1, "# 催收有冷静期")
    nodes.write_text("\n".join(lines) + "\n", encoding="utf-8")
    (found,) = _issues(folder, "never-say")
    assert found.startswith(f"{nodes}:2: error: '冷静期' must not be said")
    assert "cn_law.md §10" in found


def test_an_undated_citation_missing_from_the_readme_is_an_error(tmp_path: Path) -> None:
    folder = _copy(resolve_pack("cn"), tmp_path)
    readme = folder / "README.md"
    readme.write_text(readme.read_text(encoding="utf-8").replace("`lawyers_13`", "lawyers 13"),
                      encoding="utf-8")
    lines = _issues(folder, "readme")
    assert len(lines) == 1 and "citation 'lawyers_13' is shown without a date" in lines[0]
    assert "citations.yaml:" in lines[0]


@pytest.mark.parametrize("pack_id", ["cn", "us", "elsewhere"])
def test_shipped_packs_pass_the_folder_checks(pack_id: str) -> None:
    _, issues = inspect_pack(resolve_pack(pack_id))
    assert not [i for i in issues if i.check in ("readme", "rule-tests", "never-say")]
