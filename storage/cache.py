"""A write-through, in-memory copy of users, conversation states and profiles.

Why: every Telegram update reads its user and conversation state; through aiosqlite each read
is a round trip to the database thread, which under load costs more than the engine step.

The cache is correct only while this process is the **only writer** of the database, which is
how the SQLite deployment runs (one process, one file). A future multi-worker PostgreSQL
deployment must open its store with ``cache=False`` (or key entries with a version column it
checks on read); ``open_store(..., cache=False)`` already gives the uncached behaviour.

Entries change only once their write is committed (see ``ConnectionGate.after_commit``), so a
rolled-back transaction never leaves uncommitted rows here. Bounded (least recently used go
first) so memory stays flat however many people have ever written to the bot.
"""

from __future__ import annotations

from collections import OrderedDict
from typing import Final, Generic, TypeVar

from .records import ConversationRow, UserRow

K = TypeVar("K")
V = TypeVar("V")
ABSENT: Final = object()
"""Cached knowledge that there is no row (a new user has no conversation yet)."""


class Lru(Generic[K, V]):
    """A small least-recently-used map; ``get`` returns None when the key is not cached."""

    def __init__(self, limit: int) -> None:
        self._items: OrderedDict[K, V | object] = OrderedDict()
        self._limit = limit

    def get(self, key: K) -> V | object | None:
        value = self._items.get(key)
        if value is not None:
            self._items.move_to_end(key)
        return value

    def put(self, key: K, value: V | object) -> None:
        self._items[key] = value
        self._items.move_to_end(key)
        while len(self._items) > self._limit:
            self._items.popitem(last=False)

    def drop(self, key: K) -> None:
        self._items.pop(key, None)

    def __len__(self) -> int:
        return len(self._items)


class RowCache:
    """Users (by id and by channel key), conversations and profiles (by user id)."""

    def __init__(self, limit: int = 20_000, *, enabled: bool = True) -> None:
        self.enabled = enabled
        self._limit = limit
        self._users: Lru[int, UserRow] = Lru(limit)
        self._keys: Lru[tuple[str, str], int] = Lru(limit)
        self._conversations: Lru[int, ConversationRow] = Lru(limit)
        self._profiles: Lru[int, dict[str, str]] = Lru(limit)

    # users
    def user_by_key(self, channel: str, external_id: str) -> UserRow | None:
        if not self.enabled:
            return None
        user_id = self._keys.get((channel, external_id))
        return self.user_by_id(user_id) if isinstance(user_id, int) else None

    def user_by_id(self, user_id: int) -> UserRow | None:
        if not self.enabled:
            return None
        user = self._users.get(user_id)
        return user if isinstance(user, UserRow) else None

    def put_user(self, user: UserRow, *, fresh: bool = False) -> None:
        """``fresh``: we have just created this user, so they have no conversation and no
        profile yet; knowing that saves a read of each on their first message."""
        if self.enabled:
            self._users.put(user.id, user)
            self._keys.put((user.channel, user.external_id), user.id)
            if fresh:
                self._conversations.put(user.id, ABSENT)
                self._profiles.put(user.id, {})

    # conversations: ``conversation`` returns ABSENT (known: none), a row, or None (unknown)
    def conversation(self, user_id: int) -> ConversationRow | object | None:
        return self._conversations.get(user_id) if self.enabled else None

    def put_conversation(self, user_id: int, row: ConversationRow | None) -> None:
        if self.enabled:
            self._conversations.put(user_id, ABSENT if row is None else row)

    # profiles: a copy goes in and a copy comes out, so no caller can change the cached one
    def profile(self, user_id: int) -> dict[str, str] | None:
        found = self._profiles.get(user_id) if self.enabled else None
        return dict(found) if isinstance(found, dict) else None

    def put_profile(self, user_id: int, fields: dict[str, str]) -> None:
        if self.enabled:
            self._profiles.put(user_id, dict(fields))

    # invalidation
    def forget_conversation(self, user_id: int) -> None:
        self._conversations.drop(user_id)

    def forget_profile(self, user_id: int) -> None:
        self._profiles.drop(user_id)

    def forget_user(self, user_id: int) -> None:
        """Drop the user's row (their settings are changing)."""
        self._users.drop(user_id)

    def forget_personal(self) -> None:
        """Drop every conversation and profile (a retention purge deleted some in bulk)."""
        self._conversations = Lru(self._limit)
        self._profiles = Lru(self._limit)

    def forget_everything_of(self, user_id: int) -> None:
        """Drop the user, their conversation and profile (the key entry then points nowhere)."""
        self._users.drop(user_id)
        self._conversations.drop(user_id)
        self._profiles.drop(user_id)
