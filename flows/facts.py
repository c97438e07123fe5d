"""Facts: the answers on the current path, typed and with derived attributes.

Only answers to questions on the path count, so an answer left behind on an abandoned branch
(after Back) can never produce a finding.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from flows.pack import YESNO_OPTIONS, Pack
from flows.state import State


def add_fact(pack: Pack, facts: dict[str, Any], node_id: str, value: Any) -> None:
    """Record one answer under its fact name, with attributes such as ``.hour``."""
    compiled = pack.nodes[node_id]
    name = compiled.fact
    if name is None:
        return
    kind = compiled.node.kind
    if value is not None and kind == "datetime":
        moment = dt.datetime.fromisoformat(value)
        facts[name] = moment
        facts[f"{name}.hour"] = moment.hour
        facts[f"{name}.minute"] = moment.minute
        facts[f"{name}.date"] = moment.date()
        facts[f"{name}.weekday"] = moment.isoweekday()
        return
    facts[name] = value
    if kind == "multi":
        facts[f"{name}.count"] = len(value) if value is not None else None
    elif kind == "text":
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
        compiled = pack.nodes[node_id]
        name, node = compiled.fact, compiled.node
        value = facts.get(name or "")
        if name is None or value is None:
            continue
        labels = {o.id: pack.text(o.label, state.language) for o in node.options or []}
        if node.kind == "yesno":
            labels = {k: pack.ui(k, state.language) for k in YESNO_OPTIONS}
        if isinstance(value, list):
            shown[name] = [labels.get(v, v) for v in value]
        elif isinstance(value, str) and value in labels:
            shown[name] = labels[value]
        elif isinstance(value, dt.datetime):
            shown[name] = value.strftime("%Y-%m-%d %H:%M")
    return shown
