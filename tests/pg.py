"""The PostgreSQL leg of the tests: reach the server, give each test its own schema.

CI (and this machine) provide PostgreSQL at 127.0.0.1:5432, user postgres, trust auth,
database ``test``; ``CALLSHIELD_TEST_POSTGRES`` names another server. Without a reachable
server the PostgreSQL tests are skipped, with one line in the summary saying so, unless
``CALLSHIELD_REQUIRE_POSTGRES=1`` (set by .ci/run): then they fail, so CI never skips them
silently. Each test gets a schema of its own (``search_path`` in the URL), dropped after it.
"""

from __future__ import annotations

import asyncio
import os
import secrets
import sqlite3
import threading
from collections.abc import Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from functools import cache
from typing import Any

import asyncpg
import pytest

from storage.pg.dialect import to_postgres

SERVER = os.environ.get("CALLSHIELD_TEST_POSTGRES",
                        "postgresql://postgres@127.0.0.1:5432/test")
REQUIRE = os.environ.get("CALLSHIELD_REQUIRE_POSTGRES", "") == "1"
UNREACHABLE: list[str] = []
"""Why the server could not be reached (filled once, for the summary line)."""


def _run(coro: Any) -> Any:
    """Run a coroutine to the end from synchronous code, whatever loop is running here."""
    with ThreadPoolExecutor(1) as pool:
        return pool.submit(asyncio.run, coro).result()


@cache
def _reachable() -> str | None:
    async def probe() -> None:
        conn = await asyncpg.connect(SERVER, timeout=3)
        await conn.close()

    try:
        _run(probe())
    except Exception as exc:  # noqa: BLE001 - any failure means: not reachable
        return f"{type(exc).__name__}: {exc}"
    return None


def require_server() -> None:
    """Skip (or, with CALLSHIELD_REQUIRE_POSTGRES=1, fail) when the server is unreachable."""
    problem = _reachable()
    if problem is None:
        return
    if not UNREACHABLE:
        UNREACHABLE.append(problem)
    message = f"PostgreSQL at {SERVER} is not reachable ({problem})"
    if REQUIRE:
        pytest.fail(f"{message}, and CALLSHIELD_REQUIRE_POSTGRES=1 says it must be")
    pytest.skip(message)


def url_for(schema: str) -> str:
    joiner = "&" if "?" in SERVER else "?"
    return f"{SERVER}{joiner}search_path={schema}"


@contextmanager
def fresh_schema() -> Iterator[str]:
    """A new, empty schema; its URL is ``url_for(name)``. Dropped (with everything in it)
    at the end."""
    require_server()
    name = f"cs_test_{secrets.token_hex(6)}"

    async def run(sql: str) -> None:
        conn = await asyncpg.connect(SERVER, timeout=10)
        try:
            await conn.execute(sql)
        finally:
            await conn.close()

    _run(run(f"CREATE SCHEMA {name}"))
    try:
        yield name
    finally:
        _run(run(f"DROP SCHEMA IF EXISTS {name} CASCADE"))


class _Result:
    def __init__(self, rows: list[tuple[Any, ...]], rowcount: int) -> None:
        self._rows = rows
        self.rowcount = rowcount

    def fetchone(self) -> tuple[Any, ...] | None:
        return self._rows[0] if self._rows else None

    def fetchall(self) -> list[tuple[Any, ...]]:
        return list(self._rows)

    def __iter__(self) -> Iterator[tuple[Any, ...]]:
        return iter(self._rows)


class PgRaw:
    """A second, independent connection with sqlite3's calls (``execute(sql, params)`` →
    ``fetchone``/``fetchall``/iteration/``rowcount``), autocommit: sees only what was
    committed. Runs asyncpg on a thread of its own, so synchronous test code can use it."""

    def __init__(self, url: str) -> None:
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._loop.run_forever, daemon=True)
        self._thread.start()
        self._conn: asyncpg.Connection = self._call(asyncpg.connect(url, timeout=10))

    def _call(self, coro: Any) -> Any:
        return asyncio.run_coroutine_threadsafe(coro, self._loop).result(60)

    def execute(self, sql: str, params: Sequence[Any] = ()) -> _Result:
        async def run() -> _Result:
            statement = await self._conn.prepare(to_postgres(sql))
            rows = [tuple(row) for row in await statement.fetch(*params)]
            last = (statement.get_statusmsg() or "").rsplit(" ", 1)[-1]
            return _Result(rows, int(last) if last.isdigit() else -1)

        return self._call(run())

    def close(self) -> None:
        self._call(self._conn.close())
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(5)
        self._loop.close()


DatabaseErrors = (sqlite3.DatabaseError, asyncpg.PostgresError)
"""What a raw connection raises when the database refuses a statement, on either engine."""


def table_names(raw: Any) -> list[str]:
    """The tables of the raw connection's database (its schema, on PostgreSQL)."""
    if isinstance(raw, sqlite3.Connection):
        return [r[0] for r in raw.execute("SELECT name FROM sqlite_master WHERE type = 'table'")]
    return [r[0] for r in raw.execute("SELECT table_name FROM information_schema.tables"
                                      " WHERE table_schema = current_schema()")]


def column_names(raw: Any, table: str) -> set[str]:
    """The columns of one table."""
    if isinstance(raw, sqlite3.Connection):
        return {r[1] for r in raw.execute(f"PRAGMA table_info({table})")}
    return {r[0] for r in raw.execute("SELECT column_name FROM information_schema.columns"
                                      " WHERE table_schema = current_schema()"
                                      " AND table_name = ?", (table,))}
