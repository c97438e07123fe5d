"""The letters screens in Telegram: choose a letter, give (or skip) details, preview, download.

Button data (all ids are pack ids of at most 32 characters, so every payload stays far below
Telegram's 64 bytes; no user text ever goes into a button):

* ``L:<letter>``            open a letter (ask missing details, then preview)
* ``Ls:<letter>:<field>``   skip the detail being asked
* ``Lr:<letter>``           re-enter my details for this letter
* ``Lp:<letter>`` / ``Ld:<letter>``   send the PDF / the DOCX
* ``Lw:<letter>:1`` / ``Lw:<letter>:0``  put the user's own words in the annex, or leave them out
* ``Lm:``                   my letter details (Settings: "change my details")
* ``Lc:<field>``            change one detail (asked like a letter's; then the list again)

Whether a detail is awaited is kept in the profile (so it survives a restart) and mirrored in
``chat_data`` so that the common case — no letter in progress — costs no database read.
"""

from __future__ import annotations

import datetime as dt
import html
import logging
from collections.abc import Awaitable, Callable

from telegram import Bot, InlineKeyboardButton, InlineKeyboardMarkup, InputFile
from telegram.ext import ContextTypes

from bot.formatting import split_message
from bot.letters.desk import (
    MAX_DETAIL,
    SETTINGS,
    DetailRejected,
    LetterBroken,
    LetterDesk,
    Pending,
)
from bot.letters.words import delivery_note, detail_label, detail_prompt
from bot.telegram import render as r
from bot.telegram.sender import Sender
from bot.telegram.texts import t
from storage import UserRow

logger = logging.getLogger(__name__)
Context = ContextTypes.DEFAULT_TYPE
KINDS = frozenset({"L", "Ls", "Lr", "Lp", "Ld", "Lw", "Lm", "Lc"})
PREVIEW_PART = 3000  # characters of preview per message; escaped, it stays under 4096
_WAITING = "letter_detail_awaited"  # chat_data key: True / False / absent (= not known yet)


class LetterScreens:
    def __init__(self, desk: LetterDesk) -> None:
        self.desk = desk
        self.after_file: Callable[[UserRow, str], Awaitable[list[r.Out]]] | None = None
        """Messages to send after a letter file (set by the channel)."""
        self.before_file: Callable[[Bot, UserRow], Awaitable[object]] | None = None
        """Work before a letter file is made (set by the channel)."""

    # -- the list ------------------------------------------------------------------------
    async def menu(self, user: UserRow) -> list[r.Out]:
        lang = user.language
        choices = await self.desk.choices(user)
        if not choices:
            return [r.Out(html.escape(t(lang, "letters_not_here"))), r.menu(lang)]
        if not await self.desk.has_reports(user):
            return [r.Out(html.escape(t(lang, "letters_none"))), r.menu(lang)]
        rows = [[InlineKeyboardButton(("\u2b50 " if c.suggested else "") + c.title,
                                      callback_data=f"L:{c.id}")] for c in choices]
        return [r.Out(html.escape(t(lang, "letters_menu")), InlineKeyboardMarkup(rows))]

    # -- buttons -------------------------------------------------------------------------
    async def on_button(self, kind: str, rest: str, context: Context, send: Sender,
                        user: UserRow) -> None:
        letter, _, field = rest.partition(":")
        if kind == "Lm" or (kind == "Ls" and letter == SETTINGS):
            if kind == "Ls" and await self.desk.pending(user) == Pending(SETTINGS, field):
                await self.desk.skip(user, Pending(SETTINGS, field))
            context.chat_data[_WAITING] = False
            await send.outs([await self.my_details(user)])
            return
        if kind == "Lc":
            if await self.desk.change_detail(user, rest):
                context.chat_data[_WAITING] = True
                await send.outs([self._ask_out(user, SETTINGS, rest)])
            else:
                await send.outs([await self.my_details(user)])
            return
        if not self.desk.letter_exists(user, letter):
            await send.outs([r.Out(html.escape(t(user.language, "letter_gone")))]
                            + await self.menu(user))
            return
        if kind in ("Lp", "Ld"):
            await self._send_file(send, user, letter, "pdf" if kind == "Lp" else "docx")
            return
        if kind == "Lw":
            await self.desk.choose_annex_words(user, letter, field == "1")
            await send.outs(await self._preview(user, letter))
            return
        if kind == "Lr":
            await self.desk.forget_details(user, self.desk.fields(user, letter))
            outs = await self._ask_or_show(context, user, letter,
                                           await self.desk.next_detail(user, letter))
        elif kind == "Ls":
            pending = await self.desk.pending(user)
            if pending is None or pending != Pending(letter, field):  # an old Skip button
                outs = await self._current(context, user, letter)
            else:
                outs = await self._ask_or_show(context, user, letter,
                                               await self.desk.skip(user, pending))
        else:
            outs = await self._ask_or_show(context, user, letter,
                                           await self.desk.next_detail(user, letter))
        await send.outs(outs)

    # -- typed details -------------------------------------------------------------------
    async def awaiting(self, context: Context, user: UserRow) -> Pending | None:
        """The detail awaited from this chat, if any; reads storage once per process."""
        if context.chat_data.get(_WAITING) is False:
            return None
        pending = await self.desk.pending(user)
        context.chat_data[_WAITING] = pending is not None
        return pending

    async def stop_waiting(self, context: Context, user: UserRow) -> None:
        """The user went elsewhere (menu, interview, command): stop treating text as a detail."""
        if await self.awaiting(context, user) is not None:
            await self.desk.ask(user, "", None)
            context.chat_data[_WAITING] = False

    async def on_text(self, text: str, pending: Pending, context: Context,
                      user: UserRow) -> list[r.Out]:
        lang = user.language
        try:
            following = await self.desk.give(user, pending, text)
        except DetailRejected as rejected:
            return [r.Out(html.escape(t(lang, rejected.reason, limit=str(MAX_DETAIL)))),
                    self.again(user, pending)]
        saved = r.Out(html.escape(t(lang, "detail_saved",
                                    label=detail_label(pending.field, lang))))
        if pending.letter == SETTINGS:
            context.chat_data[_WAITING] = False
            return [saved, await self.my_details(user)]
        return [saved] + await self._ask_or_show(context, user, pending.letter, following)

    async def my_details(self, user: UserRow) -> r.Out:
        """Settings' "my letter details": each detail given (or skipped), a button to change
        it. The values are the user's own, shown only to them."""
        lang = user.language
        details = await self.desk.my_details(user)
        if not details:
            return r.Out(html.escape(t(lang, "details_none")))
        lines = [t(lang, "details_list"), ""]
        lines += [t(lang, "detail_value", label=detail_label(field, lang),
                    value=value or t(lang, "detail_skipped")) for field, value in details]
        rows = [[InlineKeyboardButton(t(lang, "b_change", label=detail_label(field, lang)),
                                      callback_data=f"Lc:{field}")] for field, _ in details]
        return r.Out(html.escape("\n".join(lines)), InlineKeyboardMarkup(rows))

    def again(self, user: UserRow, pending: Pending) -> r.Out:
        """The awaited detail's question once more (after something we could not use)."""
        return self._ask_out(user, pending.letter, pending.field)

    # -- pieces --------------------------------------------------------------------------
    async def _current(self, context: Context, user: UserRow, letter: str) -> list[r.Out]:
        pending = await self.desk.pending(user)
        if pending is not None:
            context.chat_data[_WAITING] = True
            return [self._ask_out(user, pending.letter, pending.field)]
        return await self._ask_or_show(context, user, letter,
                                       await self.desk.next_detail(user, letter))

    async def _ask_or_show(self, context: Context, user: UserRow, letter: str,
                           field: str | None) -> list[r.Out]:
        await self.desk.ask(user, letter, field)
        context.chat_data[_WAITING] = field is not None
        if field is not None:
            return [self._ask_out(user, letter, field,
                                  await self.desk.hint(user, letter, field))]
        return await self._preview(user, letter)

    def _ask_out(self, user: UserRow, letter: str, field: str,
                 hint: str | None = None) -> r.Out:
        lang = user.language
        text = t(lang, "detail_ask", prompt=detail_prompt(field, lang, hint))
        skip = InlineKeyboardButton(t(lang, "b_skip"), callback_data=f"Ls:{letter}:{field}")
        return r.Out(html.escape(text), InlineKeyboardMarkup([[skip]]))

    async def _preview(self, user: UserRow, letter: str) -> list[r.Out]:
        lang = user.language
        try:
            preview = await self.desk.preview(user, letter)
        except LetterBroken:  # logged by the desk; say what still works
            return [r.Out(html.escape(t(lang, "letter_failed")))] + await self.menu(user)
        note = html.escape(delivery_note(lang, self._reviewed_on(user)))
        outs = [r.Out(f"{t(lang, 'letter_ready')}\n\n{note}")]
        # split before escaping, with room to spare, so no cut falls inside an HTML entity
        outs += [r.Out(html.escape(part)) for part in split_message(preview.split("\n\n"),
                                                                     PREVIEW_PART)]
        words = await self.desk.own_words(user, letter)
        if words:  # she sees her own words before they go in, and chooses
            included = (await self.desk.context(user, letter))["annex_words"]
            note = t(lang, "words_in") if included else t(
                lang, "words_out", words="\n".join(f"- {w}" for w in words))
            outs += [r.Out(html.escape(part)) for part in split_message(note.split("\n\n"),
                                                                         PREVIEW_PART)]
        buttons = [[InlineKeyboardButton(t(lang, "b_pdf"), callback_data=f"Lp:{letter}")],
                   [InlineKeyboardButton(t(lang, "b_docx"), callback_data=f"Ld:{letter}")]]
        if words:
            buttons.append([InlineKeyboardButton(
                t(lang, "b_words_out" if included else "b_words_in"),
                callback_data=f"Lw:{letter}:{0 if included else 1}")])
        if self.desk.fields(user, letter):
            buttons.append([InlineKeyboardButton(t(lang, "b_redo_details"),
                                                 callback_data=f"Lr:{letter}")])
        buttons.append([InlineKeyboardButton(t(lang, "b_other_letters"),
                                             callback_data="m:letters")])
        outs.append(r.Out(html.escape(t(lang, "letter_download")), InlineKeyboardMarkup(buttons)))
        return outs

    def _reviewed_on(self, user: UserRow) -> dt.date:
        pack = self.desk.service.pack_for(user)
        assert pack is not None
        return pack.data.pack.reviewed_on

    async def _send_file(self, send: Sender, user: UserRow, letter: str, kind: str) -> None:
        """The file, its caption saying what it is and that it is not legal advice (with the
        pack's review date): the letter itself carries no such note. A file that cannot be
        made is said so, with the other format and the other letters offered."""
        if self.before_file is not None:  # e.g. fetch kept files for their SHA-256
            await self.before_file(send.bot, user)
        try:
            name, data = await self.desk.file(user, letter, kind)
        except LetterBroken:  # logged by the desk; the text preview and the other format
            other = "docx" if kind == "pdf" else "pdf"
            buttons = [[InlineKeyboardButton(t(user.language, f"b_{other}"),
                                             callback_data=f"L{other[0]}:{letter}")],
                       [InlineKeyboardButton(t(user.language, "b_other_letters"),
                                             callback_data="m:letters")]]
            await send.outs([r.Out(html.escape(t(user.language, "letter_file_failed")),
                                   InlineKeyboardMarkup(buttons))])
            return
        pack = self.desk.service.pack_for(user)
        assert pack is not None
        title = pack.text(pack.data.letters[letter].title, user.language or "")
        note = delivery_note(user.language, self._reviewed_on(user))
        caption = html.escape(f"{title}\n\n{note}")
        await send.document(InputFile(data, filename=name), caption)
        logger.info("chat %s: letter sent (%s)", send.chat_id, kind)
        if self.after_file is not None:  # e.g. the follow-up reminders (bot/telegram/diary.py)
            await send.outs(await self.after_file(user, letter))
