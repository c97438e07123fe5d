"""Dates kept as precisely as they were given; conditions on lower bounds, money and sums."""

from __future__ import annotations

import datetime as dt
import zoneinfo

import pytest

from flows.conditions import compile_condition, parse_condition
from flows.moments import full_moment, parse_moment, read_moment
from flows.needs import compile3
from flows.quantity import AtLeast, Money
from flows.when import WhenError

NOW = dt.datetime(2026, 11, 28, 12, 0, tzinfo=zoneinfo.ZoneInfo("Asia/Shanghai"))


@pytest.mark.parametrize(("text", "stored"), [
    ("昨天晚上十点多", "2026-11-27T22:00:00+08:00"), ("this morning", "2026-11-28 morning"),
    ("last Tuesday evening", "2026-11-24 evening"), ("前天下午", "2026-11-26 afternoon"),
    ("昨天", "2026-11-27"), ("yesterday", "2026-11-27"), ("昨天半夜", "2026-11-27 night"),
    ("11月20日", "2026-11-20"), ("凌晨3点", "2026-11-28T03:00:00+08:00"),
])
def test_fuzzy_times(text: str, stored: str) -> None:
    assert parse_moment(text, NOW) == stored


def test_times_that_cannot_be_used() -> None:
    for text in ("tomorrow", "banana", "2026-12-25"):
        with pytest.raises(WhenError):
            parse_moment(text, NOW)


def test_a_date_alone_has_no_hour_and_is_no_incident_moment() -> None:
    moment = read_moment("2026-11-27")
    assert moment is not None and moment.at is None and moment.part is None
    assert full_moment("2026-11-27") is None
    assert full_moment("2026-11-27 evening") is None
    assert full_moment("2026-11-27T22:00:00+08:00") == "2026-11-27T22:00:00+08:00"
    assert read_moment("2026-11-27T23:30:00+08:00").part == "night"  # type: ignore[union-attr]


def holds(raw: dict, facts: dict) -> bool:
    return compile_condition(parse_condition(raw), {})(facts)


def test_lower_bounds_in_conditions() -> None:
    facts = {"calls": AtLeast(10)}
    assert holds({"fact": "calls", "gte": 10}, facts)
    assert holds({"fact": "calls", "gt": 6}, facts)
    assert not holds({"fact": "calls", "gt": 20}, facts)  # may be, may not: never a finding
    assert not holds({"fact": "calls", "lt": 6}, facts)
    assert not holds({"fact": "calls", "equals": 1}, facts)
    assert holds({"not": {"fact": "calls", "lt": 6}}, facts)  # "at least 10" is not under 6


def test_money_compares_only_in_its_currency() -> None:
    yuan = {"amount": Money(8000, "CNY", True, "CNY")}
    taiwan = {"amount": Money(200000, "TWD", False, "CNY")}
    assert holds({"fact": "amount", "gte": 5000}, yuan)
    assert not holds({"fact": "amount", "gte": 5000}, taiwan)  # NT$ is not yuan
    assert holds({"fact": "amount", "gte": {"amount": 100000, "currency": "TWD"}}, taiwan)
    assert not holds({"fact": "amount", "lt": 5000}, taiwan)


def test_a_sum_adds_counts_and_lower_bounds() -> None:
    raw = {"sum": ["today", "others.total"], "gte": 10}
    assert holds(raw, {"today": 4, "others.total": 6})
    assert not holds(raw, {"today": 4, "others.total": 5})
    assert holds(raw, {"today": None, "others.total": AtLeast(30)})
    assert not holds(raw, {})


def test_bad_sums_are_refused() -> None:
    for raw in ({"sum": ["a"], "gte": 1}, {"sum": ["a", "b"]}, {"sum": ["a", "b"], "gte": "x"},
                {"sum": ["a", "b"], "contains": 1}):
        with pytest.raises(ValueError):
            parse_condition(raw)


def test_a_date_alone_cannot_fire_an_hour_rule(demo_pack) -> None:  # type: ignore[no-untyped-def]
    night = compile_condition(parse_condition({"fact": "when.hour", "gte": 22}), {})
    assert not night({"when": dt.date(2026, 11, 27), "when.hour": None})
    after = compile_condition(parse_condition({"fact": "when", "gte": dt.date(2026, 1, 1)}), {})
    assert after({"when": dt.date(2026, 11, 27)})


def test_three_valued_rules() -> None:
    rule = parse_condition({"all": [{"fact": "rate", "equals": "high"},
                                    {"fact": "calls", "gte": 10}]})
    check = compile3(rule, {})
    assert check({"calls": 3}, frozenset({"rate"})) is False  # decided without the rate
    assert check({"calls": 30}, frozenset({"rate"})) is None  # the rate still matters
    assert check({"calls": 30, "rate": "high"}, frozenset()) is True
    assert check({}, frozenset()) is False  # passed and unanswered: as two-valued
    bound = compile3(parse_condition({"fact": "calls", "gt": 20}), {})
    assert bound({"calls": AtLeast(10)}, frozenset()) is None
    total = compile3(parse_condition({"sum": ["a", "b"], "gte": 10}), {})
    assert total({"a": 12}, frozenset({"b"})) is True
    assert total({"a": 2}, frozenset({"b"})) is None
