"""Which columns hold personal words, and how the SQLite store seals and opens them.

Every value in :data:`SEALED` is stored as a BLOB sealed by storage/crypto.py, bound to its
``table.column`` and to the ids of the row that owns it (so a value cannot be swapped into
another column, user or incident). Callers of the store pass and get plain text; the row cache
holds plain text in memory only.

**A new column that will hold a user's words** (a diary entry, an attachment's caption...)
must be added to :data:`SEALED` and written through :class:`Sealer` — key rotation and the
sealing of old plain-text rows then cover it without other changes.

The ``encryption_keys`` table (migration 0004) lists the id of every key that has sealed
data, with a value sealed by it: at start the configured keys are checked against it, so a
missing or wrong key stops the start with a clear message instead of failing on first read.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import aiosqlite

from .causes import log_failure
from .crypto import DataKey, Keyring, context, key_ids
from .errors import Cause, StorageError, StorageUnavailable
from .pg.dialect import SQLITE, dialect_of
from .values import utc_now

STATE = "conversations.state_json"
PROFILE_VALUE = "profile_fields.value"
FINDING_DATA = "findings.data_json"
INCIDENT_SEALED = ("caller_number", "lender", "agency", "description", "facts_json")
"""Incident columns sealed (``channel`` is an option id, times are needed for ordering)."""
_CHECK_CONTEXT = b"encryption_keys.check_value"
_CHECK_TEXT = "callshield key check"
_BATCH = 500


@dataclass(frozen=True, slots=True)
class SealedTable:
    """Sealed columns of one table, the columns whose values bind each seal to its row, and
    the table's primary key (PostgreSQL has no rowid to walk the rows by)."""

    table: str
    owners: tuple[str, ...]
    columns: tuple[str, ...]
    key: tuple[str, ...]


SEALED: tuple[SealedTable, ...] = (
    SealedTable("conversations", ("user_id",), ("state_json",), ("user_id",)),
    SealedTable("incidents", ("user_id",), INCIDENT_SEALED, ("id",)),
    SealedTable("findings", ("incident_id",), ("data_json",), ("id",)),
    SealedTable("profile_fields", ("user_id", "key"), ("value",), ("user_id", "key")),
    SealedTable("diary_entries", ("user_id",),
                ("caller_number", "caller_name", "third_parties", "said", "note"), ("id",)),
    SealedTable("diary_attachments", ("user_id",), ("file_id", "file_name"), ("id",)),
)


class Sealer:
    """Seals values on their way in and opens them on their way out."""

    def __init__(self, keyring: Keyring) -> None:
        self.keyring = keyring

    def seal(self, column: str, text: str | None, *owners: object) -> bytes | None:
        """``column`` is ``table.column``; ``owners`` the owning row's ids (see SEALED)."""
        if text is None:
            return None
        return self.keyring.seal(text, context(column, *owners))

    def open_required(self, column: str, stored: Any, *owners: object) -> str:
        """``open`` for a NOT NULL column."""
        text = self.open(column, stored, *owners)
        assert text is not None, f"{column} is NOT NULL"
        return text

    def open(self, column: str, stored: Any, *owners: object) -> str | None:
        """The plain text of a stored value; StorageError (logged) if it cannot be trusted."""
        if stored is None:
            return None
        try:
            if not isinstance(stored, bytes):
                raise StorageError(
                    f"{column} holds an unencrypted value, written around CallShield; "
                    "restore the database from a backup.", cause=Cause.CORRUPT)
            return self.keyring.open(stored, context(column, *owners))
        except StorageError as error:
            log_failure(error.cause, f"a stored {column} value could not be opened")
            raise


async def check_keys(conn: aiosqlite.Connection, keyring: Keyring, origin: str) -> None:
    """Refuse keys that cannot open what the database holds; register the primary key."""
    registered = await registered_keys(conn)
    missing = [key_id for key_id in registered if not keyring.has(key_id)]
    if missing:
        raise StorageUnavailable(
            f"The database holds data encrypted with key id(s) {_ids(missing)}, but "
            f"{origin} has key id(s) {key_ids(keyring.keys)}. Configure the key(s) this "
            "database was written with (to change keys, put the new key first and the old "
            "one after it, then run `callshield db rotate-key`). Nothing was changed.",
            cause=Cause.DATA_KEY)
    for key_id, check_value in registered.items():
        try:
            Keyring([_key(keyring, key_id)]).open(check_value, _CHECK_CONTEXT)
        except StorageError:
            raise StorageUnavailable(
                f"The key with id {key_id.hex()} from {origin} does not open this database's "
                "check value: the key or the database is damaged. Restore them from a "
                "backup.", cause=Cause.DATA_KEY) from None
    if keyring.primary.id not in registered:
        await register(conn, keyring.primary)


async def registered_keys(conn: aiosqlite.Connection) -> dict[bytes, bytes]:
    """key id -> check value, for every key that has sealed data here."""
    rows = await conn.execute_fetchall("SELECT key_id, check_value FROM encryption_keys")
    return {bytes.fromhex(row[0]): bytes(row[1]) for row in rows}


async def register(conn: aiosqlite.Connection, key: DataKey) -> None:
    check_value = Keyring([key]).seal(_CHECK_TEXT, _CHECK_CONTEXT)
    await conn.execute(
        "INSERT INTO encryption_keys (key_id, check_value, added_at) VALUES (?, ?, ?)"
        " ON CONFLICT (key_id) DO NOTHING", (key.id_text, check_value, utc_now()))


async def reseal_all(conn: aiosqlite.Connection, keyring: Keyring) -> dict[str, int]:
    """Seal every plain-text value and re-seal every value not under the primary key.

    Returns how many values of each ``table.column`` were written. Call inside a write
    transaction; values are read and written in batches of rows, so memory stays flat.
    """
    done: dict[str, int] = {}
    for spec in SEALED:
        key = ("rowid",) if dialect_of(conn) == SQLITE else spec.key
        width = len(key)
        names = ", ".join(key)
        marks = ", ".join("?" * width)
        columns = ", ".join(key + spec.owners + spec.columns)
        first = f"SELECT {columns} FROM {spec.table} ORDER BY {names} LIMIT ?"
        after = (f"SELECT {columns} FROM {spec.table} WHERE ({names}) > ({marks})"
                 f" ORDER BY {names} LIMIT ?")
        rows = list(await conn.execute_fetchall(first, (_BATCH,)))
        while rows:
            last = tuple(rows[-1][:width])
            for column, value, row_key in _resealed(spec, width, rows, keyring, done):
                await conn.execute(
                    f"UPDATE {spec.table} SET {column} = ? WHERE ({names}) = ({marks})",
                    (value, *row_key))
            rows = list(await conn.execute_fetchall(after, (*last, _BATCH)))
    return done


def _resealed(spec: SealedTable, key_width: int, rows: Iterable[Any], keyring: Keyring,
              done: dict[str, int]) -> Iterable[tuple[str, bytes, tuple[Any, ...]]]:
    sealer = Sealer(keyring)
    width = len(spec.owners)
    for row in rows:
        owners = row[key_width:key_width + width]
        for column, stored in zip(spec.columns, row[key_width + width:], strict=True):
            if stored is None:
                continue
            if isinstance(stored, bytes) and keyring.key_id_of(stored) == keyring.primary.id:
                continue
            name = f"{spec.table}.{column}"
            text = stored if isinstance(stored, str) else sealer.open(name, stored, *owners)
            done[name] = done.get(name, 0) + 1
            yield column, keyring.seal(text, context(name, *owners)), tuple(row[:key_width])


async def forget_other_keys(conn: aiosqlite.Connection, keyring: Keyring) -> list[str]:
    """Drop the registration of every key but the primary (after reseal_all); their ids."""
    others = [key_id for key_id in await registered_keys(conn) if key_id != keyring.primary.id]
    for key_id in others:
        await conn.execute("DELETE FROM encryption_keys WHERE key_id = ?", (key_id.hex(),))
    await register(conn, keyring.primary)
    return [key_id.hex() for key_id in others]


def _key(keyring: Keyring, key_id: bytes) -> DataKey:
    return next(key for key in keyring.keys if key.id == key_id)


def _ids(ids: Iterable[bytes]) -> str:
    return ", ".join(key_id.hex() for key_id in ids)
