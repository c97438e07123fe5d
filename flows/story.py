"""The story step: the person tells what happened in their own words, then confirms.

A ``story`` question takes up to 4,096 characters (typed, or pasted from a chat) or one tap on
"Skip". The pack's spotter proposes answers to the pack's own questions; the person sees them
as "Here is what I understood", ticked, each with the words it came from, and unticks what is
wrong or types a correction. Only what they leave ticked becomes an answer (recorded in
``State.origins`` as coming from the story); the walk then asks only what is still missing.
An unticked proposal simply leaves its question to be asked.

While the person confirms, the story node stays current and ``State.pending[story]`` holds
the ticked proposal ids; nothing else changes until they tap "That's right".
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from typing import Any

from flows import events as ev
from flows.answers import Invalid, parse_answer
from flows.facts import show_value
from flows.pack import Pack
from flows.proposals import confirmed_answers, propose, replace
from flows.replies import Choice, Message, Question, Reply
from flows.spotter import find
from flows.state import State
from flows.texts import clean_input, fold
from flows.textchecks import LABEL_COLUMNS, display_columns

OK_WORDS = {"ok", "okay", "yes", "done", "right", "correct", "好", "好的", "对", "對", "是",
            "没错", "沒錯", "完成", "确认", "確認"}


@dataclass(frozen=True, slots=True)
class Outcome:
    """What a story event did: ``accepted`` → walk on from the story; otherwise show again."""

    state: State
    notes: list[Reply] = field(default_factory=list)
    accepted: bool = False


def confirming(state: State, node_id: str, pack: Pack) -> bool:
    return pack.nodes[node_id].node.kind == "story" and node_id in state.pending


def handle(pack: Pack, state: State, node_id: str, event: ev.Event,
           now: dt.datetime) -> Outcome | Invalid:
    """One event on the story question or on its confirmation."""
    if confirming(state, node_id, pack):
        return _on_confirm(pack, state, node_id, event, now)
    if isinstance(event, ev.DontKnow):
        return Outcome(_without_story(state).with_(
            answers={**_without_story(state).answers, node_id: None}), accepted=True)
    if not isinstance(event, ev.Say):
        return Outcome(state)
    text = parse_answer(pack.nodes[node_id].node, {}, clean_input(event.text), now)
    if isinstance(text, Invalid):
        return text
    state = _without_story(state)
    proposals = _propose(pack, state, text, now, 0)
    answers = {**state.answers, node_id: text}
    if not proposals:
        return Outcome(state.with_(answers=answers, proposals=[]),
                       [Message(pack.ui("story_nothing", state.language), "notice")], True)
    return Outcome(state.with_(answers=answers, proposals=proposals,
                               pending={**state.pending, node_id: [p["id"] for p in proposals]}))


def _propose(pack: Pack, state: State, text: str, now: dt.datetime, first: int
             ) -> list[dict[str, Any]]:
    if pack.spotter is None:
        return []
    hits = find(pack.spotter, text, now)
    answered = {n for n, v in state.answers.items() if state.origins.get(n) != "story"}
    return propose(pack, text, hits, answered, first)


def _on_confirm(pack: Pack, state: State, node_id: str, event: ev.Event,
                now: dt.datetime) -> Outcome | Invalid:
    ticked = list(state.pending[node_id])
    ids = [p["id"] for p in state.proposals]
    if isinstance(event, ev.Pick) and event.option in ids:
        ticked = [i for i in ticked if i != event.option] if event.option in ticked else \
            [i for i in ids if i in ticked or i == event.option]
        return Outcome(state.with_(pending={**state.pending, node_id: ticked}))
    if isinstance(event, ev.Done):
        return Outcome(_apply(pack, state, node_id, set(ticked)), accepted=True)
    if not isinstance(event, ev.Say):
        return Outcome(state)
    text = clean_input(event.text)
    words = fold(text).strip(" .!。！")
    if words in OK_WORDS:
        return Outcome(_apply(pack, state, node_id, set(ticked)), accepted=True)
    if re.fullmatch(r"[\d\s,，、]+", words):
        for number in re.findall(r"\d+", words):
            if 1 <= int(number) <= len(ids):
                chosen = ids[int(number) - 1]
                ticked = [i for i in ticked if i != chosen] if chosen in ticked else \
                    [i for i in ids if i in ticked or i == chosen]
        return Outcome(state.with_(pending={**state.pending, node_id: ticked}))
    story = f"{state.answers.get(node_id) or ''}\n{text}".strip()
    checked = parse_answer(pack.nodes[node_id].node, {}, story, now)
    if isinstance(checked, Invalid):
        return checked
    offset = len(story) - len(text)
    new = _propose(pack, state, text, now, _next_id(state.proposals))
    for item in new:
        item["span"] = [item["span"][0] + offset, item["span"][1] + offset]
    proposals = replace(state.proposals, new, pack)
    keep = {p["id"] for p in proposals}
    ticked = [p["id"] for p in proposals if p["id"] in ticked or p in new]
    notes: list[Reply] = [] if new else [Message(pack.ui("story_nothing", state.language),
                                                 "notice")]
    return Outcome(state.with_(answers={**state.answers, node_id: story},
                               proposals=[p for p in proposals if p["id"] in keep],
                               pending={**state.pending, node_id: ticked}), notes)


def _next_id(proposals: list[dict[str, Any]]) -> int:
    return 1 + max((int(p["id"][1:]) for p in proposals), default=-1)


def _apply(pack: Pack, state: State, node_id: str, ticked: set[str]) -> State:
    """The ticked proposals become answers (or, for ``from_story: prefill``, ticks)."""
    confirmed = confirmed_answers(pack, state.proposals, ticked)
    answers = dict(state.answers)
    origins = dict(state.origins)
    pending = {k: v for k, v in state.pending.items() if k != node_id}
    counts = dict(state.pending_counts)
    for target, value in confirmed.items():
        node = pack.nodes[target].node
        if node.from_story == "prefill" and node.kind in ("multi", "tally"):
            pending[target] = list(value)
            if node.kind == "tally":
                counts[target] = dict(value)
            continue
        answers[target] = value
        origins[target] = "story"
    proposals = [{**p, "ok": p["id"] in ticked} for p in state.proposals]
    return state.with_(answers=answers, origins=origins, pending=pending,
                       pending_counts=counts, proposals=proposals)


def _without_story(state: State) -> State:
    """The state before any story: its confirmed answers and proposals gone."""
    return state.with_(
        answers={k: v for k, v in state.answers.items() if state.origins.get(k) != "story"},
        origins={k: v for k, v in state.origins.items() if v != "story"}, proposals=[])


def reopen(state: State, node_id: str) -> State:
    """Back to "Here is what I understood", with the ticks the person had left."""
    base = _without_story(state).with_(proposals=state.proposals)
    ticked = [p["id"] for p in state.proposals if p.get("ok")]
    return base.with_(pending={**base.pending, node_id: ticked})


def forget(state: State, node_id: str) -> State:
    """Back to the story question itself: the story and all it gave are taken back."""
    base = _without_story(state)
    return base.with_(answers={k: v for k, v in base.answers.items() if k != node_id},
                      pending={k: v for k, v in base.pending.items() if k != node_id})


def label(pack: Pack, language: str, proposal: dict[str, Any]) -> str:
    """How one proposal reads: "Threatened to hurt you", "Calls today: at least 30"."""
    node_id, value = proposal["node"], proposal["value"]
    node = pack.nodes[node_id].node
    summary = pack.text(node.summary, language)
    if node.kind in ("multi", "choice"):
        shown = show_value(pack, language, node_id, value)
        return f"{summary}: {shown}" if summary and node.kind == "choice" else str(shown)
    if node.kind == "tally":
        shown = show_value(pack, language, node_id, value)
    else:
        shown = show_value(pack, language, node_id, value)
    return f"{summary}: {shown}" if summary else str(shown)


def _short(text: str) -> str:
    if display_columns(text) <= LABEL_COLUMNS:
        return text
    while display_columns(text + "…") > LABEL_COLUMNS:
        text = text[:-1]
    return text + "…"


def confirm_question(pack: Pack, state: State, node_id: str, can_go_back: bool) -> Question:
    lang = state.language
    ticked = set(state.pending.get(node_id, ()))
    lines = [pack.ui("story_understood", lang)]
    choices = []
    for number, proposal in enumerate(state.proposals, start=1):
        text = label(pack, lang, proposal)
        lines.append(f"{number}. {text} — “{proposal['quote']}”")
        choices.append(Choice(proposal["id"], _short(f"{number}. {text}"),
                              proposal["id"] in ticked))
    return Question(
        node=node_id, kind="confirm", text="\n".join(lines), choices=tuple(choices),
        can_skip=False, can_go_back=can_go_back, back_label=pack.ui("back", lang),
        done_label=pack.ui("confirm_done", lang), why_label=pack.ui("why_we_ask", lang),
        unsafe_label=pack.ui("unsafe", lang), tap_hint=pack.ui("confirm_tap", lang),
        type_hint=pack.ui("confirm_type", lang))
