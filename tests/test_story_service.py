"""A story interview through the service and a real SQLite file: a date without an hour is
stored with the report, never turned into a midnight moment."""

from __future__ import annotations

from pathlib import Path

from bot.service import GuidanceService
from flows import events
from storage import open_store
from tests.flows.storykit import NOW, story_pack


async def test_a_story_report_with_a_date_alone_is_recorded(tmp_path: Path) -> None:
    async with await open_store(tmp_path / "s.sqlite3", cache=False) as store:
        service = GuidanceService(store, {"story": story_pack()}, channel="console",
                                  clock=lambda: NOW)
        user = await service.set_jurisdiction(await service.user("1", language="en"), "story")
        await service.handle(user, events.Start())
        await service.handle(user, events.Say("They texted me twice yesterday."))
        turn = await service.handle(user, events.Done("story"))
        for event in (events.Say("0"), events.Done("others"), events.Done("said"),
                      events.Done("did"), events.Pick("paid", "no"),
                      events.DontKnow("lender_name")):
            turn = await service.handle(user, event)
        turn = await service.handle(user, events.Say("NT$20萬"))
        assert turn.incident_id is not None
        (incident,) = await store.list_incidents(user.id)
        assert incident.occurred_at is None  # "yesterday": a day, not an instant
        assert '"contact_time": "2026-11-27"' in incident.facts_json
        assert '"amount": {"amount": 200000, "currency": "TWD"}' in incident.facts_json
