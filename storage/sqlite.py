"""SQLiteStore: the :class:`storage.interface.Store` backed by aiosqlite.

One connection serves every task; :class:`ConnectionGate` hands it to one task
at a time. SQL uses ``?`` placeholders and ``ON CONFLICT`` upserts only, so a
PostgreSQL port changes placeholders and the id column, not the logic.
Users and conversation states are also kept in a write-through :class:`RowCache` (see
storage/cache.py for why, and for the single-writer assumption it rests on). Personal values
are sealed on the way in and opened on the way out (storage/sealing.py); the cache holds
plain text, in memory only. Every call that deletes a user's data truncates the WAL before it
returns (storage/scrub.py). Open it with :func:`storage.open_store`.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Sequence
from contextlib import AbstractAsyncContextManager
from dataclasses import replace
from types import TracebackType
from typing import Any

import aiosqlite

from . import incidents, queries
from .batching import GroupWriter
from .cache import ABSENT, RowCache
from .diary import DiaryMethods
from .errors import UnknownUser
from .events import EventMethods
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
from .releases import ReleaseMethods
from .retention import Retention
from .rights import SubjectRights
from .sealing import PROFILE_VALUE, STATE, Sealer
from .transactions import ConnectionGate
from .updates import UpdateIds
from .values import check_json, check_text, utc_now

logger = logging.getLogger(__name__)

_SAVE_CONVERSATION = (
    "INSERT INTO conversations (user_id, state_json, pack_id, pack_version, updated_at)"
    " VALUES (?, ?, ?, ?, ?) ON CONFLICT (user_id) DO UPDATE SET"
    " state_json = excluded.state_json, pack_id = excluded.pack_id,"
    " pack_version = excluded.pack_version, updated_at = excluded.updated_at,"
    " shown_at = NULL, shown_message = NULL"  # a new state: its replies not yet seen (0003)
)
_MARK_SHOWN = (
    "UPDATE conversations SET shown_at = ?, shown_message = ? WHERE user_id = ?"
    " AND updated_at = ?"
)
_UNSHOWN = (
    "SELECT c.user_id, u.external_id FROM conversations c JOIN users u ON u.id = c.user_id"
    " WHERE c.shown_at IS NULL AND u.channel = ? ORDER BY c.user_id"
)


class SQLiteStore(ReleaseMethods, EventMethods, DiaryMethods):
    """Persistence on one SQLite file; see :class:`storage.interface.Store`."""

    def __init__(self, conn: aiosqlite.Connection, *, sealer: Sealer,
                 busy_timeout_s: float = 5.0, cache: RowCache | None = None,
                 retention: Retention | None = None) -> None:
        self._gate = ConnectionGate(conn, busy_timeout_s=busy_timeout_s)
        self._sealer = sealer
        self._cache = cache if cache is not None else RowCache(enabled=False)
        self._writer = GroupWriter(self._gate)
        self._updates = UpdateIds(self._gate, self._writer, in_memory=self._cache.enabled)
        self._rights = SubjectRights(self._gate, self._cache, sealer,
                                     retention if retention is not None else Retention())

    @property
    def retention(self) -> Retention:
        """How long data is kept (storage/retention.py)."""
        return self._rights.retention

    def start_purging(self) -> None:
        """Purge expired data every ``retention.every_s`` seconds until closed (if a
        retention period is set); open_store calls it after the purge at start."""
        self._rights.start_purging()

    async def __aenter__(self) -> SQLiteStore:
        return self

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:  # fmt: skip
        await self.close()

    def transaction(self) -> AbstractAsyncContextManager[None]:
        """Group the calls of the current task into one all-or-nothing unit.

        Calls made by *this task* inside ``async with store.transaction():``
        commit together at the end, or roll back if the block raises; other
        tasks wait until it ends. Nesting makes a savepoint.
        """
        return self._gate.transaction()

    async def close(self) -> None:
        """Wait for running work, then close the connection (idempotent)."""
        await self._rights.stop_purging()
        await self._gate.close()

    # ---- users -------------------------------------------------------------

    async def get_or_create_user(
        self, channel: str, external_id: str, *, language: str | None = None,
        jurisdiction: str | None = None, timezone: str | None = None,
    ) -> UserRow:  # fmt: skip
        """Return the user, creating it with these settings only if it is new."""
        check_text(channel=channel, external_id=external_id)
        found = await self.get_user(channel, external_id)  # the common case: one read
        if found is not None:
            return found
        now = utc_now()
        async with self._gate.session() as db:  # one statement: atomic on its own
            created = await queries.insert_user(db, {
                "channel": channel, "external_id": external_id, "language": language,
                "jurisdiction": jurisdiction, "timezone": timezone, "created_at": now,
                "updated_at": now})
            fresh = created is not None
            if created is None:  # another writer created it since our read
                created = await queries.user_by_key(db, channel, external_id)
        assert created is not None
        user = created
        self._gate.after_commit(lambda: self._cache.put_user(user, fresh=fresh))
        return user

    async def get_user(self, channel: str, external_id: str) -> UserRow | None:
        """Return the user known on ``channel`` as ``external_id``, if any."""
        self._gate.check_open()
        cached = self._cache.user_by_key(channel, external_id)
        if cached is not None:
            return cached
        async with self._gate.session() as db:
            user = await queries.user_by_key(db, channel, external_id)
        if user is not None:
            self._gate.after_commit(lambda: self._cache.put_user(user))
        return user

    async def get_user_by_id(self, user_id: int) -> UserRow | None:
        """Return the user with this internal id, if any."""
        self._gate.check_open()
        cached = self._cache.user_by_id(user_id)
        if cached is not None:
            return cached
        async with self._gate.session() as db:
            user = await queries.user_by_id(db, user_id)
        if user is not None:
            self._gate.after_commit(lambda: self._cache.put_user(user))
        return user

    async def update_user(
        self, user_id: int, *, language: str | None | Unset = UNSET,
        jurisdiction: str | None | Unset = UNSET, timezone: str | None | Unset = UNSET,
    ) -> UserRow:  # fmt: skip
        """Change the given settings (``None`` clears one); raise UnknownUser."""
        candidates = {"language": language, "jurisdiction": jurisdiction, "timezone": timezone}
        given = {column: value for column, value in candidates.items() if value is not UNSET}
        self._cache.forget_user(user_id)
        async with self._gate.session(user_id=user_id) as db:  # one statement either way
            if given:
                user = await queries.update_user(db, user_id, {**given, "updated_at": utc_now()})
            else:
                user = await queries.user_by_id(db, user_id)
        if user is None:
            raise UnknownUser(user_id)
        self._gate.after_commit(lambda: self._cache.put_user(user))
        return user

    # ---- conversation state ------------------------------------------------

    async def load_conversation(self, user_id: int) -> ConversationRow | None:
        """Return the saved conversation state, if any."""
        self._gate.check_open()
        cached = self._cache.conversation(user_id)
        if cached is not None:
            return None if cached is ABSENT else cached  # type: ignore[return-value]
        async with self._gate.session() as db:
            row = await queries.conversation(db, self._sealer, user_id)
        self._gate.after_commit(lambda: self._cache.put_conversation(user_id, row))
        return row

    async def save_conversation(
        self, user_id: int, state_json: str, pack_id: str, pack_version: str, *,
        update: tuple[str, int] | None = None,
    ) -> None:  # fmt: skip
        """Insert or replace the user's conversation state (committed on return).

        ``update`` (channel, update id): the update that produced this state; its id is
        stored in the same statement (see claim_update).
        """
        check_json(state_json, "state_json")
        row = ConversationRow(user_id, state_json, pack_id, pack_version, utc_now())
        self._cache.forget_conversation(user_id)
        params: tuple[Any, ...] = (row.user_id, self._sealer.seal(STATE, state_json, user_id),
                                   row.pack_id, row.pack_version, row.updated_at)
        sql = _SAVE_CONVERSATION
        if update is not None:
            sql, params = self._updates.save_with_state(update, params)

        def remember() -> None:
            self._cache.put_conversation(user_id, row)
            if update is not None:
                self._updates.ledger.settle(*update)
                self._updates.stored_with_state(*update)

        if self._gate.in_transaction():
            await self._gate.execute(sql, params, user_id=user_id)
            self._gate.after_commit(remember)
        else:  # grouped with other chats' saves into one trip (storage/batching.py)
            await self._writer.write(sql, params, user_id=user_id, on_commit=remember)

    async def mark_shown(self, user_id: int, saved_at: str, shown_at: str,
                         message_id: int | None = None) -> None:
        """Every reply of the state saved at ``saved_at`` was sent (migration 0003); nothing
        happens when a newer state has been saved since."""
        self._gate.check_open()
        params = (shown_at, message_id, user_id, saved_at)

        def remember() -> None:
            row = self._cache.conversation(user_id)
            if isinstance(row, ConversationRow) and row.updated_at == saved_at:
                self._cache.put_conversation(user_id, replace(row, shown_at=shown_at,
                                                              shown_message=message_id))

        async with self._gate.session() as db:  # an UPDATE: not one the writer can group
            await db.execute(_MARK_SHOWN, params)
        self._gate.after_commit(remember)

    async def unshown_conversations(self, channel: str) -> list[tuple[int, str]]:
        """(user id, external id) of ``channel``'s users whose current state's replies were
        never marked sent: after a crash, their last answer is saved but unacknowledged."""
        self._gate.check_open()
        async with self._gate.session() as db:
            rows = await db.execute_fetchall(_UNSHOWN, (channel,))
        return [(int(row[0]), str(row[1])) for row in rows]

    async def delete_conversation(self, user_id: int) -> None:
        """Forget the user's conversation state (no error if there is none)."""
        self._cache.forget_conversation(user_id)
        async with self._gate.session() as db:
            await db.execute("DELETE FROM conversations WHERE user_id = ?", (user_id,))
            self._gate.scrub_after_commit()
        self._gate.after_commit(lambda: self._cache.put_conversation(user_id, None))

    # ---- incidents ---------------------------------------------------------

    async def add_incident(
        self, user_id: int, incident: NewIncident, findings: Sequence[NewFinding]
    ) -> int:
        """Store an incident and its findings atomically; return its id."""
        incidents.check_incident(incident, findings)  # bad input fails before the lock
        async with self._gate.session("write", user_id=user_id) as db:
            return await incidents.insert_incident(db, self._sealer, user_id, incident,
                                                   findings)

    async def list_incidents(self, user_id: int) -> list[IncidentRow]:
        """Return incidents by time of occurrence (unknown times last), then id."""
        async with self._gate.session("read") as db:
            return await queries.incidents(db, self._sealer, user_id)

    async def delete_incident(self, user_id: int, incident_id: int) -> bool:
        """Delete one of the user's incidents (findings follow); False if not theirs."""
        async with self._gate.session("write") as db:
            deleted = await incidents.delete_incident(db, user_id, incident_id)
            if deleted:
                self._gate.scrub_after_commit()
        return deleted

    # ---- profile -----------------------------------------------------------

    async def get_profile(self, user_id: int) -> dict[str, str]:
        """Return every profile field of the user, sorted by key."""
        self._gate.check_open()
        cached = self._cache.profile(user_id)
        if cached is not None:
            return cached
        async with self._gate.session() as db:
            fields = {key: value for key, (value, _) in
                      (await queries.profile(db, self._sealer, user_id)).items()}
        self._gate.after_commit(lambda: self._cache.put_profile(user_id, fields))
        return fields

    async def set_profile_field(self, user_id: int, key: str, value: str | None) -> None:
        """Set one profile field; ``None`` deletes it."""
        check_text(key=key)
        self._cache.forget_profile(user_id)
        async with self._gate.session(user_id=user_id) as db:
            if value is None:
                cursor = await db.execute(
                    "DELETE FROM profile_fields WHERE user_id = ? AND key = ?", (user_id, key)
                )
                if cursor.rowcount:
                    self._gate.scrub_after_commit()
            else:
                await db.execute(
                    "INSERT INTO profile_fields (user_id, key, value, updated_at)"
                    " VALUES (?, ?, ?, ?) ON CONFLICT (user_id, key) DO UPDATE"
                    " SET value = excluded.value, updated_at = excluded.updated_at",
                    (user_id, key, self._sealer.seal(PROFILE_VALUE, value, user_id, key),
                     utc_now()),
                )
        # dropped again once committed: a read that overlapped this write may have cached
        # the old fields; the next read fetches the new ones
        self._gate.after_commit(lambda: self._cache.forget_profile(user_id))

    # ---- update de-duplication ---------------------------------------------

    async def claim_update(self, channel: str, update_id: int) -> bool:
        """True the first time ``(channel, update_id)`` is seen: handle it, then store its
        id with the state it produced (``save_conversation(update=...)``) or, if it changed
        none, with ``finish_update``. With the cache on the check is made in memory
        (storage/ledger.py); without it, the id is recorded now (``record_update``)."""
        return await self._updates.claim(channel, update_id)

    async def finish_update(self, channel: str, update_id: int) -> None:
        """Store a handled update's id, unless the save of its state already did."""
        await self._updates.finish(channel, update_id)

    async def release_update(self, channel: str, update_id: int) -> None:
        """Undo ``claim_update`` for an update whose effects were not committed."""
        await self._updates.release(channel, update_id)

    async def record_update(self, channel: str, update_id: int) -> bool:
        """Record the id now; True the first time ``(channel, update_id)`` is seen."""
        return await self._updates.record(channel, update_id)

    async def prune_updates(self, older_than_iso: str) -> int:
        """Forget update ids recorded before this instant (with offset); return count."""
        return await self._updates.prune(older_than_iso)

    # ---- audit -------------------------------------------------------------

    async def audit(self, user_id: int | None, action: str, detail: str = "") -> None:
        """Record that something happened.

        ``action`` is a fixed code ("letter_generated"); ``detail`` may name
        rule ids, templates or counts but NEVER message text, names, phone
        numbers or addresses: the audit log outlives conversation state.
        """
        check_text(action=action)
        async with self._gate.session(user_id=user_id) as db:
            await db.execute(
                "INSERT INTO audit_log (user_id, action, detail, created_at) VALUES (?, ?, ?, ?)",
                (user_id, action, detail, utc_now()),
            )

    async def list_audit(self, user_id: int) -> list[AuditRow]:
        """Return the user's audit entries, oldest first."""
        async with self._gate.session() as db:
            return await queries.audit(db, user_id)

    # ---- data-subject rights -----------------------------------------------

    async def export_user(self, user_id: int) -> dict[str, Any]:
        """Return everything stored about the user, read from one snapshot, decrypted."""
        return await self._rights.export(user_id)

    async def delete_user(self, user_id: int) -> None:
        """Erase every row about the user in one transaction (no-op if unknown), then
        truncate the WAL, so no copy is left in the database files."""
        await self._rights.erase(user_id)

    async def purge_expired(self, *, now: dt.datetime | None = None) -> dict[str, int]:
        """Delete what is older than the retention period (nothing when it is off); return
        how many items of each kind went (storage/retention.py)."""
        return await self._rights.purge_expired(now=now)
