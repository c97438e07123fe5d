"""export_user and delete_user: a user's right to see and erase their data."""

from __future__ import annotations

import json
import sqlite3

import pytest

from storage import (
    NewAttachment,
    NewDiaryEntry,
    NewFinding,
    NewIncident,
    NewReminder,
    SQLiteStore,
    UnknownUser,
)
from tests.pg import column_names, table_names


async def _fill(store: SQLiteStore, external_id: str) -> int:
    user = await store.get_or_create_user("telegram", external_id, language="ru")
    state = '{"step": "ask", "answers": {"lender": "Bank"}}'
    await store.save_conversation(user.id, state, "p", "2")
    await store.add_incident(
        user.id,
        NewIncident(
            "2024-05-01T23:10:00+03:00", "+70000000000", "Bank", "Agency", "call",
            '{"hour": 23}', "night call", "p", "2",
        ),  # fmt: skip
        [NewFinding("night_call", "high", '{"limit": 22}')],
    )
    await store.set_profile_field(user.id, "full_name", f"Person {external_id}")
    await store.audit(user.id, "letter_generated", "template=complaint")
    entry = await store.add_diary_entry(user.id, NewDiaryEntry(
        "quick", "p", "2024-05-02", "2024-05-02", "call", note="again"))
    await store.add_attachment(user.id, entry, NewAttachment("photo", "file-1"))
    await store.add_reminder(user.id, NewReminder("p", "complaint", "reply_due",
                                                  "2024-05-20T01:00:00+00:00"))
    return user.id


async def test_export_user_contains_everything_parsed(store: SQLiteStore) -> None:
    user_id = await _fill(store, "1")
    await _fill(store, "2")
    exported = await store.export_user(user_id)
    assert json.loads(json.dumps(exported)) == exported  # JSON-serialisable as is
    assert set(exported) == {"user", "conversation", "incidents", "profile", "audit", "diary",
                             "reminders"}
    assert exported["user"]["id"] == user_id
    assert exported["user"]["external_id"] == "1"
    assert exported["user"]["language"] == "ru"
    assert exported["conversation"]["state"] == {"step": "ask", "answers": {"lender": "Bank"}}
    assert exported["conversation"]["pack_version"] == "2"
    [incident] = exported["incidents"]
    assert incident["facts"] == {"hour": 23}
    assert incident["occurred_at"] == "2024-05-01T23:10:00+03:00"
    assert incident["caller_number"] == "+70000000000"
    assert [(f["rule_id"], f["data"]) for f in incident["findings"]] == [
        ("night_call", {"limit": 22})
    ]
    # every stored column is exported: letter details with when they were given (issue 10)
    assert list(exported["profile"]) == ["full_name"]
    detail = exported["profile"]["full_name"]
    assert detail["value"] == "Person 1" and detail["updated_at"].endswith("+00:00")
    assert incident["occurred_at_utc"] == "2024-05-01T20:10:00.000000+00:00"
    assert [(a["action"], a["detail"]) for a in exported["audit"]] == [
        ("letter_generated", "template=complaint")
    ]
    [entry] = exported["diary"]  # the evidence diary (issue 14), its files and reminders
    assert (entry["note"], entry["occurred_day"]) == ("again", "2024-05-02")
    assert entry["attachments"][0]["file_id"] == "file-1"
    assert exported["reminders"][0]["kind"] == "reply_due"


async def test_export_of_user_without_data(store: SQLiteStore) -> None:
    user = await store.get_or_create_user("telegram", "1")
    exported = await store.export_user(user.id)
    assert exported["conversation"] is None
    assert exported["incidents"] == [] and exported["profile"] == {} and exported["audit"] == []
    with pytest.raises(UnknownUser):
        await store.export_user(999)


def _rows_about(raw: sqlite3.Connection, user_id: int) -> dict[str, int]:
    """Count rows referring to the user in every table that has a user_id column."""
    counts = {
        "users": raw.execute("SELECT COUNT(*) FROM users WHERE id = ?", (user_id,)).fetchone()[0],
        "findings": raw.execute(
            "SELECT COUNT(*) FROM findings f JOIN incidents i ON i.id = f.incident_id"
            " WHERE i.user_id = ?",
            (user_id,),
        ).fetchone()[0],
    }
    for table in table_names(raw):
        if "user_id" in column_names(raw, table):
            counts[table] = raw.execute(
                f"SELECT COUNT(*) FROM {table} WHERE user_id = ?", (user_id,)
            ).fetchone()[0]
    return counts


async def test_delete_user_removes_every_row(
    store: SQLiteStore, raw: sqlite3.Connection, count
) -> None:
    gone = await _fill(store, "1")
    kept = await _fill(store, "2")
    before = _rows_about(raw, gone)
    assert set(before) >= {
        "users", "conversations", "incidents", "findings", "profile_fields", "audit_log",
    }  # fmt: skip
    assert all(n > 0 for n in before.values()), before

    await store.delete_user(gone)

    assert all(n == 0 for n in _rows_about(raw, gone).values())
    assert _rows_about(raw, kept) == before  # the other user is untouched
    assert count("SELECT COUNT(*) FROM findings") == 1  # no orphans left behind
    anonymous = raw.execute(
        "SELECT user_id, action, detail FROM audit_log WHERE user_id IS NULL"
    ).fetchall()
    assert anonymous == [(None, "user_deleted", "")]
    assert await store.get_user("telegram", "1") is None


async def test_delete_unknown_user_is_a_no_op(store: SQLiteStore, count) -> None:
    await store.delete_user(999)
    assert count("SELECT COUNT(*) FROM audit_log") == 0


async def test_delete_user_is_one_transaction(store: SQLiteStore, count) -> None:
    user_id = await _fill(store, "1")

    class Boom(Exception):
        pass

    with pytest.raises(Boom):
        async with store.transaction():
            await store.delete_user(user_id)
            raise Boom
    assert count("SELECT COUNT(*) FROM users") == 1
    assert count("SELECT COUNT(*) FROM findings") == 1
