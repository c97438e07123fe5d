"""Webhook mode from start to stop: the application, the server, setWebhook, health, SIGTERM.

Why not ``Application.run_webhook``: its server is the one this replaces (bot/telegram/
webhook.py says why) and it answers Telegram before the update is handled. Here an update
is answered only once :func:`bot.telegram.intake.process_and_commit` says its effects are
committed: 200 then (or when it was a repeat, or could not be parsed and would never be), 500
when storage failed so Telegram delivers it again. SIGTERM or SIGINT stops accepting, lets
the updates in hand finish (CALLSHIELD_SHUTDOWN_GRACE), stops the application and then its
post_shutdown closes the store.

``/healthz`` answers 200 while the process runs; ``/readyz`` answers 200 only when the store
answers a read within two seconds, at least one pack is loaded and the process is not
stopping (503 otherwise, with the reason) — for a load balancer or process manager.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import signal
from collections.abc import Callable
from urllib.parse import urlsplit

from telegram.error import InvalidToken, TelegramError
from telegram.ext import Application

from bot.telegram.health import Health
from bot.telegram.intake import (Counts, Outcome, parse_update, process_and_commit,
                                 tell_unreadable)
from bot.telegram.webhook import WebhookServer
from bot.telegram.webhook_limits import WebhookLimits
from storage import Store

logger = logging.getLogger(__name__)
TELEGRAM_MAX_CONNECTIONS = 40
"""setWebhook's max_connections (Telegram's default; 1-100), never above our own cap."""


class WebhookRun:
    def __init__(self, app: Application, store: Store, packs_loaded: Callable[[], bool], *,
                 url: str, secret: str, listen: str, port: int, limits: WebhookLimits) -> None:
        self.app = app
        self.store = store
        self.packs_loaded = packs_loaded
        self.url, self.listen, self.port = url, listen, port
        self.secret = secret
        self.counts = Counts()
        self.stopping = asyncio.Event()
        self.health = Health(store, packs_loaded,
                             stopping=lambda: self.server.draining or self.stopping.is_set(),
                             counts=lambda: self.counts, refused=lambda: dict(self.server.counts))
        self.server = WebhookServer(path=urlsplit(url).path, secret=secret, limits=limits,
                                    deliver=self.deliver, health=self.health.answer)

    async def deliver(self, body: bytes) -> int:
        """The HTTP status for one authenticated body: 200 once it is done for good."""
        update = parse_update(body, self.app.bot, self.counts)
        if update is None:  # logged and counted; delivering it again would not help
            with contextlib.suppress(ValueError, UnicodeDecodeError):
                await tell_unreadable(self.app.bot, json.loads(body))  # not left waiting
            return 200
        outcome = await process_and_commit(self.app, update)
        self.counts.add(outcome)
        return 500 if outcome is Outcome.NOT_SAVED else 200

    async def run(self) -> bool:
        """Serve until SIGTERM/SIGINT, then stop in order; False when Telegram refused the
        token (nothing was served)."""
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGTERM, signal.SIGINT):
            loop.add_signal_handler(sig, self.stopping.set)
        app = self.app
        await app.initialize()
        try:
            if app.post_init is not None:
                await app.post_init(app)
            await app.start()
            await self.server.start(self.listen, self.port)
            served = await self._set_webhook()
            if served:
                await self.stopping.wait()
            logger.info("stopping: no new connections; finishing the updates in hand")
            await self.server.close()
        finally:
            if app.running:
                await app.stop()
            if app.post_stop is not None:
                await app.post_stop(app)
            await app.shutdown()
            if app.post_shutdown is not None:
                await app.post_shutdown(app)
            for sig in (signal.SIGTERM, signal.SIGINT):
                loop.remove_signal_handler(sig)
        logger.info("stopped")
        return served

    async def _set_webhook(self) -> bool:
        """setWebhook, retried with a growing pause until it works or the process stops."""
        pause = 1.0
        while not self.stopping.is_set():
            try:
                await self.app.bot.set_webhook(
                    self.url, secret_token=self.secret,
                    max_connections=min(TELEGRAM_MAX_CONNECTIONS, self.server.cap))
                logger.info("webhook set; serving")
                return True
            except InvalidToken:
                logger.error("setWebhook: Telegram rejected TELEGRAM_BOT_TOKEN; check it")
                return False
            except TelegramError as error:
                logger.warning("setWebhook failed (%s); trying again in %.0f s",
                               type(error).__name__, pause)
            try:
                async with asyncio.timeout(pause):
                    await self.stopping.wait()
            except TimeoutError:
                pause = min(pause * 2, 30.0)
        return False

