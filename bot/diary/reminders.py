"""Sending follow-up reminders when they fall due: a loop over due rows in the database.

Reminders are rows (storage/diary.py), so they survive restarts; each is claimed before it is
sent (``mark_reminder_sent`` succeeds once), so two loops or a restart never send one twice;
one that cannot be sent is released and tried at the next round. A reminder falls due at a
sane hour of the person's day (bot/diary/book.py ``due_at``); if the bot was down and comes
back at night, it waits for the morning on the person's clock.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
import os
from collections.abc import Awaitable, Callable, Mapping

from bot.diary import record as rec
from bot.diary.book import reminder_text
from flows import Pack
from storage import ReminderRow, StorageError, Store, UserRow

logger = logging.getLogger(__name__)

ENV_SECONDS = "CALLSHIELD_REMINDER_SECONDS"
ENV_HOURS = "CALLSHIELD_REMINDER_HOURS"
DEFAULT_SECONDS = 60.0
DEFAULT_HOURS = (9, 20)
Send = Callable[[UserRow, str, ReminderRow], Awaitable[None]]


def every_seconds(env: Mapping[str, str] | None = None) -> float:
    raw = (os.environ if env is None else env).get(ENV_SECONDS, "")
    try:
        value = float(raw) if raw else DEFAULT_SECONDS
    except ValueError:
        value = -1.0
    if not 0.2 <= value <= 3600:
        logger.warning("%s=%r is not usable (0.2-3600 seconds); using %g", ENV_SECONDS, raw,
                       DEFAULT_SECONDS)
        return DEFAULT_SECONDS
    return value


def sane_hours(env: Mapping[str, str] | None = None) -> tuple[int, int]:
    """``CALLSHIELD_REMINDER_HOURS`` as (first hour, hour after the last), default 9-20."""
    raw = (os.environ if env is None else env).get(ENV_HOURS, "")
    if not raw:
        return DEFAULT_HOURS
    try:
        start, end = (int(part) for part in raw.split("-"))
    except ValueError:
        start, end = -1, -1
    if not 0 <= start < end <= 24:
        logger.warning("%s=%r is not usable (e.g. 9-20); using 9-20", ENV_HOURS, raw)
        return DEFAULT_HOURS
    return start, end


class ReminderLoop:
    def __init__(self, store: Store, packs: Mapping[str, Pack], send: Send, *,
                 clock: Callable[[], dt.datetime] | None = None,
                 every_s: float | None = None, hours: tuple[int, int] | None = None) -> None:
        self.store = store
        self.packs = packs  # the live mapping: a new release's texts are used at once
        self.send = send
        self.clock = clock or (lambda: dt.datetime.now(dt.UTC))
        self.every_s = every_seconds() if every_s is None else every_s
        self.hours = sane_hours() if hours is None else hours

    async def run(self) -> None:
        while True:
            try:
                await self.run_once()
            except StorageError as error:
                logger.warning("reminders: storage failed (cause=%s); trying again later",
                               error.cause.value)
            await asyncio.sleep(self.every_s)

    async def run_once(self) -> int:
        """Send every reminder due now whose person is awake; return how many were sent."""
        now = self.clock()
        sent = 0
        for row in await self.store.due_reminders(now.isoformat()):
            user = await self.store.get_user_by_id(row.user_id)
            pack = self.packs.get(row.pack_id)
            if user is None or pack is None:
                continue  # deleted meanwhile, or the pack is not served: left for later
            local = now.astimezone(rec.zone(user.timezone, pack.timezone))
            if not self.hours[0] <= local.hour < self.hours[1]:
                continue  # night on their clock: wait for the morning
            text = reminder_text(pack, row, user.language or pack.default_language)
            if text is None or not await self.store.mark_reminder_sent(row.id):
                continue  # the letter lost its follow-up, or another sender took it
            try:
                await self.send(user, text, row)
            except Exception as error:  # noqa: BLE001 - release it, try at the next round
                logger.warning("reminder %s could not be sent: %s", row.id,
                               type(error).__name__)
                await self.store.unclaim_reminder(row.id)
                continue
            logger.info("reminder %s sent (%s)", row.id, row.kind)
            sent += 1
        return sent
