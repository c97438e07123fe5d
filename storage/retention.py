"""Retention: what users told us is deleted once it is older than a configured period.

``CALLSHIELD_RETENTION_DAYS`` (default ``off``: kept until the user deletes it). When set,
the store purges at open and then every day while it runs:

* incidents (and their findings) reported more than that many days ago;
* conversation states (they hold the typed answers) and letter details not changed for that
  long.

Each kind of data registers its own purge (:func:`register_purge`), so a later table — a
diary, attachments with files on disk — adds one call here and is covered; every purge runs
in the same transaction, and the WAL is truncated after it like after any deletion
(storage/scrub.py).
"""

from __future__ import annotations

import asyncio
import logging
import os
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from typing import Protocol

import aiosqlite

from .errors import StorageError

logger = logging.getLogger(__name__)

ENV_DAYS = "CALLSHIELD_RETENTION_DAYS"
MAX_DAYS = 36_500
DAY_S = 86_400.0


class Purge(Protocol):
    async def __call__(self, db: aiosqlite.Connection, cutoff: str) -> int:
        """Delete this kind of data stored before ``cutoff`` (ISO-8601 UTC); return how
        many items went. Runs inside the purge's write transaction."""
        ...


@dataclass(frozen=True, slots=True)
class SqlPurge:
    """A purge made of statements that each take the cutoff as their one parameter; the
    count is the last statement's (children first, then the rows that own them)."""

    statements: tuple[str, ...]

    async def __call__(self, db: aiosqlite.Connection, cutoff: str) -> int:
        removed = 0
        for statement in self.statements:
            removed = (await db.execute(statement, (cutoff,))).rowcount
        return removed


PURGES: dict[str, Purge] = {}
"""name -> purge, in registration order."""


def register_purge(name: str, purge: Purge) -> None:
    """Make retention cover another kind of data (``name`` appears in the log)."""
    PURGES[name] = purge


register_purge("incidents", SqlPurge((
    "DELETE FROM findings WHERE incident_id IN (SELECT id FROM incidents WHERE created_at < ?)",
    "DELETE FROM incidents WHERE created_at < ?",
)))
register_purge("conversations", SqlPurge(("DELETE FROM conversations WHERE updated_at < ?",)))
register_purge("letter details", SqlPurge(
    ("DELETE FROM profile_fields WHERE updated_at < ?",)))


def parse_days(text: str | None) -> int | None:
    """``CALLSHIELD_RETENTION_DAYS``: unset, empty or ``off`` -> None; else whole days."""
    value = (text or "").strip().lower()
    if value in ("", "off"):
        return None
    if not value.isdigit() or not 1 <= int(value) <= MAX_DAYS:
        raise ValueError(f"{ENV_DAYS}={text!r} is not usable: give a whole number of days "
                         f"from 1 to {MAX_DAYS}, or 'off' to keep data until the user "
                         "deletes it")
    return int(value)


@dataclass(frozen=True, slots=True)
class Retention:
    """How long data is kept (``days=None``: until the user deletes it) and how often the
    running store purges."""

    days: int | None = None
    every_s: float = DAY_S

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> Retention:
        env = os.environ if env is None else env
        return cls(days=parse_days(env.get(ENV_DAYS)))


class PurgeTimer:
    """Runs ``purge`` every ``every_s`` seconds until stopped; a failure is logged (its cause
    already was, by the store) and the next round tries again."""

    def __init__(self, purge: Callable[[], Awaitable[object]], every_s: float) -> None:
        self._purge = purge
        self._every_s = every_s
        self._task: asyncio.Task[None] | None = None

    def start(self) -> None:
        self._task = asyncio.get_running_loop().create_task(self._run(), name="retention")

    async def _run(self) -> None:
        while True:
            await asyncio.sleep(self._every_s)
            try:
                await self._purge()
            except StorageError as error:
                logger.warning("retention purge failed (cause=%s); trying again in %g s",
                               error.cause.value, self._every_s)

    async def stop(self) -> None:
        task, self._task = self._task, None
        if task is not None and not task.done():
            task.cancel()
            try:
                await task
            except asyncio.CancelledError:
                pass
