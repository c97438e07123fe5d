"""Type checks of conditions against the kinds of the questions whose facts they test.

A condition that names a real fact and real options can still never fire: ``equals`` on a
multi-select fact compares the whole list of ticked options with one id, ``gt`` on free text
compares a string with a number, ``contains`` on free text matches only the whole answer,
``equals: nigth`` on a time's part of the day names no part.
Each such test is an error at ``file:line`` that says which operator to use instead; tests
that work but read oddly are warnings.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any, Protocol

from flows.conditions import Condition, Test, walk
from flows.moments import PARTS
from flows.quantity import Money
from flows.suggest import did_you_mean

ORDER = ("gt", "gte", "lt", "lte")
NUMERIC_ATTRIBUTES = ("hour", "minute", "weekday", "count", "length")


class Checker(Protocol):
    """What these checks need from :class:`flows.validator._Checker`."""

    facts: dict[str, str]

    def error(self, path: tuple[Any, ...], check: str, message: str) -> None: ...

    def warn(self, path: tuple[Any, ...], check: str, message: str) -> None: ...


def value_kind(fact_kind: str, attribute: str) -> str:
    """What a fact (or attribute) holds: option, options, text, number, money, moment, date,
    or part (of the day)."""
    if attribute in NUMERIC_ATTRIBUTES or (fact_kind in ("tally", "record") and attribute):
        return "number"  # a tally's .count, .total and .<person> are counts, as the record's
    if attribute == "date":
        return "date"
    if attribute == "part":
        return "part"
    if attribute == "currency":
        return "option"  # an ISO code
    return {"choice": "option", "yesno": "option", "multi": "options", "tally": "options",
            "text": "text", "phone": "text", "story": "text", "number": "number",
            "amount": "money", "datetime": "moment"}.get(fact_kind, "text")


def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _is_amount(value: Any) -> bool:
    return _is_number(value) or isinstance(value, Money)


def _is_date(value: Any) -> bool:
    return isinstance(value, dt.date) and not isinstance(value, dt.datetime)


def check_condition_types(c: Checker, conditions: Iterable[tuple[tuple[Any, ...], Condition]]
                          ) -> None:
    """Report every fact test whose operator cannot work on its fact's kind."""
    for path, condition in conditions:
        for part in walk(condition):
            if isinstance(part, Test) and part.operator not in ("known", "answered"):
                base, _, attribute = part.fact.partition(".")
                kind = c.facts.get(base)
                if kind is not None:  # unknown facts are reported by the validator
                    _check(c, path, part, value_kind(kind, attribute))


def _check(c: Checker, path: tuple[Any, ...], test: Test, kind: str) -> None:
    op, fact, value = test.operator, test.fact, test.value
    items = value if isinstance(value, tuple) else (value,)
    where = f"'{{fact: {fact}, {op}: ...}}'"
    if kind == "options":
        fix = {"equals": "contains", "not_equals": "not: {contains: ...}", "in": "contains_any",
               "not_in": "not: {contains_any: ...}"}.get(op)
        if fix:
            c.error(path, "type", f"{where}: '{fact}' is a multi-select fact (a list of ticked "
                    f"options), so '{op}' compares the whole list and the test "
                    f"{'can never be true' if op in ('equals', 'in') else 'is always true'}; "
                    f"use {fix}")
        elif op in ORDER:
            c.error(path, "type", f"{where}: '{fact}' is a list of ticked options and cannot be "
                    f"ordered; use contains/contains_any, or compare '{fact}.count'")
        return
    if op in ORDER:
        _check_order(c, path, where, fact, kind, value)
        return
    if kind == "text" and op in ("contains", "contains_any", "contains_all"):
        c.error(path, "type", f"{where}: '{fact}' is free text; '{op}' does not search inside "
                "it, it matches only the whole answer. To find words in typed text, give the "
                "question scan_cues: true and test {fact: cues, contains: <cue id>}")
        return
    if kind == "moment" and op in ("equals", "not_equals", "in", "not_in"):
        c.error(path, "type", f"{where}: '{fact}' is a date and time, so '{op}' compares exact "
                f"moments and practically never matches; compare '{fact}.date', '{fact}.hour' "
                f"or '{fact}.part', or use gte/lt")
        return
    for item in items:
        if kind == "part" and item not in PARTS:
            c.error(path, "type", f"{where}: {item!r} is no part of the day, so the test can "
                    f"never be true; use one of {', '.join(PARTS)}"
                    + did_you_mean(str(item), PARTS))
        elif kind == "option" and isinstance(item, bool):
            c.error(path, "type", f"{where}: YAML reads an unquoted yes/no/true/false as a "
                    f"boolean, which is no option id; write it in quotes, e.g. {op}: \"yes\"")
        elif kind == "number" and not _is_number(item):
            c.error(path, "type", f"{where}: '{fact}' is a number but {item!r} is not, so the "
                    "test can never be true; compare with a number")
        elif kind == "money" and not _is_amount(item):
            c.error(path, "type", f"{where}: '{fact}' is an amount of money but {item!r} is "
                    "not, so the test can never be true; compare with a number (the "
                    "question's currency) or {amount: 5000, currency: CNY}")
        elif kind == "date" and not _is_date(item):
            c.error(path, "type", f"{where}: '{fact}' is a date; compare it with a date such as "
                    "2026-01-01, not with {item!r}")
        elif kind == "text" and op in ("equals", "in") and not isinstance(item, str):
            c.error(path, "type", f"{where}: '{fact}' is free text, which never equals {item!r}")
    if kind in ("option", "part") and op in ("contains", "contains_any", "contains_all"):
        c.warn(path, "type", f"{where}: '{fact}' holds one option; use equals or in (contains "
               "works here only as equals)")
    elif kind in ("number", "money", "date") and op in ("contains", "contains_any",
                                                       "contains_all"):
        c.error(path, "type", f"{where}: '{fact}' holds one {kind}; use equals or in")


def _check_order(c: Checker, path: tuple[Any, ...], where: str, fact: str, kind: str,
                 value: Any) -> None:
    if kind in ("option", "part", "text"):
        what = "free text" if kind == "text" else "an option id"
        c.error(path, "type", f"{where}: '{fact}' holds {what}, which cannot be greater or "
                "smaller than anything, so the test can never be true; use equals/in, or ask a "
                "number question")
    elif kind == "number" and not _is_number(value):
        c.error(path, "type", f"{where}: '{fact}' is a number; compare it with a number, "
                f"not with {value!r}")
    elif kind == "money" and not _is_amount(value):
        c.error(path, "type", f"{where}: '{fact}' is an amount of money; compare it with a "
                f"number or {{amount: 5000, currency: CNY}}, not with {value!r}")
    elif kind in ("moment", "date") and not isinstance(value, dt.date):
        c.error(path, "type", f"{where}: '{fact}' is a date; compare it with a date such as "
                f"2026-01-01, not with {value!r}")
