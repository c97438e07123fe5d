"""Whole-pack checks that a schema alone cannot make.

Each check is a small function that appends :class:`PackIssue` s, so an operator sees every
problem in one run, each at ``file:line`` with a sentence on how to fix it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

from flows.condchecks import check_condition_types
from flows.conditions import Condition, Test, Use, walk
from flows.datechecks import check_dates
from flows.featurechecks import check_advice, check_options, check_safety_region, check_zone_order
from flows.hantchecks import check_scripts
from flows.issues import PackIssue
from flows.lawchecks import check_citations, check_research_notes, check_sources
from flows.pack import ATTRIBUTES, BUILTIN_FACTS, fact_name
from flows.schema import QUESTION_KINDS, PackData
from flows.scopechecks import check_places, check_scopes
from flows.storychecks import check_new_kinds, check_spotter, check_sums
from flows.suggest import did_you_mean
from flows.textchecks import check_languages, check_limits, check_placeholders
from flows.yamlsource import SourceMap


class _Checker:
    def __init__(self, data: PackData, places: SourceMap) -> None:
        self.data = data
        self.places = places
        self.issues: list[PackIssue] = []
        self.facts: dict[str, str] = dict(BUILTIN_FACTS)
        self.fact_options: dict[str, set[str]] = {"language": set(data.pack.languages)}
        for node_id, node in data.nodes.items():
            fact = fact_name(node_id, node)
            if fact is None:
                continue
            known = self.facts.get(fact)
            if known and known != node.kind:
                self.error(("nodes", node_id, "fact"), "fact", f"fact '{fact}' is stored by "
                           f"nodes of different kinds ({known}, {node.kind}); rename one")
            self.facts[fact] = node.kind
            if node.kind == "yesno":
                self.fact_options[fact] = {"yes", "no", "unsure"}
            elif node.options:
                self.fact_options.setdefault(fact, set()).update(o.id for o in node.options)
        self.fact_options["cues"] = set(data.cues)

    def error(self, path: tuple[Any, ...], check: str, message: str) -> None:
        self.issues.append(PackIssue(*self.places.find(path), message, "error", check))

    def warn(self, path: tuple[Any, ...], check: str, message: str) -> None:
        self.issues.append(PackIssue(*self.places.find(path), message, "warning", check))


def validate_data(data: PackData, places: SourceMap,
                  today: dt.date | None = None) -> list[PackIssue]:
    """Every cross-reference, graph, type, date, language and Telegram-limit problem of a
    pack; ``today`` (default: today on the pack's calendar) is what dates are compared with."""
    checker = _Checker(data, places)
    for check in (_check_meta, _check_nodes, check_options, _check_graph, check_zone_order,
                  _check_conditions, _check_rules, check_advice, check_languages,
                  check_limits, check_placeholders, check_sources, check_citations,
                  check_research_notes, check_scripts, check_scopes, check_places,
                  _check_unused, check_new_kinds, check_spotter, check_sums,
                  check_safety_region):
        check(checker)
    check_condition_types(checker, _conditions(checker))
    check_dates(checker, today)
    return checker.issues


def _check_meta(c: _Checker) -> None:
    meta = c.data.pack
    if meta.default_language not in meta.languages:
        c.error(("pack", "default_language"), "reference",
                f"default_language '{meta.default_language}' is not in languages {meta.languages}")
    if meta.start not in c.data.nodes:
        c.error(("pack", "start"), "reference", f"start node '{meta.start}' does not exist; "
                "name one of the ids under nodes:" + did_you_mean(meta.start, c.data.nodes))
    for field, fact in c.data.incident.items():
        if fact not in c.facts:
            c.error(("incident", field), "reference", f"incident field '{field}' names fact "
                    f"'{fact}', which no question stores" + did_you_mean(fact, c.facts))


def _check_nodes(c: _Checker) -> None:
    for node_id, node in c.data.nodes.items():
        path = ("nodes", node_id)
        question = node.kind in QUESTION_KINDS
        if question:
            for key in ("help", "reprompt"):
                if getattr(node, key) is None:
                    c.error(path, "node", f"question '{node_id}' needs '{key}:' "
                            + ("(why we ask, in plain words)" if key == "help"
                               else "(what to say when the answer cannot be used)"))
        elif node.required or node.fact or node.help or node.reprompt or node.unknown:
            c.error(path, "node", f"{node.kind} node '{node_id}' takes no required/fact/help/"
                    "reprompt/unknown: only questions do")
        if node.kind in ("choice", "multi", "tally"):
            options = node.options or []
            minimum = 2 if node.kind == "choice" else 1
            if len(options) < minimum:
                c.error(path, "node", f"{node.kind} node '{node_id}' needs at least {minimum} "
                        "options")
            ids = [o.id for o in options]
            for dup in {i for i in ids if ids.count(i) > 1}:
                c.error((*path, "options"), "node", f"option id '{dup}' is used twice")
        elif node.options is not None:
            c.error((*path, "options"), "node", f"{node.kind} nodes take no options; use "
                    "kind: choice or multi")
        if node.kind == "end":
            if node.next is not None:
                c.error((*path, "next"), "node", "an end node has no next")
        elif node.next is None:
            c.error(path, "node", f"node '{node_id}' needs 'next:' (or kind: end)")
        if node.max_length is not None and node.kind not in ("text", "story"):
            c.error((*path, "max_length"), "node", "max_length applies to text and story nodes "
                    "only")
        if (node.min is not None or node.max is not None) and node.kind not in ("number",
                                                                                "amount"):
            c.error(path, "node", "min/max apply to number and amount nodes only")
        if node.min is not None and node.max is not None and node.min > node.max:
            c.error((*path, "min"), "node", f"min {node.min} is above max {node.max}")
        if node.scan_cues and node.kind != "text":
            c.error((*path, "scan_cues"), "node", "scan_cues applies to text nodes only")
        if node.ask_if is not None and node_id == c.data.pack.start:
            c.error((*path, "ask_if"), "node", "the start node is always asked; remove ask_if")
        for index, goto in _targets(node.next):
            if goto not in c.data.nodes:
                where = (*path, "next") if index is None else (*path, "next", index, "goto")
                c.error(where, "reference", f"next node '{goto}' does not exist"
                        + did_you_mean(goto, c.data.nodes))
        if isinstance(node.next, list) and node.next and node.next[-1].when is not None:
            c.error((*path, "next"), "node", f"the last branch of '{node_id}' must have no "
                    "'when:' so that some branch always applies")


def _targets(next_: Any) -> Iterator[tuple[int | None, str]]:
    if isinstance(next_, str):
        yield None, next_
    elif next_:
        for index, branch in enumerate(next_):
            yield index, branch.goto


def _successors(c: _Checker, node_id: str) -> list[str]:
    node = c.data.nodes[node_id]
    return [goto for _, goto in _targets(node.next) if goto in c.data.nodes]


def _check_graph(c: _Checker) -> None:
    start = c.data.pack.start
    if start not in c.data.nodes:
        return
    reached: set[str] = set()
    stack = [start]
    while stack:
        node_id = stack.pop()
        if node_id in reached:
            continue
        reached.add(node_id)
        stack.extend(_successors(c, node_id))
    for node_id in c.data.nodes:
        if node_id not in reached:
            c.error(("nodes", node_id), "unreachable", f"node '{node_id}' cannot be reached from "
                    f"the start node '{start}'; link it from a next: or remove it")
    ends = {n for n, node in c.data.nodes.items() if node.kind == "end"}
    can_end = set(ends)
    changed = True
    while changed:
        changed = False
        for node_id in c.data.nodes:
            if node_id not in can_end and any(s in can_end for s in _successors(c, node_id)):
                can_end.add(node_id)
                changed = True
    for node_id in reached - can_end:
        c.error(("nodes", node_id), "trap", f"from node '{node_id}' no path leads to an end "
                "node; the user would be trapped")
    _check_cycles(c)


def _check_cycles(c: _Checker) -> None:
    state: dict[str, int] = {}

    def visit(node_id: str, trail: list[str]) -> None:
        state[node_id] = 1
        for succ in _successors(c, node_id):
            if state.get(succ) == 1:
                loop = " -> ".join([*trail[trail.index(succ):], succ]) if succ in trail else succ
                c.error(("nodes", node_id, "next"), "cycle", f"the flow loops ({loop}); "
                        "interviews must move forward — use /back instead of loops")
            elif succ not in state:
                visit(succ, [*trail, succ])
        state[node_id] = 2

    for node_id in c.data.nodes:
        if node_id not in state:
            visit(node_id, [node_id])


def _conditions(c: _Checker) -> Iterator[tuple[tuple[Any, ...], Condition]]:
    for name, cond in c.data.conditions.items():
        yield ("conditions", name), cond
    for node_id, node in c.data.nodes.items():
        if node.ask_if is not None:
            yield ("nodes", node_id, "ask_if"), node.ask_if
        if isinstance(node.next, list):
            for index, branch in enumerate(node.next):
                if branch.when is not None:
                    yield ("nodes", node_id, "next", index, "when"), branch.when
    for index, rule in enumerate(c.data.rules):
        yield ("rules", index, "when"), rule.when
    for advice_id, advice in c.data.advice.items():
        if advice.when is not None:
            yield ("advice", advice_id, "when"), advice.when
    for letter_id, letter in c.data.letters.items():
        for index, switch in enumerate(letter.addressee.instead if letter.addressee else ()):
            yield ("letters", letter_id, "addressee", "instead", index, "when"), switch.when


def _check_conditions(c: _Checker) -> None:
    for path, cond in _conditions(c):
        for part in walk(cond):
            if isinstance(part, Use) and part.name not in c.data.conditions:
                c.error(path, "reference", f"named condition '{part.name}' does not exist; "
                        "define it under conditions:" + did_you_mean(part.name, c.data.conditions))
            if isinstance(part, Test):
                _check_test(c, path, part)
    for name in c.data.conditions:
        if _uses_itself(c, name, set()):
            c.error(("conditions", name), "cycle", f"condition '{name}' refers to itself")


def _uses_itself(c: _Checker, name: str, seen: set[str]) -> bool:
    if name in seen:
        return True
    cond = c.data.conditions.get(name)
    if cond is None:
        return False
    return any(isinstance(p, Use) and _uses_itself(c, p.name, seen | {name}) for p in walk(cond))


def _check_test(c: _Checker, path: tuple[Any, ...], test: Test) -> None:
    base, _, attribute = test.fact.partition(".")
    kind = c.facts.get(base)
    if kind is None:
        c.error(path, "reference", f"condition names fact '{base}', which no question stores"
                f"{did_you_mean(base, c.facts)} (known facts: {', '.join(sorted(c.facts))})")
        return
    if attribute:
        allowed_names = (*ATTRIBUTES.get(kind, ()), *(
            sorted(c.fact_options.get(base, ())) if kind == "tally" else ()))
        if attribute not in allowed_names:
            allowed = ", ".join(allowed_names) or "none"
            c.error(path, "reference", f"'{test.fact}': a {kind} fact has no attribute "
                    f"'{attribute}' (allowed: {allowed})"
                    + did_you_mean(attribute, ATTRIBUTES.get(kind, ())))
        return
    options = c.fact_options.get(base)
    if options is None or test.operator in ("known", "answered"):
        return
    literals = test.value if isinstance(test.value, tuple) else (test.value,)
    for literal in literals:
        if literal not in options:
            c.error(path, "reference", f"'{literal}' is not an option of fact '{base}' "
                    f"(options: {', '.join(sorted(options))})"
                    + did_you_mean(str(literal), options))


def _check_rules(c: _Checker) -> None:
    ids = [rule.id for rule in c.data.rules]
    for index, rule in enumerate(c.data.rules):
        path = ("rules", index)
        if ids.count(rule.id) > 1:
            c.error((*path, "id"), "reference", f"rule id '{rule.id}' is used twice")
        refs = (("citations", c.data.citations), ("channels", c.data.channels),
                ("letters", c.data.letters), ("say", c.data.advice), ("do", c.data.advice))
        for key, table in refs:
            for item_index, ref in enumerate(getattr(rule, key)):
                if ref not in table:
                    section = "advice" if key in ("say", "do") else key
                    c.error((*path, key, item_index), "reference", f"rule '{rule.id}' names "
                            f"{key} '{ref}', which is not defined under {section}:"
                            + did_you_mean(ref, table))
                elif key in ("say", "do") and c.data.advice[ref].kind != key:
                    c.error((*path, key, item_index), "reference", f"advice '{ref}' is of kind "
                            f"'{c.data.advice[ref].kind}'; list it under {c.data.advice[ref].kind}:")


def _check_unused(c: _Checker) -> None:
    used: dict[str, set[str]] = {"citations": set(), "channels": set(), "letters": set(),
                                 "advice": set()}
    for rule in c.data.rules:
        used["citations"].update(rule.citations)
        used["channels"].update(rule.channels)
        used["letters"].update(rule.letters)
        used["advice"].update(rule.say + rule.do)
    used["advice"].update(k for k, a in c.data.advice.items()
                          if a.always or a.when is not None)
    for section, names in used.items():
        for item_id in getattr(c.data, section):
            if item_id not in names:
                c.warn((section, item_id), "unused", f"{section} '{item_id}' is never used by a "
                       "rule; use it or remove it")
    used_conditions = {p.name for _, cond in _conditions(c) for p in walk(cond)
                       if isinstance(p, Use)}
    for name in c.data.conditions:
        if name not in used_conditions:
            c.warn(("conditions", name), "unused", f"condition '{name}' is never used")
    used_cues = {lit for _, cond in _conditions(c) for p in walk(cond)
                 if isinstance(p, Test) and p.fact == "cues"
                 for lit in (p.value if isinstance(p.value, tuple) else (p.value,))}
    for cue_id in c.data.cues:
        if cue_id not in used_cues:
            c.warn(("cues", cue_id), "unused", f"cue '{cue_id}' leads to no question; a cue "
                   "should make some question ask_if: {fact: cues, contains: ...}")
