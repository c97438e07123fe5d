"""Analytics without personal data: which questions people reach and leave, which rules fire,
which letters are drafted, how often a crisis text is shown.

Events are emitted from one place, the conversation service (bot/service.py), queued in memory
and written in batches (a background task flushes every few seconds), so a user's turn costs a
few dictionary operations, not a database trip.

Why an event cannot lead back to a person:
* rows have no user id, no chat id, no text and no answer values — only pack data (question,
  rule and letter ids), the pack's version, and the day (UTC date, never the time);
* interview steps carry a token: 16 random bytes drawn when an interview starts, kept only in
  this process's memory next to the conversation it belongs to and never written anywhere else,
  so no table links a token to a user (after a restart an interview simply gets a new token);
* rule, letter and crisis events carry no token, so a set of findings cannot be tied to a
  token's path, and batches are stored in random order, so row ids do not reveal which events
  happened together. What remains is the day: on a day only one person used the bot, that
  day's rows are theirs — and say which questions they were shown, which their own stored
  report already holds, and nothing once they delete their data.
Retention: events older than CALLSHIELD_EVENTS_DAYS (default 180) are deleted by the bot.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
import os
import secrets
from collections.abc import Callable, Iterable

from flows import Message, Pack, State, Step, events
from storage import Event, Store
from storage.cache import Lru

logger = logging.getLogger(__name__)

FLUSH_SECONDS = 2.0
BATCH = 500
KEEP_DAYS = 180
NO_PACK = "-"
"""The pack (and version) of a crisis text shown before the person chose a region."""
_MISSING = object()


def retention_days(env: dict[str, str] | None = None) -> int:
    """CALLSHIELD_EVENTS_DAYS: days of events kept (1-3650; default 180)."""
    text = (env if env is not None else os.environ).get("CALLSHIELD_EVENTS_DAYS", "").strip()
    if text.isdigit() and 1 <= int(text) <= 3650:
        return int(text)
    if text:
        logger.warning("CALLSHIELD_EVENTS_DAYS must be a whole number of days (1-3650); "
                       "keeping %d", KEEP_DAYS)
    return KEEP_DAYS


class EventLog:
    """Collects events and writes them in batches; see the module docstring."""

    def __init__(self, store: Store, *, keep_days: int | None = None,
                 clock: Callable[[], dt.datetime] = lambda: dt.datetime.now(dt.UTC)) -> None:
        self.store = store
        self.keep_days = keep_days or retention_days()
        self.clock = clock
        self._pending: list[Event] = []
        self._conversations: Lru[int, list[object]] = Lru(20_000)
        """user id -> [started_at, token, steps]: in memory only (the module docstring)."""
        self._flushing: asyncio.Task[None] | None = None

    def _day(self) -> str:
        return self.clock().astimezone(dt.UTC).date().isoformat()

    def _add(self, kind: str, pack: Pack | None, item: str | None = None,
             token: str | None = None, seq: int | None = None) -> None:
        pack_id, version = (pack.id, pack.version) if pack is not None else (NO_PACK, NO_PACK)
        self._pending.append(Event(self._day(), kind, pack_id, version, item, token, seq))
        if len(self._pending) >= BATCH and self._flushing is None:
            self._flushing = asyncio.get_running_loop().create_task(self.flush())

    def _step(self, user_id: int, state: State, *, fresh: bool) -> tuple[str, int]:
        known = self._conversations.get(user_id)
        if fresh or not isinstance(known, list) or known[0] != state.started_at:
            known = [state.started_at, secrets.token_hex(16), 0]
            self._conversations.put(user_id, known)
        known[2] = int(known[2]) + 1  # type: ignore[call-overload]
        return str(known[1]), int(known[2])  # type: ignore[call-overload]

    # -- what the service reports ---------------------------------------------------------
    def turn(self, user_id: int, pack: Pack, before: State | None, step: Step,
             event: events.Event) -> None:
        """The events one turn of an interview produced."""
        after = step.state
        fresh = before is None or before.started_at != after.started_at
        if fresh and before is not None and before.status == "active" and before.path:
            self._interview(user_id, pack, before, "abandoned", before.path[-1])
        if not fresh and before is not None and before.status == "active" \
                and after.status == "cancelled":
            self._interview(user_id, pack, after, "abandoned", before.path[-1])
        old = {} if fresh or before is None else before.answers
        for node_id, value in after.answers.items():
            if old.get(node_id, _MISSING) != value:
                self._interview(user_id, pack, after, "question_answered", node_id)
        moved = fresh or before is None or before.status != "active" or (
            before.path[-1:] != after.path[-1:])
        if after.status == "active" and moved and after.path:
            self._interview(user_id, pack, after, "question_reached", after.path[-1])
        if step.completed:
            self._interview(user_id, pack, after, "finished")
        if any(isinstance(r, Message) and r.tone == "safety" for r in step.replies):
            self.crisis_shown(pack, "unsafe" if isinstance(event, events.Unsafe) else "words")

    def _interview(self, user_id: int, pack: Pack, state: State, kind: str,
                   item: str | None = None) -> None:
        token, seq = self._step(user_id, state, fresh=False)
        self._add(kind, pack, item, token, seq)

    def rules_fired(self, pack: Pack, rules: Iterable[str]) -> None:
        for rule in rules:
            self._add("rule_fired", pack, rule)

    def letter_drafted(self, pack: Pack, letter_id: str) -> None:
        self._add("letter_drafted", pack, letter_id)

    def crisis_shown(self, pack: Pack | None, source: str) -> None:
        """A crisis/safety text was shown (``source``: what showed it, a fixed word such as
        "unsafe", "words", "menu", or the safety gate's "crisis", "danger", "talk",
        "results" — never what the user wrote); ``pack`` None: before a region was chosen."""
        self._add("crisis_shown", pack, source)

    # -- writing ---------------------------------------------------------------------------
    async def flush(self) -> None:
        """Write what is queued (one transaction); on failure the batch is kept for later."""
        batch, self._pending = self._pending, []
        try:
            if batch:
                await self.store.add_events(batch)
        except Exception as error:  # noqa: BLE001 - analytics never break a conversation
            logger.warning("could not write %d events: %s", len(batch), type(error).__name__)
            self._pending = (batch + self._pending)[-50 * BATCH:]
        finally:
            self._flushing = None

    async def prune(self) -> int:
        cutoff = (self.clock().date() - dt.timedelta(days=self.keep_days)).isoformat()
        removed = await self.store.prune_events(cutoff)
        if removed:
            logger.info("deleted %d events older than %d days", removed, self.keep_days)
        return removed

    async def keep_writing(self, every: float = FLUSH_SECONDS) -> None:
        """Flush every ``every`` seconds and prune once a day, until cancelled (then flush)."""
        last_prune = 0.0
        loop = asyncio.get_running_loop()
        try:
            while True:
                if loop.time() - last_prune > 86_400:
                    last_prune = loop.time()
                    try:
                        await self.prune()
                    except Exception as error:  # noqa: BLE001 - try again tomorrow
                        logger.warning("could not prune events: %s", type(error).__name__)
                await asyncio.sleep(every)
                await self.flush()
        finally:
            await self.flush()
