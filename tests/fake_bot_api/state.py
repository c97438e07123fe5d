"""Everything the fake Telegram remembers: chats, messages, files, the update queue, the call log.

Kept apart from HTTP so handlers are plain functions over this state, and apart from the public
FakeBotApi class so tests see a small API rather than the bookkeeping.
"""

from __future__ import annotations

import asyncio
import contextvars
import itertools
import secrets
import time
from collections.abc import Callable
from typing import Any

from . import errors, objects
from .errors import ApiError, bad_request
from .models import ApiCall, BotMessage, StoredFile, UploadedFile

# getUpdates' default when allowed_updates is empty or never given.
DEFAULT_EXCLUDED_UPDATES = frozenset({"chat_member", "message_reaction", "message_reaction_count"})

class ClientGone(Exception):
    """The client closed the connection while its request waited (a cancelled long poll)."""


# Set per request by the server: tells a waiting handler whether its client is still there.
CLIENT_GONE: contextvars.ContextVar[Callable[[], bool]] = contextvars.ContextVar(
    "client_gone", default=lambda: False)
FILE_DIRS = {"document": "documents", "photo": "photos", "voice": "voice", "sticker": "stickers"}


class Signal:
    """Wake every waiter; safe to fire from another thread (benchmarks may drive users so)."""

    def __init__(self) -> None:
        self._waiters: list[asyncio.Future[None]] = []

    async def wait(self, timeout: float) -> None:
        future: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self._waiters.append(future)
        try:
            await asyncio.wait({future}, timeout=max(timeout, 0))
        finally:
            if future in self._waiters:
                self._waiters.remove(future)
            future.cancel()

    def fire(self) -> None:
        waiters, self._waiters = self._waiters, []
        for future in waiters:
            if not future.done():
                future.get_loop().call_soon_threadsafe(_resolve, future)


def _resolve(future: asyncio.Future[None]) -> None:
    if not future.done():
        future.set_result(None)


class State:
    """The fake's memory; handlers read and change it, FakeBotApi exposes views of it."""

    def __init__(self, token: str, bot_username: str, bot_name: str,
                 strict_ampersand: bool) -> None:
        bot_id, sep, secret = token.partition(":")
        if not (bot_id.isdigit() and sep and secret):
            raise ValueError(f"token must look like '<bot id>:<secret>', got {token!r}")
        self.token = token
        self.bot_id = int(bot_id)
        self.bot_user = objects.bot_user_json(self.bot_id, bot_username, bot_name)
        self.bot_sender = objects.user_json(self.bot_id, bot_name, is_bot=True,
                                            username=bot_username)
        self.strict_ampersand = strict_ampersand
        self.chats: dict[int, dict[str, Any]] = {}
        self.messages: dict[int, dict[int, BotMessage]] = {}
        self._message_ids: dict[int, itertools.count[int]] = {}
        self.updates: list[dict[str, Any]] = []
        self._update_ids = itertools.count(700_000_001)
        self.files: dict[str, StoredFile] = {}
        self.files_by_path: dict[str, StoredFile] = {}
        self._file_numbers = itertools.count(1)
        self.callbacks: dict[str, bool] = {}  # callback_query id -> answered
        self.commands: dict[tuple[str, str], list[dict[str, str]]] = {}
        self.descriptions: dict[tuple[str, str], str] = {}
        self.webhook: dict[str, Any] = {}
        self.allowed_updates: list[str] | None = None
        self.blocked: set[int] = set()
        self.calls: list[ApiCall] = []
        self.failures: dict[str, list[ApiError]] = {}
        self.drops: dict[str, int] = {}
        self.delays: dict[str, list[float]] = {}
        self.delayed_now: list[str] = []
        """Methods whose call is being held back right now (see ``delay_next``)."""
        self.update_signal = Signal()
        self.call_signal = Signal()
        self.poll_generation = 0
        self.closing = False

    # -- chats and messages -------------------------------------------------------------
    def remember_chat(self, chat: dict[str, Any]) -> None:
        self.chats.setdefault(chat["id"], dict(chat))
        self.messages.setdefault(chat["id"], {})

    def chat(self, chat_id: Any) -> dict[str, Any]:
        """The chat the bot addresses, or Telegram's "chat not found"."""
        if isinstance(chat_id, str):
            wanted = chat_id.lstrip("@").lower()
            for chat in self.chats.values():
                if chat_id.startswith("@") and chat.get("username", "").lower() == wanted:
                    return chat
            raise bad_request(errors.CHAT_NOT_FOUND)
        chat = self.chats.get(chat_id) if isinstance(chat_id, int) else None
        if chat is None:
            raise bad_request(errors.CHAT_NOT_FOUND)
        return chat

    def writable_chat(self, chat_id: Any) -> dict[str, Any]:
        chat = self.chat(chat_id)
        if chat["id"] in self.blocked:
            raise errors.forbidden("bot was blocked by the user")
        return chat

    def new_message_id(self, chat_id: int) -> int:
        return next(self._message_ids.setdefault(chat_id, itertools.count(1)))

    def add_message(self, msg: BotMessage) -> BotMessage:
        self.messages.setdefault(msg.chat_id, {})[msg.message_id] = msg
        return msg

    def find_message(self, chat_id: int, message_id: Any) -> BotMessage | None:
        msg = self.messages.get(chat_id, {}).get(message_id)
        return None if msg is None or msg.deleted else msg

    def message_json(self, msg: BotMessage) -> dict[str, Any]:
        stored = self.files.get(msg.file_id) if msg.file_id else None
        sender = msg.sender if msg.sender is not None else self.bot_sender
        return objects.message_json(msg, self.chats[msg.chat_id], sender, stored)

    # -- files ----------------------------------------------------------------------------
    def store_file(self, upload: UploadedFile, kind: str = "document") -> StoredFile:
        number = next(self._file_numbers)
        suffix = upload.filename.rsplit(".", 1)[-1] if "." in upload.filename else "bin"
        stored = StoredFile(
            file_id=f"BQACAgIAAxkBAAI{number:05d}{secrets.token_urlsafe(18)}",
            file_unique_id=f"AgAD{number:04d}{secrets.token_urlsafe(6)}",
            file_path=f"{FILE_DIRS.get(kind, 'documents')}/file_{number}.{suffix}",
            upload=upload,
        )
        self.files[stored.file_id] = stored
        self.files_by_path[stored.file_path] = stored
        return stored

    # -- updates --------------------------------------------------------------------------
    def new_update_id(self) -> int:
        return next(self._update_ids)

    def enqueue(self, update: dict[str, Any]) -> int:
        if "update_id" not in update:
            update = {"update_id": self.new_update_id(), **update}
        self.updates.append(update)
        self.update_signal.fire()
        return update["update_id"]

    def confirm(self, offset: int | None) -> None:
        """getUpdates' offset: forget confirmed updates (negative: keep only the last -offset)."""
        if offset is None or offset == 0:
            return
        if offset < 0:
            self.updates = self.updates[offset:]
        else:
            self.updates = [u for u in self.updates if u["update_id"] >= offset]

    def pending(self, limit: int) -> list[dict[str, Any]]:
        """Deliverable updates, dropping those the bot's allowed_updates filters out."""
        wanted = self.allowed_updates

        def allowed(update: dict[str, Any]) -> bool:
            kind = next((k for k in update if k != "update_id"), "")
            return kind in wanted if wanted else kind not in DEFAULT_EXCLUDED_UPDATES

        self.updates = [u for u in self.updates if allowed(u)]
        return self.updates[:limit]

    # -- calls ----------------------------------------------------------------------------
    def record(self, call: ApiCall) -> None:
        self.calls.append(call)
        self.call_signal.fire()

    def take_failure(self, method: str) -> ApiError | None:
        queue = self.failures.get(method.lower())
        return queue.pop(0) if queue else None

    def take_delay(self, method: str) -> float:
        queue = self.delays.get(method.lower())
        return queue.pop(0) if queue else 0.0

    def take_drop(self, method: str) -> bool:
        key = method.lower()
        if self.drops.get(key, 0) > 0:
            self.drops[key] -= 1
            return True
        return False


def now() -> int:
    return int(time.time())
