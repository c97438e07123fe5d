"""Honest errors: each storage failure names its cause (in ``StorageError.cause`` and in one
log line) and says how to fix it, and a write that failed is claimed saved by nothing —
not the row cache, not the update-id ledger, not the database."""

from __future__ import annotations

import json
import logging
import os
import sqlite3
from collections.abc import Iterator
from contextlib import closing
from pathlib import Path

import pytest

from storage import Cause, NewIncident, StorageError, StorageUnavailable, causes, open_store
from tests.storage.people import PERSON, fill

SMALL = '{"step": 1}'


@pytest.fixture(autouse=True)
def fresh_failure_log() -> Iterator[None]:
    """Each test sees the first failure of each cause logged (repeats are held back)."""
    causes._last_logged.clear()
    causes._held_back.clear()
    yield


def stored_update_ids(db_path: Path) -> list[int]:
    with closing(sqlite3.connect(db_path)) as raw:
        return [row[0] for row in raw.execute("SELECT update_id FROM processed_updates")]


async def test_a_full_database_says_so_and_nothing_claims_the_write_was_saved(
        db_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    async with await open_store(db_path) as store:
        user = await store.get_or_create_user("telegram", "1")
        await store.save_conversation(user.id, SMALL, "cn", "1")
        conn = store._gate._conn  # white-box: SQLite's own size limit, a genuine SQLITE_FULL
        assert conn is not None
        [(pages,)] = await conn.execute_fetchall("PRAGMA page_count")
        await conn.execute(f"PRAGMA max_page_count = {pages + 1}")
        big = json.dumps({"story": PERSON["story"] * 400})
        assert await store.claim_update("telegram", 77)
        with caplog.at_level(logging.ERROR, logger="storage.causes"):
            with pytest.raises(StorageError) as info:
                await store.save_conversation(user.id, big, "cn", "1", update=("telegram", 77))
            for _ in range(20):  # a failing disk fails everything: logged once, not 20 times
                with pytest.raises(StorageError):
                    await store.set_profile_field(user.id, "story", big)
        assert info.value.cause is Cause.DISK_FULL and info.value.cause.transient
        assert "full" in str(info.value) and "Nothing of this request was saved" in str(
            info.value)
        lines = [r.getMessage() for r in caplog.records if r.name == "storage.causes"]
        assert lines == ["storage failure: cause=disk_full (SQLITE_FULL)"]
        # nothing claims it was saved
        row = await store.load_conversation(user.id)
        assert row is not None and row.state_json == SMALL
        assert store._updates.ledger.pending("telegram", 77)  # white-box: not stored
        assert stored_update_ids(db_path) == []
        assert await store.get_profile(user.id) == {}
        with pytest.raises(StorageError) as info:  # a transaction: all of it, or none
            async with store.transaction():
                await store.save_conversation(user.id, '{"step": 2}', "cn", "1")
                await store.add_incident(user.id, NewIncident(
                    None, None, None, None, None, big, None, "cn", "1"), [])
        assert info.value.cause is Cause.DISK_FULL
        assert (await store.load_conversation(user.id)).state_json == SMALL  # type: ignore[union-attr]
        assert await store.list_incidents(user.id) == []
        assert (await store.export_user(user.id))["conversation"]["state"] == {"step": 1}

        await conn.execute("PRAGMA max_page_count = 1073741823")  # space again
        await store.save_conversation(user.id, big, "cn", "1", update=("telegram", 77))
        assert stored_update_ids(db_path) == [77]
    assert PERSON["story"] not in caplog.text


async def test_a_transaction_sqlite_undid_can_neither_go_on_nor_commit(db_path: Path) -> None:
    """SQLITE_FULL rolls back the whole transaction; a caller that catches the error and
    carries on must not get its later writes committed on their own."""
    async with await open_store(db_path) as store:
        user = await store.get_or_create_user("telegram", "1")
        conn = store._gate._conn  # white-box: a genuine SQLITE_FULL
        assert conn is not None
        [(pages,)] = await conn.execute_fetchall("PRAGMA page_count")
        await conn.execute(f"PRAGMA max_page_count = {pages + 1}")
        with pytest.raises(StorageError) as outer:
            async with store.transaction():
                await store.set_profile_field(user.id, "full_name", "first")
                with pytest.raises(StorageError):
                    await store.set_profile_field(user.id, "story", PERSON["story"] * 400)
                with pytest.raises(StorageError, match="rolled all of it back"):
                    await store.set_profile_field(user.id, "address", "after")
        assert outer.value.cause is Cause.DISK_FULL
        assert await store.get_profile(user.id) == {}


async def test_a_database_locked_by_another_process_is_named_busy(db_path: Path) -> None:
    async with await open_store(db_path, busy_timeout_s=0.2) as store:
        user = await store.get_or_create_user("telegram", "1")
        with closing(sqlite3.connect(db_path, isolation_level=None)) as holder:
            holder.execute("BEGIN EXCLUSIVE")
            with pytest.raises(StorageUnavailable) as info:
                await store.save_conversation(user.id, SMALL, "cn", "1")
            holder.execute("ROLLBACK")
        assert info.value.cause is Cause.BUSY and "locked by another process" in str(info.value)
        await store.save_conversation(user.id, SMALL, "cn", "1")  # works once released


async def test_a_damaged_page_is_named_corrupt(db_path: Path) -> None:
    async with await open_store(db_path) as store:
        user_id, _ = await fill(store)
    with closing(sqlite3.connect(db_path)) as raw:
        raw.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        [(root,)] = raw.execute("SELECT rootpage FROM sqlite_master WHERE name = 'profile_fields'")
        [(page_size,)] = raw.execute("PRAGMA page_size")
    with db_path.open("r+b") as file:  # a disk that returned garbage for one page
        file.seek((root - 1) * page_size)
        file.write(b"\xa5" * page_size)
    async with await open_store(db_path, cache=False) as store:
        with pytest.raises(StorageError) as info:
            await store.get_profile(user_id)
    assert info.value.cause is Cause.CORRUPT and "restore the file from a backup" in str(
        info.value)


async def test_a_file_that_is_not_a_database_is_named_corrupt(tmp_path: Path) -> None:
    path = tmp_path / "notes.db"
    path.write_bytes(os.urandom(8192))
    with pytest.raises(StorageUnavailable, match="not a SQLite database") as info:
        await open_store(path)
    assert info.value.cause is Cause.CORRUPT


async def test_a_directory_is_named_cannot_open(tmp_path: Path) -> None:
    with pytest.raises(StorageUnavailable, match="is a directory") as info:
        await open_store(tmp_path)
    assert info.value.cause is Cause.CANNOT_OPEN


async def test_a_closed_store_says_so(db_path: Path) -> None:
    store = await open_store(db_path)
    await store.close()
    with pytest.raises(StorageError) as info:
        await store.get_user("telegram", "1")
    assert info.value.cause is Cause.CLOSED
