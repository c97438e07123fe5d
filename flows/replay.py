"""Moving a conversation onto a changed pack: which saved answers still fit, and a true notice.

When a new release reaches a user mid-interview, the engine replays their answers through it
(flows/engine.py, ``_rebuild``). An answer is kept only if it still fits its question: the
option still exists (a tally's people still listed), a number or an amount is still within
the bounds, a date is still a date, text is within the length. The user is then told exactly
what happened: every answer kept, or which questions' answers were set aside (any the guide
still needs is asked again).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from flows.moments import read_moment
from flows.pack import YESNO_OPTIONS, Pack
from flows.replies import Message
from flows.schema import Node

QUESTION_LABEL = 80
"""Characters of a question's text quoted in the notice (phones show about two lines)."""


def fits(node: Node, value: Any) -> bool:
    """Whether a saved answer is still a valid answer to this (possibly changed) question,
    in every form the engine stores (flows/answers.py, flows/story.py, flows/choices.py)."""
    if value is None:
        return not node.required
    options = {o.id for o in node.options or []}
    if node.kind == "choice":
        return isinstance(value, str) and value in options
    if node.kind == "yesno":
        return value in YESNO_OPTIONS
    if node.kind == "multi":
        exclusive = {o.id for o in node.options or [] if o.exclusive}
        return (isinstance(value, list) and all(isinstance(v, str) and v in options
                                                for v in value)
                and not (len(value) > 1 and exclusive.intersection(value)))
    if node.kind == "tally":  # person -> count (or no count yet), people still listed
        return isinstance(value, dict) and all(
            person in options and (count is None or _is_count(count))
            for person, count in value.items())
    if node.kind == "number":
        return _count_fits(node, value)
    if node.kind == "amount":
        return _money_fits(node, value)
    if node.kind == "datetime":
        return read_moment(value) is not None
    if node.kind in ("text", "phone", "story"):
        return isinstance(value, str) and (node.max_length is None
                                           or len(value) <= node.max_length)
    return False  # info/end nodes take no answer


def _number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _is_count(value: Any) -> bool:
    return _number(value) or (isinstance(value, dict) and set(value) == {"at_least"}
                              and _number(value["at_least"]))


def _count_fits(node: Node, value: Any) -> bool:
    """A number within the bounds, or "at least n" (三十多次) with n not above the maximum."""
    if not _is_count(value):
        return False
    if isinstance(value, dict):
        return node.max is None or value["at_least"] <= node.max
    return (node.min is None or value >= node.min) and (node.max is None or value <= node.max)


def _money_fits(node: Node, value: Any) -> bool:
    """Money keeps its currency; bounds hold for the question's own currency only."""
    if not (isinstance(value, dict) and _number(value.get("amount"))
            and isinstance(value.get("currency"), str)):
        return False
    if value["currency"] != node.currency:
        return True
    amount = value["amount"]
    return (node.min is None or amount >= node.min) and (node.max is None or amount <= node.max)


def kept_answers(pack: Pack, answers: dict[str, Any]) -> dict[str, Any]:
    """The saved answers that still fit their question in ``pack``."""
    return {node_id: value for node_id, value in answers.items()
            if node_id in pack.nodes and fits(pack.nodes[node_id].node, value)}


def question_label(pack: Pack, node_id: str, language: str) -> str:
    """A question as the user saw it, shortened; its placeholders left out."""
    text = pack.text(pack.nodes[node_id].node.text, language) if node_id in pack.nodes else ""
    text = " ".join(text.split()) or node_id
    if len(text) > QUESTION_LABEL:
        text = text[:QUESTION_LABEL - 1].rsplit(" ", 1)[0].rstrip(",;:") + "…"
    return text


def update_notice(pack: Pack, dropped: Iterable[str], language: str) -> Message:
    """What happened to the user's answers when their conversation moved to ``pack``: all
    kept, or the questions whose answers were removed (named as the user saw them; a question
    the new pack no longer has is said to be gone)."""
    names = [question_label(pack, node_id, language) if node_id in pack.nodes
             else pack.ui("question_removed", language) for node_id in dropped]
    if not names:
        return Message(pack.ui("pack_changed", language), "notice")
    quoted = "; ".join(f"\u201c{name}\u201d" for name in dict.fromkeys(names))
    return Message(pack.ui("pack_changed_dropped", language).replace("{questions}", quoted),
                   "notice")
