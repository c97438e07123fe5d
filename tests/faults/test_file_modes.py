"""The database, its -wal and -shm and the key file are readable by their owner only,
whatever the umask; files found looser are tightened at open, with a log line."""

from __future__ import annotations

import json
import logging
import os
import sqlite3
import stat
import subprocess
import sys
from contextlib import closing
from pathlib import Path

import pytest

from storage import open_store
from tests.conftest import ROOT

OPEN_AND_REPORT = """
import asyncio, json, os, stat, sys
from pathlib import Path
os.umask(int(sys.argv[2], 8))
from storage import open_store

async def main():
    database = Path(sys.argv[1])
    async with await open_store(database) as store:
        user = await store.get_or_create_user("telegram", "1")
        await store.set_profile_field(user.id, "address", "somewhere")
        names = [database.name + s for s in ("", "-wal", "-shm", ".key")]
        print(json.dumps({n: stat.S_IMODE(os.stat(database.with_name(n)).st_mode)
                          for n in names}))

asyncio.run(main())
"""


@pytest.mark.parametrize("umask", ["000", "022"])
def test_new_files_are_created_owner_only_whatever_the_umask(tmp_path: Path,
                                                              umask: str) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("CALLSHIELD_DATA_KEY")}
    done = subprocess.run([sys.executable, "-c", OPEN_AND_REPORT, str(tmp_path / "bot.db"),
                           umask], capture_output=True, text=True, cwd=ROOT, env=env,
                          timeout=60)
    assert done.returncode == 0, done.stderr
    modes = json.loads(done.stdout)
    assert set(modes) == {"bot.db", "bot.db-wal", "bot.db-shm", "bot.db.key"}
    assert {name: oct(mode) for name, mode in modes.items()} == {
        name: oct(0o600) for name in modes}
    assert "tightened" not in done.stderr  # created that way, not repaired afterwards


async def test_looser_files_are_tightened_at_open(db_path: Path,
                                                  caplog: pytest.LogCaptureFixture) -> None:
    async with await open_store(db_path):
        pass
    key = db_path.with_name(db_path.name + ".key")
    with closing(sqlite3.connect(db_path)) as holder:  # keeps -wal and -shm in place
        holder.execute("PRAGMA journal_mode = WAL")
        holder.execute("SELECT COUNT(*) FROM users").fetchone()
        files = [db_path, db_path.with_name(db_path.name + "-wal"),
                 db_path.with_name(db_path.name + "-shm"), key]
        loose = {files[0]: 0o644, files[1]: 0o666, files[2]: 0o640, files[3]: 0o604}
        for path, mode in loose.items():
            os.chmod(path, mode)
        with caplog.at_level(logging.WARNING, logger="storage.files"):
            async with await open_store(db_path):
                modes = {p.name: stat.S_IMODE(os.stat(p).st_mode) for p in files}
    assert modes == {p.name: 0o600 for p in files}
    logged = "\n".join(r.getMessage() for r in caplog.records)
    for path in loose:  # (SQLite itself resets an empty -wal to the database's mode)
        assert f"tightened the permissions of {path} from 06" in logged


async def test_tightening_never_adds_a_permission(db_path: Path) -> None:
    async with await open_store(db_path):
        pass
    os.chmod(db_path, 0o444)  # an operator made it read-only for everyone
    from storage.files import tighten

    tighten(db_path)
    assert stat.S_IMODE(os.stat(db_path).st_mode) == 0o400
