"""The diary's own logic in process: the new-contact recogniser (Chinese, Traditional Chinese,
English; what it must not take), the record's counts (per day, any 7 days, night by the
pack's hours, third parties), a reminder's local due time, and the reminder loop against a
real SQLite store (sent once, waits for the morning on the person's clock, released when
sending fails)."""

from __future__ import annotations

import datetime as dt
import json
import zoneinfo
from pathlib import Path

import pytest

from bot.diary import record as rec
from bot.diary.book import due_at
from bot.diary.recognise import channel_option, recognise
from bot.diary.reminders import ReminderLoop, sane_hours
from flows import load_pack
from storage import DiaryEntryRow, NewReminder, ReminderRow, UserRow, open_store
from tests.conftest import ROOT

CN = load_pack(ROOT / "flows" / "packs" / "cn")
US = load_pack(ROOT / "flows" / "packs" / "us")
SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")


@pytest.mark.parametrize(("text", "when", "kind", "contacts"), [
    ("They called again this morning…", "today", "call", 1),
    ("今天上午又打了十几个电话", "today", "call", 10),
    ("今天上午又打了十幾個電話", "today", "call", 10),  # Traditional folds to Simplified
    ("他們昨晚又打給我媽", "yesterday", "call", 1),
    ("They texted me again yesterday, 5 texts", "yesterday", "sms", 5),
    ("刚才又来电话了", "now", "call", 1),
    ("they showed up at my door again", "now", "visit", 1),
])
def test_a_new_contact_is_recognised_with_what_can_be_prefilled(
        text: str, when: str, kind: str, contacts: int) -> None:
    found = recognise(text)
    assert found is not None
    assert (found.when, found.kind, found.contacts) == (when, kind, contacts)


def test_other_people_named_are_offered_as_the_packs_own_options() -> None:
    from bot.diary.recognise import people_options

    found = recognise("他們昨晚又打給我媽，還打到我單位")
    assert found is not None and found.people == ("parent", "employer")
    assert people_options(found.people, [o for o, _ in rec.third_party_options(CN, "en")]) \
        == ["family", "employer"]
    us = recognise("They called my mother, my wife and my boss again today")
    assert us is not None
    assert people_options(us.people, [o for o, _ in rec.third_party_options(US, "en")]) == \
        ["parent", "spouse", "employer"]  # the US pack's own ids
    plain = recognise("They called again")
    assert plain is not None and plain.people == ()


@pytest.mark.parametrize("text", [
    "Hello", "I want to know my rights", "what should I say when they call?",
    "they stopped calling", "他们今天没打电话", "我让他们别再打了", "/start", "",
    "help me write a letter", "谢谢",
])
def test_other_text_is_not_taken_for_a_contact(text: str) -> None:
    assert recognise(text) is None


def test_a_channel_kind_maps_to_the_packs_own_option() -> None:
    assert channel_option("sms", ["call", "sms", "chat"]) == "sms"
    assert channel_option("sms", ["call", "text", "email"]) == "text"  # the US pack's id
    assert channel_option("chat", ["call", "message"]) == "message"
    assert channel_option("email", ["call", "sms"]) is None and channel_option(None, []) is None


def entry(day: str, at: str | None = None, n: int = 1, others: object = None) -> DiaryEntryRow:
    return DiaryEntryRow(source="quick", pack_id="cn", occurred_at=at or day, occurred_day=day,
                         contacts=n, third_parties_json=None if others is None else
                         json.dumps(others), id=1, user_id=1, created_at="")


def test_counts_per_day_in_any_seven_days_at_night_and_to_others() -> None:
    entries = [
        entry("2026-11-01", "2026-11-01T23:30:00+08:00", 5, ["family"]),
        entry("2026-11-05", n=4),
        entry("2026-11-07", "2026-11-07T07:59:00+08:00", 2),  # night: before 08:00
        entry("2026-11-08", "2026-11-08T08:00:00+08:00", 6, ["none"]),  # day; nobody else
        entry("2026-11-20", n=1, others={"employer": 3}),
    ]
    record = rec.count(entries, CN)
    assert (record.total, record.days, record.max_day) == (18, 5, 6)
    assert record.max_7_days == 12  # 11-05 .. 11-08 (11-01 is 7 days before 11-08: out)
    assert record.night == 2 and record.third_parties == 2
    assert record.facts() == {"total": 18, "days": 5, "max_day": 6, "max_7_days": 12,
                              "night": 2, "third_parties": 2}
    assert rec.count([], CN).facts() == {}  # no record: rules see "unknown", not zero
    alone = DiaryEntryRow(source="file", pack_id="cn", occurred_at="2026-11-08",
                          occurred_day="2026-11-08", id=9, user_id=1, created_at="")
    assert rec.count([*entries, alone], CN) == record  # a file alone claims no contact
    # the US pack counts from 9 p.m.: the same 21:30 call is night there, not in the cn pack
    late = [entry("2026-11-01", "2026-11-01T21:30:00-05:00")]
    assert rec.count(late, US).night == 1 and rec.count(late, CN).night == 0


def test_a_reminder_falls_due_at_a_sane_hour_of_the_persons_day() -> None:
    noon = dt.datetime(2026, 12, 3, 4, 0, tzinfo=dt.UTC)  # 12:00 in Shanghai
    assert due_at(noon, 15, SHANGHAI, (9, 20)) == dt.datetime(2026, 12, 18, 12, 0,
                                                               tzinfo=SHANGHAI)
    late = dt.datetime(2026, 12, 3, 15, 30, tzinfo=dt.UTC)  # 23:30 in Shanghai
    assert due_at(late, 7, SHANGHAI, (9, 20)) == dt.datetime(2026, 12, 10, 9, 0,
                                                              tzinfo=SHANGHAI)
    assert sane_hours({"CALLSHIELD_REMINDER_HOURS": "8-21"}) == (8, 21)
    assert sane_hours({"CALLSHIELD_REMINDER_HOURS": "21-8"}) == (9, 20)  # refused, logged


async def test_the_loop_sends_once_waits_for_morning_and_retries_a_failed_send(
        tmp_path: Path) -> None:
    sent: list[tuple[str, str]] = []
    failing = [True]

    async def send(user: UserRow, text: str, row: ReminderRow) -> None:
        if failing[0]:
            failing[0] = False
            raise ConnectionError("network down")
        sent.append((user.external_id, text))

    async with await open_store(tmp_path / "db.sqlite3") as store:
        user = await store.get_or_create_user("telegram", "42", language="en",
                                              jurisdiction="cn", timezone="Asia/Shanghai")
        await store.add_reminder(user.id, NewReminder("cn", "regulator_complaint", "reply_due",
                                                      "2026-12-10T01:00:00+00:00"))
        night = dt.datetime(2026, 12, 10, 17, 0, tzinfo=dt.UTC)  # 01:00 in Shanghai
        loop = ReminderLoop(store, {"cn": CN}, send, clock=lambda: night, every_s=1,
                            hours=(9, 20))
        assert await loop.run_once() == 0 and sent == []  # due, but asleep there
        morning = dt.datetime(2026, 12, 11, 1, 30, tzinfo=dt.UTC)  # 09:30 in Shanghai
        loop.clock = lambda: morning
        assert await loop.run_once() == 0  # the send failed: released, not lost
        assert await loop.run_once() == 1
        assert await loop.run_once() == 0  # sent once
    assert sent == [("42", CN.text(CN.data.letters["regulator_complaint"].follow_ups[0].text,
                                   "en"))]
    assert "15 days" in sent[0][1]


def test_every_diary_text_exists_in_every_language_and_pages_stay_short() -> None:
    from bot.diary import view
    from bot.diary.texts import TEXTS

    for table in TEXTS.values():
        assert set(table) == set(TEXTS["en"])
    busy = [entry("2026-11-01", f"2026-11-01T{h:02d}:00:00+08:00") for h in range(8, 22)]
    for language in TEXTS:
        pages = view.pages(busy * 3, CN, language)
        assert all(len(page) <= view.PAGE_LIMIT for page in pages)
        assert "\u2026" in pages[0]  # a busy day shows its latest lines and counts the rest


def test_rules_read_the_record_only_when_the_channel_gives_it() -> None:
    from flows.conditions import compile_condition
    from flows.facts import collect
    from flows.state import State

    frequent = compile_condition(CN.data.conditions["frequent"], CN.data.conditions)
    state = State(pack="cn", pack_version=CN.version, language="en", timezone="Asia/Shanghai",
                  started_at="")
    assert not frequent(collect(CN, state))  # no record: unknown, nothing fires
    busy = state.with_(record={"max_day": 7, "max_7_days": 20})
    assert collect(CN, busy)["record.max_day"] == 7 and frequent(collect(CN, busy))
    assert not frequent(collect(CN, state.with_(record={"max_day": 6, "max_7_days": 42})))
    assert State.from_json(busy.to_json()) == busy  # the record travels with the state


def test_the_validator_knows_the_record_and_names_a_wrong_count(tmp_path: Path) -> None:
    import shutil

    from flows import inspect_pack
    from tests.conftest import DEMO

    folder = tmp_path / "demo"
    shutil.copytree(DEMO, folder)
    conditions = folder / "rules.yaml"
    text = conditions.read_text(encoding="utf-8")
    good = text.replace("    when: {fact: count, gte: 10}", "    when: {any: [{fact: count, gte: 10},"
                        " {fact: record.max_day, gte: 10}]}")
    conditions.write_text(good, encoding="utf-8")
    pack, issues = inspect_pack(folder, ROOT / "templates")
    assert pack is not None, [i.message for i in issues if i.level == "error"]
    conditions.write_text(good.replace("record.max_day", "record.max_dya"), encoding="utf-8")
    pack, issues = inspect_pack(folder, ROOT / "templates")
    assert pack is None
    assert any("max_dya" in i.message and "max_7_days" in i.message for i in issues)
