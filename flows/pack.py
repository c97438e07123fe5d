"""A loaded, checked pack, compiled for fast repeated use by the engine.

Loading parses YAML and conditions once; the engine then only looks things up in dicts and
calls precompiled predicates, which keeps a step in the tens of microseconds.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from flows.conditions import Predicate, compile_condition
from flows.issues import PackIssue
from flows.needs import Predicate3, compile3, facts_read
from flows.spotter import compile_spotter
from flows.safety.lexicon import Lexicon, safety_data
from flows.safety.normalize import normalise_term
from flows.schema import QUESTION_KINDS, Node, PackData, Rule
from flows.texts import pick
from flows.uitext import BUILTIN

ATTRIBUTES = {
    "datetime": ("hour", "minute", "date", "weekday", "part"),
    "multi": ("count",),
    "text": ("length",),
    "story": ("length",),
    "amount": ("currency",),
    "tally": ("count", "total"),
    "record": ("total", "days", "max_day", "max_7_days", "night", "third_parties"),
}
"""Derived attributes a condition may read, e.g. ``contact_time.hour``; a tally fact also has
one attribute per option (``others.family``)."""

BUILTIN_FACTS = {"cues": "multi", "language": "choice", "record": "record"}
"""Facts the engine provides: cue ids found in free text, the conversation language, and
the counts of the person's record of contacts (the evidence diary, given by the channel in
``State.record``): ``record.total`` contacts, ``record.days`` with a contact, the most on one
day (``record.max_day``) and in any 7 days (``record.max_7_days``), at night
(``record.night``) and to other people (``record.third_parties``). Unknown (so no comparison
holds) until the channel gives them."""


YESNO_OPTIONS = ("yes", "no", "unsure")
"""The option ids of every yes/no question (their labels are interface texts)."""


@dataclass(frozen=True, slots=True)
class CompiledNode:
    node: Node
    fact: str | None
    ask_if: Predicate | None
    branches: tuple[tuple[Predicate | None, str], ...]
    zones: Mapping[str, str] = field(default_factory=dict)
    """Option id -> IANA zone, for choice options that set the conversation's time zone."""
    exclusive: frozenset[str] = frozenset()
    """Ids of "none of these" options of a multi question."""


@dataclass(slots=True)
class Pack:
    """A validated pack. Treat as read-only."""

    data: PackData
    folder: Path | None = None
    warnings: list[PackIssue] = field(default_factory=list)
    nodes: dict[str, CompiledNode] = field(default_factory=dict)
    rules: list[tuple[Rule, Predicate]] = field(default_factory=list)
    fact_kinds: dict[str, str] = field(default_factory=dict)
    cue_words: tuple[tuple[str, str], ...] = ()
    safety: Lexicon | None = None
    """Crisis recognition: the shared lexicon plus the pack's ``safety.lexicon``."""
    notice_words: tuple[tuple[str, str], ...] = ()
    """(trigger id, normalised word) of the pack's own ``safety.triggers`` (e.g. a scam)."""
    kind_words: tuple[tuple[int, str], ...] = ()
    """(index in ``kindness``, normalised word): words after which a kind line is shown."""
    advice_when: dict[str, Predicate] = field(default_factory=dict)
    unknown_texts: dict[str, Mapping[str, str]] = field(default_factory=dict)
    """Fact name -> how it reads in texts when unknown (a node's ``unknown:``)."""
    content_hash: str = ""
    """Hash of the pack's YAML and letter templates (flows/snapshot.py); set by the loader."""
    templates: Path | None = None
    """The templates folder its letters render from (a release has its own snapshot)."""
    release: int | None = None
    """The release number it was loaded from; None when served from the packs folder."""
    spotter: Any = None
    """The compiled ``spotter:`` section (:class:`flows.spotter.Spotter`), if any."""
    rules3: list[tuple[Predicate3, frozenset[str]]] = field(default_factory=list)
    """Each rule three-valued, with the facts it reads (for ``ask: needed``)."""
    ahead: dict[str, frozenset[str]] = field(default_factory=dict)
    """``ask: needed`` node -> the facts stored by it and every question after it."""

    @property
    def id(self) -> str:
        return self.data.pack.id

    @property
    def version(self) -> str:
        """What a conversation records: derived from the content, so a changed pack can never
        keep an old version (and its saved answers are replayed, flows/engine.py)."""
        return self.content_hash or self.data.pack.version or "0"

    @property
    def label(self) -> str:
        """The operator's own name for this version (``pack.version`` in pack.yaml), if any."""
        return self.data.pack.version or ""

    @property
    def languages(self) -> list[str]:
        return self.data.pack.languages

    @property
    def default_language(self) -> str:
        return self.data.pack.default_language

    @property
    def timezone(self) -> str:
        return self.data.pack.timezone

    @property
    def start(self) -> str:
        return self.data.pack.start

    def text(self, text: Mapping[str, str] | None, language: str) -> str:
        """An operator text in ``language`` (empty when the pack gives none)."""
        if not text:
            return ""
        return pick(text, language, self.default_language)

    def ui(self, key: str, language: str) -> str:
        """A built-in interface string, honouring the pack's ``ui:`` overrides."""
        for lang in (language, self.default_language, "en"):
            override = self.data.ui.get(lang, {})
            if key in override:
                return override[key]
            if key in BUILTIN.get(lang, {}):
                return BUILTIN[lang][key]
        return key


def fact_name(node_id: str, node: Node) -> str | None:
    """The fact a node stores its answer under (questions only)."""
    if node.kind not in QUESTION_KINDS:
        return None
    return node.fact or node_id


def compile_pack(data: PackData, folder: Path | None = None) -> Pack:
    """Build the lookup tables and predicates; assumes the validator found no errors."""
    named = data.conditions
    pack = Pack(data=data, folder=folder)
    for node_id, node in data.nodes.items():
        branches: list[tuple[Predicate | None, str]] = []
        if isinstance(node.next, str):
            branches.append((None, node.next))
        elif node.next:
            for branch in node.next:
                predicate = compile_condition(branch.when, named) if branch.when else None
                branches.append((predicate, branch.goto))
        fact = fact_name(node_id, node)
        pack.nodes[node_id] = CompiledNode(
            node=node,
            fact=fact,
            ask_if=compile_condition(node.ask_if, named) if node.ask_if else None,
            branches=tuple(branches),
            zones={o.id: o.timezone for o in node.options or [] if o.timezone},
            exclusive=frozenset(o.id for o in node.options or [] if o.exclusive),
        )
        if fact:
            pack.fact_kinds[fact] = node.kind
            if node.unknown:
                pack.unknown_texts[fact] = node.unknown
    pack.advice_when = {advice_id: compile_condition(advice.when, named)
                        for advice_id, advice in data.advice.items() if advice.when is not None}
    pack.rules = [(rule, compile_condition(rule.when, named)) for rule in data.rules]
    if any(node.ask == "needed" for node in data.nodes.values()):
        pack.rules3 = [(compile3(rule.when, named), facts_read(rule.when, named))
                       for rule in data.rules]
        pack.ahead = {node_id: _ahead(data, node_id) for node_id, node in data.nodes.items()
                      if node.ask == "needed"}
    pack.spotter = compile_spotter(data)
    pack.cue_words = tuple(
        (cue_id, word.casefold())
        for cue_id, cue in data.cues.items()
        for words in cue.words.values()
        for word in words
    )
    pack.notice_words = tuple(
        (trigger.id, normalise_term(word))
        for trigger in data.safety.triggers
        for words in trigger.words.values()
        for word in words
    )
    pack.kind_words = tuple(
        (index, normalise_term(word))
        for index, item in enumerate(data.kindness)
        for words in item.words.values()
        for word in words
    )
    pack.safety, _ = safety_data().for_pack(data.safety.lexicon)
    return pack


def _ahead(data: PackData, start: str) -> frozenset[str]:
    """Facts stored by ``start`` and by every node reachable from it."""
    seen: set[str] = set()
    stack = [start]
    while stack:
        node_id = stack.pop()
        if node_id in seen or node_id not in data.nodes:
            continue
        seen.add(node_id)
        next_ = data.nodes[node_id].next
        stack.extend([next_] if isinstance(next_, str) else [b.goto for b in next_ or []])
    return frozenset(name for node_id in seen
                     if (name := fact_name(node_id, data.nodes[node_id])) is not None)


def safety_region(pack: Pack, answers: Mapping[str, Any] | None = None) -> str:
    """Whose crisis lines the pack's users see: the region the person's answer names
    (``safety.region_from``), else ``safety.region``, else the jurisdiction."""
    chosen = pack.data.safety.region_from
    if chosen is not None and answers:
        answer = answers.get(chosen.node)
        if isinstance(answer, str) and answer in chosen.regions:
            return chosen.regions[answer]
    return pack.data.safety.region or pack.data.pack.jurisdiction
