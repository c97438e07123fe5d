"""From hits in a story to proposed answers, and from the person's ticks to answers.

One proposal per thing the person can untick: a value for a single-answer question, one option
of a multi question, one person of a tally. Each keeps the words it came from (``quote`` and
``span``, offsets in the story as written) so "Here is what I understood" can show them and
the record can say where every answer came from.
"""

from __future__ import annotations

from typing import Any

from flows.moments import read_moment
from flows.pack import Pack
from flows.quantity import count_from_json, lower
from flows.spotter import Hit
from flows.tally import merge

QUOTE_LIMIT = 80


def _quote(text: str, start: int, end: int) -> str:
    words = " ".join(text[start:end].split())
    return words if len(words) <= QUOTE_LIMIT else words[: QUOTE_LIMIT - 1] + "…"


def _size(value: Any) -> Any:
    """What ``pick: max`` compares: a count's lower bound, an amount, a time's moment."""
    if isinstance(value, str):
        moment = read_moment(value)
        if moment is None:
            return (0, "")
        order = PARTS_ORDER.get(moment.part or "", 0)
        return (1, moment.day.isoformat(), moment.at.hour * 60 + moment.at.minute
                if moment.at else order)
    if isinstance(value, dict) and "amount" in value:
        return (1, value["amount"])
    return (1, lower(count_from_json(value)) or 0)


PARTS_ORDER = {"morning": 9 * 60, "noon": 12 * 60, "afternoon": 15 * 60, "evening": 19 * 60,
               "night": 23 * 60}


def _pick(hits: list[Hit], how: str) -> Hit:
    if how == "last":
        return max(hits, key=lambda h: h.start)
    if how == "max":
        return max(hits, key=lambda h: (_size(h.value), -h.start))
    return min(hits, key=lambda h: h.start)


def propose(pack: Pack, text: str, hits: list[Hit], skip: set[str],
            first_id: int = 0) -> list[dict[str, Any]]:
    """Proposals in the order of the pack's questions (then their options); nodes in ``skip``
    (already answered) get none. Conflicting yes/no evidence proposes nothing: ask instead."""
    spots = pack.data.spotter.spots if pack.data.spotter else {}
    by_node: dict[str, list[Hit]] = {}
    for hit in hits:
        if hit.node not in skip:
            by_node.setdefault(hit.node, []).append(hit)
    found: list[tuple[str, Any, int, int]] = []
    for node_id, compiled in pack.nodes.items():
        node_hits = by_node.get(node_id)
        if not node_hits:
            continue
        kind = compiled.node.kind
        options = [o.id for o in compiled.node.options or []]
        if kind == "multi":
            for option in options:
                same = [h for h in node_hits if h.value == option]
                if same:
                    first = min(same, key=lambda h: h.start)
                    found.append((node_id, option, first.start, first.end))
        elif kind == "tally":
            for option in options:
                same = [h for h in node_hits if option in h.value]
                if not same:
                    continue
                counted = [h for h in same if h.value[option] is not None]
                best = _pick(counted, "max") if counted else min(same, key=lambda h: h.start)
                found.append((node_id, {option: best.value[option]}, best.start, best.end))
        elif kind == "yesno":
            values = {h.value for h in node_hits}
            if len(values) == 1:
                first = min(node_hits, key=lambda h: h.start)
                found.append((node_id, first.value, first.start, first.end))
        else:
            first_spot = min(h.order for h in node_hits)
            own = [h for h in node_hits if h.order == first_spot]
            chosen = _pick(own, list(spots.values())[first_spot].pick)
            found.append((node_id, chosen.value, chosen.start, chosen.end))
    return [{"id": f"p{first_id + index}", "node": node_id, "value": value,
             "quote": _quote(text, start, end), "span": [start, end]}
            for index, (node_id, value, start, end) in enumerate(found)]


def replace(old: list[dict[str, Any]], new: list[dict[str, Any]], pack: Pack
            ) -> list[dict[str, Any]]:
    """A correction's proposals over the earlier ones: a single-answer question takes the
    new value, a multi or tally question gains the new options."""
    many = {"multi", "tally"}
    kept = []
    for item in old:
        kind = pack.nodes[item["node"]].node.kind if item["node"] in pack.nodes else ""
        clash = any(n["node"] == item["node"] and (
            kind not in many or n["value"] == item["value"] or (
                kind == "tally" and set(n["value"]) == set(item["value"]))) for n in new)
        if not clash:
            kept.append(item)
    return kept + new


def confirmed_answers(pack: Pack, proposals: list[dict[str, Any]], ticked: set[str]
                      ) -> dict[str, Any]:
    """Node id -> answer, from the proposals the person left ticked."""
    answers: dict[str, Any] = {}
    for item in proposals:
        if item["id"] not in ticked or item["node"] not in pack.nodes:
            continue
        node = pack.nodes[item["node"]].node
        options = [o.id for o in node.options or []]
        if node.kind == "multi":
            chosen = set(answers.get(item["node"], [])) | {item["value"]}
            answers[item["node"]] = [o for o in options if o in chosen]
        elif node.kind == "tally":
            answers[item["node"]] = merge(answers.get(item["node"], {}), item["value"], options)
        else:
            answers[item["node"]] = item["value"]
    return answers
