"""PostgresStore: the :class:`storage.interface.Store` on PostgreSQL, for several workers.

It is the SQLite store's code (storage/sqlite.py and the query modules it calls, written in
portable SQL) running through :class:`~storage.pg.gate.PgGate` instead of the one-connection
gate, with three differences that several writers require:

* **No row cache.** Other workers change users and conversations behind this process's back,
  so every read goes to the database (storage/cache.py is off). A row read is one indexed
  lookup on a pooled connection; bench/scale.py measures what that costs.
* **Update ids are checked in the database**, not in this process's memory
  (storage/ledger.py): ``claim_update`` asks whether the id is stored, and the id is inserted
  in the same statement as the state it produced, by a writable CTE that writes the state only
  if the id was new (storage/pg/dialect.py). Workers hold a per-chat lock while handling an
  update (:meth:`chat_lock`), so a duplicate delivered to a second worker waits, then finds
  the id stored and is ignored.
* **Writes are not grouped** (storage/batching.py exists to save SQLite thread hops); each
  runs at once on its own pooled connection.

Deletion: a DELETE removes the row from every query at once; the old row version stays in the
table's file until VACUUM (autovacuum) reclaims the space, and it is ciphertext. README says
what that means for operators.
"""

from __future__ import annotations

import asyncio
import contextlib
import zlib
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from typing import Any

import asyncpg

from ..cache import RowCache
from ..errors import Cause, StorageError
from ..retention import Retention
from ..rights import SubjectRights
from ..sealing import Sealer
from ..sqlite import SQLiteStore
from ..updates import UpdateIds
from .dialect import SAVE_HANDLED
from .failures import ERRORS, translate
from .gate import PgGate

OnCommit = Callable[[], None]


class DirectWriter:
    """The GroupWriter's calls, each one statement on a pooled connection."""

    def __init__(self, gate: PgGate) -> None:
        self._gate = gate

    async def write(self, sql: str, params: tuple[Any, ...], *, user_id: int | None = None,
                    on_commit: OnCommit | None = None) -> None:
        await self._gate.execute(sql, params, user_id=user_id)
        if on_commit is not None:
            on_commit()

    async def insert_new(self, sql: str, params: tuple[Any, ...]) -> bool:
        async with self._gate.session() as db:
            return bool(await db.execute_fetchall(sql, params))


def chat_lock_key(scope: str, key: int | str) -> int:
    """A stable 64-bit advisory-lock key for one chat (the same in every worker)."""
    data = f"callshield:{scope}:{key}".encode()
    value = (zlib.crc32(data) << 32) | zlib.adler32(data)
    return value - (1 << 64) if value >= 1 << 63 else value


class PostgresStore(SQLiteStore):
    """Persistence on a PostgreSQL database shared by several workers; open it with
    :func:`storage.open_store` and a ``postgresql://`` URL."""

    engine = "postgresql"

    def __init__(self, pool: asyncpg.Pool, *, sealer: Sealer,
                 retention: Retention | None = None,
                 lock_pool: asyncpg.Pool | None = None,
                 url: str | None = None) -> None:  # noqa: D107
        # SQLiteStore.__init__ builds the one-connection gate; the parts are set here instead.
        gate = PgGate(pool)
        self._pool = pool
        self._url = url
        self._leading: list[asyncpg.Connection] = []
        self._lock_pool: asyncpg.Pool | None = lock_pool if lock_pool is not None else pool
        """Connections that hold chat locks; a pool of their own, so chats waiting for a lock
        can never take every connection the handling of the chat in hand needs."""
        self._gate = gate  # type: ignore[assignment]
        self._pg_gate = gate
        self._sealer = sealer
        self._cache = RowCache(enabled=False)
        self._writer = DirectWriter(gate)  # type: ignore[assignment]
        self._updates = UpdateIds(gate, self._writer, in_memory=False,  # type: ignore[arg-type]
                                  save_handled=SAVE_HANDLED, record_on_claim=False)
        self._rights = SubjectRights(gate, self._cache, sealer,  # type: ignore[arg-type]
                                     retention if retention is not None else Retention())

    @property
    def pool(self) -> asyncpg.Pool:
        """The connection pool (for tools that run their own SQL, such as `db copy`)."""
        return self._pg_gate.pool

    @asynccontextmanager
    async def chat_lock(self, scope: str, key: int | str) -> AsyncIterator[None]:
        """Hold this chat's lock across every worker until the block ends: a session
        advisory lock on a connection of the lock pool. A killed worker's locks go with its
        connections (the server ends the session), so no chat stays locked."""
        if self._lock_pool is None:
            raise StorageError("The store is closed; open a new one with open_store().",
                               cause=Cause.CLOSED)
        try:
            async with self._lock_pool.acquire() as raw:
                lock = chat_lock_key(scope, key)
                await raw.execute("SELECT pg_advisory_lock($1)", lock)
                try:
                    yield
                finally:
                    try:
                        await raw.execute("SELECT pg_advisory_unlock($1)", lock)
                    except BaseException:
                        raw.terminate()  # never back to the pool still holding the lock
                        raise
        except ERRORS as exc:
            raise translate(exc) from exc

    async def lead(self, role: str, *, every_s: float = 2.0,
                   standing_by: Callable[[], None] | None = None) -> None:
        """Return once this process holds ``role`` (e.g. the one poller): a session advisory
        lock on a connection kept until the store closes. While another process holds it,
        try again every ``every_s`` seconds: when that process dies, its session ends and
        this one takes over."""
        key = chat_lock_key("role", role)
        told = False
        while True:
            if self._lock_pool is None:
                raise StorageError("The store is closed.", cause=Cause.CLOSED)
            try:  # a connection of its own, kept while this process holds the role
                raw = await asyncpg.connect(self._url) if self._url else \
                    await self._lock_pool.acquire()
                if await raw.fetchval("SELECT pg_try_advisory_lock($1)", key):
                    self._leading.append(raw)
                    return
                await self._drop(raw)
            except ERRORS as exc:
                raise translate(exc) from exc
            if not told and standing_by is not None:
                standing_by()
                told = True
            await asyncio.sleep(every_s)

    async def _drop(self, raw: asyncpg.Connection) -> None:
        """Close a role's connection (its session locks end with it)."""
        if self._url:
            await raw.close()
        else:
            raw.terminate()
            if self._lock_pool is not None:
                await self._lock_pool.release(raw)

    async def close(self) -> None:
        """Release the roles held, then close both pools (idempotent)."""
        if self._pg_gate.in_transaction():
            raise StorageError("close() was called inside store.transaction(); "
                               "close the store after the 'async with' block ends.")
        for raw in self._leading:
            with contextlib.suppress(*ERRORS):
                await self._drop(raw)
        self._leading.clear()
        lock_pool, self._lock_pool = self._lock_pool, None
        await super().close()
        if lock_pool is not None and lock_pool is not self._pool:
            try:
                await asyncio.wait_for(lock_pool.close(), timeout=10)
            except (TimeoutError, *ERRORS):
                lock_pool.terminate()
