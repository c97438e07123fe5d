"""Transactions on a pool of PostgreSQL connections, with the ConnectionGate's contract.

The SQLite store shares one connection and lets one task at a time use it
(storage/transactions.py). PostgreSQL serves many connections at once, so here each call
borrows a pooled connection for as long as it needs it, and a task inside ``transaction()``
keeps one connection until its block ends (a ContextVar names the task, so its nested calls
join the transaction instead of borrowing another connection). The query modules are shared
by both engines: they see a :class:`PgConnection`, which speaks the aiosqlite calls they use
(``execute``, ``execute_fetchall``, ``executemany``) and numbers the ``?`` placeholders.

Statements inside a caller's transaction run in a savepoint: PostgreSQL aborts the whole
transaction on any error, while SQLite (and the callers written for it) expect a failed
statement, such as an unknown user's insert, to leave the rest of the transaction usable.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable, Sequence
from contextlib import asynccontextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import Any, Literal

import asyncpg

from ..errors import Cause, StorageError
from .dialect import POSTGRESQL, to_postgres
from .failures import ERRORS, translate

Kind = Literal["single", "read", "write"]


@dataclass(frozen=True, slots=True)
class Cursor:
    """What a caller reads from an executed statement: rows changed (and no lastrowid:
    inserts that need their id say ``RETURNING id``)."""

    rowcount: int


def _rowcount(status: str) -> int:
    last = status.rsplit(" ", 1)[-1]
    return int(last) if last.isdigit() else -1


class PgConnection:
    """An asyncpg connection seen through the calls the shared query modules make."""

    dialect = POSTGRESQL

    def __init__(self, conn: asyncpg.Connection) -> None:
        self.raw = conn

    async def execute(self, sql: str, params: Sequence[Any] = ()) -> Cursor:
        status = await self.raw.execute(to_postgres(sql), *params)
        return Cursor(_rowcount(status))

    async def execute_fetchall(self, sql: str, params: Sequence[Any] = ()) -> list[tuple[Any, ...]]:
        return [tuple(row) for row in await self.raw.fetch(to_postgres(sql), *params)]

    async def executemany(self, sql: str, rows: Sequence[Sequence[Any]]) -> None:
        if rows:
            await self.raw.executemany(to_postgres(sql), rows)


@dataclass(slots=True, eq=False)
class _Txn:
    gate: PgGate
    task: asyncio.Task[Any] | None
    conn: PgConnection
    on_commit: list[Callable[[], None]] = field(default_factory=list)


_ACTIVE: ContextVar[tuple[_Txn, ...]] = ContextVar("pg_transactions", default=())


class PgGate:
    """Borrows pooled connections for the store's calls and runs (nested) transactions."""

    def __init__(self, pool: asyncpg.Pool) -> None:
        self._pool: asyncpg.Pool | None = pool

    @property
    def pool(self) -> asyncpg.Pool:
        return self._require_pool()

    def _require_pool(self) -> asyncpg.Pool:
        if self._pool is None:
            raise StorageError("The store is closed; open a new one with open_store().",
                               cause=Cause.CLOSED)
        return self._pool

    def translate(self, exc: BaseException, *, user_id: int | None = None) -> StorageError:
        return translate(exc, user_id=user_id)

    def in_transaction(self) -> bool:
        return self._joined() is not None

    def check_open(self) -> None:
        self._require_pool()

    def after_commit(self, apply: Callable[[], None]) -> None:
        """Run ``apply`` once this task's writes are committed (see ConnectionGate)."""
        txn = self._joined()
        if txn is None:
            apply()
        else:
            txn.on_commit.append(apply)

    def scrub_after_commit(self) -> None:
        """Nothing to do: PostgreSQL has no -wal file of ours to truncate (README, deletion)."""

    def _joined(self) -> _Txn | None:
        active = _ACTIVE.get()
        if not active:
            return None
        task = asyncio.current_task()
        for txn in active:
            if txn.gate is self and txn.task is task:
                return txn
        return None

    async def execute(self, sql: str, params: Sequence[Any], *,
                      user_id: int | None = None) -> Cursor:
        async with self.session(user_id=user_id) as db:
            return await db.execute(sql, params)

    @asynccontextmanager
    async def session(self, kind: Kind = "single", *,
                      user_id: int | None = None) -> AsyncIterator[PgConnection]:
        """A connection for the current task: its transaction's (a savepoint around this
        use), or a pooled one, in a transaction unless ``kind`` is ``single``."""
        pool = self._require_pool()
        txn = self._joined()
        try:
            if txn is not None:
                async with txn.conn.raw.transaction():  # a savepoint
                    yield txn.conn
                return
            async with pool.acquire() as raw:
                conn = PgConnection(raw)
                if kind == "single":
                    yield conn
                elif kind == "read":  # several reads, one snapshot
                    async with raw.transaction(isolation="repeatable_read", readonly=True):
                        yield conn
                else:
                    async with raw.transaction():
                        yield conn
        except ERRORS as exc:
            raise translate(exc, user_id=user_id) from exc

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[None]:
        """Make every store call of this task commit together, or not at all; nested use
        makes a savepoint."""
        pool = self._require_pool()
        txn = self._joined()
        try:
            if txn is not None:
                async with txn.conn.raw.transaction():
                    yield
                return
            async with pool.acquire() as raw:
                txn = _Txn(self, asyncio.current_task(), PgConnection(raw))
                token = _ACTIVE.set(_ACTIVE.get() + (txn,))
                try:
                    async with raw.transaction():
                        yield
                finally:
                    _ACTIVE.reset(token)
            for apply in txn.on_commit:  # committed: now it may be seen
                apply()
        except ERRORS as exc:
            raise translate(exc) from exc

    async def close(self) -> None:
        """Wait for borrowed connections to come back, then close the pool (idempotent)."""
        if self._joined() is not None:
            raise StorageError("close() was called inside store.transaction(); "
                               "close the store after the 'async with' block ends.")
        pool, self._pool = self._pool, None
        if pool is not None:
            try:
                await asyncio.wait_for(pool.close(), timeout=10)
            except (TimeoutError, *ERRORS):
                pool.terminate()
