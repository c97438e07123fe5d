"""Exclusive, transactional use of one aiosqlite connection by many tasks.

A single connection is shared by every asyncio task (one per user message).
Because SQLite transactions belong to the connection, two tasks that both
wrote between ``BEGIN`` and ``COMMIT`` would commit or roll back each other's
work. The :class:`ConnectionGate` prevents that: one task at a time holds the
connection, and a task inside ``transaction()`` is recognised (through a
ContextVar naming the task) so its own nested calls join the transaction
instead of waiting for a lock they already hold.
"""

from __future__ import annotations

import asyncio
import logging
import sqlite3
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import Any, Literal

import aiosqlite

from .causes import translate
from .errors import Cause, StorageError
from .scrub import scrub_wal

logger = logging.getLogger(__name__)

Kind = Literal["single", "read", "write"]
"""``single``: one statement, auto-committed; ``read``: several reads seeing one
snapshot; ``write``: several statements, all or nothing."""


@dataclass(slots=True, eq=False)
class _Txn:
    gate: ConnectionGate
    task: asyncio.Task[Any] | None
    depth: int = 0
    on_commit: list[Callable[[], None]] = field(default_factory=list)
    broken: StorageError | None = None
    """Set when SQLite itself rolled the whole transaction back after a failure (it does on
    SQLITE_FULL, I/O errors...): nothing more may run in it, and it must not commit."""


# Tuple, not a single value, so a task can hold transactions on two stores.
_ACTIVE: ContextVar[tuple[_Txn, ...]] = ContextVar("storage_transactions", default=())


async def _run(conn: aiosqlite.Connection, sql: str) -> None:
    await conn.execute(sql)


async def _finish(step: Awaitable[None]) -> None:
    """Run a commit/rollback even if the awaiting task is being cancelled.

    The statement is already queued on the connection's worker thread, which
    runs requests in order, so the next task's ``BEGIN`` always comes after it.
    """
    await asyncio.shield(step)


def _check_alive(txn: _Txn) -> None:
    if txn.broken is not None:
        raise StorageError(
            f"Nothing more can be done in this transaction: SQLite rolled all of it back after "
            f"a failure. {txn.broken}", cause=txn.broken.cause)


class ConnectionGate:
    """Serialises access to ``conn`` and runs (nested) transactions on it."""

    def __init__(self, conn: aiosqlite.Connection, *, busy_timeout_s: float) -> None:
        self._conn: aiosqlite.Connection | None = conn
        self._busy_timeout_s = busy_timeout_s
        self._lock = asyncio.Lock()
        self._scrub_due = False

    def _require_conn(self) -> aiosqlite.Connection:
        if self._conn is None:
            raise StorageError("The store is closed; open a new one with open_store().",
                               cause=Cause.CLOSED)
        return self._conn

    def translate(self, exc: sqlite3.Error, *, user_id: int | None = None) -> StorageError:
        """The StorageError for a sqlite3 error met outside ``session()``."""
        return translate(exc, busy_timeout_s=self._busy_timeout_s, user_id=user_id)

    def in_transaction(self) -> bool:
        """True when the current task is inside ``transaction()`` on this gate."""
        return self._joined() is not None

    def check_open(self) -> None:
        """Raise the "store is closed" error; for answers served without the connection."""
        self._require_conn()

    def after_commit(self, apply: Callable[[], None]) -> None:
        """Run ``apply`` once what this task wrote is committed: now, or when its
        transaction commits (never, if it rolls back). Call it with no ``await`` between
        the end of the session and the call, so no other task can write in between."""
        txn = self._joined()
        if txn is None:
            apply()
        else:
            txn.on_commit.append(apply)

    def scrub_after_commit(self) -> None:
        """Personal data was deleted: once that commits, and before any other task gets the
        connection, truncate the WAL so no old copy of it survives (storage/scrub.py)."""
        self._scrub_due = True

    async def _scrub_if_due(self, conn: aiosqlite.Connection) -> None:
        if self._scrub_due:
            self._scrub_due = not await scrub_wal(conn)  # retried after the next write

    def _joined(self) -> _Txn | None:
        active = _ACTIVE.get()
        if not active:  # the common case: no transaction anywhere in this task
            return None
        task = asyncio.current_task()
        for txn in active:
            if txn.gate is self and txn.task is task:
                return txn
        return None

    async def execute(self, sql: str, params: tuple[Any, ...], *,
                      user_id: int | None = None) -> aiosqlite.Cursor:
        """One statement, as ``session()`` would run it, without a context manager's cost.

        The hot path (a saved answer, a recorded update id) runs a single statement per
        call; a generator-based context manager around it costs as much as the statement.
        """
        conn = self._require_conn()
        txn = self._joined()
        try:
            if txn is not None:
                _check_alive(txn)
                return await conn.execute(sql, params)
            async with self._lock:
                self._require_conn()
                return await conn.execute(sql, params)
        except sqlite3.Error as exc:
            raise self._failed(exc, conn, txn, user_id) from exc

    def _failed(self, exc: sqlite3.Error, conn: aiosqlite.Connection, txn: _Txn | None,
                user_id: int | None = None) -> StorageError:
        """The error to raise; inside a transaction SQLite ended, mark it broken."""
        error = translate(exc, busy_timeout_s=self._busy_timeout_s, user_id=user_id)
        if txn is not None and txn.broken is None and not conn.in_transaction:
            txn.broken = error
        return error

    @asynccontextmanager
    async def session(
        self, kind: Kind = "single", *, user_id: int | None = None
    ) -> AsyncIterator[aiosqlite.Connection]:
        """Yield the connection for the exclusive use of the current task.

        ``user_id`` only improves the message of :class:`UnknownUser`.
        """
        conn = self._require_conn()
        txn = self._joined()
        try:
            if txn is not None:
                _check_alive(txn)
                if kind == "write":  # keep the method atomic inside the caller's transaction
                    async with self._savepoint(conn, txn):
                        yield conn
                else:
                    yield conn
            else:
                async with self._lock:
                    self._require_conn()
                    if kind == "single":
                        yield conn
                    else:
                        begin = "BEGIN IMMEDIATE" if kind == "write" else "BEGIN"
                        async with self._begin(conn, begin):
                            yield conn
                    if self._scrub_due:
                        await self._scrub_if_due(conn)
        except sqlite3.Error as exc:
            raise self._failed(exc, conn, txn, user_id) from exc

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[None]:
        """Make every store call of this task commit together, or not at all.

        Nested use creates a savepoint: an exception caught inside the outer
        block undoes only the inner block.
        """
        conn = self._require_conn()
        try:
            txn = self._joined()
            if txn is not None:
                _check_alive(txn)
                async with self._savepoint(conn, txn):
                    yield
                return
            async with self._lock:
                self._require_conn()
                txn = _Txn(self, asyncio.current_task())
                token = _ACTIVE.set(_ACTIVE.get() + (txn,))
                try:
                    # IMMEDIATE takes the write lock now, so a second process
                    # cannot make our first write fail half-way through.
                    async with self._begin(conn, "BEGIN IMMEDIATE"):
                        yield
                        _check_alive(txn)  # never commit what SQLite already undid
                    for apply in txn.on_commit:  # committed: now it may be seen
                        apply()
                    await self._scrub_if_due(conn)
                finally:
                    _ACTIVE.reset(token)
        except sqlite3.Error as exc:
            raise self._failed(exc, conn, None) from exc

    @asynccontextmanager
    async def _begin(self, conn: aiosqlite.Connection, begin: str) -> AsyncIterator[None]:
        try:
            await conn.execute(begin)
        except BaseException:
            # If we were cancelled, BEGIN may still run later: undo it.
            await _finish(conn.rollback())
            raise
        try:
            yield
        except BaseException:
            await _finish(conn.rollback())
            raise
        try:
            await _finish(conn.commit())
        except BaseException:
            await _finish(conn.rollback())
            raise

    @asynccontextmanager
    async def _savepoint(self, conn: aiosqlite.Connection, txn: _Txn) -> AsyncIterator[None]:
        txn.depth += 1
        name = f"storage_sp_{txn.depth}"
        mark = len(txn.on_commit)
        try:
            await conn.execute(f"SAVEPOINT {name}")
            try:
                yield
            except BaseException:
                del txn.on_commit[mark:]  # undone work must not reach the cache
                if conn.in_transaction:  # else SQLite undid all of it: report the first error
                    await _finish(_run(conn, f"ROLLBACK TO SAVEPOINT {name}"))
                    await _finish(_run(conn, f"RELEASE SAVEPOINT {name}"))
                raise
            await conn.execute(f"RELEASE SAVEPOINT {name}")
        finally:
            txn.depth -= 1

    async def close(self) -> None:
        """Wait for the running transaction, then close the connection."""
        if self._conn is None:
            return
        if self._joined() is not None:
            raise StorageError(
                "close() was called inside store.transaction(); "
                "close the store after the 'async with' block ends."
            )
        async with self._lock:
            conn, self._conn = self._conn, None
            if conn is not None:
                await self._scrub_if_due(conn)
                await conn.close()
                logger.info("storage closed")
