"""Turn a sqlite3 error into a StorageError that names its cause and says how to fix it.

Why: "StorageError" alone in a log tells an operator nothing, and a user told "saved" when the
disk was full is misled. Every failure gets a :class:`Cause` (from SQLite's result code) and
one log line naming it, without SQL values (sqlite3's messages never carry bound parameters).
A failing disk fails every write, so repeats of one cause are logged at most once per
``QUIET_S`` seconds, with a count of those held back.
"""

from __future__ import annotations

import logging
import sqlite3
import time

from .errors import Cause, StorageError, StorageUnavailable, UnknownUser

logger = logging.getLogger(__name__)

# SQLite primary result codes (extended codes carry them in the low byte).
_PERM, _BUSY, _LOCKED, _READONLY, _IOERR, _CORRUPT = 3, 5, 6, 8, 10, 11
_FULL, _CANTOPEN, _NOTADB = 13, 14, 26
_FOREIGN_KEY = 787  # SQLITE_CONSTRAINT_FOREIGNKEY

_CAUSES = {
    _FULL: Cause.DISK_FULL, _READONLY: Cause.READ_ONLY, _PERM: Cause.READ_ONLY,
    _BUSY: Cause.BUSY, _LOCKED: Cause.BUSY, _CORRUPT: Cause.CORRUPT, _NOTADB: Cause.CORRUPT,
    _IOERR: Cause.IO_ERROR, _CANTOPEN: Cause.CANNOT_OPEN,
}  # fmt: skip

_FIXES = {
    Cause.DISK_FULL: (
        "The database could not grow: the disk holding it is full, or the database reached "
        "its size limit ({name}). Nothing of this request was saved. Free space on that disk "
        "(or raise its quota), then try again."
    ),
    Cause.READ_ONLY: (
        "The database cannot be written ({name}): the file, its -wal or -shm file or their "
        "directory is read-only for this user, or the disk is mounted read-only. Nothing of "
        "this request was saved. Fix the permissions or the mount, then restart CallShield."
    ),
    Cause.CORRUPT: (
        "The database file is damaged ({name}). Stop CallShield and restore the file from a "
        "backup; `sqlite3 FILE .recover` can rescue what is still readable."
    ),
    Cause.IO_ERROR: (
        "The operating system reported an input/output error on the database ({name}). "
        "Nothing of this request was saved. Check the disk (kernel log, free space, quotas, "
        "file size limits); it may work again once the disk recovers."
    ),
    Cause.CANNOT_OPEN: (
        "SQLite could not open the database or its -wal/-shm files ({name}). Check that the "
        "directory exists and is writable and that the process has file descriptors left."
    ),
}

QUIET_S = 10.0
_last_logged: dict[Cause, float] = {}
_held_back: dict[Cause, int] = {}


def cause_of(exc: sqlite3.Error) -> Cause:
    """The :class:`Cause` of a sqlite3 error (``Cause.OTHER`` when SQLite gives no code)."""
    code = getattr(exc, "sqlite_errorcode", 0) or 0
    return _CAUSES.get(code & 0xFF, Cause.OTHER)


def translate(
    exc: sqlite3.Error, *, busy_timeout_s: float, user_id: int | None = None
) -> StorageError:
    """Turn a sqlite3 error into a StorageError whose message says what to do; log its cause."""
    code = getattr(exc, "sqlite_errorcode", 0) or 0
    name = getattr(exc, "sqlite_errorname", None) or type(exc).__name__
    if code == _FOREIGN_KEY:
        return UnknownUser(user_id)  # a caller's mistake, not a storage failure: not logged
    cause = cause_of(exc)
    if cause is Cause.BUSY:
        error: StorageError = StorageUnavailable(
            f"The database stayed locked by another process for more than "
            f"{busy_timeout_s:g} s ({name}). Make sure only one CallShield instance uses "
            "this database file, or raise busy_timeout_s.", cause=cause)
    elif code & 0xFF == _NOTADB:
        error = StorageUnavailable(
            f"The file is not a SQLite database, or is corrupted or encrypted ({name}); "
            "restore it from a backup or point CallShield at another file.", cause=cause)
    elif cause in _FIXES:
        error = StorageError(_FIXES[cause].format(name=name), cause=cause)
    else:
        error = StorageError(f"Database error ({name}): {exc}", cause=cause)
    log_failure(cause, name)
    return error


def log_failure(cause: Cause, detail: str) -> None:
    """One ERROR line naming the cause; repeats within QUIET_S are counted, not printed."""
    now = time.monotonic()
    last = _last_logged.get(cause)
    if last is not None and now - last < QUIET_S:
        _held_back[cause] = _held_back.get(cause, 0) + 1
        return
    _last_logged[cause] = now
    repeats = _held_back.pop(cause, 0)
    more = f"; {repeats} more failure(s) with this cause since the last report" if repeats else ""
    logger.error("storage failure: cause=%s (%s)%s", cause.value, detail, more)
