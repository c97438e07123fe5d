"""Libraries' log records lose their arguments and tracebacks: they may carry what users wrote.

Why: python-telegram-bot logs a batch of updates it cannot parse at CRITICAL with the raw data
(users' texts, names, phone numbers), httpx and aiosqlite log request bodies and SQL values at
DEBUG, and asyncio logs tracebacks whose exception messages may quote a value. Our own code
never logs content; for everyone else's, a filter on each handler keeps the message's fixed
words and the exception's class and drops the rest, at every level.
"""

from __future__ import annotations

import logging

THIRD_PARTY = ("telegram", "httpx", "httpcore", "aiosqlite", "asyncio", "tornado", "aiohttp",
               "apscheduler", "hpack", "h2")
WITHHELD = "[details withheld: may hold user data]"


class RedactLibraries(logging.Filter):
    """Keep a library record's template; drop its arguments and its traceback."""

    def filter(self, record: logging.LogRecord) -> bool:
        name = record.name
        if not any(name == lib or name.startswith(lib + ".") for lib in THIRD_PARTY):
            return True
        redacted = record.args or record.exc_info or record.exc_text or record.stack_info
        if not redacted:
            return True
        parts = [str(record.msg) if not record.args else f"{record.msg} {WITHHELD}"]
        if record.exc_info and record.exc_info[0] is not None:
            parts.append(f"({record.exc_info[0].__name__}; traceback withheld)")
        record.msg = " ".join(parts)
        record.args = None
        record.exc_info = record.exc_text = record.stack_info = None
        return True


def install(root: logging.Logger | None = None) -> None:
    """Put the filter on every handler of the root logger (call after basicConfig)."""
    root = root or logging.getLogger()
    for handler in root.handlers:
        if not any(isinstance(f, RedactLibraries) for f in handler.filters):
            handler.addFilter(RedactLibraries())
