"""Inline keyboards built once and serialised once, then sent as often as they are shown.

Why: python-telegram-bot builds a tree of ``InlineKeyboardButton`` objects for every keyboard
and walks it again in ``to_dict`` for every request; in ``bench/telegram.py`` (in process) that
was about a sixth of the bot's CPU per update. A keyboard here is keyed by its content — button
labels from the pack or the interface texts, and callback data made of pack ids — and never
holds anything a user typed, so one keyboard can be shared by every user who sees it without
showing anyone another user's data.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache
from typing import Any

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

Spec = tuple[tuple[tuple[str, str], ...], ...]
"""Rows of (label, callback data)."""


class Keyboard(InlineKeyboardMarkup):
    """An ``InlineKeyboardMarkup`` whose wire form (``to_dict``) is computed once.

    PTB objects are frozen after ``__init__``, so the wire form cannot go stale. The dict
    returned is shared: callers (PTB's request building) only serialise it, never change it.
    """

    __slots__ = ("_wire",)

    def __init__(self, inline_keyboard: Sequence[Sequence[InlineKeyboardButton]]) -> None:
        super().__init__(inline_keyboard)
        object.__setattr__(self, "_wire", super().to_dict())  # frozen: bypass PTB's guard

    def to_dict(self, recursive: bool = True) -> dict[str, Any]:
        if not recursive:
            return super().to_dict(recursive=False)
        wire: dict[str, Any] = self._wire
        return wire


@lru_cache(maxsize=4096)
def keyboard(spec: Spec) -> Keyboard:
    """The keyboard for these rows, built on first use (bounded: least recently used go)."""
    return Keyboard([[InlineKeyboardButton(label, callback_data=data) for label, data in row]
                     for row in spec])
