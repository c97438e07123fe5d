"""Engine replies and menus as (HTML text, inline keyboard) pairs; no network here.

Callback data are short ids built from node and option ids the pack validator keeps under 64
bytes; user text never goes into a button, and everything shown is HTML-escaped.
"""

from __future__ import annotations

import html
from dataclasses import dataclass

from telegram import InlineKeyboardMarkup

from bot.formatting import result_sections, split_message
from bot.telegram.keyboard import keyboard
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
    rows: list[tuple[tuple[str, str], ...]] = [
        ((("\u2705 " if choice.selected else "") + choice.label, f"c:{q.node}:{choice.id}"),)
        for choice in q.choices]
    if q.done_label:  # multi, tally and "here is what I understood" end with a Done button
        rows.append(((q.done_label, f"d:{q.node}"),))
    nav = []
    if q.can_skip:
        nav.append((q.skip_label, f"k:{q.node}"))
    if q.can_go_back:  # the node lets a Back on an old question be told from the current one
        nav.append((q.back_label, f"b:{q.node}"))
    if nav:
        rows.append(tuple(nav))
    rows.append(((q.why_label, "w"), (q.unsafe_label, "u")))
    return keyboard(tuple(rows))


def render(replies: tuple[Reply, ...] | list[Reply]) -> list[Out]:
    """Every reply as messages; a result is split at paragraph boundaries."""
    out: list[Out] = []
    for reply in replies:
        if isinstance(reply, Message):
            text = TONE_MARK.get(reply.tone, "") + html.escape(reply.text)
            out += [Out(part) for part in split_message(text.split("\n\n"), LIMIT)]
        elif isinstance(reply, Question):
            out.append(Out(question_text(reply), question_keyboard(reply)))
        elif isinstance(reply, Result):
            sections = result_sections(reply, escape=html.escape, bold=_bold)
            out += [Out(part) for part in split_message(sections, LIMIT)]
    return out


def question_text(q: Question) -> str:
    """The question, then how to answer it with buttons (the story and "what I understood"
    say "tap"); a long text is cut before escaping, so no HTML entity is ever cut in two."""
    hint = f"\n\n<i>{html.escape(q.tap_hint)}</i>" if q.tap_hint else ""
    text = q.text
    while len(html.escape(text)) + len(hint) > LIMIT:
        text = text[: max(0, len(text) - (len(html.escape(text)) + len(hint) - LIMIT) - 1)] + "…"
    return html.escape(text) + hint


def menu(language: str | None) -> Out:
    items = ("interview", "add", "diary", "rights", "letters", "unsafe", "settings")
    rows = tuple(((t(language, f"m_{item}"), f"m:{item}"),) for item in items)
    return Out(html.escape(t(language, "menu")), keyboard(rows))


def joined(first: str, out: Out) -> Out:
    """``first`` (HTML) as the opening paragraph of ``out``: one message instead of two, so the
    keyboard stays under the words that lead to it."""
    return Out(f"{first}\n\n{out.text}", out.markup)


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
    rows = tuple(((jurisdiction_name(j, packs, language), f"j:{j}"),) for j in ids)
    return Out(html.escape(t(language, "choose_jurisdiction")), keyboard(rows))


def first_screen(language: str | None) -> Out:
    """The first screen: the three languages, the one Telegram reports marked; then the region."""
    rows = tuple(((("\u2705 " if lang == (language or "en") else "") + LANGUAGE_NAMES[lang],
                   f"l:{lang}"),) for lang in LANGUAGES)
    return Out(html.escape(t(language, "first_screen")), keyboard(rows))


def language_chooser(language: str | None) -> Out:
    rows = tuple(((LANGUAGE_NAMES[lang], f"l:{lang}"),) for lang in LANGUAGES)
    return Out(html.escape(t(language, "choose_language")), keyboard(rows))


def settings_menu(language: str | None, jurisdiction: str) -> Out:
    rows = tuple(((t(language, key), data),) for key, data in (
        ("s_language", "m:language"), ("s_jurisdiction", "m:where"),
        ("s_details", "Lm:"), ("s_export", "m:export"), ("s_delete", "m:delete")))
    text = t(language, "settings", lang_name=LANGUAGE_NAMES.get(language or "en", "English"),
             jurisdiction=html.escape(jurisdiction))
    return Out(text, keyboard(rows))


def delete_confirm(language: str | None) -> Out:
    rows = (((t(language, "delete_yes"), "x:yes"),),)
    return Out(html.escape(t(language, "delete_confirm")), keyboard(rows))
