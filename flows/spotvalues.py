"""What a spotter match yields: the value it takes from the words around it, and whether
it is denied or spoken by the person, all read from one scanned story (:class:`Context`).

Kept apart from :mod:`flows.spotter` (compiling the section, walking the spots) so each
module stays one concept.
"""

from __future__ import annotations

import bisect
import datetime as dt
import re
from typing import TYPE_CHECKING, Any

from flows.counts import find_counts
from flows.matcher import Program, Scan
from flows.money import find_amounts
from flows.storytime import find_times

if TYPE_CHECKING:
    from flows.spotter import Spot, Spotter


class Context:
    """What one story needs besides the spots: markers found once, scanners run once."""

    def __init__(self, spotter: Spotter, scan: Scan, now: dt.datetime) -> None:
        self.spotter, self.scan, self.now = spotter, scan, now
        self._spans: dict[int, list[tuple[int, int]]] = {}
        self._values: dict[str, list[tuple[int, int, Any]]] = {}
        self._said: dict[int, tuple[bool, str]] = {}

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

    def denial_and_speaker(self, start: int) -> tuple[bool, str]:
        """Whether the words at ``start`` are denied, and who says them (once per place:
        several spots often match at the same words)."""
        known = self._said.get(start)
        if known is None:
            known = self._said[start] = (self.negated(start), self.speaker(start))
        return known

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


NEAR = 6
"""How close (characters) a ``without`` word cancels a match: "给我妈打了", "called my mother"."""


def near(context: Context, program: Program, low: int, high: int) -> bool:
    clause = context.scan.clause_of(low)
    low, high = max(low - NEAR, clause[0]), min(high + NEAR, clause[1])
    spans = context.spans(program)
    first = bisect.bisect_left(spans, (low, -1))
    for s, e in spans[first:]:
        if s >= high:
            return False
        if e <= high:
            return True
    return False


def _json(value: Any) -> Any:
    return value.to_json() if hasattr(value, "to_json") else value


def values_of(context: Context, spot: Spot, start: int, end: int,
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


def _own_count(context: Context, start: int, end: int) -> tuple[int, int, Any] | None:
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


def _reach(context: Context, start: int, end: int, clause: tuple[int, int]) -> tuple[int, int]:
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


