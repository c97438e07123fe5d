"""Persistence for CallShield behind an async repository interface.

Knows nothing of Telegram or of the engine: conversation state and facts are
opaque JSON text. Depend on :class:`Store`; get one from :func:`open_store`::

    async with await open_store("data/callshield.sqlite3") as store:
        user = await store.get_or_create_user("telegram", "12345")
        async with store.transaction():
            await store.save_conversation(user.id, state_json, "ru-collectors", "3")
            await store.audit(user.id, "answer_saved")

Personal values are encrypted at rest (storage/crypto.py, key from CALLSHIELD_DATA_KEY or a
key file), deletions leave no copy in the database files (storage/scrub.py), and data older
than CALLSHIELD_RETENTION_DAYS is purged (storage/retention.py).
"""

from __future__ import annotations

from .diary_records import (
    AttachmentRow,
    DiaryEntryRow,
    NewAttachment,
    NewDiaryEntry,
    NewReminder,
    ReminderRow,
)
from .errors import Cause, StorageError, StorageUnavailable, UnknownUser
from .events import Event
from .interface import Store
from .keys import KeyConfig
from .opening import open_store
from .records import (
    UNSET,
    AuditRow,
    ConversationRow,
    FindingRow,
    IncidentRow,
    NewFinding,
    NewIncident,
    Unset,
    UserRow,
)
from .releases import NewRelease, OperatorEntry, ReleaseRow
from .retention import Retention
from .sqlite import SQLiteStore

__all__ = [
    "UNSET",
    "AttachmentRow",
    "DiaryEntryRow",
    "NewAttachment",
    "NewDiaryEntry",
    "NewReminder",
    "ReminderRow",
    "AuditRow",
    "Cause",
    "ConversationRow",
    "Event",
    "FindingRow",
    "IncidentRow",
    "KeyConfig",
    "NewFinding",
    "NewIncident",
    "NewRelease",
    "OperatorEntry",
    "ReleaseRow",
    "Retention",
    "SQLiteStore",
    "StorageError",
    "StorageUnavailable",
    "Store",
    "UnknownUser",
    "Unset",
    "UserRow",
    "open_store",
]
