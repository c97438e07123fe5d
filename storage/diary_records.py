"""Rows of the evidence diary: entries, the files kept on them, and follow-up reminders.

Plain immutable records like storage/records.py: strings, ints and JSON *text* for the lists
(third parties, what was said), which storage never interprets.
"""

from __future__ import annotations

from dataclasses import dataclass

SOURCES = ("report", "quick", "file")
"""Where an entry came from: a finished report (with its incident), a quick addition, or a
file sent with no entry to keep it on (it claims no contact: counts leave it out)."""
ATTACHMENT_KINDS = ("photo", "voice", "audio", "document", "video")


@dataclass(frozen=True, slots=True)
class NewDiaryEntry:
    """One contact (or a burst of them) to record.

    ``occurred_at``: ISO-8601 with a UTC offset (an instant, local wall clock) or
    ``YYYY-MM-DD`` (a day alone); ``occurred_day`` the local day either way.
    ``third_parties_json`` and ``said_json`` are JSON text (lists or tallies of option ids).
    ``contacts`` is how many contacts the entry stands for (1 unless the user said more).
    """

    source: str
    pack_id: str | None
    occurred_at: str | None
    occurred_day: str | None
    channel: str | None = None
    caller_number: str | None = None
    caller_name: str | None = None
    third_parties_json: str | None = None
    said_json: str | None = None
    note: str | None = None
    incident_id: int | None = None
    contacts: int = 1


@dataclass(frozen=True, slots=True)
class NewAttachment:
    """A file sent to the bot as evidence; ``file_id`` is Telegram's (or a path in the
    console), ``sha256`` is filled once the bytes were downloaded."""

    kind: str
    file_id: str
    file_name: str | None = None
    mime_type: str | None = None
    size: int | None = None
    sha256: str | None = None


@dataclass(frozen=True, slots=True)
class AttachmentRow(NewAttachment):
    id: int = 0
    entry_id: int = 0
    received_at: str = ""
    hashed_at: str | None = None


@dataclass(frozen=True, slots=True)
class DiaryEntryRow(NewDiaryEntry):
    id: int = 0
    user_id: int = 0
    occurred_at_utc: str | None = None
    created_at: str = ""
    attachments: tuple[AttachmentRow, ...] = ()


@dataclass(frozen=True, slots=True)
class NewReminder:
    """A follow-up to send at ``due_at_utc`` (ISO-8601 with offset): its words are the pack's
    (``pack_id``, ``letter_id``, ``kind``), never stored here."""

    pack_id: str
    letter_id: str
    kind: str
    due_at_utc: str


@dataclass(frozen=True, slots=True)
class ReminderRow(NewReminder):
    id: int = 0
    user_id: int = 0
    created_at: str = ""
    sent_at: str | None = None
    cancelled_at: str | None = None
