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

import bisect
import datetime as dt
import re
from dataclasses import dataclass
from typing import Any

from flows.counts import find_counts
from flows.money import find_amounts
from flows.patterns import compile_pattern, fold, words_regex
from flows.schema import PackData
from flows.spotschema import Words
from flows.storytime import find_times

SENTENCE_END = re.compile(r"(?<!\d)\.(?!\d)|[!?。！？\n]")
CLAUSE_END = re.compile(r"(?<!\d),(?!\d{3})|[，;；:：、]|(?<!\d)\.(?!\d)|[!?。！？\n]|\bbut\b|但是|可是")


@dataclass(frozen=True, slots=True)
class Spot:
    id: str
    node: str
    kind: str
    option: str | None
    take: str | None
    speaker: str
    pick: str
    regex: re.Pattern[str]
    currency: str


@dataclass(frozen=True, slots=True)
class Spotter:
    spots: tuple[Spot, ...]
    people: tuple[tuple[str, re.Pattern[str]], ...]
    channels: tuple[tuple[str, re.Pattern[str]], ...]
    negation: re.Pattern[str] | None
    not_negating: re.Pattern[str] | None
    breakers: re.Pattern[str] | None
    me: re.Pattern[str] | None
    them: re.Pattern[str] | None


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


def _regex(words: Words | None) -> re.Pattern[str] | None:
    listed = _all_words(words or {})
    return re.compile(words_regex(listed)) if listed else None


def word_lists(data: PackData) -> dict[str, str]:
    """Every named list as a regular expression (``<id>`` in patterns)."""
    section = data.spotter
    if section is None:
        return {}
    lists: dict[str, str] = {}
    for table in (section.words, section.people, section.channels):
        for list_id, words in table.items():
            listed = _all_words(words)
            if listed:
                lists[list_id] = words_regex(listed)
    for kind, table in (("people", section.people), ("channels", section.channels)):
        listed = [w for words in table.values() for w in _all_words(words)]
        if listed:
            lists.setdefault(kind, words_regex(listed))
    return lists


def compile_spotter(data: PackData) -> Spotter | None:
    """The pack's spotter, compiled once at load (the validator has checked every pattern)."""
    section = data.spotter
    if section is None:
        return None
    lists = word_lists(data)
    spots = []
    for spot_id, spot in section.spots.items():
        node = data.nodes[spot.node]
        sources = [compile_pattern(p, lists) for lang in sorted(spot.patterns)
                   for p in spot.patterns[lang]]
        spots.append(Spot(spot_id, spot.node, node.kind, spot.option, spot.take, spot.speaker,
                          spot.pick, re.compile("|".join(f"(?:{s})" for s in sources)),
                          node.currency or ""))
    negation = section.negation
    return Spotter(
        spots=tuple(spots),
        people=tuple((k, re.compile(words_regex(_all_words(v)))) for k, v in
                     section.people.items() if _all_words(v)),
        channels=tuple((k, re.compile(words_regex(_all_words(v)))) for k, v in
                       section.channels.items() if _all_words(v)),
        negation=_regex(negation.words) if negation else None,
        not_negating=_regex(negation.except_) if negation else None,
        breakers=_regex(negation.breakers) if negation else None,
        me=_regex(section.speakers.me), them=_regex(section.speakers.them))


class _Story:
    """The folded text with its sentence and clause boundaries, found once per story."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.folded = fold(text)
        self.offsets: list[int] | None = None
        if len(self.folded) != len(text):  # folding changed lengths: map back per character
            offsets, parts = [], []
            for index, char in enumerate(text):
                piece = fold(char)
                parts.append(piece)
                offsets.extend([index] * len(piece))
            self.folded = "".join(parts)
            self.offsets = offsets + [len(text)]
        self.sentences = self._cuts(SENTENCE_END)
        self.clauses = self._cuts(CLAUSE_END)

    def _cuts(self, pattern: re.Pattern[str]) -> list[int]:
        return [0, *(m.end() for m in pattern.finditer(self.folded)), len(self.folded) + 1]

    def original(self, position: int) -> int:
        return self.offsets[position] if self.offsets is not None else position

    @staticmethod
    def around(cuts: list[int], position: int) -> tuple[int, int]:
        index = bisect.bisect_right(cuts, position) - 1
        return cuts[index], min(cuts[index + 1], cuts[-1] - 1)


def _negated(spotter: Spotter, story: _Story, start: int) -> bool:
    if spotter.negation is None:
        return False
    clause_start, _ = story.around(story.clauses, start)
    folded = story.folded
    last = None
    for match in spotter.negation.finditer(folded, clause_start, start):
        if spotter.not_negating is not None and any(
                m.start() <= match.start() < m.end()
                for m in spotter.not_negating.finditer(folded, max(0, match.start() - 6),
                                                       min(len(folded), match.end() + 6))):
            continue
        last = match
    if last is None:
        return False
    return not (spotter.breakers is not None and
                spotter.breakers.search(folded, last.end(), start))


def _speaker(spotter: Spotter, story: _Story, start: int) -> str:
    sentence_start, _ = story.around(story.sentences, start)
    who, at = "them", -1
    for name, pattern in (("me", spotter.me), ("them", spotter.them)):
        if pattern is None:
            continue
        for match in pattern.finditer(story.folded, sentence_start, start):
            if match.start() > at:
                who, at = name, match.start()
    return who


def _nearest(items: list[tuple[int, int, Any]], low: int, high: int, start: int, end: int
             ) -> tuple[int, int, Any] | None:
    inside = [item for item in items if low <= item[0] and item[1] <= high]
    if not inside:
        return None
    return min(inside, key=lambda item: (max(item[0] - end, start - item[1], 0), item[0]))


def find(spotter: Spotter, text: str, now: dt.datetime) -> list[Hit]:
    """Every hit in ``text``, in pack order of the spots, then story order."""
    story = _Story(text)
    folded = story.folded
    cache: dict[str, Any] = {}

    def scanned(what: str, currency: str = "") -> list[tuple[int, int, Any]]:
        key = what + currency
        if key not in cache:
            cache[key] = (find_counts(folded) if what == "count" else
                          find_amounts(folded, currency) if what == "amount" else
                          find_times(folded, now))
        return cache[key]

    hits: list[Hit] = []
    for order, spot in enumerate(spotter.spots):
        for match in spot.regex.finditer(folded):
            start, end = match.start(), match.end()
            if spot.speaker != "any" and _speaker(spotter, story, start) != spot.speaker:
                continue
            negated = _negated(spotter, story, start)
            if negated and spot.kind != "yesno":
                continue
            for value, (low, high) in _values(spotter, spot, story, match, negated, scanned):
                low, high = min(low, start), max(high, end)
                hits.append(Hit(spot.id, spot.node, value, story.original(low),
                                story.original(high), order))
    return hits


def _values(spotter: Spotter, spot: Spot, story: _Story, match: re.Match[str], negated: bool,
            scanned: Any) -> list[tuple[Any, tuple[int, int]]]:
    start, end = match.start(), match.end()
    here = (start, end)
    if spot.take is None:
        if spot.kind == "yesno":
            return [("no" if negated else "yes", here)]
        return [(spot.option, here)] if spot.option else []
    sentence = story.around(story.sentences, start)
    clause = story.around(story.clauses, start)
    if spot.take == "name":
        name = _clean_name(story.text[story.original(match.start("name")):
                                      story.original(match.end("name"))])
        return [(name, here)] if name else []
    if spot.take in ("count", "amount", "time"):
        items = scanned(spot.take, spot.currency)
        found = _nearest(items, *clause, start, end) or _nearest(items, *sentence, start, end)
        if found is None:
            return []
        value = found[2]
        value = value.to_json() if hasattr(value, "to_json") else value
        return [(value, (found[0], found[1]))]
    table = spotter.people if spot.take == "people" else spotter.channels
    out: list[tuple[Any, tuple[int, int]]] = []
    for category, pattern in table:
        for found in pattern.finditer(story.folded, *sentence):
            if spot.kind == "tally":
                own = story.around(story.clauses, found.start())
                count = _nearest(scanned("count"), *own, found.start(), found.end())
                amount = count[2].to_json() if count and hasattr(count[2], "to_json") else \
                    (count[2] if count else None)
                out.append(({category: amount}, (found.start(), found.end())))
            else:
                out.append((category, (found.start(), found.end())))
            break
    return out


def _clean_name(raw: str) -> str:
    """The name as written, cut at the first word that cannot be part of it."""
    name = raw.strip(" \t'\"“”‘’「」《》()（）")
    if re.search(r"[A-Za-z]", name) and " " in name:
        words = name.split()
        kept = [w for w in words[:1]]
        for word in words[1:]:
            if not (word[:1].isupper() or word[:1].isdigit() or word in ("&", "of")):
                break
            kept.append(word)
        name = " ".join(kept)
    elif " " in name:
        name = name.split()[0]
    name = re.sub(r"(?:借款|借的|借了|的|上|里|裡)$", "", name)
    return name[:100]
