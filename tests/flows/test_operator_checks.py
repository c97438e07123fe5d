"""The validator as the operator's single gate: types of conditions, "did you mean", dates
against today, and letters rendered against sample contexts."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from flows import inspect_pack
from flows.issues import PackIssue
from flows.letterchecks import LetterFailed
from flows.letters import (
    CONTEXT_KEYS,
    DICT_KEYS,
    CitationContext,
    EnclosureContext,
    FindingContext,
    IncidentContext,
    PublicOrderGroup,
    render_letter_text,
)
from flows.lettersamples import sample_contexts
from tests.flows.packkit import END, write_pack

NODES = """\
caller:
  kind: choice
  text: Who called?
  help: Different rules.
  reprompt: Tap a button.
  options:
    - {id: lender, label: The lender}
    - {id: agency, label: An agency}
  next: others
others:
  kind: multi
  text: Who else did they contact?
  help: Third parties.
  reprompt: Tap the buttons.
  options:
    - {id: family, label: Family}
    - {id: employer, label: Employer}
  next: story
story:
  kind: text
  text: What did they say?
  help: Your words.
  reprompt: Type it.
  next: when
when:
  kind: datetime
  text: When?
  help: The date decides which law applies.
  reprompt: Give a date.
  next: ok
ok:
  kind: yesno
  text: Are you safe?
  help: Safety first.
  reprompt: Tap a button.
  next: done
""" + END

SOURCES = """\
citations:
  civil: {law: Civil Code, article: Art. 1, kind: statute, effective: 2021-01-01,
          url: "https://www.ecfr.gov/c", confidence: verified-from-source}
  revised: {law: Revised Act, article: Art. 50, kind: statute, effective: 2027-01-01,
            url: "https://www.ecfr.gov/r", confidence: verified-from-source}
advice:
  say_stop: {kind: say, text: Stop calling.}
channels:
  police: {name: Police, contact: "110"}
letters:
  complaint: {title: Complaint, template: kit/complaint.txt.j2, language: en,
              formal_title: Complaint, addressee: {type: collector}}
"""


def rule(when: str, citations: str = "[civil]", extra: str = "") -> str:
    return (f"rules:\n  - id: r1\n    when: {when}\n    severity: high\n    title: T\n"
            f"    explanation: E\n    citations: {citations}\n    say: [say_stop]\n"
            f"    channels: [police]\n    letters: [complaint]\n{extra}")


@pytest.fixture
def templates(tmp_path: Path) -> Path:
    root = tmp_path / "templates"
    (root / "kit").mkdir(parents=True)
    (root / "kit" / "complaint.txt.j2").write_text("Dear {{ letter.recipient }},\n",
                                                   encoding="utf-8")
    return root


def issues(tmp_path: Path, templates: Path, rules: str, *, name: str = "p",
           today: dt.date | None = None, head: str | None = None) -> list[PackIssue]:
    folder = write_pack(tmp_path / name, NODES, start="caller", extra=SOURCES + rules)
    if head is not None:
        text = (folder / "pack.yaml").read_text(encoding="utf-8")
        (folder / "pack.yaml").write_text(text.replace("reviewed_on: 2026-11-20", head),
                                          encoding="utf-8")
    return inspect_pack(folder, templates, today=today or dt.date(2026, 12, 3))[1]


def errors(found: list[PackIssue]) -> list[str]:
    return [f"{Path(i.file).name}:{i.line}: {i.message}" for i in found if i.level == "error"]


def test_a_clean_kit_has_no_issues(tmp_path: Path, templates: Path) -> None:
    found = issues(tmp_path, templates, rule("{fact: caller, equals: agency}"))
    assert errors(found) == [] and [i.check for i in found] == ["unused"]  # 'revised' unused


@pytest.mark.parametrize(("when", "expected"), [
    ("{fact: others, equals: family}", "use contains"),
    ("{fact: others, not_equals: family}", "is always true; use not: {contains: ...}"),
    ("{fact: others, in: [family]}", "use contains_any"),
    ("{fact: story, gt: 3}", "cannot be greater or smaller than anything"),
    ("{fact: caller, gte: 2}", "can never be true"),
    ("{fact: story, contains: threat}", "scan_cues: true"),
    ("{fact: when, equals: 2026-01-01}", "compare 'when.date'"),
    ("{fact: when.hour, equals: late}", "is a number but 'late' is not"),
    ("{fact: when.date, gte: 5}", "compare it with a date"),
    ("{fact: ok, equals: yes}", "write it in quotes"),
])
def test_a_condition_that_cannot_work_on_its_fact_is_an_error(
        tmp_path: Path, templates: Path, when: str, expected: str) -> None:
    found = errors(issues(tmp_path, templates, rule(when)))
    assert any(expected in message and "more.yaml" in message for message in found), found


@pytest.mark.parametrize(("when", "fine"), [
    ("{fact: others, contains: family}", True), ("{fact: others.count, gte: 2}", True),
    ("{fact: when.hour, in: [22, 23]}", True), ("{fact: when, gte: 2026-01-01}", True),
    ("{fact: ok, equals: \"yes\"}", True), ("{fact: story, known: true}", True),
])
def test_conditions_that_fit_their_facts_pass(tmp_path: Path, templates: Path, when: str,
                                              fine: bool) -> None:
    assert errors(issues(tmp_path, templates, rule(when))) == []


@pytest.mark.parametrize(("rules", "typo", "suggestion"), [
    (rule("{fact: caler, equals: agency}"), "caler", "did you mean 'caller'?"),
    (rule("{fact: caller, equals: agnecy}"), "agnecy", "did you mean 'agency'?"),
    (rule("{fact: caller, equals: agency}", "[civli]"), "civli", "did you mean 'civil'?"),
    (rule("{use: third}", extra="conditions:\n  third_party: {fact: others, contains: family}\n"),
     "third", "did you mean 'third_party'?"),
    (rule("{fact: caller, equals: agency}").replace("say: [say_stop]", "say: [say_stp]"),
     "say_stp", "did you mean 'say_stop'?"),
    (rule("{fact: caller, equals: agency}").replace("[police]", "[polise]"), "polise",
     "did you mean 'police'?"),
    (rule("{fact: caller, equals: agency}").replace("[complaint]", "[complain]"), "complain",
     "did you mean 'complaint'?"),
])
def test_every_unknown_id_gets_a_did_you_mean(tmp_path: Path, templates: Path, rules: str,
                                              typo: str, suggestion: str) -> None:
    found = errors(issues(tmp_path, templates, rules))
    assert any(typo in message and suggestion in message for message in found), found


def test_an_unknown_next_node_gets_a_did_you_mean(tmp_path: Path, templates: Path) -> None:
    folder = write_pack(tmp_path / "n", NODES.replace("next: story", "next: stroy"),
                        start="caller", extra=SOURCES + rule("{fact: caller, equals: agency}"))
    found = errors(inspect_pack(folder, templates)[1])
    assert any("'stroy' does not exist — did you mean 'story'?" in m for m in found), found


def test_a_review_dated_today_is_fine_and_one_in_the_future_is_not(
        tmp_path: Path, templates: Path) -> None:
    today = dt.date(2026, 12, 3)
    fine = issues(tmp_path, templates, rule("{fact: caller, equals: agency}"), name="a",
                  today=today, head="reviewed_on: 2026-12-03")
    assert errors(fine) == []
    future = errors(issues(tmp_path, templates, rule("{fact: caller, equals: agency}"),
                           name="b", today=today, head="reviewed_on: 2026-12-04"))
    assert len(future) == 1 and "pack.yaml:" in future[0] and "in the future" in future[0]


def test_the_validator_compares_with_the_real_today_by_default(
        tmp_path: Path, templates: Path) -> None:
    tomorrow = dt.date.today() + dt.timedelta(days=2)
    folder = write_pack(tmp_path / "t", NODES, start="caller",
                        extra=SOURCES + rule("{fact: caller, equals: agency}"))
    text = (folder / "pack.yaml").read_text(encoding="utf-8")
    (folder / "pack.yaml").write_text(text.replace("2026-11-20", tomorrow.isoformat()),
                                      encoding="utf-8")
    assert any("in the future" in m for m in errors(inspect_pack(folder, templates)[1]))


@pytest.mark.parametrize(("when", "allowed"), [
    ("{fact: caller, equals: agency}", False),
    ("{all: [{fact: caller, equals: agency}, {fact: when, gte: 2027-01-01}]}", True),
    ("{fact: when, gt: 2026-12-31}", True),
    ("{fact: when, gte: 2026-12-01}", False),
    ("{any: [{fact: when, gte: 2027-01-01}, {fact: when.date, in: [2027-02-01]}]}", True),
    ("{any: [{fact: when, gte: 2027-01-01}, {fact: caller, equals: agency}]}", False),
    ("{not: {fact: when, lt: 2027-01-01}}", False),  # holds when the date is unknown
    ("{use: from_2027}", True),
])
def test_a_law_announced_ahead_is_cited_only_by_rules_that_choose_by_contact_date(
        tmp_path: Path, templates: Path, when: str, allowed: bool) -> None:
    named = "conditions:\n  from_2027: {fact: when, gte: 2027-01-01}\n"
    found = errors(issues(tmp_path, templates, rule(when, "[revised]", named)))
    found = [m for m in found if "takes effect on 2027-01-01" in m]
    assert (found == []) is allowed, found
    if not allowed:
        assert "more.yaml" in found[0] and "{fact: when, gte: 2027-01-01}" in found[0]


def write_template(templates: Path, source: str) -> None:
    (templates / "kit" / "complaint.txt.j2").write_text(source, encoding="utf-8")


@pytest.mark.parametrize(("source", "line", "expected"), [
    ("Findings:\n{% for f in findings %}\n- {{ f.titel }}\n{% endfor %}\n", 3,
     "did you mean 'title'"),
    ("{% for f in findings %}{% for c in f.citations %}\n{{ c.efective }}\n{% endfor %}"
     "{% endfor %}\n", 2, "did you mean 'effective'?"),
    ("{% if facts.caller == 'agency' %}\n\n{{ incidents[0].whom }}\n{% endif %}\n", 3,
     "'whom'"),
    ("{% for g in public_order_article %}{{ g.count + g.first }}{% endfor %}\n", 1,
     "TypeError"),
])
def test_every_letter_is_rendered_on_every_path(tmp_path: Path, templates: Path, source: str,
                                                line: int, expected: str) -> None:
    write_template(templates, source)
    found = errors(issues(tmp_path, templates, rule("{fact: caller, equals: agency}")))
    assert len(found) == 1, found
    assert found[0].startswith(f"complaint.txt.j2:{line}: letter 'complaint' cannot be rendered")
    assert expected in found[0]


def test_samples_vary_every_option_of_the_facts_a_template_tests(tmp_path: Path,
                                                                 templates: Path) -> None:
    folder = write_pack(tmp_path / "s", NODES, start="caller",
                        extra=SOURCES + rule("{fact: caller, equals: agency}"))
    pack, _ = inspect_pack(folder, templates)
    assert pack is not None
    cases = dict(sample_contexts(pack.data, "complaint", {"caller"}))
    assert {c["facts"]["caller"] for c in cases.values()} == {"lender", "agency", None}
    assert any(c["findings"] and c["incidents"] for c in cases.values())
    assert any(not c["findings"] and not c["incidents"] for c in cases.values())
    assert all(c["public_order_article"] for c in cases.values())


def test_sample_contexts_have_exactly_the_keys_real_contexts_have(
        tmp_path: Path, templates: Path) -> None:
    """A key the samples have and real letters lack (or the other way) would let a template
    pass the validator and fail for a user, or fail the validator for nothing."""
    folder = write_pack(tmp_path / "k", NODES, start="caller",
                        extra=SOURCES + rule("{fact: caller, equals: agency}"))
    pack, _ = inspect_pack(folder, templates)
    assert pack is not None
    items = {"findings": FindingContext, "incidents": IncidentContext,
             "enclosures": EnclosureContext, "public_order_article": PublicOrderGroup}
    for case, context in sample_contexts(pack.data, "complaint", {"caller", "when"}):
        assert set(context) == CONTEXT_KEYS, case
        for key, keys in DICT_KEYS.items():
            assert set(context[key]) == keys, (case, key)
        for key, typed in items.items():
            for item in context[key]:
                assert set(item) == set(typed.__annotations__), (case, key)
        for finding in context["findings"]:
            for citation in finding["citations"]:
                assert set(citation) == set(CitationContext.__annotations__), case
        assert context["addressee"]["type"] == "collector", case  # the letter's own addressee


def test_a_letter_failing_at_run_time_names_template_line_and_class_only(
        tmp_path: Path, templates: Path) -> None:
    folder = write_pack(tmp_path / "r", NODES, start="caller",
                        extra=SOURCES + rule("{fact: caller, equals: agency}"))
    pack, _ = inspect_pack(folder, templates)
    assert pack is not None
    write_template(templates, "Hello\n{{ facts[lender] }}\n")  # the message would quote it
    secret = "Zhang San 13800138000"
    with pytest.raises(LetterFailed) as failed:
        render_letter_text(pack, "complaint", {"lender": secret, "facts": {}})
    assert secret in str(failed.value.__cause__)  # what the log must never print
    error = failed.value
    assert (Path(error.template).name, error.line) == ("complaint.txt.j2", 2)
    assert error.error_class and secret not in str(error)
