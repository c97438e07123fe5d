"""What several workers on one PostgreSQL database rely on, with two real stores (two pools,
as two processes have): one chat handled by one worker at a time, one poller at a time with a
standby that takes over, and a duplicate update stored once with its state."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path

import pytest

from storage import KeyConfig, open_store
from storage.pg.store import PostgresStore
from tests.pg import fresh_schema, url_for

pytestmark = pytest.mark.postgresql


async def _two(tmp_path: Path, url: str) -> tuple[PostgresStore, PostgresStore]:
    keys = KeyConfig(key_file=tmp_path / "pg.key")
    one, two = await open_store(url, keys=keys), await open_store(url, keys=keys)
    assert isinstance(one, PostgresStore) and isinstance(two, PostgresStore)
    return one, two


async def test_a_chat_is_handled_by_one_worker_at_a_time(tmp_path: Path) -> None:
    with fresh_schema() as schema:
        one, two = await _two(tmp_path, url_for(schema))
        try:
            inside: list[str] = []

            async def handle(store: PostgresStore, name: str, chat: int) -> None:
                async with store.chat_lock("telegram", chat):
                    inside.append(f"{name} in")
                    await asyncio.sleep(0.3)
                    inside.append(f"{name} out")

            await asyncio.gather(handle(one, "a", 1), handle(two, "b", 1))
            assert inside in (["a in", "a out", "b in", "b out"],
                              ["b in", "b out", "a in", "a out"])
            inside.clear()  # other chats do not wait for each other
            await asyncio.gather(handle(one, "a", 1), handle(two, "b", 2))
            assert inside[:2] in (["a in", "b in"], ["b in", "a in"])
        finally:
            await one.close()
            await two.close()


async def test_one_poller_and_a_standby_that_takes_over(tmp_path: Path) -> None:
    with fresh_schema() as schema:
        one, two = await _two(tmp_path, url_for(schema))
        try:
            await one.lead("telegram-poller")
            told: list[str] = []
            standby = asyncio.ensure_future(two.lead("telegram-poller", every_s=0.1,
                                                     standing_by=lambda: told.append("by")))
            await asyncio.sleep(0.5)
            assert not standby.done() and told == ["by"]
            await one.close()  # the poller stops (or dies: its session ends either way)
            await asyncio.wait_for(standby, timeout=5)
        finally:
            await one.close()
            await two.close()


async def test_a_duplicate_delivery_stores_its_state_once(tmp_path: Path) -> None:
    with fresh_schema() as schema:
        one, two = await _two(tmp_path, url_for(schema))
        try:
            user = await one.get_or_create_user("telegram", "9")
            assert await one.claim_update("telegram", 77)
            assert await two.claim_update("telegram", 77)  # both raced past the check...
            await one.save_conversation(user.id, json.dumps({"n": 1}), "p", "1",
                                        update=("telegram", 77))
            await two.save_conversation(user.id, json.dumps({"n": 2}), "p", "1",
                                        update=("telegram", 77))
            row = await two.load_conversation(user.id)  # ...the second changed nothing
            assert row is not None and json.loads(row.state_json) == {"n": 1}
            assert not await two.claim_update("telegram", 77)  # and is now a repeat
        finally:
            await one.close()
            await two.close()


async def test_a_task_started_inside_a_transaction_does_not_join_it(tmp_path: Path) -> None:
    """PostgreSQL's version of the SQLite test of the same name: the child inherits the
    ContextVar but is not the owner, so it runs on a connection of its own (it does not wait:
    there is no single connection to wait for) and does not see the uncommitted row."""
    with fresh_schema() as schema:
        store = await open_store(url_for(schema), keys=KeyConfig(key_file=tmp_path / "k"))
        try:
            a = await store.get_or_create_user("telegram", "a")
            async with store.transaction():
                await store.save_conversation(a.id, "{}", "p", "1")
                seen = await asyncio.create_task(store.load_conversation(a.id))
                assert seen is None  # not committed yet, and not its transaction
            assert await store.load_conversation(a.id) is not None
        finally:
            await store.close()
