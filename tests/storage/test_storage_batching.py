"""Group commit: many tasks' writes in one trip, each caller returning only once committed."""

from __future__ import annotations

import asyncio
import sqlite3
import pytest

from storage import SQLiteStore, UnknownUser
from storage.batching import _multi_row
from storage.sealing import STATE

pytestmark = pytest.mark.sqlite_only  # group commit saves SQLite thread hops; PostgreSQL writes at once


async def traced(store: SQLiteStore) -> list[str]:
    """Statements SQLite runs on the store's connection (its own trace hook, no mock)."""
    seen: list[str] = []
    conn = store._gate._conn  # white-box: the store's one connection
    assert conn is not None
    await conn.set_trace_callback(seen.append)
    return seen


async def test_concurrent_saves_are_each_committed_before_returning(
        store: SQLiteStore, raw: sqlite3.Connection, opened) -> None:
    users = [await store.get_or_create_user("telegram", str(n)) for n in range(40)]

    async def save(user_id: int) -> None:
        await store.save_conversation(user_id, f'{{"u": {user_id}}}', "p", "1")
        # another connection already sees it: committed, not merely queued
        [stored] = raw.execute("SELECT state_json FROM conversations WHERE user_id = ?",
                               (user_id,)).fetchone()
        assert opened(STATE, stored, user_id) == f'{{"u": {user_id}}}'  # sealed on disk

    seen = await traced(store)
    await asyncio.gather(*(save(u.id) for u in users))
    assert raw.execute("SELECT COUNT(*) FROM conversations").fetchone() == (40,)
    saves = [s for s in seen if s.startswith("INSERT INTO conversations")]
    assert len(saves) < 40 and saves[-1].count("), (") >= 1  # grouped, several rows a statement


async def test_a_large_group_is_split_under_sqlites_parameter_limit(
        store: SQLiteStore, raw: sqlite3.Connection) -> None:
    users = [await store.get_or_create_user("telegram", str(n)) for n in range(450)]
    seen = await traced(store)
    await asyncio.gather(*(store.save_conversation(u.id, "{}", "p", "1") for u in users))
    assert raw.execute("SELECT COUNT(*) FROM conversations").fetchone() == (450,)
    rows = [s.count("), (") + 1 for s in seen if s.startswith("INSERT INTO conversations")]
    assert sum(rows) == 450 and max(rows) <= 999 // 5  # five parameters a row


def test_only_a_single_row_insert_can_be_grouped() -> None:
    assert _multi_row("INSERT INTO t (a, b) VALUES (?, ?) ON CONFLICT DO NOTHING", 3) == (
        "INSERT INTO t (a, b) VALUES (?, ?), (?, ?), (?, ?) ON CONFLICT DO NOTHING")
    with pytest.raises(ValueError, match="not a single-row INSERT"):
        _multi_row("DELETE FROM t WHERE a = ?", 2)


async def test_concurrent_update_ids_are_recorded_in_one_statement(
        store: SQLiteStore, raw: sqlite3.Connection) -> None:
    assert await store.record_update("telegram", 5) is True
    # another process recorded 7 meanwhile: the group must not call it new
    raw.execute("INSERT INTO processed_updates VALUES ('telegram', 7, '2026-01-01T00:00:00')")
    seen = await traced(store)
    ids = [5, 7, *range(100, 130), 100]  # known, known elsewhere, new, repeated in the group
    answers = await asyncio.gather(*(store.record_update("telegram", i) for i in ids))
    assert answers == [False, False, *[True] * 30, False]
    inserts = [s for s in seen if s.startswith("INSERT INTO processed_updates")]
    assert len(inserts) == 1  # one trip for all 33
    assert raw.execute("SELECT COUNT(*) FROM processed_updates").fetchone() == (32,)
    assert await store.record_update("telegram", 129) is False


async def test_one_bad_row_fails_only_its_own_caller(store: SQLiteStore,
                                                     raw: sqlite3.Connection) -> None:
    users = [await store.get_or_create_user("telegram", str(n)) for n in range(5)]
    ids = [u.id for u in users] + [99_999]  # no such user: the foreign key refuses it
    results = await asyncio.gather(
        *(store.save_conversation(i, '{"ok": true}', "p", "1") for i in ids),
        return_exceptions=True)
    assert results[:5] == [None] * 5
    assert isinstance(results[5], UnknownUser)
    assert raw.execute("SELECT COUNT(*) FROM conversations").fetchone() == (5,)
    for user in users:
        row = await store.load_conversation(user.id)
        assert row is not None and row.state_json == '{"ok": true}'


async def test_a_cancelled_caller_still_gets_its_row_written(store: SQLiteStore,
                                                             raw: sqlite3.Connection,
                                                             opened) -> None:
    user = await store.get_or_create_user("telegram", "1")
    task = asyncio.create_task(store.save_conversation(user.id, '{"n": 1}', "p", "1"))
    await asyncio.sleep(0)  # queued
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    for _ in range(100):
        if raw.execute("SELECT COUNT(*) FROM conversations").fetchone() == (1,):
            break
        await asyncio.sleep(0.01)
    [stored] = raw.execute("SELECT state_json FROM conversations").fetchone()
    assert opened(STATE, stored, user.id) == '{"n": 1}'
