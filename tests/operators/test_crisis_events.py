"""The safety gate counts each crisis text it shows as an anonymous "crisis shown" event: a
fixed source word, the pack (or none before a region), never the words typed, never twice."""

from __future__ import annotations

import sqlite3
from collections.abc import AsyncIterator
from contextlib import closing
from pathlib import Path

import pytest

from bot.analytics import NO_PACK, EventLog
from bot.safety import SafetyGate
from bot.service import GuidanceService
from flows import events, load_pack
from storage import SQLiteStore, UserRow, open_store
from tests.conftest import DEMO

CRISIS = "I want to kill myself"
DANGER = "they said they are coming to my house"


@pytest.fixture
async def store(tmp_path: Path) -> AsyncIterator[SQLiteStore]:
    async with await open_store(tmp_path / "crisis.sqlite3") as opened:
        yield opened


@pytest.fixture
def log(store: SQLiteStore) -> EventLog:
    return EventLog(store)


@pytest.fixture
def gate(store: SQLiteStore, log: EventLog) -> SafetyGate:
    return SafetyGate(GuidanceService(store, {"demo": load_pack(DEMO)}, channel="telegram",
                                      events=log))


async def shown(log: EventLog, store: SQLiteStore) -> list[tuple[str, str]]:
    await log.flush()
    return sorted((e.pack_id, e.item or "") for e in await store.list_events()
                  if e.kind == "crisis_shown")


async def in_interview(gate: SafetyGate) -> UserRow:
    service = gate.service
    person = await service.set_jurisdiction(await service.user("7", language="en"), "demo")
    await service.handle(person, events.Start())
    return person


async def test_before_a_region_a_crisis_is_counted_without_a_pack(
        gate: SafetyGate, log: EventLog, store: SQLiteStore) -> None:
    person = await gate.service.user("5", language="en")
    assert gate.check(person, CRISIS).self_harm
    alarm = await gate.screen(person, CRISIS, where="no_region")
    assert alarm is not None and alarm.hold
    assert await shown(log, store) == [(NO_PACK, "crisis")]


async def test_a_crisis_held_in_an_interview_talk_now_and_the_results_are_counted(
        gate: SafetyGate, log: EventLog, store: SQLiteStore) -> None:
    person = await in_interview(gate)
    alarm = await gate.screen(person, CRISIS, where="interview")
    assert alarm is not None and alarm.hold  # the engine never sees it: the gate counts it
    assert "findahelpline.com" in gate.talk(person, None)  # "talk to someone now"
    assert await gate.preface(person, None)  # the lines again, above the results
    assert await shown(log, store) == [("demo", "crisis"), ("demo", "results"), ("demo", "talk")]


async def test_danger_in_an_interview_is_counted_once_by_the_engine_elsewhere_by_the_gate(
        gate: SafetyGate, log: EventLog, store: SQLiteStore) -> None:
    person = await in_interview(gate)
    alarm = await gate.screen(person, DANGER, where="interview")
    assert alarm is not None and not alarm.hold  # the channel lets the engine answer it
    turn = await gate.service.handle(person, events.Say(DANGER))
    assert any(getattr(reply, "tone", "") == "safety" for reply in turn.replies)
    assert await shown(log, store) == [("demo", "words")]  # once, not twice
    await gate.screen(person, DANGER, where="menu")
    assert await shown(log, store) == [("demo", "danger"), ("demo", "words")]


async def test_the_events_hold_no_words_of_the_message(
        gate: SafetyGate, log: EventLog, store: SQLiteStore, tmp_path: Path) -> None:
    person = await in_interview(gate)
    for text, where in ((CRISIS, "interview"), (DANGER, "results"), (CRISIS, "letter_detail")):
        await gate.screen(person, text, where=where)
    assert await shown(log, store) == [("demo", "crisis"), ("demo", "crisis"),
                                       ("demo", "danger")]
    with closing(sqlite3.connect(tmp_path / "crisis.sqlite3")) as raw:
        rows = raw.execute("SELECT day, kind, pack_id, version, item, token, seq "
                           "FROM events").fetchall()
    dump = repr(rows).lower()
    for word in ("kill", "myself", "coming", "house"):
        assert word not in dump, word
