"""The console channel: the whole bot in a terminal, no Telegram token needed.

It runs the same engine and storage as Telegram. Input is read line by line, so it works when
stdin is a pipe and tests can drive it as a subprocess.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TextIO

from bot.console_diary import COMMANDS as DIARY_COMMANDS, ConsoleDiary
from bot.console_letters import ConsoleLetters
from bot.console_words import typed_words
from bot.diary import view
from bot.diary.book import DiaryBook
from bot.formatting import result_sections
from bot.letters.desk import LetterDesk
from bot.packs import PackRegistry
from bot.safety import SafetyGate
from bot.service import GuidanceService
from bot.telegram.texts import retention_sentence
from flows import Message, Pack, Question, Reply, Result, events
from storage import UserRow

COMMANDS = {
    "/back": "go back one question",
    "/restart": "start this report again",
    "/cancel": "stop this report",
    "/language": "switch language, e.g. /language zh-Hans",
    "/why": "why we ask the current question",
    "/unsafe": "I feel unsafe: where to get help now",
    "/rights": "show the findings of your last report",
    "/letters": "letters drafted from your reports",
    "/letter": "draft a letter, e.g. /letter 1: preview and PDF/DOCX files",
    "/details": "my letter details; /details N changes detail N",
    "/words": "your own descriptions in a letter's record or not, e.g. /words 1 yes",
    **DIARY_COMMANDS,
    "/privacy": "what we store, and for how long",
    "/safe": "I am safe now: continue where I was",
    "/talk": "talk to someone now: the crisis lines again",
    "/help": "show this help",
    "/quit": "leave (everything you told us is saved)",
}
PRIVACY = ("We store your answers, your reports and your letter details, encrypted, in this "
           "computer's database. / 我们加密保存您的回答、记录和信件信息。")
MENU_ORDER = ("cn", "us", "elsewhere")
"""The shipped regions come first; any other pack in the packs folder follows by id."""


def regions(packs: dict[str, Pack]) -> list[tuple[str, str]]:
    """(pack id, label) for every pack served: the region menu comes from the packs folder."""
    ids = sorted(packs, key=lambda j: (MENU_ORDER.index(j) if j in MENU_ORDER else 99, j))
    menu = []
    for pack_id in ids:
        pack = packs[pack_id]
        other = next((lang for lang in pack.languages if lang != "en"), "en")
        names = [pack.text(pack.data.pack.name, "en"), pack.text(pack.data.pack.name, other)]
        menu.append((pack_id, " / ".join(dict.fromkeys(n for n in names if n))))
    return menu


class Quit(Exception):
    """/quit typed at a prompt: leave from wherever the console is."""


class Console:
    def __init__(self, service: GuidanceService, *, stdin: TextIO = sys.stdin,
                 stdout: TextIO = sys.stdout, letters_dir: Path = Path("callshield-letters"),
                 registry: PackRegistry | None = None) -> None:
        self.service = service
        self.registry = registry  # new releases are picked up before each line is handled
        self.stdin = stdin
        self.stdout = stdout
        self.question: Question | None = None
        self.user: UserRow | None = None
        self.gate = SafetyGate(service)
        self.letters = ConsoleLetters(LetterDesk(service), letters_dir, self.say, self.read,
                                      self.guard)
        self.diary = ConsoleDiary(DiaryBook(service), letters_dir, self.say, self.read,
                                  self.guard)

    def say(self, text: str = "") -> None:
        """Output, in the console's words: "type" where Telegram says "tap" (console_words)."""
        language = self.user.language if self.user is not None else None
        self.stdout.write(typed_words(text, language) + "\n")
        self.stdout.flush()

    def read(self, prompt: str = "> ", *, commands: bool = True) -> str | None:
        """A line; at every prompt (a region, a letter detail, a diary question) /quit leaves,
        /help lists the commands and /unsafe shows where to get help now, then asks again.
        The interview's own prompt (``commands=False``) handles them itself."""
        while True:
            self.stdout.write(prompt)
            self.stdout.flush()
            line = self.stdin.readline()
            if line == "":
                return None
            line = line.rstrip("\n")
            word = line.strip().casefold()
            if not commands or word not in ("/quit", "/help", "/unsafe"):
                return line
            if word == "/quit":
                raise Quit
            if word == "/help":
                self.help()
            else:
                self.unsafe()

    def help(self) -> None:
        self.say("Commands:")
        for name, meaning in COMMANDS.items():
            self.say(f"  {name:<10} {meaning}")

    def unsafe(self) -> None:
        """Where to get help now: the pack's safety text, or before a region the crisis lines
        the gate knows for this user."""
        user = self.user
        if user is None:
            return
        pack = self.service.pack_for(user)
        if pack is not None:
            self.say("!! " + pack.text(pack.data.safety.unsafe, user.language or
                                       pack.default_language))
            self.service.crisis_shown(user, "menu")
        else:
            self.say("!! " + self.gate.talk(user, None))

    async def run(self, external_id: str, *, pack: str | None, language: str | None) -> int:
        try:
            return await self._run(external_id, pack=pack, language=language)
        except Quit:
            self.say("Saved. Goodbye. / 已保存，再见。")
            return 0

    async def _run(self, external_id: str, *, pack: str | None, language: str | None) -> int:
        user = await self.service.user(external_id, language=language)
        self.user = user
        if language and user.language != language:
            user = self.user = await self.service.set_language(user, language)
        if pack:
            user = self.user = await self.service.set_jurisdiction(user, pack)
        while self.service.pack_for(user) is None:
            chosen = await self.choose_jurisdiction(user)
            if chosen is None:
                return 0
            user = self.user = await self.service.set_jurisdiction(user, chosen)
        guide = self.service.pack_for(user)
        assert guide is not None
        self.say(f"CallShield — {guide.text(guide.data.pack.name, user.language or '')}")
        self.say("Type /help for commands. / 输入 /help 查看命令。")
        self.show((await self.service.handle(user, events.Start())).replies)
        while True:
            line = self.read(commands=False)
            if line is None or line.strip() == "/quit":
                self.say("Saved. Goodbye. / 已保存，再见。")
                return 0
            if self.registry is not None:  # the gate and the turn see the newest release
                await self.registry.refresh_if_due()
            if await self.guard(user, line):  # the safety gate, before anything reads it
                continue
            command, _, argument = line.strip().partition(" ")
            if command == "/privacy":
                self.say(f"{PRIVACY} {retention_sentence(user.language)}")
                continue
            if command in ("/safe", "/talk"):
                await self.after_alarm(user, command)
                continue
            if command == "/details":
                await self.letters.details(user, argument)
                continue
            if command == "/words":
                await self.letters.words(user, argument)
                continue
            if command in ("/letters", "/letter"):
                await (self.letters.draft(user, argument) if command == "/letter" and argument
                       else self.letters.list(user))
                continue
            if await self.diary.command(user, command, argument):  # /diary /add /export...
                continue
            if not line.strip().startswith("/"):  # outside an interview: a new contact?
                state = await self.service.state_of(user)
                if (state is None or state.status != "active") and \
                        await self.diary.offer(user, line):
                    continue
            event = self.to_event(line)
            if event is None:
                continue
            turn = await self.service.handle(user, event)
            user = self.user = await self.service.user(external_id)
            if any(isinstance(reply, Result) for reply in turn.replies):
                preface = await self.gate.preface(user, turn.state)
                if preface:
                    self.say("!! " + preface)
            self.show(turn.replies)
            if any(isinstance(reply, Result) for reply in turn.replies):
                self.say(view.summary(await self.diary.book.record(user), user.language))
                self.say("/add = they contacted you again · /diary = your record · "
                         "/export = evidence report")

    async def guard(self, user: UserRow, line: str, where: str | None = None) -> bool:
        """The safety gate: True when the line is handled here (a crisis holds; danger advice
        outside an interview). In an interview danger advice comes from the engine, first."""
        if where == "letter_detail" and line.strip() in ("/safe", "/talk"):
            if line.strip() == "/talk":
                await self.after_alarm(user, "/talk")
            else:
                await self.gate.record(user, "safety_resumed")
            return True  # the detail is asked again
        verdict = self.gate.check(user, line)
        if not verdict:
            return False
        if where is None:
            state = await self.service.state_of(user) if self.service.pack_for(user) else None
            where = "no_region" if self.service.pack_for(user) is None else (
                "menu" if state is None or state.status == "cancelled" else
                "interview" if state.status == "active" else "results")
        alarm = await self.gate.screen(user, line, where=where, verdict=verdict)
        if alarm is None or (where == "interview" and not alarm.hold):
            return False
        self.say("!! " + alarm.text)
        if alarm.hold:
            self.say("  (/safe = I am safe now, continue · /talk = talk to someone now)")
        return True

    async def after_alarm(self, user: UserRow, command: str) -> None:
        if command == "/talk":
            await self.gate.record(user, "safety_talk")
            self.say("!! " + self.gate.talk(user, None))
            return
        await self.gate.record(user, "safety_resumed")
        if self.service.pack_for(user) is not None:
            self.show((await self.service.handle(user, events.Repeat())).replies)

    async def choose_jurisdiction(self, user: UserRow) -> str | None:
        menu = regions(self.service.packs)
        if not menu:
            self.say("No guide can be served right now (see `callshield packs status`).")
            return None
        self.say("Where is the lender? / 贷款方在哪里？")
        for number, (_, label) in enumerate(menu, start=1):
            self.say(f"  {number}. {label}")
        while True:
            line = self.read()
            if line is None:
                return None
            if await self.guard(user, line, "no_region"):
                continue
            if line.strip().isdigit() and 1 <= int(line.strip()) <= len(menu):
                return menu[int(line.strip()) - 1][0]
            self.say(f"Please type a number from 1 to {len(menu)}.")

    def to_event(self, line: str) -> events.Event | None:
        text = line.strip()
        if not text.startswith("/"):
            return self.answer_event(text)
        command, _, argument = text.partition(" ")
        simple = {"/back": events.Back(), "/restart": events.Restart(),
                  "/cancel": events.Cancel(), "/why": events.WhyAsk(),
                  "/unsafe": events.Unsafe(), "/start": events.Start()}
        if command in simple:
            return simple[command]
        if command == "/language" and argument.strip():
            return events.SetLanguage(argument.strip())
        if command == "/rights":
            return events.Repeat()
        self.help()
        return None

    def answer_event(self, text: str) -> events.Event:
        """"?" is "I don't know" (or "Skip"); "0" goes to the engine, where a count of 0 is
        zero. "ok" finishes a list (multi, tally, what was understood from the story)."""
        question = self.question
        if question is not None and text in ("?", "？") and question.can_skip:
            return events.DontKnow(question.node)
        if question is not None and question.done_label:
            if text.casefold() in {"none", "无", "無", "-"} and question.kind == "multi":
                return events.Done(question.node)
            if text.casefold() in {"ok", "done", "好", "完成"}:
                return events.Done(question.node)
        return events.Say(text)

    def show(self, replies: tuple[Reply, ...]) -> None:
        for reply in replies:
            if isinstance(reply, Message):
                marker = {"safety": "!! ", "warning": "! ", "notice": "* "}.get(reply.tone, "")
                self.say(marker + reply.text)
            elif isinstance(reply, Question):
                self.question = reply
                self.say("")
                lines = reply.text.split("\n")
                if reply.kind == "confirm" and len(lines) == len(reply.choices) + 1:
                    lines = [lines[0]] + [("[x] " if c.selected else "[ ] ") + line
                                          for c, line in zip(reply.choices, lines[1:])]
                self.say("\n".join(lines))
                for number, choice in enumerate(reply.choices, start=1):
                    if reply.kind == "confirm":  # the text already numbers them, with words
                        continue
                    mark = ("[x] " if choice.selected else "[ ] ") if reply.done_label else ""
                    self.say(f"  {number}. {mark}{choice.label}")
                if reply.type_hint:
                    self.say(reply.type_hint)
                hints = []
                if reply.kind == "multi":
                    hints.append("numbers separated by commas, or 'none'")
                if reply.done_label and reply.kind != "multi":
                    hints.append(f"ok = {reply.done_label}")
                if reply.can_skip:
                    hints.append(f"? = {reply.skip_label}")
                hints += [f"/why = {reply.why_label}", f"/unsafe = {reply.unsafe_label}"]
                if reply.can_go_back:
                    hints.append(f"/back = {reply.back_label}")
                self.say("  (" + " · ".join(hints) + ")")
            elif isinstance(reply, Result):
                self.question = None
                self.say("")
                for section in result_sections(reply):
                    self.say(section)
                    self.say("")
                self.say("/restart = report another contact · /letters = draft a letter · /quit")


async def chat(service: GuidanceService, external_id: str, *, pack: str | None,
               language: str | None, letters_dir: Path = Path("callshield-letters"),
               registry: PackRegistry | None = None) -> int:
    console = Console(service, letters_dir=letters_dir, registry=registry)
    return await console.run(external_id, pack=pack, language=language)
