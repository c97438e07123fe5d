"""Turn a letter context into what users get: a text to paste, a PDF and a DOCX.

The template gives the body, bot/letters/layout.py the letter around it. The evidence annex
(the dated list of contacts) is added after the body, as a real table in the files and as a
plain list in the pasted text, because complaint web forms take text only. A letter with a
``form:`` is pasted field by field, in the form's order.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

from babel import UnknownLocaleError

from bot.documents import document_filename, render_docx, render_pdf
from bot.documents.markup import plain_text
from bot.letters.context import locale_of
from bot.letters.layout import (
    annex_rows,
    document_text,
    formal_title,
    letter_document,
    signature_text,
)
from bot.letters.parties import party_fields
from flows.letters import LetterContext as _Context
from bot.letters.style import pick, style_for
from flows.letterform import form_values
from flows.letters import BLANK, LetterContext, environment, letter_of, render_letter_text
from flows.pack import Pack

_NOTES = {  # shown above the preview when the letter is not in the chat's language
    "en": "{title}: this draft is written in {language}, the language of the people who "
          "receive it. Check the facts and fill in the blanks ({blank}) before you send it.",
    "zh-Hans": "{title}：这份草稿用{language}写成，这是收件方使用的语言。发送前请核对事实，"
               "并填写空白处（{blank}）。",
    "zh-Hant": "{title}：這份草稿用{language}寫成，這是收件方使用的語言。發送前請核對事實，"
               "並填寫空白處（{blank}）。",
}


def wanted_fields(pack: Pack, letter_id: str, context: _Context | None = None) -> list[str]:
    """The details this letter prints: the sender's (``fields:``), then those of the party
    the answers address it to (its ``addressee: ask:``; a name the pack fixes is not asked)."""
    letter = letter_of(pack, letter_id)
    party = context["addressee"] if context is not None else None
    kind = party["type"] if party and party["type"] else None
    return [*letter.fields, *party_fields(letter, kind, bool(party and party["fixed"]))]


def missing_fields(pack: Pack, letter_id: str, profile: Mapping[str, str],
                   context: _Context | None = None) -> list[str]:
    """The letter's details the user has not given (see :func:`wanted_fields`). The bot asks
    for these, each skippable."""
    return [f for f in wanted_fields(pack, letter_id, context)
            if not (profile.get(f) or "").strip()]


def preview_text(pack: Pack, letter_id: str, context: LetterContext, chat_language: str,
                 root: Path | None = None) -> str:
    """Plain text to read in the chat and paste into a web form, annex included: no markup.

    When the letter is not in the chat's language, one note in the chat's language first says
    what the letter is and why it is written in the recipient's language. A letter with a
    ``form:`` gives the form's fields in order, each label on its own line above its text.
    """
    language = context["letter"]["language"]
    letter = letter_of(pack, letter_id)
    parts: list[str] = []
    if chat_language != language:
        title = pack.text(letter.title, chat_language)
        name = locale_of(language).get_display_name(locale_of(_pick_language(chat_language)))
        parts.append(pick(_NOTES, chat_language).format(title=title, language=name,
                                                        blank=BLANK))
    if letter.form is not None:
        parts += form_parts(pack, letter_id, context, root)
    else:
        parts.append(plain_text(render_letter_text(pack, letter_id, context, root)))
        parts.append(signature_text(context))
    rows = annex_rows(context)
    if rows:
        words = style_for(language)
        lines = [words.annex_title.format(count=len(rows))]
        lines += ["- " + " | ".join(row) for row in rows]
        parts.append("\n".join(lines))
    return "\n\n".join(part.strip() for part in parts if part.strip()) + "\n"


def form_parts(pack: Pack, letter_id: str, context: LetterContext,
               root: Path | None = None) -> list[str]:
    """The form's name, then each field as "label：" above its text (markup removed)."""
    from flows.loader import templates_dir  # the loader imports flows.letters

    letter = letter_of(pack, letter_id)
    assert letter.form is not None
    language = context["letter"]["language"]
    style = style_for(language)
    folder = root or pack.templates or templates_dir()  # a release renders from its snapshot
    values = form_values(environment(Path(folder).resolve()), letter, context)
    colon = "：" if language.startswith("zh") else ":"
    parts = [style.form_intro.format(form=pack.text(letter.form.name, language))]
    for field, value in zip(letter.form.fields, values, strict=True):
        if field.block is not None and not value:
            continue  # the template left this field out for this person (e.g. no loan of theirs)
        parts.append(f"{pack.text(field.label, language)}{colon}\n{plain_text(value) or BLANK}")
    return parts


def _pick_language(language: str) -> str:
    """A language Babel can name things in (the chat language, or English)."""
    try:
        locale_of(language)
    except (ValueError, UnknownLocaleError):
        return "en"
    return language


FORMATS = ("pdf", "docx")
"""The file formats a letter comes in: PDF to print or attach, DOCX to edit."""


def file_stem(pack: Pack, letter_id: str) -> str:
    """The letter's short file name: its ``file_name:``, else its id with hyphens."""
    return letter_of(pack, letter_id).file_name or letter_id.replace("_", "-")


def render_file(pack: Pack, letter_id: str, context: LetterContext, kind: str,
                root: Path | None = None) -> tuple[str, bytes]:
    """One file (``kind`` is "pdf" or "docx"), named like 报案材料-2026-11-28.pdf."""
    if kind not in FORMATS:
        raise ValueError(f"unknown letter format {kind!r}: use one of {', '.join(FORMATS)}")
    doc = letter_document(pack, letter_id, context, root)
    data = render_pdf(doc) if kind == "pdf" else render_docx(doc)
    return document_filename(file_stem(pack, letter_id), None, context["date"], kind), data


def render_files(pack: Pack, letter_id: str, context: LetterContext,
                 root: Path | None = None) -> list[tuple[str, bytes]]:
    """The PDF and the DOCX, with the same name but for the extension."""
    return [render_file(pack, letter_id, context, kind, root) for kind in FORMATS]


def letter_text(pack: Pack, letter_id: str, context: LetterContext,
                root: Path | None = None) -> str:
    """The whole letter as plain text: sender, addressee, title, body, signature, annex."""
    return document_text(letter_document(pack, letter_id, context, root))


def write_letter_files(folder: Path, pack: Pack, letter_id: str, context: LetterContext,
                       root: Path | None = None) -> list[Path]:
    """Write the files into ``folder`` (created if needed) for the console; their paths."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for name, data in render_files(pack, letter_id, context, root):
        path = folder / name
        path.write_bytes(data)
        paths.append(path)
    return paths


__all__ = ["FORMATS", "formal_title", "letter_document", "letter_text", "missing_fields",
           "preview_text", "render_file", "render_files", "write_letter_files"]
