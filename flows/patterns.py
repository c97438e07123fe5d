"""The pattern syntax operators write in ``spotter:``, compiled to safe regular expressions.

Operators never write regular expressions. A pattern is text with a few marks:

=============  ==============================================================================
``威胁``        the words themselves (case and full/half width ignored)
``a b``        a space matches any run of spaces or line breaks
``…`` ``...``  a gap: up to 24 characters inside the same sentence ("威胁…打死": 威胁要把你打死)
``(a|b)``      one of several; ``(a|b)?`` or ``x?``: may be left out
``threaten*``  a word and its endings (threatens, threatened, threatening)
``<family>``   any word of a named list (``words:``, ``people:``, ``channels:`` of the
               spotter; ``<people>`` / ``<channels>``: every list of that kind)
``{name}``     a name to keep (the lender or collector), at most one per pattern
=============  ==============================================================================

Why a syntax of our own: every quantifier it can produce is bounded (a gap is at most 24
characters, a word ending at most 8 letters, at most three gaps per pattern), so no pattern
an operator writes can make matching take exponential time on a long story, and a typo is
reported at ``file:line`` with what to write instead.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping, Sequence

GAP = r"[^.!?。！？\n]{0,24}?"
MAX_GAPS = 3
NAME = r"(?P<name>[^\n,，。.!！?？、:：;；\"“”‘’()（）《》<>「」]{1,30}%s)"
_LATIN = re.compile(r"[a-z0-9]")


class PatternError(ValueError):
    """A pattern that cannot be used; the message says how to write it."""


def fold(text: str) -> str:
    """Case- and width-insensitive form (NFKC, casefold), as stories are matched."""
    return unicodedata.normalize("NFKC", text).casefold()


def _literal(char: str) -> str:
    if char == " ":
        return r"\s+"
    return re.escape(char)


def word_regex(word: str) -> str:
    """One word of a list: literal, with ``*`` endings and word edges for Latin letters."""
    word = fold(word).strip()
    ending = word.endswith("*")
    word = word.rstrip("*")
    if not word:
        raise PatternError("a word cannot be empty or only '*'")
    body = "".join(_literal(c) for c in word)
    if ending:
        body += r"[a-z']{0,8}"
    if _LATIN.match(word[0]):
        body = r"(?<![a-z0-9])" + body
    if _LATIN.match(word[-1]) and not ending:
        body += r"(?![a-z0-9])"
    return body


def words_regex(words: Sequence[str]) -> str:
    """Any of the words, longest first (so "my mother" wins over "mother")."""
    ordered = sorted({fold(w).strip() for w in words}, key=lambda w: (-len(w), w))
    return "(?:" + "|".join(word_regex(w) for w in ordered) + ")"


class _Compiler:
    def __init__(self, pattern: str, lists: Mapping[str, str]) -> None:
        self.text = fold(pattern).strip()
        self.lists = lists
        self.pos = 0
        self.gaps = 0
        self.names = 0

    def error(self, message: str) -> PatternError:
        return PatternError(f"pattern '{self.text}': {message}")

    def compile(self) -> str:
        if not self.text:
            raise self.error("it is empty")
        body = self.alternatives(top=True)
        if self.pos != len(self.text):
            raise self.error("')' without '(' — write \\) for the character itself")
        if self.gaps > MAX_GAPS:
            raise self.error(f"at most {MAX_GAPS} gaps (…) in one pattern; split it in two")
        first, last = self.text[0], self.text[-1]
        if _LATIN.match(first):
            body = r"(?<![a-z0-9])" + body
        if _LATIN.match(last):
            body += r"(?![a-z0-9])"
        return body

    def alternatives(self, top: bool = False) -> str:
        options = [self.sequence()]
        while self.pos < len(self.text) and self.text[self.pos] == "|":
            self.pos += 1
            options.append(self.sequence())
        if any(not o for o in options):
            raise self.error("an empty choice: write (a|b), not (a|) or (|b)")
        return options[0] if len(options) == 1 else "(?:" + "|".join(options) + ")"

    def sequence(self) -> str:
        parts: list[str] = []
        while self.pos < len(self.text):
            char = self.text[self.pos]
            if char in "|)":
                break
            parts.append(self.atom())
        return "".join(parts)

    def atom(self) -> str:
        text, char = self.text, self.text[self.pos]
        if text.startswith("...", self.pos) or char == "…":
            self.pos += 3 if char == "." else 1
            while self.pos < len(text) and text[self.pos] == "…":
                self.pos += 1
            self.gaps += 1
            return GAP
        if char == "\\":
            if self.pos + 1 >= len(text):
                raise self.error("'\\' at the end: nothing to take literally")
            self.pos += 2
            return self.optional(_literal(text[self.pos - 1]))
        if char == "(":
            self.pos += 1
            inner = self.alternatives()
            if self.pos >= len(text) or text[self.pos] != ")":
                raise self.error("'(' is never closed with ')'")
            self.pos += 1
            return self.optional(f"(?:{inner})")
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
            return self.optional(self.lists[name])
        if char == "{":
            end = text.find("}", self.pos)
            slot = text[self.pos + 1:end] if end > 0 else ""
            if slot != "name":
                raise self.error("the only slot is {name}; for a literal brace write \\{")
            self.names += 1
            if self.names > 1:
                raise self.error("at most one {name} in a pattern")
            self.pos = end + 1
            lazy = "?" if self.pos < len(text) and text[self.pos] not in "|)" else ""
            return NAME % lazy
        if char in "?*":
            raise self.error(f"'{char}' must follow a word or a group")
        self.pos += 1
        if self.pos < len(text) and text[self.pos] == "*":
            if not _LATIN.match(char):
                raise self.error("'*' (word endings) follows a Latin letter only")
            self.pos += 1
            return _literal(char) + r"[a-z']{0,8}"
        return self.optional(_literal(char))

    def optional(self, regex: str) -> str:
        if self.pos < len(self.text) and self.text[self.pos] == "?":
            self.pos += 1
            return f"(?:{regex})?"
        return regex


def compile_pattern(pattern: str, lists: Mapping[str, str]) -> str:
    """The regular expression for one operator pattern (``lists``: name -> words regex)."""
    return _Compiler(pattern, lists).compile()
