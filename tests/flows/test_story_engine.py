"""The story step in the engine: confirm, untick, correct, Back, replay, ask only what is
missing, and natural typed answers."""

from __future__ import annotations

import dataclasses

from flows import State, advance, events, start
from flows.facts import collect
from flows.pack import compile_pack
from flows.render import findings
from tests.flows.storykit import NOW, act, ask, story_pack, tell

STORY = "他们昨天晚上十点给我妈打了三十多次电话，还找人来收拾你。我在闪电借上借了3000元。"


def node_keys(step) -> list[tuple[str, object]]:  # type: ignore[no-untyped-def]
    return [(p["node"], p["value"]) for p in step.state.proposals]


def test_what_was_understood_is_shown_ticked_with_its_words() -> None:
    step = tell(STORY)
    question = ask(step)
    assert question.kind == "confirm" and question.node == "story"
    assert all(choice.selected for choice in question.choices)
    assert "根据您写的内容" in question.text and "“找人来收拾”" in question.text
    assert question.tap_hint and question.type_hint and question.done_label == "没错，继续"
    assert ("said", "violence") in node_keys(step)
    assert step.state.answers["story"].startswith("他们昨天")
    assert "said" not in step.state.answers  # nothing is an answer before "That's right"


def test_only_confirmed_facts_become_answers_and_feed_findings() -> None:
    step = tell(STORY)
    violence = next(p["id"] for p in step.state.proposals if p["value"] == "violence")
    step = act(step, events.Pick("story", violence), events.Done("story"))
    state = step.state
    assert state.origins["others"] == "story" and state.answers["others"] == {
        "family": {"at_least": 30}}
    assert [p["ok"] for p in state.proposals if p["id"] == violence] == [False]
    assert ask(step).node == "contacts_today"  # unticked or missing facts are asked
    step = act(step, events.Say("2"))
    assert ask(step).node == "said"  # prefilled, without the unticked threat
    assert not any(c.selected for c in ask(step).choices)
    rules = [f.rule for f in findings(story_pack(), step.state,
                                      collect(story_pack(), step.state))]
    assert "violence_threat" not in rules and "third_party_contact" in rules


def test_numbers_untick_ok_confirms_and_other_words_correct() -> None:
    step = tell("They called me 30 times yesterday. They called my mother too.", "en")
    before = len(step.state.pending["story"])
    step = act(step, events.Say("1"))
    assert len(step.state.pending["story"]) == before - 1
    step = act(step, events.Say("1"))
    assert len(step.state.pending["story"]) == before
    step = act(step, events.Say("Sorry, they called me 12 times."))
    assert ("contacts_today", 12) in node_keys(step)
    assert ("contacts_today", 30) not in node_keys(step)
    assert step.state.answers["story"].endswith("Sorry, they called me 12 times.")
    step = act(step, events.Say("ok"))
    assert step.state.answers["contacts_today"] == 12 and "story" not in step.state.pending


def test_back_from_the_confirmation_and_back_to_it() -> None:
    step = tell(STORY)
    first = step.state.proposals[0]["id"]
    step = act(step, events.Pick("story", first), events.Done("story"))
    assert ask(step).kind != "confirm"
    step = act(step, events.Back())
    question = ask(step)
    assert question.kind == "confirm"
    assert [c.selected for c in question.choices][0] is False  # the untick is remembered
    assert all(c.selected for c in question.choices[1:])
    assert "others" not in step.state.answers  # story answers wait for "That's right" again
    step = act(step, events.Back())
    assert ask(step).kind == "story" and "story" not in step.state.answers
    assert step.state.proposals == []


def test_skipping_the_story_asks_the_questions() -> None:
    pack = story_pack()
    step = start(pack, "en", now=NOW)
    assert ask(step).skip_label == "Skip" and ask(step).can_skip
    step = act(step, events.DontKnow("story"))
    assert step.state.answers["story"] is None and ask(step).node == "contact_time"


def test_a_story_without_anything_to_confirm_moves_on_with_a_note() -> None:
    step = tell("你好", "zh-Hans")
    assert ask(step).node == "contact_time"
    assert any("已存入您的记录" in getattr(r, "text", "") for r in step.replies)


def test_too_long_a_story_changes_nothing() -> None:
    pack = story_pack()
    fresh = start(pack, "en", now=NOW)
    step = act(fresh, events.Say("x" * 4097))
    assert step.state == fresh.state and ask(step).kind == "story"
    assert act(fresh, events.Say("They called my mum. " * 200)).state.proposals


def test_story_answers_survive_a_pack_change_and_a_saved_state() -> None:
    pack = story_pack()
    step = act(tell(STORY), events.Done("story"))
    saved = State.from_json(step.state.to_json())
    assert saved == step.state
    changed = compile_pack(pack.data.model_copy(update={"pack": pack.data.pack.model_copy(
        update={"version": "2"})}), pack.folder)
    replayed = advance(changed, saved, events.Repeat(), now=NOW)
    assert replayed.state.answers["others"] == {"family": {"at_least": 30}}
    assert replayed.state.origins["others"] == "story"
    assert replayed.state.path[-1] == step.state.path[-1]


def test_loan_questions_only_when_a_rule_needs_them() -> None:
    calm = act(tell("They texted me twice yesterday.", "en"), events.Done("story"))
    calm = act(calm, events.Say("0"), events.Done("others"), events.Done("said"),
               events.Done("did"), events.Pick("paid", "no"), events.DontKnow("lender_name"),
               events.DontKnow("amount"))
    assert calm.state.status == "done"
    assert "lender_kind" not in calm.state.path and "rate" not in calm.state.path
    rough = act(tell("他们找人来收拾你。", "zh-Hans"), events.Done("story"))
    rough = act(rough, events.Say("昨晚10点"), events.Say("1"), events.Done("others"),
                events.Done("said"), events.Done("did"), events.Pick("paid", "no"),
                events.DontKnow("lender_name"), events.DontKnow("amount"))
    assert ask(rough).node == "lender_kind"  # coercion is known: the lender now matters
    rough = act(rough, events.Pick("lender_kind", "licensed"))
    assert rough.state.status == "done" and "rate" not in rough.state.path


def test_typed_answers_are_understood() -> None:
    pack = story_pack()
    step = act(start(pack, "zh-Hans", now=NOW), events.DontKnow("story"))
    step = act(step, events.Say("昨天"))
    assert step.state.answers["contact_time"] == "2026-11-27"
    step = act(step, events.Say("0"))
    assert step.state.answers["contacts_today"] == 0
    step = act(step, events.Pick("others", "family"), events.Say("妈妈30次，领导数不清"))
    assert step.state.answers["others"] == {"family": 30, "employer": {"at_least": 10}}
    step = act(step, events.Done("others_how"), events.Say("他们骂我"))
    assert step.state.pending["said"] == ["insults"] and "said" not in step.state.answers
    step = act(step, events.Done("said"), events.Done("did"), events.Say("5"),
               events.Say("没有"))
    assert step.state.answers["paid"] == "no"
    step = act(step, events.Say("快乐借"), events.Say("NT$20萬"))
    assert step.state.answers["amount"] == {"amount": 200000, "currency": "TWD"}


def test_tally_buttons_show_counts() -> None:
    pack = story_pack()
    step = act(start(pack, "en", now=NOW), events.DontKnow("story"), events.Say("yesterday"),
               events.Say("3"))
    assert ask(step).node == "others"
    step = dataclasses.replace(step, state=step.state.with_(
        pending={"others": ["family"]}, pending_counts={"others": {"family": {"at_least": 10}}}))
    step = act(step, events.Repeat())
    family = ask(step).choices[0]
    assert family.selected and family.label == "Family · at least 10"
    step = act(step, events.Pick("others", "family"))
    assert step.state.pending["others"] == [] and step.state.pending_counts["others"] == {}


def test_the_story_fixture_conversation_tests_and_random_walks_pass() -> None:
    from flows.convtests import random_walk, run_pack_tests

    outcomes = run_pack_tests(story_pack())
    assert len(outcomes) >= 6
    assert [o.failures for o in outcomes if not o.passed] == []
    assert random_walk(story_pack(), runs=300) == []


def test_a_plain_number_question_never_stores_foreign_money() -> None:
    from flows.answers import Invalid, parse_answer

    node = story_pack().nodes["contacts_today"].node
    for text in ("NT$20萬", "US$500", "3000 HKD", "两万港币"):
        assert isinstance(parse_answer(node, {}, text, NOW), Invalid), text
    assert parse_answer(node, {}, "5次", NOW) == 5



LATER_NODES = """\
story:
  kind: story
  text: What happened?
  help: Fewer questions afterwards.
  reprompt: Please tell me, or tap Skip.
  next: week
week:
  kind: number
  ask: needed
  summary: Calls in 7 days
  text: How many calls in 7 days?
  help: Counts matter.
  reprompt: A number, please.
  next: daily
daily:
  kind: number
  ask: needed
  summary: Calls a day
  text: How many calls on a usual day?
  help: Counts matter.
  reprompt: A number, please.
  next: done
done:
  kind: end
  text: Thank you.
"""
LATER_EXTRA = """\
spotter:
  spots:
    daily:
      node: daily
      take: count
      patterns: {en: ["a day"]}
rules:
  - id: often
    when: {any: [{fact: week, gt: 7}, {fact: daily, gte: 2}]}
    severity: medium
    title: Often
    explanation: Often.
"""


def test_what_the_story_told_further_on_settles_a_question_asked_earlier(tmp_path) -> None:  # type: ignore[no-untyped-def]
    """"3 times a day" answers a later question; the one before it, asked only while a rule
    needs it, is then not asked: the rule is already settled by what the story told."""
    from tests.flows.packkit import clean_pack, run
    pack = clean_pack(tmp_path, LATER_NODES, start="story", extra=LATER_EXTRA)
    told = run(pack, NOW, events.Say("They call me 3 times a day."), events.Done("story"))
    assert told.state.status == "done" and "week" not in told.state.path
    assert told.state.answers["daily"] == 3
    vague = run(pack, NOW, events.Say("They call me 1 time a day."), events.Done("story"))
    assert ask(vague).node == "week"  # one a day settles nothing: asked
