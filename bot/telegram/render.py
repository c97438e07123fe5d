"""Engine replies and menus as (HTML text, inline keyboard) pairs; no network here.

Callback data are short ids built from node and option ids the pack validator keeps under 64
bytes; user text never goes into a button, and everything shown is HTML-escaped.
"""

from __future__ import annotations

import html
from dataclasses import dataclass

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot.formatting import result_sections, split_message
from bot.telegram.texts import JURISDICTION_NAMES, LANGUAGE_NAMES, LANGUAGES, t
from flows import Message, Pack, Question, Reply, Result

LIMIT = 4096
TONE_MARK = {"safety": "\u26a0\ufe0f ", "warning": "\u2757 ", "notice": "\u2139\ufe0f "}


@dataclass(frozen=True, slots=True)
class Out:
    """One message to send (or to edit into the pressed message)."""

    text: str
    markup: InlineKeyboardMarkup | None = None


def _bold(text: str) -> str:
    return f"<b>{text}</b>"


def question_keyboard(q: Question) -> InlineKeyboardMarkup:
    rows: list[list[InlineKeyboardButton]] = []
    for choice in q.choices:
        mark = "\u2705 " if choice.selected else ""
        rows.append([InlineKeyboardButton(mark + choice.label,
                                          callback_data=f"c:{q.node}:{choice.id}")])
    if q.kind == "multi":
        rows.append([InlineKeyboardButton(q.done_label or "Done", callback_data=f"d:{q.node}")])
    nav = []
    if q.can_skip:
        nav.append(InlineKeyboardButton(q.skip_label, callback_data=f"k:{q.node}"))
    if q.can_go_back:
        nav.append(InlineKeyboardButton(q.back_label, callback_data="b"))
    if nav:
        rows.append(nav)
    rows.append([InlineKeyboardButton(q.why_label, callback_data="w"),
                 InlineKeyboardButton(q.unsafe_label, callback_data="u")])
    return InlineKeyboardMarkup(rows)


def render(replies: tuple[Reply, ...] | list[Reply]) -> list[Out]:
    """Every reply as messages; a result is split at paragraph boundaries."""
    out: list[Out] = []
    for reply in replies:
        if isinstance(reply, Message):
            text = TONE_MARK.get(reply.tone, "") + html.escape(reply.text)
            out += [Out(part) for part in split_message(text.split("\n\n"), LIMIT)]
        elif isinstance(reply, Question):
            out.append(Out(html.escape(reply.text)[:LIMIT], question_keyboard(reply)))
        elif isinstance(reply, Result):
            sections = result_sections(reply, escape=html.escape, bold=_bold)
            out += [Out(part) for part in split_message(sections, LIMIT)]
    return out


def menu(language: str | None) -> Out:
    items = ("interview", "rights", "letters", "unsafe", "settings")
    rows = [[InlineKeyboardButton(t(language, f"m_{item}"), callback_data=f"m:{item}")]
            for item in items]
    return Out(html.escape(t(language, "menu")), InlineKeyboardMarkup(rows))


def jurisdiction_name(jurisdiction: str, packs: dict[str, Pack], language: str | None) -> str:
    names = JURISDICTION_NAMES.get(jurisdiction)
    if names:
        return names.get(language or "en", names["en"])
    pack = packs.get(jurisdiction)
    return pack.text(pack.data.pack.name, language or "en") if pack else jurisdiction


def jurisdiction_chooser(packs: dict[str, Pack], language: str | None) -> Out:
    """Only jurisdictions whose pack is loaded can be chosen."""
    order = {"cn": 0, "us": 1, "elsewhere": 2}
    ids = sorted(packs, key=lambda j: (order.get(j, 9), j))
    rows = [[InlineKeyboardButton(jurisdiction_name(j, packs, language), callback_data=f"j:{j}")]
            for j in ids]
    return Out(html.escape(t(language, "choose_jurisdiction")), InlineKeyboardMarkup(rows))


def language_chooser(language: str | None) -> Out:
    rows = [[InlineKeyboardButton(LANGUAGE_NAMES[lang], callback_data=f"l:{lang}")]
            for lang in LANGUAGES]
    return Out(html.escape(t(language, "choose_language")), InlineKeyboardMarkup(rows))


def settings_menu(language: str | None, jurisdiction: str) -> Out:
    rows = [[InlineKeyboardButton(t(language, "s_language"), callback_data="m:language")],
            [InlineKeyboardButton(t(language, "s_jurisdiction"), callback_data="m:where")],
            [InlineKeyboardButton(t(language, "s_export"), callback_data="m:export")],
            [InlineKeyboardButton(t(language, "s_delete"), callback_data="m:delete")]]
    text = t(language, "settings", lang_name=LANGUAGE_NAMES.get(language or "en", "English"),
             jurisdiction=html.escape(jurisdiction))
    return Out(text, InlineKeyboardMarkup(rows))


def delete_confirm(language: str | None) -> Out:
    button = InlineKeyboardButton(t(language, "delete_yes"), callback_data="x:yes")
    return Out(html.escape(t(language, "delete_confirm")), InlineKeyboardMarkup([[button]]))
