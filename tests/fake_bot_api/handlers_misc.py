"""Bot-level methods: identity, updates and webhooks, commands, files and descriptions."""

from __future__ import annotations

import asyncio
import json
import re
from typing import Any
from urllib.parse import urlsplit

from . import objects
from .errors import bad_request, conflict
from .handlers_messages import Handler
from .state import CLIENT_GONE, ClientGone, State

MAX_DOWNLOAD = 20 * 1024 * 1024
COMMAND_RE = re.compile(r"[a-z0-9_]{1,32}")
SCOPES = frozenset({"default", "all_private_chats", "all_group_chats", "all_chat_administrators",
                    "chat", "chat_administrators", "chat_member"})
LOOPBACK = frozenset({"127.0.0.1", "localhost", "::1"})
WEBHOOK_PORTS = frozenset({80, 88, 443, 8443})
POLL_SLICE = 0.5  # re-check at least this often, whatever wakes us


async def get_me(state: State, p: dict[str, Any]) -> dict[str, Any]:
    return state.bot_user


async def get_updates(state: State, p: dict[str, Any]) -> list[dict[str, Any]]:
    """Long polling: answer as soon as an update is queued, or after ``timeout`` seconds."""
    if state.webhook.get("url"):
        raise conflict("can't use getUpdates method while webhook is active; "
                       "use deleteWebhook to delete the webhook first")
    limit = min(max(int(p.get("limit") or 100), 1), 100)
    timeout = max(float(p.get("timeout") or 0), 0.0)
    if p.get("allowed_updates") is not None:
        state.allowed_updates = list(p["allowed_updates"])
    state.confirm(p.get("offset"))
    state.poll_generation += 1
    generation = state.poll_generation
    state.update_signal.fire()  # a newer request terminates an older one, as on Telegram
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    client_gone = CLIENT_GONE.get()
    while True:
        if client_gone():
            raise ClientGone  # Telegram drops a poll whose connection closed; no conflict
        if state.poll_generation != generation:
            await asyncio.sleep(0.05)  # let a just-closed connection be noticed first
            if client_gone():
                raise ClientGone
            raise conflict("terminated by other getUpdates request; "
                           "make sure that only one bot instance is running")
        batch = state.pending(limit)
        remaining = deadline - loop.time()
        if batch or remaining <= 0 or state.closing:
            return batch
        await state.update_signal.wait(min(remaining, POLL_SLICE))


def _check_webhook_url(url: str) -> None:
    """Real Telegram wants HTTPS on 80/88/443/8443; loopback over http is let through for tests."""
    parts = urlsplit(url)
    if parts.hostname in LOOPBACK and parts.scheme in ("http", "https"):
        return
    if parts.scheme != "https" or not parts.hostname:
        raise bad_request("bad webhook: An HTTPS URL must be provided for webhook")
    if (parts.port or 443) not in WEBHOOK_PORTS:
        raise bad_request("bad webhook: Webhook can be set up only on ports 80, 88, 443 or 8443")


async def set_webhook(state: State, p: dict[str, Any]) -> bool:
    url = str(p.get("url") or "")
    if url:
        _check_webhook_url(url)
    if p.get("drop_pending_updates"):
        state.updates.clear()
    kept = ("max_connections", "ip_address", "allowed_updates", "secret_token")
    state.webhook = {"url": url, **{k: p[k] for k in kept if k in p}}
    state.update_signal.fire()
    return True


async def delete_webhook(state: State, p: dict[str, Any]) -> bool:
    if p.get("drop_pending_updates"):
        state.updates.clear()
    state.webhook = {}
    return True


async def get_webhook_info(state: State, p: dict[str, Any]) -> dict[str, Any]:
    return objects.webhook_info_json(state.webhook, len(state.updates))


async def ok(state: State, p: dict[str, Any]) -> bool:
    return True


def scope_key(scope: Any) -> str:
    """A canonical key for a BotCommandScope (default when absent)."""
    if scope is None:
        scope = {"type": "default"}
    if not isinstance(scope, dict) or scope.get("type") not in SCOPES:
        raise bad_request("can't parse BotCommandScope JSON object")
    if scope["type"].startswith("chat") and "chat_id" not in scope:
        raise bad_request('parameter "chat_id" is required')
    return json.dumps(scope, sort_keys=True)


async def set_my_commands(state: State, p: dict[str, Any]) -> bool:
    commands = p["commands"]
    if not isinstance(commands, list):
        raise bad_request("can't parse commands JSON object")
    if len(commands) > 100:
        raise bad_request("BOT_COMMANDS_TOO_MUCH")
    cleaned = []
    for command in commands:
        if not isinstance(command, dict):
            raise bad_request("can't parse BotCommand JSON object")
        name, description = command.get("command"), command.get("description")
        if not isinstance(name, str) or not COMMAND_RE.fullmatch(name):
            raise bad_request("BOT_COMMAND_INVALID")
        if not isinstance(description, str) or not 1 <= len(description.strip()) <= 256:
            raise bad_request("BOT_COMMAND_DESCRIPTION_INVALID")
        cleaned.append({"command": name, "description": description})
    key = (scope_key(p.get("scope")), str(p.get("language_code") or ""))
    if cleaned:
        state.commands[key] = cleaned
    else:
        state.commands.pop(key, None)
    return True


async def get_my_commands(state: State, p: dict[str, Any]) -> list[dict[str, str]]:
    key = (scope_key(p.get("scope")), str(p.get("language_code") or ""))
    return list(state.commands.get(key, []))


async def delete_my_commands(state: State, p: dict[str, Any]) -> bool:
    state.commands.pop((scope_key(p.get("scope")), str(p.get("language_code") or "")), None)
    return True


async def get_file(state: State, p: dict[str, Any]) -> dict[str, Any]:
    stored = state.files.get(str(p["file_id"]))
    if stored is None:
        raise bad_request("invalid file_id")
    if stored.size > MAX_DOWNLOAD:
        raise bad_request("file is too big")
    return objects.file_json(stored)


def _description(kind: str, limit: int) -> tuple[Handler, Handler]:
    async def setter(state: State, p: dict[str, Any]) -> bool:
        text = str(p.get(kind) or "")
        if len(text) > limit:
            raise bad_request(f"{kind.replace('_', ' ')} is too long")  # wording guessed
        state.descriptions[(kind, str(p.get("language_code") or ""))] = text
        return True

    async def getter(state: State, p: dict[str, Any]) -> dict[str, str]:
        language = str(p.get("language_code") or "")
        text = state.descriptions.get((kind, language), state.descriptions.get((kind, ""), ""))
        return {kind: text}

    return setter, getter


set_description, get_description = _description("description", 512)
set_short_description, get_short_description = _description("short_description", 120)

HANDLERS: dict[str, Handler] = {
    "getme": get_me,
    "getupdates": get_updates,
    "setwebhook": set_webhook,
    "deletewebhook": delete_webhook,
    "getwebhookinfo": get_webhook_info,
    "logout": ok,
    "close": ok,
    "setmycommands": set_my_commands,
    "getmycommands": get_my_commands,
    "deletemycommands": delete_my_commands,
    "getfile": get_file,
    "setmydescription": set_description,
    "getmydescription": get_description,
    "setmyshortdescription": set_short_description,
    "getmyshortdescription": get_short_description,
}
