"""Telegram JSON objects (User, Chat, Message, Document, File, ...) built with the spec's names.

Only fields Telegram really fills are present, and optional ones are omitted rather than null,
because the real server never sends nulls and PTB's de_json must see the same shapes in tests.
"""

from __future__ import annotations

import re
from typing import Any

from .html_check import utf16_len
from .models import BotMessage, StoredFile

COMMAND_RE = re.compile(r"(?<![\w/])/[A-Za-z0-9_]{1,64}(?:@[A-Za-z0-9_]{3,32})?")


def user_json(
    user_id: int,
    first_name: str,
    *,
    is_bot: bool = False,
    username: str | None = None,
    last_name: str | None = None,
    language_code: str | None = None,
) -> dict[str, Any]:
    user: dict[str, Any] = {"id": user_id, "is_bot": is_bot, "first_name": first_name}
    if last_name:
        user["last_name"] = last_name
    if username:
        user["username"] = username
    if language_code and not is_bot:
        user["language_code"] = language_code
    return user


def bot_user_json(bot_id: int, username: str, first_name: str) -> dict[str, Any]:
    """What getMe answers: the bot's User with its capability flags."""
    return {
        **user_json(bot_id, first_name, is_bot=True, username=username),
        "can_join_groups": True,
        "can_read_all_group_messages": False,
        "supports_inline_queries": False,
        "can_connect_to_business": False,
        "has_main_web_app": False,
    }


def chat_json(
    chat_id: int,
    chat_type: str,
    *,
    first_name: str | None = None,
    last_name: str | None = None,
    username: str | None = None,
    title: str | None = None,
) -> dict[str, Any]:
    chat: dict[str, Any] = {"id": chat_id, "type": chat_type}
    if chat_type == "private":
        chat["first_name"] = first_name or "Test"
        if last_name:
            chat["last_name"] = last_name
    else:
        chat["title"] = title or "Test group"
    if username:
        chat["username"] = username
    return chat


def command_entities(text: str) -> list[dict[str, Any]]:
    """bot_command entities, as Telegram adds them to incoming "/start"-like messages."""
    return [
        {"type": "bot_command", "offset": utf16_len(text[: m.start()]),
         "length": utf16_len(m.group())}
        for m in COMMAND_RE.finditer(text)
    ]


def document_json(stored: StoredFile) -> dict[str, Any]:
    return {
        "file_name": stored.upload.filename,
        "mime_type": stored.upload.content_type,
        "file_id": stored.file_id,
        "file_unique_id": stored.file_unique_id,
        "file_size": stored.size,
    }


def photo_json(stored: StoredFile, width: int = 800, height: int = 600) -> list[dict[str, Any]]:
    """Telegram sends several sizes; two are enough for a handler picking ``photo[-1]``."""
    small = {"file_id": stored.file_id + "s", "file_unique_id": stored.file_unique_id + "s",
             "file_size": stored.size, "width": width // 10, "height": height // 10}
    large = {"file_id": stored.file_id, "file_unique_id": stored.file_unique_id,
             "file_size": stored.size, "width": width, "height": height}
    return [small, large]


def voice_json(stored: StoredFile, duration: int) -> dict[str, Any]:
    return {"duration": duration, "mime_type": stored.upload.content_type,
            "file_id": stored.file_id, "file_unique_id": stored.file_unique_id,
            "file_size": stored.size}


def sticker_json(stored: StoredFile, emoji: str) -> dict[str, Any]:
    return {"width": 512, "height": 512, "emoji": emoji, "set_name": "TestStickers",
            "is_animated": False, "is_video": False, "type": "regular",
            "file_id": stored.file_id, "file_unique_id": stored.file_unique_id,
            "file_size": stored.size}


def file_json(stored: StoredFile) -> dict[str, Any]:
    return {"file_id": stored.file_id, "file_unique_id": stored.file_unique_id,
            "file_size": stored.size, "file_path": stored.file_path}


def message_json(
    msg: BotMessage, chat: dict[str, Any], sender: dict[str, Any], stored: StoredFile | None
) -> dict[str, Any]:
    """The Message object for a stored message, in its current (edited) state."""
    out: dict[str, Any] = {"message_id": msg.message_id, "from": sender, "chat": chat,
                           "date": msg.date}
    if msg.edit_date:
        out["edit_date"] = msg.edit_date
    if msg.text is not None:
        out["text"] = msg.text
        if msg.entities:
            out["entities"] = msg.entities
    if stored is not None and msg.document is not None:
        out["document"] = document_json(stored)
    out.update(msg.extra)
    if msg.caption:
        out["caption"] = msg.caption
        if msg.caption_entities:
            out["caption_entities"] = msg.caption_entities
    if msg.reply_markup and "inline_keyboard" in msg.reply_markup:
        out["reply_markup"] = {"inline_keyboard": msg.reply_markup["inline_keyboard"]}
    return out


def webhook_info_json(webhook: dict[str, Any], pending: int) -> dict[str, Any]:
    info: dict[str, Any] = {"url": webhook.get("url", ""), "has_custom_certificate": False,
                            "pending_update_count": pending}
    if webhook.get("url"):
        info["max_connections"] = webhook.get("max_connections") or 40
        if webhook.get("ip_address"):
            info["ip_address"] = webhook["ip_address"]
        if webhook.get("allowed_updates"):
            info["allowed_updates"] = webhook["allowed_updates"]
    return info


def chat_instance(chat_id: int) -> str:
    """A stable per-chat opaque string, like CallbackQuery.chat_instance."""
    return str((chat_id * 2654435761 + 97) % 10**19 - 5 * 10**18)
