"""One door for an update from outside: parse it without trusting its shape, run it through
the same per-chat processor as polling, and say whether its effects are committed.

Why: Telegram must be told "done" (a webhook's 200, a polling offset moved past the update)
only once what the update changed is on disk; otherwise a crash in between loses it for good.
:func:`process_and_commit` is that single entry point: it awaits the update's handling in the
application's update processor (per-chat order, bot/telegram/processor.py) and returns what
became of it, reported by :meth:`bot.telegram.handlers.Channel.on_update` through
:func:`report`. The update-id ledger (storage/ledger.py, migration 0002) drops a redelivered
update whose effects were already committed, so "deliver again when unsure" is always safe.

:func:`parse_update` turns a raw body into an ``Update``; a body PTB cannot parse (a field
shape from a newer Bot API, garbage) is logged once by update id and type, without content,
and skipped — one odd update must never stop the others.
"""

from __future__ import annotations

import enum
import html
import json
import logging
import re
from contextvars import ContextVar
from dataclasses import dataclass, field

from telegram import Bot, Update
from telegram.constants import ChatType, UpdateType
from telegram.ext import Application

logger = logging.getLogger(__name__)


class Outcome(enum.Enum):
    """What became of one update."""

    COMMITTED = "committed"
    """Handled; everything it changed (and its id) is committed."""
    REPEATED = "repeated"
    """Its id was already handled: nothing done, nothing to redo."""
    NOT_SAVED = "not_saved"
    """Storage failed before its effects were committed: have Telegram deliver it again."""
    FAILED = "failed"
    """Handling raised something else (logged by the error handler; the user was told);
    delivering it again would fail the same way."""


@dataclass(slots=True)
class _Report:
    outcome: Outcome | None = None


_REPORT: ContextVar[_Report | None] = ContextVar("update_outcome", default=None)


def report(outcome: Outcome) -> None:
    """Called by the update's handler (in the update's own context) to say how it ended."""
    holder = _REPORT.get()
    if holder is not None and holder.outcome is None:
        holder.outcome = outcome


async def process_and_commit(app: Application, update: Update) -> Outcome:
    """Process ``update`` exactly as polling does and wait until its effects are committed.

    COMMITTED and REPEATED mean Telegram may forget the update; NOT_SAVED means it must
    deliver it again (its claim on the update id was released by the handler); FAILED means
    a redelivery would not help (the error handler has told the user and logged the class).
    """
    holder = _Report()
    token = _REPORT.set(holder)
    try:
        await app.update_processor.process_update(update, app.process_update(update))
    finally:
        _REPORT.reset(token)
    # no report: no handler took it, or PTB failed before our handler ran
    return holder.outcome or Outcome.FAILED


@dataclass(slots=True)
class Counts:
    """Updates taken in, by outcome, plus bodies that could not be parsed (for /healthz)."""

    by_outcome: dict[str, int] = field(default_factory=dict)
    unparseable: int = 0
    unknown: int = 0
    """Updates of a type this version of the Bot API client does not know (skipped)."""

    def add(self, outcome: Outcome) -> None:
        self.by_outcome[outcome.value] = self.by_outcome.get(outcome.value, 0) + 1


_NAME = re.compile(r"[a-z_]{1,40}")
KNOWN_TYPES = frozenset(str(kind.value) for kind in UpdateType)
MESSAGE_KINDS = ("message", "edited_message")
"""Unreadable updates of these kinds from a private chat get a kind word (the user waits)."""


def _kinds(data: dict[str, object]) -> str:
    """The update's type(s) from its top-level keys; only names Telegram could use, so a
    forged key cannot carry content into the log."""
    names = sorted(k for k in data if k != "update_id" and isinstance(k, str)
                   and _NAME.fullmatch(k))
    return ",".join(names[:4]) or "-"


def parse_update(body: bytes | str | dict[str, object], bot: Bot,
                 counts: Counts | None = None) -> Update | None:
    """The ``Update`` in ``body``, or None (logged by id and type, counted) when it is not
    one PTB can read. Never logs the body."""
    data: object = body
    if not isinstance(body, dict):
        try:
            data = json.loads(body)
        except (ValueError, UnicodeDecodeError):
            data = None
    update_id = data.get("update_id") if isinstance(data, dict) else None
    if not isinstance(data, dict) or not isinstance(update_id, int) or isinstance(update_id,
                                                                                  bool):
        _skip(counts, "a body that is not a Telegram update (%d bytes) was skipped",
              len(body) if isinstance(body, bytes | str) else 0)
        return None
    if not any(key in KNOWN_TYPES for key in data):
        if counts is not None:
            counts.unknown += 1
        logger.info("update %s of unknown type %s skipped; %d so far", update_id,
                    _kinds(data), counts.unknown if counts is not None else 1)
        return None
    try:
        return Update.de_json(data, bot)
    except Exception as error:  # noqa: BLE001 - any shape PTB cannot read is skipped alike
        _skip(counts, "update %s (%s) cannot be parsed (%s); skipped", update_id,
              _kinds(data), type(error).__name__)
        return None


def _skip(counts: Counts | None, message: str, *args: object) -> None:
    if counts is not None:
        counts.unparseable += 1
        message, args = message + "; %d unreadable so far", (*args, counts.unparseable)
    logger.warning(message, *args)


async def tell_unreadable(bot: Bot, data: object) -> None:
    """A message we cannot read from someone in a private chat: say so, kindly, so they are
    not left waiting (only the chat id, its type and the language code are read)."""
    from bot.telegram.render import Out
    from bot.telegram.sender import Sender
    from bot.telegram.texts import language_from_code, t

    if not isinstance(data, dict):
        return
    for kind in MESSAGE_KINDS:
        message = data.get(kind)
        chat = message.get("chat") if isinstance(message, dict) else None
        if not isinstance(chat, dict) or chat.get("type") != ChatType.PRIVATE:
            continue
        chat_id = chat.get("id")
        if not isinstance(chat_id, int) or isinstance(chat_id, bool):
            return
        sender = message.get("from")
        code = sender.get("language_code") if isinstance(sender, dict) else None
        lang = language_from_code(code if isinstance(code, str) else None)
        try:
            await Sender(bot, chat_id).send(Out(html.escape(t(lang, "cannot_use"))))
        except Exception as error:  # noqa: BLE001 - best effort; the update is skipped
            logger.info("chat %s: could not say the message was unreadable (%s)", chat_id,
                        type(error).__name__)
        return
