"""Incidents (the evidence a user reports): the SQL that writes and deletes them.

Kept apart from storage/sqlite.py (which routes calls, caches and groups writes): an incident
carries most of a user's sealed values at once, and its findings are sealed to it.
"""

from __future__ import annotations

from collections.abc import Sequence

import aiosqlite

from .queries import INCIDENT_FIELDS
from .records import NewFinding, NewIncident
from .sealing import FINDING_DATA, INCIDENT_SEALED, Sealer
from .values import check_json, to_utc, utc_now

_INSERT_INCIDENT = (
    f"INSERT INTO incidents (user_id, occurred_at_utc, created_at, {', '.join(INCIDENT_FIELDS)})"
    f" VALUES ({', '.join('?' * (3 + len(INCIDENT_FIELDS)))}) RETURNING id"
)
_INSERT_FINDING = (
    "INSERT INTO findings (incident_id, rule_id, severity, data_json) VALUES (?, ?, ?, ?)"
)


def check_incident(incident: NewIncident, findings: Sequence[NewFinding]) -> str | None:
    """Refuse bad input before any SQL runs; return the incident's time in UTC."""
    when = incident.occurred_at
    occurred_utc = None if when is None else to_utc(when, "occurred_at")
    check_json(incident.facts_json, "facts_json")
    for finding in findings:
        check_json(finding.data_json, f"data_json of finding {finding.rule_id!r}")
    return occurred_utc


async def insert_incident(db: aiosqlite.Connection, sealer: Sealer, user_id: int,
                          incident: NewIncident, findings: Sequence[NewFinding]) -> int:
    """Insert the incident (its personal columns sealed) and its findings; return its id."""
    occurred_utc = check_incident(incident, findings)
    values = [
        sealer.seal(f"incidents.{field}", getattr(incident, field), user_id)
        if field in INCIDENT_SEALED else getattr(incident, field)
        for field in INCIDENT_FIELDS
    ]
    [(incident_id,)] = await db.execute_fetchall(
        _INSERT_INCIDENT, (user_id, occurred_utc, utc_now(), *values))
    await db.executemany(_INSERT_FINDING, [
        (incident_id, f.rule_id, f.severity, sealer.seal(FINDING_DATA, f.data_json, incident_id))
        for f in findings
    ])
    return incident_id


async def delete_incident(db: aiosqlite.Connection, user_id: int, incident_id: int) -> bool:
    """Delete one of the user's incidents and its findings; False if it is not theirs."""
    await db.execute(
        "DELETE FROM findings WHERE incident_id IN"
        " (SELECT id FROM incidents WHERE id = ? AND user_id = ?)", (incident_id, user_id))
    cursor = await db.execute(
        "DELETE FROM incidents WHERE id = ? AND user_id = ?", (incident_id, user_id))
    return cursor.rowcount > 0
