"""The conversation service: load state, run the engine, save, then reply.

Channel-independent (Telegram and the console both use it) and Telegram-free. It is the one
place that converts between the engine's state and storage's rows. Every answer is committed
before the replies that acknowledge it are returned, so a crash never loses what a user said.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
from collections.abc import Callable
from dataclasses import asdict, dataclass
from typing import TYPE_CHECKING, Any, Final

from flows import Pack, Reply, Result, State, Step, advance, events, plain_facts, start
from flows.facts import collect
from flows.moments import full_moment
from flows.render import findings as rule_findings
from bot.diary.record import count as count_record, from_report
from storage import IncidentRow, NewDiaryEntry, NewFinding, NewIncident, Store, UserRow
from storage.cache import Lru

if TYPE_CHECKING:
    from bot.analytics import EventLog

logger = logging.getLogger(__name__)

Clock = Callable[[], dt.datetime]
PARSED_STATES = 20_000
"""Parsed states kept, least recently used first to go (about one per active user)."""
LOAD: Final = object()
"""``handle(state=LOAD)``: read the saved state (the default); pass one to skip the read."""


def utc_now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


@dataclass(frozen=True, slots=True)
class Turn:
    """The replies to send, and the state they came from (for channels that need the node)."""

    replies: tuple[Reply, ...]
    state: State | None
    incident_id: int | None = None


class GuidanceService:
    def __init__(self, store: Store, packs: dict[str, Pack], *, channel: str,
                 clock: Clock = utc_now, events: EventLog | None = None) -> None:
        self.store = store
        self.packs = packs  # bot/packs.py swaps in new releases in place
        self.channel = channel
        self.clock = clock
        self.events = events
        """Where analytics go (bot/analytics.py): emitted here and nowhere else."""
        self._parsed: Lru[int, tuple[str, State]] = Lru(PARSED_STATES)
        """user id -> (the JSON text saved or read last, its state): a store that
        caches rows hands back the very text we saved, so parsing it again is skipped. The
        engine never changes a state it is given, so sharing one is safe."""

    def recent_state(self, user: UserRow) -> State | None:
        """The state read or saved last for ``user``, without a database read (None when it is
        not at hand): for choices that may fall back to a default, like whose crisis lines."""
        known = self._parsed.get(user.id)
        return known[1] if isinstance(known, tuple) else None

    def pack_for(self, user: UserRow) -> Pack | None:
        """The pack serving the user's jurisdiction, if they chose one we serve."""
        return self.packs.get(user.jurisdiction or "")

    async def user(self, external_id: str, *, language: str | None = None) -> UserRow:
        return await self.store.get_or_create_user(self.channel, external_id, language=language)

    async def state_of(self, user: UserRow) -> State | None:
        """The saved conversation of a user, if it belongs to their current pack."""
        row = await self.store.load_conversation(user.id)
        pack = self.pack_for(user)
        if row is None or pack is None or row.pack_id != pack.id:
            return None
        known = self._parsed.get(user.id)
        if isinstance(known, tuple) and known[0] is row.state_json:  # the text we saved
            return known[1]
        try:
            state = State.from_json(row.state_json)
        except ValueError:
            logger.warning("unreadable saved state for user %s; starting again", user.id)
            return None
        self._parsed.put(user.id, (row.state_json, state))
        return state

    async def handle(self, user: UserRow, event: events.Event, *,
                     state: State | None | object = LOAD, update_id: int | None = None) -> Turn:
        """Apply one event for one user and persist the result before returning it.

        A channel that has just read the state (to decide what an update means) passes it as
        ``state`` so one update costs one read, not two; ``update_id`` (the channel's id of
        the update being handled) is stored with the new state (Store.claim_update).
        """
        pack = self.pack_for(user)
        if pack is None:
            raise LookupError("the user has not chosen a jurisdiction we serve")
        now = self.clock()
        if state is LOAD:
            state = await self.state_of(user)
        assert state is None or isinstance(state, State)
        if state is None:
            step = start(pack, user.language, now=now, timezone=user.timezone)
            if not isinstance(event, (events.Start, events.Restart, events.Repeat)):
                step = advance(pack, step.state, event, now=now)
        else:
            step = advance(pack, state, event, now=now)
            if step.completed:  # the findings read the whole record, this report included
                facts = await self.record_facts(user, pack, also=from_report(
                    pack, plain_facts(pack, step.state), None, step.state.timezone))
                if facts:
                    step = advance(pack, state.with_(record=facts), event, now=now)
        update = None if update_id is None else (self.channel, update_id)
        incident_id = await self._save(user, pack, step, update,
                                       language_changed=isinstance(event, events.SetLanguage))
        if self.events is not None:
            self.events.turn(user.id, pack, state, step, event)
        return Turn(step.replies, step.state, incident_id)

    async def _save(self, user: UserRow, pack: Pack, step: Step,
                    update: tuple[str, int] | None, *, language_changed: bool) -> int | None:
        text = step.state.to_json()
        if not (language_changed or step.completed):  # the common case: one write
            await self.store.save_conversation(user.id, text, pack.id, pack.version,
                                               update=update)
            self._parsed.put(user.id, (text, step.state))
            return None
        incident_id = None
        async with self.store.transaction():
            await self.store.save_conversation(user.id, text, pack.id, pack.version,
                                               update=update)
            if language_changed:
                await self.store.update_user(user.id, language=step.state.language)
            if step.completed:
                incident_id = await self._record_incident(user, pack, step.state)
        self._parsed.put(user.id, (text, step.state))
        return incident_id

    async def _record_incident(self, user: UserRow, pack: Pack, state: State) -> int:
        facts = plain_facts(pack, state)
        mapping = pack.data.incident

        def field(name: str) -> str | None:
            value = facts.get(mapping.get(name, ""))  # type: ignore[call-overload]
            if value is None:
                return None
            return ", ".join(map(str, value)) if isinstance(value, list) else str(value)

        found = rule_findings(pack, state, collect(pack, state))
        incident = NewIncident(
            occurred_at=full_moment(field("occurred_at")),  # a date alone has no instant
            caller_number=field("caller_number"),
            lender=field("lender"), agency=field("agency"), channel=field("channel"),
            facts_json=json.dumps(facts, ensure_ascii=False, sort_keys=True),
            description=field("description"), pack_id=pack.id, pack_version=pack.version,
        )
        rows = [NewFinding(f.rule, f.severity, json.dumps(asdict(f), ensure_ascii=False))
                for f in found]
        incident_id = await self.store.add_incident(user.id, incident, rows)
        await self.store.add_diary_entry(user.id, from_report(pack, facts, incident_id,
                                                              state.timezone))
        if self.events is not None:
            self.events.rules_fired(pack, [f.rule for f in found])
        await self.store.audit(user.id, "incident_recorded", f"pack={pack.id} rules={len(rows)}")
        logger.info("incident recorded for user %s (%d findings)", user.id, len(rows))
        return incident_id

    async def last_result(self, user: UserRow) -> Result | None:
        """The result of the user's last finished interview, rebuilt from the saved state."""
        pack = self.pack_for(user)
        state = await self.state_of(user)
        if pack is None or state is None or state.status != "done":
            return None
        facts = await self.record_facts(user, pack)  # the record as it is now
        step = advance(pack, state.with_(record=facts), events.Repeat(), now=self.clock())
        return next((r for r in step.replies if isinstance(r, Result)), None)

    async def record_facts(self, user: UserRow, pack: Pack,
                           also: NewDiaryEntry | None = None) -> dict[str, int]:
        """The counts of the user's record of contacts (bot/diary/record.py), with ``also``
        (the report being finished) counted in: what rules read as ``record.*``."""
        entries: list[Any] = list(await self.store.list_diary_entries(user.id))
        if also is not None:
            entries.append(also)
        return count_record(entries, pack).facts()

    def letter_drafted(self, user: UserRow, letter_id: str) -> None:
        """Analytics: a letter was drafted (which one, never for whom)."""
        pack = self.pack_for(user)
        if self.events is not None and pack is not None:
            self.events.letter_drafted(pack, letter_id)

    def crisis_shown(self, user: UserRow, source: str) -> None:
        """Analytics: a crisis or safety text was shown to this user, by ``source`` (a fixed
        word naming what showed it: "menu", or the safety gate's "crisis", "danger", "talk",
        "results" — never user text). The engine's own safety texts are counted by
        ``handle``; other code showing one calls this (before a region is chosen the event
        has no pack: bot/analytics.py NO_PACK)."""
        if self.events is not None:
            self.events.crisis_shown(self.pack_for(user), source)

    async def incidents(self, user: UserRow) -> list[IncidentRow]:
        return await self.store.list_incidents(user.id)

    async def set_language(self, user: UserRow, language: str) -> UserRow:
        return await self.store.update_user(user.id, language=language)

    async def set_jurisdiction(self, user: UserRow, jurisdiction: str) -> UserRow:
        pack = self.packs.get(jurisdiction)
        changes: dict[str, str | None] = {"jurisdiction": jurisdiction}
        if pack is not None and user.timezone is None:
            changes["timezone"] = pack.timezone
        return await self.store.update_user(user.id, **changes)  # type: ignore[arg-type]

    async def export(self, user: UserRow) -> dict[str, object]:
        await self.store.audit(user.id, "data_exported")
        return await self.store.export_user(user.id)

    async def forget(self, user: UserRow) -> None:
        self._parsed.drop(user.id)
        await self.store.delete_user(user.id)
        logger.info("a user deleted their data")
