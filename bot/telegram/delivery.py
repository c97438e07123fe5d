"""Which replies reached the user, and which question a typed text can answer.

Why: an answer is committed before its reply is sent, so a crash in between leaves a saved
answer the user never saw acknowledged; the fault run found 224 of 480 such answers, and the
users' retyped texts (110 of 110) were filed as the answer to the *next* question, which they
had never seen — and from there into letters to the police. So:

* After every update that ran a turn, once all its replies are sent, the state is marked shown
  (``Store.mark_shown``: when sending began, and the last message's id; migration 0003).
  A state saved and never marked is one whose reply may be lost.
* At start, before any update is handled, each such user gets "your last answer was saved"
  and their current question again (or their results, or the menu) — :func:`acknowledge`.
* A typed text is taken as the answer to the current question only if it was written after
  that question was shown: not before its message (Telegram's message ids in a chat only
  grow) and not before sending began (Telegram's message date, with ``SLACK`` for its whole
  seconds and clocks). Otherwise the user is told it was not used, and shown the question.
"""

from __future__ import annotations

import datetime as dt
import logging
from contextvars import ContextVar
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from telegram import Message
from telegram.ext import Application, CallbackContext

from storage import ConversationRow, StorageError

if TYPE_CHECKING:
    from bot.telegram.handlers import Channel

logger = logging.getLogger(__name__)
SLACK = dt.timedelta(seconds=2)
"""Telegram's message dates are whole seconds, and its clock and ours differ a little."""


@dataclass(slots=True)
class Shown:
    """What one update has sent so far: the turn it ran and the last message id."""

    user_id: int | None = None
    started: str | None = None
    message_id: int | None = None


_SHOWN: ContextVar[Shown | None] = ContextVar("replies_shown", default=None)


def begin() -> Shown:
    """Start recording for the update being handled (each update runs in its own task)."""
    shown = Shown()
    _SHOWN.set(shown)
    return shown


def turned(user_id: int) -> None:
    """A state was committed for ``user_id``; its replies start going out now."""
    shown = _SHOWN.get()
    if shown is not None:
        shown.user_id = user_id
        shown.started = now_iso()
        shown.message_id = None


def sent(result: Any) -> None:
    """Telegram's answer to a sendMessage / editMessageText: remember the message id."""
    shown = _SHOWN.get()
    if shown is not None and isinstance(result, dict):
        message_id = result.get("message_id")
        if isinstance(message_id, int):
            shown.message_id = max(message_id, shown.message_id or 0)


_UNMARKED: dict[int, tuple[str, str, int | None]] = {}
"""user id -> (state saved at, shown at, message id) of marks the database refused (a busy or
full disk): the reply *was* shown, and this process still knows it. Memory only: after a
crash the unmarked state counts as unseen, the safe side."""
UNMARKED_KEPT = 10_000


async def finish(store: Any, shown: Shown) -> None:
    """Every reply of the update was sent: mark the state it produced as shown (a
    StorageError is raised after the mark is remembered in memory)."""
    if shown.user_id is None or shown.started is None:
        return
    row = await store.load_conversation(shown.user_id)
    if row is None:
        return
    try:
        await store.mark_shown(shown.user_id, row.updated_at, shown.started, shown.message_id)
    except StorageError:
        if len(_UNMARKED) >= UNMARKED_KEPT:
            _UNMARKED.pop(next(iter(_UNMARKED)))
        _UNMARKED[shown.user_id] = (row.updated_at, shown.started, shown.message_id)
        raise
    _UNMARKED.pop(shown.user_id, None)


def written_before_shown(row: ConversationRow | None, message: Message) -> bool:
    """True when ``message`` was written before the current question was shown to the user,
    so it cannot be the answer to it."""
    if row is None:
        return False
    shown_at, shown_message = row.shown_at, row.shown_message
    if shown_at is None:
        remembered = _UNMARKED.get(row.user_id)
        if remembered is None or remembered[0] != row.updated_at:
            return True  # the question's message never went out (a crash, a failed send)
        _, shown_at, shown_message = remembered  # shown; only the mark failed
    if shown_message is not None and message.message_id < shown_message:
        return True
    shown = dt.datetime.fromisoformat(shown_at)
    written = message.date if message.date.tzinfo else message.date.replace(tzinfo=dt.UTC)
    return written + SLACK < shown


def now_iso() -> str:
    return dt.datetime.now(dt.UTC).isoformat()


async def acknowledge(app: Application, channel: Channel) -> int:
    """At start: tell each user whose last answer was saved but never acknowledged, and show
    them where they are. Returns how many were told; failures are logged, not raised."""
    store = channel.service.store
    try:
        pending = await store.unshown_conversations(channel.service.channel)
    except StorageError as error:
        logger.error("could not look for unacknowledged answers: cause=%s", error.cause.value)
        return 0
    told = 0
    chat_lock = getattr(store, "chat_lock", None)  # several workers (PostgreSQL)
    for user_id, external_id in pending:
        if not external_id.lstrip("-").isdigit():
            continue
        chat_id = int(external_id)
        if chat_lock is not None:  # another worker may be answering this chat right now
            told += await _acknowledge_locked(app, channel, chat_lock, user_id, chat_id,
                                              external_id)
            continue
        context: CallbackContext[Any, Any, Any, Any] = CallbackContext(
            app, chat_id=chat_id, user_id=chat_id)
        shown = begin()
        try:
            row = await store.load_conversation(user_id)
            if row is None or row.shown_at is not None:
                continue  # another worker (PostgreSQL) has just acknowledged it
            user = await channel.service.user(external_id)
            await channel.acknowledge(context, chat_id, user)
            await finish(store, shown)
            told += 1
        except Exception as error:  # noqa: BLE001 - one chat's failure must not stop the start
            logger.warning("chat %s: could not acknowledge the last answer (%s)", chat_id,
                           type(error).__name__)
        finally:
            _SHOWN.set(None)
    if pending:
        logger.info("acknowledged %d of %d saved answers whose reply was not sent", told,
                    len(pending))
    return told


async def _acknowledge_locked(app: Application, channel: Channel, chat_lock: Any,
                              user_id: int, chat_id: int, external_id: str) -> int:
    """The same, under the chat's lock across workers, and only if the state is still
    unshown once the lock is held (the worker that was answering may have shown it)."""
    store = channel.service.store
    try:
        async with chat_lock(channel.service.channel, chat_id):
            row = await store.load_conversation(user_id)
            if row is None or row.shown_at is not None:
                return 0
            context: CallbackContext[Any, Any, Any, Any] = CallbackContext(
                app, chat_id=chat_id, user_id=chat_id)
            shown = begin()
            try:
                user = await channel.service.user(external_id)
                await channel.acknowledge(context, chat_id, user)
                await finish(store, shown)
            finally:
                _SHOWN.set(None)
        return 1
    except Exception as error:  # noqa: BLE001 - one chat's failure must not stop the start
        logger.warning("chat %s: could not acknowledge the last answer (%s)", chat_id,
                       type(error).__name__)
        return 0
