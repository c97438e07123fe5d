"""Fixtures for storage tests: a real SQLite file under tmp_path, and a real PostgreSQL schema.

Tests that take ``store``, ``raw``, ``count``, ``opened`` or ``database`` run once per engine
(``engine`` is sqlite, then postgresql: its own schema, dropped after the test; skipped with
one summary line when no server is reachable, tests/pg.py). A test that asks for ``db_path``
is about the SQLite file itself (its bytes, locks, PRAGMAs) and runs on SQLite only.

Personal values are sealed on disk (storage/sealing.py); a test reading the raw rows opens
them with ``opened`` and the key file the store generated (next to the SQLite database; in
tmp_path for PostgreSQL, which keeps no files of ours).
"""

from __future__ import annotations

import sqlite3
from collections.abc import AsyncIterator, Callable, Iterator
from contextlib import closing
from pathlib import Path
from typing import Any

import pytest

from storage import SQLiteStore, open_store
from storage.crypto import Keyring
from storage.keys import KeyConfig, read_key_file
from storage.sealing import Sealer
from tests.pg import PgRaw, fresh_schema, url_for

ENGINE_FIXTURES = {"store", "raw", "count", "opened", "database"}


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    if "engine" not in metafunc.fixturenames:
        return
    engines: list[Any] = ["sqlite"]
    if "db_path" not in metafunc.fixturenames and \
            metafunc.definition.get_closest_marker("sqlite_only") is None:
        engines.append(pytest.param("postgresql", marks=pytest.mark.postgresql))
    metafunc.parametrize("engine", engines)


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "callshield.sqlite3"


@pytest.fixture
def database(engine: str, tmp_path: Path) -> Iterator[str | Path]:
    """Where the store lives: the SQLite file, or the URL of a fresh PostgreSQL schema."""
    if engine == "sqlite":
        yield tmp_path / "callshield.sqlite3"
        return
    with fresh_schema() as schema:
        yield url_for(schema)


@pytest.fixture
def key_config(database: str | Path, tmp_path: Path) -> KeyConfig:
    """SQLite: the key file next to the database (the default); PostgreSQL: one in tmp_path."""
    if isinstance(database, Path):
        return KeyConfig()
    return KeyConfig(key_file=tmp_path / "postgres.key")


@pytest.fixture
def key_file(database: str | Path, key_config: KeyConfig) -> Path:
    if isinstance(database, Path):
        return key_config.file_for(database)
    assert key_config.key_file is not None
    return key_config.key_file


@pytest.fixture
async def store(database: str | Path, key_config: KeyConfig) -> AsyncIterator[SQLiteStore]:
    opened = await open_store(database, keys=key_config)
    try:
        yield opened
    finally:
        await opened.close()


@pytest.fixture
def raw(database: str | Path) -> Iterator[Any]:
    """A second, independent connection (sqlite3's calls on both engines): sees only what
    was committed."""
    if isinstance(database, Path):
        with closing(sqlite3.connect(database, isolation_level=None)) as conn:
            yield conn
        return
    conn = PgRaw(database)
    try:
        yield conn
    finally:
        conn.close()


@pytest.fixture
def count(raw: Any) -> Callable[..., int]:
    """count(sql, *params): the integer a COUNT query yields on the raw connection."""

    def run(sql: str, *params: object) -> int:
        return int(raw.execute(sql, params).fetchone()[0])

    return run


@pytest.fixture
def opened(key_file: Path) -> Callable[..., str | None]:
    """opened(column, stored, *owners): the plain text of a value read from the raw rows."""

    def run(column: str, stored: object, *owners: object) -> str | None:
        return Sealer(Keyring(read_key_file(key_file))).open(column, stored, *owners)

    return run
