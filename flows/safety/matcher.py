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
        self._chains: list[tuple[tuple[int, ...], tuple[int, ...], tuple[bool, ...]]] = []
        self._starting: dict[int, list[int]] = {}
        self._needs: list[frozenset[int]] = []
        keys: dict[str, set[int]] = {}
        for index, pattern in enumerate(patterns):
            ids = []
            for words, _ in pattern.slots:
                part = part_ids.setdefault(words, len(part_ids))
                ids.append(part)
                for word in words:
                    for form in variants(word, spell, typos):
                        keys.setdefault(form, set()).add(part)
            self._chains.append((tuple(ids), pattern.gaps,
                                 tuple(optional for _, optional in pattern.slots)))
            self._needs.append(frozenset(i for i, (_, optional) in zip(ids, pattern.slots,
                                                                        strict=True)
                                         if not optional))
            self._starting.setdefault(ids[0], []).append(index)
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
        self.size = len(keys)

    def state(self) -> dict[str, Any]:
        """Everything but the automaton, as JSON data (see flows/safety/cache.py)."""
        return {"chains": self._chains, "starting": list(self._starting.items()),
                "needs": [sorted(n) for n in self._needs], "values": self._values,
                "breaks": self.breaks, "size": self.size}

    @classmethod
    def restore(cls, state: dict[str, Any], automaton: Any) -> Matcher:
        """A matcher from :meth:`state` and its saved automaton (no compiling)."""
        matcher = cls.__new__(cls)
        matcher.patterns = []
        matcher.breaks = tuple(state["breaks"])
        matcher._chains = [(tuple(a), tuple(b), tuple(c)) for a, b, c in state["chains"]]
        matcher._starting = {int(k): list(v) for k, v in state["starting"]}
        matcher._needs = [frozenset(n) for n in state["needs"]]
        matcher._values = [(a, b, tuple(c)) for a, b, c in state["values"]]
        matcher._automaton = automaton
        matcher.size = state["size"]
        return matcher

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
                if not self._needs[index] <= found.keys():
                    continue  # a part it needs is nowhere in the text
                span = self._chain(text, index, starts)
                if span is not None:
                    hits.append(Hit(index, *span))
        return hits

    def _chain(self, text: str, index: int,
               starts: dict[int, list[tuple[int, int]]]) -> tuple[int, int] | None:
        chain = self._chains[index]
        failed: set[tuple[int, int]] = set()  # (slot, end) already known to lead nowhere
        for start, end in starts[chain[0][0]]:
            last = self._follow(text, chain, 1, end, starts, failed)
            if last is not None:
                return start, last
        return None

    def _follow(self, text: str, chain: tuple[tuple[int, ...], tuple[int, ...], tuple[bool, ...]],
                at: int, end: int, starts: dict[int, list[tuple[int, int]]],
                failed: set[tuple[int, int]]) -> int | None:
        parts, gaps, optional = chain
        if at == len(parts):
            return end
        if (at, end) in failed:
            return None
        spots = starts.get(parts[at], ())
        for start, next_end in spots[bisect.bisect_left(spots, (end, -1)):]:
            if start - end > gaps[at - 1]:
                break
            between = text[end:start]
            if BOUNDARY in between or any(b in between for b in self.breaks):
                continue
            last = self._follow(text, chain, at + 1, next_end, starts, failed)
            if last is not None:
                return last
        if optional[at]:
            last = self._follow(text, chain, at + 1, end, starts, failed)
            if last is not None:
                return last
        failed.add((at, end))
        return None
