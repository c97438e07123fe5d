"""``callshield db rotate-key``: re-encrypt every sealed value under a new data key.

Offline and atomic: the command takes SQLite's exclusive lock (so it refuses to run while the
bot has the database open, and the bot cannot start until it is done), then re-seals every
value in **one transaction** — all values move to the new key, or none do.

Resumable across a crash at any point, because the new key is stored durably *before* any
value is sealed with it, and the old key is dropped only *after* the commit:

* key file: a key file with one key gets a new first line (new key, then the old one), written
  atomically; the values are re-sealed; then the file is rewritten with the new key alone.
  Run again after an interruption, it finds two keys and finishes the move to the first.
* ``CALLSHIELD_DATA_KEY``: the operator puts the new key first (``NEW,OLD``; with a single
  key the command prints a fresh one and how to do it, changing nothing), runs the command,
  then keeps only the new key.

While two keys are configured, the bot reads values under either, and seals new ones with the
first.
"""

from __future__ import annotations

import logging
import sqlite3
from dataclasses import dataclass, field
from pathlib import Path

import aiosqlite

from .causes import translate
from .crypto import DataKey, Keyring, new_key, new_key_text
from .errors import Cause, StorageError, StorageUnavailable
from .files import write_private
from .keys import ENV_KEY, KeyConfig, key_file_text, read_key_file
from .migrate import apply_migrations
from .opening import check_location, configure, connect
from .scrub import scrub_wal
from .sealing import check_keys, forget_other_keys, reseal_all

logger = logging.getLogger(__name__)


@dataclass(slots=True)
class Rotation:
    """What ``rotate_key`` did, for the command to print."""

    new_key_id: str
    resealed: dict[str, int] = field(default_factory=dict)
    retired: list[str] = field(default_factory=list)
    key_file: Path | None = None

    def lines(self) -> list[str]:
        total = sum(self.resealed.values())
        out = [f"Key rotation finished: every encrypted value is now under key {self.new_key_id}.",
               f"Re-encrypted {total} value(s)" + (": " + ", ".join(
                   f"{count} {column}" for column, count in sorted(self.resealed.items()))
                   if total else " (none were under another key).")]
        if self.retired:
            out.append(f"Retired key(s) {', '.join(self.retired)}: no data uses them any more.")
        if self.key_file is not None:
            out.append(f"The key file {self.key_file} now holds only the new key. Back it up "
                       "again: the old backup of the key file no longer opens the data.")
        else:
            out.append(f"Now set {ENV_KEY} to the new key alone (the first of the keys you "
                       "gave); the old key is no longer needed.")
        return out


async def rotate_key(database: Path, config: KeyConfig, *,
                     busy_timeout_s: float = 2.0) -> Rotation:
    """Move every sealed value of ``database`` to a new key; see the module docstring.

    Raises StorageUnavailable when the database is in use, missing, or its keys do not fit,
    and (changing nothing) when CALLSHIELD_DATA_KEY holds a single key.
    """
    config.check()
    location = check_location(database)
    if not database.is_file():
        raise StorageUnavailable(f"There is no database at {database}; nothing to rotate.")
    conn = await connect(location, busy_timeout_s)
    try:
        await _lock_exclusively(conn, busy_timeout_s)
        await configure(conn, location, busy_timeout_s)
        await apply_migrations(conn)
        keys, key_file = _keys_for_rotation(config, database)
        keyring = Keyring(keys)
        origin = ENV_KEY if key_file is None else f"key file {key_file}"
        await conn.execute("BEGIN IMMEDIATE")
        try:
            await check_keys(conn, keyring, origin)
            rotation = Rotation(keyring.primary.id_text, await reseal_all(conn, keyring),
                                await forget_other_keys(conn, keyring), key_file)
            await conn.commit()
        except BaseException:
            await conn.rollback()
            raise
        await scrub_wal(conn)  # no copy under the old key left in the -wal
    except sqlite3.Error as exc:
        raise translate(exc, busy_timeout_s=busy_timeout_s) from exc
    finally:
        await conn.close()
    if key_file is not None:
        write_private(key_file, key_file_text([keyring.primary]))
    logger.info("data key rotated to %s; %d value(s) re-encrypted", rotation.new_key_id,
                sum(rotation.resealed.values()))
    return rotation


async def _lock_exclusively(conn: aiosqlite.Connection, busy_timeout_s: float) -> None:
    """Hold the database's exclusive lock until the connection closes; refuse if the bot
    (or anything else) has it open."""
    await conn.execute("PRAGMA locking_mode = EXCLUSIVE")
    try:
        await conn.execute("BEGIN EXCLUSIVE")
        await conn.execute("COMMIT")
    except sqlite3.Error as exc:
        error = translate(exc, busy_timeout_s=busy_timeout_s)
        if error.cause is not Cause.BUSY:
            raise
        raise StorageUnavailable(
            "The database is in use by another process (is CallShield running?). Stop it, "
            "then run `callshield db rotate-key` again.", cause=Cause.BUSY) from exc


def _keys_for_rotation(config: KeyConfig, database: Path) -> tuple[list[DataKey], Path | None]:
    """The keys to rotate with, the new one first; a key file gains its new key here."""
    if config.key_text:
        keys = config.env_keys()
        if len(keys) < 2:
            raise StorageUnavailable(
                f"{ENV_KEY} holds one key, so there is no new key to move to. Set it to a new "
                f"key followed by the current one, e.g. {ENV_KEY}={new_key_text()},<current "
                "key> (that new key was just generated for you and is not stored anywhere), "
                "run `callshield db rotate-key` again, then keep only the new key.",
                cause=Cause.DATA_KEY)
        return keys, None
    path = config.file_for(database)
    if not path.exists():
        raise StorageError(f"There is no key file at {path} and {ENV_KEY} is not set: there "
                           "is no key to rotate from.", cause=Cause.DATA_KEY)
    keys = read_key_file(path)
    if len(keys) == 1:  # stored durably before any value is sealed with it
        keys = [new_key(), *keys]
        write_private(path, key_file_text(keys))
    return keys, path
