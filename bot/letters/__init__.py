"""Letters: a storage + engine view of a user's case turned into text, PDF and DOCX.

Telegram-free, so the console and tests use exactly what the bot sends. Typical use::

    context = build_context(pack, "regulator_complaint", incidents=rows, profile=profile,
                            today=date.today(), state_json=conversation.state_json)
    text = preview_text(pack, "regulator_complaint", context, chat_language="en")
    files = render_files(pack, "regulator_complaint", context)   # [(name, bytes), ...]
"""

from bot.letters.context import build_context
from bot.letters.output import (
    FORMATS,
    formal_title,
    letter_document,
    letter_text,
    missing_fields,
    preview_text,
    render_file,
    render_files,
    write_letter_files,
)

__all__ = [
    "FORMATS",
    "build_context",
    "formal_title",
    "letter_document",
    "letter_text",
    "missing_fields",
    "preview_text",
    "render_file",
    "render_files",
    "write_letter_files",
]
