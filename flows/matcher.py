"""Read a story once and find every compiled pattern in it.

All literal words of all patterns and lists sit in one Aho-Corasick automaton (pyahocorasick,
in C): one pass over the folded story finds every occurrence of every word, overlapping ones
included. Patterns are then checked on those occurrences only — a gap is "the next word of
this set within 24 characters of the same clause" — so the cost grows with the words found,
not with the number of patterns times the length of the story.
"""

from __future__ import annotations

import bisect
import heapq
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

import ahocorasick

from flows.patterns import ENDING, ENDING_CHARS, GAP_CHARS, NAME_CHARS, Sequence, Words, fold

_CUTS = {**{c: 2 for c in ".!?。！？\n"}, **{c: 1 for c in ",，;；:：、"}, "但是": 1, "可是": 1}
"""Marks that end a sentence (2) or a clause (1); "." and "," between digits do not."""
_WHITE = str.maketrans({"\t": " ", "\r": "\n", "\f": " ", "\v": " ", "\u3000": " "})
_LATIN = frozenset("abcdefghijklmnopqrstuvwxyz0123456789")
_SOFT_BREAK = re.compile(r"(?<=[a-z0-9,;'\"”’)*])[ ]*\n(?=[ ]*[a-z0-9(\"'“‘$])")
"""A single line break between Latin words is a wrapped line, not the end of a sentence."""

Step = int | str
"""A set id, or "gap" / "ending" / "name"."""
Program = tuple[tuple[Step, ...], ...]


@dataclass(slots=True)
class Lexicon:
    """Every set of words of every pattern, with one automaton over all their strings."""

    sets: dict[tuple[frozenset[str], bool], int] = field(default_factory=dict)
    by_string: dict[str, list[tuple[int, bool]]] = field(default_factory=dict)
    automaton: ahocorasick.Automaton | None = None

    def program(self, sequences: Iterable[Sequence]) -> Program:
        """Sequences as steps over set ids (a set followed by ``*`` keeps its end open)."""
        out = []
        for seq in sequences:
            steps: list[Step] = []
            for index, item in enumerate(seq):
                if isinstance(item, Words):
                    open_end = index + 1 < len(seq) and seq[index + 1] is ENDING
                    steps.append(self._set(item.strings, not open_end))
                else:
                    steps.append(item.kind)
            out.append(tuple(steps))
        return tuple(out)

    def _set(self, strings: frozenset[str], bound_end: bool) -> int:
        key = (strings, bound_end)
        if key not in self.sets:
            self.sets[key] = len(self.sets)
            for string in strings:
                self.by_string.setdefault(string, []).append((self.sets[key], bound_end))
        return self.sets[key]

    def finish(self) -> None:
        """Build the automaton: each string carries what the scan needs to place it (its
        length, whether its edges are Latin letters, the sets it belongs to) plus the
        punctuation that ends clauses and sentences, so one pass finds both."""
        automaton = ahocorasick.Automaton()
        for string, targets in self.by_string.items():
            automaton.add_word(string, (len(string), string[0] in _LATIN,
                                        string[-1] in _LATIN, tuple(targets), 0))
        for mark, level in _CUTS.items():
            if mark not in self.by_string:
                automaton.add_word(mark, (len(mark), False, False, (), level))
        automaton.make_automaton()
        self.automaton = automaton


class Scan:
    """One story, folded, with every word occurrence found in one pass."""

    def __init__(self, text: str, lexicon: Lexicon) -> None:
        self.text = text
        folded = fold(text)
        self._offsets: list[int] | None = None
        if len(folded) != len(text):  # rare ("ß", "㎡"): map each folded character back
            parts, offsets = [], []
            for index, char in enumerate(text):
                piece = fold(char)
                parts.append(piece)
                offsets.extend([index] * len(piece))
            folded = "".join(parts)
            self._offsets = offsets + [len(text)]
        if "\t" in folded or "\r" in folded or "\f" in folded or "\v" in folded:
            folded = folded.translate(_WHITE)
        if "\n" in folded:  # a line wrapped inside a Latin sentence goes on ("(not a\ncollection")
            folded = _SOFT_BREAK.sub(" ", folded)
        self.folded = folded
        self.found: dict[int, list[tuple[int, int]]] = {}
        self._cache: dict[Program, list[tuple[int, int, tuple[int, int] | None]]] = {}
        self.sentences = [0]
        self.clauses = [0]
        if lexicon.automaton is not None:
            self._occurrences(lexicon)
        self.sentences.append(len(self.folded) + 1)
        self.clauses.append(len(self.folded) + 1)

    def original(self, position: int) -> int:
        """Where a position of the folded story is in the text as written."""
        return position if self._offsets is None else self._offsets[position]

    def _occurrences(self, lexicon: Lexicon) -> None:
        text = self.folded
        size = len(text)
        found: dict[int, list[tuple[int, int]]] = {}
        sentences, clauses = self.sentences, self.clauses
        latin = _LATIN
        for last, (length, latin_start, latin_end, targets, cut) in \
                lexicon.automaton.iter(text):  # type: ignore[union-attr]
            end = last + 1
            start = end - length
            if cut:
                if text[start] in ".," and 0 < start and end < size and \
                        text[start - 1].isdigit() and text[end].isdigit():
                    continue  # 2,340.17
                clauses.append(end)
                if cut == 2:
                    sentences.append(end)
                continue
            if latin_start and start > 0 and text[start - 1] in latin:
                continue
            closed = latin_end and end < size and text[end] in latin
            for set_id, bound_end in targets:
                if not (bound_end and closed):
                    spans = found.get(set_id)
                    if spans is None:
                        found[set_id] = [(start, end)]
                    else:
                        spans.append((start, end))
        for spans in found.values():
            spans.sort(key=lambda span: (span[0], -span[1]))  # the longest first at a start
        self.found = found

    def clause_of(self, position: int) -> tuple[int, int]:
        index = bisect.bisect_right(self.clauses, position) - 1
        return self.clauses[index], min(self.clauses[index + 1], len(self.folded))

    def sentence_of(self, position: int) -> tuple[int, int]:
        index = bisect.bisect_right(self.sentences, position) - 1
        return self.sentences[index], min(self.sentences[index + 1], len(self.folded))

    def same_clause(self, a: int, b: int) -> bool:
        return bisect.bisect_right(self.clauses, a) == bisect.bisect_right(self.clauses, b)

    def spans(self, program: Program) -> list[tuple[int, int, tuple[int, int] | None]]:
        """Every match of a program: (start, end, name span or None), by start."""
        cached = self._cache.get(program)
        if cached is None:
            if len(program) == 1 and len(program[0]) == 1:  # one set of words: as found
                spans = self.found.get(program[0][0], ())  # type: ignore[call-overload]
                seen: set[int] = set()
                cached = [(s, e, None) for s, e in spans if not (s in seen or seen.add(s))]
            else:
                found: dict[int, tuple[int, int, tuple[int, int] | None]] = {}
                for steps in program:
                    for match in self._one(steps, False):
                        found.setdefault(match[0], match)
                cached = [found[key] for key in sorted(found)]
            self._cache[program] = cached
        return cached

    def matches(self, program: Program, backwards: bool = False
                ) -> Iterator[tuple[int, int, tuple[int, int] | None]]:
        """Matches one by one, from the first (or from the last): callers that need only
        one stop early. One match per start position."""
        if program in self._cache:
            yield from (reversed(self._cache[program]) if backwards else self._cache[program])
            return
        streams = [self._one(steps, backwards) for steps in program]
        merged = streams[0] if len(streams) == 1 else heapq.merge(
            *streams, key=lambda m: -m[0] if backwards else m[0])
        last = None
        for match in merged:
            if match[0] != last:
                last = match[0]
                yield match

    def _one(self, steps: tuple[Step, ...], backwards: bool
             ) -> Iterator[tuple[int, int, tuple[int, int] | None]]:
        firsts = self.found.get(steps[0], ())  # type: ignore[call-overload]
        if len(steps) == 1:
            for start, end in (reversed(firsts) if backwards else firsts):
                yield (start, end, None)
            return
        for start, end in (reversed(firsts) if backwards else firsts):
            matched = self._rest(steps, 1, end)
            if matched is not None:
                yield (start, *matched)

    def _rest(self, steps: tuple[Step, ...], index: int, at: int
              ) -> tuple[int, tuple[int, int] | None] | None:
        mark = None
        name: tuple[int, int] | None = None
        text = self.folded
        found = self.found
        clauses = self.clauses
        for step in steps[index:]:
            if step.__class__ is str:
                mark = step
                continue
            spans = found.get(step)  # type: ignore[call-overload]
            if not spans:
                return None
            position = bisect.bisect_left(spans, (at, -1))
            if position >= len(spans):
                return None
            if mark is None:  # straight on (after a word ending: see below)
                first = spans[position]
                if first[0] != at:
                    return None
                at = first[1]
                continue
            room = GAP_CHARS if mark == "gap" else NAME_CHARS if mark == "name" else \
                ENDING_CHARS
            clause_end = clauses[bisect.bisect_right(clauses, at)]
            limit = min(at + room, clause_end - 1)
            chosen = None
            for start, end in spans[position:]:
                if start > limit:
                    break
                if mark == "ending" and not all(c in _LATIN for c in text[at:start]):
                    continue
                if mark == "name" and start == at:
                    continue
                chosen = (start, end)
                break
            if chosen is None:
                return None
            if mark == "name":
                name = (at, chosen[0])
            at, mark = chosen[1], None
        if mark == "ending":
            limit = min(len(text), at + ENDING_CHARS)
            while at < limit and text[at] in _LATIN:
                at += 1
        elif mark == "name":
            clause_end = self.clause_of(at)[1]
            stop = min(clause_end, at + NAME_CHARS)
            if stop <= at:
                return None
            name = (at, stop)
            at = stop
        return at, name
