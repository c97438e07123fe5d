"""Results in Telegram: short cards with buttons, and what comes after them.

A result is sent as: the crisis lines (for anyone in crisis during the report), a summary card
(what to do now, safety first; one sentence on the law), one card per finding, and a closing
message ("not legal advice", the pack's review date) with the next steps. The rest comes on
demand, as new messages (a card is never edited away):

* ``R:w:<key>:<i>``  why / the law of finding i (its citations, with official links)
* ``R:s:<key>``      what to say: one ordered script
* ``R:d:<key>``      every step, and where to complain
* ``R:l:<key>:<i>``  the letter(s) finding i supports (the letter desk, ``L:<letter>``)

``<key>`` names the report (bot/cards.py result_key): a button of an earlier report, or of a
report since reopened, only answers with a toast.
"""

from __future__ import annotations

import datetime as dt
import html
from collections.abc import Sequence

from telegram.ext import ContextTypes

from bot.cards import cards, law_card, result_key, script_card, steps_card
from bot.safety import CRISIS, DANGER, SafetyGate
from bot.service import GuidanceService
from bot.telegram import render as r
from bot.telegram.diary import DiaryScreens
from bot.telegram.keyboard import keyboard
from bot.telegram.letters import LetterScreens
from bot.telegram.safety_screens import preface_out
from bot.telegram.sender import Sender
from bot.telegram.texts import t
from flows import Reply, Result, State
from storage import UserRow

Context = ContextTypes.DEFAULT_TYPE
KIND = "R"
LOG_CALL, MY_RECORD = "m:add", "m:diary"
"""The diary's quick addition ("they called again") and its timeline (bot/telegram/diary.py)."""


def _bold(text: str) -> str:
    return f"<b>{text}</b>"


def next_steps(language: str | None, *, diary: bool, text: str = "") -> r.Out:
    """What to do after results: log another call and my record (when the diary is there to
    take them), letters, a new report, the main menu."""
    rows: list[tuple[tuple[str, str], ...]] = []
    if diary:
        rows += [((t(language, "m_log_call"), LOG_CALL),), ((t(language, "m_record"), MY_RECORD),)]
    rows += [((t(language, "m_letters"), "m:letters"),),
             ((t(language, "m_new_report"), "m:new"),), ((t(language, "m_main_menu"), "m:menu"),)]
    body = html.escape(t(language, "next_heading"))
    return r.Out(f"{text}\n\n{body}" if text else body, keyboard(tuple(rows)))


def return_visit(language: str | None, *, diary: bool) -> r.Out:
    """A returning user with a finished report: not made to start all over blindly."""
    rows: list[tuple[tuple[str, str], ...]] = []
    if diary:
        rows.append(((t(language, "m_log_call"), LOG_CALL),))
    rows += [((t(language, "m_new_report"), "m:new"),),
             ((t(language, "m_last_results"), "m:rights"),),
             ((t(language, "m_main_menu"), "m:menu"),)]
    return r.Out(html.escape(t(language, "welcome_back")), keyboard(tuple(rows)))


class ResultScreens:
    def __init__(self, service: GuidanceService, gate: SafetyGate, letters: LetterScreens,
                 *, diary: DiaryScreens | None = None) -> None:
        self.service = service
        self.gate = gate
        self.letters = letters
        self.diary = diary  # the evidence diary: "log another call", "my record", its counts

    async def afraid(self, user: UserRow, state: State | None) -> bool:
        """Was the person in crisis or in danger during this report? (from the audit log,
        which holds what happened, never what was said)."""
        since = dt.datetime.now(dt.UTC) - dt.timedelta(days=1)
        if state is not None and state.started_at:
            started = dt.datetime.fromisoformat(state.started_at)
            since = min(since, started if started.tzinfo else started.replace(tzinfo=dt.UTC))
        for row in await self.service.store.list_audit(user.id):
            if row.action in (CRISIS, DANGER):
                moment = dt.datetime.fromisoformat(row.created_at)
                if (moment if moment.tzinfo else moment.replace(tzinfo=dt.UTC)) >= since:
                    return True
        return False

    async def show(self, context: Context, user: UserRow, replies: Sequence[Reply],
                   state: State | None) -> list[r.Out]:
        """The replies of a turn that ended in a result, the result as cards."""
        at = next(i for i, reply in enumerate(replies) if isinstance(reply, Result))
        result = replies[at]
        assert isinstance(result, Result)
        lang = user.language or "en"
        outs = r.render(list(replies[:at]))
        preface = await self.gate.preface(user, state, context.chat_data.get("locale"))
        if preface is not None:  # the crisis lines first, above everything else
            outs.append(preface_out(preface, lang))
        counts = await self.diary.after_result(user) if self.diary is not None else []
        cards_ = self.cards(user, result, state, afraid=preface is not None
                            or await self.afraid(user, state),
                            record=counts[0].text if counts else "")
        return outs + cards_ + r.render(list(replies[at + 1:]))

    def cards(self, user: UserRow, result: Result, state: State | None, *,
              afraid: bool, record: str = "") -> list[r.Out]:
        """The cards; ``record`` (HTML: the diary's counts) goes above the next steps."""
        lang = user.language or "en"
        pack = self.service.pack_for(user)
        safety = pack.text(pack.data.safety.unsafe, lang) if pack is not None else ""
        key = result_key(state.started_at if state is not None else "")
        walk = cards(result, lang, afraid=afraid, safety_step=safety, escape=html.escape,
                     bold=_bold)
        top = [(t(lang, "b_say"), f"{KIND}:s:{key}")] if result.say else []
        if result.do or result.channels:
            top.append((t(lang, "b_steps"), f"{KIND}:d:{key}"))
        outs = [r.Out(walk.summary, keyboard((tuple(top),)) if top else None)]
        for index, (parts, finding) in enumerate(zip(walk.findings, result.findings)):
            outs += [r.Out(part) for part in parts[:-1]]
            row = [(t(lang, "b_why"), f"{KIND}:w:{key}:{index}")]
            if result.say:
                row.append((t(lang, "b_say"), f"{KIND}:s:{key}"))
            rows = [tuple(row)]
            if self._letters_of(user, finding.letters):
                rows.append(((t(lang, "b_letter"), f"{KIND}:l:{key}:{index}"),))
            outs.append(r.Out(parts[-1], keyboard(tuple(rows))))
        close = f"{walk.closing}\n\n{record}" if record else walk.closing
        outs.append(next_steps(lang, diary=self.diary is not None, text=close))
        return outs

    def _letters_of(self, user: UserRow, letters: Sequence[str]) -> list[str]:
        return [letter for letter in letters if self.letters.desk.letter_exists(user, letter)]

    async def stale(self, rest: str, user: UserRow) -> str | None:
        """The toast for a card of an earlier report (or of one reopened since); else None."""
        key = rest.split(":")[1] if rest.count(":") >= 1 else ""
        state = await self.service.state_of(user)
        if state is None or state.status != "done" or result_key(state.started_at) != key:
            return t(user.language, "stale")
        return None

    async def on_button(self, rest: str, context: Context, send: Sender,
                        user: UserRow) -> None:
        """Answer a card's button (checked by :meth:`stale` first) with new messages."""
        action, _, arg = rest.partition(":")
        _, _, index = arg.partition(":")
        result = await self.service.last_result(user)
        if result is None:
            return
        lang = user.language or "en"
        finding = None
        if index.isdigit() and int(index) < len(result.findings):
            finding = result.findings[int(index)]
        if action == "s":
            parts = script_card(result, lang, html.escape, _bold)
        elif action == "d":
            parts = steps_card(result, lang, html.escape, _bold)
        elif action == "w" and finding is not None:
            parts = law_card(finding, result, lang, html.escape, _bold)
        elif action == "l" and finding is not None:
            await self._letters(finding.letters, result, context, send, user)
            return
        else:
            return
        await send.outs([r.Out(part) for part in parts])

    async def _letters(self, letters: Sequence[str], result: Result, context: Context,
                       send: Sender, user: UserRow) -> None:
        """One letter: open it at the desk; several: let the person choose."""
        available = self._letters_of(user, letters)
        if len(available) == 1:
            await self.letters.on_button("L", available[0], context, send, user)
            return
        titles = {letter.id: letter.title for letter in result.letters}
        rows = tuple(((titles.get(letter, letter), f"L:{letter}"),) for letter in available)
        await send.outs([r.Out(html.escape(t(user.language, "letter_pick")), keyboard(rows))])
