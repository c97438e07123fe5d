"""``callshield run`` with a token: long polling, or a webhook when CALLSHIELD_WEBHOOK_URL is set.

Opens storage and packs first and refuses to start (exit 2) when storage is unusable or no
pack loads, so a misconfigured deployment fails loudly instead of answering users with errors;
a pack that fails to load is skipped with an ERROR (bot/packs.py) and the others serve. PTB's
stop signals (SIGINT, SIGTERM) let the update in hand finish — its state is saved before
replies go out — and the store is closed last; new releases are picked up while it runs
(bot/telegram/upkeep.py). Webhook mode runs our own server (bot/telegram/webhook_run.py):
secret before body, limits on size, time and connections, 200 only after the commit.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
import os
import signal
import sys
from collections.abc import Callable
from contextlib import AbstractAsyncContextManager

from bot.settings import Settings
from storage import StorageUnavailable, Store, open_store

logger = logging.getLogger(__name__)


def _poll_timeout() -> int:
    """Long-poll seconds (CALLSHIELD_POLL_TIMEOUT; tests use 1 to stop quickly)."""
    text = os.environ.get("CALLSHIELD_POLL_TIMEOUT", "30")
    return int(text) if text.isdigit() else 30


def _cache_rows() -> bool:
    """CALLSHIELD_STORE_CACHE=0 turns off the in-memory copy of users and conversations.

    The copy is right only while this process is the only one writing the database (the
    SQLite deployment); turn it off if another process or tool writes to the same file.
    """
    return os.environ.get("CALLSHIELD_STORE_CACHE", "1").strip().lower() not in (
        "0", "false", "no", "off")


def _http_connections() -> int:
    """CALLSHIELD_HTTP_CONNECTIONS: connections to the Bot API (see app.HTTP_CONNECTIONS)."""
    from bot.telegram.app import HTTP_CONNECTIONS

    text = os.environ.get("CALLSHIELD_HTTP_CONNECTIONS", "").strip()
    if not text:
        return HTTP_CONNECTIONS
    if not text.isdigit() or not 1 <= int(text) <= 256:
        logger.warning("CALLSHIELD_HTTP_CONNECTIONS must be a whole number from 1 to 256; "
                       "using %d", HTTP_CONNECTIONS)
        return HTTP_CONNECTIONS
    return int(text)


UPDATE_IDS_KEPT = dt.timedelta(days=2)
"""Telegram redelivers an update for at most a day; older ids can no longer repeat."""


async def _forget_old_update_ids(store: Store) -> None:
    cutoff = (dt.datetime.now(dt.UTC) - UPDATE_IDS_KEPT).isoformat()
    removed = await store.prune_updates(cutoff)
    if removed:
        logger.info("forgot %d update ids older than %s", removed, UPDATE_IDS_KEPT)


def _chat_lock(store: Store) -> Callable[[int], AbstractAsyncContextManager[None]] | None:
    """Several workers share a PostgreSQL database: each chat's lock spans them all."""
    from storage.pg.store import PostgresStore

    if not isinstance(store, PostgresStore):
        return None
    return lambda chat_id: store.chat_lock("telegram", chat_id)


def _lead_polling(loop: asyncio.AbstractEventLoop, store: Store) -> bool:
    """On PostgreSQL only one process polls: wait until this one is the poller (the others
    stand by and take over within seconds when it dies). False when stopped while waiting."""
    from storage.pg.store import PostgresStore

    if not isinstance(store, PostgresStore):
        return True
    stop = asyncio.Event()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)

    async def wait() -> bool:
        lead = asyncio.ensure_future(store.lead("telegram-poller", standing_by=lambda: (
            logger.info("standing by: another worker polls; taking over when it stops"))))
        stopped = asyncio.ensure_future(stop.wait())
        await asyncio.wait({lead, stopped}, return_when=asyncio.FIRST_COMPLETED)
        if lead.done():
            stopped.cancel()
            return True
        lead.cancel()
        return False

    try:
        leading = loop.run_until_complete(wait())
    finally:
        for sig in (signal.SIGTERM, signal.SIGINT):
            loop.remove_signal_handler(sig)
    if not leading:
        loop.run_until_complete(store.close())
        loop.close()
    return leading


def run_telegram(settings: Settings) -> int:
    os.environ.setdefault("PTB_TIMEDELTA", "1")
    for noisy in ("telegram", "httpx", "httpcore", "aiosqlite"):
        # at DEBUG these log request parameters and SQL values: message content, never ours
        logger_ = logging.getLogger(noisy)
        logger_.setLevel(max(logger_.getEffectiveLevel(), logging.INFO))
    from bot.analytics import EventLog
    from bot.heap import settle_after_start
    from bot.letters.desk import warm_up_fonts
    from bot.packs import PackRegistry, reload_seconds
    from bot.service import GuidanceService
    from bot.telegram.admin import AdminPanel, admin_ids
    from bot.telegram.app import build_application
    from bot.telegram.upkeep import keep_up

    from bot.settings import SettingsError
    from bot.telegram.health import health_port
    from bot.telegram.webhook_limits import WebhookLimits

    try:  # a wrong limit stops the start before anything is opened
        limits = WebhookLimits.from_env()
        health = health_port()
    except SettingsError as error:
        print(f"callshield: {error}", file=sys.stderr)
        return 2
    loop = asyncio.new_event_loop()
    asyncio.set_event_loop(loop)
    try:
        store = loop.run_until_complete(open_store(settings.database, cache=_cache_rows()))
    except StorageUnavailable as error:
        print(f"callshield: {error}", file=sys.stderr)
        loop.close()
        return 2
    registry = PackRegistry(store, reload_seconds=reload_seconds())
    if not loop.run_until_complete(registry.load()):  # a broken pack is skipped, loudly
        print("callshield: no pack could be loaded (check CALLSHIELD_PACKS; see the errors "
              "above and `callshield packs status`)", file=sys.stderr)
        loop.run_until_complete(store.close())
        loop.close()
        return 2
    loop.run_until_complete(_forget_old_update_ids(store))
    assert settings.token is not None
    warm_up_fonts()  # the first user asking for a PDF should not wait for the font
    events = EventLog(store)
    app = build_application(GuidanceService(store, registry.packs, channel="telegram",
                                            events=events), settings.token,
                            api_root=settings.api_base_url, connections=_http_connections(),
                            admin=AdminPanel(store, registry, admin_ids()),
                            chat_lock=_chat_lock(store))

    async def close_store(_: object) -> None:
        await store.close()

    app.post_shutdown = close_store
    from bot.diary.reminders import ReminderLoop

    channel = app.bot_data["channel"]
    reminders = ReminderLoop(store, registry.packs, lambda user, text, row:
                             channel.diary.send_reminder(app.bot, user, text, row))
    # new releases within seconds; events written in batches; reminders sent when due
    keep_up(app, registry, events, also=(reminders.run,))
    settle_after_start()
    if settings.webhook_url:
        from bot.telegram.webhook_run import WebhookRun

        assert settings.webhook_secret is not None  # Settings refuses a URL without one
        logger.info("webhook mode on %s:%s", settings.webhook_listen, settings.webhook_port)
        webhook = WebhookRun(app, store, lambda: bool(registry.packs),
                             url=settings.webhook_url, secret=settings.webhook_secret,
                             listen=settings.webhook_listen, port=settings.webhook_port,
                             limits=limits)
        try:
            served = loop.run_until_complete(webhook.run())
        finally:
            loop.close()
        return 0 if served else 1
    else:
        if not _lead_polling(loop, store):
            return 0
        logger.info("long polling")
        if health is not None:  # /healthz and /readyz for a process manager
            from bot.telegram.health import Health, serve_health

            serve_health(app, Health(store, lambda: bool(registry.packs),
                                     stopping=lambda: not app.running,
                                     counts=lambda: getattr(app.updater, "counts", None)),
                         os.environ.get("CALLSHIELD_HEALTH_LISTEN", "127.0.0.1"), health)
        app.run_polling(poll_interval=0, timeout=_poll_timeout(), bootstrap_retries=-1)
    return 0
