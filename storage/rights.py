"""Data-subject rights: a copy of everything (export), erasure, and retention purges.

The store delegates here (storage/sqlite.py): these calls read or delete across every table
of a user, and each deletion truncates the WAL before it returns (storage/scrub.py), so "your
data is deleted" is true of the files on disk, not only of the rows.
"""

from __future__ import annotations

import datetime as dt
import logging
from typing import Any

import aiosqlite

from . import diary, queries
from .cache import RowCache
from .errors import UnknownUser
from .export import build_export
from .retention import PURGES, PurgeTimer, Retention
from .sealing import Sealer
from .transactions import ConnectionGate
from .values import utc_now

logger = logging.getLogger(__name__)


class SubjectRights:
    def __init__(self, gate: ConnectionGate, cache: RowCache, sealer: Sealer,
                 retention: Retention) -> None:
        self._gate = gate
        self._cache = cache
        self._sealer = sealer
        self.retention = retention
        self._timer = PurgeTimer(self.purge_expired, retention.every_s)

    async def export(self, user_id: int) -> dict[str, Any]:
        async with self._gate.session("read") as db:
            user = await queries.user_by_id(db, user_id)
            if user is None:
                raise UnknownUser(user_id)
            return build_export(
                user,
                await queries.conversation(db, self._sealer, user_id),
                await queries.incidents(db, self._sealer, user_id),
                await queries.profile(db, self._sealer, user_id),
                await queries.audit(db, user_id),
                diary=await diary.entries(db, self._sealer, user_id),
                reminders=await diary.reminders_of(db, user_id),
            )

    async def erase(self, user_id: int) -> None:
        self._cache.forget_everything_of(user_id)
        async with self._gate.session("write") as db:
            if not await erase_user(db, user_id):
                return
            self._gate.scrub_after_commit()
        logger.info("a user and all their data were deleted")

    async def purge_expired(self, *, now: dt.datetime | None = None) -> dict[str, int]:
        if self.retention.days is None:
            return {}
        moment = now if now is not None else dt.datetime.now(dt.UTC)
        cutoff = (moment - dt.timedelta(days=self.retention.days)).astimezone(
            dt.UTC).isoformat(timespec="microseconds")
        async with self._gate.session("write") as db:
            removed = {name: await purge(db, cutoff) for name, purge in PURGES.items()}
            if any(removed.values()):
                self._gate.scrub_after_commit()
        if any(removed.values()):
            self._cache.forget_personal()  # rows went behind the cache's back
            logger.info("retention (%d days): deleted %s", self.retention.days,
                        ", ".join(f"{count} {name}" for name, count in removed.items()
                                  if count))
        return removed

    def start_purging(self) -> None:
        if self.retention.days is not None:
            self._timer.start()

    async def stop_purging(self) -> None:
        await self._timer.stop()


async def erase_user(db: aiosqlite.Connection, user_id: int) -> bool:
    """Delete every row about the user, leaving one anonymous audit entry; False if unknown.

    Children are deleted explicitly rather than through cascades, so the erasure does not
    depend on ``PRAGMA foreign_keys`` being on.
    """
    await diary.erase_diary(db, user_id)
    await db.execute(
        "DELETE FROM findings WHERE incident_id IN (SELECT id FROM incidents WHERE user_id = ?)",
        (user_id,),
    )
    for table in ("incidents", "conversations", "profile_fields", "audit_log"):
        await db.execute(f"DELETE FROM {table} WHERE user_id = ?", (user_id,))
    cursor = await db.execute("DELETE FROM users WHERE id = ?", (user_id,))
    if cursor.rowcount == 0:
        return False
    await db.execute(
        "INSERT INTO audit_log (user_id, action, detail, created_at)"
        " VALUES (NULL, 'user_deleted', '', ?)",
        (utc_now(),),
    )
    return True
