"""What a Telegram user does, turned into the Update objects Telegram would deliver.

Every ``user_sends_*`` queues an update for getUpdates and returns its update_id; the
``build_update_json`` twin returns the same well-formed update without queueing it (for webhook
tests that POST it themselves). Sender keywords, accepted by every ``user_*`` method:
``user_id`` (defaults to chat_id in private chats), ``first_name="Test"``, ``last_name``,
``username``, ``language_code="en"``, ``chat_type="private"`` ("group"/"supergroup" too).
"""

from __future__ import annotations

import mimetypes
import secrets
from collections.abc import Callable
from typing import Any

from . import objects
from .models import BotMessage, UploadedFile
from .state import State, now

FAKE_JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00fake-photo\xff\xd9"
FAKE_OGG = b"OggS\x00\x02fake-voice"
FAKE_WEBP = b"RIFF\x10\x00\x00\x00WEBPfake-sticker"


class UserActions:
    """Mixin for FakeBotApi: inject what users do."""

    _state: State

    # -- public: queue updates ------------------------------------------------------------
    def user_sends_text(
        self,
        chat_id: int,
        text: str,
        *,
        user_id: int | None = None,
        first_name: str = "Test",
        language_code: str | None = "en",
        chat_type: str = "private",
        username: str | None = None,
        last_name: str | None = None,
    ) -> int:
        """A text message; "/start"-like commands carry bot_command entities as on Telegram."""
        return self._state.enqueue(self._text_update(
            chat_id, text, user_id=user_id, first_name=first_name, language_code=language_code,
            chat_type=chat_type, username=username, last_name=last_name))

    def user_sends_sticker(self, chat_id: int, *, emoji: str = "👍", **sender: Any) -> int:
        return self._state.enqueue(self._sticker_update(chat_id, emoji=emoji, **sender))

    def user_sends_photo(self, chat_id: int, *, data: bytes = FAKE_JPEG,
                         caption: str | None = None, **sender: Any) -> int:
        return self._state.enqueue(self._photo_update(chat_id, data=data, caption=caption,
                                                      **sender))

    def user_sends_voice(self, chat_id: int, *, duration: int = 3, data: bytes = FAKE_OGG,
                         **sender: Any) -> int:
        return self._state.enqueue(self._voice_update(chat_id, duration=duration, data=data,
                                                      **sender))

    def user_sends_location(self, chat_id: int, latitude: float = 55.7558,
                            longitude: float = 37.6173, **sender: Any) -> int:
        return self._state.enqueue(self._location_update(chat_id, latitude, longitude, **sender))

    def user_sends_document(self, chat_id: int, filename: str, data: bytes, *,
                            mime_type: str | None = None, caption: str | None = None,
                            **sender: Any) -> int:
        """A file the bot can fetch with getFile and download, byte for byte."""
        return self._state.enqueue(self._document_update(
            chat_id, filename, data, mime_type=mime_type, caption=caption, **sender))

    def user_presses_button(self, chat_id: int, message_id: int, callback_data: str, *,
                            check_button: bool = True, **sender: Any) -> int:
        """A callback_query on the bot's message (as it is now); its id awaits an answer.

        With ``check_button`` the message must carry a button with that callback_data, as a
        real user can only press what is there; use inject_update for impossible presses.
        """
        return self._state.enqueue(self._button_update(
            chat_id, message_id, callback_data, check_button=check_button, **sender))

    def inject_update(self, raw: dict[str, Any]) -> int:
        """Queue a raw update (kept as given; update_id assigned if absent), e.g. a duplicate."""
        self._remember_from(raw)
        return self._state.enqueue(dict(raw))

    def build_update_json(self, kind: str, chat_id: int, *args: Any, **kwargs: Any) -> dict:
        """A well-formed update without queueing it; kind: text, sticker, photo, voice,
        location, document or button, with the arguments of the matching ``user_*`` method."""
        builders: dict[str, Callable[..., dict[str, Any]]] = {
            "text": self._text_update, "sticker": self._sticker_update,
            "photo": self._photo_update, "voice": self._voice_update,
            "location": self._location_update, "document": self._document_update,
            "button": self._button_update,
        }
        if kind not in builders:
            raise ValueError(f"unknown update kind {kind!r}; one of {sorted(builders)}")
        return builders[kind](chat_id, *args, **kwargs)

    # -- builders -------------------------------------------------------------------------
    def _who(self, chat_id: int, *, user_id: int | None = None, first_name: str = "Test",
             language_code: str | None = "en", chat_type: str = "private",
             username: str | None = None,
             last_name: str | None = None) -> tuple[dict[str, Any], dict[str, Any]]:
        if chat_type == "private":
            if user_id not in (None, chat_id):
                raise ValueError("in a private chat the user's id is the chat id")
            user_id = chat_id
        elif user_id is None:
            user_id = abs(chat_id)
        user = objects.user_json(user_id, first_name, username=username, last_name=last_name,
                                 language_code=language_code)
        known = self._state.chats.get(chat_id)
        chat = known or objects.chat_json(chat_id, chat_type, first_name=first_name,
                                          last_name=last_name, username=username)
        self._state.remember_chat(chat)
        return chat, user

    def _message_update(self, chat_id: int, sender: dict[str, Any], **fields: Any) -> dict:
        chat, user = self._who(chat_id, **sender)
        msg = BotMessage(chat_id=chat["id"], message_id=self._state.new_message_id(chat["id"]),
                         date=now(), from_bot=False, sender=user, **fields)
        self._state.add_message(msg)
        return {"update_id": self._state.new_update_id(), "message": self._state.message_json(msg)}

    def _text_update(self, chat_id: int, text: str, **sender: Any) -> dict[str, Any]:
        return self._message_update(chat_id, sender, text=text, raw_text=text,
                                    entities=objects.command_entities(text))

    def _file_fields(self, kind: str, filename: str, data: bytes,
                     mime_type: str | None = None) -> tuple[Any, str]:
        mime = mime_type or mimetypes.guess_type(filename)[0] or "application/octet-stream"
        stored = self._state.store_file(UploadedFile(filename, mime, data), kind)
        return stored, stored.file_id

    def _sticker_update(self, chat_id: int, *, emoji: str = "👍", **sender: Any) -> dict:
        stored, file_id = self._file_fields("sticker", "sticker.webp", FAKE_WEBP, "image/webp")
        return self._message_update(chat_id, sender, file_id=file_id,
                                    extra={"sticker": objects.sticker_json(stored, emoji)})

    def _photo_update(self, chat_id: int, *, data: bytes = FAKE_JPEG,
                      caption: str | None = None, **sender: Any) -> dict:
        stored, file_id = self._file_fields("photo", "photo.jpg", data, "image/jpeg")
        return self._message_update(chat_id, sender, file_id=file_id, caption=caption,
                                    extra={"photo": objects.photo_json(stored)})

    def _voice_update(self, chat_id: int, *, duration: int = 3, data: bytes = FAKE_OGG,
                      **sender: Any) -> dict:
        stored, file_id = self._file_fields("voice", "voice.oga", data, "audio/ogg")
        return self._message_update(chat_id, sender, file_id=file_id,
                                    extra={"voice": objects.voice_json(stored, duration)})

    def _location_update(self, chat_id: int, latitude: float = 55.7558,
                         longitude: float = 37.6173, **sender: Any) -> dict:
        location = {"latitude": latitude, "longitude": longitude}
        return self._message_update(chat_id, sender, extra={"location": location})

    def _document_update(self, chat_id: int, filename: str, data: bytes, *,
                         mime_type: str | None = None, caption: str | None = None,
                         **sender: Any) -> dict:
        stored, file_id = self._file_fields("document", filename, data, mime_type)
        return self._message_update(chat_id, sender, file_id=file_id, caption=caption,
                                    document=stored.upload)

    def _button_update(self, chat_id: int, message_id: int, callback_data: str, *,
                       check_button: bool = True, **sender: Any) -> dict:
        msg = self._state.find_message(chat_id, message_id)
        if msg is None or not msg.from_bot:
            raise ValueError(f"no bot message {message_id} in chat {chat_id} to press a button on")
        if check_button and callback_data not in [b.get("callback_data") for b in msg.buttons()]:
            raise ValueError(f"message {message_id} has no button with data {callback_data!r}")
        _, user = self._who(chat_id, **sender)
        query_id = str(secrets.randbelow(9 * 10**18) + 10**18)
        self._state.callbacks[query_id] = False
        query = {"id": query_id, "from": user, "message": self._state.message_json(msg),
                 "chat_instance": objects.chat_instance(chat_id), "data": callback_data}
        return {"update_id": self._state.new_update_id(), "callback_query": query}

    def _remember_from(self, node: Any) -> None:
        """Make chats and callback queries inside a raw update known, as if Telegram saw them."""
        if isinstance(node, dict):
            chat = node.get("chat")
            if isinstance(chat, dict) and "id" in chat and "type" in chat:
                self._state.remember_chat(chat)
            query_id = node.get("id")
            if "chat_instance" in node and isinstance(query_id, str):
                self._state.callbacks.setdefault(query_id, False)
            for value in node.values():
                self._remember_from(value)
        elif isinstance(node, list):
            for value in node:
                self._remember_from(value)
