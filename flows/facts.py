"""Facts: the answers on the current path, typed and with derived attributes.

Only answers to questions on the path count, so an answer left behind on an abandoned branch
(after Back) can never produce a finding.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from flows.money import show_money
from flows.moments import read_moment, show_moment
from flows.pack import YESNO_OPTIONS, Pack
from flows.quantity import AtLeast, Money, count_from_json, money_from_json
from flows.state import State
from flows.tally import show_tally, tally_facts


def add_fact(pack: Pack, facts: dict[str, Any], node_id: str, value: Any) -> None:
    """Record one answer under its fact name, with attributes such as ``.hour``."""
    compiled = pack.nodes[node_id]
    name = compiled.fact
    if name is None:
        return
    kind = compiled.node.kind
    if kind == "datetime":
        moment = read_moment(value) if value is not None else None
        at = moment.at if moment else None
        facts[name] = at if at is not None else (moment.day if moment else None)
        facts[f"{name}.hour"] = at.hour if at else None
        facts[f"{name}.minute"] = at.minute if at else None
        facts[f"{name}.date"] = moment.day if moment else None
        facts[f"{name}.weekday"] = moment.day.isoweekday() if moment else None
        facts[f"{name}.part"] = moment.part if moment else None
        return
    if kind == "number":
        facts[name] = count_from_json(value)
        return
    if kind == "amount":
        money = money_from_json(value, compiled.node.currency or "")
        facts[name] = money
        facts[f"{name}.currency"] = money.currency if money else None
        return
    if kind == "tally":
        tally_facts(facts, name, value, [o.id for o in compiled.node.options or []])
        return
    facts[name] = value
    if kind == "multi":
        facts[f"{name}.count"] = len(value) if value is not None else None
    elif kind in ("text", "story"):
        facts[f"{name}.length"] = len(value) if value is not None else None


def collect(pack: Pack, state: State, path: list[str] | None = None) -> dict[str, Any]:
    """Facts from the answers of the questions on ``path`` (default: the state's path)."""
    facts: dict[str, Any] = {"language": state.language}
    cues: list[str] = []
    for node_id in state.path if path is None else path:
        if node_id in state.answers:
            add_fact(pack, facts, node_id, state.answers[node_id])
            for cue in state.cue_hits.get(node_id, ()):
                if cue not in cues:
                    cues.append(cue)
    facts["cues"] = cues
    for name, count in state.record.items():  # the record of contacts, given by the channel
        facts[f"record.{name}"] = count
    return facts


def plain(pack: Pack, state: State) -> dict[str, Any]:
    """The on-path answers as JSON-ready facts (for incidents, exports and letters)."""
    result: dict[str, Any] = {}
    for node_id in state.path:
        if node_id in state.answers:
            name = pack.nodes[node_id].fact
            if name:
                result[name] = state.answers[node_id]
    cues = collect(pack, state)["cues"]
    if cues:
        result["cues"] = cues
    return result


def display(pack: Pack, state: State, facts: dict[str, Any]) -> dict[str, Any]:
    """Facts as a user reads them: option labels instead of option ids."""
    shown = dict(facts)
    for node_id in state.path:
        name = pack.nodes[node_id].fact
        value = facts.get(name or "")
        if name is None or value is None:
            continue
        shown[name] = show_value(pack, state.language, node_id, state.answers.get(node_id),
                                 value)
    return shown


def show_count(pack: Pack, language: str, value: Any) -> str:
    count = count_from_json(value) if not isinstance(value, AtLeast) else value
    if isinstance(count, AtLeast):
        return pack.ui("at_least", language).replace("{n}", str(count.n))
    return str(value)


def show_value(pack: Pack, language: str, node_id: str, answer: Any, value: Any = None) -> Any:
    """An answer as a user reads it: labels for options, "at least 10", "NT$200,000",
    "2026-11-27 evening" (``value`` is the fact, when already built)."""
    node = pack.nodes[node_id].node
    labels = {o.id: pack.text(o.label, language) for o in node.options or []}
    if node.kind == "yesno":
        labels = {k: pack.ui(k, language) for k in YESNO_OPTIONS}
    if node.kind == "tally":
        return show_tally(answer, labels, lambda c: show_count(pack, language, c))
    if node.kind == "number":
        return show_count(pack, language, answer)
    if node.kind == "amount":
        money = value if isinstance(value, Money) else money_from_json(answer,
                                                                         node.currency or "")
        return show_money(money) if money else answer
    if node.kind == "datetime" and isinstance(answer, str):
        return show_moment(answer, {p: pack.ui(f"part_{p}", language) for p in (
            "night", "morning", "noon", "afternoon", "evening")})
    if isinstance(answer, list):
        return [labels.get(v, v) for v in answer]
    if isinstance(answer, str) and answer in labels:
        return labels[answer]
    if isinstance(value, dt.datetime):
        return value.strftime("%Y-%m-%d %H:%M")
    return answer if value is None else value
