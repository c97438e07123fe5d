"""Find every pattern of a lexicon in a text: one Aho-Corasick pass, then short chains.

Each slot's words are keys of one automaton; a pass over the (padded) text gives every place a
slot's word occurs, overlapping ones included; a pattern matches when its slots follow each
other within their gaps. Bounded by construction: each (slot, position) is explored once.
"""

from __future__ import annotations

import bisect
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

import ahocorasick

from flows.safety.normalize import BOUNDARY, is_word, normalise_term
from flows.safety.patterns import Pattern, variants


Chain = tuple[tuple[int, ...], tuple[int, ...], tuple[bool, ...], int]
"""A pattern's slot ids, the gap before each slot after the first, which slots are optional,
and its anchor (the required slot the automaton looks for)."""


@dataclass(frozen=True, slots=True)
class Hit:
    """Where one pattern matched: ``[start, end)`` of the normalised text."""

    pattern: int
    start: int
    end: int


class Matcher:
    """All patterns of a lexicon, found in one pass. Build once; ``find`` is thread-safe."""

    def __init__(self, patterns: list[Pattern], *, breaks: Iterable[str] = (),
                 spellings: Mapping[str, tuple[str, ...]] | None = None,
                 fuzzy: Iterable[str] = ()) -> None:
        self.patterns = patterns
        self.breaks = tuple(b for b in (normalise_term(x) for x in breaks) if b)
        spell = {normalise_term(k): tuple(normalise_term(v) for v in vs)
                 for k, vs in (spellings or {}).items()}
        typos = frozenset(normalise_term(w) for w in fuzzy)
        part_ids: dict[frozenset[str], int] = {}
        slots = [[part_ids.setdefault(words, len(part_ids)) for words, _ in p.slots]
                 for p in patterns]
        forms_of = {part: sorted({f for w in words for f in variants(w, spell, typos)})
                    for words, part in part_ids.items()}
        self._chains: list[Chain] = []
        self._starting: dict[int, list[int]] = {}
        anchors: set[int] = set()
        for index, (pattern, ids) in enumerate(zip(patterns, slots, strict=True)):
            optional = tuple(opt for _, opt in pattern.slots)
            required = [i for i in range(len(ids)) if not optional[i]]
            # the anchor, the only slot the automaton looks for, is the most telling one: the
            # one whose shortest word is longest ("说", "they", "我" are everywhere; the
            # other slots are looked up beside the anchor, in a few characters of text)
            anchor = max(required, key=lambda i: min(len(f) for f in forms_of[ids[i]]))
            anchors.add(ids[anchor])
            self._chains.append((tuple(ids), pattern.gaps, optional, anchor))
            self._starting.setdefault(ids[anchor], []).append(index)
        self._beside = {part: forms for part, forms in forms_of.items() if part not in anchors}
        keys: dict[str, set[int]] = {}
        for part in anchors:
            for form in forms_of[part]:
                keys.setdefault(form, set()).add(part)
        self._values: list[tuple[int, int, tuple[int, ...]]] = []
        self._automaton = ahocorasick.Automaton(ahocorasick.STORE_INTS)
        value_ids: dict[tuple[int, int, tuple[int, ...]], int] = {}
        for key, parts in keys.items():
            lead, trail = int(is_word(key[0])), int(is_word(key[-1]))
            padded = " " * lead + key + " " * trail
            value = (len(padded) - lead, trail, tuple(sorted(parts)))
            if value not in value_ids:
                value_ids[value] = len(self._values)
                self._values.append(value)
            self._automaton.add_word(padded, value_ids[value])
        if keys:
            self._automaton.make_automaton()
        self.size = len(keys) + sum(len(forms) for forms in self._beside.values())
        self._lookups: dict[int, Any] = {}
        self._longest: dict[int, int] = {}

    def state(self) -> dict[str, Any]:
        """Everything but the automaton, as JSON data (see flows/safety/cache.py)."""
        return {"chains": self._chains, "starting": list(self._starting.items()),
                "values": self._values, "beside": list(self._beside.items()),
                "breaks": self.breaks, "size": self.size}

    @classmethod
    def restore(cls, state: dict[str, Any], automaton: Any) -> Matcher:
        """A matcher from :meth:`state` and its saved automaton (no compiling)."""
        matcher = cls.__new__(cls)
        matcher.patterns = []
        matcher.breaks = tuple(state["breaks"])
        matcher._chains = [(tuple(a), tuple(b), tuple(c), d) for a, b, c, d in state["chains"]]
        matcher._beside = {int(k): v for k, v in state["beside"]}
        matcher._starting = {int(k): list(v) for k, v in state["starting"]}
        matcher._values = [(a, b, tuple(c)) for a, b, c in state["values"]]
        matcher._automaton = automaton
        matcher.size = state["size"]
        matcher._lookups = {}
        matcher._longest = {}
        return matcher

    def beside(self, part: int) -> Any:
        """A small automaton of the words of a slot that is never an anchor (built on first
        use), to search the few characters around an anchor for them."""
        known = self._lookups.get(part)
        if known is None:
            known = ahocorasick.Automaton()
            for form in self._beside[part]:
                lead, trail = int(is_word(form[0])), int(is_word(form[-1]))
                padded = " " * lead + form + " " * trail
                known.add_word(padded, (len(padded) - lead, trail))
            known.make_automaton()
            self._lookups[part] = known
        return known

    def longest(self, part: int) -> int:
        known = self._longest.get(part)
        if known is None:
            known = self._longest[part] = max(len(f) for f in self._beside[part]) + 2
        return known

    def save_automaton(self, path: str) -> None:
        self._automaton.save(path)

    def find(self, text: str) -> list[Hit]:
        """Every pattern that matches the normalised ``text`` (its first match each).

        English words of the text and of the keys are padded with spaces, so a key only
        matches whole words and no boundary needs checking (``he`` never fires in ``the``)."""
        if not self.size or not text:
            return []
        text = " " + text.replace(BOUNDARY, " \n ") + " "
        found: dict[int, list[tuple[int, int]]] = {}
        values = self._values
        for end_index, value in self._automaton.iter(text):
            length, trail, parts = values[value]
            end = end_index + 1 - trail  # the word itself, without the padding spaces
            spot = (end + trail - length, end)
            for part in parts:
                if part in found:
                    found[part].append(spot)
                else:
                    found[part] = [spot]
        starts = {part: sorted(spots) for part, spots in found.items()}
        hits = []
        for part in found:
            for index in self._starting.get(part, ()):
                span = _Search(self, text, starts, self._chains[index]).run()
                if span is not None:
                    hits.append(Hit(index, *span))
        return hits


class _Search:
    """One pattern in one text: from each place its anchor slot occurs, the slots after it
    forwards and the slots before it backwards, each within its gap. Every (slot, position) is
    tried once (``failed``), so the work is bounded by slots x positions."""

    def __init__(self, matcher: Matcher, text: str, starts: dict[int, list[tuple[int, int]]],
                 chain: Chain) -> None:
        self.matcher, self.text, self.starts = matcher, text, starts
        self.parts, self.gaps, self.optional, self.anchor = chain
        self.failed: set[tuple[int, int, bool]] = set()
        self.ends: dict[int, list[tuple[int, int]]] = {}

    def run(self) -> tuple[int, int] | None:
        for start, end in self.starts[self.parts[self.anchor]]:
            last = self.forward(self.anchor + 1, end)
            if last is not None:
                first = self.backward(self.anchor - 1, start)
                if first is not None:
                    return first, last
        return None

    def _spots(self, at: int, low: int, high: int, *, ending: bool) -> list[tuple[int, int]]:
        """Where slot ``at`` occurs starting (or ``ending``) within [low, high], nearest
        first: from the automaton's finds for an anchor slot, else looked up in the few
        characters of text around (a literal alternation: no backtracking)."""
        part = self.parts[at]
        if part in self.matcher._beside:
            longest = self.matcher.longest(part)
            window = (max(low - longest, 0), high + 1) if ending else (max(low - 1, 0),
                                                                        high + longest)
            found = []
            for end_index, (length, trail) in self.matcher.beside(part).iter(self.text, *window):
                end = end_index + 1 - trail
                spot = (end + trail - length, end)
                if low <= spot[ending] <= high:
                    found.append(spot)
            found.sort()
            return found[::-1] if ending else found
        spots = self.starts.get(part, [])
        if ending:
            by_end = self.ends.get(part)
            if by_end is None:
                by_end = self.ends[part] = sorted((e, s) for s, e in spots)
            found = [(s, e) for e, s in by_end[bisect.bisect_left(by_end, (low, -1)):
                                                bisect.bisect_right(by_end, (high, 1 << 30))]]
            return found[::-1]
        return spots[bisect.bisect_left(spots, (low, -1)):
                     bisect.bisect_right(spots, (high, 1 << 30))]

    def _clear(self, left: int, right: int) -> bool:
        between = self.text[left:right]
        return BOUNDARY not in between and not any(b in between for b in self.matcher.breaks)

    def forward(self, at: int, end: int) -> int | None:
        if at == len(self.parts):
            return end
        if (at, end, True) in self.failed:
            return None
        for start, next_end in self._spots(at, end, end + self.gaps[at - 1], ending=False):
            if self._clear(end, start):
                last = self.forward(at + 1, next_end)
                if last is not None:
                    return last
        if self.optional[at]:
            last = self.forward(at + 1, end)
            if last is not None:
                return last
        self.failed.add((at, end, True))
        return None

    def backward(self, at: int, start: int) -> int | None:
        if at < 0:
            return start
        if (at, start, False) in self.failed:
            return None
        for first, end in self._spots(at, start - self.gaps[at], start, ending=True):
            if self._clear(end, start):
                found = self.backward(at - 1, first)
                if found is not None:
                    return found
        if self.optional[at]:
            found = self.backward(at - 1, start)
            if found is not None:
                return found
        self.failed.add((at, start, False))
        return None
