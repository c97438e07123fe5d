"""Draw facts from a person's own story, as the pack's ``spotter:`` section describes.

The result is a list of :class:`Hit` s — which question, which value, and the exact words it
came from — that :mod:`flows.proposals` turns into proposed answers for the person to confirm.
Nothing here decides anything on its own: a hit becomes an answer only once the person has
left it ticked on "Here is what I understood".

Deterministic and pure: the same text (and the same ``now``) always gives the same hits, in
the same order. Every regular expression comes from :mod:`flows.patterns`, whose quantifiers
are all bounded.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from flows.counts import ANCHOR_WORDS as COUNT_ANCHORS
from flows.matcher import Lexicon, Program, Scan
from flows.money import ANCHOR_WORDS as AMOUNT_ANCHORS
from flows.patterns import Sequence, compile_pattern
from flows.patterns import Words as WordSet
from flows.schema import PackData
from flows.spotschema import Words
from flows.spotvalues import Context, near, values_of
from flows.storytime import ANCHOR_WORDS as TIME_ANCHORS

@dataclass(frozen=True, slots=True)
class Spot:
    id: str
    node: str
    kind: str
    option: str | None
    take: str | None
    speaker: str
    pick: str
    program: Program
    currency: str
    without: Program | None
    default: Any = None


@dataclass(frozen=True, slots=True)
class Spotter:
    lexicon: Lexicon
    spots: tuple[Spot, ...]
    people: tuple[tuple[str, Program], ...]
    channels: tuple[tuple[str, Program], ...]
    negation: Program | None
    not_negating: Program | None
    breakers: Program | None
    me: Program | None
    them: Program | None
    anchors: dict[str, Program]
    """Where counts, amounts and times can be (their scanners read only around these)."""


@dataclass(frozen=True, slots=True)
class Hit:
    """One fact found: ``value`` (JSON-ready) for question ``node``, from ``start:end`` of the
    story (character offsets in the text as the person wrote it)."""

    spot: str
    node: str
    value: Any
    start: int
    end: int
    order: int = 0


def _all_words(words: Words) -> list[str]:
    return [w for lang in sorted(words) for w in words[lang]]


def _word_sequences(words: list[str]) -> list[Sequence]:
    out: list[Sequence] = []
    for word in words:
        out.extend(compile_pattern(word, {}, slots=False))
    return _merge(out)


def _merge(sequences: list[Sequence]) -> list[Sequence]:
    """Single-set sequences of a list become one set (one automaton lookup, not many)."""
    single: set[str] = set()
    rest = []
    for seq in sequences:
        if len(seq) == 1 and isinstance(seq[0], WordSet):
            single |= seq[0].strings
        else:
            rest.append(seq)
    return ([(WordSet(frozenset(single)),)] if single else []) + rest


def word_lists(data: PackData) -> dict[str, list[Sequence]]:
    """Every named list as sequences (``<id>`` in patterns); PatternError on a bad word."""
    section = data.spotter
    if section is None:
        return {}
    lists: dict[str, list[Sequence]] = {}
    for table in (section.words, section.people, section.channels):
        for list_id, words in table.items():
            lists[list_id] = _word_sequences(_all_words(words))
    for kind, table in (("people", section.people), ("channels", section.channels)):
        listed = [w for words in table.values() for w in _all_words(words)]
        if listed:
            lists.setdefault(kind, _word_sequences(listed))
    return lists


def compile_spotter(data: PackData) -> Spotter | None:
    """The pack's spotter, compiled once at load (the validator has checked every pattern)."""
    section = data.spotter
    if section is None:
        return None
    lex = Lexicon()
    lists = word_lists(data)

    def words(table: Words | None) -> Program | None:
        listed = _all_words(table or {})
        return lex.program(_word_sequences(listed)) if listed else None

    spots = []
    for spot_id, spot in section.spots.items():
        node = data.nodes[spot.node]
        sequences = [seq for lang in sorted(spot.patterns) for p in spot.patterns[lang]
                     for seq in compile_pattern(p, lists)]
        without = [seq for name in spot.without for seq in lists.get(name, [])]
        spots.append(Spot(spot_id, spot.node, node.kind, spot.option, spot.take, spot.speaker,
                          spot.pick, lex.program(_merge(sequences)), node.currency or "",
                          lex.program(_merge(without)) if without else None, spot.default))
    negation = section.negation
    spotter = Spotter(
        lexicon=lex, spots=tuple(spots),
        people=tuple((k, lex.program(lists[k])) for k in section.people if lists.get(k)),
        channels=tuple((k, lex.program(lists[k])) for k in section.channels if lists.get(k)),
        negation=words(negation.words) if negation else None,
        not_negating=words(negation.except_) if negation else None,
        breakers=words(negation.breakers) if negation else None,
        me=words(section.speakers.me), them=words(section.speakers.them),
        anchors={what: lex.program(_word_sequences(list(listed))) for what, listed in (
            ("count", COUNT_ANCHORS), ("amount", AMOUNT_ANCHORS), ("time", TIME_ANCHORS))})
    lex.finish()
    return spotter


def find(spotter: Spotter, text: str, now: dt.datetime) -> list[Hit]:
    """Every hit in ``text``, in pack order of the spots, then story order."""
    scan = Scan(text, spotter.lexicon)
    context = Context(spotter, scan, now)
    hits: list[Hit] = []
    for order, spot in enumerate(spotter.spots):
        done: set[tuple[Any, ...]] = set()
        enough = _enough(spot)
        backwards = spot.pick == "last" and enough is not None
        seen: set[Any] = set()
        matches = scan.matches(spot.program, backwards) if enough is not None else \
            scan.spans(spot.program)
        for start, end, name in matches:
            if enough is not None and (len(seen) >= enough):
                break
            negated, speaker = context.denial_and_speaker(start)
            if spot.speaker != "any" and speaker != spot.speaker:
                continue
            if negated and spot.kind != "yesno":
                continue
            for value, (low, high) in values_of(context, spot, start, end, name, negated):
                if spot.without is not None and near(context, spot.without, min(low, start),
                                                      max(high, end)):
                    continue
                key = (str(value) if isinstance(value, dict) else value, low, high)
                if key in done:
                    continue  # the same words again, through another pattern
                done.add(key)
                low, high = min(low, start), max(high, end)
                hits.append(Hit(spot.id, spot.node, value, scan.original(low),
                                scan.original(high), order))
                seen.add(value if not isinstance(value, dict) else 1)
    return hits


def _enough(spot: Spot) -> int | None:
    """How many different values end the search for a spot (``None``: read every match).
    A fixed option needs one match; yes/no two (both would be a contradiction); a value picked
    first or last needs one."""
    if spot.take is None:
        return 2 if spot.kind == "yesno" else 1
    if spot.take in ("people", "channels") or spot.pick == "max":
        return None
    return 1


def named_in(spotter: Spotter, text: str, which: str = "people") -> list[str]:
    """The ``people:`` (or ``channels:``) lists a short text names ("我妈" → family)."""
    scan = Scan(text, spotter.lexicon)
    table = spotter.people if which == "people" else spotter.channels
    return [category for category, program in table if scan.spans(program)]
