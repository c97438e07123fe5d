"""Retention: data older than CALLSHIELD_RETENTION_DAYS is purged at start and daily, and the
purge leaves no copy in the files."""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
import sqlite3
from contextlib import closing
from pathlib import Path

import pytest

from storage import Retention, open_store
from storage.retention import PURGES, SqlPurge, parse_days, register_purge
from tests.storage.people import PERSON, copies, fill, sealed_forms

LONG_AGO = "2020-01-01T00:00:00.000000+00:00"


def age(db_path: Path, sql: str, *params: object) -> None:
    """Make rows old, as time would (the store stamps rows with the real clock)."""
    with closing(sqlite3.connect(db_path)) as raw, raw:
        raw.execute(sql, params)


def counts(db_path: Path) -> dict[str, int]:
    with closing(sqlite3.connect(db_path)) as raw:
        return {table: raw.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0]
                for table in ("incidents", "findings", "conversations", "profile_fields",
                              "users")}


def test_the_period_is_parsed_strictly() -> None:
    assert parse_days(None) is None and parse_days("") is None and parse_days(" OFF ") is None
    assert parse_days("30") == 30
    for bad in ("0", "-5", "1.5", "thirty", "99999999"):
        with pytest.raises(ValueError, match="CALLSHIELD_RETENTION_DAYS"):
            parse_days(bad)
    assert Retention.from_env({"CALLSHIELD_RETENTION_DAYS": "7"}).days == 7
    assert Retention.from_env({}).days is None


async def test_old_data_is_purged_at_start_and_leaves_no_copy(db_path: Path) -> None:
    async with await open_store(db_path, retention=Retention()) as store:
        old_user, _ = await fill(store)
        recent_user, _ = await fill(store, {**PERSON, "telegram_id": "5"})
    old_forms = sealed_forms(db_path, old_user)
    for table in ("incidents",):
        age(db_path, f"UPDATE {table} SET created_at = ? WHERE user_id = ?", LONG_AGO, old_user)
    for table in ("conversations", "profile_fields"):
        age(db_path, f"UPDATE {table} SET updated_at = ? WHERE user_id = ?", LONG_AGO, old_user)

    async with await open_store(db_path, retention=Retention(days=30)) as store:
        assert await store.list_incidents(old_user) == []
        assert await store.load_conversation(old_user) is None
        assert await store.get_profile(old_user) == {}
        assert len(await store.list_incidents(recent_user)) == 1  # younger: kept
        assert (await store.get_profile(recent_user))["address"] == PERSON["address"]
        assert await store.get_user_by_id(old_user) is not None  # the account stays
        assert copies(db_path, old_forms) == {}  # purged values are gone from every file
    assert counts(db_path) == {"incidents": 1, "findings": 1, "conversations": 1,
                               "profile_fields": 4, "users": 2}


async def test_retention_off_keeps_everything(db_path: Path) -> None:
    async with await open_store(db_path, retention=Retention()) as store:
        user_id, _ = await fill(store)
    age(db_path, "UPDATE incidents SET created_at = ?", LONG_AGO)
    async with await open_store(db_path, retention=Retention(days=None)) as store:
        assert await store.purge_expired() == {}
        assert len(await store.list_incidents(user_id)) == 1


async def test_a_running_store_purges_again_every_period(db_path: Path) -> None:
    store = await open_store(db_path, retention=Retention(days=30, every_s=0.05))
    try:
        user_id, _ = await fill(store)
        assert await store.load_conversation(user_id) is not None  # cached
        age(db_path, "UPDATE incidents SET created_at = ?", LONG_AGO)
        age(db_path, "UPDATE conversations SET updated_at = ?", LONG_AGO)
        for _ in range(100):
            await asyncio.sleep(0.02)
            if not await store.list_incidents(user_id):
                break
        assert await store.list_incidents(user_id) == []
        assert await store.load_conversation(user_id) is None  # the cached copy went too
    finally:
        await store.close()
    assert [t for t in asyncio.all_tasks() if t.get_name() == "retention"] == []


async def test_another_kind_of_data_registers_its_own_purge(db_path: Path) -> None:
    async with await open_store(db_path, retention=Retention()) as store:
        user_id, _ = await fill(store)
    age(db_path, "CREATE TABLE diary (user_id INTEGER, entry BLOB, created_at TEXT)")
    age(db_path, "INSERT INTO diary VALUES (?, x'00', ?), (?, x'01', ?)", user_id, LONG_AGO,
        user_id, dt.datetime.now(dt.UTC).isoformat())
    register_purge("example entries", SqlPurge(("DELETE FROM diary WHERE created_at < ?",)))
    try:
        async with await open_store(db_path, retention=Retention(days=1)) as store:
            removed = await store.purge_expired(now=dt.datetime.now(dt.UTC))
            assert removed["example entries"] == 0  # the old entry went at start already
        with closing(sqlite3.connect(db_path)) as raw:
            assert raw.execute("SELECT COUNT(*) FROM diary").fetchone() == (1,)
    finally:
        del PURGES["example entries"]


async def test_a_purge_is_counted_by_kind(db_path: Path,
                                          caplog: pytest.LogCaptureFixture) -> None:
    async with await open_store(db_path, retention=Retention()) as store:
        await fill(store)
    async with await open_store(db_path, retention=Retention(days=10)) as store:
        later = dt.datetime.now(dt.UTC) + dt.timedelta(days=11)
        with caplog.at_level(logging.INFO, logger="storage.rights"):
            removed = await store.purge_expired(now=later)
    assert removed == {"incidents": 1, "conversations": 1, "letter details": 4,
                       "diary entries": 0, "reminders": 0}
    logged = [r.getMessage() for r in caplog.records if "retention" in r.getMessage()]
    assert logged == ["retention (10 days): deleted 1 incidents, 1 conversations, "
                      "4 letter details"]
    assert PERSON["address"] not in " ".join(logged)


async def test_a_failing_purge_does_not_stop_the_start_and_is_retried(
        db_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    from storage import Cause, StorageError

    calls: list[str] = []

    async def failing(db: object, cutoff: str) -> int:  # e.g. an attachments purge whose disk
        calls.append(cutoff)  # is full
        raise StorageError("no space", cause=Cause.DISK_FULL)

    register_purge("attachments", failing)
    try:
        with caplog.at_level(logging.WARNING, logger="storage"):
            store = await open_store(db_path, retention=Retention(days=1, every_s=0.05))
            try:
                user = await store.get_or_create_user("telegram", "1")  # it serves anyway
                for _ in range(100):
                    if len(calls) >= 2:
                        break
                    await asyncio.sleep(0.02)
                assert await store.get_user_by_id(user.id) == user
            finally:
                await store.close()
    finally:
        del PURGES["attachments"]
    assert len(calls) >= 2  # at start, then again on the timer
    logged = caplog.text
    assert "retention purge at start failed (cause=disk_full)" in logged
    assert "retention purge failed (cause=disk_full); trying again" in logged
