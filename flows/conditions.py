"""Declarative conditions over collected facts — the only logic an operator can write.

A condition is plain YAML data, never code::

    {fact: caller, equals: agency}
    {fact: contacts_today, gte: 6}
    {fact: contact_time.hour, in: [22, 23, 0, 1, 2, 3, 4, 5, 6, 7]}
    {fact: who_contacted, contains_any: [parents, employer]}
    {all: [...]}, {any: [...]}, {not: {...}}, {use: a_named_condition}
    {sum: [contacts_today, others.total], gte: 10}     # counts added up (a lower bound if
                                                       # any part is one or unknown)
    {fact: amount, gte: {amount: 5000, currency: TWD}} # money in a named currency

Missing facts (not asked) and "I don't know" answers make every comparison false; ``known``
and ``answered`` test for them explicitly. A comparison that the facts cannot settle — "at
least 10 calls" against ``gt: 20``, or NT$ against a plain number in a yuan question — is false
too (:mod:`flows.compare`), so no finding rests on a number nobody gave. Conditions are parsed once at load time and
compiled to closures, so evaluating them costs no parsing at run time.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from flows.compare import compare, total
from flows.quantity import Money

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
class Sum:
    """``{sum: [fact, ...], <comparison>: value}``: counts added up, then compared."""

    facts: tuple[str, ...]
    operator: str
    value: Any


@dataclass(frozen=True, slots=True)
class Use:
    """A reference to a condition named in the pack's ``conditions:`` section."""

    name: str


Condition = Test | AllOf | AnyOf | Not | Use | Sum


def parse_condition(raw: Any) -> Condition:
    """Turn YAML data into a condition; raise ValueError saying how to write it correctly."""
    if isinstance(raw, (Test, AllOf, AnyOf, Not, Use, Sum)):
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
    if "sum" in raw:
        return _parse_sum(raw)
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
    value = _money_literal(value)
    if operator in ("gt", "gte", "lt", "lte") and not isinstance(
        value, (int, float, dt.date, Money)
    ):
        raise ValueError(f"'{operator}' compares with a number, an amount such as "
                         "{amount: 5000, currency: CNY} or a date such as 2026-01-01")
    return Test(fact, operator, tuple(value) if isinstance(value, list) else value)


def _money_literal(value: Any) -> Any:
    """``{amount: 5000, currency: TWD}`` as money; anything else unchanged."""
    if not isinstance(value, dict):
        return value
    if set(value) != {"amount", "currency"} or not isinstance(value["amount"], (int, float)) \
            or not isinstance(value["currency"], str) or len(value["currency"]) != 3:
        raise ValueError("write an amount as {amount: 5000, currency: CNY} (an ISO code)")
    return Money(float(value["amount"]), value["currency"].upper())


SUM_OPERATORS = ("equals", "not_equals", "gt", "gte", "lt", "lte")


def _parse_sum(raw: dict[str, Any]) -> Sum:
    facts = raw["sum"]
    if not isinstance(facts, list) or len(facts) < 2 or not all(
            isinstance(f, str) and f for f in facts):
        raise ValueError("'sum' takes a list of two or more count facts, e.g. "
                         "{sum: [contacts_today, others.total], gte: 10}")
    operators = set(raw) - {"sum"}
    if len(operators) != 1 or not operators <= set(SUM_OPERATORS):
        raise ValueError(f"a sum takes exactly one comparison, one of: {', '.join(SUM_OPERATORS)}")
    (operator,) = operators
    value = raw[operator]
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise ValueError(f"a sum compares with a number, e.g. {operator}: 10")
    return Sum(tuple(facts), operator, value)


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
    if isinstance(condition, Sum):
        names, operator, literal = condition.facts, condition.operator, condition.value

        def summed(facts: Facts) -> bool:
            value = total([facts.get(name) for name in names])
            return value is not None and compare(operator, value, literal) is True

        return summed
    return compile_condition(named[condition.name], named)


_MISSING = object()


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
    if operator in SUM_OPERATORS:
        return compare(operator, value, literal) is True
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
