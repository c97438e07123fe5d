"""Letters in the console: list them, ask the details (Enter skips), print, write the files.

The same :class:`~bot.letters.desk.LetterDesk` as Telegram, so both channels offer the same
letters in the same order and store the same details; here the PDF and the DOCX are written
into a folder and their paths printed, instead of being sent.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from pathlib import Path

from bot.letters.desk import (
    MAX_DETAIL,
    SETTINGS,
    DetailRejected,
    LetterBroken,
    LetterDesk,
    Pending,
)
from bot.letters.words import delivery_note, detail_label, detail_prompt
from storage import UserRow

Say = Callable[[str], None]
Read = Callable[[str], "str | None"]
Guard = Callable[[UserRow, str, str], Awaitable[bool]]


class ConsoleLetters:
    def __init__(self, desk: LetterDesk, folder: Path, say: Say, read: Read,
                 guard: Guard) -> None:
        self.desk = desk
        self.folder = folder
        self.say = say
        self.read = read
        self.guard = guard

    async def list(self, user: UserRow) -> None:
        choices = await self.desk.choices(user)
        if not choices:
            self.say("We have no letters for this region yet. / 这个地区暂时没有信件模板。")
            return
        if not await self.desk.has_reports(user):
            self.say("Finish a report first: a letter is built from what you reported. "
                     "/ 请先完成一次记录：信件根据您记录的内容起草。")
            return
        self.say("Letters drafted from your reports (* fits your last report):")
        for number, choice in enumerate(choices, start=1):
            self.say(f"  {number}. {'* ' if choice.suggested else ''}{choice.title}")
        self.say("Type /letter and a number, e.g. /letter 1. / 输入 /letter 加编号。")

    async def draft(self, user: UserRow, argument: str) -> None:
        choices = await self.desk.choices(user)
        text = argument.strip()
        ids = [c.id for c in choices]
        if text.isdigit() and 1 <= int(text) <= len(choices):
            letter = ids[int(text) - 1]
        elif text in ids:
            letter = text
        else:
            self.say("Which letter? Type /letters to see the list. / 请先输入 /letters 查看列表。")
            return
        if not await self.desk.has_reports(user):
            await self.list(user)
            return
        if not await self._ask_details(user, letter):
            return
        self.say("")
        try:
            self.say(await self.desk.preview(user, letter))
        except LetterBroken:
            self.say("Sorry, we could not draft this letter (our mistake, now noted without "
                     "your details). Try another letter (/letters) or see /rights. / "
                     "抱歉，这封信暂时无法起草。请试试其他信件（/letters）或查看 /rights。")
            return
        try:
            paths = await self.desk.write(user, letter, self.folder)
        except LetterBroken:
            self.say("Sorry, the PDF/DOCX files could not be made; the text above still works: "
                     "copy it. / 抱歉，文件无法生成；上面的文字仍可复制使用。")
            return
        await self._show_words(user, letter)
        self.say("Files written / 文件已保存:")
        for path in paths:
            self.say(f"  {path}")
        pack = self.desk.service.pack_for(user)
        if pack is not None:  # the letter carries no such note: it is said here
            self.say(delivery_note(user.language, pack.data.pack.reviewed_on))

    async def details(self, user: UserRow, argument: str) -> None:
        """"Change my details": list them; ``/details N`` asks detail N again (Enter skips)."""
        lang = user.language
        details = await self.desk.my_details(user)
        if not details:
            self.say("No letter details yet: a letter asks for them once. / 还没有填写信件信息。")
            return
        text = argument.strip()
        if text.isdigit() and 1 <= int(text) <= len(details):
            field = details[int(text) - 1][0]
            await self.desk.change_detail(user, field)
            self.say(f"{detail_label(field, lang)}: {detail_prompt(field, lang)}")
            line = self.read(f"  (Enter = skip, at most {MAX_DETAIL} characters) > ")
            pending = Pending(SETTINGS, field)
            if line is None:
                await self.desk.ask(user, SETTINGS, None)
                return
            if not line.strip():
                await self.desk.skip(user, pending)
            elif not await self.guard(user, line, "letter_detail"):
                try:
                    await self.desk.give(user, pending, line)
                except DetailRejected:
                    self.say(f"That is longer than {MAX_DETAIL} characters; nothing changed.")
                    await self.desk.ask(user, SETTINGS, None)
            details = await self.desk.my_details(user)
        self.say("Your letter details (/details N to change one) / 您的信件信息：")
        for number, (field, value) in enumerate(details, start=1):
            self.say(f"  {number}. {detail_label(field, lang)}: {value or '(skipped / 已跳过)'}")

    async def words(self, user: UserRow, argument: str) -> None:
        """``/words N yes|no``: the user's own descriptions in letter N's record, or not (for
        every letter to the same kind of party); shown first."""
        number, _, answer = argument.strip().partition(" ")
        ids = [c.id for c in await self.desk.choices(user)]
        if not (number.isdigit() and 1 <= int(number) <= len(ids)) or \
                answer.strip().lower() not in ("yes", "no", "y", "n"):
            self.say("Type /words and a letter number, then yes or no, e.g. /words 1 yes.")
            return
        letter = ids[int(number) - 1]
        include = answer.strip().lower() in ("yes", "y")
        await self.desk.choose_annex_words(user, letter, include)
        self.say("Your own descriptions will be in the record sent with this letter."
                 if include else "Your own descriptions are left out of the record.")

    async def _show_words(self, user: UserRow, letter: str) -> None:
        """She sees her own words and where they go (a collector gets the table without them
        unless she types /words N yes)."""
        words = await self.desk.own_words(user, letter)
        if not words:
            return
        included = (await self.desk.context(user, letter))["annex_words"]
        number = [c.id for c in await self.desk.choices(user)].index(letter) + 1
        self.say("Your own descriptions of the contacts / 您自己写的描述：")
        for word in words:
            self.say(f"  - {word}")
        self.say(f"They are {'in' if included else 'NOT in'} the record sent with this letter; "
                 f"/words {number} {'no' if included else 'yes'} changes that.")

    async def _ask_details(self, user: UserRow, letter: str) -> bool:
        """Ask each missing detail once; False when input ended (nothing is written then)."""
        field = await self.desk.next_detail(user, letter)
        lang = user.language
        while field is not None:
            pending = Pending(letter, field)
            await self.desk.ask(user, letter, field)
            hint = await self.desk.hint(user, letter, field)
            self.say(f"{detail_label(field, lang)}: {detail_prompt(field, lang, hint)}")
            line = self.read(f"  (Enter = skip, at most {MAX_DETAIL} characters) > ")
            if line is None:
                await self.desk.ask(user, letter, None)
                return False
            if not line.strip():
                field = await self.desk.skip(user, pending)
                continue
            if await self.guard(user, line, "letter_detail"):
                continue  # crisis or danger: never a detail; the same detail is asked again
            try:
                field = await self.desk.give(user, pending, line)
            except DetailRejected:
                self.say(f"That is longer than {MAX_DETAIL} characters; please shorten it.")
        return True
