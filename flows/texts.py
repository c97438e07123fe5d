"""Localized texts: how operator strings are stored, looked up and filled with facts.

Operators write every user-facing string once per declared language. A text may name facts in
braces (``{lender_name}``); only plain names are allowed, never attribute access, so a text can
never reach into Python objects the way ``str.format`` would.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Mapping
from typing import Any

LocalizedText = dict[str, str]
"""A user-facing string in each language of a pack, e.g. ``{"en": "Hi", "zh-Hans": "你好"}``."""

PLACEHOLDER = re.compile(r"\{([a-z][a-z0-9_]*(?:\.[a-z][a-z0-9_]*)?)\}")

# Characters a user may paste that carry no meaning but break layout or hide text:
# C0/C1 controls (except newline and tab) and zero-width / bidi formatting marks.
_INVISIBLE = re.compile(
    "[\u0000-\u0008\u000b-\u001f\u007f-\u009f"
    "\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff]"
)


def placeholders(text: str) -> list[str]:
    """Fact names a text interpolates, in order of appearance."""
    return PLACEHOLDER.findall(text)


def pick(text: Mapping[str, str], language: str, fallback: str) -> str:
    """The text in ``language``; the pack's default language if that one is missing."""
    if language in text:
        return text[language]
    if fallback in text:
        return text[fallback]
    return next(iter(text.values()), "")


def fill(template: str, values: Mapping[str, Any],
         unknown: Callable[[str], str] | None = None) -> str:
    """Replace ``{name}`` placeholders with values. A fact that is unknown ("I don't know",
    or not asked) reads as ``unknown(name)`` — the pack's words — or as a blank ``____``."""

    def one(match: re.Match[str]) -> str:
        value = values.get(match.group(1))
        if value is None:
            return unknown(match.group(1)) if unknown is not None else "____"
        if isinstance(value, (list, tuple)):
            return ", ".join(str(item) for item in value)
        return str(value)

    return PLACEHOLDER.sub(one, template)


def clean_input(text: str) -> str:
    """Normalize what a user typed: NFC, no control or zero-width characters, trimmed."""
    text = unicodedata.normalize("NFC", text)
    text = _INVISIBLE.sub("", text)
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return text.strip()


def fold(text: str) -> str:
    """A case- and width-insensitive form for matching cue words (NFKC, casefold)."""
    return unicodedata.normalize("NFKC", text).casefold()
