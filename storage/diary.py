"""The evidence diary and follow-up reminders: their part of :class:`storage.Store`.

Kept apart from storage/sqlite.py, like releases and events: the diary is a user's growing
record of contacts (sealed: numbers, names, who else was called, what was said, notes, file
ids), and reminders are rows a background loop reads. Deleting an entry or a user truncates
the WAL (storage/scrub.py); retention purges both (registered at the end of this module).
"""

from __future__ import annotations

import datetime as dt
from typing import Any, Protocol, runtime_checkable

import aiosqlite

from .diary_records import (
    ATTACHMENT_KINDS,
    SOURCES,
    AttachmentRow,
    DiaryEntryRow,
    NewAttachment,
    NewDiaryEntry,
    NewReminder,
    ReminderRow,
)
from .retention import SqlPurge, register_purge
from .sealing import Sealer
from .transactions import ConnectionGate
from .values import check_json, check_text, to_utc, utc_now

ENTRY_SEALED = ("caller_number", "caller_name", "third_parties", "said", "note")
ATTACHMENT_SEALED = ("file_id", "file_name")
_ENTRY_COLUMNS = ("id", "user_id", "incident_id", "source", "pack_id", "occurred_at",
                  "occurred_day", "occurred_at_utc", "channel", "contacts", *ENTRY_SEALED,
                  "created_at")
_ENTRIES = (f"SELECT {', '.join(_ENTRY_COLUMNS)} FROM diary_entries WHERE user_id = ?")
_ORDER = (" ORDER BY CASE WHEN occurred_day IS NULL THEN 1 ELSE 0 END, occurred_day,"
          " CASE WHEN occurred_at_utc IS NULL THEN 0 ELSE 1 END, occurred_at_utc, id")
_ATTACHMENT_COLUMNS = ("id", "entry_id", "user_id", "kind", "file_id", "file_name",
                       "mime_type", "size", "sha256", "received_at", "hashed_at")
_REMINDER_COLUMNS = ("id", "user_id", "pack_id", "letter_id", "kind", "due_at_utc",
                     "created_at", "sent_at", "cancelled_at")
_REMINDERS = f"SELECT {', '.join(_REMINDER_COLUMNS)} FROM reminders"


@runtime_checkable
class DiaryStore(Protocol):
    """The diary and reminders (part of :class:`storage.Store`)."""

    async def add_diary_entry(self, user_id: int, entry: NewDiaryEntry) -> int:
        """Store one entry (its personal values sealed); return its id."""
        ...

    async def list_diary_entries(self, user_id: int) -> list[DiaryEntryRow]:
        """The user's entries, oldest day first (undated last), with their attachments."""
        ...

    async def delete_diary_entry(self, user_id: int, entry_id: int) -> bool:
        """Delete one of the user's entries and its attachments; False if not theirs."""
        ...

    async def set_diary_note(self, user_id: int, entry_id: int, note: str | None) -> bool:
        """Replace the free text of one of the user's entries; False if not theirs."""
        ...

    async def add_attachment(self, user_id: int, entry_id: int,
                             attachment: NewAttachment) -> int:
        """Keep a file on one of the user's entries; return its id (LookupError if the
        entry is not theirs)."""
        ...

    async def set_attachment_hash(self, user_id: int, attachment_id: int, sha256: str,
                                  size: int) -> bool:
        """Record the SHA-256 and size of a downloaded attachment."""
        ...

    async def add_reminder(self, user_id: int, reminder: NewReminder) -> int:
        ...

    async def list_reminders(self, user_id: int) -> list[ReminderRow]:
        """The user's reminders not yet sent nor cancelled, soonest first."""
        ...

    async def due_reminders(self, now_iso: str, limit: int = 100) -> list[ReminderRow]:
        """Reminders due at ``now_iso`` (ISO-8601 with offset), not sent nor cancelled."""
        ...

    async def mark_reminder_sent(self, reminder_id: int) -> bool:
        """Claim a due reminder for sending: True once only (so it is sent once)."""
        ...

    async def unclaim_reminder(self, reminder_id: int) -> None:
        """A claimed reminder could not be sent: make it due again."""
        ...

    async def cancel_reminder(self, user_id: int, reminder_id: int) -> bool:
        """Cancel one of the user's pending reminders; False if not theirs or not pending."""
        ...


class DiaryMethods:
    """:class:`DiaryStore` for SQLiteStore (which provides ``_gate`` and ``_sealer``)."""

    _gate: ConnectionGate
    _sealer: Sealer

    async def add_diary_entry(self, user_id: int, entry: NewDiaryEntry) -> int:
        values = _entry_values(self._sealer, user_id, entry)  # bad input fails before SQL
        async with self._gate.session("write", user_id=user_id) as db:
            [(entry_id,)] = await db.execute_fetchall(
                f"INSERT INTO diary_entries ({', '.join(values)})"
                f" VALUES ({', '.join('?' * len(values))}) RETURNING id", tuple(values.values()))
        return int(entry_id)

    async def list_diary_entries(self, user_id: int) -> list[DiaryEntryRow]:
        async with self._gate.session("read") as db:
            return await entries(db, self._sealer, user_id)

    async def delete_diary_entry(self, user_id: int, entry_id: int) -> bool:
        async with self._gate.session("write") as db:
            await db.execute("DELETE FROM diary_attachments WHERE entry_id = ? AND user_id = ?",
                             (entry_id, user_id))
            cursor = await db.execute("DELETE FROM diary_entries WHERE id = ? AND user_id = ?",
                                      (entry_id, user_id))
            deleted = cursor.rowcount > 0
            if deleted:
                self._gate.scrub_after_commit()
        return deleted

    async def set_diary_note(self, user_id: int, entry_id: int, note: str | None) -> bool:
        sealed = self._sealer.seal("diary_entries.note", note, user_id)
        async with self._gate.session("write") as db:
            cursor = await db.execute("UPDATE diary_entries SET note = ? WHERE id = ?"
                                      " AND user_id = ?", (sealed, entry_id, user_id))
            if cursor.rowcount:
                self._gate.scrub_after_commit()  # the old text must not linger in the WAL
        return cursor.rowcount > 0

    async def add_attachment(self, user_id: int, entry_id: int,
                             attachment: NewAttachment) -> int:
        if attachment.kind not in ATTACHMENT_KINDS:
            raise ValueError(f"attachment kind must be one of {ATTACHMENT_KINDS}")
        check_text(file_id=attachment.file_id)
        async with self._gate.session("write", user_id=user_id) as db:
            owner = await db.execute_fetchall(
                "SELECT 1 FROM diary_entries WHERE id = ? AND user_id = ?", (entry_id, user_id))
            if not owner:
                raise LookupError("no such diary entry for this user")
            seal = self._sealer.seal
            [(attachment_id,)] = await db.execute_fetchall(
                "INSERT INTO diary_attachments (entry_id, user_id, kind, file_id, file_name,"
                " mime_type, size, sha256, received_at, hashed_at)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
                (entry_id, user_id, attachment.kind,
                 seal("diary_attachments.file_id", attachment.file_id, user_id),
                 seal("diary_attachments.file_name", attachment.file_name, user_id),
                 attachment.mime_type, attachment.size, attachment.sha256, utc_now(),
                 utc_now() if attachment.sha256 else None))
        return int(attachment_id)

    async def set_attachment_hash(self, user_id: int, attachment_id: int, sha256: str,
                                  size: int) -> bool:
        if len(sha256) != 64:
            raise ValueError("sha256 must be 64 hex digits (hashlib.sha256(...).hexdigest())")
        async with self._gate.session("write") as db:
            cursor = await db.execute(
                "UPDATE diary_attachments SET sha256 = ?, size = ?, hashed_at = ?"
                " WHERE id = ? AND user_id = ?", (sha256, size, utc_now(), attachment_id,
                                                  user_id))
        return cursor.rowcount > 0

    async def add_reminder(self, user_id: int, reminder: NewReminder) -> int:
        check_text(pack_id=reminder.pack_id, letter_id=reminder.letter_id, kind=reminder.kind)
        due = to_utc(reminder.due_at_utc, "due_at_utc")
        async with self._gate.session("write", user_id=user_id) as db:
            [(reminder_id,)] = await db.execute_fetchall(
                "INSERT INTO reminders (user_id, pack_id, letter_id, kind, due_at_utc,"
                " created_at) VALUES (?, ?, ?, ?, ?, ?) RETURNING id",
                (user_id, reminder.pack_id, reminder.letter_id, reminder.kind, due, utc_now()))
        return int(reminder_id)

    async def list_reminders(self, user_id: int) -> list[ReminderRow]:
        async with self._gate.session("read") as db:
            rows = await db.execute_fetchall(
                f"{_REMINDERS} WHERE user_id = ? AND sent_at IS NULL AND cancelled_at IS NULL"
                " ORDER BY due_at_utc, id", (user_id,))
        return [_reminder(row) for row in rows]

    async def due_reminders(self, now_iso: str, limit: int = 100) -> list[ReminderRow]:
        now = to_utc(now_iso, "now_iso")
        async with self._gate.session("read") as db:
            rows = await db.execute_fetchall(
                f"{_REMINDERS} WHERE due_at_utc <= ? AND sent_at IS NULL"
                " AND cancelled_at IS NULL ORDER BY due_at_utc, id LIMIT ?", (now, limit))
        return [_reminder(row) for row in rows]

    async def mark_reminder_sent(self, reminder_id: int) -> bool:
        async with self._gate.session("write") as db:
            cursor = await db.execute(
                "UPDATE reminders SET sent_at = ? WHERE id = ? AND sent_at IS NULL"
                " AND cancelled_at IS NULL", (utc_now(), reminder_id))
        return cursor.rowcount > 0

    async def unclaim_reminder(self, reminder_id: int) -> None:
        async with self._gate.session("write") as db:
            await db.execute("UPDATE reminders SET sent_at = NULL WHERE id = ?", (reminder_id,))

    async def cancel_reminder(self, user_id: int, reminder_id: int) -> bool:
        async with self._gate.session("write") as db:
            cursor = await db.execute(
                "UPDATE reminders SET cancelled_at = ? WHERE id = ? AND user_id = ?"
                " AND sent_at IS NULL AND cancelled_at IS NULL",
                (utc_now(), reminder_id, user_id))
        return cursor.rowcount > 0


def _entry_values(sealer: Sealer, user_id: int, entry: NewDiaryEntry) -> dict[str, Any]:
    if entry.source not in SOURCES:
        raise ValueError(f"source must be one of {SOURCES}")
    if entry.contacts < 1:
        raise ValueError("contacts must be at least 1")
    for name in ("third_parties_json", "said_json"):
        value = getattr(entry, name)
        if value is not None:
            check_json(value, name)
    occurred_utc = None
    if entry.occurred_at is not None and "T" in entry.occurred_at:
        occurred_utc = to_utc(entry.occurred_at, "occurred_at")
    elif entry.occurred_at is not None:
        dt.date.fromisoformat(entry.occurred_at)  # a day alone: ValueError if not one
    if entry.occurred_day is not None:
        dt.date.fromisoformat(entry.occurred_day)
    plain = {"caller_number": entry.caller_number, "caller_name": entry.caller_name,
             "third_parties": entry.third_parties_json, "said": entry.said_json,
             "note": entry.note}
    return {"user_id": user_id, "incident_id": entry.incident_id, "source": entry.source,
            "pack_id": entry.pack_id, "occurred_at": entry.occurred_at,
            "occurred_day": entry.occurred_day, "occurred_at_utc": occurred_utc,
            "channel": entry.channel, "contacts": entry.contacts,
            **{column: sealer.seal(f"diary_entries.{column}", plain[column], user_id)
               for column in ENTRY_SEALED},
            "created_at": utc_now()}


async def entries(db: aiosqlite.Connection, sealer: Sealer,
                  user_id: int) -> list[DiaryEntryRow]:
    """The user's entries with attachments, opened; call inside one snapshot."""
    files: dict[int, list[AttachmentRow]] = {}
    for row in await db.execute_fetchall(
            f"SELECT {', '.join(_ATTACHMENT_COLUMNS)} FROM diary_attachments"
            " WHERE user_id = ? ORDER BY id", (user_id,)):
        values = dict(zip(_ATTACHMENT_COLUMNS, row, strict=True))
        for column in ATTACHMENT_SEALED:
            values[column] = sealer.open(f"diary_attachments.{column}", values[column], user_id)
        del values["user_id"]
        files.setdefault(values["entry_id"], []).append(AttachmentRow(**values))
    found = []
    for row in await db.execute_fetchall(_ENTRIES + _ORDER, (user_id,)):
        values = dict(zip(_ENTRY_COLUMNS, row, strict=True))
        for column in ENTRY_SEALED:
            values[column] = sealer.open(f"diary_entries.{column}", values[column], user_id)
        values["third_parties_json"] = values.pop("third_parties")
        values["said_json"] = values.pop("said")
        found.append(DiaryEntryRow(**values, attachments=tuple(files.get(values["id"], ()))))
    return found


async def reminders_of(db: aiosqlite.Connection, user_id: int) -> list[ReminderRow]:
    """Every reminder of the user, sent and cancelled too (for the export)."""
    rows = await db.execute_fetchall(f"{_REMINDERS} WHERE user_id = ? ORDER BY id", (user_id,))
    return [_reminder(row) for row in rows]


async def erase_diary(db: aiosqlite.Connection, user_id: int) -> None:
    """Delete the user's diary, attachments and reminders (inside the erasure)."""
    for table in ("diary_attachments", "diary_entries", "reminders"):
        await db.execute(f"DELETE FROM {table} WHERE user_id = ?", (user_id,))


def _reminder(row: Any) -> ReminderRow:
    return ReminderRow(**dict(zip(_REMINDER_COLUMNS, row, strict=True)))


register_purge("diary entries", SqlPurge((
    "DELETE FROM diary_attachments WHERE entry_id IN"
    " (SELECT id FROM diary_entries WHERE created_at < ?)",
    "DELETE FROM diary_entries WHERE created_at < ?",
)))
register_purge("reminders", SqlPurge(("DELETE FROM reminders WHERE created_at < ?",)))
