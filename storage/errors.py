"""Exceptions raised by the storage layer.

Callers only ever see these, never a raw ``sqlite3`` error, so that a PostgreSQL
implementation can raise the same ones::

    StorageError             any storage failure; the message says what to do
    ├── StorageUnavailable   the database cannot be opened or used right now
    │                        (missing directory, not a database, locked, too new)
    └── UnknownUser          a user id that does not exist (or was deleted)
"""

from __future__ import annotations


class StorageError(Exception):
    """Base class for every error raised by ``storage``."""


class StorageUnavailable(StorageError):
    """The database cannot be opened or is held by another process."""


class UnknownUser(StorageError, LookupError):
    """A method was given a user id that has no row in ``users``."""

    def __init__(self, user_id: int | None = None) -> None:
        who = "that id" if user_id is None else f"id {user_id}"
        super().__init__(
            f"No user with {who} exists (it may have been deleted); "
            "create the user with get_or_create_user() before storing data about them."
        )
        self.user_id = user_id
