"""Methods that send, edit and delete messages, with the checks the real server makes."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from . import content, errors
from .errors import bad_request, required
from .models import BotMessage, UploadedFile
from .state import State, now

Handler = Callable[[State, dict[str, Any]], Awaitable[Any]]
MAX_FILE = 50 * 1024 * 1024
CHAT_ACTIONS = frozenset({
    "typing", "upload_photo", "record_video", "upload_video", "record_voice", "upload_voice",
    "upload_document", "choose_sticker", "find_location", "record_video_note",
    "upload_video_note",
})


async def send_message(state: State, p: dict[str, Any]) -> dict[str, Any]:
    if p.get("chat_id") in (None, ""):
        raise required("chat_id")
    chat = state.writable_chat(p["chat_id"])
    text, entities = content.message_text(p.get("text"), p.get("parse_mode"), p.get("entities"),
                                          strict_ampersand=state.strict_ampersand)
    markup = content.check_reply_markup(p.get("reply_markup"))
    msg = BotMessage(chat_id=chat["id"], message_id=state.new_message_id(chat["id"]), date=now(),
                     text=text, raw_text=p["text"], parse_mode=p.get("parse_mode"),
                     entities=entities, reply_markup=markup)
    return state.message_json(state.add_message(msg))


def _message_to_edit(state: State, p: dict[str, Any]) -> BotMessage:
    if p.get("inline_message_id"):
        raise bad_request(errors.EDIT_NOT_FOUND)  # the fake never creates inline messages
    if p.get("chat_id") in (None, "") and p.get("message_id") in (None, ""):
        raise bad_request("message identifier is not specified")
    if p.get("chat_id") in (None, ""):
        raise required("chat_id")
    if p.get("message_id") in (None, ""):
        raise required("message_id")
    chat = state.chat(p["chat_id"])
    msg = state.find_message(chat["id"], p["message_id"])
    if msg is None:
        raise bad_request(errors.EDIT_NOT_FOUND)
    if not msg.from_bot:
        raise bad_request("message can't be edited")
    return msg


async def edit_message_text(state: State, p: dict[str, Any]) -> dict[str, Any]:
    msg = _message_to_edit(state, p)
    text, entities = content.message_text(p.get("text"), p.get("parse_mode"), p.get("entities"),
                                          strict_ampersand=state.strict_ampersand)
    markup = content.check_reply_markup(p.get("reply_markup"), inline_only=True)
    if msg.text is None:
        raise bad_request("there is no text in the message to edit")
    # Without reply_markup Telegram drops the inline keyboard, so that counts as a change.
    if (text, entities, markup) == (msg.text, msg.entities, content.inline_part(msg.reply_markup)):
        raise bad_request(errors.NOT_MODIFIED)
    msg.history.append(msg.raw_text)
    msg.text, msg.raw_text, msg.entities = text, p["text"], entities
    msg.parse_mode, msg.reply_markup, msg.edit_date = p.get("parse_mode"), markup, now()
    return state.message_json(msg)


async def edit_message_reply_markup(state: State, p: dict[str, Any]) -> dict[str, Any]:
    msg = _message_to_edit(state, p)
    markup = content.check_reply_markup(p.get("reply_markup"), inline_only=True)
    if markup == content.inline_part(msg.reply_markup):
        raise bad_request(errors.NOT_MODIFIED)
    msg.reply_markup = markup
    return state.message_json(msg)


async def delete_message(state: State, p: dict[str, Any]) -> bool:
    chat = state.chat(p["chat_id"])
    msg = state.find_message(chat["id"], p["message_id"])
    if msg is None:
        raise bad_request(errors.DELETE_NOT_FOUND)
    msg.deleted = True
    return True


def _document_upload(state: State, document: Any) -> tuple[UploadedFile, str | None]:
    """An uploaded file, or a file_id Telegram already holds (re-sent without upload)."""
    if isinstance(document, UploadedFile):
        if not document.data:
            raise bad_request("file must be non-empty")
        if len(document.data) > MAX_FILE:
            raise errors.ApiError(413, "Request Entity Too Large")
        return document, None
    if isinstance(document, str) and document.startswith(("http://", "https://")):
        raise bad_request(f"{errors.NOT_SUPPORTED}: sending a file by URL")
    stored = state.files.get(str(document))
    if stored is None:
        raise bad_request("wrong file identifier/HTTP URL specified")
    return stored.upload, stored.file_id


async def send_document(state: State, p: dict[str, Any]) -> dict[str, Any]:
    chat = state.writable_chat(p["chat_id"])
    upload, file_id = _document_upload(state, p["document"])
    caption, caption_entities = content.caption_text(
        p.get("caption"), p.get("parse_mode"), p.get("caption_entities"),
        strict_ampersand=state.strict_ampersand)
    markup = content.check_reply_markup(p.get("reply_markup"))
    if file_id is None:
        file_id = state.store_file(upload).file_id
    msg = BotMessage(chat_id=chat["id"], message_id=state.new_message_id(chat["id"]), date=now(),
                     caption=caption, caption_entities=caption_entities,
                     parse_mode=p.get("parse_mode"), reply_markup=markup, document=upload,
                     file_id=file_id)
    return state.message_json(state.add_message(msg))


async def send_chat_action(state: State, p: dict[str, Any]) -> bool:
    state.writable_chat(p["chat_id"])
    if p["action"] not in CHAT_ACTIONS:
        raise bad_request("wrong parameter action in request")
    return True


async def answer_callback_query(state: State, p: dict[str, Any]) -> bool:
    query_id = str(p["callback_query_id"])
    if state.callbacks.get(query_id, True):  # unknown or already answered
        raise bad_request(errors.QUERY_TOO_OLD)
    if len(str(p.get("text") or "")) > 200:
        raise bad_request("MESSAGE_TOO_LONG")
    state.callbacks[query_id] = True
    return True


HANDLERS: dict[str, Handler] = {
    "sendmessage": send_message,
    "editmessagetext": edit_message_text,
    "editmessagereplymarkup": edit_message_reply_markup,
    "deletemessage": delete_message,
    "senddocument": send_document,
    "sendchataction": send_chat_action,
    "answercallbackquery": answer_callback_query,
}
# sendMessage checks chat_id and text itself: text's missing/empty wording differs.
SKIP_REQUIRED: dict[str, tuple[str, ...]] = {"sendmessage": ("chat_id", "text")}
