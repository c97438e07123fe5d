"""Checks on what a message carries: text, caption and reply markup, as Telegram enforces them."""

from __future__ import annotations

from typing import Any

from . import errors
from .errors import bad_request
from .html_check import EntityParseError, parse_html, utf16_len

MAX_TEXT = 4096
MAX_CAPTION = 1024
MAX_BUTTONS = 100
TRIM = " \t\r\n"
BUTTON_ACTIONS = (
    "url", "callback_data", "web_app", "login_url", "switch_inline_query",
    "switch_inline_query_current_chat", "switch_inline_query_chosen_chat", "copy_text",
    "callback_game", "pay",
)


def apply_parse_mode(
    text: str, parse_mode: str | None, entities: Any, *, strict_ampersand: bool = True
) -> tuple[str, list[dict]]:
    """Turn sent text into (visible text, entities), trimmed as Telegram trims messages."""
    mode = (parse_mode or "").lower()
    if mode == "html":
        try:
            plain, found = parse_html(text, strict_ampersand=strict_ampersand)
        except EntityParseError as exc:
            raise bad_request(f"can't parse entities: {exc}") from None
    elif mode in ("", "markdown", "markdownv2"):
        # Markdown modes are accepted but not parsed by the fake (the bot uses HTML).
        plain, found = text, []
        if not mode and entities:
            if not isinstance(entities, list) or not all(isinstance(e, dict) for e in entities):
                raise bad_request("can't parse entities JSON object")
            found = [dict(e) for e in entities]
    else:
        raise bad_request("unsupported parse_mode")
    return _trim(plain, found)


def _trim(plain: str, entities: list[dict]) -> tuple[str, list[dict]]:
    stripped = plain.lstrip(TRIM)
    shift = utf16_len(plain) - utf16_len(stripped)
    stripped = stripped.rstrip(TRIM)
    total = utf16_len(stripped)
    kept = []
    for entity in entities:
        start = max(entity["offset"] - shift, 0)
        end = min(entity["offset"] + entity["length"] - shift, total)
        if end > start:
            kept.append({**entity, "offset": start, "length": end - start})
    return stripped, kept


def message_text(
    text: Any, parse_mode: str | None, entities: Any, *, strict_ampersand: bool = True
) -> tuple[str, list[dict]]:
    """Validate a message text: not empty, at most 4096 UTF-16 units after entity parsing."""
    if text is None or text == "":
        raise bad_request(errors.TEXT_EMPTY)
    plain, found = apply_parse_mode(str(text), parse_mode, entities,
                                    strict_ampersand=strict_ampersand)
    if not plain:
        raise bad_request(errors.TEXT_EMPTY)
    if utf16_len(plain) > MAX_TEXT:
        raise bad_request(errors.TEXT_TOO_LONG)
    return plain, found


def caption_text(
    caption: Any, parse_mode: str | None, entities: Any, *, strict_ampersand: bool = True
) -> tuple[str | None, list[dict]]:
    """Validate a caption: optional, at most 1024 UTF-16 units after entity parsing."""
    if caption is None or caption == "":
        return None, []
    plain, found = apply_parse_mode(str(caption), parse_mode, entities,
                                    strict_ampersand=strict_ampersand)
    if utf16_len(plain) > MAX_CAPTION:
        raise bad_request(errors.CAPTION_TOO_LONG)
    return plain or None, found


def check_reply_markup(markup: Any, *, inline_only: bool = False) -> dict | None:
    """Reject a keyboard Telegram would refuse; return the markup unchanged otherwise."""
    if markup is None:
        return None
    if not isinstance(markup, dict):
        raise bad_request("can't parse reply keyboard markup JSON object")
    if "inline_keyboard" in markup:
        _check_inline(markup["inline_keyboard"])
    elif inline_only:
        raise bad_request("can't parse inline keyboard markup JSON object")
    elif "keyboard" in markup:
        _check_reply_keyboard(markup["keyboard"])
    elif not ("remove_keyboard" in markup or "force_reply" in markup):
        raise bad_request("can't parse reply keyboard markup JSON object")
    return markup


def _rows(rows: Any, what: str) -> list[list[Any]]:
    if not isinstance(rows, list) or not all(isinstance(r, list) for r in rows):
        raise bad_request(f"can't parse {what} JSON object")
    if sum(len(r) for r in rows) > MAX_BUTTONS:
        raise bad_request("reply markup is too long")
    return rows


def _check_inline(rows: Any) -> None:
    for row in _rows(rows, "inline keyboard markup"):
        for button in row:
            if not isinstance(button, dict):
                raise bad_request("can't parse inline keyboard button: "
                                  "InlineKeyboardButton must be an Object")
            if not isinstance(button.get("text"), str):
                raise bad_request("can't parse inline keyboard button: "
                                  'Field "text" must be of type String')
            if not any(key in button for key in BUTTON_ACTIONS):
                raise bad_request("can't parse inline keyboard button: "
                                  "Text buttons are unallowed in the inline keyboard")
            if "callback_data" in button:
                data = button["callback_data"]
                if not isinstance(data, str) or not 1 <= len(data.encode("utf-8")) <= 64:
                    raise bad_request(errors.BUTTON_DATA_INVALID)


def _check_reply_keyboard(rows: Any) -> None:
    for row in _rows(rows, "keyboard markup"):
        for button in row:
            text = button if isinstance(button, str) else (
                button.get("text") if isinstance(button, dict) else None)
            if not isinstance(text, str):
                raise bad_request("can't parse keyboard button: "
                                  'Field "text" must be of type String')


def inline_part(markup: dict | None) -> dict | None:
    """What Telegram keeps (and echoes) of a message's markup: only an inline keyboard."""
    if markup and "inline_keyboard" in markup:
        return markup
    return None
