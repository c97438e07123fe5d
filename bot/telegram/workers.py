"""``callshield run --workers N``: N webhook worker processes behind one URL, supervised.

Every worker is an ordinary ``callshield run`` in webhook mode on the same port with
SO_REUSEPORT (CALLSHIELD_WEBHOOK_REUSE_PORT=1), so the kernel spreads Telegram's connections
among them; they share one PostgreSQL database, where per-chat advisory locks keep each chat
in order and the update-id ledger turns a duplicate delivery into one handling
(storage/pg/store.py). On several machines run one (or more) per machine behind a load
balancer instead; nothing here is needed then.

The supervisor only starts, watches and stops: a worker that dies is started again (after a
pause that grows from 1 s to 30 s while it keeps dying); SIGTERM or SIGINT is passed to every
worker, which finishes the updates in hand (CALLSHIELD_SHUTDOWN_GRACE) before it exits;
SIGHUP is passed on too (look for new releases now).
"""

from __future__ import annotations

import logging
import os
import signal
import subprocess
import sys
import time
from types import FrameType

logger = logging.getLogger(__name__)

MAX_WORKERS = 64


def refuse(workers: int, database: object, webhook_url: str | None) -> str | None:
    """Why ``--workers`` cannot be used with these settings (None: it can)."""
    from storage.pg.dialect import is_postgres_url

    if not 1 <= workers <= MAX_WORKERS:
        return f"--workers must be from 1 to {MAX_WORKERS}"
    if workers == 1:
        return None
    if not is_postgres_url(database):
        return ("--workers above 1 needs CALLSHIELD_DATABASE=postgresql://…: a SQLite file "
                "has one writer (README, PostgreSQL)")
    if not webhook_url:
        return ("--workers above 1 needs webhook mode (CALLSHIELD_WEBHOOK_URL): in polling "
                "mode one process polls; start more `callshield run` processes on PostgreSQL "
                "and they stand by to take over")
    return None


class Supervisor:
    def __init__(self, workers: int, argv: list[str] | None = None) -> None:
        self.count = workers
        self.argv = argv or [sys.executable, "-m", "bot.cli", "run"]
        self.procs: dict[int, subprocess.Popen[bytes]] = {}
        self.pauses: dict[int, float] = {}
        self.stopping = False

    def _start(self, slot: int) -> None:
        env = {**os.environ, "CALLSHIELD_WEBHOOK_REUSE_PORT": "1",
               "CALLSHIELD_WORKER": str(slot)}
        self.procs[slot] = subprocess.Popen(self.argv, env=env)
        logger.info("worker %d started (pid %d)", slot, self.procs[slot].pid)

    def _signal_all(self, sig: int) -> None:
        for proc in self.procs.values():
            if proc.poll() is None:
                proc.send_signal(sig)

    def _on_stop(self, signum: int, _: FrameType | None) -> None:
        self.stopping = True
        self._signal_all(signum)

    def _on_hup(self, signum: int, _: FrameType | None) -> None:
        self._signal_all(signum)

    def run(self) -> int:
        signal.signal(signal.SIGTERM, self._on_stop)
        signal.signal(signal.SIGINT, self._on_stop)
        signal.signal(signal.SIGHUP, self._on_hup)
        for slot in range(self.count):
            self._start(slot)
        due: dict[int, float] = {}
        while self.procs:
            time.sleep(0.2)
            for slot, proc in list(self.procs.items()):
                code = proc.poll()
                if code is None:
                    continue
                if self.stopping:
                    del self.procs[slot]
                    continue
                if slot not in due:  # died on its own: start it again after a pause
                    pause = self.pauses.get(slot, 0.5) * 2
                    self.pauses[slot] = min(pause, 30.0)
                    due[slot] = time.monotonic() + self.pauses[slot]
                    logger.warning("worker %d exited (code %s); starting it again in %.0f s",
                                   slot, code, self.pauses[slot])
                elif time.monotonic() >= due[slot]:
                    del due[slot]
                    self._start(slot)
        logger.info("all workers stopped")
        return 0
