"""``callshield db migrate`` and ``callshield db copy`` through the real command line: a
SQLite database full of a person's data moves to PostgreSQL with its ids and sealed bytes, and
the same key reads the same export there."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from storage import (
    Event,
    KeyConfig,
    NewDiaryEntry,
    NewRelease,
    NewReminder,
    StorageUnavailable,
    open_store,
)
from storage.crypto import new_key_text
from tests.pg import PgRaw, fresh_schema, url_for
from tests.storage.people import PERSON, fill

ROOT = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.postgresql


def callshield(*args: str, key: str, database: str | Path = "") -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("CALLSHIELD_")}
    env.update(CALLSHIELD_DATA_KEY=key, CALLSHIELD_DATABASE=str(database))
    return subprocess.run([sys.executable, "-m", "bot.cli", *args], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=120)


async def test_migrate_brings_either_engine_up_to_date(tmp_path: Path) -> None:
    key = new_key_text()
    with fresh_schema() as schema:
        first = callshield("db", "migrate", key=key, database=url_for(schema))
        assert first.returncode == 0, first.stderr
        assert first.stdout.startswith("Applied migration(s) 0001, 0002")
        again = callshield("db", "migrate", key=key, database=url_for(schema))
        assert again.stdout.strip() == "The schema is up to date; nothing to apply."
    lite = callshield("db", "migrate", key=key, database=tmp_path / "m.sqlite3")
    assert lite.returncode == 0 and lite.stdout.startswith("Applied migration(s) 0001")


async def test_copy_keeps_ids_and_sealed_values_and_refuses_a_second_time(
        tmp_path: Path) -> None:
    key = new_key_text()
    keys = KeyConfig(key_text=key)
    source = tmp_path / "source.sqlite3"
    async with await open_store(source, keys=keys) as lite:
        await lite.get_or_create_user("telegram", "deleted-later")
        user, _ = await fill(lite)
        other, _ = await fill(lite, {**PERSON, "telegram_id": "555"})
        await lite.delete_user(1)  # ids with a gap, and an anonymous audit row
        await lite.add_diary_entry(user, NewDiaryEntry(
            source="quick", pack_id="cn", occurred_at="2026-11-27", occurred_day="2026-11-27",
            channel="call", note="他们又打来了 NOTE-COPY-1"))
        await lite.add_reminder(user, NewReminder("cn", "complaint", "reply_due",
                                                  "2026-12-01T09:00:00+08:00"))
        await lite.record_update("telegram", 41)
        await lite.add_release(NewRelease("cn", "hash1", "1", b"\x00snapshot", "publish", "Ann"))
        await lite.log_operator("Ann", "published", "cn", 1)
        await lite.add_events([Event("2026-12-01", "finished", "cn", "v1")])
        expected = {uid: await lite.export_user(uid) for uid in (user, other)}
        releases = await lite.list_releases()
        events = await lite.list_events()
    with fresh_schema() as schema:
        url = url_for(schema)
        dry = callshield("db", "copy", str(source), url, "--dry-run", key=key)
        assert dry.returncode == 0, dry.stderr
        assert "Dry run: would copy" in dry.stdout and "users: 2" in dry.stdout
        raw = PgRaw(url)
        try:
            assert raw.execute("SELECT COUNT(*) FROM users").fetchone() == (0,)  # rolled back
            done = callshield("db", "copy", str(source), url, key=key)
            assert done.returncode == 0, done.stderr
            assert "Copied" in done.stdout and "diary_entries: 1" in done.stdout
            [(sealed,)] = raw.execute("SELECT note FROM diary_entries").fetchall()
            assert isinstance(sealed, bytes) and b"NOTE-COPY-1" not in sealed
        finally:
            raw.close()
        async with await open_store(url, keys=keys) as pg:
            for uid, export in expected.items():
                assert await pg.export_user(uid) == export
            assert await pg.list_releases() == releases
            assert await pg.release_snapshot("cn", 1) == b"\x00snapshot"
            assert await pg.list_events() == events
            assert not await pg.record_update("telegram", 41)  # known: a repeat stays one
            newcomer = await pg.get_or_create_user("telegram", "new")
            assert newcomer.id > max(expected)  # ids continue after the copied ones
        again = callshield("db", "copy", str(source), url, key=key)
        assert again.returncode == 2 and "already holds rows" in again.stderr
    wrong = new_key_text()
    with fresh_schema() as schema:  # the key ids came along: a wrong key is refused
        assert callshield("db", "copy", str(source), url_for(schema), key=key).returncode == 0
        with pytest.raises(StorageUnavailable, match="key id"):
            await open_store(url_for(schema), keys=KeyConfig(key_text=wrong))
