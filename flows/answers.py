"""Turn typed input into a fact value for one question, or say why it cannot be used."""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from dataclasses import dataclass
from typing import Any

from flows.counts import parse_count
from flows.money import parse_amount
from flows.moments import parse_moment
from flows.quantity import AtLeast
from flows.schema import Node
from flows.texts import fold
from flows.when import WhenError

TEXT_LIMIT = 1000
"""Default maximum length of a free-text answer; a node's ``max_length`` overrides it."""
STORY_LIMIT = 4096
"""Default maximum length of a story (one Telegram message)."""
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
    if kind in ("text", "story"):
        limit = node.max_length or (TEXT_LIMIT if kind == "text" else STORY_LIMIT)
        return text if len(text) <= limit else Invalid("too_long", limit)
    if len(text) > INPUT_LIMIT:
        return Invalid("too_long", INPUT_LIMIT)
    if kind in ("choice", "yesno"):
        option = match_option(labels, text)
        if option is None and kind == "yesno":
            option = yes_or_no(text)
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
        return _count(node, text)
    if kind == "amount":
        return _amount(node, text)
    if kind == "phone":
        return _phone(text)
    if kind == "datetime":
        try:
            return parse_moment(text, now)
        except WhenError as error:
            return Invalid("future_time" if error.reason == "future" else "reprompt")
    return Invalid("reprompt")


YES = re.compile(r"y|yes|yeah|yep|sure|correct|right|true|是|是的|对|對|有|有的|嗯|好|没错|沒錯|对的|對的")
NO = re.compile(r"n|no|nope|never|not really|false|否|不是|不对|不對|没有|沒有|没|沒|无|無|从来没有|從來沒有")


def yes_or_no(text: str) -> str | None:
    """"是的", "有", "nope", "没有": the yes/no option a typed word means."""
    word = fold(text).strip(" .!。！")
    if YES.fullmatch(word):
        return "yes"
    if NO.fullmatch(word):
        return "no"
    return None


QUALIFIED_CURRENCY = re.compile(
    r"nt\$|hk\$|us\$|s\$|\b(?:twd|ntd|hkd|usd|sgd|eur|gbp|myr)\b|新台币|新臺幣|台币|台幣|港币|港幣|"
    r"港元|美元|美金|欧元|歐元|英镑|英鎊|令吉|[€£]")
"""Currencies a plain number question cannot hold: "NT$20萬" there must be asked again, never
stored as 200,000 of the pack's own money (an ``amount`` question keeps the currency)."""


def _count(node: Node, text: str) -> Any:
    """A count: "15", "三十多次" (at least 30), "数不清" (at least 10), "0" (zero)."""
    if QUALIFIED_CURRENCY.search(fold(text)):
        return Invalid("reprompt")
    count = parse_count(text)
    if count is None:
        return _number(node, text)
    if isinstance(count, AtLeast):
        if node.max is not None and count.n > node.max:
            return Invalid("reprompt")
        return count.to_json()
    return _bounded(node, float(count))


def _bounded(node: Node, value: float) -> float | int | Invalid:
    if node.integer:
        if value != int(value):
            return Invalid("reprompt")
        value = int(value)
    if (node.min is not None and value < node.min) or (node.max is not None and value > node.max):
        return Invalid("reprompt")
    return value


def _amount(node: Node, text: str) -> Any:
    """Money, keeping its currency: "NT$20萬" is 200,000 TWD, never yuan."""
    money = parse_amount(text, node.currency or "")
    if money is None or not money.currency:
        return Invalid("reprompt")
    if money.currency == node.currency and (
            (node.min is not None and money.amount < node.min) or
            (node.max is not None and money.amount > node.max)):
        return Invalid("reprompt")
    return money.to_json()


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
    return _bounded(node, float(digits) * MULTIPLIERS.get(unit, 1))


def _phone(text: str) -> str | Invalid:
    text = unicodedata.normalize("NFKC", text).strip()
    if not re.fullmatch(r"\+?[\d\s\-().]{5,25}", text):
        return Invalid("reprompt")
    digits = re.sub(r"\D", "", text)
    if not 5 <= len(digits) <= 15:
        return Invalid("reprompt")
    return ("+" if text.startswith("+") else "") + digits
