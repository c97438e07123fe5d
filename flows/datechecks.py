"""Dates checked against today and against each other, never against a date written in code.

* ``reviewed_on`` may be today, never in the future (a review is dated the day it happened).
* A citation that takes effect after the pack's review date (a law announced ahead of its
  effective date) may only be cited by rules that choose by the contact's date: each such rule
  must be unable to fire unless a date/time answer is on or after the effective date. That is
  checkable from the condition alone: a ``gte``/``gt`` (or ``.date`` ``equals``/``in``) test of a
  datetime fact that every way of satisfying the rule passes through (an ``all:`` part, every
  ``any:`` branch). ``not:`` never counts: a missing answer makes a comparison false, so
  ``not: {lt: …}`` holds when the date is unknown.
"""

from __future__ import annotations

import datetime as dt
import zoneinfo
from collections.abc import Mapping
from typing import Any, Protocol

from flows.conditions import AllOf, AnyOf, Condition, Test, Use
from flows.schema import PackData


class Checker(Protocol):
    data: PackData
    facts: dict[str, str]

    def error(self, path: tuple[Any, ...], check: str, message: str) -> None: ...


def pack_today(data: PackData) -> dt.date:
    """Today on the pack's own calendar (a review in Shanghai at 01:00 is dated there)."""
    try:
        return dt.datetime.now(zoneinfo.ZoneInfo(data.pack.timezone)).date()
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return dt.datetime.now(dt.UTC).date()


def check_dates(c: Checker, today: dt.date | None = None) -> None:
    today = today or pack_today(c.data)
    reviewed = c.data.pack.reviewed_on
    if reviewed > today:
        c.error(("pack", "reviewed_on"), "date", f"reviewed_on {reviewed} is in the future "
                f"(today is {today}); date a review the day it happened")
    datetime_facts = sorted(f for f, kind in c.facts.items() if kind == "datetime")
    for index, rule in enumerate(c.data.rules):
        for position, cid in enumerate(rule.citations):
            citation = c.data.citations.get(cid)
            if citation is None or citation.effective is None or citation.effective <= reviewed:
                continue
            if holds_only_from(rule.when, c.data.conditions, c.facts, citation.effective):
                continue
            example = datetime_facts[0] if datetime_facts else "contact_time"
            c.error(("rules", index, "citations", position), "date",
                    f"citation '{cid}' takes effect on {citation.effective}, after the pack's "
                    f"review date {reviewed}; rule '{rule.id}' cites it but can also fire for "
                    "a contact before that day. Make the rule choose by the contact's date, "
                    f"e.g. when: {{all: [{{fact: {example}, gte: {citation.effective}}}, ...]}}"
                    + ("" if datetime_facts else " (this pack asks no date/time question yet)"))


def holds_only_from(condition: Condition, named: Mapping[str, Condition],
                    facts: Mapping[str, str], day: dt.date, _seen: frozenset[str] = frozenset(),
                    ) -> bool:
    """True when ``condition`` can only hold if some date/time answer is on or after ``day``."""
    if isinstance(condition, Test):
        return _test_from(condition, facts, day)
    if isinstance(condition, AllOf):
        return any(holds_only_from(item, named, facts, day, _seen) for item in condition.items)
    if isinstance(condition, AnyOf):
        return all(holds_only_from(item, named, facts, day, _seen) for item in condition.items)
    if isinstance(condition, Use) and condition.name in named and condition.name not in _seen:
        return holds_only_from(named[condition.name], named, facts, day,
                               _seen | {condition.name})
    return False  # Not, or an unknown/recursive name


def _day(value: Any) -> dt.date | None:
    if isinstance(value, dt.datetime):
        return value.date()
    return value if isinstance(value, dt.date) else None


def _test_from(test: Test, facts: Mapping[str, str], day: dt.date) -> bool:
    base, _, attribute = test.fact.partition(".")
    if facts.get(base) != "datetime" or attribute not in ("", "date"):
        return False
    if test.operator in ("in", "equals") and attribute == "date":
        values = test.value if isinstance(test.value, tuple) else (test.value,)
        days = [_day(v) for v in values]
        return bool(days) and all(d is not None and d >= day for d in days)
    literal = _day(test.value)
    if literal is None:
        return False
    if test.operator == "gte":
        return literal >= day
    if test.operator == "gt":  # a date literal: the day after; a moment: that day at the latest
        shift = dt.timedelta(0 if isinstance(test.value, dt.datetime) else 1)
        return literal + shift >= day
    return False
