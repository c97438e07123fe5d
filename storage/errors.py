"""Exceptions raised by the storage layer.

Callers only ever see these, never a raw ``sqlite3`` error, so that a PostgreSQL
implementation can raise the same ones::

    StorageError             any storage failure; the message says what to do,
    │                        ``cause`` says what happened (a :class:`Cause`)
    ├── StorageUnavailable   the database cannot be opened or used right now
    │                        (missing directory, not a database, locked, too new,
    │                        no data key or the wrong one)
    └── UnknownUser          a user id that does not exist (or was deleted)

A channel tells the user the truth from ``cause`` alone: for every cause, nothing of the
failed call was saved (``Cause.transient`` says whether trying again later may work without
an operator).
"""

from __future__ import annotations

import enum


class Cause(enum.Enum):
    """Why a storage call failed; stable values a channel or a log reader can rely on."""

    DISK_FULL = "disk_full"
    """The disk is full, or the database reached its size limit (SQLITE_FULL)."""
    READ_ONLY = "read_only"
    """The file, its -wal/-shm or their directory cannot be written (SQLITE_READONLY)."""
    BUSY = "busy"
    """Another process held the database locked for longer than the busy timeout."""
    CORRUPT = "corrupt"
    """The file is damaged or not a database, or a stored value fails its integrity check."""
    IO_ERROR = "io_error"
    """The operating system reported an input/output error (SQLITE_IOERR)."""
    CANNOT_OPEN = "cannot_open"
    """The database (or its directory) cannot be opened or created."""
    DATA_KEY = "data_key"
    """The data key is missing, unreadable or not the one the data was encrypted with."""
    SCHEMA = "schema"
    """The database was written by a newer release, or a migration is broken."""
    UNKNOWN_USER = "unknown_user"
    """The call named a user that does not exist."""
    UNREACHABLE = "unreachable"
    """The database server cannot be reached, or refused the connection (PostgreSQL)."""
    CLOSED = "closed"
    """The store was already closed."""
    OTHER = "other"
    """Anything else; the message carries SQLite's own words."""

    @property
    def transient(self) -> bool:
        """True when the same call may succeed later without code or configuration changes
        (space freed, lock released, a flaky disk recovering)."""
        return self in (Cause.DISK_FULL, Cause.BUSY, Cause.IO_ERROR, Cause.UNREACHABLE)


class StorageError(Exception):
    """Base class for every error raised by ``storage``; ``cause`` is machine-readable."""

    default_cause = Cause.OTHER

    def __init__(self, message: str, *, cause: Cause | None = None) -> None:
        super().__init__(message)
        self.cause = cause if cause is not None else self.default_cause


class StorageUnavailable(StorageError):
    """The database cannot be opened or is held by another process."""

    default_cause = Cause.CANNOT_OPEN


class UnknownUser(StorageError, LookupError):
    """A method was given a user id that has no row in ``users``."""

    default_cause = Cause.UNKNOWN_USER

    def __init__(self, user_id: int | None = None) -> None:
        who = "that id" if user_id is None else f"id {user_id}"
        super().__init__(
            f"No user with {who} exists (it may have been deleted); "
            "create the user with get_or_create_user() before storing data about them."
        )
        self.user_id = user_id
