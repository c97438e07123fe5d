"""Ask only what a finding still depends on: ``ask: needed`` questions.

Rules are evaluated three-valued — true, false, or *undecided* because a fact they read has
not been asked yet — and a question marked ``ask: needed`` is asked only while some undecided
rule reads its fact. After the story has settled what happened, loan details that no rule
needs any more are not asked at all.

"Not asked yet" means: not answered, and stored by a question still ahead in the graph. A fact
whose question was passed (skipped or answered "I don't know") is no longer unknown: it reads
as in the two-valued conditions (comparisons false).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from typing import Any

from flows.compare import compare, total
from flows.conditions import (
    SUM_OPERATORS,
    AllOf,
    AnyOf,
    Condition,
    Facts,
    Not,
    Sum,
    Test,
    Use,
    compile_condition,
)

Verdict = bool | None
Predicate3 = Callable[[Facts, frozenset[str]], Verdict]


def base(name: str) -> str:
    return name.partition(".")[0]


def facts_read(condition: Condition, named: Mapping[str, Condition]) -> frozenset[str]:
    """Every fact (base name) a condition reads, through named conditions."""
    found: set[str] = set()

    def visit(item: Condition, seen: frozenset[str]) -> None:
        for part in _parts(item):
            if isinstance(part, Test):
                found.add(base(part.fact))
            elif isinstance(part, Sum):
                found.update(base(f) for f in part.facts)
            elif isinstance(part, Use) and part.name not in seen and part.name in named:
                visit(named[part.name], seen | {part.name})

    visit(condition, frozenset())
    return frozenset(found)


def _parts(condition: Condition) -> Iterator[Condition]:
    yield condition
    if isinstance(condition, (AllOf, AnyOf)):
        for item in condition.items:
            yield from _parts(item)
    elif isinstance(condition, Not):
        yield from _parts(condition.item)


def compile3(condition: Condition, named: Mapping[str, Condition]) -> Predicate3:
    """A three-valued predicate: ``None`` when facts in ``unknown`` could still change it."""
    if isinstance(condition, Test):
        return _test3(condition, compile_condition(condition, named))
    if isinstance(condition, AllOf):
        parts = tuple(compile3(item, named) for item in condition.items)

        def all3(facts: Facts, unknown: frozenset[str]) -> Verdict:
            verdicts = [part(facts, unknown) for part in parts]
            if False in verdicts:
                return False
            return None if None in verdicts else True

        return all3
    if isinstance(condition, AnyOf):
        parts = tuple(compile3(item, named) for item in condition.items)

        def any3(facts: Facts, unknown: frozenset[str]) -> Verdict:
            verdicts = [part(facts, unknown) for part in parts]
            if True in verdicts:
                return True
            return None if None in verdicts else False

        return any3
    if isinstance(condition, Not):
        inner = compile3(condition.item, named)

        def not3(facts: Facts, unknown: frozenset[str]) -> Verdict:
            verdict = inner(facts, unknown)
            return None if verdict is None else not verdict

        return not3
    if isinstance(condition, Sum):
        return _sum3(condition)
    return compile3(named[condition.name], named)


def _test3(test: Test, two_valued: Callable[[Facts], bool]) -> Predicate3:
    name = base(test.fact)

    def check(facts: Facts, unknown: frozenset[str]) -> Verdict:
        if name in unknown:
            return None
        if test.operator in SUM_OPERATORS:
            value = facts.get(test.fact)
            if value is None:
                return False
            return compare(test.operator, value, test.value)
        return two_valued(facts)

    return check


def _sum3(condition: Sum) -> Predicate3:
    def check(facts: Facts, unknown: frozenset[str]) -> Verdict:
        values = [facts.get(f) for f in condition.facts]
        value = total(values)
        verdict = None if value is None else compare(condition.operator, value, condition.value)
        if verdict is True and condition.operator in ("gt", "gte"):
            return True  # more answers can only add
        if any(base(f) in unknown for f in condition.facts):
            return None
        return verdict if verdict is not None else None

    return check


def needed(fact: str, facts: Facts, unknown: frozenset[str],
           rules: list[tuple[Predicate3, frozenset[str]]]) -> bool:
    """Whether some undecided rule reads ``fact``."""
    return any(fact in reads and predicate(facts, unknown) is None
               for predicate, reads in rules)


def unknown_ahead(ahead: frozenset[str], facts: Mapping[str, Any]) -> frozenset[str]:
    """The facts still to be asked: stored by questions ahead, and not answered."""
    return frozenset(name for name in ahead if name not in facts)
