"""Declarative conditions over collected facts — the only logic an operator can write.

A condition is plain YAML data, never code::

    {fact: caller, equals: agency}
    {fact: contacts_today, gte: 6}
    {fact: contact_time.hour, in: [22, 23, 0, 1, 2, 3, 4, 5, 6, 7]}
    {fact: who_contacted, contains_any: [parents, employer]}
    {all: [...]}, {any: [...]}, {not: {...}}, {use: a_named_condition}

Missing facts (not asked) and "I don't know" answers make every comparison false; ``known``
and ``answered`` test for them explicitly. Conditions are parsed once at load time and
compiled to closures, so evaluating them costs no parsing at run time.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any

Facts = Mapping[str, Any]
Predicate = Callable[[Facts], bool]

COMPARISONS = ("equals", "not_equals", "gt", "gte", "lt", "lte")
MEMBERSHIP = ("in", "not_in", "contains", "contains_any", "contains_all")
PRESENCE = ("known", "answered")
OPERATORS = COMPARISONS + MEMBERSHIP + PRESENCE
FACT_NAME_HINT = "lower_snake_case, optionally with one attribute such as contact_time.hour"


@dataclass(frozen=True, slots=True)
class Test:
    """``{fact: name, <operator>: value}``."""

    fact: str
    operator: str
    value: Any


@dataclass(frozen=True, slots=True)
class AllOf:
    items: tuple[Condition, ...]


@dataclass(frozen=True, slots=True)
class AnyOf:
    items: tuple[Condition, ...]


@dataclass(frozen=True, slots=True)
class Not:
    item: Condition


@dataclass(frozen=True, slots=True)
class Use:
    """A reference to a condition named in the pack's ``conditions:`` section."""

    name: str


Condition = Test | AllOf | AnyOf | Not | Use


def parse_condition(raw: Any) -> Condition:
    """Turn YAML data into a condition; raise ValueError saying how to write it correctly."""
    if isinstance(raw, (Test, AllOf, AnyOf, Not, Use)):
        return raw
    if not isinstance(raw, dict) or not raw:
        raise ValueError(
            "a condition must be a mapping such as {fact: caller, equals: agency} "
            "or {all: [...]}, {any: [...]}, {not: ...}, {use: name}"
        )
    keys = set(raw)
    for combinator in ("all", "any"):
        if combinator in raw:
            if keys != {combinator}:
                raise ValueError(f"'{combinator}' must stand alone in its condition")
            items = raw[combinator]
            if not isinstance(items, list) or not items:
                raise ValueError(f"'{combinator}' takes a non-empty list of conditions")
            parsed = tuple(parse_condition(item) for item in items)
            return AllOf(parsed) if combinator == "all" else AnyOf(parsed)
    if "not" in raw:
        if keys != {"not"}:
            raise ValueError("'not' must stand alone in its condition")
        return Not(parse_condition(raw["not"]))
    if "use" in raw:
        if keys != {"use"} or not isinstance(raw["use"], str):
            raise ValueError("write a named condition as {use: name}")
        return Use(raw["use"])
    if "fact" not in raw:
        raise ValueError(
            f"unknown condition keys {sorted(keys)}; start with 'fact:' or use all/any/not/use"
        )
    fact = raw["fact"]
    if not isinstance(fact, str) or not fact:
        raise ValueError(f"'fact' must be a fact name ({FACT_NAME_HINT})")
    operators = keys - {"fact"}
    if len(operators) != 1:
        raise ValueError(
            f"a fact test takes exactly one operator, one of: {', '.join(OPERATORS)}"
        )
    (operator,) = operators
    if operator not in OPERATORS:
        raise ValueError(f"unknown operator '{operator}'; use one of: {', '.join(OPERATORS)}")
    value = raw[operator]
    if operator in ("in", "not_in", "contains_any", "contains_all") and not isinstance(
        value, list
    ):
        raise ValueError(f"'{operator}' takes a list, e.g. {operator}: [a, b]")
    if operator in PRESENCE and not isinstance(value, bool):
        raise ValueError(f"'{operator}' takes true or false")
    if operator in ("gt", "gte", "lt", "lte") and not isinstance(
        value, (int, float, dt.date)
    ):
        raise ValueError(f"'{operator}' compares with a number or a date such as 2026-01-01")
    return Test(fact, operator, tuple(value) if isinstance(value, list) else value)


def walk(condition: Condition) -> Iterator[Condition]:
    """Every sub-condition, depth first (for the validator)."""
    yield condition
    if isinstance(condition, (AllOf, AnyOf)):
        for item in condition.items:
            yield from walk(item)
    elif isinstance(condition, Not):
        yield from walk(condition.item)


def compile_condition(condition: Condition, named: Mapping[str, Condition]) -> Predicate:
    """A fast predicate for a parsed condition; named conditions are inlined."""
    if isinstance(condition, Test):
        return _compile_test(condition)
    if isinstance(condition, AllOf):
        parts = tuple(compile_condition(item, named) for item in condition.items)
        return lambda facts: all(part(facts) for part in parts)
    if isinstance(condition, AnyOf):
        parts = tuple(compile_condition(item, named) for item in condition.items)
        return lambda facts: any(part(facts) for part in parts)
    if isinstance(condition, Not):
        inner = compile_condition(condition.item, named)
        return lambda facts: not inner(facts)
    return compile_condition(named[condition.name], named)


_MISSING = object()


def _comparable(fact_value: Any, literal: Any) -> tuple[Any, Any] | None:
    """Bring a fact and a literal to one comparable type, or None when they cannot be."""
    if isinstance(literal, dt.datetime):
        if isinstance(fact_value, dt.datetime):
            if literal.tzinfo is None:
                return fact_value.replace(tzinfo=None), literal
            return fact_value, literal
        return None
    if isinstance(literal, dt.date):
        if isinstance(fact_value, dt.datetime):
            return fact_value.date(), literal
        if isinstance(fact_value, dt.date):
            return fact_value, literal
        return None
    if isinstance(literal, bool) or isinstance(fact_value, bool):
        return None
    if isinstance(literal, (int, float)) and isinstance(fact_value, (int, float)):
        return fact_value, literal
    return None


def _compile_test(test: Test) -> Predicate:
    name, operator, literal = test.fact, test.operator, test.value

    if operator == "answered":
        return lambda facts: (name in facts) is literal
    if operator == "known":
        return lambda facts: (facts.get(name) is not None) is literal

    def check(facts: Facts) -> bool:
        value = facts.get(name, _MISSING)
        if value is _MISSING or value is None:
            return False
        return _apply(operator, value, literal)

    return check


def _apply(operator: str, value: Any, literal: Any) -> bool:
    if operator == "equals":
        return bool(value == literal)
    if operator == "not_equals":
        return bool(value != literal)
    if operator in ("gt", "gte", "lt", "lte"):
        pair = _comparable(value, literal)
        if pair is None:
            return False
        left, right = pair
        if operator == "gt":
            return bool(left > right)
        if operator == "gte":
            return bool(left >= right)
        if operator == "lt":
            return bool(left < right)
        return bool(left <= right)
    if operator == "in":
        return value in literal
    if operator == "not_in":
        return value not in literal
    items = value if isinstance(value, (list, tuple, set, frozenset)) else (value,)
    if operator == "contains":
        return literal in items
    if operator == "contains_any":
        return any(item in items for item in literal)
    return all(item in items for item in literal)  # contains_all
