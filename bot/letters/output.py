"""Turn a letter context into what users get: a text to paste, a PDF and a DOCX.

The template gives the body; the evidence annex (the dated list of contacts) is added here,
as a real table in the files and as a bullet list in the pasted text, because complaint web
forms take text only.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

from babel import UnknownLocaleError

from bot.documents import AnnexTable, LetterDocument, document_filename, render_docx, render_pdf
from bot.letters.context import locale_of
from flows.letters import BLANK, LetterContext, letter_of, render_letter_text
from flows.pack import Pack


@dataclass(frozen=True, slots=True)
class _Words:
    """Fixed words around a letter, in the letter's language."""

    annex_title: str  # {count}
    columns: tuple[str, str, str, str, str, str]
    page_label: str
    footer: str


_WORDS = {
    "zh-Hans": _Words("附件：联系记录（共 {count} 次）", ("日期", "时间", "方式", "号码", "对方", "经过"),
                      "第 {page} 页，共 {pages} 页", "CallShield 草稿 — 不构成法律意见"),
    "zh-Hant": _Words("附件：聯繫記錄（共 {count} 次）", ("日期", "時間", "方式", "號碼", "對方", "經過"),
                      "第 {page} 頁，共 {pages} 頁", "CallShield 草稿 — 不構成法律意見"),
    "en": _Words("Annex: record of contacts ({count})",
                 ("Date", "Time", "Channel", "Number", "Who", "What happened"),
                 "Page {page} of {pages}", "CallShield draft — not legal advice"),
}
T = TypeVar("T")
_COLUMN_WIDTHS = (1.3, 0.75, 0.9, 1.4, 1.4, 3.6)

_NOTES = {  # shown above the preview when the letter is not in the chat's language
    "en": "{title}: this draft is written in {language}, the language of the people who "
          "receive it. Check the facts and fill in the blanks ({blank}) before you send it.",
    "zh-Hans": "{title}：这份草稿用{language}写成，这是收件方使用的语言。发送前请核对事实，"
               "并填写空白处（{blank}）。",
    "zh-Hant": "{title}：這份草稿用{language}寫成，這是收件方使用的語言。發送前請核對事實，"
               "並填寫空白處（{blank}）。",
}


def _pick(table: Mapping[str, T], language: str) -> T:
    """The entry for a language, its Chinese script, or English."""
    if language in table:
        return table[language]
    if language.startswith("zh"):
        return table["zh-Hant" if "Hant" in language or language.endswith(("TW", "HK"))
                     else "zh-Hans"]
    return table["en"]


def missing_fields(pack: Pack, letter_id: str, profile: Mapping[str, str]) -> list[str]:
    """The letter's fields the user has not given (the bot asks for these, each skippable)."""
    return [f for f in letter_of(pack, letter_id).fields if not (profile.get(f) or "").strip()]


def _annex_rows(context: LetterContext) -> tuple[tuple[str, ...], ...]:
    return tuple((i["date"], i["time"], i["channel"], i["number"], i["who"], i["what"])
                 for i in context["incidents"])


def letter_document(pack: Pack, letter_id: str, context: LetterContext,
                    root: Path | None = None) -> LetterDocument:
    """The letter as a document model for the PDF and DOCX renderers."""
    language = context["letter"]["language"]
    words = _pick(_WORDS, language)
    rows = _annex_rows(context)
    annex = AnnexTable(words.annex_title.format(count=len(rows)), words.columns, rows,
                       _COLUMN_WIDTHS) if rows else None
    return LetterDocument(
        title=context["letter"]["title"], language=language,
        body=render_letter_text(pack, letter_id, context, root), date_text=context["today"],
        annex=annex, footer_note=words.footer, page_label=words.page_label,
    )


def preview_text(pack: Pack, letter_id: str, context: LetterContext, chat_language: str,
                 root: Path | None = None) -> str:
    """Plain text to read in the chat and paste into a web form, annex included.

    When the letter is not in the chat's language, one note in the chat's language first says
    what the letter is and why it is written in the recipient's language.
    """
    language = context["letter"]["language"]
    parts: list[str] = []
    if chat_language != language:
        title = pack.text(letter_of(pack, letter_id).title, chat_language)
        name = locale_of(language).get_display_name(locale_of(_pick_language(chat_language)))
        parts.append(_pick(_NOTES, chat_language).format(title=title, language=name,
                                                         blank=BLANK))
    parts.append(render_letter_text(pack, letter_id, context, root).strip())
    rows = _annex_rows(context)
    if rows:
        words = _pick(_WORDS, language)
        lines = [f"# {words.annex_title.format(count=len(rows))}"]
        lines += ["- " + " | ".join(row) for row in rows]
        parts.append("\n".join(lines))
    return "\n\n".join(parts) + "\n"


def _pick_language(language: str) -> str:
    """A language Babel can name things in (the chat language, or English)."""
    try:
        locale_of(language)
    except (ValueError, UnknownLocaleError):
        return "en"
    return language


def _party(context: LetterContext) -> str | None:
    for value in (context["lender"], context["agency"]):
        if value != BLANK:
            return value
    return None


FORMATS = ("pdf", "docx")
"""The file formats a letter comes in: PDF to print or attach, DOCX to edit."""


def render_file(pack: Pack, letter_id: str, context: LetterContext, kind: str,
                root: Path | None = None) -> tuple[str, bytes]:
    """One file (``kind`` is "pdf" or "docx"), named like 投诉信-惠今金融-2026-11-28.pdf."""
    if kind not in FORMATS:
        raise ValueError(f"unknown letter format {kind!r}: use one of {', '.join(FORMATS)}")
    doc = letter_document(pack, letter_id, context, root)
    data = render_pdf(doc) if kind == "pdf" else render_docx(doc)
    return document_filename(doc.title, _party(context), context["date"], kind), data


def render_files(pack: Pack, letter_id: str, context: LetterContext,
                 root: Path | None = None) -> list[tuple[str, bytes]]:
    """The PDF and the DOCX, named like 投诉信-惠今金融-2026-11-28.pdf."""
    return [render_file(pack, letter_id, context, kind, root) for kind in FORMATS]


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
