"""Texts that name an unknown fact read naturally; citations without an in-force date show none."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from bot.formatting import citation_line
from flows import Pack, events
from tests.flows.packkit import END, clean_pack, issues_of, load, result, run, write_pack

NOW = dt.datetime(2026, 11, 28, 12, 0, tzinfo=dt.UTC)

NODES = """\
today:
  kind: number
  min: 0
  max: 100
  text: How many calls today?
  help: Many calls can be harassment.
  reprompt: Type a number.
  unknown: an unknown number of
  next: week
week:
  kind: number
  min: 0
  max: 500
  text: And this week?
  help: The weekly count matters too.
  reprompt: Type a number.
  next: lender
lender:
  kind: text
  text: Who is the lender?
  help: For your letters.
  reprompt: Type a name.
  next: done
""" + END

EXTRA = """\
rules:
  - id: many_calls
    when:
      any:
        - {fact: today, gte: 7}
        - {fact: week, gt: 7}
    severity: medium
    title: Many calls
    explanation: "{lender} called {today} times today and {week} times this week."
    citations: [dated, undated]
citations:
  dated:
    law: Regulation F
    kind: regulation
    article: 12 CFR 1006.14(b)
    effective: 2021-11-30
    url: https://www.consumerfinance.gov/rules-policy/regulations/1006/14/
    confidence: verified-from-source
  undated:
    law: A state regulation
    kind: regulation
    article: Sec. 7.04(1)(f)
    undated_reason: the state's page gives no in-force date for this section
    url: https://www.mass.gov/regulations/940-CMR-7-00
    confidence: verified-from-source
"""


@pytest.fixture
def pack(tmp_path: Path) -> Pack:
    return clean_pack(tmp_path / "unk", NODES, start="today", extra=EXTRA)


def test_unknown_facts_read_as_the_pack_says(pack: Pack) -> None:
    step = run(pack, NOW, events.DontKnow("today"), events.Say("9"), events.DontKnow("lender"))
    explanation = result(step).findings[0].explanation
    assert explanation == "(not known) called an unknown number of times today and 9 times " \
                          "this week."
    assert "____" not in explanation


def test_the_pack_can_override_the_general_unknown_text(pack: Pack, tmp_path: Path) -> None:
    extra = EXTRA + "ui:\n  en:\n    unknown_value: the caller\n"
    other, issues = load(write_pack(tmp_path / "ui", NODES, start="today", extra=extra))
    assert not issues
    step = run(other, NOW, events.Say("8"), events.Say("9"), events.DontKnow("lender"))
    assert result(step).findings[0].explanation == \
        "the caller called 8 times today and 9 times this week."


def test_a_citation_without_a_date_shows_none(pack: Pack) -> None:
    step = run(pack, NOW, events.Say("8"), events.Say("9"), events.Say("Acme"))
    found = result(step)
    dated, undated = found.findings[0].citations
    assert dated.effective == "2021-11-30" and undated.effective == ""
    assert citation_line(dated, found).splitlines()[0] == \
        "Regulation F 12 CFR 1006.14(b) (in force since 2021-11-30)"
    assert citation_line(undated, found).splitlines()[0] == \
        "A state regulation Sec. 7.04(1)(f)"


def test_unknown_text_is_only_for_questions_and_in_every_language(tmp_path: Path) -> None:
    nodes = NODES.replace("  text: Thank you.\n", "  text: Thank you.\n  unknown: nobody\n")
    errors = [i.message for i in issues_of(write_pack(tmp_path / "end", nodes, start="today",
                                                      extra=EXTRA)) if i.level == "error"]
    assert errors == ["end node 'done' takes no required/fact/help/reprompt/unknown: only "
                      "questions do"]
