"""Deletion that deletes: after a user's data is erased, the raw bytes of the database, its
-wal and its -shm hold no copy of it — plain text or sealed — right away, after the process
that deleted it is SIGKILLed, and after a restart."""

from __future__ import annotations

import json
import signal
import sqlite3
import subprocess
import sys
from contextlib import closing
from pathlib import Path

import aiosqlite
import pytest

from storage import KeyConfig, open_store
from storage.opening import configure
from tests.faults.conftest import Worker
from tests.storage.people import PERSON, copies, database_files, fill, plain_forms, sealed_forms


def sealed_state(database: Path, user_id: int) -> bytes:
    with closing(sqlite3.connect(database)) as raw:
        [stored] = raw.execute("SELECT state_json FROM conversations WHERE user_id = ?",
                               (user_id,)).fetchone()
    return bytes(stored)


async def test_a_deleted_user_leaves_no_copy_right_away_after_sigkill_and_after_restart(
        tmp_path: Path, worker_env: dict[str, str], workers: list[Worker]) -> None:
    database = tmp_path / "bot.db"
    worker = Worker(database, worker_env, tmp_path / "worker.log")
    workers.append(worker)
    victim, _ = worker.call("fill")
    keeper, _ = worker.call("fill", telegram_id="1111")
    versions = []  # every sealed version of the state: old page images pile up in the -wal
    for step in range(15):
        state = {"answers": {"story": PERSON["story"], "what_said": PERSON["answer"]}, "n": step}
        worker.call("save", user_id=victim, state=json.dumps(state, ensure_ascii=False))
        versions.append(sealed_state(database, victim))
    needles = plain_forms() + sealed_forms(database, victim) + versions
    before = copies(database, needles)
    assert before.get("bot.db-wal"), "the test must see copies before the deletion"

    worker.call("delete_user", user_id=victim)
    assert copies(database, needles) == {}  # right after, the deleting process still alive
    assert database_files(database).get("bot.db-wal", b"") == b""  # truncated

    worker.kill()
    assert copies(database, needles) == {}

    keys = KeyConfig(key_text=worker_env["CALLSHIELD_DATA_KEY"])
    async with await open_store(database, keys=keys) as store:  # the restart
        assert await store.get_user("telegram", PERSON["telegram_id"]) is None
        assert (await store.get_profile(keeper))["address"] == PERSON["address"]
        assert copies(database, needles) == {}
    assert copies(database, needles) == {}


KILLED_AFTER_COMMIT = """
import os, signal, sqlite3, sys
conn = sqlite3.connect(sys.argv[1], isolation_level=None)
conn.execute("PRAGMA secure_delete = ON")
for table in ("findings", "incidents", "conversations", "profile_fields", "audit_log"):
    if table == "findings":
        conn.execute("DELETE FROM findings WHERE incident_id IN"
                     " (SELECT id FROM incidents WHERE user_id = ?)", (sys.argv[2],))
    else:
        conn.execute(f"DELETE FROM {table} WHERE user_id = ?", (sys.argv[2],))
conn.execute("DELETE FROM users WHERE id = ?", (sys.argv[2],))
os.kill(os.getpid(), signal.SIGKILL)  # committed, never checkpointed
"""


async def test_a_deletion_killed_before_its_checkpoint_is_scrubbed_at_the_next_start(
        tmp_path: Path, worker_env: dict[str, str], workers: list[Worker]) -> None:
    database = tmp_path / "bot.db"
    worker = Worker(database, worker_env, tmp_path / "worker.log")
    workers.append(worker)
    victim, _ = worker.call("fill")
    needles = plain_forms() + sealed_forms(database, victim)
    worker.kill()
    killed = subprocess.run([sys.executable, "-c", KILLED_AFTER_COMMIT, str(database),
                             str(victim)], timeout=60)
    assert killed.returncode == -signal.SIGKILL
    assert copies(database, needles), "the old frames must still be in the -wal here"
    keys = KeyConfig(key_text=worker_env["CALLSHIELD_DATA_KEY"])
    async with await open_store(database, keys=keys):
        assert copies(database, needles) == {}


async def test_each_kind_of_deletion_removes_its_copies_at_once(db_path: Path) -> None:
    async with await open_store(db_path) as store:
        user_id, incident_id = await fill(store)
        with closing(sqlite3.connect(db_path)) as raw:
            incident = [v for row in raw.execute(
                "SELECT caller_number, lender, agency, description, facts_json FROM incidents")
                for v in row] + [row[0] for row in raw.execute("SELECT data_json FROM findings")]
            profile = dict(raw.execute("SELECT key, value FROM profile_fields"))
        state = sealed_state(db_path, user_id)
        assert copies(db_path, [*incident, state, *profile.values()])

        assert await store.delete_incident(user_id, incident_id)
        assert copies(db_path, incident) == {}
        await store.set_profile_field(user_id, "id_number", None)
        assert copies(db_path, [profile["id_number"]]) == {}
        assert copies(db_path, [profile["address"]])  # only what was deleted went
        await store.delete_conversation(user_id)
        assert copies(db_path, [state]) == {}


async def test_secure_delete_is_ours_not_the_builds(db_path: Path) -> None:
    async with aiosqlite.connect(db_path, isolation_level=None) as conn:
        await conn.execute("PRAGMA secure_delete = OFF")  # a build whose default is off
        await configure(conn, str(db_path), 1.0)
        assert list(await conn.execute_fetchall("PRAGMA secure_delete")) == [(1,)]
        assert list(await conn.execute_fetchall("PRAGMA temp_store")) == [(2,)]  # memory


@pytest.mark.parametrize("secure_delete,checkpoint,leftover_in", [
    ("OFF", "TRUNCATE", "x.db"),  # without secure_delete the main file keeps the bytes
    ("ON", "PASSIVE", "x.db-wal"),  # without truncation the -wal keeps them
])
def test_the_byte_search_finds_what_each_protection_removes(
        tmp_path: Path, secure_delete: str, checkpoint: str, leftover_in: str) -> None:
    """The control: the same search on a database missing one of the two protections."""
    database = tmp_path / "x.db"
    secret = "ID 110105198807213391 " * 20
    with closing(sqlite3.connect(database, isolation_level=None)) as conn:
        conn.execute("PRAGMA journal_mode = WAL")
        conn.execute(f"PRAGMA secure_delete = {secure_delete}")
        conn.execute("CREATE TABLE t (v TEXT)")
        conn.executemany("INSERT INTO t VALUES (?)", [(f"{secret}{n}",) for n in range(50)])
        conn.execute("DELETE FROM t")
        conn.execute(f"PRAGMA wal_checkpoint({checkpoint})")
        assert leftover_in in copies(database, [b"110105198807213391"])
