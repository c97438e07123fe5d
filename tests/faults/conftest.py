"""The fault suite: real processes, real files, real signals (see tests/faults/storeworker.py)."""

from __future__ import annotations

import json
import os
import select
import signal
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from storage.crypto import new_key_text
from tests.conftest import ROOT


class WorkerFailed(Exception):
    """The worker answered with a StorageError: ``cause`` and ``message``."""

    def __init__(self, answer: dict[str, Any]) -> None:
        super().__init__(answer["error"])
        self.cause = answer["cause"]
        self.message = answer["error"]


class Worker:
    """A store in a child process (tests/faults/storeworker.py)."""

    def __init__(self, database: Path, env: dict[str, str], log: Path,
                 prefix: list[str] | None = None) -> None:
        self.log = log
        with log.open("a") as errors:  # a file, not a pipe: a chatty child never blocks
            self.proc = subprocess.Popen(
                [*(prefix or []), sys.executable, "-m", "tests.faults.storeworker",
                 str(database)],
                stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=errors, text=True,
                cwd=ROOT, env=env)
        self.answer()  # "ready"

    def answer(self, timeout: float = 60.0) -> Any:
        assert self.proc.stdout is not None
        readable, _, _ = select.select([self.proc.stdout], [], [], timeout)
        line = self.proc.stdout.readline() if readable else ""
        if not line:
            self.proc.kill()
            self.proc.wait(timeout=10)
            raise AssertionError(f"the worker gave no answer; its stderr:\n{self.stderr()}")
        reply = json.loads(line)
        if "error" in reply:
            raise WorkerFailed(reply)
        return reply["ok"]

    def call(self, op: str, **arguments: Any) -> Any:
        assert self.proc.stdin is not None
        self.proc.stdin.write(json.dumps({"op": op, **arguments}) + "\n")
        self.proc.stdin.flush()
        return self.answer()

    def kill(self) -> None:
        """SIGKILL: no cleanup, no close, no checkpoint."""
        self.proc.send_signal(signal.SIGKILL)
        self.proc.wait(timeout=10)
        for stream in (self.proc.stdin, self.proc.stdout):
            if stream is not None:
                stream.close()

    def stderr(self) -> str:
        return self.log.read_text()


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "callshield.sqlite3"


@pytest.fixture
def worker_env(tmp_path: Path) -> dict[str, str]:
    """The environment of a worker: its own data key, logs at INFO."""
    env = {**os.environ, "CALLSHIELD_DATA_KEY": new_key_text(), "PYTHONPATH": str(ROOT)}
    env.pop("CALLSHIELD_DATA_KEY_FILE", None)
    env.pop("CALLSHIELD_RETENTION_DAYS", None)
    return env


@pytest.fixture
def workers() -> Iterator[list[Worker]]:
    """Workers started by a test; any still running at its end are killed."""
    started: list[Worker] = []
    yield started
    for worker in started:
        if worker.proc.poll() is None:
            worker.kill()
