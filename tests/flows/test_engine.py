"""The engine: branching, back and pruning, invalid input, language, determinism."""

from __future__ import annotations

import datetime as dt

from flows import Message, Pack, Result, State, advance, events, start
from tests.flows.packkit import question, run


LENDER_PATH = (events.Pick("caller", "lender"), events.Say("Huijin"), events.Say("yesterday 10pm"),
               events.Say("+86 138 0013 8000"), events.Say("12"))


def test_start_asks_the_first_question(demo_pack: Pack, now: dt.datetime) -> None:
    step = start(demo_pack, "en", now=now)
    q = question(step)
    assert q.node == "caller"
    assert [c.id for c in q.choices] == ["lender", "agency"]
    assert q.can_skip and not q.can_go_back
    assert step.state.pack == "demo" and step.state.pack_version == demo_pack.version
    assert len(demo_pack.version) == 12  # the content hash, not the label in pack.yaml


def test_branching_follows_the_answer(demo_pack: Pack, now: dt.datetime) -> None:
    assert question(run(demo_pack, now, events.Pick("caller", "lender"))).node == "lender"
    assert question(run(demo_pack, now, events.Pick("caller", "agency"))).node == "when"


def test_back_replays_and_prunes_abandoned_branch(demo_pack: Pack, now: dt.datetime) -> None:
    step = run(demo_pack, now, *LENDER_PATH, events.Pick("others", "family"), events.Done("others"),
               events.Say("calls"))
    result = next(r for r in step.replies if isinstance(r, Result))
    assert "third_parties" in [f.rule for f in result.findings]
    assert "Huijin" in result.findings[0].explanation
    # go back to the very first question and take the agency branch
    for _ in range(7):
        step = advance(demo_pack, step.state, events.Back(), now=now)
    assert question(step).node == "caller"
    step = advance(demo_pack, step.state, events.Pick("caller", "agency"), now=now)
    assert "lender" not in step.state.path
    # the answers after 'caller' were removed by Back, so they are asked again
    assert question(step).node == "when"
    step = run(demo_pack, now, events.Pick("caller", "agency"), *LENDER_PATH[2:],
               events.Done("others"), events.Say("calls"))
    facts_answered = step.state.answers
    assert "lender" not in facts_answered


def test_abandoned_answers_do_not_produce_findings(demo_pack: Pack, now: dt.datetime) -> None:
    state = run(demo_pack, now, events.Pick("caller", "agency")).state
    # an answer left on a branch that is no longer on the path (as after Back)
    state = state.with_(answers={**state.answers, "lender": "Ghost Lender"})
    step = advance(demo_pack, state, events.Say("yesterday 10pm"), now=now)
    for event in (events.Say("10086"), events.Say("1"), events.Pick("others", "family"),
                  events.Done("others"), events.Say("hello")):
        step = advance(demo_pack, step.state, event, now=now)
    result = next(r for r in step.replies if isinstance(r, Result))
    explanation = next(f.explanation for f in result.findings if f.rule == "third_parties")
    assert "Ghost Lender" not in explanation


def test_back_on_first_question_says_so(demo_pack: Pack, now: dt.datetime) -> None:
    step = run(demo_pack, now, events.Back())
    assert any(isinstance(r, Message) and "first question" in r.text for r in step.replies)
    assert question(step).node == "caller"


def test_invalid_input_reprompts_and_changes_nothing(demo_pack: Pack, now: dt.datetime) -> None:
    before = run(demo_pack, now, events.Pick("caller", "agency")).state
    for bad in ("tomorrow at noon", "", "\u200b\u200b", "banana"):
        step = advance(demo_pack, before, events.Say(bad), now=now)
        assert step.state == before
        assert isinstance(step.replies[0], Message) and step.replies[0].tone == "notice"
        assert question(step).node == "when"
    count_state = run(demo_pack, now, events.Pick("caller", "agency"), events.Say("today 9am"),
                      events.Say("10086")).state
    for bad in ("-1", "501", "2.5", "lots"):
        assert advance(demo_pack, count_state, events.Say(bad), now=now).state == count_state


def test_future_time_is_refused_with_its_own_message(demo_pack: Pack, now: dt.datetime) -> None:
    state = run(demo_pack, now, events.Pick("caller", "agency")).state
    step = advance(demo_pack, state, events.Say("2026-12-25 10:00"), now=now)
    assert step.state == state
    assert "future" in step.replies[0].text  # type: ignore[union-attr]


def test_over_long_text_is_refused_and_not_saved(demo_pack: Pack, now: dt.datetime) -> None:
    state = run(demo_pack, now, events.Pick("caller", "lender")).state
    step = advance(demo_pack, state, events.Say("x" * 101), now=now)
    assert step.state == state
    assert "100" in step.replies[0].text  # type: ignore[union-attr]


def test_control_and_zero_width_characters_are_stripped(demo_pack: Pack,
                                                        now: dt.datetime) -> None:
    state = run(demo_pack, now, events.Pick("caller", "lender")).state
    step = advance(demo_pack, state, events.Say("Hui\u200bjin\u0007 Finance\u202e"), now=now)
    assert step.state.answers["lender"] == "Huijin Finance"


def test_language_switch_keeps_every_answer(demo_pack: Pack, now: dt.datetime) -> None:
    step = run(demo_pack, now, *LENDER_PATH)
    switched = advance(demo_pack, step.state, events.SetLanguage("zh-Hans"), now=now)
    assert switched.state.answers == step.state.answers
    assert switched.state.path == step.state.path
    assert question(switched).text == "他们还联系了谁？"
    refused = advance(demo_pack, step.state, events.SetLanguage("fr"), now=now)
    assert refused.state == step.state


def test_same_answers_same_findings_and_json_round_trip(demo_pack: Pack,
                                                        now: dt.datetime) -> None:
    evs = (*LENDER_PATH, events.Pick("others", "employer"), events.Done("others"),
           events.Say("他说要砍你"), events.Pick("threat", "yes"))
    first, second = run(demo_pack, now, *evs), run(demo_pack, now, *evs)
    assert first.replies == second.replies
    assert first.state.to_json() == second.state.to_json()
    assert State.from_json(first.state.to_json()) == first.state
    result = next(r for r in first.replies if isinstance(r, Result))
    assert [f.rule for f in result.findings] == ["threats", "third_parties", "night",
                                                 "many_calls"]
    assert first.completed and first.state.status == "done"


def test_stale_button_is_answered_and_current_question_shown(demo_pack: Pack,
                                                             now: dt.datetime) -> None:
    state = run(demo_pack, now, events.Pick("caller", "agency")).state
    step = advance(demo_pack, state, events.Pick("caller", "lender"), now=now)
    assert step.state == state
    assert "already answered" in step.replies[0].text  # type: ignore[union-attr]
    assert question(step).node == "when"


def test_multiple_choice_toggles_then_done(demo_pack: Pack, now: dt.datetime) -> None:
    step = run(demo_pack, now, *LENDER_PATH, events.Pick("others", "employer"),
               events.Pick("others", "family"), events.Pick("others", "employer"))
    assert [c.selected for c in question(step).choices] == [True, False]
    step = advance(demo_pack, step.state, events.Done("others"), now=now)
    assert step.state.answers["others"] == ["family"]


def test_dont_know_is_a_real_answer(demo_pack: Pack, now: dt.datetime) -> None:
    step = run(demo_pack, now, events.Pick("caller", "agency"), events.DontKnow("when"))
    assert step.state.answers["when"] is None
    assert question(step).node == "number"


def test_safety_words_come_first_at_any_question(demo_pack: Pack, now: dt.datetime) -> None:
    state = run(demo_pack, now, events.Pick("caller", "agency"), events.Say("today 9am"),
                events.Say("10086")).state
    step = advance(demo_pack, state, events.Say("I want to die"), now=now)
    assert isinstance(step.replies[0], Message) and step.replies[0].tone == "safety"
    assert step.state == state  # not a number: nothing saved, question asked again
    unsafe = advance(demo_pack, state, events.Unsafe(), now=now)
    assert unsafe.replies[0].tone == "safety"  # type: ignore[union-attr]
    assert question(unsafe).node == "count"


def test_cancel_and_restart(demo_pack: Pack, now: dt.datetime) -> None:
    state = run(demo_pack, now, events.Pick("caller", "agency")).state
    cancelled = advance(demo_pack, state, events.Cancel(), now=now)
    assert cancelled.state.status == "cancelled"
    again = advance(demo_pack, cancelled.state, events.Start(), now=now)
    assert again.state.answers == {} and question(again).node == "caller"
    restarted = advance(demo_pack, state, events.Restart(), now=now)
    assert restarted.state.answers == {}


def test_a_changed_pack_version_replays_saved_answers(demo_pack: Pack, now: dt.datetime) -> None:
    state = run(demo_pack, now, events.Pick("caller", "agency"), events.Say("today 9am")).state
    old = state.with_(pack_version="0", answers={**state.answers, "caller": "vanished_option"})
    step = advance(demo_pack, old, events.Repeat(), now=now)
    assert step.state.pack_version == demo_pack.version
    assert "caller" not in step.state.answers
    notice = next(r.text for r in step.replies if isinstance(r, Message) and r.tone == "notice")
    assert "updated" in notice and "\u201cWho contacted you?\u201d" in notice
    assert question(step).node == "caller"


def test_amounts_with_chinese_units(now: dt.datetime) -> None:
    from flows.answers import Invalid, parse_answer
    from flows.schema import Node

    node = Node(kind="number", text={"en": "How much?"}, min=0, max=10_000_000)
    assert parse_answer(node, {}, "5万", now) == 50_000
    assert parse_answer(node, {}, "3k", now) == 3_000
    assert parse_answer(node, {}, "1.5万元", now) == 15_000
    assert isinstance(parse_answer(node, {}, "5万 or 6万", now), Invalid)


def test_advance_never_changes_the_state_it_is_given(demo_pack: Pack,
                                                     now: dt.datetime) -> None:
    """The engine is pure: callers (the service's parsed-state cache) may keep a state and
    hand it in again."""
    every_kind = (*LENDER_PATH[:2], events.Say("not a time"), events.WhyAsk(), events.Unsafe(),
                  LENDER_PATH[2], events.Back(), LENDER_PATH[2], *LENDER_PATH[3:],
                  events.Pick("others", "family"), events.Pick("others", "employer"),
                  events.Pick("others", "family"), events.SetLanguage("zh-Hans"),
                  events.Done("others"), events.Repeat(), events.Say("They called at night"),
                  events.Repeat(), events.Start(), events.DontKnow("caller"),
                  events.Cancel(), events.Restart())
    step = start(demo_pack, "en", now=now)
    for event in every_kind:
        before = step.state.to_json()
        step_after = advance(demo_pack, step.state, event, now=now)
        assert step.state.to_json() == before, f"{event} changed the state it was given"
        step = step_after
    assert step.state.path == [demo_pack.start]
