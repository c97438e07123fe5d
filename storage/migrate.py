"""Apply the numbered ``migrations/NNNN_name.sql`` files a database lacks.

Each file runs once, in version order, inside one ``BEGIN IMMEDIATE``
transaction together with its row in ``schema_migrations``; so two processes
starting at once cannot both apply it, and a failed file leaves no trace.
Files are read with importlib.resources so they work from an installed wheel.
"""

from __future__ import annotations

import importlib.resources
import logging
import re
import sqlite3
from dataclasses import dataclass
from datetime import datetime, timezone

import aiosqlite

from .errors import Cause, StorageError, StorageUnavailable

logger = logging.getLogger(__name__)

MIGRATIONS_PACKAGE = f"{__package__}.migrations"
_FILE_NAME = re.compile(r"^(?P<version>\d{4})_(?P<name>[a-z0-9_]+)\.sql$")

_CREATE_LEDGER = (
    "CREATE TABLE IF NOT EXISTS schema_migrations ("
    " version INTEGER PRIMARY KEY,"
    " name TEXT NOT NULL,"
    " applied_at TEXT NOT NULL)"
)


@dataclass(frozen=True, slots=True)
class Migration:
    """One schema change, identified by the number its file name starts with."""

    version: int
    name: str
    sql: str


def load_migrations(package: str = MIGRATIONS_PACKAGE) -> list[Migration]:
    """Return the migrations shipped in ``package``, sorted by version."""
    found: dict[int, Migration] = {}
    for entry in importlib.resources.files(package).iterdir():
        match = _FILE_NAME.match(entry.name)
        if match is None:
            continue
        version = int(match["version"])
        if version in found:
            raise StorageError(
                f"Two migration files share version {version:04d} "
                f"({found[version].name} and {match['name']}); renumber one of them."
            )
        found[version] = Migration(version, match["name"], entry.read_text(encoding="utf-8"))
    return [found[v] for v in sorted(found)]


def split_statements(script: str) -> list[str]:
    """Split a SQL script into complete statements.

    ``executescript`` would commit the open transaction first, so statements
    are run one by one; ``sqlite3.complete_statement`` keeps semicolons inside
    strings and trigger bodies from splitting a statement.
    """
    statements: list[str] = []
    buffer = ""
    for piece in script.split(";"):
        buffer += piece + ";"
        if sqlite3.complete_statement(buffer):
            if _strip_comments(buffer):
                statements.append(buffer.strip())
            buffer = ""
    if _strip_comments(buffer.rstrip(";")):
        raise StorageError(f"A migration ends with an incomplete statement: {buffer.strip()[:80]}")
    return statements


def _strip_comments(sql: str) -> str:
    lines = (line.split("--", 1)[0] for line in sql.splitlines())
    return "".join(lines).strip().strip(";").strip()


async def apply_migrations(
    conn: aiosqlite.Connection, migrations: list[Migration] | None = None
) -> list[int]:
    """Apply the migrations ``conn`` lacks; return the versions applied now.

    ``conn`` must be in autocommit mode (``isolation_level=None``).
    """
    pending_all = load_migrations() if migrations is None else migrations
    await conn.execute("BEGIN IMMEDIATE")
    try:
        await conn.execute(_CREATE_LEDGER)
        rows = await conn.execute_fetchall("SELECT version FROM schema_migrations")
        applied = {int(row[0]) for row in rows}
        known = {m.version for m in pending_all}
        if applied - known:
            newest = max(applied - known)
            raise StorageUnavailable(
                f"The database has schema version {newest:04d}, which this version of "
                "CallShield does not know: it was written by a newer release. Upgrade "
                "CallShield, or restore a backup made before the upgrade.", cause=Cause.SCHEMA
            )
        done: list[int] = []
        for migration in pending_all:
            if migration.version in applied:
                continue
            for statement in split_statements(migration.sql):
                await conn.execute(statement)
            await conn.execute(
                "INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)",
                (migration.version, migration.name, _now()),
            )
            done.append(migration.version)
            logger.info("applied migration %04d_%s", migration.version, migration.name)
        await conn.commit()
        return done
    except BaseException:
        await conn.rollback()
        raise


def _now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="microseconds")
