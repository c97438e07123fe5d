"""Storage failures on real filesystems: a small tmpfs that fills up, one remounted read-only,
and a file size limit that makes the kernel refuse writes (EFBIG, an I/O error to SQLite).

The tmpfs is mounted in a private mount namespace (``unshare``), so nothing outside the
test's child process sees it; where that is impossible the test skips and says why.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import ROOT
from tests.faults.conftest import Worker, WorkerFailed
from tests.storage.people import PERSON

SMALL = '{"step": 1}'
_MOUNT_THEN_RUN = 'mount -t tmpfs -o size={size} tmpfs "$0" && exec "$@"'


def private_mount(tmp_path: Path) -> list[str]:
    """``unshare`` arguments that give the child a mount namespace of its own, or skip."""
    unshare = shutil.which("unshare")
    if unshare is None:
        pytest.skip("a real small filesystem needs `unshare` (util-linux) to mount a tmpfs")
    probe = tmp_path / "probe"
    probe.mkdir(exist_ok=True)
    tried = []
    for flags in (["--mount"], ["--mount", "--map-root-user"]):
        done = subprocess.run([unshare, *flags, "sh", "-c", _MOUNT_THEN_RUN.format(size="64k"),
                               str(probe), "true"], capture_output=True, text=True, timeout=30)
        if done.returncode == 0:
            return [unshare, *flags]
        tried.append(done.stderr.strip())
    pytest.skip("cannot mount a tmpfs here (needs root with CAP_SYS_ADMIN, or unprivileged "
                f"user namespaces): {tried[-1]}")


def on_small_tmpfs(tmp_path: Path, size: str) -> tuple[list[str], Path]:
    """A command prefix that runs its command with a fresh tmpfs of ``size`` mounted, and
    the mount point."""
    mountpoint = tmp_path / "small"
    mountpoint.mkdir()
    return [*private_mount(tmp_path), "sh", "-c", _MOUNT_THEN_RUN.format(size=size),
            str(mountpoint)], mountpoint


def test_a_really_full_filesystem_is_named_and_nothing_claims_a_save(
        tmp_path: Path, worker_env: dict[str, str], workers: list[Worker]) -> None:
    prefix, mountpoint = on_small_tmpfs(tmp_path, "400k")
    worker = Worker(mountpoint / "bot.db", worker_env, tmp_path / "worker.log", prefix=prefix)
    workers.append(worker)
    user = worker.call("user", external_id="1")
    worker.call("save", user_id=user, state=SMALL)
    stored = 0
    with pytest.raises(WorkerFailed) as full:
        for n in range(1000):
            worker.call("profile", user_id=user, key=f"detail{n}", value=PERSON["story"] * 80)
            stored = n + 1
    assert full.value.cause == "disk_full" and "disk holding it is full" in full.value.message
    assert stored > 0

    assert worker.call("claim", update=5) is True
    with pytest.raises(WorkerFailed) as failed:
        worker.call("save", user_id=user, state=json.dumps({"story": PERSON["story"] * 80}),
                    update=5)
    assert failed.value.cause == "disk_full"
    assert worker.call("state", user_id=user) == SMALL  # the cache did not take it
    assert worker.call("pending", update=5) is True  # the ledger did not settle it
    assert len(worker.call("export", user_id=user)["profile"]) == stored

    worker.call("reopen")  # a restart on the still-full disk
    assert worker.call("state", user_id=user) == SMALL
    assert len(worker.call("export", user_id=user)["profile"]) == stored
    worker.kill()
    log = worker.stderr()
    assert "storage failure: cause=disk_full (SQLITE_FULL)" in log
    assert PERSON["story"] not in log


def test_a_file_size_limit_is_named_an_io_error(tmp_path: Path, worker_env: dict[str, str],
                                                 workers: list[Worker]) -> None:
    database = tmp_path / "bot.db"
    worker = Worker(database, worker_env, tmp_path / "worker.log")
    workers.append(worker)
    user = worker.call("user", external_id="1")
    worker.call("save", user_id=user, state=SMALL)
    largest = max(p.stat().st_size for p in tmp_path.glob("bot.db*"))
    worker.call("limit_file_size", size=largest + 100_000)
    with pytest.raises(WorkerFailed) as failed:
        for n in range(1000):
            worker.call("profile", user_id=user, key=f"detail{n}", value=PERSON["story"] * 80)
    assert failed.value.cause == "io_error"
    assert "input/output error" in failed.value.message and "Check the disk" in (
        failed.value.message)
    assert worker.call("state", user_id=user) == SMALL
    worker.kill()
    assert "storage failure: cause=io_error (SQLITE_IOERR_WRITE)" in worker.stderr()


CREATE = """
import asyncio, sys
from storage import open_store

async def main():
    async with await open_store(sys.argv[1]) as store:
        user = await store.get_or_create_user("telegram", "1")
        await store.save_conversation(user.id, '{"step": 1}', "cn", "1")

asyncio.run(main())
"""
OPEN = """
import asyncio, json, sys
from storage import StorageError, open_store

async def main():
    try:
        store = await open_store(sys.argv[1])
    except StorageError as error:
        print(json.dumps({"cause": error.cause.value, "message": str(error)}))
        return
    await store.close()
    print(json.dumps({"cause": None}))

asyncio.run(main())
"""


def test_a_read_only_filesystem_is_named_at_start(tmp_path: Path,
                                                  worker_env: dict[str, str]) -> None:
    mountpoint = tmp_path / "small"
    mountpoint.mkdir()
    database = str(mountpoint / "bot.db")
    script = ('mount -t tmpfs -o size=1m tmpfs "$0" && "$1" -c "$2" "$4"'
              ' && mount -o remount,ro "$0" && exec "$1" -c "$3" "$4"')
    done = subprocess.run([*private_mount(tmp_path), "sh", "-c", script, str(mountpoint),
                           sys.executable, CREATE, OPEN, database], capture_output=True,
                          text=True, cwd=ROOT, env=worker_env, timeout=60)
    assert done.returncode == 0, done.stderr
    answer = json.loads(done.stdout)
    assert answer["cause"] == "read_only"
    assert "not writable" in answer["message"] and str(mountpoint) in answer["message"]
    assert "storage failure: cause=read_only" in done.stderr  # and the log names it
    assert not os.listdir(mountpoint)  # the tmpfs lived only in the child's namespace
