"""store.transaction() and many tasks sharing one connection."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path

import pytest

from storage import NewFinding, NewIncident, SQLiteStore, StorageError, open_store
from storage.sealing import STATE


class Boom(Exception):
    pass


async def test_transaction_commits_everything_together(store: SQLiteStore, count) -> None:
    user = await store.get_or_create_user("telegram", "1")
    async with store.transaction():
        await store.save_conversation(user.id, '{"n": 1}', "p", "1")
        await store.set_profile_field(user.id, "full_name", "X")
        await store.audit(user.id, "answer_saved")
        # Not committed yet: an independent connection sees none of it.
        assert count("SELECT COUNT(*) FROM conversations") == 0
        assert count("SELECT COUNT(*) FROM audit_log") == 0
        # ...but this task reads its own writes.
        assert await store.get_profile(user.id) == {"full_name": "X"}
    assert count("SELECT COUNT(*) FROM conversations") == 1
    assert count("SELECT COUNT(*) FROM profile_fields") == 1
    assert count("SELECT COUNT(*) FROM audit_log") == 1


async def test_transaction_rolls_back_on_exception(db_path: Path, count) -> None:
    async with await open_store(db_path) as store:
        user = await store.get_or_create_user("telegram", "1")
        with pytest.raises(Boom):
            async with store.transaction():
                await store.save_conversation(user.id, '{"n": 1}', "p", "1")
                await store.add_incident(user.id, _incident(), [NewFinding("r", "low", "{}")])
                await store.record_update("telegram", 7)
                raise Boom
        assert await store.load_conversation(user.id) is None
        assert await store.record_update("telegram", 7) is True  # the first one was undone
    async with await open_store(db_path) as store:
        assert await store.list_incidents(user.id) == []
    for table in ("conversations", "incidents", "findings"):
        assert count(f"SELECT COUNT(*) FROM {table}") == 0


async def test_nested_transaction_is_a_savepoint(store: SQLiteStore, count) -> None:
    user = await store.get_or_create_user("telegram", "1")
    async with store.transaction():
        await store.set_profile_field(user.id, "kept", "yes")
        with pytest.raises(Boom):
            async with store.transaction():
                await store.set_profile_field(user.id, "undone", "yes")
                raise Boom
        assert await store.get_profile(user.id) == {"kept": "yes"}
    assert count("SELECT COUNT(*) FROM profile_fields") == 1


async def test_failed_method_inside_transaction_leaves_no_half_write(store: SQLiteStore) -> None:
    user = await store.get_or_create_user("telegram", "1")
    async with store.transaction():
        with pytest.raises(StorageError):
            await store.add_incident(999, _incident(), [])
        await store.save_conversation(user.id, "{}", "p", "1")
    assert await store.load_conversation(user.id) is not None


async def test_other_tasks_never_join_a_transaction(store: SQLiteStore) -> None:
    """Without the lock, B's write would run inside A's transaction and vanish."""
    a = await store.get_or_create_user("telegram", "a")
    b = await store.get_or_create_user("telegram", "b")
    a_inside = asyncio.Event()

    async def task_a() -> None:
        with pytest.raises(Boom):
            async with store.transaction():
                await store.save_conversation(a.id, '{"a": 1}', "p", "1")
                a_inside.set()
                await asyncio.sleep(0.05)  # B tries to write meanwhile
                raise Boom

    async def task_b() -> None:
        await a_inside.wait()
        await store.save_conversation(b.id, '{"b": 1}', "p", "1")

    await asyncio.gather(task_a(), task_b())
    assert await store.load_conversation(a.id) is None
    assert await store.load_conversation(b.id) is not None


@pytest.mark.sqlite_only  # one shared connection; PostgreSQL gives the child its own
async def test_task_started_inside_transaction_waits_for_it(store: SQLiteStore, count) -> None:
    """A child task inherits the ContextVar but is not the owner, so it waits."""
    a = await store.get_or_create_user("telegram", "a")
    b = await store.get_or_create_user("telegram", "b")
    async with store.transaction():
        await store.save_conversation(a.id, "{}", "p", "1")
        child = asyncio.create_task(store.save_conversation(b.id, "{}", "p", "1"))
        await asyncio.sleep(0.02)
        assert not child.done()
    await child
    assert count("SELECT COUNT(*) FROM conversations") == 2


async def test_cancelled_transaction_rolls_back_and_store_stays_usable(
    store: SQLiteStore,
) -> None:
    user = await store.get_or_create_user("telegram", "1")
    started = asyncio.Event()

    async def slow() -> None:
        async with store.transaction():
            await store.save_conversation(user.id, '{"n": 1}', "p", "1")
            started.set()
            await asyncio.sleep(10)

    task = asyncio.create_task(slow())
    await started.wait()
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    assert await store.load_conversation(user.id) is None
    async with store.transaction():
        await store.save_conversation(user.id, '{"n": 2}', "p", "1")
    row = await store.load_conversation(user.id)
    assert row is not None and row.state_json == '{"n": 2}'


async def test_close_inside_transaction_is_refused(store: SQLiteStore) -> None:
    async with store.transaction():
        with pytest.raises(StorageError, match="after the 'async with' block"):
            await store.close()


async def test_fifty_concurrent_users(db_path: Path, count, raw, opened) -> None:
    users, answers = 50, 20

    async def one_user(store: SQLiteStore, n: int) -> None:
        user = await store.get_or_create_user("telegram", str(n))
        for i in range(answers):
            state = json.dumps({"answers": i + 1})
            if i % 5 == 0:  # some answers arrive with an audit entry, atomically
                async with store.transaction():
                    await store.save_conversation(user.id, state, "p", "1")
                    await store.audit(user.id, "answer_saved")
            else:
                await store.save_conversation(user.id, state, "p", "1")
            await asyncio.sleep(0)
        await store.add_incident(user.id, _incident(), [NewFinding("r", "low", "{}")])

    async with await open_store(db_path) as store:
        await asyncio.gather(*(one_user(store, n) for n in range(users)))

    assert count("SELECT COUNT(*) FROM users") == users
    assert count("SELECT COUNT(*) FROM conversations") == users
    states = [opened(STATE, stored, user_id) for user_id, stored in
              raw.execute("SELECT user_id, state_json FROM conversations")]
    assert states == [json.dumps({"answers": answers})] * users  # every last answer, sealed
    assert count("SELECT COUNT(*) FROM incidents") == users
    assert count("SELECT COUNT(*) FROM findings") == users
    assert count("SELECT COUNT(*) FROM audit_log") == users * (answers // 5)
    assert count("SELECT COUNT(DISTINCT user_id) FROM incidents") == users


def _incident() -> NewIncident:
    return NewIncident(None, None, None, None, None, "{}", None, "p", "1")
