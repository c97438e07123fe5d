"""The guidance engine: a pure, synchronous, deterministic state machine over a pack.

``start`` and ``advance`` take a state and an event and return a new state plus replies as
plain data. No I/O, no clock (``now`` is passed in), no randomness: the same answers always
give the same path and the same findings.
"""

from __future__ import annotations

import datetime as dt
import zoneinfo
from dataclasses import dataclass
from typing import Any

from flows import events as ev
from flows import render, story
from flows.answers import Invalid, parse_answer
from flows.kindness import kind_line
from flows.choices import clear, option_ids, spotted_options, tally_pick, tally_typed, \
    tally_value, toggle
from flows.facts import add_fact, collect
from flows.needs import needed, unknown_ahead
from flows.pack import Pack, safety_region
from flows.replay import kept_answers, update_notice
from flows.replies import Message, Reply
from flows.rewind import previous_question
from flows.safety import NOTHING, language_of, regions_for, response, safety_data
from flows.safety.normalize import normalise
from flows.schema import QUESTION_KINDS
from flows.state import State
from flows.texts import clean_input, fold
from flows.zones import conversation_zone, with_zone  # noqa: F401  (re-exported)


@dataclass(frozen=True, slots=True)
class Step:
    """What one event produced. ``completed`` is true on the step that reached the end."""

    state: State
    replies: tuple[Reply, ...]
    completed: bool = False


def start(pack: Pack, language: str | None = None, *, now: dt.datetime,
          timezone: str | None = None) -> Step:
    """A fresh interview in ``language`` (the pack's default when not offered)."""
    lang = language if language in pack.languages else pack.default_language
    zone = timezone or pack.timezone
    state = State(pack=pack.id, pack_version=pack.version, language=lang, timezone=zone,
                  started_at=now.isoformat(), home_timezone=zone)
    return _continue(pack, state, [pack.start], {"language": lang, "cues": []}, [])


def advance(pack: Pack, state: State, event: ev.Event, *, now: dt.datetime) -> Step:
    """Apply one event. Invalid input leaves the state unchanged and re-asks."""
    notes: list[Reply] = []
    if state.pack_version != pack.version or any(n not in pack.nodes for n in state.path):
        was_active = state.status == "active"
        state, dropped = _rebuild(pack, state)
        if was_active and not isinstance(event, ev.Restart):  # say what happened, truly
            notes.append(update_notice(pack, dropped, state.language))
    if isinstance(event, ev.Say):
        warnings, hold = _safety(pack, state, event.text)
        if hold:  # a person in crisis: nothing they typed is taken as an answer; we stop here
            return Step(state, (*notes, *warnings))
        notes.extend(warnings)
    if isinstance(event, (ev.Start, ev.Restart)) and (
            isinstance(event, ev.Restart) or state.status != "active"):
        home = state.home_timezone or state.timezone
        fresh = start(pack, state.language, now=now, timezone=home)
        intro = [Message(pack.ui("restarted", state.language), "notice")] if isinstance(
            event, ev.Restart) else []
        return Step(fresh.state, (*notes, *intro, *fresh.replies))
    if isinstance(event, ev.SetLanguage):
        if event.language not in pack.languages:
            return _show(pack, state, [*notes, Message(
                pack.ui("language_unavailable", state.language), "notice")])
        state = state.with_(language=event.language)
        return _show(pack, state, [*notes, Message(pack.ui("language_changed", state.language),
                                                   "notice")])
    if isinstance(event, ev.Unsafe):
        return _show(pack, state, [*notes, Message(pack.text(pack.data.safety.unsafe,
                                                             state.language), "safety")])
    if state.status == "cancelled":
        return Step(state, (*notes, Message(pack.ui("cancelled", state.language), "notice")))
    if isinstance(event, ev.Cancel):
        return Step(state.with_(status="cancelled"),
                    (*notes, Message(pack.ui("cancelled", state.language), "notice")))
    if isinstance(event, ev.Back):
        return _back(pack, state, notes)
    current = state.path[-1]
    if isinstance(event, ev.WhyAsk):
        node = pack.nodes[current].node
        help_text = pack.text(node.help, state.language) if node.help else ""
        return _show(pack, state, [*notes, *([Message(help_text)] if help_text else [])])
    if isinstance(event, (ev.Start, ev.Repeat)) or state.status == "done":
        if state.status == "done" and isinstance(event, ev.Say):
            notes.append(Message(pack.ui("finished", state.language), "notice"))
        return _show(pack, state, notes)
    return _answer(pack, state, current, event, now, notes)


def _answer(pack: Pack, state: State, current: str, event: ev.Event, now: dt.datetime,
            notes: list[Reply]) -> Step:
    node = pack.nodes[current].node
    if isinstance(event, (ev.Pick, ev.Done, ev.DontKnow)) and event.node != current:
        return _show(pack, state, [*notes, Message(pack.ui("already_answered", state.language),
                                                   "notice")])
    now_local = now.astimezone(zoneinfo.ZoneInfo(state.timezone))
    if node.kind == "story":
        outcome = story.handle(pack, state, current, event, now_local)
        if isinstance(outcome, Invalid):
            return _show(pack, state, [*notes, _reprompt(pack, state, outcome)])
        if not outcome.accepted:
            return _show(pack, outcome.state, [*notes, *outcome.notes])
        state = outcome.state
        return _continue(pack, state, list(state.path), collect(pack, state, state.path),
                         [*notes, *outcome.notes], walked_from=current)
    order = [o.id for o in node.options or []]
    value: Any
    if isinstance(event, ev.Pick):
        if event.option not in option_ids(node):
            return _show(pack, state, [*notes, _reprompt(pack, state, Invalid("reprompt"))])
        if node.kind == "tally":
            return _show(pack, tally_pick(state, current, event.option, order), notes)
        if node.kind == "multi":
            chosen = toggle(pack.nodes[current].exclusive, state.pending.get(current, []),
                            event.option)
            pending = {**state.pending, current: sorted(chosen, key=order.index)}
            return _show(pack, state.with_(pending=pending), notes)
        value = event.option
    elif isinstance(event, ev.Done):
        if node.kind not in ("multi", "tally"):
            return _show(pack, state, notes)
        value = list(state.pending.get(current, [])) if node.kind == "multi" else \
            tally_value(state, current, order)
    elif isinstance(event, ev.DontKnow):
        if node.required:
            return _show(pack, state, [*notes, _reprompt(pack, state, Invalid("reprompt"))])
        value = None
    elif isinstance(event, ev.Say):
        text = clean_input(event.text)
        if node.kind not in QUESTION_KINDS:
            return _show(pack, state, notes)
        labels = render.option_labels(pack, current)
        parsed = tally_typed(pack, state, current, text, labels) if node.kind == "tally" \
            else parse_answer(node, labels, text, now_local)
        if isinstance(parsed, Invalid) and node.kind == "multi" and parsed.reason == "reprompt":
            ticks = spotted_options(pack, current, text, now_local)
            if ticks:  # "my mum and my boss": ticked for the person to check, then Done
                return _show(pack, state.with_(pending={**state.pending, current: ticks}), notes)
        if isinstance(parsed, Invalid):
            return _show(pack, state, [*notes, _reprompt(pack, state, parsed)])
        value = parsed
    else:
        return _show(pack, state, notes)
    return _accept(pack, state, current, value, notes)


def _accept(pack: Pack, state: State, current: str, value: Any, notes: list[Reply]) -> Step:
    answers = {**state.answers, current: value}
    cue_hits = dict(state.cue_hits)
    cue_hits.pop(current, None)
    if pack.nodes[current].node.scan_cues and isinstance(value, str):
        folded = fold(value)
        found = list(dict.fromkeys(cue for cue, word in pack.cue_words if word in folded))
        if found:
            cue_hits[current] = found
    changes: dict[str, Any] = {"answers": answers, "cue_hits": cue_hits}
    if current in state.origins:
        changes["origins"] = {k: v for k, v in state.origins.items() if k != current}
    if current in state.pending or current in state.pending_counts:
        changes.update(clear(state, current).pending_fields())
    state = state.with_(**changes)
    facts = collect(pack, state, state.path)
    return _continue(pack, state, list(state.path), facts, notes, walked_from=current)


def _continue(pack: Pack, state: State, path: list[str], facts: dict[str, Any],
              notes: list[Reply], walked_from: str | None = None) -> Step:
    """Walk forward from the end of ``path`` to the next unanswered question or the end."""
    replies = list(notes)
    node_id = path[-1]
    if walked_from is not None:
        node_id = _next(pack, node_id, facts)
        path.append(node_id)
    while True:
        compiled = pack.nodes[node_id]
        node = compiled.node
        if node.kind == "end":
            break
        if node.kind == "info":
            replies.append(Message(render.text_for(pack, state, node.text, facts)))
        elif (compiled.ask_if is not None and not compiled.ask_if(facts)) or (
                node.ask == "needed" and node_id not in state.answers and not _needed(
                    pack, state, path, node_id, facts)):
            path.pop()
        elif node_id in state.answers:
            add_fact(pack, facts, node_id, state.answers[node_id])
            for cue in state.cue_hits.get(node_id, ()):
                if cue not in facts["cues"]:
                    facts["cues"] = [*facts["cues"], cue]
        else:
            break
        node_id = _next(pack, node_id, facts)
        path.append(node_id)
    was_done = state.status == "done"
    state = with_zone(pack, state, path=path, status="done" if node.kind == "end" else "active")
    step = _show(pack, state, replies, facts)
    return Step(step.state, step.replies, completed=node.kind == "end" and not was_done)


def _needed(pack: Pack, state: State, path: list[str], node_id: str,
            facts: dict[str, Any]) -> bool:
    """Whether an ``ask: needed`` question is still needed. What the story already answered
    for questions further on counts as known here, so "3 calls a day" from the story settles
    a rule before "how many calls in 7 days?" is reached."""
    told: dict[str, Any] = {}
    for told_id, origin in state.origins.items():
        if origin == "story" and told_id not in path and told_id in state.answers:
            add_fact(pack, told, told_id, state.answers[told_id])
    view = {**told, **facts} if told else facts
    return needed(pack.nodes[node_id].fact or "", view,
                  unknown_ahead(pack.ahead[node_id], view), pack.rules3)


def _next(pack: Pack, node_id: str, facts: dict[str, Any]) -> str:
    for predicate, goto in pack.nodes[node_id].branches:
        if predicate is None or predicate(facts):
            return goto
    raise AssertionError(f"node {node_id} has no applicable branch")  # the validator prevents it


def _show(pack: Pack, state: State, replies: list[Reply],
          facts: dict[str, Any] | None = None) -> Step:
    """Replies plus the current question (or the end text and result)."""
    facts = facts if facts is not None else collect(pack, state)
    current = state.path[-1]
    node = pack.nodes[current].node
    if node.kind == "end":
        end = render.text_for(pack, state, node.text, facts)
        return Step(state, (*replies, Message(end), render.result(pack, state, facts)))
    can_back = previous_question(pack, state) is not None or story.confirming(state, current,
                                                                                pack)
    if story.confirming(state, current, pack):
        return Step(state, (*replies, story.confirm_question(pack, state, current, can_back)))
    return Step(state, (*replies, render.question(pack, state, current, facts, can_back)))


def _back(pack: Pack, state: State, notes: list[Reply]) -> Step:
    current = state.path[-1]
    if story.confirming(state, current, pack):  # from "what I understood" to the story
        return _show(pack, story.forget(state, current), notes)
    index = previous_question(pack, state)
    if index is None:
        return _show(pack, state, [*notes, Message(pack.ui("nothing_to_go_back_to",
                                                           state.language), "notice")])
    previous = state.path[index]
    state = state.with_(path=state.path[: index + 1], status="active")
    if pack.nodes[previous].node.kind == "story" and any(p.get("ok") is not None
                                                        for p in state.proposals):
        state = story.reopen(state, previous)
    else:
        if pack.nodes[previous].node.kind == "story":
            state = story.forget(state, previous)
        state = state.with_(answers={k: v for k, v in state.answers.items() if k != previous},
                            cue_hits={k: v for k, v in state.cue_hits.items() if k != previous},
                            origins={k: v for k, v in state.origins.items() if k != previous})
    return _show(pack, with_zone(pack, state), notes)


def _rebuild(pack: Pack, state: State) -> tuple[State, list[str]]:
    """Replay saved answers through a changed pack; drop those that no longer fit (the ids
    of the dropped answers the user had on their path are returned, for the notice)."""
    answers = kept_answers(pack, state.answers)
    dropped = [node_id for node_id in state.path if node_id in state.answers
               and node_id not in answers]
    proposals = [p for p in state.proposals if p.get("node") in pack.nodes]
    state = state.with_(pack_version=pack.version, answers=answers, path=[pack.start],
                        pending={k: v for k, v in state.pending.items() if k in pack.nodes},
                        cue_hits={k: v for k, v in state.cue_hits.items() if k in answers},
                        origins={k: v for k, v in state.origins.items() if k in answers},
                        proposals=proposals)
    rebuilt = _continue(pack, state, [pack.start], {"language": state.language, "cues": []}, [])
    return rebuilt.state.with_(status=state.status if state.status == "cancelled"
                               else rebuilt.state.status), dropped


def _reprompt(pack: Pack, state: State, invalid: Invalid) -> Message:
    lang = state.language
    if invalid.reason == "too_long":
        return Message(pack.ui("too_long", lang).replace("{limit}", str(invalid.limit)), "notice")
    if invalid.reason == "exclusive":
        node = pack.nodes[state.path[-1]].node
        label = next((pack.text(o.label, lang) for o in node.options or [] if o.exclusive), "")
        return Message(pack.ui("exclusive_option", lang).replace("{option}", label), "notice")
    if invalid.reason in ("empty", "future_time"):
        key = "empty_answer" if invalid.reason == "empty" else "future_time"
        return Message(pack.ui(key, lang), "notice")
    node = pack.nodes[state.path[-1]].node
    return Message(pack.text(node.reprompt, lang) or pack.ui("empty_answer", lang), "notice")


def _safety(pack: Pack, state: State, text: str) -> tuple[list[Reply], bool]:
    """Crisis and danger in anything typed, at any step, come first; a self-harm crisis holds
    the interview (the text is not an answer). The channels' safety gate (bot/safety.py) runs
    the same recogniser before anything else; this step keeps the engine safe on its own."""
    verdict = pack.safety.check(text) if pack.safety is not None else NOTHING
    replies: list[Reply] = []
    if verdict:
        data = safety_data()
        regions = regions_for(data, safety_region(pack, state.answers),
                              language=state.language)
        language = language_of(text, state.language)
        replies.append(Message("\n\n".join(response(data, verdict, regions, language)),
                               "safety"))
    if not verdict.self_harm and pack.notice_words:
        folded = normalise(text)
        hit = next((tid for tid, word in pack.notice_words if word and word in folded), None)
        if hit is not None:
            trigger = next(t for t in pack.data.safety.triggers if t.id == hit)
            replies.append(Message(pack.text(trigger.text, state.language), "safety"))
    if not verdict and pack.kind_words:
        kind = kind_line(pack, normalise(text))
        if kind is not None:
            replies.append(Message(pack.text(pack.data.kindness[kind].text, state.language)))
    return replies, verdict.self_harm

