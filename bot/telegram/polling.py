"""Long polling that confirms an update to Telegram only after its effects are committed.

PTB's Updater asks for the next batch with ``offset = last id + 1`` as soon as it has *read*
a batch, which tells Telegram the whole batch was handled: a crash a moment later lost those
updates for good (the fault run lost 57 of 1,200 taps in 5 kills). Here the offset sent is the
id of the oldest update still being handled (or one past the newest, when none is), so an
update whose effects never reached the database is delivered again after a crash; one that
did is dropped by the update-id ledger (storage/updates.py). Updates are parsed one by one
(bot/telegram/intake.py, shared with the webhook), so an update PTB cannot read is skipped instead of stopping the bot.

Holding the offset means Telegram hands back the updates still in hand on every call; they
are recognised by id and not started twice, and while nothing new arrives the loop waits for
one of them to finish (or ``IDLE_WAIT``) before asking again, instead of spinning. An update
still in hand after ``STUCK_AFTER`` stops holding the offset (logged), so one hung update can
never hold back everyone behind it.
"""

from __future__ import annotations

import asyncio
import logging
import time
from typing import Any

from telegram.error import Conflict, InvalidToken, NetworkError, TelegramError
from telegram.ext import Application, Updater

from bot.telegram.intake import Counts, parse_update, process_and_commit, tell_unreadable

logger = logging.getLogger(__name__)
IDLE_WAIT = 0.25
"""Seconds to wait for an update in hand to finish when a poll brought nothing new."""
STUCK_AFTER = 120.0
"""Seconds after which an unfinished update no longer holds the offset."""
BACKOFF = (0.5, 1.0, 2.0, 5.0, 10.0)
STOP_WAIT = 20.0
"""Seconds a stop waits for the updates in hand to finish before confirming."""


class Offsets:
    """Which update ids are in hand and what offset to confirm; pure bookkeeping."""

    def __init__(self) -> None:
        self.started: dict[int, float] = {}  # id -> when it started (monotonic)
        self.next = 0  # one past the newest id seen
        self.released: set[int] = set()  # stuck ones that no longer hold the offset

    def take(self, update_id: int, now: float) -> bool:
        """True for an update not seen before in this process (start it)."""
        if update_id < self.next and update_id not in self.started:
            return False  # finished already, or below what we confirmed
        if update_id in self.started:
            return False
        self.started[update_id] = now
        self.next = max(self.next, update_id + 1)
        return True

    def skip(self, update_id: int) -> None:
        """An id seen and finished at once (unreadable): only moves ``next``."""
        self.next = max(self.next, update_id + 1)

    def finish(self, update_id: int) -> None:
        self.started.pop(update_id, None)
        self.released.discard(update_id)

    def offset(self, now: float) -> int | None:
        """The offset to send: the oldest update still held, else one past the newest."""
        for update_id, since in self.started.items():
            if now - since > STUCK_AFTER and update_id not in self.released:
                self.released.add(update_id)
                logger.warning("update %s unfinished after %.0fs; no longer holding the "
                               "offset for it", update_id, now - since)
        held = [i for i in self.started if i not in self.released]
        if held:
            return min(held)
        return self.next or None


class SafePolling(Updater):
    """An Updater whose ``start_polling`` runs :func:`poll` (``app.run_polling`` still
    handles signals, start-up and shutdown); webhook mode is left to the base class."""

    def __init__(self, app: Application) -> None:
        super().__init__(app.bot, app.update_queue)
        self.app = app
        self.counts = Counts()
        self.offsets = Offsets()
        self._task: asyncio.Task[None] | None = None
        self._stopping = asyncio.Event()
        self._finished = asyncio.Event()
        self._tasks: set[asyncio.Task[None]] = set()
        self._timeout = 30.0
        self._allowed: list[str] | None = None

    async def start_polling(self, poll_interval: float = 0.0, timeout: Any = 30,
                            bootstrap_retries: int = 0, allowed_updates: Any = None,
                            drop_pending_updates: bool | None = None,
                            error_callback: Any = None) -> asyncio.Queue[object]:
        """Start the loop (same signature as PTB's, so ``run_polling`` can call it)."""
        self._timeout = timeout.total_seconds() if hasattr(timeout, "total_seconds") \
            else float(timeout)
        self._allowed = list(allowed_updates) if allowed_updates is not None else None
        self._stopping.clear()
        self._running = True
        await self._bootstrap(bool(drop_pending_updates))
        self._task = asyncio.create_task(self._loop(), name="callshield:polling")
        return self.update_queue

    async def stop(self) -> None:
        """Stop asking, let the updates in hand finish, then confirm them to Telegram."""
        if self._task is not None:
            self._stopping.set()
            self._task.cancel()  # interrupts a long poll; nothing in hand is cancelled
            try:
                await self._task
            except asyncio.CancelledError:
                pass
            self._task = None
            if self._tasks:
                await asyncio.wait(self._tasks, timeout=STOP_WAIT)
            await self._confirm()
        await super().stop()

    async def _bootstrap(self, drop: bool) -> None:
        """getUpdates fails while a webhook is set: remove it (keeping pending updates)."""
        for delay in (*BACKOFF, None):
            try:
                await self.bot.delete_webhook(drop_pending_updates=drop)
                return
            except InvalidToken:
                raise
            except TelegramError as error:
                if delay is None:
                    raise
                logger.warning("deleteWebhook failed (%s); retrying in %.1fs",
                               type(error).__name__, delay)
                await asyncio.sleep(delay)

    async def _confirm(self) -> None:
        """Tell Telegram that everything finished is done (a last, non-waiting call)."""
        offset = self.offsets.offset(time.monotonic())
        if offset is None:
            return
        try:
            await self._get(offset, timeout=0, limit=1)
        except Exception as error:  # noqa: BLE001 - stopping anyway; they are redelivered
            logger.info("could not confirm the last updates (%s); they will be delivered "
                        "again and dropped as repeats", type(error).__name__)

    async def _get(self, offset: int | None, *, timeout: float, limit: int = 100) -> Any:
        params: dict[str, Any] = {"timeout": int(timeout), "limit": limit}
        if offset is not None:
            params["offset"] = offset
        if self._allowed is not None:
            params["allowed_updates"] = self._allowed
        # the raw list, unparsed: Bot.get_updates parses (and on failure logs) the batch
        return await self.bot._post("getUpdates", params,  # noqa: SLF001
                                    read_timeout=timeout + 10.0)

    async def _loop(self) -> None:
        failures = 0
        idle = False
        while not self._stopping.is_set():
            if idle and self.offsets.started:
                self._finished.clear()
                try:
                    await asyncio.wait_for(self._finished.wait(), IDLE_WAIT)
                except TimeoutError:
                    pass
            try:
                batch = await self._get(self.offsets.offset(time.monotonic()),
                                        timeout=self._timeout)
            except InvalidToken:
                logger.error("the bot token was refused (InvalidToken); polling stopped. "
                             "Check TELEGRAM_BOT_TOKEN and restart")
                return
            except (NetworkError, Conflict, TelegramError) as error:
                delay = BACKOFF[min(failures, len(BACKOFF) - 1)]
                failures += 1
                if failures == 1 or failures % 20 == 0:
                    logger.warning("getUpdates failed (%s, %d in a row); retrying in %.1fs",
                                   type(error).__name__, failures, delay)
                await asyncio.sleep(delay)
                continue
            failures = 0
            idle = not self._dispatch(batch)

    def _dispatch(self, batch: object) -> bool:
        """Start every update not seen before; True when there was one."""
        if not isinstance(batch, list):
            logger.warning("getUpdates returned no list (%s); ignored", type(batch).__name__)
            return False
        started = False
        now = time.monotonic()
        for raw in batch:
            update_id = raw.get("update_id") if isinstance(raw, dict) else None
            if not isinstance(update_id, int) or isinstance(update_id, bool):
                parse_update(raw if isinstance(raw, dict) else b"", self.bot, self.counts)
                continue  # logged and counted; nothing to hold
            if not self.offsets.take(update_id, now):
                continue
            started = True
            task = asyncio.create_task(self._handle(update_id, raw))
            self._tasks.add(task)
            task.add_done_callback(self._tasks.discard)
        return started

    async def _handle(self, update_id: int, raw: dict[str, object]) -> None:
        """Parse and process one update; on return its effects are committed (or it was
        skipped, or failed and the user was told) and the offset may pass it."""
        try:
            update = parse_update(raw, self.bot, self.counts)
            if update is None:
                await tell_unreadable(self.bot, raw)
                return
            self.counts.add(await process_and_commit(self.app, update))
        except Exception as error:  # noqa: BLE001 - PTB's own failure; log without content
            logger.error("update %s failed outside the handlers (%s)", update_id,
                         type(error).__name__)
        finally:
            self.offsets.finish(update_id)
            self._finished.set()
