"""Validator checks for understanding stories: the ``spotter:`` section, the ``story``,
``tally`` and ``amount`` kinds, ``ask: needed``, ``from_story`` and ``sum`` conditions.

Same checker as :mod:`flows.validator` (its data, facts and ``error``/``warn`` at
``file:line``), so an operator sees these problems with all the others in one run.
"""

from __future__ import annotations

from typing import Any, Protocol

from flows.conditions import Sum, walk
from flows.patterns import PatternError, compile_pattern
from flows.schema import PackData
from flows.spotter import word_lists

TAKES = {"count": ("number", "tally"), "amount": ("amount",), "time": ("datetime",),
         "name": ("text",), "people": ("multi", "tally"), "channels": ("multi", "tally")}
"""Which kinds of question each ``take:`` can answer."""


class Checker(Protocol):
    data: PackData
    facts: dict[str, str]
    fact_options: dict[str, set[str]]

    def error(self, path: tuple[Any, ...], check: str, message: str) -> None: ...

    def warn(self, path: tuple[Any, ...], check: str, message: str) -> None: ...


def check_new_kinds(c: Checker) -> None:
    """Keys that belong to one kind of question only, and what each new kind needs."""
    start = c.data.pack.start
    for node_id, node in c.data.nodes.items():
        path = ("nodes", node_id)
        if node.kind == "amount" and node.currency is None:
            c.error(path, "node", f"amount question '{node_id}' needs 'currency:' (the ISO "
                    "code it asks in, e.g. CNY or USD)")
        if node.currency is not None and node.kind != "amount":
            c.error((*path, "currency"), "node", "currency applies to amount questions only")
        if node.from_story == "prefill" and node.kind not in ("multi", "tally"):
            c.error((*path, "from_story"), "node", "from_story: prefill applies to multi and "
                    "tally questions only (other answers from the story are final once confirmed)")
        if node.ask == "needed":
            if node_id == start:
                c.error((*path, "ask"), "node", "the start node is always asked; remove ask")
            if (node.fact or node_id) not in _rule_facts(c):
                c.warn((*path, "ask"), "node", f"no rule reads '{node.fact or node_id}', so "
                       "with ask: needed it is never asked; remove ask or use the fact in a rule")
        if node.kind == "story" and node.required:
            c.error((*path, "required"), "node", "a story can always be skipped; remove "
                    "required")
    stories = [n for n, node in c.data.nodes.items() if node.kind == "story"]
    if c.data.spotter is not None and not stories:
        c.warn(("spotter",), "spotter", "the spotter is never used: add a question of kind: "
               "story where the person tells what happened")


def _rule_facts(c: Checker) -> set[str]:
    from flows.needs import facts_read

    names: set[str] = set()
    for rule in c.data.rules:
        names |= facts_read(rule.when, c.data.conditions)
    return names


def check_sums(c: Checker) -> None:
    """``sum:`` adds counts: each part must be a number fact or a tally's total or person."""
    from flows.validator import _conditions  # the one list of every condition in a pack

    for path, condition in _conditions(c):  # type: ignore[arg-type]
        for part in walk(condition):
            if not isinstance(part, Sum):
                continue
            for name in part.facts:
                base, _, attribute = name.partition(".")
                kind = c.facts.get(base)
                ok = (kind == "number" and not attribute) or (
                    kind == "tally" and (attribute == "total" or
                                         attribute in c.fact_options.get(base, ())))
                if not ok:
                    c.error(path, "reference", f"sum part '{name}' is not a count: use number "
                            "facts, or a tally's .total or .<person>")


def check_spotter(c: Checker) -> None:
    section = c.data.spotter
    if section is None:
        return
    names = [*section.words, *section.people, *section.channels]
    for name in {n for n in names if names.count(n) > 1 or n in ("people", "channels")}:
        c.error(("spotter",), "spotter", f"word list '{name}' is defined twice (words:, "
                "people: and channels: share one set of names; 'people' and 'channels' are "
                "taken)")
    for kind in ("words", "people", "channels"):
        for list_id, words in getattr(section, kind).items():
            for lang, listed in words.items():
                for index, word in enumerate(listed):
                    try:
                        compile_pattern(word, {}, slots=False)
                    except PatternError as error:
                        c.error(("spotter", kind, list_id, lang, index), "spotter", str(error))
    if section.negation is not None:
        for key in ("words", "except_", "breakers"):
            for lang, listed in getattr(section.negation, key).items():
                for index, word in enumerate(listed):
                    try:
                        compile_pattern(word, {}, slots=False)
                    except PatternError as error:
                        c.error(("spotter", "negation", key.rstrip("_"), lang, index),
                                "spotter", str(error))
    try:
        lists = word_lists(c.data)
    except PatternError:
        return  # reported above, word by word
    for spot_id, spot in section.spots.items():
        path = ("spotter", "spots", spot_id)
        _check_spot_target(c, path, spot_id, spot, section)
        for index, name in enumerate(spot.without):
            if name not in lists:
                c.error((*path, "without", index), "reference", f"no word list '{name}' "
                        f"(known: {', '.join(sorted(lists)) or 'none'})")
        for lang, patterns in spot.patterns.items():
            if lang not in c.data.pack.languages:
                c.warn((*path, "patterns", lang), "spotter", f"patterns in '{lang}', which the "
                       "pack does not declare; they are still looked for in every story")
            for index, pattern in enumerate(patterns):
                try:
                    compile_pattern(pattern, lists)
                except PatternError as error:
                    c.error((*path, "patterns", lang, index), "spotter", str(error))


def _check_spot_target(c: Checker, path: tuple[Any, ...], spot_id: str, spot: Any,
                       section: Any) -> None:
    node = c.data.nodes.get(spot.node)
    if node is None:
        c.error((*path, "node"), "reference", f"spot '{spot_id}' answers node '{spot.node}', "
                "which does not exist")
        return
    kind = node.kind
    options = {o.id for o in node.options or []}
    if kind in ("story", "info", "end", "phone"):
        c.error((*path, "node"), "spotter", f"spot '{spot_id}': a {kind} node cannot be "
                "answered from a story")
        return
    if spot.take is not None:
        if kind not in TAKES[spot.take]:
            c.error((*path, "take"), "spotter", f"take: {spot.take} answers "
                    f"{' or '.join(TAKES[spot.take])} questions, not {kind} ('{spot.node}')")
        if spot.take in ("people", "channels"):
            table = section.people if spot.take == "people" else section.channels
            if not set(table) & options:
                c.error((*path, "take"), "spotter", f"none of the {spot.take} lists "
                        f"({', '.join(sorted(table)) or 'none'}) is an option of "
                        f"'{spot.node}'; name the lists after its options")
            else:
                for list_id in sorted(set(table) - options):
                    c.warn((*path, "take"), "spotter", f"{spot.take} list '{list_id}' is not "
                           f"an option of '{spot.node}', so this spot never proposes it")
        if spot.take == "name":
            for lang, patterns in spot.patterns.items():
                for index, pattern in enumerate(patterns):
                    if "{name}" not in pattern:
                        c.error((*path, "patterns", lang, index), "spotter", "take: name "
                                "needs a {name} slot in each pattern, e.g. "
                                "\"borrowed from {name}\"")
        if spot.option is not None:
            c.error((*path, "option"), "spotter", "a spot takes either option: or take:")
    elif kind in ("choice", "multi"):
        if spot.option is None:
            c.error(path, "spotter", f"spot '{spot_id}' needs option: (one of "
                    f"{', '.join(sorted(options))}) or take:")
        elif spot.option not in options:
            c.error((*path, "option"), "reference", f"'{spot.option}' is not an option of "
                    f"'{spot.node}' (options: {', '.join(sorted(options))})")
    elif kind != "yesno":
        c.error(path, "spotter", f"spot '{spot_id}' answers a {kind} question: it needs take:")
    elif spot.option is not None:
        c.error((*path, "option"), "spotter", "a yes/no spot takes no option: a match "
                "proposes yes, a negated one (\"没有威胁我\") no")
    if kind not in ("multi", "choice") and node.summary is None:
        c.error(("nodes", spot.node), "node", f"'{spot.node}' is answered from stories: give it "
                "summary: (a few words naming the fact, shown in \"Here is what I understood\")")
