"""`callshield db rotate-key`: every value moves to a new key, atomically, and it resumes."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from contextlib import closing
from pathlib import Path

import pytest

from storage import Cause, KeyConfig, StorageUnavailable, open_store
from storage.crypto import new_key, parse_keys
from storage.keys import key_file_text
from storage.rotation import rotate_key
from tests.conftest import ROOT
from tests.storage.people import PERSON, fill, sealed_forms


def key_ids_on_disk(db_path: Path) -> set[bytes]:
    with closing(sqlite3.connect(db_path)) as raw:
        rows = [row[0] for table, column in (
            ("conversations", "state_json"), ("incidents", "lender"),
            ("findings", "data_json"), ("profile_fields", "value"))
            for row in raw.execute(f"SELECT {column} FROM {table}")]
    return {value[1:5] for value in rows}


def file_keys(db_path: Path) -> list[bytes]:
    path = KeyConfig().file_for(db_path)
    return [key.id for key in parse_keys(path.read_text(), source=str(path))]


async def test_rotation_with_a_key_file_moves_everything_and_retires_the_old_key(
        db_path: Path) -> None:
    async with await open_store(db_path) as store:
        user_id, _ = await fill(store)
    [old] = file_keys(db_path)
    before = sealed_forms(db_path, user_id)

    rotation = await rotate_key(db_path, KeyConfig())

    [new] = file_keys(db_path)
    assert new != old and rotation.new_key_id == new.hex() and rotation.retired == [old.hex()]
    assert key_ids_on_disk(db_path) == {new}
    after = sealed_forms(db_path, user_id)
    assert len(after) == len(before) and not set(after) & set(before)
    assert sum(rotation.resealed.values()) == len(before)
    printed = "\n".join(rotation.lines())
    assert "now holds only the new key" in printed and old.hex() in printed
    async with await open_store(db_path, cache=False) as store:  # the bot reads it all
        assert (await store.get_profile(user_id))["id_number"] == PERSON["id_number"]
        [incident] = await store.list_incidents(user_id)
        assert incident.description == PERSON["story"]


async def test_an_interrupted_rotation_is_finished_by_running_it_again(db_path: Path) -> None:
    async with await open_store(db_path) as store:
        user_id, _ = await fill(store)
    path = KeyConfig().file_for(db_path)
    [old] = parse_keys(path.read_text(), source="f")
    new = new_key()
    # the state after a crash between storing the new key and committing the re-encryption
    path.write_text(key_file_text([new, old]))
    async with await open_store(db_path, cache=False) as store:  # the bot reads both meanwhile
        assert (await store.get_profile(user_id))["address"] == PERSON["address"]
    rotation = await rotate_key(db_path, KeyConfig())
    assert rotation.new_key_id == new.id_text  # resumed with the stored new key, no third key
    assert key_ids_on_disk(db_path) == {new.id} and file_keys(db_path) == [new.id]
    again = await rotate_key(db_path, KeyConfig())  # a later run starts a fresh rotation
    assert again.new_key_id != new.id_text


async def test_one_environment_key_is_refused_with_instructions_and_two_are_rotated(
        db_path: Path) -> None:
    old, new = new_key(), new_key()
    async with await open_store(db_path, keys=KeyConfig(key_text=old.text())) as store:
        user_id, _ = await fill(store)
    before = sealed_forms(db_path, user_id)
    with pytest.raises(StorageUnavailable, match="holds one key") as info:
        await rotate_key(db_path, KeyConfig(key_text=old.text()))
    assert info.value.cause is Cause.DATA_KEY and old.text() not in str(info.value)
    assert sealed_forms(db_path, user_id) == before  # nothing changed

    rotation = await rotate_key(db_path, KeyConfig(key_text=f"{new.text()},{old.text()}"))
    assert key_ids_on_disk(db_path) == {new.id}
    assert "CALLSHIELD_DATA_KEY to the new key alone" in "\n".join(rotation.lines())
    async with await open_store(db_path, keys=KeyConfig(key_text=new.text())) as store:
        assert (await store.get_profile(user_id))["phone"] == PERSON["phone"]
    with pytest.raises(StorageUnavailable) as info:  # the old key opens nothing any more
        await open_store(db_path, keys=KeyConfig(key_text=old.text()))
    assert info.value.cause is Cause.DATA_KEY


def run_cli(db_path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "CALLSHIELD_DATABASE": str(db_path), "CALLSHIELD_LOG_LEVEL": "WARNING"}
    for name in ("CALLSHIELD_DATA_KEY", "CALLSHIELD_DATA_KEY_FILE", "TELEGRAM_BOT_TOKEN"):
        env.pop(name, None)
    return subprocess.run([sys.executable, "-m", "bot.cli", *args], capture_output=True,
                          text=True, env=env, cwd=ROOT, timeout=60)


async def test_the_command_refuses_while_the_bot_has_the_database_open(db_path: Path) -> None:
    async with await open_store(db_path) as store:
        user_id, _ = await fill(store)
        before = sealed_forms(db_path, user_id)
        busy = run_cli(db_path, "db", "rotate-key")  # another process, as an operator would
        assert busy.returncode == 2
        assert "in use by another process" in busy.stderr and "Stop it" in busy.stderr
        assert sealed_forms(db_path, user_id) == before
    done = run_cli(db_path, "db", "rotate-key")
    assert done.returncode == 0, done.stderr
    assert "Key rotation finished" in done.stdout and "Re-encrypted" in done.stdout
    assert len(file_keys(db_path)) == 1 and key_ids_on_disk(db_path) == set(file_keys(db_path))


def test_new_key_prints_a_usable_key(tmp_path: Path) -> None:
    done = run_cli(tmp_path / "unused.db", "db", "new-key")
    assert done.returncode == 0
    [key] = parse_keys(done.stdout, source="output")
    assert len(key.secret) == 32 and not (tmp_path / "unused.db").exists()
