"""Updates of different chats run concurrently; updates of one chat strictly in order.

PTB's SimpleUpdateProcessor would let two taps of one user race on the same saved state; a
per-chat lock keeps each user's conversation a sequence while many users are served at once.
With several workers on PostgreSQL the store's chat lock (an advisory lock) extends it across
processes and machines.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from contextlib import AbstractAsyncContextManager
from typing import Any

from telegram import Update
from telegram.ext import BaseUpdateProcessor


ChatLock = Callable[[int], AbstractAsyncContextManager[None]]


class PerChatUpdateProcessor(BaseUpdateProcessor):
    def __init__(self, max_concurrent_updates: int = 64, *,
                 chat_lock: ChatLock | None = None) -> None:
        super().__init__(max_concurrent_updates)
        self._locks: dict[int, tuple[asyncio.Lock, int]] = {}
        self._chat_lock = chat_lock
        """Several workers on one database (PostgreSQL): the chat's lock across all of them,
        taken inside this process's own lock, so one chat is handled by one worker at a time
        and a duplicate delivered to another worker waits, then finds its id stored."""

    async def do_process_update(self, update: object, coroutine: Awaitable[Any]) -> None:
        chat = update.effective_chat if isinstance(update, Update) else None
        if chat is None:
            await coroutine
            return
        lock, users = self._locks.get(chat.id) or (asyncio.Lock(), 0)
        self._locks[chat.id] = (lock, users + 1)
        try:
            async with lock:
                if self._chat_lock is None:
                    await coroutine
                else:
                    async with self._chat_lock(chat.id):
                        await coroutine
        finally:
            lock, users = self._locks[chat.id]
            if users <= 1:  # nobody else waiting: forget the lock, keep memory flat
                del self._locks[chat.id]
            else:
                self._locks[chat.id] = (lock, users - 1)

    async def initialize(self) -> None:
        """Nothing to set up."""

    async def shutdown(self) -> None:
        """Nothing to release."""
