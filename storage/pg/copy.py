"""``callshield db copy``: move a SQLite database into PostgreSQL, row for row.

Every row keeps its id, and every sealed value is copied as the bytes it is: a value is
bound to its column and its row's ids (storage/sealing.py), so with ids kept the same data
key opens it on PostgreSQL; nothing is decrypted on the way. The registered key ids
(``encryption_keys``) come along, so the target refuses a wrong key exactly as the source did.

Safe by construction: the SQLite file is opened read-only; the target must be empty (its
schema is created by the migrations first); everything is written in one transaction with
COPY, row counts are compared before the commit, and ``--dry-run`` does all of it and rolls
back. Tables are written parents first (foreign keys read from PostgreSQL's catalogue), so a
table a later migration adds is copied without changes here.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import closing
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import asyncpg

from ..errors import Cause, StorageError, StorageUnavailable
from ..migrate import load_migrations
from .failures import ERRORS, translate
from .migrate import apply_pg_migrations
from .opening import connect_pool, redacted

_SKIPPED = {"schema_migrations", "sqlite_sequence"}
_BATCH = 5_000


@dataclass(slots=True)
class CopyReport:
    """Rows per table, in the order they were written; ``committed`` is False on a dry run."""

    rows: dict[str, int] = field(default_factory=dict)
    committed: bool = False

    def lines(self) -> list[str]:
        total = sum(self.rows.values())
        verb = "Copied" if self.committed else "Dry run: would copy"
        out = [f"{verb} {total} row(s) in {len(self.rows)} table(s):"]
        out += [f"  {table}: {count}" for table, count in self.rows.items()]
        out.append("Committed; ids, sealed values and key ids are the source's." if
                   self.committed else "Nothing was written (rolled back).")
        return out


def _source_tables(source: sqlite3.Connection) -> list[str]:
    versions = {row[0] for row in source.execute("SELECT version FROM schema_migrations")}
    known = {m.version for m in load_migrations()}
    if versions != known:
        raise StorageUnavailable(
            f"The SQLite database has schema versions {sorted(versions)} but this CallShield "
            f"has {sorted(known)}: run `callshield db migrate` on it (CALLSHIELD_DATABASE set "
            "to the file) first, then copy again.", cause=Cause.SCHEMA)
    return [row[0] for row in source.execute(
        "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")
        if row[0] not in _SKIPPED]


async def _parents_first(conn: asyncpg.Connection, tables: list[str]) -> list[str]:
    edges = await conn.fetch(
        "SELECT conrelid::regclass::text AS child, confrelid::regclass::text AS parent"
        " FROM pg_constraint WHERE contype = 'f' AND connamespace = current_schema()::regnamespace")
    parents: dict[str, set[str]] = {t: set() for t in tables}
    for edge in edges:
        if edge["child"] in parents and edge["parent"] != edge["child"]:
            parents[edge["child"]].add(edge["parent"])
    ordered: list[str] = []
    while parents:
        ready = sorted(t for t, p in parents.items() if not p - set(ordered))
        if not ready:
            raise StorageError(f"Cannot order the tables {sorted(parents)} by their foreign "
                               "keys (a cycle); copy them by hand.")
        ordered += ready
        for table in ready:
            del parents[table]
    return ordered


def _rows(source: sqlite3.Connection, table: str, columns: list[str],
          sealed: set[str]) -> Iterator[list[tuple[Any, ...]]]:
    cursor = source.execute(f"SELECT {', '.join(columns)} FROM {table} ORDER BY rowid")
    while batch := cursor.fetchmany(_BATCH):
        for row in batch:
            for column, value in zip(columns, row, strict=True):
                if column in sealed and isinstance(value, str):
                    raise StorageError(
                        f"{table}.{column} holds a value stored before encryption at rest: "
                        "start CallShield once on the SQLite database (it seals them), then "
                        "copy again.", cause=Cause.DATA_KEY)
        yield batch


async def copy_sqlite_to_postgres(sqlite_path: Path, url: str, *,
                                  dry_run: bool = False) -> CopyReport:
    """Copy every row of ``sqlite_path`` into the (empty) PostgreSQL database at ``url``."""
    if not sqlite_path.is_file():
        raise StorageUnavailable(f"There is no SQLite database at {sqlite_path}.")
    with closing(sqlite3.connect(f"file:{sqlite_path}?mode=ro", uri=True)) as source:
        try:
            tables = _source_tables(source)
        except sqlite3.Error as exc:
            raise StorageUnavailable(f"Cannot read {sqlite_path} as a CallShield SQLite "
                                     f"database ({exc}).") from exc
        pool = await connect_pool(url, size=1)
        try:
            async with pool.acquire() as conn:
                await apply_pg_migrations(conn)
                return await _copy(conn, source, tables, dry_run)
        except ERRORS as exc:
            error = translate(exc)
            raise StorageUnavailable(f"Copy to {redacted(url)} failed, nothing was written: "
                                     f"{error}", cause=error.cause) from exc
        finally:
            await pool.close()


class _DryRun(Exception):
    """Raised to roll the transaction back after a dry run."""


async def _copy(conn: asyncpg.Connection, source: sqlite3.Connection, tables: list[str],
                dry_run: bool) -> CopyReport:
    report = CopyReport()
    try:
        async with conn.transaction():
            target = await _target_columns(conn)
            missing = [t for t in tables if t not in target]
            if missing:
                raise StorageError(f"PostgreSQL has no table {missing}: its migrations lack a "
                                   "twin of the SQLite ones (storage/migrations/postgres/).",
                                   cause=Cause.SCHEMA)
            for table in tables:
                if await conn.fetchval(f"SELECT EXISTS (SELECT 1 FROM {table})"):
                    raise StorageError(
                        f"The PostgreSQL database already holds rows in {table}: copy only "
                        "into an empty database (a new one, or a new schema with "
                        "?search_path=SCHEMA in the URL).", cause=Cause.OTHER)
            for table in await _parents_first(conn, tables):
                columns, sealed = target[table]
                source_columns = {r[1] for r in source.execute(f"PRAGMA table_info({table})")}
                names = [c for c in columns if c in source_columns]
                copied = 0
                for batch in _rows(source, table, names, sealed):
                    await conn.copy_records_to_table(table, records=batch, columns=names)
                    copied += len(batch)
                stored = await conn.fetchval(f"SELECT COUNT(*) FROM {table}")
                if stored != copied:
                    raise StorageError(f"{table}: {copied} row(s) read, {stored} stored; "
                                       "nothing was committed.")
                report.rows[table] = copied
                if "id" in columns:  # new rows continue after the copied ids
                    await conn.execute(
                        f"SELECT setval(pg_get_serial_sequence('{table}', 'id'),"
                        f" COALESCE(MAX(id), 1), MAX(id) IS NOT NULL) FROM {table}")
            if dry_run:
                raise _DryRun
    except _DryRun:
        return report
    report.committed = True
    return report


async def _target_columns(conn: asyncpg.Connection) -> dict[str, tuple[list[str], set[str]]]:
    """table -> (its columns in order, those of type bytea)."""
    rows = await conn.fetch(
        "SELECT table_name, column_name, data_type FROM information_schema.columns"
        " WHERE table_schema = current_schema() ORDER BY table_name, ordinal_position")
    found: dict[str, tuple[list[str], set[str]]] = {}
    for row in rows:
        columns, sealed = found.setdefault(row["table_name"], ([], set()))
        columns.append(row["column_name"])
        if row["data_type"] == "bytea":
            sealed.add(row["column_name"])
    return found
