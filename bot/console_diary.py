"""The evidence diary in the console: /diary (the timeline), /add (they contacted you again:
how, when, a few words), /attach PATH (a file kept as evidence), /export (the PDF evidence
report and the CSV, written into the letters folder), /forget N (delete entry N of /diary),
and a typed "they called again" outside an interview offered for the record.

The same :class:`~bot.diary.book.DiaryBook` as Telegram. Files here are local paths, so their
SHA-256 is computed when they are attached.
"""

from __future__ import annotations

import asyncio
import hashlib
import mimetypes
from collections.abc import Awaitable, Callable
from pathlib import Path

from bot.diary import export, view
from bot.diary import record as rec
from bot.diary.book import WHENS, DiaryBook
from bot.diary.recognise import channel_option, people_options, recognise
from bot.diary.texts import TAP, d, lang_of
from storage import NewAttachment, UserRow

Say = Callable[[str], None]
Read = Callable[[str], "str | None"]
Guard = Callable[[UserRow, str], Awaitable[bool]]
COMMANDS = {
    "/add": "they contacted you again: add it to your record (how, when, a few words)",
    "/diary": "your record of contacts, by day",
    "/attach": "keep a file as evidence, e.g. /attach ~/screenshot.png",
    "/export": "your record as a PDF evidence report and a CSV (written to the letters folder)",
    "/forget": "delete entry N of /diary, e.g. /forget 2",
}


def typed(text: str, language: str | None) -> str:
    """Telegram's "tap" is the console's "type"."""
    tap, type_ = TAP[lang_of(language)]
    return text.replace(tap, type_)


class ConsoleDiary:
    def __init__(self, book: DiaryBook, folder: Path, say: Say, read: Read,
                 guard: Guard) -> None:
        self.book = book
        self.folder = folder
        self.say = say
        self.read = read
        self.guard = guard

    async def command(self, user: UserRow, command: str, argument: str) -> bool:
        """Handle a diary command; False when ``command`` is not one."""
        if command == "/diary":
            await self.show(user)
        elif command == "/add":
            await self.add(user)
        elif command == "/attach":
            await self.attach(user, argument)
        elif command == "/export":
            await self.export(user)
        elif command == "/forget":
            await self.forget(user, argument)
        else:
            return False
        return True

    async def show(self, user: UserRow) -> None:
        entries = await self.book.entries(user)
        lang = user.language
        if not entries:
            self.say(typed(d(lang, "empty", tap=TAP[lang_of(lang)][1]), lang).replace(
                "\u201cThey called again\u201d", "/add"))
            return
        self.say("\n\n".join(view.pages(entries, self.book.pack(user), lang)))
        self.say("(/add · /attach PATH · /export · /forget N — N counts from the newest)")

    async def add(self, user: UserRow, *, note: str | None = None) -> None:
        lang = user.language
        pack = self.book.pack(user)
        assert pack is not None
        options = rec.channel_options(pack, lang or pack.default_language)
        channel = None
        if options:
            self.say(d(lang, "add_channel"))
            for number, (_, label) in enumerate(options, start=1):
                self.say(f"  {number}. {label}")
            channel = await self._pick([o for o, _ in options], user)
            if channel is False:
                return
        self.say(d(lang, "add_when"))
        for number, when in enumerate(WHENS, start=1):
            self.say(f"  {number}. {d(lang, f'w_{when}')}")
        when = await self._pick(list(WHENS), user)
        if when is False:
            return
        entry_id = await self.book.add_quick(user, channel or None, str(when), note=note)
        record = await self.book.record(user)
        text = d(lang, "added", when=d(lang, f"w_{when}"),
                 channel=rec.channel_label(pack, channel or None, lang or "") or "\u2014",
                 total=record.total, days=record.days, **view.plurals(record))
        self.say(text.split("\n\n")[0])
        self.say("A few words about it? (Enter skips) / 说说经过？（直接回车跳过）")
        line = self.read("> ")
        if line and line.strip() and not await self.guard(user, line):
            await self.book.set_note(user, entry_id, line.strip())
            self.say(d(lang, "note_saved"))

    async def offer(self, user: UserRow, text: str) -> bool:
        """A typed new contact outside an interview: offered, recorded only on "yes"."""
        found = recognise(text)
        if found is None:
            return False
        lang = user.language
        pack = self.book.pack(user)
        assert pack is not None
        options = rec.channel_options(pack, lang or pack.default_language)
        channel = channel_option(found.kind, [o for o, _ in options])
        people = rec.third_party_options(pack, lang or pack.default_language)
        others = people_options(found.people, [o for o, _ in people])
        parts = [d(lang, f"w_{found.when}")] + ([dict(options)[channel]] if channel else [])
        if found.contacts > 1:
            parts.append(f"\u00d7{found.contacts}")
        parts += [dict(people)[o] for o in others]
        self.say(d(lang, "proposal", summary=", ".join(parts)) + " (yes/no)")
        line = (self.read("> ") or "").strip().casefold()
        if line not in ("yes", "y", "是", "好", "要", "1"):
            self.say(d(lang, "proposal_dropped"))
            return True
        await self.book.add_quick(user, channel, found.when, note=text.strip(),
                                  contacts=found.contacts, third_parties=others)
        self.say(d(lang, "proposal_added") + " " +
                 view.summary(await self.book.record(user), lang))
        return True

    async def attach(self, user: UserRow, argument: str) -> None:
        path = Path(argument.strip()).expanduser()
        if not argument.strip() or not path.is_file():
            self.say("Give the path of a file, e.g. /attach ~/screenshot.png / 请给出文件路径。")
            return
        data = await asyncio.to_thread(path.read_bytes)
        mime = mimetypes.guess_type(path.name)[0]
        kind = "photo" if (mime or "").startswith("image/") else "audio" if (
            mime or "").startswith("audio/") else "video" if (mime or "").startswith(
            "video/") else "document"
        entry_id, new = await self.book.attach(user, NewAttachment(
            kind, str(path.resolve()), path.name, mime, len(data),
            hashlib.sha256(data).hexdigest()))
        entries = await self.book.entries(user)
        day = next((e.occurred_day for e in entries if e.id == entry_id), "") or ""
        lang = user.language
        self.say(d(lang, "file_new_entry", kind=kind) if new else
                 d(lang, "file_kept", day=day, kind=kind))

    async def export(self, user: UserRow) -> None:
        lang = user.language or "en"
        await self.book.hash_files(user, lambda file_id: asyncio.to_thread(
            Path(file_id).read_bytes))
        entries = await self.book.entries(user)
        if not entries:
            await self.show(user)
            return
        pack = self.book.pack(user)
        zone = self.book.zone_name(user)
        today = self.book.service.clock().astimezone(rec.zone(zone)).date()
        pdf = await asyncio.to_thread(export.to_pdf, entries, pack, lang, today=today,
                                      zone=zone)
        self.folder.mkdir(parents=True, exist_ok=True)
        stem = self.folder / f"callshield-record-{today.isoformat()}"
        stem.with_suffix(".pdf").write_bytes(pdf)
        stem.with_suffix(".csv").write_bytes(export.to_csv(entries, pack, lang))
        self.say(d(lang, "export_caption"))
        self.say(f"  {stem.with_suffix('.pdf')}\n  {stem.with_suffix('.csv')}")
        await self.book.store.audit(user.id, "diary_exported", f"entries={len(entries)}")

    async def forget(self, user: UserRow, argument: str) -> None:
        lang = user.language
        newest = list(reversed(await self.book.entries(user)))
        number = argument.strip()
        if not number.isdigit() or not 1 <= int(number) <= len(newest):
            self.say(f"Type /forget and a number from 1 to {len(newest)} (1 = the newest).")
            return
        entry = newest[int(number) - 1]
        what = f"{entry.occurred_day or '?'} " + view.entry_line(entry, self.book.pack(user),
                                                                lang)
        self.say(d(lang, "delete_confirm", what=what) + " (yes/no)")
        if (self.read("> ") or "").strip().casefold() not in ("yes", "y", "是", "确定", "確定"):
            self.say(d(lang, "not_deleted"))
            return
        await self.book.delete(user, entry.id)
        self.say(d(lang, "deleted", total=(await self.book.record(user)).total))

    async def _pick(self, values: list[str], user: UserRow) -> str | bool:
        while True:
            line = self.read("> ")
            if line is None or line.strip() in ("/cancel", "/quit"):
                return False
            if await self.guard(user, line):
                continue
            if line.strip().isdigit() and 1 <= int(line.strip()) <= len(values):
                return values[int(line.strip()) - 1]
            self.say(f"Please type a number from 1 to {len(values)}.")
