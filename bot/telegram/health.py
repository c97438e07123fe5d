"""``/healthz`` and ``/readyz``, for a process manager or a load balancer, in either mode.

Why two: *alive* (the process answers) decides a restart; *ready* (the store answers a read
within two seconds, at least one pack is loaded, the process is not stopping) decides whether
traffic is sent to it. In webhook mode they answer on the webhook's port; in polling mode on
``CALLSHIELD_HEALTH_PORT`` when it is set (``serve_health``), with the same server and limits.
Neither says anything about any user: counts only.
"""

from __future__ import annotations

import asyncio
import json
import logging
import os
from collections.abc import Callable
from typing import Any

from telegram.ext import Application

from bot.settings import SettingsError
from bot.telegram.intake import Counts
from storage import Store

logger = logging.getLogger(__name__)
READY_WITHIN = 2.0
"""Seconds the store has to answer the readiness read."""


class Health:
    def __init__(self, store: Store, packs_loaded: Callable[[], bool],
                 stopping: Callable[[], bool], counts: Callable[[], Counts | None],
                 refused: Callable[[], dict[str, int]] = dict) -> None:
        self.store = store
        self.packs_loaded = packs_loaded
        self.stopping = stopping
        self.counts = counts
        self.refused = refused

    async def answer(self, which: str) -> tuple[int, bytes]:
        """The status and JSON body for ``healthz`` or ``readyz``."""
        if which == "healthz":
            counts = self.counts() or Counts()
            return 200, _json({"status": "alive", "updates": counts.by_outcome,
                               "unparseable": counts.unparseable,
                               "unknown_type": counts.unknown, "refused": self.refused()})
        reason = None
        if self.stopping():
            reason = "stopping"
        elif not self.packs_loaded():
            reason = "no pack loaded"
        else:
            try:
                async with asyncio.timeout(READY_WITHIN):
                    await self.store.served_releases()
            except Exception as error:  # noqa: BLE001 - any failure means not ready
                reason = f"storage: {type(error).__name__}"
        if reason is None:
            return 200, _json({"status": "ready"})
        return 503, _json({"status": "not ready", "reason": reason})


def health_port(env: dict[str, str] | None = None) -> int | None:
    """CALLSHIELD_HEALTH_PORT (polling mode), or None when unset."""
    text = (os.environ if env is None else env).get("CALLSHIELD_HEALTH_PORT", "").strip()
    if not text:
        return None
    if not text.isdigit() or not 0 < int(text) < 65536:
        raise SettingsError(f"CALLSHIELD_HEALTH_PORT={text!r} is not a port number")
    return int(text)


def serve_health(app: Application, health: Health, listen: str, port: int) -> None:
    """Serve ``health`` on ``listen:port`` from the application's start to its shutdown
    (chained into post_init and post_shutdown, like bot/telegram/upkeep.py)."""
    from bot.telegram.webhook import WebhookServer
    from bot.telegram.webhook_limits import WebhookLimits

    server = WebhookServer(path=None, secret=None, limits=WebhookLimits.from_env(),
                           deliver=None, health=health.answer)
    previous_init, previous_shutdown = app.post_init, app.post_shutdown

    async def post_init(application: Any) -> None:
        if previous_init is not None:
            await previous_init(application)
        await server.start(listen, port)

    async def post_shutdown(application: Any) -> None:
        await server.close()
        if previous_shutdown is not None:
            await previous_shutdown(application)

    app.post_init = post_init
    app.post_shutdown = post_shutdown


def _json(data: object) -> bytes:
    return json.dumps(data, sort_keys=True).encode()
