"""Advice shown by condition (``when:``) and placed by ``order:``."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from flows import Pack, events
from tests.flows.packkit import END, clean_pack, issues_of, result, run, write_pack

NOW = dt.datetime(2026, 11, 28, 12, 0, tzinfo=dt.UTC)

NODES = """\
caller:
  kind: choice
  text: Who called?
  help: Different rules.
  reprompt: Tap a button.
  options:
    - {id: lender, label: The lender}
    - {id: agency, label: An agency}
  next: calls
calls:
  kind: number
  min: 0
  max: 100
  text: How many calls today?
  help: Many calls can be harassment.
  reprompt: Type a number.
  next: done
""" + END

EXTRA = """\
rules:
  - id: many_calls
    when: {fact: calls, gte: 7}
    severity: medium
    title: Many calls
    explanation: They called {calls} times.
    say: [say_stop]
    do: [do_log]
advice:
  say_stop: {kind: say, text: Stop calling me.}
  say_identity: {kind: say, always: true, order: 1, text: "What is your name?"}
  say_agency: {kind: say, when: {fact: caller, equals: agency}, text: "Which lender do you act for?"}
  do_log: {kind: do, text: Keep a call log.}
  do_evidence: {kind: do, always: true, text: Keep evidence.}
  do_lender_line: {kind: do, when: {fact: caller, equals: lender}, order: 0, text: Call the lender's own line.}
"""


@pytest.fixture
def pack(tmp_path: Path) -> Pack:
    return clean_pack(tmp_path / "adv", NODES, start="caller", extra=EXTRA)


def test_advice_follows_its_condition(pack: Pack) -> None:
    agency = result(run(pack, NOW, events.Pick("caller", "agency"), events.Say("2")))
    lender = result(run(pack, NOW, events.Pick("caller", "lender"), events.Say("2")))
    assert agency.say == ("What is your name?", "Which lender do you act for?")
    assert lender.say == ("What is your name?",)
    assert agency.do == ("Keep evidence.",)
    assert lender.do == ("Call the lender's own line.", "Keep evidence.")


def test_order_places_advice_before_what_the_findings_name(pack: Pack) -> None:
    found = result(run(pack, NOW, events.Pick("caller", "agency"), events.Say("9")))
    assert [f.rule for f in found.findings] == ["many_calls"]
    # say_identity has order 1, so it leads; then the finding's script, then conditional ones
    assert found.say == ("What is your name?", "Stop calling me.", "Which lender do you act for?")
    lender = result(run(pack, NOW, events.Pick("caller", "lender"), events.Say("9")))
    assert lender.do == ("Call the lender's own line.", "Keep a call log.", "Keep evidence.")


def test_an_unknown_answer_does_not_satisfy_a_condition(pack: Pack) -> None:
    unknown = result(run(pack, NOW, events.DontKnow("caller"), events.Say("2")))
    assert unknown.say == ("What is your name?",)


def test_always_and_when_together_is_an_error(tmp_path: Path) -> None:
    extra = EXTRA.replace("say_agency: {kind: say, when:",
                          "say_agency: {kind: say, always: true, when:")
    issues = issues_of(write_pack(tmp_path / "both", NODES, start="caller", extra=extra))
    errors = [i for i in issues if i.level == "error"]
    assert len(errors) == 1 and errors[0].file.endswith("more.yaml") and errors[0].line == 12
    assert "both always: true and when:" in errors[0].message


def test_advice_conditions_are_checked_like_rule_conditions(tmp_path: Path) -> None:
    extra = EXTRA.replace("{fact: caller, equals: agency}", "{fact: caller, equals: agnecy}")
    issues = issues_of(write_pack(tmp_path / "typo", NODES, start="caller", extra=extra))
    assert [i.message for i in issues if i.level == "error"] == [
        "'agnecy' is not an option of fact 'caller' (options: agency, lender)"
        " — did you mean 'agency'?"]


def test_conditional_advice_is_not_reported_unused(tmp_path: Path) -> None:
    issues = issues_of(write_pack(tmp_path / "used", NODES, start="caller", extra=EXTRA))
    assert issues == []


SUPERSEDING = EXTRA.replace(
    "  say_stop: {kind: say, text: Stop calling me.}",
    "  say_stop: {kind: say, text: Stop calling me., supersedes: [say_no_night]}\n"
    "  say_no_night: {kind: say, always: true, text: Do not call before 8 a.m.}")


def test_a_line_another_supersedes_is_left_out_of_the_script(tmp_path: Path) -> None:
    pack = clean_pack(tmp_path / "sup", NODES, start="caller", extra=SUPERSEDING)
    quiet = result(run(pack, NOW, events.Pick("caller", "lender"), events.Say("2")))
    assert quiet.say == ("What is your name?", "Do not call before 8 a.m.")
    many = result(run(pack, NOW, events.Pick("caller", "lender"), events.Say("9")))
    # "Stop calling me" and "Do not call before 8 a.m." never stand side by side
    assert many.say == ("What is your name?", "Stop calling me.")


@pytest.mark.parametrize(("target", "message"), [
    ("say_nope", "supersedes unknown advice 'say_nope'"),
    ("say_stop", "supersedes itself"),
    ("do_log", "only items of the same kind can"),
])
def test_supersedes_names_other_advice_of_the_same_kind(tmp_path: Path, target: str,
                                                       message: str) -> None:
    extra = SUPERSEDING.replace("supersedes: [say_no_night]", f"supersedes: [{target}]")
    issues = issues_of(write_pack(tmp_path / "bad", NODES, start="caller", extra=extra))
    errors = [i for i in issues if i.level == "error"]
    assert len(errors) == 1 and message in errors[0].message, errors
    assert errors[0].file.endswith("more.yaml")


def test_two_lines_superseding_each_other_are_a_loop(tmp_path: Path) -> None:
    extra = SUPERSEDING.replace(
        "text: Do not call before 8 a.m.}",
        "text: Do not call before 8 a.m., supersedes: [say_stop]}")
    issues = issues_of(write_pack(tmp_path / "loop", NODES, start="caller", extra=extra))
    assert sum("(a loop)" in i.message for i in issues if i.level == "error") == 2


def test_the_shipped_us_script_has_no_stop_calling_beside_a_time_limit() -> None:
    """The issue's example: "Stop calling me" next to "Do not call before 8 a.m."."""
    from flows.loader import load_pack
    pack = load_pack(Path(__file__).resolve().parents[2] / "flows" / "packs" / "us")
    assert "say_no_night" in pack.data.advice["say_stop_calling"].supersedes
    orders = [pack.data.advice[a].order for a in pack.data.advice
              if pack.data.advice[a].kind == "say"]
    assert None not in orders  # every line of the script has its place
