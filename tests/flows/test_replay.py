"""A conversation moved onto a changed pack is told the truth about its answers."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from flows import Pack, advance, events
from flows.engine import Step
from flows.replay import fits
from flows.schema import Node
from tests.flows.packkit import END, load, notices, question, run, write_pack

NOW = dt.datetime(2026, 11, 28, 12, 0, tzinfo=dt.UTC)
NODES = """\
caller:
  kind: choice
  text: Who called you?
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
  next: story
story:
  kind: text
  text: What did they say?
  help: Your words.
  reprompt: Type it.
  next: done
""" + END


def test_every_answer_kept_says_so(tmp_path: Path) -> None:
    old, _ = load(write_pack(tmp_path / "v1", NODES, start="caller"))
    step = run(old, NOW, events.Pick("caller", "agency"), events.Say("3"))
    new, _ = load(write_pack(tmp_path / "v2", NODES.replace("What did they say?",
                                                            "What did the caller say?"),
                             start="caller"))
    assert new.version != old.version
    moved = run_on(new, step)
    assert notices(moved) == ["The guide was updated while you were answering. All your "
                              "answers are kept."]
    assert moved.state.answers == {"caller": "agency", "calls": 3}
    assert question(moved).node == "story"


def run_on(pack: Pack, step: Step) -> Step:
    """The user's next tap after the pack changed under them."""
    return advance(pack, step.state, events.Repeat(), now=NOW)


def test_answers_that_no_longer_fit_are_named_and_asked_again(tmp_path: Path) -> None:
    old, _ = load(write_pack(tmp_path / "v1", NODES, start="caller"))
    step = run(old, NOW, events.Pick("caller", "agency"), events.Say("30"))
    changed = NODES.replace("{id: agency, label: An agency}", "{id: collector, label: A "
                            "collection agency}").replace("max: 100", "max: 20")
    new, _ = load(write_pack(tmp_path / "v2", changed, start="caller"))
    moved = run_on(new, step)
    (notice,) = notices(moved)
    assert notice == ("The guide was updated while you were answering. Your answers to these "
                      "questions no longer fit it and were removed: \u201cWho called you?\u201d;"
                      " \u201cHow many calls today?\u201d. If the guide still needs them, you "
                      "will be asked again; all your other answers are kept.")
    assert moved.state.answers == {} and question(moved).node == "caller"


def test_a_removed_question_is_said_to_be_gone_and_finished_interviews_hear_nothing(
        tmp_path: Path) -> None:
    old, _ = load(write_pack(tmp_path / "v1", NODES, start="caller"))
    step = run(old, NOW, events.Pick("caller", "agency"), events.Say("3"))
    shorter = NODES.replace("  next: calls\ncalls:\n  kind: number\n  min: 0\n  max: 100\n"
                            "  text: How many calls today?\n  help: Many calls can be "
                            "harassment.\n  reprompt: Type a number.\n  next: story\n",
                            "  next: story\n")
    new, _ = load(write_pack(tmp_path / "v2", shorter, start="caller"))
    (notice,) = notices(run_on(new, step))
    assert "\u201ca question the guide no longer asks\u201d" in notice
    finished = run(old, NOW, events.Pick("caller", "agency"), events.Say("3"),
                   events.Say("They shouted"))
    assert finished.state.status == "done"
    assert notices(run_on(new, finished)) == []


def test_fits_checks_every_kind() -> None:
    choice = Node(kind="choice", text={"en": "?"}, options=[{"id": "a", "label": {"en": "A"}},
                                                            {"id": "b", "label": {"en": "B"}}])
    number = Node(kind="number", text={"en": "?"}, min=0, max=10)
    when = Node(kind="datetime", text={"en": "?"})
    text = Node(kind="text", text={"en": "?"}, max_length=5, required=True)
    assert fits(choice, "a") and not fits(choice, "c") and fits(choice, None)
    assert fits(number, 3) and not fits(number, 11) and not fits(number, "3")
    assert fits(when, "2026-11-27T22:00:00+08:00") and not fits(when, "yesterday")
    assert fits(text, "hello") and not fits(text, "too long") and not fits(text, None)


def test_fits_knows_every_form_an_answer_is_stored_in() -> None:
    """Counts "at least n", money with its currency, a day alone or with its part, a tally of
    people and counts, a story: kept when they still fit, dropped when they do not."""
    count = Node(kind="number", text={"en": "?"}, min=0, max=50)
    money = Node(kind="amount", text={"en": "?"}, currency="CNY", min=0, max=100000)
    when = Node(kind="datetime", text={"en": "?"})
    tally = Node(kind="tally", text={"en": "?"},
                 options=[{"id": "family", "label": {"en": "Family"}},
                          {"id": "boss", "label": {"en": "Boss"}}])
    story = Node(kind="story", text={"en": "?"}, max_length=20)
    assert fits(count, {"at_least": 30}) and not fits(count, {"at_least": 60})
    assert not fits(count, {"most": 3}) and not fits(count, True)
    assert fits(money, {"amount": 5000, "currency": "CNY"})
    assert not fits(money, {"amount": 500000, "currency": "CNY"})  # above the new maximum
    assert fits(money, {"amount": 200000, "currency": "TWD", "approx": True})  # not yuan
    assert not fits(money, 5000) and not fits(money, {"amount": "5000", "currency": "CNY"})
    assert fits(when, "2026-11-27") and fits(when, "2026-11-27 evening")
    assert not fits(when, "2026-11-27 sometime")
    assert fits(tally, {"family": 30, "boss": None}) and fits(tally, {"boss": {"at_least": 10}})
    assert not fits(tally, {"aunt": 3}) and not fits(tally, ["family"])
    assert fits(story, "They called my mum") and not fits(story, "x" * 21)
