"""The safety gate: one check in front of every message a person types, in every channel.

Telegram and the console call :meth:`SafetyGate.screen` before anything else reads the text
(before a region is chosen, at the menu, in an interview, after the results, at a letter's
detail prompt, in an edited message). A self-harm crisis *holds*: the text goes nowhere (it is
never stored as an answer or a letter detail) and the reply is the crisis lines of the user's
region. Danger from others and a collector's "go and die" come first, and the text then goes
where it was going (an interview answer is evidence).

Evidence without words: each alarm is written to the audit log and the log as its kind and
where it happened (``safety_crisis kind=act where=interview``), never the text. Each crisis or
danger text the gate shows is also an anonymous analytics event ("crisis shown", bot/analytics.py)
with a fixed source word — ``crisis``, ``danger``, ``talk`` or ``results`` — never the text.
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass

from bot.service import GuidanceService
from flows import State
from flows.pack import safety_region
from flows.safety import (
    Lexicon,
    Verdict,
    language_of,
    regions_for,
    response,
    results_preface,
    safety_data,
    talk,
)
from storage import UserRow

logger = logging.getLogger(__name__)
CRISIS = "safety_crisis"
DANGER = "safety_danger"
SHOWN_CRISIS, SHOWN_DANGER, SHOWN_TALK, SHOWN_RESULTS = "crisis", "danger", "talk", "results"
"""The analytics source words of what the gate shows (fixed words, never what was typed)."""
RECENT = dt.timedelta(hours=24)
"""Crisis lines head the results of anyone in crisis since their report began, or this recently."""


@dataclass(frozen=True, slots=True)
class Alarm:
    """What the gate found in one message and what to say first."""

    verdict: Verdict
    text: str
    where: str

    @property
    def hold(self) -> bool:
        """A self-harm crisis: stop here; the text goes nowhere else."""
        return self.verdict.self_harm


class SafetyGate:
    def __init__(self, service: GuidanceService) -> None:
        self.service = service
        self.data = safety_data()

    def lexicon(self, user: UserRow) -> Lexicon:
        """The user's pack's lexicon (shared + pack words), or the shared one before a pack."""
        pack = self.service.pack_for(user)
        return pack.safety if pack is not None and pack.safety is not None else self.data.lexicon

    def check(self, user: UserRow, text: str | None) -> Verdict:
        """The verdict alone: pure and cheap (well under a millisecond)."""
        return self.lexicon(user).check(text or "")

    def regions(self, user: UserRow, locale: str | None,
                language: str | None = None) -> tuple[str, ...]:
        """The user's region's lines; before one is chosen, guessed from Telegram's language,
        else from the language they wrote in."""
        pack = self.service.pack_for(user)
        state = self.service.recent_state(user) if pack is not None else None
        answers = state.answers if state is not None and state.pack == pack.id else None
        region = safety_region(pack, answers) if pack is not None else None
        return regions_for(self.data, region, locale, language or user.language)

    async def screen(self, user: UserRow, text: str | None, *, where: str,
                     locale: str | None = None, verdict: Verdict | None = None) -> Alarm | None:
        """Check one message; record and phrase an alarm when there is one. Channels show
        the alarm, except danger in an interview: the engine puts the same advice first
        (and the service counts it), so only what the gate itself shows is counted here."""
        verdict = verdict if verdict is not None else self.check(user, text)
        if not verdict:
            return None
        await self.record(user, CRISIS if verdict.self_harm else DANGER,
                          f"kind={verdict.main} where={where}")
        if verdict.self_harm or where != "interview":
            self.service.crisis_shown(user, SHOWN_CRISIS if verdict.self_harm else SHOWN_DANGER)
        language = language_of(text, user.language or "en")
        paragraphs = response(self.data, verdict, self.regions(user, locale, language), language)
        return Alarm(verdict, "\n\n".join(paragraphs), where)

    def talk(self, user: UserRow, locale: str | None) -> str:
        """"Talk to someone now": every line we know for the user's region."""
        self.service.crisis_shown(user, SHOWN_TALK)
        return "\n\n".join(talk(self.data, self.regions(user, locale), user.language or "en"))

    async def record(self, user: UserRow, action: str, detail: str = "") -> None:
        """Audit and log what happened — never what was said."""
        await self.service.store.audit(user.id, action, detail)
        logger.warning("%s user=%s", f"{action} {detail}".strip(), user.id)

    async def preface(self, user: UserRow, state: State | None,
                      locale: str | None = None) -> str | None:
        """The crisis lines to put above the results, for anyone in crisis during this report
        (or in the last day): the results must not bury the numbers."""
        rows = [row for row in await self.service.store.list_audit(user.id)
                if row.action == CRISIS]
        if not rows:
            return None
        since = dt.datetime.now(dt.UTC) - RECENT
        if state is not None and state.started_at:
            started = dt.datetime.fromisoformat(state.started_at)
            since = min(since, started if started.tzinfo else started.replace(tzinfo=dt.UTC))
        if not any(_when(row.created_at) >= since for row in rows):
            return None
        self.service.crisis_shown(user, SHOWN_RESULTS)
        return results_preface(self.data, self.regions(user, locale), user.language or "en")


def _when(iso: str) -> dt.datetime:
    moment = dt.datetime.fromisoformat(iso)
    return moment if moment.tzinfo else moment.replace(tzinfo=dt.UTC)
