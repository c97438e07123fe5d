"""The pattern syntax operators write in ``spotter:``, compiled for one fast pass over a story.

Operators never write regular expressions. A pattern is text with a few marks:

=============  ==============================================================================
``威胁``        the words themselves (case and full/half width ignored)
``a b``        a space matches any run of spaces or line breaks
``…`` ``...``  a gap: up to 24 characters inside the same clause ("威胁…打死": 威胁要把你打死)
``(a|b)``      one of several; ``(a|b)?`` or ``x?``: may be left out
``threaten*``  a word and its endings (threatens, threatened, threatening)
``<family>``   any word of a named list (``words:``, ``people:``, ``channels:`` of the
               spotter; ``<people>`` / ``<channels>``: every list of that kind)
``{name}``     a name to keep (the lender or collector); not first, at most one per pattern
=============  ==============================================================================

A pattern compiles to a few *sequences* of literal-word sets joined by gaps, endings and the
name slot. Every literal of every pattern goes into one Aho-Corasick automaton
(:mod:`flows.matcher`), so a story is read once, in C, whatever the number of patterns; the
sequences are then checked on the words found. Nothing can take exponential time: there is no
backtracking, a gap is at most 24 characters, and expansion is capped (an error says so).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass

GAP_CHARS = 24
NAME_CHARS = 30
ENDING_CHARS = 8
MAX_WORDS = 5000
"""Literal strings one part of a pattern may expand to (e.g. ``给<people>``)."""
MAX_SEQUENCES = 64
MAX_GAPS = 3
_LATIN = re.compile(r"[a-z0-9]")


class PatternError(ValueError):
    """A pattern that cannot be used; the message says how to write it."""


def fold(text: str) -> str:
    """Case- and width-insensitive form (NFKC, casefold), as stories are matched."""
    if not unicodedata.is_normalized("NFKC", text):
        text = unicodedata.normalize("NFKC", text)
    return text.casefold()


@dataclass(frozen=True, slots=True)
class Words:
    """A set of literal strings matched contiguously."""

    strings: frozenset[str]


@dataclass(frozen=True, slots=True)
class Mark:
    """``gap``, ``ending`` (``*``) or ``name`` between two sets of words."""

    kind: str


Item = Words | Mark
Sequence = tuple[Item, ...]

GAP, ENDING, NAME = Mark("gap"), Mark("ending"), Mark("name")


def _concat(left: list[Sequence], right: list[Sequence], error: PatternError
            ) -> list[Sequence]:
    out: list[Sequence] = []
    for a in left:
        for b in right:
            if a and b and isinstance(a[-1], Words) and isinstance(b[0], Words):
                product = frozenset((x + y).replace("  ", " ") for x in a[-1].strings
                                    for y in b[0].strings)
                if len(product) > MAX_WORDS:
                    raise error
                out.append((*a[:-1], Words(product), *b[1:]))
            else:
                out.append((*a, *b))
    if len(out) > MAX_SEQUENCES:
        raise error
    return out


def _union(options: list[list[Sequence]]) -> list[Sequence]:
    """Alternatives; single sets of words merge into one set (fewer sequences)."""
    merged: set[str] = set()
    rest: list[Sequence] = []
    for option in options:
        for seq in option:
            if len(seq) == 1 and isinstance(seq[0], Words):
                merged |= seq[0].strings
            elif not seq:
                merged.add("")
            else:
                rest.append(seq)
    return ([(Words(frozenset(merged)),)] if merged else []) + rest


class _Parser:
    def __init__(self, pattern: str, lists: Mapping[str, list[Sequence]], slots: bool) -> None:
        self.text = re.sub(r"\s*(?:…|\.\.\.)+\s*", "…", " ".join(fold(pattern).split()))
        self.lists = lists
        self.slots = slots
        self.pos = 0
        self.too_big = PatternError(f"pattern '{self.text}' expands to too many words; split "
                                    "it into several patterns")

    def error(self, message: str) -> PatternError:
        return PatternError(f"pattern '{self.text}': {message}")

    def parse(self) -> list[Sequence]:
        if not self.text:
            raise self.error("it is empty")
        result = self.alternatives()
        if self.pos != len(self.text):
            raise self.error("')' without '(' — write \\) for the character itself")
        return result

    def alternatives(self) -> list[Sequence]:
        options = [self.sequence()]
        while self.pos < len(self.text) and self.text[self.pos] == "|":
            self.pos += 1
            options.append(self.sequence())
        if any(option == [()] for option in options):
            raise self.error("an empty choice: write (a|b), not (a|) or (|b)")
        return _union(options)

    def sequence(self) -> list[Sequence]:
        result: list[Sequence] = [()]
        while self.pos < len(self.text) and self.text[self.pos] not in "|)":
            result = _concat(result, self.atom(), self.too_big)
        return result

    def atom(self) -> list[Sequence]:
        text, char = self.text, self.text[self.pos]
        if text.startswith("...", self.pos) or char == "…":
            self.pos += 3 if char == "." else 1
            while self.pos < len(text) and text[self.pos] in "… ":
                self.pos += 1
            return [(GAP,)]
        if char == "\\":
            if self.pos + 1 >= len(text):
                raise self.error("'\\' at the end: nothing to take literally")
            self.pos += 2
            return self.optional([(Words(frozenset({text[self.pos - 1]})),)])
        if char == "(":
            self.pos += 1
            inner = self.alternatives()
            if self.pos >= len(text) or text[self.pos] != ")":
                raise self.error("'(' is never closed with ')'")
            self.pos += 1
            return self.optional(inner)
        if char == "<":
            end = text.find(">", self.pos)
            name = text[self.pos + 1:end] if end > 0 else ""
            if not re.fullmatch(r"[a-z][a-z0-9_]{0,31}", name):
                raise self.error("write a word list as <name>, a name from words:, people: "
                                 "or channels:")
            if name not in self.lists:
                known = ", ".join(sorted(self.lists)) or "none defined"
                raise self.error(f"no word list '{name}' (known: {known})")
            self.pos = end + 1
            return self.optional(list(self.lists[name]))
        if char == "{":
            end = text.find("}", self.pos)
            slot = text[self.pos + 1:end] if end > 0 else ""
            if not self.slots:
                raise self.error("a word list takes no {name} slot; put it in a pattern")
            if slot != "name":
                raise self.error("the only slot is {name}; for a literal brace write \\{")
            self.pos = end + 1
            return [(NAME,)]
        if char in "?*":
            raise self.error(f"'{char}' must follow a word or a group")
        self.pos += 1
        if self.pos < len(text) and text[self.pos] == "*":
            if not _LATIN.match(char):
                raise self.error("'*' (word endings) follows a Latin letter only")
            self.pos += 1
            return [(Words(frozenset({char})), ENDING)]
        return self.optional([(Words(frozenset({char})),)])

    def optional(self, inner: list[Sequence]) -> list[Sequence]:
        if self.pos < len(self.text) and self.text[self.pos] == "?":
            self.pos += 1
            return _union([inner, [()]])
        return inner


def _check(sequences: list[Sequence], text: str, slots: bool) -> list[Sequence]:
    for seq in sequences:
        if not seq or not isinstance(seq[0], Words):
            raise PatternError(f"pattern '{text}': it must start with words, not with a gap, "
                               "a name or an optional part alone")
        if any(isinstance(i, Words) and ("" in i.strings or " " in i.strings) for i in seq):
            raise PatternError(f"pattern '{text}': words next to a gap, a name or the ends "
                               "cannot be left out (drop the '?' there)")
        if seq[-1] is NAME and len(seq) == 1:
            raise PatternError(f"pattern '{text}': put words before {{name}}")
        if sum(1 for i in seq if i is GAP) > MAX_GAPS:
            raise PatternError(f"pattern '{text}': at most {MAX_GAPS} gaps (…); split it")
        if sum(1 for i in seq if i is NAME) > 1:
            raise PatternError(f"pattern '{text}': at most one {{name}}")
        for a, b in zip(seq, seq[1:]):
            if isinstance(a, Mark) and isinstance(b, Mark) and not (a is ENDING and b is GAP):
                raise PatternError(f"pattern '{text}': put words between two gaps or a gap "
                                   "and {name}")
    return sequences


def compile_pattern(pattern: str, lists: Mapping[str, list[Sequence]], *,
                    slots: bool = True) -> list[Sequence]:
    """The sequences one pattern (or one listed word) stands for; PatternError if unusable."""
    parser = _Parser(pattern, lists, slots)
    return _check(parser.parse(), parser.text, slots)
