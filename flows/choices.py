"""Ticking answers: multi questions, "none of these", and tally questions (who, how often).

Kept apart from :mod:`flows.engine` so the engine stays one concept (the walk); these are the
small state changes a tap or a typed list makes before "Done".
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from flows.answers import Invalid
from flows.pack import YESNO_OPTIONS, Pack
from flows.spotter import find, named_in
from flows.state import State
from flows.tally import merge, parse_tally


def option_ids(node: Any) -> set[str]:
    """The ids a button of this question may carry (what ``render.question`` offers), without
    rendering the question's texts just to check a tap."""
    if node.kind == "yesno":
        return set(YESNO_OPTIONS)
    return {o.id for o in node.options or ()}


def toggle(exclusive: frozenset[str], pending: list[str], option: str) -> list[str]:
    """Tick or untick ``option``; an exclusive ("none of these") option stands alone."""
    if option in pending:
        return [o for o in pending if o != option]
    if option in exclusive:
        return [option]
    return [o for o in pending if o not in exclusive] + [option]


def people_in(pack: Pack, text: str) -> list[str]:
    """The spotter's people lists that a piece of text names ("我妈" → family)."""
    return named_in(pack.spotter, text) if pack.spotter is not None else []


def spotted_options(pack: Pack, node_id: str, text: str, now: dt.datetime) -> list[str]:
    """Options of a multi question that typed words name through the spotter ("my mum and my
    boss" → family, employer): offered as ticks for the person to check, never taken as is."""
    if pack.spotter is None:
        return []
    node = pack.nodes[node_id].node
    found = {hit.value for hit in find(pack.spotter, text, now) if hit.node == node_id}
    found.update(o for o in people_in(pack, text) + _channels_in(pack, text))
    return [o.id for o in node.options or [] if o.id in found]


def _channels_in(pack: Pack, text: str) -> list[str]:
    return named_in(pack.spotter, text, "channels") if pack.spotter is not None else []


def tally_pick(state: State, node_id: str, option: str, order: list[str]) -> State:
    """Tick or untick one person of a tally question (unticking forgets their count)."""
    ticked = list(state.pending.get(node_id, []))
    counts = dict(state.pending_counts.get(node_id, {}))
    if option in ticked:
        ticked.remove(option)
        counts.pop(option, None)
    else:
        ticked.append(option)
    ticked = [o for o in order if o in ticked]
    return state.with_(pending={**state.pending, node_id: ticked},
                       pending_counts={**state.pending_counts, node_id: counts})


def tally_value(state: State, node_id: str, order: list[str]) -> dict[str, Any]:
    """The ticks and counts so far, as the answer "Done" gives."""
    counts = state.pending_counts.get(node_id, {})
    ticked = state.pending.get(node_id, [])
    return {o: counts.get(o) for o in order if o in ticked}


def tally_typed(pack: Pack, state: State, node_id: str, text: str,
                labels: dict[str, list[str]]) -> dict[str, Any] | Invalid:
    """A typed tally ("妈妈30次，领导5次") together with what was ticked: the whole answer."""
    parsed = parse_tally(text, labels, lambda piece: people_in(pack, piece))
    if parsed is None:
        return Invalid("reprompt")
    order = list(labels)
    return merge(tally_value(state, node_id, order), parsed, order)


def clear(state: State, node_id: str) -> State:
    """No ticks left over once a question is answered."""
    return state.with_(pending={k: v for k, v in state.pending.items() if k != node_id},
                       pending_counts={k: v for k, v in state.pending_counts.items()
                                       if k != node_id})
