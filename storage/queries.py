"""Read queries turning rows into records, shared by single reads and export.

Each takes a connection the caller already holds through the ConnectionGate;
``execute_fetchall`` runs every statement to the end, so no read transaction
is left open behind a half-read cursor.
"""

from __future__ import annotations

from dataclasses import fields
from typing import Any, Final

import aiosqlite

from .records import AuditRow, ConversationRow, FindingRow, IncidentRow, NewIncident, UserRow
from .sealing import FINDING_DATA, INCIDENT_SEALED, PROFILE_VALUE, STATE, Sealer

INCIDENT_FIELDS: Final = tuple(f.name for f in fields(NewIncident))
"""Columns filled from :class:`NewIncident`, in its field order."""

_USER_COLUMNS = "id, channel, external_id, language, jurisdiction, timezone, created_at, updated_at"
_USERS = f"SELECT {_USER_COLUMNS} FROM users"
_INCIDENTS = (
    f"SELECT id, user_id, created_at, occurred_at_utc, {', '.join(INCIDENT_FIELDS)}"
    " FROM incidents"
    " WHERE user_id = ?"
    # Unknown times last, written so PostgreSQL and SQLite agree on it.
    " ORDER BY CASE WHEN occurred_at_utc IS NULL THEN 1 ELSE 0 END, occurred_at_utc, id"
)
_FINDINGS = (
    "SELECT f.id, f.incident_id, f.rule_id, f.severity, f.data_json FROM findings f"
    " JOIN incidents i ON i.id = f.incident_id WHERE i.user_id = ? ORDER BY f.id"
)


async def first(db: aiosqlite.Connection, sql: str, params: tuple[Any, ...]) -> Any | None:
    """Return the first row of a query, or None."""
    return next(iter(await db.execute_fetchall(sql, params)), None)


async def user_by_id(db: aiosqlite.Connection, user_id: int) -> UserRow | None:
    """Return the user with this id, if any."""
    row = await first(db, f"{_USERS} WHERE id = ?", (user_id,))
    return None if row is None else UserRow(*row)


async def user_by_key(db: aiosqlite.Connection, channel: str, external_id: str) -> UserRow | None:
    """Return the user known on ``channel`` as ``external_id``, if any."""
    row = await first(
        db, f"{_USERS} WHERE channel = ? AND external_id = ?", (channel, external_id)
    )
    return None if row is None else UserRow(*row)


async def insert_user(db: aiosqlite.Connection, values: dict[str, Any]) -> UserRow | None:
    """Insert a user in one statement and return it; None if ``(channel, external_id)``
    already exists (another writer was first). One statement, so one trip to the database."""
    row = await first(
        db,
        f"INSERT INTO users ({', '.join(values)}) VALUES ({', '.join('?' * len(values))})"
        f" ON CONFLICT (channel, external_id) DO NOTHING RETURNING {_USER_COLUMNS}",
        tuple(values.values()),
    )
    return None if row is None else UserRow(*row)


async def update_user(db: aiosqlite.Connection, user_id: int,
                      changes: dict[str, Any]) -> UserRow | None:
    """Apply ``changes`` (fixed column names, never user input) and return the row, or None
    if there is no such user; one statement."""
    assignments = ", ".join(f"{column} = ?" for column in changes)
    row = await first(
        db, f"UPDATE users SET {assignments} WHERE id = ? RETURNING {_USER_COLUMNS}",
        (*changes.values(), user_id),
    )
    return None if row is None else UserRow(*row)


async def conversation(db: aiosqlite.Connection, sealer: Sealer,
                       user_id: int) -> ConversationRow | None:
    """Return the user's conversation state, if any."""
    row = await first(
        db,
        "SELECT user_id, state_json, pack_id, pack_version, updated_at, shown_at,"
        " shown_message FROM conversations WHERE user_id = ?",
        (user_id,),
    )
    if row is None:
        return None
    state = sealer.open_required(STATE, row[1], user_id)
    return ConversationRow(user_id, state, row[2], row[3], row[4], row[5], row[6])


async def incidents(db: aiosqlite.Connection, sealer: Sealer,
                    user_id: int) -> list[IncidentRow]:
    """Return the user's incidents with findings; call inside one snapshot."""
    findings: dict[int, list[FindingRow]] = {}
    for row in await db.execute_fetchall(_FINDINGS, (user_id,)):
        data = sealer.open_required(FINDING_DATA, row[4], row[1])
        findings.setdefault(row[1], []).append(FindingRow(row[0], row[1], row[2], row[3], data))
    return [_incident(sealer, row, findings.get(row[0], ()))
            for row in await db.execute_fetchall(_INCIDENTS, (user_id,))]


def _incident(sealer: Sealer, row: Any, findings: Any) -> IncidentRow:
    values = dict(zip(INCIDENT_FIELDS, row[4:], strict=True))
    for column in INCIDENT_SEALED:
        values[column] = sealer.open(f"incidents.{column}", values[column], row[1])
    return IncidentRow(id=row[0], user_id=row[1], created_at=row[2], occurred_at_utc=row[3],
                       findings=tuple(findings), **values)


async def profile(db: aiosqlite.Connection, sealer: Sealer,
                  user_id: int) -> dict[str, tuple[str, str]]:
    """Return the user's profile fields as key -> (value, updated_at), sorted by key."""
    rows = await db.execute_fetchall(
        "SELECT key, value, updated_at FROM profile_fields WHERE user_id = ? ORDER BY key",
        (user_id,),
    )
    return {key: (sealer.open_required(PROFILE_VALUE, value, user_id, key), updated_at)
            for key, value, updated_at in rows}


async def audit(db: aiosqlite.Connection, user_id: int) -> list[AuditRow]:
    """Return the user's audit entries, oldest first."""
    rows = await db.execute_fetchall(
        "SELECT id, user_id, action, detail, created_at FROM audit_log"
        " WHERE user_id = ? ORDER BY id",
        (user_id,),
    )
    return [AuditRow(*row) for row in rows]
