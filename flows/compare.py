"""Comparisons that may be undecidable: lower bounds, money in other currencies, dates.

Every comparison answers ``True``, ``False`` or ``None`` (cannot tell). "At least 10 calls"
is more than 6 (``True``) but may or may not be more than 20 (``None``); ¥8,000 compares with
a plain ``5000`` in a yuan question, while NT$200,000 does not (``None``), unless the
condition names the currency (``gte: {amount: 5000, currency: TWD}``). Two-valued conditions
read ``None`` as false, so a finding never rests on a number nobody gave.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from flows.quantity import AtLeast, Money

ORDER = ("gt", "gte", "lt", "lte")


def _pair(value: Any, literal: Any) -> tuple[Any, Any] | None:
    """Bring a fact and a literal to one comparable type, or None when they cannot be."""
    if isinstance(literal, dt.datetime):
        if isinstance(value, dt.datetime):
            if literal.tzinfo is None:
                return value.replace(tzinfo=None), literal
            return value, literal
        return None
    if isinstance(literal, dt.date):
        if isinstance(value, dt.datetime):
            return value.date(), literal
        if isinstance(value, dt.date):
            return value, literal
        return None
    if isinstance(literal, bool) or isinstance(value, bool):
        return None
    if isinstance(literal, (int, float)) and isinstance(value, (int, float)):
        return value, literal
    return None


def _money(value: Money, literal: Any) -> tuple[float, float] | None:
    if isinstance(literal, Money):
        return (value.amount, literal.amount) if literal.currency == value.currency else None
    if isinstance(literal, (int, float)) and not isinstance(literal, bool):
        home = value.home or value.currency
        return (value.amount, literal) if value.currency == home else None
    return None


def _order(operator: str, left: Any, right: Any) -> bool:
    if operator == "gt":
        return bool(left > right)
    if operator == "gte":
        return bool(left >= right)
    if operator == "lt":
        return bool(left < right)
    return bool(left <= right)


def _bound(operator: str, n: int, literal: Any) -> bool | None:
    """``value >= n`` compared with ``literal``: decided only where the bound settles it."""
    if isinstance(literal, bool) or not isinstance(literal, (int, float)):
        return None
    if operator in ("gte", "gt"):
        return True if _order(operator, n, literal) else None
    if operator == "lt":
        return False if n >= literal else None
    if operator == "lte":
        return False if n > literal else None
    if operator == "equals":
        return False if n > literal else None
    if operator == "not_equals":
        return True if n > literal else None
    return None


def compare(operator: str, value: Any, literal: Any) -> bool | None:
    """``value <operator> literal`` for equals/not_equals/gt/gte/lt/lte, three-valued."""
    if isinstance(value, AtLeast):
        return _bound(operator, value.n, literal)
    if isinstance(value, Money):
        pair = _money(value, literal)
        if pair is None:
            return None
        if operator in ORDER:
            return _order(operator, *pair)
        same = pair[0] == pair[1]
        return same if operator == "equals" else not same
    if operator == "equals":
        return bool(value == literal)
    if operator == "not_equals":
        return bool(value != literal)
    pair = _pair(value, literal)
    if pair is None:
        return False
    return _order(operator, *pair)


def total(values: list[Any]) -> int | float | AtLeast | None:
    """The sum of counts; a lower bound when any part is one. ``None`` when nothing is known."""
    known = [v for v in values if v is not None]
    if not known:
        return None
    exact = True
    result: float = 0
    for value in known:
        if isinstance(value, AtLeast):
            exact = False
            result += value.n
        elif isinstance(value, (int, float)) and not isinstance(value, bool):
            result += value
        else:
            return None
    if len(known) < len(values):
        exact = False
    number = int(result) if float(result).is_integer() else result
    return number if exact else AtLeast(int(result))
