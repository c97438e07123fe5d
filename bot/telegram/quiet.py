"""A warning that an attacker can provoke is logged at most once a minute per kind, saying
how many were folded into it, so an attack cannot fill the disk with log lines (the fault run
saw 312,000 EMFILE tracebacks)."""

from __future__ import annotations

import logging
import time
from collections import Counter

logger = logging.getLogger("bot.telegram.webhook")


class Quiet:
    """A warning per kind at most once per ``interval`` seconds, saying how many were folded
    into it, so an attack cannot fill the disk with log lines."""

    def __init__(self, interval: float = 60.0) -> None:
        self._interval = interval
        self._last: dict[str, float] = {}
        self._folded: Counter[str] = Counter()

    def warn(self, kind: str, message: str, *args: object) -> None:
        now = time.monotonic()
        if now - self._last.get(kind, -self._interval) < self._interval:
            self._folded[kind] += 1
            return
        self._last[kind] = now
        folded = self._folded.pop(kind, 0)
        if folded:
            message, args = message + " (and %d more since the last such line)", (*args, folded)
        logger.warning(message, *args)
