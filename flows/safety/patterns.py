"""The lexicon's pattern language, and one pass that finds every pattern in a text.

Operators write patterns, not regular expressions, so no pattern can backtrack
catastrophically or take time out of proportion to the text:

* ``不想活`` — words (matched on the normalised text, see :mod:`flows.safety.normalize`);
* ``(吃|喝|吞)了`` — one of several words; ``(一瓶|)`` or ``(一瓶)?`` — optional;
* ``@others`` — any word of the named word list ``others``;
* ``写 ~4 遗书`` — up to 4 characters between two parts (``~`` alone: up to 8). A gap never
  crosses a sentence end, nor any of the lexicon's ``gap_breaks`` (``我想``: someone else's
  words stop where the user starts speaking again).

English words match whole (``die`` does not match ``diet``). Every alternative is expanded when
the lexicon loads (at most :data:`MAX_ALTERNATIVES` per part) and the parts of all patterns
go into one Aho-Corasick automaton (flows/safety/matcher.py): a check is one pass over the
text, then a few lookups per part found.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from flows.safety.normalize import BOUNDARY, is_cjk, is_word, normalise_term

DEFAULT_GAP = 8
MAX_GAP = 30
MAX_PARTS = 6
MAX_ALTERNATIVES = 500
SLOT = 400
"""Chinese alternatives are cut into slots of about this many words."""
MAX_PATTERN = 300
_GAP = re.compile(r"\s*~(\d*)\s*")
_PIECE = re.compile(r"\(([^()]*)\)(\?)?|@([a-z][a-z0-9_]*)|([^()@~|]+)")


class PatternError(ValueError):
    """A pattern that breaks the syntax; the message says how to fix it."""


@dataclass(frozen=True, slots=True)
class Pattern:
    """One parsed pattern: its slots (words, optional?) and the gap allowed before each slot
    after the first. Inside a part, long Chinese alternatives are cut into slots that follow
    each other with no gap, so ``(喝|吞)了(@many)?(的)?(@poison)`` is four small slots, not
    thousands of expanded words."""

    slots: tuple[tuple[frozenset[str], bool], ...]
    gaps: tuple[int, ...]


def parse(text: str, sets: Mapping[str, Iterable[str]]) -> Pattern:
    """Parse and expand one pattern; :class:`PatternError` says what is wrong."""
    if len(text) > MAX_PATTERN:
        raise PatternError(f"a pattern may be at most {MAX_PATTERN} characters; split it")
    pieces = _GAP.split(text.strip())
    parts = [_part(piece, sets, text) for piece in pieces[0::2]]
    gaps = [int(g) if g else DEFAULT_GAP for g in pieces[1::2]]
    if len(parts) > MAX_PARTS:
        raise PatternError(f"'{text}': at most {MAX_PARTS} parts joined by ~")
    if any(g > MAX_GAP for g in gaps):
        raise PatternError(f"'{text}': a gap (~N) may be at most {MAX_GAP} characters")
    slots, slot_gaps = list(parts[0]), [0] * (len(parts[0]) - 1)
    for gap, part in zip(gaps, parts[1:], strict=True):
        slots += part
        slot_gaps += [gap] + [0] * (len(part) - 1)
    return Pattern(tuple(slots), tuple(slot_gaps))


def _choices(piece: str, sets: Mapping[str, Iterable[str]], whole: str) -> list[list[str]]:
    choices: list[list[str]] = []
    position = 0
    for match in _PIECE.finditer(piece):
        if match.start() != position:
            break
        position = match.end()
        group, optional, name, literal = match.groups()
        if literal is not None:
            choices.append([literal])
        elif name is not None:
            choices.append(_words(name, sets, whole))
        else:
            options: list[str] = []
            for option in group.split("|"):
                options += _words(option[1:], sets, whole) if option.startswith("@") else [option]
            choices.append(options + ([""] if optional else []))
    if position != len(piece):
        raise PatternError(f"'{whole}': cannot read '{piece[position:]}'; use words, "
                           "(a|b) groups without nesting, @list names and ~N gaps")
    return choices


def _cuttable(left: list[str], right: list[str]) -> bool:
    """A slot may end between two pieces only where both sides are Chinese (no space lost)."""
    return (all(not w or is_cjk(w[-1]) for w in left)
            and all(not w or is_cjk(w[0]) for w in right))


def _part(piece: str, sets: Mapping[str, Iterable[str]],
          whole: str) -> list[tuple[frozenset[str], bool]]:
    if not piece.strip():
        raise PatternError(f"'{whole}': a ~ needs words on both sides")
    chunks: list[list[list[str]]] = []
    for options in _choices(piece, sets, whole):
        if chunks and (not _cuttable(chunks[-1][-1], options) or _count(chunks[-1]) *
                       len(options) <= SLOT or len(chunks) == 1 and all("" in o for o in chunks[-1])):
            chunks[-1].append(options)
        else:
            chunks.append([options])
    slots = []
    for chunk in chunks:
        if _count(chunk) > MAX_ALTERNATIVES:
            raise PatternError(f"'{whole}': {_count(chunk)} combinations in one place (at "
                               f"most {MAX_ALTERNATIVES}); split it with ~ or into patterns")
        words = {normalise_term("".join(combo)) for combo in itertools.product(*chunk)}
        if any(BOUNDARY in word for word in words):
            raise PatternError(f"'{whole}': a sentence end (. ? ! ;) inside words never "
                               "matches; for an optional group write (a)?")
        optional = "" in words
        words.discard("")
        if words:
            slots.append((frozenset(words), optional))
    if not slots or all(optional for _, optional in slots):
        raise PatternError(f"'{whole}': a part reads as nothing once normalised")
    if slots[0][1]:  # a pattern part must start with something required
        raise PatternError(f"'{whole}': a part may not start with an optional group")
    return slots


def _count(chunk: list[list[str]]) -> int:
    count = 1
    for options in chunk:
        count *= len(options)
    return count


def _words(name: str, sets: Mapping[str, Iterable[str]], whole: str) -> list[str]:
    if name not in sets:
        raise PatternError(f"'{whole}': no word list '@{name}'; define it under sets:")
    return list(sets[name])


def variants(word: str, spellings: Mapping[str, tuple[str, ...]],
             fuzzy: frozenset[str]) -> set[str]:
    """The word, its listed misspellings, one-typo forms of its fuzzy words, and (for English
    of several words) the words run together (``killmyself``)."""
    out = {word}
    for canonical, others in spellings.items():
        if canonical in word:  # a respelling may mix scripts (想die): normalise it again
            out.update(normalise_term(word.replace(canonical, other)) for other in others)
    tokens = word.split(" ")
    for index, token in enumerate(tokens):
        if token in fuzzy:
            for typo in one_typo(token):
                out.add(" ".join([*tokens[:index], typo, *tokens[index + 1:]]))
    if len(tokens) > 1 and len(word) >= 8 and all(is_word(c) or c == " " for c in word):
        out.add(word.replace(" ", ""))
    return out


def one_typo(word: str) -> set[str]:
    """Forms of ``word`` with one slip: a letter dropped, doubled, swapped with its
    neighbour, or one vowel for another (suicde, suiccide, suicdie, suecide)."""
    out: set[str] = set()
    for i, char in enumerate(word):
        out.add(word[:i] + word[i + 1:])
        out.add(word[:i] + char + word[i:])
        if i + 1 < len(word):
            out.add(word[:i] + word[i + 1] + char + word[i + 2:])
        if char in "aeiou":
            out.update(word[:i] + other + word[i + 1:] for other in "aeiou")
    out.discard(word)
    return {w for w in out if len(w) >= 4}
