"""Build the PTB Application for CallShield (shared by the runner, tests and the benchmark)."""

from __future__ import annotations

import logging

from telegram import BotCommand, BotCommandScopeDefault, Update
from telegram.ext import AIORateLimiter, Application, ApplicationBuilder, TypeHandler
from telegram.request import BaseRequest

from bot.service import GuidanceService
from bot.telegram.admin import AdminPanel
from bot.telegram.delivery import acknowledge
from bot.telegram.handlers import Channel
from bot.telegram.polling import SafePolling
from bot.telegram.processor import ChatLock, PerChatUpdateProcessor
from bot.telegram.texts import COMMANDS

logger = logging.getLogger(__name__)
HTTP_CONNECTIONS = 16
"""Connections to the Bot API. Telegram caps a bot near 30 messages a second, so even with a
slow link (0.3 s a call) about a dozen requests are ever in flight; more connections only cost:
httpx checks every idle connection of the pool on each request (bench/telegram.py, end to
end on loopback: about 140 updates/s with 72 connections, 190 with 16, 280 with 8). A request
that finds all of them busy waits for one (pool_timeout), it does not fail."""
COMMAND_LANGUAGES = {"en": "", "zh-Hans": "zh"}
"""Command lists by language; Telegram scopes them by two-letter code ('' = everyone else)."""


def build_application(service: GuidanceService, token: str, *,
                      api_root: str = "https://api.telegram.org",
                      request: BaseRequest | None = None,
                      get_updates_request: BaseRequest | None = None,
                      rate_limit: bool = True, concurrency: int = 64,
                      connections: int = HTTP_CONNECTIONS,
                      admin: AdminPanel | None = None,
                      chat_lock: ChatLock | None = None) -> Application:
    """The application with our handlers; ``request`` lets benchmarks skip the network;
    ``connections`` sizes the Bot API connection pool (CALLSHIELD_HTTP_CONNECTIONS)."""
    builder: ApplicationBuilder = (
        Application.builder().token(token)
        .base_url(f"{api_root}/bot").base_file_url(f"{api_root}/file/bot")
        .concurrent_updates(PerChatUpdateProcessor(concurrency, chat_lock=chat_lock))
        .post_init(_start)
    )
    if request is not None:
        builder = builder.request(request)
    else:
        builder = builder.connection_pool_size(connections).pool_timeout(10.0)
    if get_updates_request is not None:
        builder = builder.get_updates_request(get_updates_request)
    if rate_limit:
        builder = builder.rate_limiter(AIORateLimiter(max_retries=3))
    app = builder.build()
    channel = Channel(service, admin)
    app.add_handler(TypeHandler(Update, channel.on_update))
    app.add_error_handler(channel.on_error)
    app.bot_data["service"] = service
    app.bot_data["channel"] = channel
    app.updater = SafePolling(app)  # confirms an update only once it is handled
    app.bot_data["channel"] = channel
    return app


async def _start(app: Application) -> None:
    """Before the first update: the command menu, then the users whose last answer was saved
    but never acknowledged (a crash between the commit and the reply)."""
    await _register_commands(app)
    channel = app.bot_data.get("channel")
    if isinstance(channel, Channel):
        await acknowledge(app, channel)


async def _register_commands(app: Application) -> None:
    """setMyCommands per language; a failure here must not stop the bot from serving."""
    for language, code in COMMAND_LANGUAGES.items():
        commands = [BotCommand(name, text) for name, text in COMMANDS[language]]
        try:
            await app.bot.set_my_commands(commands, scope=BotCommandScopeDefault(),
                                          language_code=code or None)
        except Exception as error:  # noqa: BLE001 - the bot works without the command menu
            logger.warning("setMyCommands (%s) failed: %s", code or "default",
                           type(error).__name__)
