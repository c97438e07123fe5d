"""The safety gate in Telegram: what the crisis message looks like and what its buttons do.

The crisis message is a message of its own, never edited away: its buttons send new messages.
Button data: ``sf:ok`` (I am safe now, continue), ``sf:talk`` (talk to someone now).
"""

from __future__ import annotations

import html
from collections.abc import Awaitable, Callable, Sequence

from telegram import InlineKeyboardButton, InlineKeyboardMarkup
from telegram import Message as TgMessage
from telegram.ext import ContextTypes

from bot.safety import Alarm, SafetyGate
from bot.telegram import render as r
from bot.telegram.letters import LetterScreens
from bot.telegram.sender import Sender
from bot.telegram.texts import t
from flows import Reply, Result, State
from storage import UserRow

Context = ContextTypes.DEFAULT_TYPE
Resume = Callable[[Context, UserRow], Awaitable[list[r.Out]]]

KIND = "sf"


def buttons(language: str | None, *, safe: bool = True, talk: bool = True,
            ) -> InlineKeyboardMarkup:
    rows = []
    if safe:
        rows.append([InlineKeyboardButton(t(language, "b_safe_continue"),
                                          callback_data=f"{KIND}:ok")])
    if talk:
        rows.append([InlineKeyboardButton(t(language, "b_talk_now"),
                                          callback_data=f"{KIND}:talk")])
    return InlineKeyboardMarkup(rows)


def alarm_out(alarm: Alarm, language: str | None) -> r.Out:
    """The alarm as a message: a crisis gets the two buttons, danger advice none."""
    text = r.TONE_MARK["safety"] + html.escape(alarm.text)
    return r.Out(text[:r.LIMIT], buttons(language) if alarm.hold else None)


def talk_out(gate: SafetyGate, user: UserRow, locale: str | None) -> r.Out:
    text = r.TONE_MARK["safety"] + html.escape(gate.talk(user, locale))
    return r.Out(text[:r.LIMIT], buttons(user.language, talk=False))


def preface_out(text: str, language: str | None) -> r.Out:
    """The crisis lines above a report's results."""
    return r.Out((r.TONE_MARK["safety"] + html.escape(text))[:r.LIMIT],
                 buttons(language, safe=False))


class SafetyScreens:
    """The gate wired into the Telegram channel (handlers.py calls it first)."""

    def __init__(self, gate: SafetyGate, letters: LetterScreens, resume: Resume) -> None:
        self.gate = gate
        self.letters = letters
        self.resume = resume

    async def screen(self, message: TgMessage, context: Context, send: Sender, user: UserRow,
                     *, edited: bool = False) -> bool:
        """The safety gate, before anything reads the text: True when the message is handled
        (a crisis holds; danger advice at a letter detail asks the detail again)."""
        text = message.text or message.caption
        verdict = self.gate.check(user, text)
        if not verdict:
            return False
        pending = await self.letters.awaiting(context, user)
        where = "edited" if edited else await self._where(user, pending)
        alarm = await self.gate.screen(user, text, where=where, verdict=verdict,
                                       locale=context.chat_data.get("locale"))
        assert alarm is not None
        if where == "interview" and not alarm.hold:
            return False  # the engine puts the same advice first and keeps the answer
        outs = [alarm_out(alarm, user.language)]
        if pending is not None and not alarm.hold and not edited:
            outs.append(self.letters.again(user, pending))  # not a detail: ask it again
        await send.outs(outs)
        return alarm.hold or edited or pending is not None

    async def _where(self, user: UserRow, pending: object) -> str:
        if pending is not None:
            return "letter_detail"
        service = self.gate.service
        if service.pack_for(user) is None:
            return "no_region"
        state = await service.state_of(user)
        if state is None or state.status == "cancelled":
            return "menu"
        return "interview" if state.status == "active" else "results"

    async def on_button(self, choice: str, context: Context, send: Sender,
                        user: UserRow) -> None:
        """"Talk to someone now" shows the numbers again; "I am safe now" resumes where the
        user was (the question, the letter detail, or the menu). Neither edits the crisis
        message: it stays."""
        locale = context.chat_data.get("locale")
        if choice == "talk":
            await self.gate.record(user, "safety_talk")
            await send.outs([talk_out(self.gate, user, locale)])
            return
        await self.gate.record(user, "safety_resumed")
        pending = await self.letters.awaiting(context, user)
        if pending is not None:
            await send.outs([self.letters.again(user, pending)])
        else:
            await send.outs(await self.resume(context, user))

    async def with_preface(self, context: Context, user: UserRow, replies: Sequence[Reply],
                           state: State | None) -> list[r.Out]:
        """Results, with the crisis lines above them for anyone in crisis during the report."""
        preface = await self.gate.preface(user, state, context.chat_data.get("locale"))
        if preface is None:
            return r.render(list(replies))
        at = next(i for i, reply in enumerate(replies) if isinstance(reply, Result))
        return r.render(list(replies[:at])) + [preface_out(preface, user.language)] + \
            r.render(list(replies[at:]))
