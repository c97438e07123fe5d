"""Is a message typed outside an interview a new contact? ("They called again this morning…",
"今天上午又打了十几个电话"). If so, what can be prefilled: when, how, how many.

A small data-driven recogniser (bot/diary/contact_words.yaml), not the interview's spotter:
the spotter answers a pack's questions inside a story; this only decides whether to *offer*
an entry, which the person confirms with a tap. Nothing is recorded without that tap.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from flows.counts import find_counts
from flows.opencc_tables import to_simplified
from flows.quantity import AtLeast, fold_number_text

DATA = Path(__file__).with_name("contact_words.yaml")
WINDOW = 8
"""Characters before a contact word in which a negation cancels it ("没打", "didn't call")."""


@dataclass(frozen=True, slots=True)
class Contact:
    """A contact recognised in text: ``when`` is now/today/yesterday, ``kind`` a channel kind
    (call, sms, chat, visit, email) or None, ``contacts`` how many (1 unless a count was
    given; a vague "十几个" gives its lower bound)."""

    when: str
    kind: str | None
    contacts: int
    people: tuple[str, ...] = ()
    """Kinds of other people named as contacted (family, employer, colleagues, friends…)."""


@functools.cache
def _data() -> dict[str, Any]:
    with DATA.open(encoding="utf-8") as handle:
        loaded: dict[str, Any] = yaml.safe_load(handle)
    return loaded


@functools.cache
def _pattern(words: tuple[str, ...]) -> re.Pattern[str]:
    parts = []
    for word in sorted(words, key=len, reverse=True):
        escaped = re.escape(word)
        parts.append(rf"\b{escaped}\b" if word[:1].isascii() and word[:1].isalpha() else escaped)
    return re.compile("|".join(parts))


def _find(words: list[str], text: str) -> re.Match[str] | None:
    return _pattern(tuple(words)).search(text) if words else None


def fold(text: str) -> str:
    return fold_number_text(text).translate(to_simplified())


def recognise(text: str) -> Contact | None:
    """The contact this text reports, or None when it does not read as one."""
    folded = fold(text)
    if not folded or folded.startswith("/"):
        return None
    data = _data()
    kind, where = None, None
    for name, words in data["channels"].items():
        match = _find(words, folded)
        if match is not None and (where is None or match.start() < where):
            kind, where = name, match.start()
    if where is None:
        return None
    window = folded[max(0, where - WINDOW):where]
    if _find(data["negation"], window) is not None:
        return None
    when = next((name for name, words in data["when"].items() if _find(words, folded)), None)
    counts = [value for _, _, value in find_counts(folded)]
    again = _find(data["again"], folded) is not None
    if not (again or when or counts):
        return None
    contacts = 1
    if counts:
        first = counts[0]
        contacts = first.n if isinstance(first, AtLeast) else int(first)
    people = tuple(name for name, words in data["people"].items() if _find(words, folded))
    return Contact(when or "now", kind, max(1, min(contacts, 1000)), people)


def channel_option(kind: str | None, options: list[str]) -> str | None:
    """The pack's channel option for a recognised kind (the first of the data's candidates
    the pack offers), or None."""
    if kind is None:
        return None
    for candidate in _data()["options"].get(kind, []):
        if candidate in options:
            return str(candidate)
    return None


def people_options(people: tuple[str, ...], options: list[str]) -> list[str]:
    """The pack's options (of its third-parties question) for the kinds of people named."""
    found: list[str] = []
    for person in people:
        option = next((o for o in _data()["people_options"].get(person, []) if o in options),
                      None)
        if option is not None and option not in found:
            found.append(option)
    return found
