"""Garbage-collector settings for the long-running bot process.

Why: while many chats are in flight, each holding its update, state and replies as it waits
for the database, CPython's young generation passes its default threshold (700 net
allocations) every few dozen updates, and the collections it sets off also walk everything
start-up loaded (packs, python-telegram-bot, the letter and font libraries). bench/telegram.py
measured about 40 µs per update in collections, a tenth of the bot's work. Freezing what
start-up loaded keeps it out of every later collection, and a higher young-generation
threshold lets short-lived objects die by reference counting before a collection looks at
them. Cycles are still collected, in rarer and larger batches; what waits for them is
bounded by the threshold (a few MB at most).
"""

from __future__ import annotations

import gc

YOUNG_THRESHOLD = 10_000
"""Net allocations of container objects between young-generation collections (CPython: 700)."""


def settle_after_start() -> None:
    """Call once everything long-lived is loaded, just before serving updates."""
    gc.collect()
    gc.freeze()
    _, middle, old = gc.get_threshold()
    gc.set_threshold(YOUNG_THRESHOLD, middle, old)
