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
from storage.sealing import PROFILE_VALUE, STATE


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


async def test_absence_is_remembered_after_one_read(db_path: Path) -> None:
    async with await open_store(db_path) as earlier:  # the user is from before a restart
        user = await earlier.get_or_create_user("telegram", "2")
    async with await open_store(db_path) as cached:
        trace = await Traced().attach(cached)
        assert await cached.get_or_create_user("telegram", "2") == user
        assert await cached.load_conversation(user.id) is None  # read once...
        assert await cached.load_conversation(user.id) is None  # ...then known to be absent
        assert await cached.get_profile(user.id) == {}
        assert await cached.get_profile(user.id) == {}
        assert len(trace.reads("FROM conversations")) == 1
        assert len(trace.reads("FROM profile_fields")) == 1


async def test_a_new_user_costs_one_lookup_and_one_insert(cached: SQLiteStore,
                                                          raw: sqlite3.Connection) -> None:
    """A first message: the user is looked up, inserted, and known to have no conversation
    and no profile yet, so nothing else is read; choosing a jurisdiction is one statement."""
    trace = await Traced().attach(cached)
    user = await cached.get_or_create_user("telegram", "9", language="zh-Hant")
    assert await cached.load_conversation(user.id) is None
    assert await cached.get_profile(user.id) == {}
    changed = await cached.update_user(user.id, jurisdiction="cn", timezone="Asia/Shanghai")
    assert await cached.load_conversation(user.id) is None  # still known: not read again
    assert [s.split()[0] for s in trace.statements] == ["SELECT", "INSERT", "UPDATE"]
    assert (changed.language, changed.jurisdiction, changed.timezone) == \
        ("zh-Hant", "cn", "Asia/Shanghai")
    assert changed.updated_at >= user.updated_at
    assert raw.execute("SELECT language, jurisdiction, timezone FROM users WHERE id = ?",
                       (user.id,)).fetchone() == ("zh-Hant", "cn", "Asia/Shanghai")


async def test_a_user_created_meanwhile_by_another_writer_is_returned(
        db_path: Path) -> None:
    """Our read found nobody, then someone else inserted the same key: we get their row."""
    async with await open_store(db_path, cache=False) as store:
        assert await store.get_user("telegram", "race") is None
        with sqlite3.connect(db_path) as other:
            other.execute("INSERT INTO users (channel, external_id, language, created_at,"
                          " updated_at) VALUES ('telegram', 'race', 'en', 'x', 'x')")
        async def missed(channel: str, external_id: str) -> None:  # the read before it
            return None

        store.get_user = missed  # type: ignore[method-assign]
        user = await store.get_or_create_user("telegram", "race", language="zh-Hans")
        assert (user.language, user.created_at) == ("en", "x")


async def test_profiles_are_cached_and_kept_current(cached: SQLiteStore,
                                                    raw: sqlite3.Connection, opened) -> None:
    user = await cached.get_or_create_user("telegram", "1")
    await cached.set_profile_field(user.id, "full_name", "Li Hua")
    trace = await Traced().attach(cached)
    first = await cached.get_profile(user.id)
    first["full_name"] = "changed by a caller"  # a copy: the cache is not touched
    assert await cached.get_profile(user.id) == {"full_name": "Li Hua"}
    assert len(trace.reads("FROM profile_fields")) == 1
    await cached.set_profile_field(user.id, "address", "Beijing")
    await cached.set_profile_field(user.id, "full_name", None)
    assert await cached.get_profile(user.id) == {"address": "Beijing"}
    assert [(key, opened(PROFILE_VALUE, value, user.id, key)) for key, value in
            raw.execute("SELECT key, value FROM profile_fields")] == [("address", "Beijing")]
    with pytest.raises(Boom):
        async with cached.transaction():
            await cached.set_profile_field(user.id, "address", "Shanghai")
            raise Boom
    assert await cached.get_profile(user.id) == {"address": "Beijing"}
    await cached.delete_user(user.id)
    assert await cached.get_profile(user.id) == {}


async def test_written_values_are_what_later_reads_return(cached: SQLiteStore,
                                                          raw: sqlite3.Connection,
                                                          opened) -> None:
    user = await cached.get_or_create_user("telegram", "1")
    await cached.save_conversation(user.id, '{"n": 2}', "p", "7")
    changed = await cached.update_user(user.id, language="zh-Hans", jurisdiction="cn")
    row = await cached.load_conversation(user.id)
    assert row is not None
    stored, *rest = raw.execute("SELECT state_json, pack_version, updated_at FROM conversations"
                                ).fetchone()
    assert (opened(STATE, stored, user.id), *rest) == (
        row.state_json, row.pack_version, row.updated_at)
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
                                                              raw: sqlite3.Connection,
                                                              opened) -> None:
    user = await cached.get_or_create_user("telegram", "1")
    async with cached.transaction():
        await cached.save_conversation(user.id, '{"outer": 1}', "p", "1")
        with pytest.raises(Boom):
            async with cached.transaction():
                await cached.save_conversation(user.id, '{"inner": 1}', "p", "1")
                raise Boom
    row = await cached.load_conversation(user.id)
    assert row is not None and row.state_json == '{"outer": 1}'
    [stored] = raw.execute("SELECT state_json FROM conversations").fetchone()
    assert opened(STATE, stored, user.id) == '{"outer": 1}'


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
