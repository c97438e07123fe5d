"""A borrower with distinctive personal values, and where those values can be found on disk.

Used by the encryption, deletion and fault tests (in process and in a child process): every
value is unusual enough that finding its bytes in a file can only mean a copy of it.
"""

from __future__ import annotations

import json
import sqlite3
from contextlib import closing
from pathlib import Path
from typing import Any

from storage import NewFinding, NewIncident, Store

PERSON = {
    "telegram_id": "7300918273",
    "id_number": "110105198807213391",
    "full_name": "王秀英ZQX",
    "address": "北京市朝阳区建国路88号3单元1502室",
    "phone": "+86 139 2468 1357",
    "lender": "惠民速贷HMX",
    "agency": "追风催收LKJ",
    "story": "他们威胁要去我单位闹 they said they would visit my office QWZ",
    "answer": "催收员冒充警察说要抓我 POLICE-IMPERSONATION-7731",
}
"""Distinctive values; ``telegram_id`` is stored in plain text (users.external_id), the rest
sealed."""

SEALED_COLUMNS = {
    "conversations": ("state_json",),
    "incidents": ("caller_number", "lender", "agency", "description", "facts_json"),
    "profile_fields": ("value",),
}


async def fill(store: Store, person: dict[str, str] = PERSON) -> tuple[int, int]:
    """Store everything about ``person``: (user id, incident id)."""
    user = await store.get_or_create_user("telegram", person["telegram_id"], language="zh-Hans")
    state = {"answers": {"what_said": person["answer"], "story": person["story"]},
             "path": ["what_said", "story"]}
    await store.save_conversation(user.id, json.dumps(state), "cn", "1")
    facts = {"caller_number": person["phone"], "lender": person["lender"],
             "story": person["story"], "what_said": person["answer"]}
    incident_id = await store.add_incident(user.id, NewIncident(
        "2026-11-27T22:30:00+08:00", person["phone"], person["lender"], person["agency"],
        "call", json.dumps(facts, ensure_ascii=False), person["story"], "cn", "1",
    ), [NewFinding("impersonation", "urgent",
                   json.dumps({"said": person["answer"]}, ensure_ascii=False))])
    for key in ("full_name", "id_number", "address", "phone"):
        await store.set_profile_field(user.id, key, person[key])
    return user.id, incident_id


def plain_forms(person: dict[str, str] = PERSON) -> list[bytes]:
    """Each value as UTF-8 and as JSON writes it (escaped and not)."""
    forms: set[bytes] = set()
    for value in person.values():
        forms.add(value.encode())
        forms.add(json.dumps(value)[1:-1].encode())
        forms.add(json.dumps(value, ensure_ascii=False)[1:-1].encode())
    return sorted(forms)


def sealed_forms(database: Path, user_id: int) -> list[bytes]:
    """The stored (sealed) bytes of every personal value of the user, read from the file."""
    found: list[bytes] = []
    with closing(sqlite3.connect(database)) as raw:
        for table, columns in SEALED_COLUMNS.items():
            for column in columns:
                found += [row[0] for row in raw.execute(
                    f"SELECT {column} FROM {table} WHERE user_id = ?", (user_id,))]
        found += [row[0] for row in raw.execute(
            "SELECT data_json FROM findings JOIN incidents i ON i.id = incident_id"
            " WHERE i.user_id = ?", (user_id,))]
    assert found and all(isinstance(value, bytes) for value in found), "values not sealed"
    return found


def database_files(database: Path) -> dict[str, bytes]:
    """The raw bytes of the database and its -wal and -shm (those that exist)."""
    files = {}
    for suffix in ("", "-wal", "-shm"):
        path = database.with_name(database.name + suffix)
        if path.exists():
            files[path.name] = path.read_bytes()
    return files


def copies(database: Path, needles: list[bytes]) -> dict[str, Any]:
    """Which needles occur in which of the database's files: {file: [needle, ...]}."""
    found = {}
    for name, data in database_files(database).items():
        hits = [needle for needle in needles if needle in data]
        if hits:
            found[name] = hits
    return found
