"""The event log: emitted by the service, written in batches, no personal data; the stats."""

from __future__ import annotations

import asyncio
import datetime as dt
import io
import logging
import sqlite3
from collections.abc import AsyncIterator
from contextlib import closing
from pathlib import Path

import pytest
from PIL import Image

from bot.analytics import EventLog, retention_days
from bot.letters.desk import LetterDesk
from bot.operators.chart import render_png
from bot.operators.stats import build_report
from bot.service import GuidanceService
from flows import events, load_pack
from storage import Event, SQLiteStore, UserRow, open_store
from tests.conftest import DEMO
from tests.operators.conftest import Cli

SECRETS = ("Huijin Credit", "138 0013 8000", "They kept calling me at work")
INTERVIEW = [events.Pick("caller", "lender"), events.Say(SECRETS[0]), events.Say("昨晚10点"),
             events.Say(SECRETS[1]), events.Say("12"), events.Pick("others", "family"),
             events.Done("others"), events.Say(SECRETS[2])]


@pytest.fixture
async def store(tmp_path: Path) -> AsyncIterator[SQLiteStore]:
    async with await open_store(tmp_path / "events.sqlite3") as opened:
        yield opened


@pytest.fixture
def log(store: SQLiteStore) -> EventLog:
    return EventLog(store)


@pytest.fixture
def service(store: SQLiteStore, log: EventLog) -> GuidanceService:
    return GuidanceService(store, {"demo": load_pack(DEMO)}, channel="telegram", events=log)


async def user(service: GuidanceService, external: str) -> UserRow:
    return await service.set_jurisdiction(await service.user(external, language="en"), "demo")


async def test_an_interview_leaves_events_and_no_personal_data(
        service: GuidanceService, log: EventLog, store: SQLiteStore, tmp_path: Path,
        caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    person = await user(service, "424242")
    await service.handle(person, events.Start())
    for event in INTERVIEW:
        await service.handle(person, event)
    await LetterDesk(service).file(person, "complaint", "docx")
    await service.handle(person, events.Say("I want to die"))  # after the end: safety words
    assert await store.list_events() == []  # nothing written yet: batched
    await log.flush()
    rows = await store.list_events()
    kinds = [e.kind for e in rows]
    assert kinds.count("finished") == 1 and kinds.count("letter_drafted") == 1
    assert sorted(e.item for e in rows if e.kind == "rule_fired") == [
        "many_calls", "night", "third_parties"]
    reached = [e.item for e in sorted(rows, key=lambda e: e.seq or 0)
               if e.kind == "question_reached"]
    assert reached == ["caller", "lender", "when", "number", "count", "others", "story"]
    tokens = {e.token for e in rows if e.token}
    assert len(tokens) == 1 and len(next(iter(tokens))) == 32
    assert {e.token for e in rows if e.kind in ("rule_fired", "letter_drafted")} == {None}
    assert {e.day for e in rows} == {dt.datetime.now(dt.UTC).date().isoformat()}
    with closing(sqlite3.connect(tmp_path / "events.sqlite3")) as raw:
        dump = "\n".join(raw.iterdump())
    events_rows = [line for line in dump.splitlines() if line.startswith('INSERT INTO "events"')]
    assert len(events_rows) == len(rows)
    for line in events_rows:  # what a typed answer or the chat id could have left: nothing
        assert not any(secret in line for secret in (*SECRETS, "424242")), line
    ours = [r for r in caplog.records if r.name.split(".")[0] in ("bot", "flows", "storage")]
    logged = "\n".join(r.getMessage() for r in ours)  # (the runner keeps aiosqlite at INFO)
    assert ours and not any(secret in logged for secret in SECRETS)


async def test_restart_cancel_and_crisis_are_counted(service: GuidanceService, log: EventLog,
                                                     store: SQLiteStore) -> None:
    person = await user(service, "1")
    await service.handle(person, events.Start())
    await service.handle(person, events.Pick("caller", "agency"))
    await service.handle(person, events.Restart())
    await service.handle(person, events.Unsafe())
    await service.handle(person, events.Cancel())
    service.crisis_shown(person, "menu")
    await log.flush()
    rows = await store.list_events()
    abandoned = [e for e in rows if e.kind == "abandoned"]
    assert sorted(e.item for e in abandoned) == ["caller", "when"]  # restart, then cancel
    assert len({e.token for e in abandoned}) == 2  # the restart began a new interview
    assert sorted(e.item for e in rows if e.kind == "crisis_shown") == ["menu", "unsafe"]


async def test_batches_flush_by_themselves_and_old_days_are_pruned(store: SQLiteStore) -> None:
    pack = load_pack(DEMO)
    clock = [dt.datetime(2026, 1, 1, tzinfo=dt.UTC)]
    log = EventLog(store, keep_days=30, clock=lambda: clock[0])
    for _ in range(500):  # a full batch is written without waiting for the timer
        log.letter_drafted(pack, "complaint")
    for _ in range(100):
        await asyncio.sleep(0.01)
        if await store.list_events():
            break
    assert len(await store.list_events()) == 500
    clock[0] = dt.datetime(2026, 3, 1, tzinfo=dt.UTC)
    assert await log.prune() == 500
    assert retention_days({"CALLSHIELD_EVENTS_DAYS": "7"}) == 7
    assert retention_days({"CALLSHIELD_EVENTS_DAYS": "forever"}) == 180


def test_the_report_counts_drop_off_per_interview_not_per_visit() -> None:
    day = "2026-11-20"
    rows = [Event(day, "question_reached", "demo", "v", "caller", "a", 1),
            Event(day, "question_answered", "demo", "v", "caller", "a", 2),
            Event(day, "question_reached", "demo", "v", "when", "a", 3),
            Event(day, "question_reached", "demo", "v", "caller", "a", 4),  # Back
            Event(day, "question_reached", "demo", "v", "when", "a", 5),
            Event(day, "question_reached", "demo", "v", "caller", "b", 1),
            Event(day, "question_answered", "demo", "v", "caller", "b", 2),
            Event(day, "question_reached", "demo", "v", "when", "b", 3),
            Event(day, "finished", "demo", "v", None, "b", 4),
            Event(day, "rule_fired", "demo", "v", "night"),
            Event(day, "rule_fired", "demo", "w", "night"),
            Event(day, "letter_drafted", "demo", "v", "complaint")]
    report = build_report(rows, since=day, packs={"demo": load_pack(DEMO)},
                          today=dt.date(2026, 12, 3))
    lines = {q.node: q for q in report.questions}
    assert (lines["caller"].reached, lines["caller"].answered, lines["caller"].stopped) == (
        2, 2, 0)
    assert (lines["when"].reached, lines["when"].stopped, lines["when"].drop_off) == (2, 1, 0.5)
    assert (report.started, report.finished) == (2, 1)
    assert [(r, rel, n) for _, r, rel, n in report.rules] == [("night", "folder v", 1),
                                                             ("night", "folder w", 1)]
    assert report.letters == [("demo", "complaint", "demo/complaint.zh-Hans.txt.j2", 1)]
    image = Image.open(io.BytesIO(render_png(report)))
    assert image.format == "PNG" and image.width == 1000 and image.height > 200


def test_stats_command_prints_tables_and_draws_a_png(cli: Cli, tmp_path: Path) -> None:
    async def record() -> None:
        async with await open_store(tmp_path / "ops.sqlite3") as store:
            today = dt.date.today().isoformat()
            await store.add_events([
                Event(today, "question_reached", "demo", "v", "caller", "t", 1),
                Event(today, "rule_fired", "demo", "v", "night")])

    asyncio.run(record())
    png = tmp_path / "stats.png"
    code, out = cli("stats", "--png", str(png))
    assert code == 0
    assert "1 interview(s) started, 0 finished" in out
    assert "demo       caller" in out and "night" in out and f"chart written to {png}" in out
    assert png.read_bytes().startswith(b"\x89PNG")
