"""Apply the PostgreSQL migrations (``storage/migrations/postgres/NNNN_name.sql``).

Numbered like the SQLite ones (tests/storage/test_storage_pg_twins.py fails when a SQLite
migration has no PostgreSQL twin); each runs once, in version order, in one transaction with
its row in ``schema_migrations``, under an advisory lock, so workers starting together apply
it once and a failed file leaves no trace.
"""

from __future__ import annotations

import logging

import asyncpg

from ..errors import Cause, StorageUnavailable
from ..migrate import MIGRATIONS_PACKAGE, Migration, load_migrations
from ..values import utc_now

logger = logging.getLogger(__name__)

PG_MIGRATIONS_PACKAGE = f"{MIGRATIONS_PACKAGE}.postgres"
_CREATE_LEDGER = (
    "CREATE TABLE IF NOT EXISTS schema_migrations ("
    " version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)"
)


def pg_migrations() -> list[Migration]:
    return load_migrations(PG_MIGRATIONS_PACKAGE)


async def apply_pg_migrations(conn: asyncpg.Connection,
                              migrations: list[Migration] | None = None) -> list[int]:
    """Apply the migrations the database (its current schema) lacks; the versions applied."""
    wanted = pg_migrations() if migrations is None else migrations
    async with conn.transaction():
        await conn.execute(
            "SELECT pg_advisory_xact_lock(hashtext('callshield-migrate:' || current_schema()))")
        await conn.execute(_CREATE_LEDGER)
        applied = {int(row[0]) for row in await conn.fetch("SELECT version FROM "
                                                             "schema_migrations")}
        unknown = applied - {m.version for m in wanted}
        if unknown:
            raise StorageUnavailable(
                f"The database has schema version {max(unknown):04d}, which this version of "
                "CallShield does not know: it was written by a newer release. Upgrade "
                "CallShield, or restore a backup made before the upgrade.", cause=Cause.SCHEMA)
        done: list[int] = []
        for migration in wanted:
            if migration.version in applied:
                continue
            await conn.execute(migration.sql)  # a script: several statements, no parameters
            await conn.execute(
                "INSERT INTO schema_migrations (version, name, applied_at) VALUES ($1, $2, $3)",
                migration.version, migration.name, utc_now())
            done.append(migration.version)
            logger.info("applied PostgreSQL migration %04d_%s", migration.version,
                        migration.name)
    return done
