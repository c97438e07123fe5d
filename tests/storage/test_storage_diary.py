"""The evidence diary and reminders in a real SQLite file: sealed at rest, listed in time
order, deleted one by one and with the user (no copy left in the files), exported, purged by
retention, and reminders claimed once."""

from __future__ import annotations

import json
import sqlite3
from contextlib import closing
from pathlib import Path

import pytest

from storage import KeyConfig, NewAttachment, NewDiaryEntry, NewReminder, Retention, open_store
from storage.sealing import SEALED
from tests.plaintext import stored_plaintext
from tests.storage.people import PERSON, copies, fill, plain_forms

NOTE = "他们又打到我妈那里骂她NOTE-DIARY-8812"
NAME = "催收员小刘LIU-4471"
NUMBER = "+86 171 0000 9921"
FILE_ID = "AgACAgQAAxkBAAIBFILEID-5521"
LONG_AGO = "2020-01-01T00:00:00.000000+00:00"


def entry(day: str, at: str | None = None, **extra: object) -> NewDiaryEntry:
    values: dict[str, object] = {"source": "quick", "pack_id": "cn", "occurred_at": at or day,
                                 "occurred_day": day, "channel": "call"}
    values.update(extra)
    return NewDiaryEntry(**values)  # type: ignore[arg-type]


async def test_entries_are_sealed_listed_in_time_order_and_exported(db_path: Path) -> None:
    async with await open_store(db_path) as store:
        user, incident = await fill(store)
        later = await store.add_diary_entry(user, entry("2026-11-29", note=NOTE))
        first = await store.add_diary_entry(user, entry(
            "2026-11-27", "2026-11-27T22:30:00+08:00", source="report", incident_id=incident,
            caller_number=NUMBER, caller_name=NAME,
            third_parties_json=json.dumps({"family": 30}), said_json=json.dumps(["insult"])))
        day_only = await store.add_diary_entry(user, entry("2026-11-27"))
        await store.add_attachment(user, later, NewAttachment(
            "photo", FILE_ID, file_name="screenshot.jpg", mime_type="image/jpeg", size=12))
        listed = await store.list_diary_entries(user)
        assert [e.id for e in listed] == [day_only, first, later]  # a day alone first that day
        assert listed[1].caller_name == NAME and listed[1].caller_number == NUMBER
        assert json.loads(listed[1].third_parties_json or "") == {"family": 30}
        assert listed[1].occurred_at_utc == "2026-11-27T14:30:00.000000+00:00"
        assert listed[2].note == NOTE and listed[2].attachments[0].file_id == FILE_ID
        exported = await store.export_user(user)
    raw = b"".join(Path(str(db_path) + suffix).read_bytes()
                   for suffix in ("", "-wal") if Path(str(db_path) + suffix).exists())
    for secret in (NOTE, NAME, NUMBER, FILE_ID):
        assert secret.encode() not in raw  # sealed at rest
        assert secret in stored_plaintext(db_path, ("diary_entries", "diary_attachments"))
    with closing(sqlite3.connect(db_path)) as conn:
        stored = conn.execute("SELECT note, caller_name FROM diary_entries").fetchall()
    assert all(isinstance(v, bytes) for row in stored for v in row if v is not None)
    assert {spec.table for spec in SEALED} >= {"diary_entries", "diary_attachments"}
    assert [e["note"] for e in exported["diary"]] == [None, None, NOTE]
    assert exported["diary"][1]["third_parties"] == {"family": 30}
    assert exported["diary"][2]["attachments"][0]["file_name"] == "screenshot.jpg"


async def test_bad_input_is_refused_before_anything_is_stored(database: Path | str, key_config: KeyConfig) -> None:
    async with await open_store(database, keys=key_config) as store:
        user, _ = await fill(store)
        other, _ = await fill(store, {**PERSON, "telegram_id": "99"})
        with pytest.raises(ValueError, match="UTC offset"):
            await store.add_diary_entry(user, entry("2026-11-27", "2026-11-27T22:30:00"))
        with pytest.raises(ValueError, match="JSON"):
            await store.add_diary_entry(user, entry("2026-11-27", said_json="not json"))
        with pytest.raises(ValueError, match="source"):
            await store.add_diary_entry(user, entry("2026-11-27", source="guess"))
        mine = await store.add_diary_entry(user, entry("2026-11-27"))
        with pytest.raises(LookupError):  # a file cannot be hung on someone else's entry
            await store.add_attachment(other, mine, NewAttachment("photo", FILE_ID))
        assert not await store.delete_diary_entry(other, mine)
        assert not await store.set_diary_note(other, mine, "not theirs")
        assert await store.set_diary_note(user, mine, NOTE)
        assert [(e.id, e.note) for e in await store.list_diary_entries(user)] == [(mine, NOTE)]


async def test_one_entry_is_deleted_with_its_files_and_leaves_no_copy(db_path: Path) -> None:
    async with await open_store(db_path) as store:
        user, _ = await fill(store)
        kept = await store.add_diary_entry(user, entry("2026-11-28"))
        gone = await store.add_diary_entry(user, entry("2026-11-29", note=NOTE))
        attachment = await store.add_attachment(user, gone, NewAttachment("voice", FILE_ID))
        assert await store.set_attachment_hash(user, attachment, "ab" * 32, 99)
        with closing(sqlite3.connect(db_path)) as conn:
            needles = [row[0] for row in conn.execute(
                "SELECT note FROM diary_entries WHERE id = ? UNION ALL"
                " SELECT file_id FROM diary_attachments", (gone,))]
        assert len(needles) == 2 and copies(db_path, needles)
        assert await store.delete_diary_entry(user, gone)
        assert [e.id for e in await store.list_diary_entries(user)] == [kept]
        assert copies(db_path, needles) == {}  # the sealed bytes are gone from every file
        with closing(sqlite3.connect(db_path)) as conn:
            assert conn.execute("SELECT COUNT(*) FROM diary_attachments").fetchone()[0] == 0


async def test_deleting_the_user_deletes_the_diary_files_and_reminders(db_path: Path) -> None:
    async with await open_store(db_path) as store:
        user, _ = await fill(store)
        keeper, _ = await fill(store, {**PERSON, "telegram_id": "5"})
        one = await store.add_diary_entry(user, entry("2026-11-29", note=NOTE, caller_name=NAME))
        await store.add_attachment(user, one, NewAttachment("document", FILE_ID,
                                                            file_name="欠条LIU.pdf"))
        await store.add_reminder(user, NewReminder("cn", "complaint", "reply_due",
                                                   "2026-12-18T01:00:00+00:00"))
        await store.add_diary_entry(keeper, entry("2026-11-29", note="keeper's own note"))
        with closing(sqlite3.connect(db_path)) as conn:
            sealed = [v for row in conn.execute(
                "SELECT note, caller_name FROM diary_entries WHERE user_id = ? UNION ALL"
                " SELECT file_id, file_name FROM diary_attachments", (user,)) for v in row]
        needles = sealed + plain_forms() + [NOTE.encode(), NAME.encode()]
        await store.delete_user(user)
        assert copies(db_path, needles) == {}
        with closing(sqlite3.connect(db_path)) as conn:
            for table in ("diary_entries", "diary_attachments", "reminders"):
                assert conn.execute(f"SELECT COUNT(*) FROM {table} WHERE user_id = ?",
                                    (user,)).fetchone()[0] == 0
        assert [e.note for e in await store.list_diary_entries(keeper)] == ["keeper's own note"]


async def test_reminders_are_due_claimed_once_cancelled_and_survive_a_restart(
        database: Path | str, key_config: KeyConfig) -> None:
    async with await open_store(database, keys=key_config) as store:
        user, _ = await fill(store)
        soon = await store.add_reminder(user, NewReminder(
            "cn", "complaint", "reply_due", "2026-12-01T09:00:00+08:00"))
        later = await store.add_reminder(user, NewReminder(
            "cn", "complaint", "did_they_stop", "2026-12-20T09:00:00+08:00"))
        with pytest.raises(ValueError, match="UTC offset"):
            await store.add_reminder(user, NewReminder("cn", "x", "y", "2026-12-01T09:00:00"))
    async with await open_store(database, keys=key_config) as store:  # a restart
        due = await store.due_reminders("2026-12-01T01:00:00+00:00")
        assert [r.id for r in due] == [soon]
        assert await store.mark_reminder_sent(soon)
        assert not await store.mark_reminder_sent(soon)  # a second sender gets nothing
        await store.unclaim_reminder(soon)  # it could not be sent: due again, claimed again
        assert [r.id for r in await store.due_reminders("2026-12-01T01:00:00+00:00")] == [soon]
        assert await store.mark_reminder_sent(soon)
        assert await store.due_reminders("2026-12-30T00:00:00+00:00") == [
            r for r in await store.list_reminders(user) if r.id == later]
        assert await store.cancel_reminder(user, later)
        assert not await store.cancel_reminder(user, later)
        assert await store.due_reminders("2027-01-01T00:00:00+00:00") == []
        exported = await store.export_user(user)
        assert [(r["kind"], bool(r["sent_at"]), bool(r["cancelled_at"]))
                for r in exported["reminders"]] == [("reply_due", True, False),
                                                    ("did_they_stop", False, True)]


async def test_retention_purges_old_entries_and_reminders(db_path: Path) -> None:
    async with await open_store(db_path, retention=Retention()) as store:
        user, _ = await fill(store)
        old = await store.add_diary_entry(user, entry("2019-12-30", note=NOTE))
        await store.add_attachment(user, old, NewAttachment("photo", FILE_ID))
        new = await store.add_diary_entry(user, entry("2026-11-30"))
        await store.add_reminder(user, NewReminder("cn", "complaint", "reply_due",
                                                   "2020-01-15T01:00:00+00:00"))
    with closing(sqlite3.connect(db_path)) as conn, conn:
        conn.execute("UPDATE diary_entries SET created_at = ? WHERE id = ?", (LONG_AGO, old))
        conn.execute("UPDATE reminders SET created_at = ?", (LONG_AGO,))
    async with await open_store(db_path, retention=Retention(days=30)) as store:
        assert [e.id for e in await store.list_diary_entries(user)] == [new]
        assert await store.list_reminders(user) == []
    with closing(sqlite3.connect(db_path)) as conn:
        assert conn.execute("SELECT COUNT(*) FROM diary_attachments").fetchone()[0] == 0
