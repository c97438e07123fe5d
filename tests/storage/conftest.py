"""Fixtures for storage tests: real SQLite files under tmp_path, no mocks.

Personal values are sealed on disk (storage/sealing.py); a test reading the raw file opens
them with ``opened`` and the key file the store generated next to the database.
"""

from __future__ import annotations

import sqlite3
from collections.abc import AsyncIterator, Callable, Iterator
from contextlib import closing
from pathlib import Path

import pytest

from storage import SQLiteStore, open_store
from storage.crypto import Keyring
from storage.keys import KeyConfig, read_key_file
from storage.sealing import Sealer


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "callshield.sqlite3"


@pytest.fixture
async def store(db_path: Path) -> AsyncIterator[SQLiteStore]:
    opened = await open_store(db_path)
    try:
        yield opened
    finally:
        await opened.close()


@pytest.fixture
def raw(db_path: Path) -> Iterator[sqlite3.Connection]:
    """A second, independent connection: sees only what was committed."""
    with closing(sqlite3.connect(db_path, isolation_level=None)) as conn:
        yield conn


@pytest.fixture
def count(raw: sqlite3.Connection) -> Callable[..., int]:
    """count(sql, *params): the integer a COUNT query yields on the raw connection."""

    def run(sql: str, *params: object) -> int:
        return int(raw.execute(sql, params).fetchone()[0])

    return run


@pytest.fixture
def opened(db_path: Path) -> Callable[..., str | None]:
    """opened(column, stored, *owners): the plain text of a value read from the raw file."""

    def run(column: str, stored: object, *owners: object) -> str | None:
        keys = read_key_file(KeyConfig().file_for(db_path))
        return Sealer(Keyring(keys)).open(column, stored, *owners)

    return run
