"""Turn typed input into a fact value for one question, or say why it cannot be used."""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from dataclasses import dataclass
from typing import Any

from flows.schema import Node
from flows.texts import fold
from flows.when import WhenError, parse_when

TEXT_LIMIT = 1000
"""Default maximum length of a free-text answer; a node's ``max_length`` overrides it."""
INPUT_LIMIT = 4000
"""Nothing longer than this is accepted anywhere (Telegram messages are at most 4096)."""


@dataclass(frozen=True, slots=True)
class Invalid:
    """Why an answer was refused: ``reason`` picks the message, ``limit`` fills it."""

    reason: str
    limit: int = 0


def parse_answer(node: Node, labels: dict[str, list[str]], text: str,
                 now: dt.datetime) -> Any | Invalid:
    """The value for ``node`` from ``text`` (already cleaned), or :class:`Invalid`."""
    if not text:
        return Invalid("empty")
    kind = node.kind
    if kind == "text":
        limit = node.max_length or TEXT_LIMIT
        return text if len(text) <= limit else Invalid("too_long", limit)
    if len(text) > INPUT_LIMIT:
        return Invalid("too_long", INPUT_LIMIT)
    if kind in ("choice", "yesno"):
        option = match_option(labels, text)
        return option if option is not None else Invalid("reprompt")
    if kind == "multi":
        chosen = [match_option(labels, part) for part in re.split(r"[,，、\s]+", text) if part]
        if not chosen or any(c is None for c in chosen):
            return Invalid("reprompt")
        picked = sorted(set(chosen), key=list(labels).index)  # type: ignore[arg-type]
        exclusive = {o.id for o in node.options or [] if o.exclusive}
        if len(picked) > 1 and exclusive & set(picked):
            return Invalid("exclusive")  # "none of these" together with something
        return picked
    if kind == "number":
        return _number(node, text)
    if kind == "phone":
        return _phone(text)
    if kind == "datetime":
        try:
            return parse_when(text, now).isoformat()
        except WhenError as error:
            return Invalid("future_time" if error.reason == "future" else "reprompt")
    return Invalid("reprompt")


def match_option(labels: dict[str, list[str]], text: str) -> str | None:
    """An option id from its number (``2``), its id, or any of its labels, ignoring case."""
    wanted = fold(text).strip().rstrip(".")
    ids = list(labels)
    if wanted.isdigit() and 1 <= int(wanted) <= len(ids):
        return ids[int(wanted) - 1]
    for option_id, names in labels.items():
        if wanted == option_id or wanted in (fold(name) for name in names):
            return option_id
    return None


MULTIPLIERS = {"千": 1_000, "k": 1_000, "万": 10_000, "萬": 10_000, "亿": 100_000_000,
               "億": 100_000_000}


def _number(node: Node, text: str) -> float | int | Invalid:
    """One number; ``5万`` and ``3k`` are understood, anything ambiguous is refused."""
    found = re.findall(r"(-?\d+(?:\.\d+)?)\s*(千|k|万|萬|亿|億)?",
                       unicodedata.normalize("NFKC", text).replace(",", "").casefold())
    if len(found) != 1:
        return Invalid("reprompt")
    digits, unit = found[0]
    value = float(digits) * MULTIPLIERS.get(unit, 1)
    if node.integer:
        if value != int(value):
            return Invalid("reprompt")
        value = int(value)
    if (node.min is not None and value < node.min) or (node.max is not None and value > node.max):
        return Invalid("reprompt")
    return value


def _phone(text: str) -> str | Invalid:
    text = unicodedata.normalize("NFKC", text).strip()
    if not re.fullmatch(r"\+?[\d\s\-().]{5,25}", text):
        return Invalid("reprompt")
    digits = re.sub(r"\D", "", text)
    if not 5 <= len(digits) <= 15:
        return Invalid("reprompt")
    return ("+" if text.startswith("+") else "") + digits
