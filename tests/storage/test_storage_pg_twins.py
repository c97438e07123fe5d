"""Both engines get the same schema: every SQLite migration has its PostgreSQL twin.

Other changes add SQLite migrations (storage/migrations/NNNN_*.sql); the PostgreSQL engine
needs the same version in storage/migrations/postgres/. These tests fail until it is there,
and until both engines end up with the same tables and columns.
"""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from contextlib import closing
from pathlib import Path

import pytest

from storage import KeyConfig, open_store
from storage.migrate import load_migrations
from storage.pg.migrate import pg_migrations
from tests.pg import PgRaw, column_names, fresh_schema, table_names, url_for

ROOT = Path(__file__).resolve().parents[2]


def test_every_sqlite_migration_has_a_postgresql_twin() -> None:
    sqlite_side = {m.version: m.name for m in load_migrations()}
    postgres_side = {m.version: m.name for m in pg_migrations()}
    missing = {f"{v:04d}_{n}.sql" for v, n in sqlite_side.items() if v not in postgres_side}
    assert not missing, (f"storage/migrations/postgres/ lacks a twin of {sorted(missing)}: "
                         "write the same change for PostgreSQL under the same number")
    assert postgres_side == sqlite_side  # same numbers, same names, nothing extra


@pytest.mark.postgresql
async def test_both_engines_end_with_the_same_tables_and_columns(tmp_path: Path) -> None:
    database = tmp_path / "twin.sqlite3"
    async with await open_store(database):
        pass
    with closing(sqlite3.connect(database)) as lite:
        expected = {table: column_names(lite, table) for table in table_names(lite)
                    if table != "sqlite_sequence"}
    with fresh_schema() as schema:
        async with await open_store(url_for(schema),
                                    keys=KeyConfig(key_file=tmp_path / "pg.key")):
            pass
        raw = PgRaw(url_for(schema))
        try:
            got = {table: column_names(raw, table) for table in table_names(raw)}
        finally:
            raw.close()
    assert got == expected


def _pytest(env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    test = "tests/storage/test_storage_records.py::test_get_or_create_user_creates_once"
    return subprocess.run([sys.executable, "-m", "pytest", "-p", "no:cacheprovider", test],
                          cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)


def test_without_a_server_one_line_says_so_unless_it_is_required() -> None:
    env = {**os.environ, "CALLSHIELD_TEST_POSTGRES": "postgresql://postgres@127.0.0.1:1/test"}
    env.pop("CALLSHIELD_REQUIRE_POSTGRES", None)
    skipped = _pytest(env)
    assert skipped.returncode == 0, skipped.stdout
    lines = [line for line in skipped.stdout.splitlines() if "PostgreSQL tests SKIPPED" in line]
    assert len(lines) == 1 and "CALLSHIELD_REQUIRE_POSTGRES=1" in lines[0]
    assert "1 passed, 1 skipped" in skipped.stdout  # SQLite still ran
    required = _pytest({**env, "CALLSHIELD_REQUIRE_POSTGRES": "1"})
    assert required.returncode == 1
    assert "CALLSHIELD_REQUIRE_POSTGRES=1 says it must be" in required.stdout
