"""The anonymous event log behind ``callshield stats``.

Rows carry a day (never a time), a kind, the pack and its version, an item (a question, rule
or letter id: pack data, never an answer) and, for interview steps only, a random
per-conversation token with a step counter. There is no user id column and no text column,
so nothing here can hold what a user said or who they are (bot/analytics.py says why the token
cannot lead back to a user either). Rows are written in batches; a batch is stored in random
order, so row ids do not reveal which events happened one after another.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass, fields
from typing import Protocol, runtime_checkable

from .transactions import ConnectionGate

KINDS = ("question_reached", "question_answered", "finished", "abandoned", "rule_fired",
         "letter_drafted", "crisis_shown")


@dataclass(frozen=True, slots=True)
class Event:
    day: str  # YYYY-MM-DD (UTC)
    kind: str  # one of KINDS
    pack_id: str
    version: str  # the pack's content hash: which release
    item: str | None = None  # question, rule or letter id, or where a crisis text came from
    token: str | None = None  # interview steps only
    seq: int | None = None  # the step's number within its conversation


_COLUMNS = tuple(f.name for f in fields(Event))


@runtime_checkable
class EventStore(Protocol):
    """The event log (part of :class:`storage.Store`)."""

    async def add_events(self, events: Sequence[Event]) -> None:
        """Store a batch of events in one transaction, in random order."""
        ...

    async def list_events(self, since_day: str | None = None,
                          pack_id: str | None = None) -> list[Event]:
        """Events from a day on (every day if None), of one pack (all if None)."""
        ...

    async def prune_events(self, before_day: str) -> int:
        """Delete events of days before ``before_day``; return how many."""
        ...


class EventMethods:
    """:class:`EventStore` for SQLiteStore (which provides ``_gate``)."""

    _gate: ConnectionGate

    async def add_events(self, events: Sequence[Event]) -> None:
        for event in events:
            if event.kind not in KINDS:
                raise ValueError(f"unknown event kind {event.kind!r}; use one of {KINDS}")
        rows = [tuple(getattr(event, name) for name in _COLUMNS) for event in events]
        random.shuffle(rows)
        if not rows:
            return
        async with self._gate.session("write") as db:
            await db.executemany(
                f"INSERT INTO events ({', '.join(_COLUMNS)})"
                f" VALUES ({', '.join('?' * len(_COLUMNS))})", rows)

    async def list_events(self, since_day: str | None = None,
                          pack_id: str | None = None) -> list[Event]:
        sql = f"SELECT {', '.join(_COLUMNS)} FROM events WHERE day >= ?"
        params: list[object] = [since_day or ""]
        if pack_id is not None:
            sql += " AND pack_id = ?"
            params.append(pack_id)
        async with self._gate.session("read") as db:
            rows = await db.execute_fetchall(sql + " ORDER BY day, token NULLS FIRST, seq NULLS FIRST", params)
        return [Event(*row) for row in rows]

    async def prune_events(self, before_day: str) -> int:
        async with self._gate.session() as db:
            cursor = await db.execute("DELETE FROM events WHERE day < ?", (before_day,))
        return cursor.rowcount
