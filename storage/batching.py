"""Group commit: the single-row writes of many tasks go to SQLite in one trip.

Why: aiosqlite runs every statement on its own thread, and the trip there and back costs
about ten times what SQLite spends on a small write (bench/telegram.py). When many chats are
answered at once, their saved answers and recorded update ids queue up here while one trip is
under way, and the next trip carries them all, as one multi-row statement (see _multi_row for
why not ``executemany``). Each caller still waits until its own row is committed, so "the
answer is saved before the reply is sent" holds unchanged; with one chat at a time a write is
one trip, as before.

Only writes made outside ``store.transaction()`` are grouped (a transaction's writes belong to
its task); one group never mixes with another task's transaction (it holds the gate's lock).
"""

from __future__ import annotations

import asyncio
import sqlite3
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import aiosqlite

from .transactions import ConnectionGate

OnCommit = Callable[[], None]
_MAX_PARAMS = 999  # SQLite's smallest limit on parameters of one statement (before 3.32)


@dataclass(slots=True)
class _Item:
    params: tuple[Any, ...]
    done: asyncio.Future[bool]
    user_id: int | None = None
    on_commit: OnCommit | None = None


_Key = tuple[str, bool]
"""(statement, whether it is an insert-if-absent whose new rows are returned)."""


class GroupWriter:
    """Queues single-row writes and runs each kind of statement as one multi-row statement."""

    def __init__(self, gate: ConnectionGate) -> None:
        self._gate = gate
        self._pending: dict[_Key, list[_Item]] = {}
        self._flusher: asyncio.Task[None] | None = None

    async def write(self, sql: str, params: tuple[Any, ...], *, user_id: int | None = None,
                    on_commit: OnCommit | None = None) -> None:
        """Run ``sql`` with ``params``; return once it is committed (``on_commit`` ran)."""
        await self._submit((sql, False), _Item(params, self._future(), user_id, on_commit))

    async def insert_new(self, sql: str, params: tuple[Any, ...]) -> bool:
        """Insert-if-absent of a row keyed by ``params[:2]``; True when this call inserted it.

        ``sql`` is ``INSERT INTO t (k1, k2, ...) VALUES (?, ?, ...) ON CONFLICT (k1, k2) DO
        NOTHING RETURNING k1, k2``: a group becomes one multi-row statement whose returned keys
        are the rows that were new (SQLite >= 3.35 and PostgreSQL both support RETURNING).
        """
        item = _Item(params, self._future())
        await self._submit((sql, True), item)
        return item.done.result()

    def _future(self) -> asyncio.Future[bool]:
        return asyncio.get_running_loop().create_future()

    async def _submit(self, key: _Key, item: _Item) -> None:
        self._gate.check_open()
        self._pending.setdefault(key, []).append(item)
        if self._flusher is None:
            self._flusher = asyncio.get_running_loop().create_task(self._flush_all())
        await asyncio.shield(item.done)  # a cancelled caller's row is still written

    async def _flush_all(self) -> None:
        try:
            while self._pending:
                batch, self._pending = self._pending, {}
                try:
                    async with self._gate.session() as conn:
                        for key, items in batch.items():
                            await self._flush(conn, key, items)
                except Exception as exc:  # noqa: BLE001 - handed to every waiting caller
                    for items in batch.values():
                        for item in items:
                            if not item.done.done():
                                item.done.set_exception(exc)
        finally:
            self._flusher = None

    async def _flush(self, conn: aiosqlite.Connection, key: _Key, items: list[_Item]) -> None:
        sql, insert_new = key
        if insert_new:
            await self._dedupe(conn, sql, items)
            return
        try:
            if len(items) == 1:
                await conn.execute(sql, items[0].params)
            else:
                for chunk in _chunks(items):
                    await conn.execute(_multi_row(sql, len(chunk)),
                                       [value for item in chunk for value in item.params])
        except sqlite3.Error:
            # Which row failed is unknown: run them one by one (the statements we group are
            # idempotent upserts), so each caller gets its own outcome.
            for item in items:
                try:
                    await conn.execute(sql, item.params)
                except sqlite3.Error as exc:
                    item.done.set_exception(self._gate.translate(exc, user_id=item.user_id))
                else:
                    _succeed(item)
            return
        for item in items:
            _succeed(item)

    async def _dedupe(self, conn: aiosqlite.Connection, sql: str,
                      items: Sequence[_Item]) -> None:
        """One statement inserts the group; a key repeated within it is new only once."""
        first: dict[tuple[Any, ...], _Item] = {}
        for item in items:
            first.setdefault(item.params[:2], item)
        inserted: set[tuple[Any, ...]] = set()
        for chunk in _chunks(list(first.values())):
            inserted |= {tuple(row) for row in await conn.execute_fetchall(
                _multi_row(sql, len(chunk)), [v for item in chunk for v in item.params])}
        for item in items:  # answered only once the new rows are committed
            key = item.params[:2]
            item.done.set_result(first[key] is item and key in inserted)


def _chunks(items: list[_Item]) -> list[list[_Item]]:
    """Groups small enough for one statement: SQLite caps its bound parameters."""
    per = max(1, _MAX_PARAMS // len(items[0].params))
    return [items[start:start + per] for start in range(0, len(items), per)]


def _multi_row(sql: str, rows: int) -> str:
    """``INSERT ... VALUES (?, ?) ...`` for ``rows`` rows: one statement, so the database
    thread releases and retakes Python's GIL once for the group rather than once a row (with
    the event loop busy, each retake can wait for a forced switch)."""
    head, values, tail = sql.partition(" VALUES (")
    group, close, rest = tail.partition(")")
    if not values or not close:
        raise ValueError(f"not a single-row INSERT ... VALUES (...): {sql[:60]}")
    return f"{head} VALUES {', '.join([f'({group})'] * rows)}{rest}"


def _succeed(item: _Item) -> None:
    if item.on_commit is not None:
        item.on_commit()
    item.done.set_result(True)
