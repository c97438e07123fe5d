"""Turn an asyncpg error into a StorageError naming its cause and how to fix it.

The PostgreSQL counterpart of storage/causes.py: callers only ever see StorageError, whose
``cause`` means the same on both engines. One log line per cause (storage.causes.log_failure),
never SQL values (asyncpg's messages may quote a value: they are not logged).
"""

from __future__ import annotations

import asyncpg

from ..causes import log_failure
from ..errors import Cause, StorageError, StorageUnavailable, UnknownUser

_FIXES = {
    Cause.DISK_FULL: "The PostgreSQL server is out of disk space ({name}). Nothing of this "
                     "request was saved. Free space on the server's data volume, then try "
                     "again.",
    Cause.READ_ONLY: "The PostgreSQL server refused a write ({name}): the server is a read-only "
                     "standby, or the database user lacks privileges. Nothing of this request "
                     "was saved. Point CALLSHIELD_DATABASE at the primary, or grant the user "
                     "write access.",
    Cause.CORRUPT: "PostgreSQL reports damaged data ({name}). Stop CallShield and restore the "
                   "database from a backup.",
    Cause.IO_ERROR: "The PostgreSQL server reported an I/O error ({name}). Nothing of this "
                    "request was saved. Check the server's disk and log.",
    Cause.BUSY: "The database stayed locked or the request took too long ({name}). Nothing of "
                "this request was saved; trying again usually works.",
    Cause.UNREACHABLE: "The PostgreSQL server cannot be reached or refused the connection "
                       "({name}). Nothing of this request was saved. Check that the server is "
                       "running and that CALLSHIELD_DATABASE names the right host, port, user "
                       "and database.",
    Cause.CANNOT_OPEN: "PostgreSQL refused to open the database ({name}): check the user, "
                       "password and database name in CALLSHIELD_DATABASE.",
}

_BY_CLASS: tuple[tuple[type[BaseException], Cause], ...] = (
    (asyncpg.DiskFullError, Cause.DISK_FULL),
    (asyncpg.ReadOnlySQLTransactionError, Cause.READ_ONLY),
    (asyncpg.InsufficientPrivilegeError, Cause.READ_ONLY),
    (asyncpg.DataCorruptedError, Cause.CORRUPT),
    (asyncpg.IndexCorruptedError, Cause.CORRUPT),
    (asyncpg.PostgresIOError, Cause.IO_ERROR),
    (asyncpg.DeadlockDetectedError, Cause.BUSY),
    (asyncpg.SerializationError, Cause.BUSY),
    (asyncpg.LockNotAvailableError, Cause.BUSY),
    (asyncpg.QueryCanceledError, Cause.BUSY),
    (asyncpg.InvalidAuthorizationSpecificationError, Cause.CANNOT_OPEN),
    (asyncpg.InvalidPasswordError, Cause.CANNOT_OPEN),
    (asyncpg.InvalidCatalogNameError, Cause.CANNOT_OPEN),
    (asyncpg.TooManyConnectionsError, Cause.UNREACHABLE),
    (asyncpg.CannotConnectNowError, Cause.UNREACHABLE),
    (asyncpg.AdminShutdownError, Cause.UNREACHABLE),
    (asyncpg.ConnectionDoesNotExistError, Cause.UNREACHABLE),
    (asyncpg.InterfaceError, Cause.UNREACHABLE),
    (OSError, Cause.UNREACHABLE),
)

ERRORS = (asyncpg.PostgresError, asyncpg.InterfaceError, OSError)
"""What a database call may raise besides StorageError."""


def cause_of(exc: BaseException) -> Cause:
    for kind, cause in _BY_CLASS:
        if isinstance(exc, kind):
            return cause
    return Cause.OTHER


def translate(exc: BaseException, *, user_id: int | None = None) -> StorageError:
    """The StorageError for ``exc``; its cause is logged once (no values)."""
    if isinstance(exc, asyncpg.ForeignKeyViolationError):
        return UnknownUser(user_id)  # a caller's mistake, not a storage failure: not logged
    name = getattr(exc, "sqlstate", None) or type(exc).__name__
    cause = cause_of(exc)
    if cause in (Cause.UNREACHABLE, Cause.CANNOT_OPEN, Cause.BUSY):
        error: StorageError = StorageUnavailable(_FIXES[cause].format(name=name), cause=cause)
    elif cause in _FIXES:
        error = StorageError(_FIXES[cause].format(name=name), cause=cause)
    else:
        error = StorageError(f"Database error ({name}): {type(exc).__name__}", cause=cause)
    log_failure(cause, str(name))
    return error
