"""Encryption at rest: personal values are sealed in the file, bound to their column and row,
and a missing or wrong key stops the start instead of producing garbage."""

from __future__ import annotations

import hashlib
import json
import logging
import os
import sqlite3
import stat
from contextlib import closing
from pathlib import Path

import aiosqlite
import pytest

from storage import Cause, KeyConfig, StorageError, StorageUnavailable, open_store
from storage.crypto import DataKey, Keyring, context, new_key, new_key_text, parse_keys
from storage.migrate import apply_migrations, load_migrations
from tests.storage.people import PERSON, copies, fill, plain_forms, sealed_forms


def key_file(db_path: Path) -> Path:
    return KeyConfig().file_for(db_path)


async def test_personal_values_are_sealed_on_disk_and_plain_through_the_store(
        db_path: Path) -> None:
    async with await open_store(db_path) as store:
        user_id, _ = await fill(store)
        blobs = sealed_forms(db_path, user_id)
        leaked = copies(db_path, [f for f in plain_forms() if PERSON["telegram_id"].encode()
                                  not in f])
        assert leaked == {}  # not one personal value in plain text, in the file or the -wal
        assert len(set(blobs)) == len(blobs)  # random nonces: equal values seal differently
        [incident] = await store.list_incidents(user_id)
        assert (incident.caller_number, incident.lender, incident.agency) == (
            PERSON["phone"], PERSON["lender"], PERSON["agency"])
        assert PERSON["answer"] in incident.findings[0].data_json
        assert (await store.get_profile(user_id))["id_number"] == PERSON["id_number"]
    async with await open_store(db_path, cache=False) as store:  # read back from the file
        row = await store.load_conversation(user_id)
        assert row is not None
        assert json.loads(row.state_json)["answers"]["what_said"] == PERSON["answer"]
        exported = await store.export_user(user_id)
        assert exported["profile"]["address"]["value"] == PERSON["address"]
        assert exported["incidents"][0]["description"] == PERSON["story"]


@pytest.mark.parametrize("swap", ["column", "user", "profile key", "finding"])
async def test_a_value_moved_to_another_column_or_row_fails_instead_of_being_read(
        db_path: Path, swap: str) -> None:
    async with await open_store(db_path) as store:
        victim, victim_incident = await fill(store)
        other, _ = await fill(store, {**PERSON, "telegram_id": "42"})
    statements = {
        "column": ("UPDATE incidents SET caller_number = lender WHERE user_id = ?", victim),
        "user": ("UPDATE conversations SET state_json = (SELECT state_json FROM conversations"
                 f" WHERE user_id = {victim}) WHERE user_id = ?", other),
        "profile key": ("UPDATE profile_fields SET value = (SELECT value FROM profile_fields"
                        f" WHERE user_id = {victim} AND key = 'id_number')"
                        " WHERE user_id = ? AND key = 'phone'", victim),
        "finding": ("UPDATE findings SET incident_id = ? WHERE incident_id = "
                    f"{victim_incident}", victim_incident + 1),
    }
    sql, param = statements[swap]
    with closing(sqlite3.connect(db_path)) as raw, raw:
        raw.execute("PRAGMA foreign_keys = OFF")
        assert raw.execute(sql, (param,)).rowcount == 1
    async with await open_store(db_path, cache=False) as store:
        read = {"column": lambda: store.list_incidents(victim),
                "user": lambda: store.load_conversation(other),
                "profile key": lambda: store.get_profile(victim),
                "finding": lambda: store.list_incidents(other)}[swap]
        with pytest.raises(StorageError, match="integrity check") as info:
            await read()
        assert info.value.cause is Cause.CORRUPT


async def test_the_wrong_key_stops_the_start_and_changes_nothing(db_path: Path) -> None:
    async with await open_store(db_path) as store:
        user_id, _ = await fill(store)
    before = {p.name: hashlib.sha256(p.read_bytes()).hexdigest()
              for p in (db_path, key_file(db_path))}
    wrong = new_key_text()
    with pytest.raises(StorageUnavailable) as info:
        await open_store(db_path, keys=KeyConfig(key_text=wrong))
    assert info.value.cause is Cause.DATA_KEY
    message = str(info.value)
    real_id = parse_keys(key_file(db_path).read_text(), source="f")[0].id_text
    assert real_id in message and "CALLSHIELD_DATA_KEY" in message and wrong not in message
    assert "Nothing was changed" in message
    after = {p.name: hashlib.sha256(p.read_bytes()).hexdigest()
             for p in (db_path, key_file(db_path))}
    assert after == before
    async with await open_store(db_path) as store:  # the right key still opens everything
        assert (await store.get_profile(user_id))["id_number"] == PERSON["id_number"]


async def test_a_lost_key_file_is_never_replaced_by_a_new_key(db_path: Path) -> None:
    async with await open_store(db_path) as store:
        await fill(store)
    key_file(db_path).rename(db_path.with_name("elsewhere.key"))
    with pytest.raises(StorageUnavailable, match="Restore the key file") as info:
        await open_store(db_path)
    assert info.value.cause is Cause.DATA_KEY
    assert not key_file(db_path).exists()  # no new key was made for data it cannot read
    other = KeyConfig(key_file=db_path.with_name("elsewhere.key"))  # told where it is now
    async with await open_store(db_path, keys=other) as store:
        assert await store.get_user("telegram", PERSON["telegram_id"]) is not None


async def test_a_generated_key_file_is_private_and_announced_once(
        db_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.WARNING, logger="storage.keys"):
        async with await open_store(db_path):
            pass
        async with await open_store(db_path):
            pass
    warnings = [r.getMessage() for r in caplog.records if "NEW DATA KEY" in r.getMessage()]
    assert len(warnings) == 1 and "BACK THIS FILE UP" in warnings[0]
    assert stat.S_IMODE(os.stat(key_file(db_path)).st_mode) == 0o600
    assert len(parse_keys(key_file(db_path).read_text(), source="f")) == 1


@pytest.mark.parametrize("env", [
    {"CALLSHIELD_DATA_KEY": "too-short"},
    {"CALLSHIELD_DATA_KEY": new_key_text(), "CALLSHIELD_DATA_KEY_FILE": "/tmp/k"},
], ids=["malformed", "both-set"])
async def test_unusable_key_settings_are_refused_before_anything_is_created(
        db_path: Path, env: dict[str, str]) -> None:
    with pytest.raises(StorageUnavailable) as info:
        await open_store(db_path, keys=KeyConfig.from_env(env))
    assert info.value.cause is Cause.DATA_KEY
    assert "too-short" not in str(info.value)  # no key text in messages
    assert not db_path.exists() and not key_file(db_path).exists()


async def test_a_key_from_the_environment_and_a_second_one_still_read(db_path: Path) -> None:
    old, new = new_key(), new_key()
    async with await open_store(db_path, keys=KeyConfig(key_text=old.text())) as store:
        user_id, _ = await fill(store)
    assert not key_file(db_path).exists()  # the environment's key: no file written
    both = KeyConfig(key_text=f"{new.text()},{old.text()}")
    async with await open_store(db_path, keys=both, cache=False) as store:
        assert (await store.get_profile(user_id))["address"] == PERSON["address"]
        await store.set_profile_field(user_id, "address", "new address")
    with closing(sqlite3.connect(db_path)) as raw:
        [stored] = raw.execute("SELECT value FROM profile_fields WHERE key = 'address'"
                               ).fetchone()
        registered = {row[0] for row in raw.execute("SELECT key_id FROM encryption_keys")}
    assert stored[1:5] == new.id  # new values go under the first key
    assert registered == {old.id_text, new.id_text}
    with pytest.raises(StorageUnavailable, match=old.id_text):  # the old key is still needed
        await open_store(db_path, keys=KeyConfig(key_text=new.text()))


async def test_values_stored_before_encryption_are_sealed_at_the_next_start(
        db_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    older = [m for m in load_migrations() if m.version < 4]
    async with aiosqlite.connect(db_path, isolation_level=None) as conn:
        await conn.execute("PRAGMA journal_mode = WAL")
        await apply_migrations(conn, older)
        await conn.execute("INSERT INTO users VALUES (1, 'telegram', '1', 'en', NULL, NULL,"
                           " '2026-01-01T00:00:00+00:00', '2026-01-01T00:00:00+00:00')")
        await conn.execute("INSERT INTO profile_fields VALUES (1, 'address', ?, '2026')",
                           (PERSON["address"],))
        await conn.execute("INSERT INTO conversations (user_id, state_json, pack_id,"
                           " pack_version, updated_at) VALUES (1, ?, 'cn', '1', '2026')",
                           (f'{{"a": "{PERSON["answer"]}"}}',))
    with caplog.at_level(logging.WARNING):
        async with await open_store(db_path, cache=False) as store:
            assert await store.get_profile(1) == {"address": PERSON["address"]}
            row = await store.load_conversation(1)
            assert row is not None and PERSON["answer"] in row.state_json
    assert any("encrypted 2 stored value(s)" in r.getMessage() for r in caplog.records)
    assert copies(db_path, plain_forms()) == {}  # the plain text is gone from the file too


def test_the_codec_binds_context_and_names_unknown_keys() -> None:
    key = new_key()
    ring = Keyring([key])
    sealed = ring.seal("秘密 secret", context("t.c", 1))
    assert ring.open(sealed, context("t.c", 1)) == "秘密 secret"
    for other in (context("t.c", 2), context("t.d", 1), context("t.c", "1", "x")):
        with pytest.raises(StorageError) as info:
            ring.open(sealed, other)
        assert info.value.cause is Cause.CORRUPT
    tampered = bytearray(sealed)
    tampered[-1] ^= 1
    with pytest.raises(StorageError, match="integrity"):
        ring.open(bytes(tampered), context("t.c", 1))
    with pytest.raises(StorageError, match=key.id_text) as info:
        Keyring([new_key()]).open(sealed, context("t.c", 1))
    assert info.value.cause is Cause.DATA_KEY
    assert key.text() not in repr(key) and key.id_text in repr(key)
    assert DataKey(parse_keys(key.text().rstrip("="), source="x")[0].secret).id == key.id
