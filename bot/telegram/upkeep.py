"""Background work of a running Telegram bot: new releases (polled, and at once on SIGHUP),
the event log's batched writes and the follow-up reminders (bot/diary/reminders.py), started with the application and stopped before the store
closes (so the last events are written)."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Awaitable, Callable, Sequence
from typing import Any

from telegram.ext import Application

from bot.analytics import EventLog
from bot.packs import PackRegistry


def keep_up(app: Application, registry: PackRegistry, events: EventLog | None,
            also: Sequence[Callable[[], Awaitable[None]]] = ()) -> None:
    """Chain our start and stop into the application's post_init and post_shutdown; ``also``
    are more loops to run until shutdown (e.g. the reminders)."""
    started: list[asyncio.Task[None]] = []
    previous_init, previous_shutdown = app.post_init, app.post_shutdown

    async def post_init(application: Any) -> None:
        if previous_init is not None:
            await previous_init(application)
        registry.listen_for_sighup()
        started.append(asyncio.get_running_loop().create_task(registry.keep_current()))
        if events is not None:
            started.append(asyncio.get_running_loop().create_task(events.keep_writing()))
        for loop in also:
            started.append(asyncio.get_running_loop().create_task(loop()))  # type: ignore[arg-type]

    async def post_shutdown(application: Any) -> None:
        for task in started:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task
        if previous_shutdown is not None:
            await previous_shutdown(application)

    app.post_init = post_init
    app.post_shutdown = post_shutdown
