"""A python-telegram-bot request class that answers every Bot API call locally, no network.

Shared by tests that check the requests the bot makes and by bench/telegram.py, which
measures the bot without HTTP; each says what to answer.
"""

from __future__ import annotations

import json
from typing import Any

from telegram.request import BaseRequest, RequestData


class OfflineRequest(BaseRequest):
    """Subclasses implement ``answer(method, request_data)``."""

    @property
    def read_timeout(self) -> float | None:
        return 1.0

    async def initialize(self) -> None:
        """Nothing to open."""

    async def shutdown(self) -> None:
        """Nothing to close."""

    async def do_request(self, url: str, method: str, request_data: RequestData | None = None,
                         *args: Any, **kwargs: Any) -> tuple[int, bytes]:
        return self.answer(url.rsplit("/", 1)[-1], request_data)

    def answer(self, method: str, request_data: RequestData | None) -> tuple[int, bytes]:
        raise NotImplementedError


def ok(result: Any) -> tuple[int, bytes]:
    """Telegram's answer to a successful call."""
    return 200, json.dumps({"ok": True, "result": result}).encode()


def sent_message(params: dict[str, Any], message_id: int) -> dict[str, Any]:
    """The Message Telegram returns for a sendMessage/editMessageText with ``params``."""
    return {"message_id": int(params.get("message_id", message_id)), "date": 0,
            "chat": {"id": int(params.get("chat_id", 0)), "type": "private"},
            "text": params.get("text", "")}
