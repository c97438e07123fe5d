"""The evidence diary in Telegram: quick add in three taps, files kept as evidence, the
timeline in short pages, the evidence report (PDF and CSV), deleting an entry, a contact
recognised in typed text offered for the record, and follow-up reminders after a letter.

Callback data (``D:…``) carry only fixed words, pack option ids and row ids, never user text:
``D:add`` → ``D:c:<channel>`` → ``D:w:<channel>:<when>``; ``D:v:<page>``; ``D:x`` (export);
``D:del`` → ``D:dq:<id>`` → ``D:dy:<id>``; ``D:py``/``D:pn`` (a proposal); ``D:r:<letter>:<kind>``
and ``D:rc:<id>`` (reminders). A stale button (an entry already deleted) answers kindly and
changes nothing.
"""

from __future__ import annotations

import asyncio
import html
import logging
from typing import Any

from telegram import Bot, InputFile, Message as TgMessage
from telegram.error import Forbidden
from telegram.ext import ContextTypes

from bot.diary import export, view
from bot.diary import record as rec
from bot.diary.book import WHENS, DiaryBook
from bot.diary.recognise import channel_option, people_options, recognise
from bot.diary.texts import TAP, d, lang_of
from bot.telegram import render as r
from bot.telegram.keyboard import keyboard
from bot.telegram.sender import Sender
from storage import NewAttachment, ReminderRow, UserRow

logger = logging.getLogger(__name__)
Context = ContextTypes.DEFAULT_TYPE
KIND = "D"
MAX_FETCH = 20 * 1024 * 1024
"""The Bot API's getFile limit: a larger file cannot be fetched again for a report."""
DELETE_LIST = 8


def tap(language: str | None) -> str:
    return TAP[lang_of(language)][0]


class DiaryScreens:
    def __init__(self, book: DiaryBook) -> None:
        self.book = book

    # -- pieces other screens use -------------------------------------------------------
    def buttons(self, language: str | None) -> r.Out:
        """'They called again' and 'My record' (under results and reminders)."""
        return r.Out("", keyboard((((d(language, "m_add"), "D:add"),),
                                   ((d(language, "m_diary"), "D:v:0"),))))

    async def after_result(self, user: UserRow) -> list[r.Out]:
        """The record's counts under the findings, with the two diary buttons."""
        record = await self.book.record(user)
        if not record.total:
            return []
        out = self.buttons(user.language)
        return [r.Out(html.escape(view.summary(record, user.language)), out.markup)]

    async def reminder_offer(self, user: UserRow, letter: str) -> list[r.Out]:
        """After a letter is downloaded: the pack's follow-ups for it, as buttons."""
        follow = self.book.follow_ups(user, letter)
        if not follow or any(x.letter_id == letter for x in await self.book.reminders(user)):
            return []
        pack = self.book.pack(user)
        assert pack is not None
        rows = tuple(((pack.text(f.offer, user.language or ""), f"D:r:{letter}:{f.kind}"),)
                     for f in follow)
        return [r.Out(html.escape(d(user.language, "reminder_offer")), keyboard(rows))]

    # -- typed text and files outside an interview --------------------------------------
    async def on_text(self, text: str, user: UserRow) -> list[r.Out] | None:
        """The optional words of a quick addition, or a new contact recognised: an offer to
        record it. None when the text is neither (the caller shows the menu)."""
        lang = user.language
        entry_id = await self.book.awaiting_note(user)
        if entry_id is not None:
            await self.book.await_note(user, None)
            if await self.book.set_note(user, entry_id, text.strip()[:4000]):
                return [r.Out(html.escape(d(lang, "note_saved")), self.buttons(lang).markup)]
        found = recognise(text)
        if found is None:
            return None
        pack = self.book.pack(user)
        assert pack is not None
        options = rec.channel_options(pack, lang or pack.default_language)
        channel = channel_option(found.kind, [o for o, _ in options])
        people = rec.third_party_options(pack, lang or pack.default_language)
        others = people_options(found.people, [o for o, _ in people])
        await self.book.propose(user, {"when": found.when, "channel": channel,
                                       "contacts": found.contacts, "third_parties": others,
                                       "text": text.strip()[:4000]})
        parts = [d(lang, f"w_{found.when}")]
        if channel:
            parts.append(dict(options)[channel])
        if found.contacts > 1:
            parts.append(f"\u00d7{found.contacts}")
        parts += [dict(people)[o] for o in others]
        rows = (((d(lang, "b_yes_add"), "D:py"), (d(lang, "b_no"), "D:pn")),)
        return [r.Out(html.escape(d(lang, "proposal", summary=", ".join(parts))),
                      keyboard(rows))]

    async def stop_waiting(self, user: UserRow) -> None:
        if await self.book.awaiting_note(user) is not None:
            await self.book.await_note(user, None)

    async def on_file(self, message: TgMessage, user: UserRow) -> list[r.Out]:
        """A photo, screenshot, voice message, audio file, video or document: evidence."""
        found = _attachment(message)
        if found is None:
            return []
        attachment, size = found
        entry_id, new = await self.book.attach(user, attachment, message.caption)
        lang = user.language
        kind = attachment.kind
        entries = await self.book.entries(user)
        day = next((e.occurred_day for e in entries if e.id == entry_id), "") or ""
        text = d(lang, "file_new_entry", kind=kind) if new else \
            d(lang, "file_kept", day=day, kind=kind)
        if size and size > MAX_FETCH:
            text += "\n\n" + d(lang, "file_too_big")
        return [r.Out(html.escape(text), self.buttons(lang).markup)]

    # -- buttons ------------------------------------------------------------------------
    async def on_button(self, rest: str, context: Context, send: Sender, user: UserRow,
                        pressed: int | None) -> None:
        lang = user.language
        parts = rest.split(":")
        head = parts[0]
        pack = self.book.pack(user)
        assert pack is not None
        if head == "add":
            options = rec.channel_options(pack, lang or pack.default_language)
            if not options:
                await send.outs([self._when_out(lang, "-")])
                return
            rows = tuple(((label, f"D:c:{option}"),) for option, label in options)
            await send.outs([r.Out(html.escape(d(lang, "add_channel")), keyboard(rows))])
        elif head == "c" and len(parts) == 2:
            await send.edit_then(pressed, [self._when_out(lang, parts[1])])
        elif head == "w" and len(parts) == 3 and parts[2] in WHENS and (
                parts[1] == "-" or parts[1] in dict(rec.channel_options(pack, lang or ""))):
            channel = None if parts[1] == "-" else parts[1]  # only the pack's own options
            when = parts[2]
            entry_id = await self.book.add_quick(user, channel, when)
            await self.book.await_note(user, entry_id)
            record = await self.book.record(user)
            label = rec.channel_label(pack, channel, lang or "") or "\u2014"
            text = d(lang, "added", when=d(lang, f"w_{when}"), channel=label,
                     total=record.total, days=record.days, **view.plurals(record))
            await send.edit_then(pressed, [r.Out(html.escape(text),
                                                 self.buttons(lang).markup)])
        elif head in ("v", "p"):  # v: open the record (a new message); p: turn a page
            number = int(parts[1]) if parts[1:] and parts[1].isdigit() else 0
            await self._page(send, user, number, pressed if head == "p" else None)
        elif head == "x":
            await self.export(context.bot, send, user)
        elif head == "del":
            await send.outs([await self._pick_delete(user)])
        elif head == "dq" and parts[1:] and parts[1].isdigit():
            await send.outs([await self._confirm_delete(user, int(parts[1]))])
        elif head == "dy" and parts[1:] and parts[1].isdigit():
            deleted = await self.book.delete(user, int(parts[1]))
            record = await self.book.record(user)
            text = d(lang, "deleted", total=record.total) if deleted else d(lang, "gone")
            await send.edit_then(pressed, [r.Out(html.escape(text),
                                                 self.buttons(lang).markup)])
        elif head == "py":
            entry_id = await self.book.accept_proposal(user)
            if entry_id is None:
                await send.edit_then(pressed, [r.Out(html.escape(d(lang, "gone")))])
                return
            text = d(lang, "proposal_added") + "\n\n" + \
                view.summary(await self.book.record(user), lang)
            await send.edit_then(pressed, [r.Out(html.escape(text), self.buttons(lang).markup)])
        elif head == "pn":
            await self.book.drop_proposal(user)
            await send.edit_then(pressed, [r.Out(html.escape(d(lang, "proposal_dropped"))),
                                           r.menu(lang)])
        elif head == "r" and len(parts) == 3:
            await self._remind(send, user, parts[1], parts[2], pressed)
        elif head == "rc" and parts[1:] and parts[1].isdigit():
            done = await self.book.cancel(user, int(parts[1]))
            await send.edit_then(pressed, [r.Out(html.escape(
                d(lang, "reminder_cancelled" if done else "reminder_gone")))])
        else:
            logger.info("chat %s: unknown diary button", send.chat_id)
            await send.outs([r.menu(lang)])

    async def show(self, send: Sender, user: UserRow) -> None:
        await self._page(send, user, 0, None)

    async def hash_files(self, bot: Bot, user: UserRow) -> int:
        """Fetch the kept files not yet hashed (for a letter's enclosures or the report)."""
        return await self.book.hash_files(user, lambda file_id: _download(bot, file_id))

    async def export(self, bot: Bot, send: Sender, user: UserRow) -> None:
        """The evidence report (PDF) and the CSV, after fetching files not yet hashed."""
        lang = user.language or "en"
        await self.hash_files(bot, user)
        entries = await self.book.entries(user)
        if not entries:
            await send.outs([self._empty(user.language)])
            return
        pack = self.book.pack(user)
        zone = self.book.zone_name(user)
        today = self.book.service.clock().astimezone(rec.zone(zone)).date()
        pdf = await asyncio.to_thread(export.to_pdf, entries, pack, lang, today=today,
                                      zone=zone)
        csv = export.to_csv(entries, pack, lang)
        stem = f"callshield-record-{today.isoformat()}"
        await send.document(InputFile(pdf, filename=f"{stem}.pdf"),
                            html.escape(d(lang, "export_caption")))
        await send.document(InputFile(csv, filename=f"{stem}.csv"),
                            html.escape(d(lang, "csv_caption")))
        await self.book.store.audit(user.id, "diary_exported", f"entries={len(entries)}")

    async def send_reminder(self, bot: Bot, user: UserRow, text: str, row: ReminderRow) -> None:
        """The reminder loop's sender (bot/diary/reminders.py); a blocked bot counts as sent."""
        out = self.buttons(user.language)
        try:
            await Sender(bot, int(user.external_id)).send(r.Out(html.escape(text), out.markup))
        except Forbidden:
            logger.info("reminder %s: the user blocked the bot", row.id)

    # -- helpers ------------------------------------------------------------------------
    def _when_out(self, lang: str | None, channel: str) -> r.Out:
        rows = tuple(((d(lang, f"w_{when}"), f"D:w:{channel}:{when}"),)
                     for when in ("now", "today", "yesterday"))
        return r.Out(html.escape(d(lang, "add_when")), keyboard(rows))

    def _empty(self, lang: str | None) -> r.Out:
        return r.Out(html.escape(d(lang, "empty", tap=tap(lang))),
                     keyboard((((d(lang, "m_add"), "D:add"),),)))

    async def _page(self, send: Sender, user: UserRow, number: int,
                    pressed: int | None) -> None:
        lang = user.language
        entries = await self.book.entries(user)
        if not entries:
            await send.outs([self._empty(lang)])
            return
        pages = view.pages(entries, self.book.pack(user), lang)
        number = min(max(number, 0), len(pages) - 1)
        text = pages[number]
        if len(pages) > 1:
            text += "\n\n" + d(lang, "page", n=number + 1, of=len(pages))
        nav = []
        if number + 1 < len(pages):
            nav.append((d(lang, "b_older"), f"D:p:{number + 1}"))
        if number > 0:
            nav.append((d(lang, "b_newer"), f"D:p:{number - 1}"))
        rows: list[tuple[tuple[str, str], ...]] = [tuple(nav)] if nav else []
        rows += [((d(lang, "b_add"), "D:add"),), ((d(lang, "b_export"), "D:x"),),
                 ((d(lang, "b_delete_some"), "D:del"),)]
        await send.edit_then(pressed, [r.Out(html.escape(text), keyboard(tuple(rows)))])

    async def _pick_delete(self, user: UserRow) -> r.Out:
        lang = user.language
        pack = self.book.pack(user)
        entries = list(reversed(await self.book.entries(user)))[:DELETE_LIST]
        if not entries:
            return self._empty(lang)
        rows = tuple(((_label(e, pack, lang), f"D:dq:{e.id}"),) for e in entries)
        return r.Out(html.escape(d(lang, "pick_delete")), keyboard(rows))

    async def _confirm_delete(self, user: UserRow, entry_id: int) -> r.Out:
        lang = user.language
        entry = next((e for e in await self.book.entries(user) if e.id == entry_id), None)
        if entry is None:
            return r.Out(html.escape(d(lang, "gone")))
        what = _label(entry, self.book.pack(user), lang)
        return r.Out(html.escape(d(lang, "delete_confirm", what=what)),
                     keyboard((((d(lang, "b_delete_yes"), f"D:dy:{entry_id}"),
                                (d(lang, "b_no"), "D:v:0")),)))

    async def _remind(self, send: Sender, user: UserRow, letter: str, kind: str,
                      pressed: int | None) -> None:
        from bot.diary.reminders import sane_hours

        lang = user.language
        made = await self.book.remind(user, letter, kind, sane_hours())
        if made is None:
            await send.edit_then(pressed, [r.Out(html.escape(d(lang, "reminder_gone")))])
            return
        reminder_id, due = made
        text = d(lang, "reminder_set", due=due.strftime("%Y-%m-%d %H:%M"), tap=tap(lang))
        await send.edit_then(pressed, [r.Out(html.escape(text), keyboard(
            (((d(lang, "b_cancel_reminder"), f"D:rc:{reminder_id}"),),)))])


def _label(entry: Any, pack: Any, lang: str | None) -> str:
    """A button label for an entry: its day, time and how (never the note or a number)."""
    when = entry.occurred_day or "?"
    if rec.local_hour(entry) is not None:
        when += " " + entry.occurred_at[11:16]
    channel = rec.channel_label(pack, entry.channel, lang or "")
    return f"{when} {channel}".strip()[:60]


def _attachment(message: TgMessage) -> tuple[NewAttachment, int | None] | None:
    if message.photo:
        photo = message.photo[-1]  # the largest size Telegram made
        return NewAttachment("photo", photo.file_id, None, "image/jpeg",
                             photo.file_size), photo.file_size
    for kind in ("voice", "audio", "video", "document"):
        item = getattr(message, kind, None)
        if item is not None:
            name = getattr(item, "file_name", None)
            return NewAttachment(kind, item.file_id, name, getattr(item, "mime_type", None),
                                 item.file_size), item.file_size
    return None


async def _download(bot: Bot, file_id: str) -> bytes:
    file = await bot.get_file(file_id)
    return bytes(await file.download_as_bytearray())
