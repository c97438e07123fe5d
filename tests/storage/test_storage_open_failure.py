"""A connect that fails for real must not leave aiosqlite's worker thread behind."""

from __future__ import annotations

import asyncio
import os
import threading
import time
from pathlib import Path

import pytest

from storage import StorageUnavailable, open_store

SYSFS = Path("/sys")


def unopenable_path() -> Path:
    """A path our location checks accept but SQLite cannot open: a new file in sysfs.

    sysfs looks writable to root (access() says yes) yet refuses new files, so
    sqlite3.connect itself fails, which no faked permission answer can reproduce.
    """
    if not SYSFS.is_dir() or not os.access(SYSFS, os.W_OK | os.X_OK):
        pytest.skip("needs a sysfs that access() reports writable (running as root)")
    return SYSFS / "callshield-test.sqlite3"


def test_failed_connect_joins_the_worker_thread_before_returning() -> None:
    path = unopenable_path()
    failures: list[threading.ExceptHookArgs] = []
    previous = threading.excepthook
    threading.excepthook = failures.append
    try:
        before = set(threading.enumerate())
        with pytest.raises(StorageUnavailable, match="Cannot open the database") as info:
            asyncio.run(open_store(path))  # its loop is closed when this returns
        left = [t for t in threading.enumerate() if t not in before and t.is_alive()]
        time.sleep(0.2)  # a thread still finishing would now report to the closed loop
    finally:
        threading.excepthook = previous
    assert "writable directory" in str(info.value)
    assert left == []
    assert [f.exc_value for f in failures] == []
    assert not path.exists()


def workers() -> list[threading.Thread]:
    """aiosqlite's connection threads still running (named after their target)."""
    return [t for t in threading.enumerate()
            if "_connection_worker_thread" in t.name and t.is_alive()]


async def test_failed_connect_inside_a_running_loop_then_a_good_open(tmp_path: Path) -> None:
    assert workers() == []
    with pytest.raises(StorageUnavailable, match="unable to open database file"):
        await open_store(unopenable_path())
    assert workers() == []  # checked at once: nothing is left to report to this loop later
    async with await open_store(tmp_path / "ok.sqlite3") as store:  # nothing left broken
        user = await store.get_or_create_user("telegram", "1")
        assert (await store.get_user("telegram", "1")) == user


async def test_a_really_unwritable_directory_is_explained() -> None:
    """procfs refuses new files even to root, and access() says so: no faked answer needed."""
    folder = Path("/proc/sys")
    if not folder.is_dir() or os.access(folder, os.W_OK | os.X_OK):
        pytest.skip("needs a directory that access() reports unwritable (Linux procfs)")
    with pytest.raises(StorageUnavailable, match="not writable by this user") as info:
        await open_store(folder / "callshield.sqlite3")
    assert "choose another directory" in str(info.value)
    assert workers() == []
