"""The write-through cache of users and conversation states: fewer round trips, never wrong.

Statements are counted with SQLite's own trace callback on the store's real connection, so a
"served from memory" claim is checked against what the database actually ran.
"""

from __future__ import annotations

import sqlite3
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from storage import SQLiteStore, open_store
from storage.cache import Lru


class Boom(Exception):
    pass


class Traced:
    """The SQL statements the store's connection runs, as SQLite reports them."""

    def __init__(self) -> None:
        self.statements: list[str] = []

    async def attach(self, store: SQLiteStore) -> Traced:
        conn = store._gate._conn  # white-box: the one connection the store uses
        assert conn is not None
        await conn.set_trace_callback(self.statements.append)
        return self

    def reads(self, table: str) -> list[str]:
        return [s for s in self.statements if s.startswith("SELECT") and table in s]


@pytest.fixture
async def cached(db_path: Path) -> AsyncIterator[SQLiteStore]:
    async with await open_store(db_path) as store:
        yield store


async def test_repeated_reads_are_served_from_memory(cached: SQLiteStore) -> None:
    user = await cached.get_or_create_user("telegram", "1", language="en")
    await cached.save_conversation(user.id, '{"n": 1}', "p", "1")
    trace = await Traced().attach(cached)
    for _ in range(3):
        assert await cached.get_or_create_user("telegram", "1") == user
        assert await cached.get_user_by_id(user.id) == user
        row = await cached.load_conversation(user.id)
        assert row is not None and row.state_json == '{"n": 1}'
    assert trace.statements == []
    other = await cached.get_or_create_user("telegram", "2")
    assert await cached.load_conversation(other.id) is None  # read once...
    assert await cached.load_conversation(other.id) is None  # ...then known to be absent
    assert len(trace.reads("FROM conversations")) == 1


async def test_written_values_are_what_later_reads_return(cached: SQLiteStore,
                                                          raw: sqlite3.Connection) -> None:
    user = await cached.get_or_create_user("telegram", "1")
    await cached.save_conversation(user.id, '{"n": 2}', "p", "7")
    changed = await cached.update_user(user.id, language="zh-Hans", jurisdiction="cn")
    row = await cached.load_conversation(user.id)
    assert row is not None
    assert raw.execute("SELECT state_json, pack_version, updated_at FROM conversations"
                       ).fetchone() == (row.state_json, row.pack_version, row.updated_at)
    assert await cached.get_user("telegram", "1") == changed
    assert raw.execute("SELECT language, jurisdiction FROM users").fetchone() == ("zh-Hans", "cn")
    await cached.delete_conversation(user.id)
    assert await cached.load_conversation(user.id) is None


async def test_rolled_back_writes_never_reach_the_cache(cached: SQLiteStore) -> None:
    user = await cached.get_or_create_user("telegram", "1", language="en")
    await cached.save_conversation(user.id, '{"n": 1}', "p", "1")
    with pytest.raises(Boom):
        async with cached.transaction():
            await cached.save_conversation(user.id, '{"n": 2}', "p", "1")
            await cached.update_user(user.id, language="zh-Hant")
            # this task reads its own uncommitted writes...
            assert (await cached.load_conversation(user.id)).state_json == '{"n": 2}'  # type: ignore[union-attr]
            raise Boom
    # ...but once undone, nobody sees them
    assert (await cached.load_conversation(user.id)).state_json == '{"n": 1}'  # type: ignore[union-attr]
    assert (await cached.get_user_by_id(user.id)).language == "en"  # type: ignore[union-attr]


async def test_an_undone_savepoint_keeps_only_the_outer_writes(cached: SQLiteStore,
                                                              raw: sqlite3.Connection) -> None:
    user = await cached.get_or_create_user("telegram", "1")
    async with cached.transaction():
        await cached.save_conversation(user.id, '{"outer": 1}', "p", "1")
        with pytest.raises(Boom):
            async with cached.transaction():
                await cached.save_conversation(user.id, '{"inner": 1}', "p", "1")
                raise Boom
    row = await cached.load_conversation(user.id)
    assert row is not None and row.state_json == '{"outer": 1}'
    assert raw.execute("SELECT state_json FROM conversations").fetchone() == ('{"outer": 1}',)


async def test_deleted_user_is_gone_from_memory_too(cached: SQLiteStore) -> None:
    user = await cached.get_or_create_user("telegram", "1")
    await cached.save_conversation(user.id, '{"n": 1}', "p", "1")
    await cached.delete_user(user.id)
    assert await cached.get_user("telegram", "1") is None
    assert await cached.get_user_by_id(user.id) is None
    assert await cached.load_conversation(user.id) is None
    again = await cached.get_or_create_user("telegram", "1")  # SQLite may reuse the id
    assert again.created_at != user.created_at
    assert await cached.load_conversation(again.id) is None


async def test_another_writer_needs_the_cache_off(db_path: Path) -> None:
    """The documented assumption: with the cache on, this process must be the only writer."""
    for cache, seen in ((True, "en"), (False, "zh-Hans")):
        async with await open_store(db_path, cache=cache) as store:
            user = await store.get_or_create_user("telegram", f"c{cache}", language="en")
            with sqlite3.connect(db_path) as other:  # a second process would do this
                other.execute("UPDATE users SET language = 'zh-Hans' WHERE id = ?", (user.id,))
            found = await store.get_user("telegram", f"c{cache}")
            assert found is not None and found.language == seen


async def test_closed_store_says_so_even_for_cached_rows(db_path: Path) -> None:
    store = await open_store(db_path)
    user = await store.get_or_create_user("telegram", "1")
    await store.close()
    with pytest.raises(Exception, match="closed; open a new one"):
        await store.get_user_by_id(user.id)
    with pytest.raises(Exception, match="closed; open a new one"):
        await store.load_conversation(user.id)


def test_lru_keeps_the_most_recently_used() -> None:
    lru: Lru[int, str] = Lru(2)
    lru.put(1, "a")
    lru.put(2, "b")
    assert lru.get(1) == "a"  # 1 is now the most recent
    lru.put(3, "c")
    assert (lru.get(1), lru.get(2), lru.get(3), len(lru)) == ("a", None, "c", 2)
