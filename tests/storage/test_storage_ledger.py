"""Update ids: claimed in memory, stored with the state they produced (storage/ledger.py).

Statements are counted with SQLite's own trace callback on the store's real connection, and
every "after a restart" is a second store opened on the same file.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from storage import SQLiteStore, UnknownUser, open_store
from storage.ledger import UpdateLedger
from storage.sealing import STATE
from tests.storage.test_storage_cache import Traced


def stored_ids(db_path: Path) -> list[int]:
    with sqlite3.connect(db_path) as raw:
        return [row[0] for row in raw.execute(
            "SELECT update_id FROM processed_updates ORDER BY update_id")]


async def test_a_repeat_is_known_in_memory_and_the_id_rides_with_the_state(
        db_path: Path, opened) -> None:
    async with await open_store(db_path) as store:
        user = await store.get_or_create_user("telegram", "1")
        assert await store.claim_update("telegram", 100) is True
        trace = await Traced().attach(store)
        assert await store.claim_update("telegram", 100) is False  # no trip to the database
        assert trace.statements == []
        await store.save_conversation(user.id, '{"n": 1}', "p", "1", update=("telegram", 100))
        # one statement (SQLite traces it once more for each step of the view's trigger)
        assert [s.split()[2] for s in set(trace.statements)] == ["handled_updates"]
        await store.finish_update("telegram", 100)  # already stored with the state
        assert len(set(trace.statements)) == 1
    assert stored_ids(db_path) == [100]
    with sqlite3.connect(db_path) as raw:
        [stored] = raw.execute("SELECT state_json FROM conversations").fetchone()
    assert opened(STATE, stored, user.id) == '{"n": 1}'  # sealed, through the view's trigger


async def test_after_a_restart_what_was_stored_is_a_repeat_and_what_was_not_is_new(
        db_path: Path) -> None:
    async with await open_store(db_path) as store:
        user = await store.get_or_create_user("telegram", "1")
        for update_id in (1, 2, 3):
            assert await store.claim_update("telegram", update_id)
        await store.save_conversation(user.id, "{}", "p", "1", update=("telegram", 1))
        await store.finish_update("telegram", 2)  # an update that changed no state (a menu)
        # update 3 was being handled when the process died: nothing of it was stored
    assert stored_ids(db_path) == [1, 2]
    async with await open_store(db_path) as store:
        assert await store.claim_update("telegram", 1) is False
        assert await store.claim_update("telegram", 2) is False
        assert await store.claim_update("telegram", 3) is True  # redelivered: handled again
        assert await store.claim_update("whatsapp", 1) is True  # ids are per channel


async def test_ids_older_than_the_window_are_asked_of_the_database(db_path: Path) -> None:
    async with await open_store(db_path) as store:
        for update_id in range(1, 6):
            await store.claim_update("telegram", update_id)
            await store.finish_update("telegram", update_id)
    async with await open_store(db_path) as store:
        store._updates.ledger = UpdateLedger(window=3)  # white-box: a small window, seeded with 3..5
        trace = await Traced().attach(store)
        assert await store.claim_update("telegram", 4) is False
        assert await store.claim_update("telegram", 6) is True
        assert len(trace.statements) == 1  # the seeding read, and nothing else
        assert await store.claim_update("telegram", 1) is False  # below the floor: recorded
        assert await store.claim_update("telegram", 0) is True  # below the floor, and new
    assert stored_ids(db_path) == [0, 1, 2, 3, 4, 5]


def test_the_ledger_keeps_a_bounded_window_of_the_newest_ids() -> None:
    ledger = UpdateLedger(window=2)
    ledger.seed("telegram", [])
    assert [ledger.claim("telegram", n) for n in (1, 2, 3, 4, 5)] == [True] * 5
    assert ledger.claim("telegram", 5) is False
    assert ledger.claim("telegram", 1) is None  # forgotten: the database decides
    assert not ledger.pending("telegram", 1)  # nor is it kept as still to be stored
    assert ledger.pending("telegram", 5)
    ledger.settle("telegram", 5)
    assert not ledger.pending("telegram", 5)


async def test_without_the_cache_the_id_is_recorded_at_once(db_path: Path) -> None:
    """Several writers (cache off): memory cannot know the others' ids."""
    async with await open_store(db_path, cache=False) as store:
        assert await store.claim_update("telegram", 7) is True
        assert stored_ids(db_path) == [7]
        assert await store.claim_update("telegram", 7) is False


async def test_a_failed_save_stores_neither_the_state_nor_the_id(store: SQLiteStore,
                                                                 db_path: Path) -> None:
    assert await store.claim_update("telegram", 9)
    with pytest.raises(UnknownUser):
        await store.save_conversation(999, "{}", "p", "1", update=("telegram", 9))
    assert stored_ids(db_path) == []
    assert store._updates.ledger.pending("telegram", 9)  # white-box: still to be stored
    await store.finish_update("telegram", 9)
    assert stored_ids(db_path) == [9]


async def released_claim_is_new_again_and_a_committed_one_stays(
        store: SQLiteStore, *, recorded_on_claim: bool = False) -> None:
    user = await store.get_or_create_user("telegram", "9")
    assert await store.claim_update("telegram", 300) is True
    await store.release_update("telegram", 300)  # handling failed before anything committed
    # the redelivery is handled; where the claim itself was stored (no row cache), the
    # store cannot tell it from a committed one and keeps it: dropped, never applied twice
    assert await store.claim_update("telegram", 300) is not recorded_on_claim
    await store.save_conversation(user.id, '{"n": 1}', "p", "1", update=("telegram", 300))
    await store.release_update("telegram", 300)  # committed with its state: stays
    assert await store.claim_update("telegram", 300) is False


async def test_a_released_claim_is_handled_when_delivered_again(store: SQLiteStore) -> None:
    await released_claim_is_new_again_and_a_committed_one_stays(store)


@pytest.mark.parametrize("cache", [True, False], ids=["cache", "no-cache"])
async def test_a_released_claim_with_and_without_the_row_cache(db_path: Path,
                                                               cache: bool) -> None:
    async with await open_store(db_path, cache=cache) as store:
        await released_claim_is_new_again_and_a_committed_one_stays(
            store, recorded_on_claim=not cache)
