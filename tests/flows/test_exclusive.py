"""Exclusive "none of these" options on multiple-choice questions."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from flows import Pack, advance, events
from tests.flows.packkit import (
    END,
    clean_pack,
    issues_of,
    notices,
    question,
    result,
    run,
    write_pack,
)

NOW = dt.datetime(2026, 11, 28, 12, 0, tzinfo=dt.UTC)

NODES = """\
said:
  kind: multi
  text: What did they say?
  help: Each is a different rule.
  reprompt: Tap the options that apply, then Done.
  options:
    - {id: threat, label: Threatened you}
    - {id: insult, label: Insulted you}
    - {id: nothing, label: None of these, exclusive: true}
  next: done
""" + END

RULES = """\
rules:
  - id: threats
    when: {fact: said, contains: threat}
    severity: high
    title: Threats
    explanation: They threatened you.
  - id: nothing_said
    when: {fact: said, contains: nothing}
    severity: low
    title: Nothing abusive said
    explanation: You told us none of these was said.
"""


@pytest.fixture
def pack(tmp_path: Path) -> Pack:
    return clean_pack(tmp_path / "ex", NODES, start="said", extra=RULES)


def selected(step) -> list[str]:  # type: ignore[no-untyped-def]
    return [c.id for c in question(step).choices if c.selected]


def test_picking_none_clears_the_others(pack: Pack) -> None:
    step = run(pack, NOW, events.Pick("said", "threat"), events.Pick("said", "insult"))
    assert selected(step) == ["threat", "insult"]
    step = advance(pack, step.state, events.Pick("said", "nothing"), now=NOW)
    assert selected(step) == ["nothing"]
    assert step.state.pending == {"said": ["nothing"]}


def test_picking_another_clears_none(pack: Pack) -> None:
    step = run(pack, NOW, events.Pick("said", "nothing"), events.Pick("said", "insult"))
    assert selected(step) == ["insult"]
    step = advance(pack, step.state, events.Pick("said", "threat"), now=NOW)
    step = advance(pack, step.state, events.Done("said"), now=NOW)
    assert step.state.answers["said"] == ["threat", "insult"]
    assert [f.rule for f in result(step).findings] == ["threats"]


def test_none_alone_is_the_answer(pack: Pack) -> None:
    step = run(pack, NOW, events.Pick("said", "threat"), events.Pick("said", "nothing"),
               events.Done("said"))
    assert step.state.answers["said"] == ["nothing"]
    assert [f.rule for f in result(step).findings] == ["nothing_said"]


def test_tapping_none_twice_unticks_it(pack: Pack) -> None:
    step = run(pack, NOW, events.Pick("said", "nothing"), events.Pick("said", "nothing"))
    assert selected(step) == []


def test_typed_none_with_another_is_refused_kindly(pack: Pack) -> None:
    step = run(pack, NOW, events.Say("1, 3"))
    assert question(step).node == "said" and step.state.answers == {}
    assert notices(step) == ["\u201cNone of these\u201d cannot be combined with other answers. "
                             "Please pick again; nothing was saved."]
    step = advance(pack, step.state, events.Say("3"), now=NOW)
    assert step.state.answers["said"] == ["nothing"]


def test_exclusive_on_a_choice_question_is_an_error(tmp_path: Path) -> None:
    folder = write_pack(tmp_path / "bad", NODES.replace("kind: multi", "kind: choice"),
                        start="said")
    errors = [i for i in issues_of(folder) if i.level == "error"]
    assert len(errors) == 1 and errors[0].line == 10  # the "none" option
    assert "exclusive applies to options of multi questions only" in errors[0].message


def test_a_multi_question_of_only_exclusive_options_is_an_error(tmp_path: Path) -> None:
    nodes = NODES.replace("label: Threatened you}", "label: Threatened you, exclusive: true}")
    nodes = nodes.replace("label: Insulted you}", "label: Insulted you, exclusive: true}")
    errors = [i.message for i in issues_of(write_pack(tmp_path / "all", nodes, start="said"))
              if i.level == "error"]
    assert errors == ["every option of 'said' is exclusive; use kind: choice instead"]
