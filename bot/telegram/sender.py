"""Sending to one chat: HTML, retries on network trouble, edits that tolerate no-ops.

RetryAfter is handled below us by AIORateLimiter; here we retry only transport failures
(timeouts, dropped connections) with a short backoff, so a flaky link never loses a reply.

Texts and edits go through the bot's request path (``Bot._post``: defaults, AIORateLimiter,
the same errors) but skip what ``Bot.send_message`` adds on top: building a ``telegram.Message``
from Telegram's answer. We never read that message, and building it (a hundred attributes,
the keyboard and the chat parsed again) was the largest single cost of the bot's own work per
update in bench/telegram.py. tests/telegram/test_sender.py checks that the requests are the
ones ``send_message`` / ``edit_message_text`` make, so a change in python-telegram-bot shows.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

from telegram import Bot, InputFile, LinkPreviewOptions
from telegram.constants import ParseMode
from telegram.error import BadRequest, NetworkError

from bot.telegram import delivery
from bot.telegram.render import Out

logger = logging.getLogger(__name__)
T = TypeVar("T")
BACKOFF = (0.3, 1.0, 3.0)
NO_PREVIEW = LinkPreviewOptions(is_disabled=True)
"""Every text goes out without a link preview: a result cites official links, and a large
preview card of a statute page would push the words a person needs off a phone's screen."""


class Sender:
    def __init__(self, bot: Bot, chat_id: int) -> None:
        self.bot = bot
        self.chat_id = chat_id

    async def _retry(self, call: Callable[[], Awaitable[T]]) -> T:
        for delay in BACKOFF:
            try:
                return await call()
            except BadRequest:
                raise
            except NetworkError as error:  # TimedOut is one too
                logger.warning("chat %s: %s; retrying in %.1fs", self.chat_id,
                               type(error).__name__, delay)
                await asyncio.sleep(delay)
        return await call()

    def _post(self, method: str, data: dict[str, Any]) -> Callable[[], Awaitable[Any]]:
        return lambda: self.bot._post(method, dict(data))  # noqa: SLF001 - see module doc

    async def send(self, out: Out) -> None:
        delivery.sent(await self._retry(self._post("sendMessage", {
            "chat_id": self.chat_id, "text": out.text, "parse_mode": ParseMode.HTML,
            "reply_markup": out.markup, "link_preview_options": NO_PREVIEW})))

    async def outs(self, outs: list[Out]) -> None:
        for out in outs:
            await self.send(out)

    async def edit(self, message_id: int, out: Out) -> bool:
        """Edit a message in place; False when it cannot be edited (too old, deleted)."""
        try:
            delivery.sent(await self._retry(self._post("editMessageText", {
                "chat_id": self.chat_id, "message_id": message_id, "text": out.text,
                "parse_mode": ParseMode.HTML, "reply_markup": out.markup,
                "link_preview_options": NO_PREVIEW})))
        except BadRequest as error:
            if "not modified" in str(error).lower():
                return True
            logger.info("chat %s: edit refused (%s); sending instead", self.chat_id,
                        type(error).__name__)
            return False
        return True

    async def edit_then(self, message_id: int | None, outs: list[Out]) -> None:
        """Edit the pressed message into the first reply, send the rest as new messages."""
        if message_id is not None and outs and await self.edit(message_id, outs[0]):
            outs = outs[1:]
        await self.outs(outs)

    async def document(self, document: InputFile, caption: str) -> None:
        await self._retry(lambda: self.bot.send_document(
            self.chat_id, document, caption=caption, parse_mode=ParseMode.HTML))
