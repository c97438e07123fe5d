"""Plain records the fake keeps, and hands to tests to look at what the bot did."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class UploadedFile:
    """A file as it crossed the wire: the part's filename, content type and exact bytes."""

    filename: str
    content_type: str
    data: bytes


@dataclass
class ApiCall:
    """One request the bot made. ``at`` is ``time.monotonic()`` when the request arrived.

    ``error`` is the description of the error reply (None when ok) and ``result`` the ``result``
    the fake answered with, so a test can assert the bot never made a call Telegram refuses.
    """

    method: str
    params: dict[str, Any]
    files: dict[str, UploadedFile]
    at: float
    http_method: str = "POST"
    status: int = 200
    error: str | None = None
    result: Any = None
    dropped: bool = False  # drop_next closed the connection unanswered
    abandoned: bool = False  # the client hung up first (e.g. PTB cancelled its long poll)

    @property
    def ok(self) -> bool:
        return self.error is None and not self.dropped


@dataclass
class StoredFile:
    """A file Telegram holds: reachable by file_id (getFile) and by file_path (download)."""

    file_id: str
    file_unique_id: str
    file_path: str
    upload: UploadedFile

    @property
    def size(self) -> int:
        return len(self.upload.data)


@dataclass
class BotMessage:
    """The current state of a message in a chat, after edits and deletions.

    ``text`` is what the user sees (HTML tags removed, entities decoded, trimmed) — the same as
    Telegram's ``Message.text``; ``raw_text`` is exactly what the bot sent, with its markup.
    ``reply_markup`` is the markup dict as sent (inline or reply keyboard). ``from_bot`` is False
    for messages the fake user sent (those only show with ``include_user=True``).
    """

    chat_id: int
    message_id: int
    date: int
    from_bot: bool = True
    text: str | None = None
    raw_text: str | None = None
    parse_mode: str | None = None
    entities: list[dict] = field(default_factory=list)
    caption: str | None = None
    caption_entities: list[dict] = field(default_factory=list)
    reply_markup: dict | None = None
    document: UploadedFile | None = None
    file_id: str | None = None
    extra: dict[str, Any] = field(default_factory=dict)
    deleted: bool = False
    edit_date: int | None = None
    sender: dict[str, Any] | None = None  # the User who sent it; None means the bot
    history: list[str | None] = field(default_factory=list)  # earlier texts, oldest first

    @property
    def inline_keyboard(self) -> list[list[dict]] | None:
        """The inline keyboard rows, if the message carries one."""
        if self.reply_markup and "inline_keyboard" in self.reply_markup:
            return self.reply_markup["inline_keyboard"]
        return None

    def buttons(self) -> list[dict]:
        """All inline buttons, flattened in reading order."""
        return [b for row in self.inline_keyboard or [] for b in row]
