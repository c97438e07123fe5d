"""Pack releases, the operator log and the event log, on a real SQLite file."""

from __future__ import annotations

import asyncio
import sqlite3
from pathlib import Path

import pytest

from storage import Event, KeyConfig, NewRelease, SQLiteStore, Store, open_store
from tests.pg import DatabaseErrors, column_names


def release(pack: str = "cn", action: str = "publish", **extra: object) -> NewRelease:
    values: dict[str, object] = {"pack_id": pack, "content_hash": "abc123", "label": "1",
                                 "snapshot": b"\x00snap", "action": action,
                                 "published_by": "Ann", **extra}
    return NewRelease(**values)  # type: ignore[arg-type]


async def test_releases_count_up_per_pack_and_keep_their_snapshot(store: SQLiteStore) -> None:
    assert isinstance(store, Store)
    first = await store.add_release(release(reviewed_by="Bob", reviewed_on="2026-12-03",
                                            note="first"))
    second = await store.add_release(release(content_hash="def456"))
    other = await store.add_release(release("us"))
    assert (first.number, second.number, other.number) == (1, 2, 1)
    assert first.reviewed_by == "Bob" and first.note == "first" and first.created_at
    assert await store.release_snapshot("cn", 1) == b"\x00snap"
    assert await store.release_snapshot("cn", 9) is None
    assert [r.number for r in await store.list_releases("cn")] == [1, 2]
    assert len(await store.list_releases()) == 3
    assert (await store.get_release("cn", 2)).content_hash == "def456"  # type: ignore[union-attr]


async def test_the_served_release_is_the_newest_not_staged(store: SQLiteStore) -> None:
    assert await store.served_releases() == {}
    await store.add_release(release())
    staged = await store.add_release(release(action="stage"))
    assert staged.staged and await store.served_releases() == {"cn": 1}
    await store.add_release(release(action="promote", source_number=2))
    assert await store.served_releases() == {"cn": 3}


async def test_releases_cannot_be_changed_or_deleted(store: SQLiteStore,
                                                     raw: sqlite3.Connection) -> None:
    await store.add_release(release())
    for sql in ("UPDATE pack_releases SET note = 'x'", "DELETE FROM pack_releases"):
        with pytest.raises(DatabaseErrors, match="immutable|kept for the audit"):
            raw.execute(sql)
    await store.log_operator("Ann", "published", "cn", 1, "rules +1")
    with pytest.raises(DatabaseErrors, match="append only"):
        raw.execute("UPDATE operator_log SET actor = 'Eve'")
    entries = await store.list_operator_log()
    assert [(e.actor, e.action, e.pack_id, e.release_number) for e in entries] == [
        ("Ann", "published", "cn", 1)]


async def test_two_processes_publishing_at_once_get_different_numbers(
        database: Path | str, key_config: KeyConfig) -> None:
    one = await open_store(database, keys=key_config)
    two = await open_store(database, keys=key_config)
    try:
        rows = await asyncio.gather(*[s.add_release(release()) for s in (one, two) * 3])
    finally:
        await one.close()
        await two.close()
    assert sorted(r.number for r in rows) == [1, 2, 3, 4, 5, 6]


async def test_events_hold_no_user_column_and_are_pruned_by_day(
        store: SQLiteStore, raw: sqlite3.Connection) -> None:
    columns = column_names(raw, "events")
    assert columns == {"id", "day", "kind", "pack_id", "version", "item", "token", "seq"}
    await store.add_events([
        Event("2026-11-01", "question_reached", "cn", "v1", "who_called", "t1", 1),
        Event("2026-12-01", "rule_fired", "cn", "v1", "night_calls"),
        Event("2026-12-02", "letter_drafted", "us", "v2", "cease_communication"),
    ])
    assert len(await store.list_events()) == 3
    assert [e.kind for e in await store.list_events("2026-12-01")] == ["rule_fired",
                                                                       "letter_drafted"]
    assert [e.item for e in await store.list_events(pack_id="us")] == ["cease_communication"]
    assert await store.prune_events("2026-12-01") == 1
    assert len(await store.list_events()) == 2
    with pytest.raises(ValueError, match="unknown event kind"):
        await store.add_events([Event("2026-12-02", "user_said", "cn", "v1")])
