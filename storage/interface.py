"""The repository interface every storage backend satisfies.

The bot depends on :class:`Store`, not on SQLite, so a PostgreSQL backend can
replace :class:`storage.sqlite.SQLiteStore` without touching callers.

Contract shared by all implementations:

* Every method is safe to call from many asyncio tasks at once.
* Outside :meth:`Store.transaction`, a write is committed before the method
  returns: an answer is durable before the reply acknowledging it is sent.
* Inside ``async with store.transaction():`` every call made *by the same task*
  joins that transaction; all of it commits at the end or none of it does.
  Do not await another task that uses the store from inside a transaction:
  it waits for the transaction to finish, which never happens.
* The SQLite backend keeps users, conversation states and profiles in a
  write-through cache (storage/cache.py) and recent update ids in memory
  (storage/ledger.py), correct while its process is the only writer of the
  database. A multi-worker backend (PostgreSQL with several bot processes) must
  not cache, or must check a version column on every cached read.
* Nothing is ever interpreted: ``*_json`` arguments are JSON text owned by the
  engine (they must parse as JSON), timestamps are ISO-8601 text.
* Personal values (conversation state, incident details and facts, findings, profile
  values) are encrypted at rest with storage/crypto.py's codec, bound to their column and
  row; callers pass and receive plain text.
* A call that deletes a user's data returns only once no copy of it is left in the
  database's files (for SQLite: secure_delete, then the WAL truncated).
* Every failure is a :class:`~storage.errors.StorageError` whose ``cause`` says why
  (disk full, read-only, busy, corrupt, I/O error...) and whose message says how to fix
  it; a failed write leaves nothing behind that claims it was saved.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from contextlib import AbstractAsyncContextManager
from typing import Any, Protocol, runtime_checkable

from .diary import DiaryStore
from .events import EventStore
from .records import (
    UNSET,
    AuditRow,
    ConversationRow,
    IncidentRow,
    NewFinding,
    NewIncident,
    Unset,
    UserRow,
)
from .releases import ReleaseStore


@runtime_checkable
class Store(ReleaseStore, EventStore, DiaryStore, Protocol):
    """Async persistence for users, conversations, incidents, profiles and audit; pack
    releases, the anonymous event log and the evidence diary (with reminders) come from
    storage/releases.py, events.py and diary.py."""

    def transaction(self) -> AbstractAsyncContextManager[None]:
        """Group the calls of the current task into one all-or-nothing unit."""
        ...

    async def close(self) -> None:
        """Finish in-flight work and release the database."""
        ...

    # users
    async def get_or_create_user(
        self,
        channel: str,
        external_id: str,
        *,
        language: str | None = None,
        jurisdiction: str | None = None,
        timezone: str | None = None,
    ) -> UserRow:
        """Return the user, creating it with these settings if it is new."""
        ...

    async def get_user(self, channel: str, external_id: str) -> UserRow | None:
        """Return the user known on ``channel`` as ``external_id``, if any."""
        ...

    async def get_user_by_id(self, user_id: int) -> UserRow | None:
        """Return the user with this internal id, if any."""
        ...

    async def update_user(
        self,
        user_id: int,
        *,
        language: str | None | Unset = UNSET,
        jurisdiction: str | None | Unset = UNSET,
        timezone: str | None | Unset = UNSET,
    ) -> UserRow:
        """Change the given settings (``None`` clears one); raise UnknownUser."""
        ...

    # conversation state
    async def load_conversation(self, user_id: int) -> ConversationRow | None:
        """Return the saved conversation state, if any."""
        ...

    async def save_conversation(
        self, user_id: int, state_json: str, pack_id: str, pack_version: str, *,
        update: tuple[str, int] | None = None,
    ) -> None:  # fmt: skip
        """Insert or replace the user's conversation state; ``update`` (channel, update
        id) is stored with it, atomically (see claim_update)."""
        ...

    async def mark_shown(self, user_id: int, saved_at: str, shown_at: str,
                         message_id: int | None = None) -> None:
        """Every reply of the state saved at ``saved_at`` (its ``updated_at``) was sent,
        starting at ``shown_at``, the last in message ``message_id``; a no-op when a newer
        state was saved since. Until then ``load_conversation`` gives ``shown_at=None``."""
        ...

    async def unshown_conversations(self, channel: str) -> list[tuple[int, str]]:
        """(user id, external id) of ``channel``'s users whose current state's replies were
        never marked sent (a crash between the commit and the reply)."""
        ...

    async def delete_conversation(self, user_id: int) -> None:
        """Forget the user's conversation state (no error if there is none)."""
        ...

    # incidents
    async def add_incident(
        self, user_id: int, incident: NewIncident, findings: Sequence[NewFinding]
    ) -> int:
        """Store an incident and its findings atomically; return its id."""
        ...

    async def list_incidents(self, user_id: int) -> list[IncidentRow]:
        """Return the user's incidents by time of occurrence (unknown last), then id."""
        ...

    async def delete_incident(self, user_id: int, incident_id: int) -> bool:
        """Delete one of the user's incidents; False if it is not theirs or absent."""
        ...

    # profile (values typed for letters: full name, address...)
    async def get_profile(self, user_id: int) -> dict[str, str]:
        """Return every profile field of the user."""
        ...

    async def set_profile_field(self, user_id: int, key: str, value: str | None) -> None:
        """Set one profile field; ``None`` deletes it."""
        ...

    # update de-duplication
    async def claim_update(self, channel: str, update_id: int) -> bool:
        """True the first time an update id is seen (handle it), False for a repeat. Its id
        is stored by ``save_conversation(update=...)`` or ``finish_update``; a backend that
        cannot tell repeats in memory records it now."""
        ...

    async def finish_update(self, channel: str, update_id: int) -> None:
        """Store a handled update's id, unless saving its state already did."""
        ...

    async def release_update(self, channel: str, update_id: int) -> None:
        """Undo ``claim_update`` when handling failed before the update's effects were
        committed (a storage error), so Telegram's redelivery of it is handled, not dropped
        as a repeat. An id already stored with its effects stays; so does one a backend
        recorded at claim time (SQLite without the row cache), which cannot tell the two."""
        ...

    async def record_update(self, channel: str, update_id: int) -> bool:
        """Record the id now; True the first time it is seen, False for a repeat."""
        ...

    async def prune_updates(self, older_than_iso: str) -> int:
        """Forget update ids recorded before this instant; return how many."""
        ...

    # audit
    async def audit(self, user_id: int | None, action: str, detail: str = "") -> None:
        """Record that something happened. Never pass message content or names."""
        ...

    async def list_audit(self, user_id: int) -> list[AuditRow]:
        """Return the user's audit entries, oldest first."""
        ...

    # data-subject rights
    async def export_user(self, user_id: int) -> dict[str, Any]:
        """Return everything stored about the user as JSON-serialisable data."""
        ...

    async def delete_user(self, user_id: int) -> None:
        """Erase every row about the user, leaving one anonymous audit entry."""
        ...

    # retention
    async def purge_expired(self, *, now: dt.datetime | None = None) -> dict[str, int]:
        """Delete what is older than the retention period; how many items of each kind."""
        ...
