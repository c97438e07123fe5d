"""One update, one read: the channel hands the state it read to the service (real SQLite)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.service import GuidanceService
from flows import Question, events, load_pack
from storage import SQLiteStore, open_store
from tests.telegram.conftest import DEMO


@pytest.fixture
async def service(tmp_path: Path) -> AsyncIterator[GuidanceService]:
    async with await open_store(tmp_path / "s.sqlite3", cache=False) as store:
        yield GuidanceService(store, {"demo": load_pack(DEMO)}, channel="telegram")


async def statements(store: SQLiteStore) -> list[str]:
    seen: list[str] = []
    conn = store._gate._conn  # white-box: count what SQLite really runs
    assert conn is not None
    await conn.set_trace_callback(seen.append)
    return seen


async def test_handle_with_the_state_given_reads_nothing_and_saves_the_same(
        service: GuidanceService) -> None:
    user = await service.set_jurisdiction(await service.user("1", language="en"), "demo")
    await service.handle(user, events.Start())
    state = await service.state_of(user)
    assert isinstance(service.store, SQLiteStore)
    seen = await statements(service.store)
    turn = await service.handle(user, events.Pick("caller", "lender"), state=state)
    assert [s.split()[0] for s in seen] == ["INSERT"]  # the save, and no read before it
    question = next(r for r in turn.replies if isinstance(r, Question))
    assert question.node == "lender"
    saved = await service.state_of(user)
    assert saved == turn.state and saved is not None and saved.path[-1] == "lender"


async def test_handle_without_a_state_still_reads_it(service: GuidanceService) -> None:
    user = await service.set_jurisdiction(await service.user("2", language="en"), "demo")
    await service.handle(user, events.Start())
    assert isinstance(service.store, SQLiteStore)
    seen = await statements(service.store)
    turn = await service.handle(user, events.Pick("caller", "agency"))
    assert [s.split()[0] for s in seen] == ["SELECT", "INSERT"]
    assert turn.state is not None and turn.state.path[-1] == "when"


async def test_a_state_just_saved_is_not_parsed_again_and_a_changed_one_is(
        tmp_path: Path) -> None:
    async with await open_store(tmp_path / "cached.sqlite3") as store:  # rows cached
        pack = load_pack(DEMO)
        service = GuidanceService(store, {"demo": pack}, channel="telegram")
        user = await service.set_jurisdiction(await service.user("3", language="en"), "demo")
        turn = await service.handle(user, events.Start())
        assert await service.state_of(user) is turn.state  # the very object: no parse
        other = turn.state.with_(language="zh-Hans") if turn.state else None
        assert other is not None
        await store.save_conversation(user.id, other.to_json(), "demo", pack.version)
        again = await service.state_of(user)  # saved by someone else: read afresh
        assert again is not turn.state and again == other
