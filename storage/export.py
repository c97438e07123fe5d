"""Shape of the data export a user receives (right of access).

Plain dicts and lists with the stored JSON text parsed and every sealed value decrypted, so
the result can be written with ``json.dumps`` and read by the user without knowing our schema
or our keys. Every stored column is in it, timestamps included (``updated_at`` of each letter
detail, ``occurred_at_utc`` of each incident).
"""

from __future__ import annotations

import json
from dataclasses import asdict
from typing import Any

from .diary_records import DiaryEntryRow, ReminderRow
from .records import AuditRow, ConversationRow, IncidentRow, UserRow


def build_export(
    user: UserRow,
    conversation: ConversationRow | None,
    incidents: list[IncidentRow],
    profile: dict[str, tuple[str, str]],
    audit: list[AuditRow],
    *,
    diary: list[DiaryEntryRow] | None = None,
    reminders: list[ReminderRow] | None = None,
) -> dict[str, Any]:
    """Assemble everything stored about one user into JSON-serialisable data."""
    return {
        "user": asdict(user),
        "conversation": None if conversation is None else _conversation(conversation),
        "incidents": [_incident(incident) for incident in incidents],
        "profile": {key: {"value": value, "updated_at": updated_at}
                    for key, (value, updated_at) in profile.items()},
        "audit": [
            {"id": a.id, "action": a.action, "detail": a.detail, "created_at": a.created_at}
            for a in audit
        ],
        "diary": [_entry(entry) for entry in diary or ()],
        "reminders": [asdict(reminder) for reminder in reminders or ()],
    }


def _conversation(row: ConversationRow) -> dict[str, Any]:
    return {
        "state": json.loads(row.state_json),
        "pack_id": row.pack_id,
        "pack_version": row.pack_version,
        "updated_at": row.updated_at,
    }


def _incident(row: IncidentRow) -> dict[str, Any]:
    result = asdict(row)
    del result["user_id"], result["facts_json"]
    result["facts"] = json.loads(row.facts_json)
    result["findings"] = [
        {"id": f.id, "rule_id": f.rule_id, "severity": f.severity, "data": json.loads(f.data_json)}
        for f in row.findings
    ]
    return result


def _entry(row: DiaryEntryRow) -> dict[str, Any]:
    result = asdict(row)
    del result["user_id"], result["third_parties_json"], result["said_json"]
    result["third_parties"] = None if row.third_parties_json is None \
        else json.loads(row.third_parties_json)
    result["said"] = None if row.said_json is None else json.loads(row.said_json)
    result["attachments"] = [asdict(attachment) for attachment in row.attachments]
    return result
