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

from flows.counts import ANCHOR_WORDS as COUNT_ANCHORS
from flows.counts import find_counts
from flows.matcher import Lexicon, Program, Scan
from flows.money import ANCHOR_WORDS as AMOUNT_ANCHORS
from flows.money import find_amounts
from flows.patterns import Sequence, compile_pattern
from flows.patterns import Words as WordSet
from flows.schema import PackData
from flows.spotschema import Words
from flows.storytime import ANCHOR_WORDS as TIME_ANCHORS
from flows.storytime import find_times

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


class _Context:
    """What one story needs besides the spots: markers found once, scanners run once."""

    def __init__(self, spotter: Spotter, scan: Scan, now: dt.datetime) -> None:
        self.spotter, self.scan, self.now = spotter, scan, now
        self._spans: dict[int, list[tuple[int, int]]] = {}
        self._values: dict[str, list[tuple[int, int, Any]]] = {}

    def spans(self, program: Program | None) -> list[tuple[int, int]]:
        if program is None:
            return []
        key = id(program)
        found = self._spans.get(key)
        if found is None:
            found = self._spans[key] = [(s, e) for s, e, _ in self.scan.spans(program)]
        return found

    def values(self, what: str, currency: str = "") -> list[tuple[int, int, Any]]:
        key = what + currency
        if key not in self._values:
            folded = self.scan.folded
            anchors = self.spans(self.spotter.anchors[what])
            self._values[key] = (find_counts(folded, anchors) if what == "count" else
                                 find_amounts(folded, currency, anchors) if what == "amount"
                                 else find_times(folded, self.now, anchors))
        return self._values[key]

    def people(self) -> list[tuple[int, int]]:
        """Every people word of the story, by start."""
        if "people" not in self._values:
            spans = [span for _, program in self.spotter.people for span in self.spans(program)]
            self._values["people"] = sorted(spans)  # type: ignore[assignment]
        return self._values["people"]  # type: ignore[return-value]

    def named(self) -> list[tuple[int, int]]:
        """Every people and channel word of the story, by start."""
        if "named" not in self._values:
            spans = [span for _, program in self.spotter.people + self.spotter.channels
                     for span in self.spans(program)]
            self._values["named"] = sorted(spans)  # type: ignore[assignment]
        return self._values["named"]  # type: ignore[return-value]

    def _between(self, program: Program | None, low: int, high: int) -> list[tuple[int, int]]:
        """Spans of a list that start in [low, high) (spans are sorted by start)."""
        spans = self.spans(program)
        first = bisect.bisect_left(spans, (low, -1))
        last = bisect.bisect_left(spans, (high, -1))
        return spans[first:last]

    def negated(self, start: int) -> bool:
        clause_start = self.scan.clause_of(start)[0]
        excepted = self._between(self.spotter.not_negating, clause_start - 6, start)
        last = None
        for s, e in self._between(self.spotter.negation, clause_start, start):
            if e <= start and not any(a <= s < b for a, b in excepted):
                last = e
        if last is None:
            return False
        return not any(e <= start for _, e in self._between(self.spotter.breakers, last, start))

    def speaker(self, start: int) -> str:
        sentence_start = self.scan.sentence_of(start)[0]
        me = self._between(self.spotter.me, sentence_start, start)
        if not me:
            return "them"
        them = [(s, e) for s, e in self._between(self.spotter.them, sentence_start, start)
                if not any(a <= s and e <= b for a, b in me)]  # "我跟他们说" holds "他们说"
        return "me" if not them or me[-1][0] > them[-1][0] else "them"


def _nearest(items: list[tuple[int, int, Any]], low: int, high: int, start: int, end: int
             ) -> tuple[int, int, Any] | None:
    """The item of [low, high) closest to the match (items are sorted by start)."""
    first = bisect.bisect_left(items, low, key=lambda item: item[0])
    best, best_key = None, None
    for item in items[first:]:
        if item[0] >= high:
            break
        if item[1] > high:
            continue
        key = (max(item[0] - end, start - item[1], 0), item[0])
        if best_key is None or key < best_key:
            best, best_key = item, key
    return best


def find(spotter: Spotter, text: str, now: dt.datetime) -> list[Hit]:
    """Every hit in ``text``, in pack order of the spots, then story order."""
    scan = Scan(text, spotter.lexicon)
    context = _Context(spotter, scan, now)
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
            if spot.speaker != "any" and context.speaker(start) != spot.speaker:
                continue
            negated = context.negated(start)
            if negated and spot.kind != "yesno":
                continue
            for value, (low, high) in _values(context, spot, start, end, name, negated):
                if spot.without is not None and _near(context, spot.without, min(low, start),
                                                      max(high, end)):
                    continue
                key = (repr(value), low, high)
                if key in done:
                    continue  # the same words again, through another pattern
                done.add(key)
                low, high = min(low, start), max(high, end)
                hits.append(Hit(spot.id, spot.node, value, scan.original(low),
                                scan.original(high), order))
                seen.add(value if not isinstance(value, dict) else 1)
    return hits


NEAR = 6
"""How close (characters) a ``without`` word cancels a match: "给我妈打了", "called my mother"."""


def _near(context: _Context, program: Program, low: int, high: int) -> bool:
    clause = context.scan.clause_of(low)
    return any(max(low - NEAR, clause[0]) <= s and e <= min(high + NEAR, clause[1])
               for s, e in context.spans(program))


def _enough(spot: Spot) -> int | None:
    """How many different values end the search for a spot (``None``: read every match).
    A fixed option needs one match; yes/no two (both would be a contradiction); a value picked
    first or last needs one."""
    if spot.take is None:
        return 2 if spot.kind == "yesno" else 1
    if spot.take in ("people", "channels") or spot.pick == "max":
        return None
    return 1


def _json(value: Any) -> Any:
    return value.to_json() if hasattr(value, "to_json") else value


def _values(context: _Context, spot: Spot, start: int, end: int,
            name: tuple[int, int] | None, negated: bool) -> list[tuple[Any, tuple[int, int]]]:
    here = (start, end)
    scan = context.scan
    if spot.take is None:
        if spot.kind == "yesno":
            return [("no" if negated else "yes", here)]
        return [(spot.option, here)] if spot.option else []
    if spot.take == "name":
        if name is None:
            return []
        written = scan.text[scan.original(name[0]):scan.original(name[1])]
        cleaned = _clean_name(written)
        if not cleaned:
            return []
        tail = name[0] + max(0, written.find(cleaned)) + len(cleaned)
        return [(cleaned, (start, min(tail, end) if name[1] >= end else end))]
    clause = scan.clause_of(start)
    if spot.take in ("count", "amount", "time"):
        items = context.values(spot.take, spot.currency)
        found = _nearest(items, *clause, start, end) or _nearest(
            items, *scan.sentence_of(start), start, end)
        if found is None:
            return [(spot.default, here)] if spot.default is not None else []
        return [(_json(found[2]), (found[0], found[1]))]
    table = context.spotter.people if spot.take == "people" else context.spotter.channels
    reach = _reach(context, start, end, clause)
    out: list[tuple[Any, tuple[int, int]]] = []
    for category, program in table:
        spans = context.spans(program)
        index = bisect.bisect_left(spans, (reach[0], -1))
        if index >= len(spans) or spans[index][1] > reach[1]:
            continue
        s, e = spans[index]
        if spot.kind == "tally":
            count = _own_count(context, s, e)
            place = (min(s, count[0]), max(e, count[1])) if count else (s, e)
            out.append(({category: _json(count[2]) if count else None}, place))
        else:
            out.append((category, (s, e)))
    return out


def _own_count(context: _Context, start: int, end: int) -> tuple[int, int, Any] | None:
    """The count nearest to one person in their clause, unless another person named in
    that clause is nearer to it ("called my mother 30 times and told my boss": 30 is the
    mother's)."""
    clause = context.scan.clause_of(start)
    count = _nearest(context.values("count"), *clause, start, end)
    if count is None:
        return None
    distance = max(count[0] - end, start - count[1], 0)
    for s, e in context.people():
        if clause[0] <= s and e <= clause[1] and (s, e) != (start, end) and \
                max(count[0] - e, s - count[1], 0) < distance:
            return None
    return count


_CONNECTORS = re.compile(r"[\s,，、.。;；]|\b(?:and|or|my|our|his|her|their|also|even|then)\b|"
                         r"和|及|还有|還有|以及|跟|我的|我们的|还|也|甚至")


def _reach(context: _Context, start: int, end: int, clause: tuple[int, int]) -> tuple[int, int]:
    """Where the people (or channels) of a match may be named: from the match to the end of
    its clause, and on through clauses that only go on listing ("my mother, my boss and my
    colleagues")."""
    scan = context.scan
    high = clause[1]
    named = context.named()
    while high < len(scan.folded):
        low, nxt = scan.clause_of(high)
        if nxt <= low:
            break
        first = bisect.bisect_left(named, (low, -1))
        inside = [(s, e) for s, e in named[first:] if e <= nxt]
        if not inside:
            break
        rest, cursor = [], low
        for s, e in inside:
            rest.append(scan.folded[cursor:max(cursor, s)])
            cursor = max(cursor, e)
        rest.append(scan.folded[cursor:nxt])
        if len(_CONNECTORS.sub("", "".join(rest))) > 1:
            break
        high = nxt
    return start, high


_NOT_A_NAME = re.compile(r"(?i)(?:一个|一家|一款|某个|某|这个|那个|个|a|an|one|some|the|this|"
                         r"that)(?:\s|$)|(?:一个|一家|一款|某个|某|这个|那个)")


def _clean_name(raw: str) -> str:
    """The name as written, cut at the first word that cannot be part of it; "一个网贷平台"
    or "a loan app" name nothing."""
    name = raw.strip(" \t'\"“”‘’「」《》()（）")
    if _NOT_A_NAME.match(name):
        return ""
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


def named_in(spotter: Spotter, text: str, which: str = "people") -> list[str]:
    """The ``people:`` (or ``channels:``) lists a short text names ("我妈" → family)."""
    scan = Scan(text, spotter.lexicon)
    table = spotter.people if which == "people" else spotter.channels
    return [category for category, program in table if scan.spans(program)]
