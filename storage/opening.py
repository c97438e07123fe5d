"""open_store(): connect, configure, migrate and unlock, or say plainly what is wrong.

Start-up failures are the ones operators meet first, so each becomes a
:class:`StorageUnavailable` whose message names the problem and the fix
instead of a sqlite3 traceback.

In order: the database file is created 0600 (storage/files.py); the connection gets its
PRAGMAs (WAL, foreign keys, secure_delete); migrations run; the data key is loaded and checked
against the database (storage/keys.py, storage/sealing.py), and values stored before
encryption at rest are sealed; the WAL is truncated (a deletion killed before its own
checkpoint is finished now); expired data is purged (storage/retention.py).
"""

from __future__ import annotations

import asyncio
import logging
import os
import sqlite3
from pathlib import Path

import aiosqlite

from .cache import RowCache
from .causes import log_failure, translate
from .crypto import Keyring
from .errors import Cause, StorageError, StorageUnavailable
from .files import create_private, tighten_database
from .keys import KeyConfig, load_keys
from .migrate import apply_migrations
from .pg.dialect import is_postgres_url
from .retention import Retention
from .scrub import PRAGMAS, scrub_wal
from .sealing import Sealer, check_keys, registered_keys, reseal_all
from .sqlite import SQLiteStore

logger = logging.getLogger(__name__)

MEMORY = ":memory:"


async def open_store(path: str | os.PathLike[str], *, busy_timeout_s: float = 5.0,
                     cache: bool = True, keys: KeyConfig | None = None,
                     retention: Retention | None = None) -> SQLiteStore:
    """Open (creating if needed) the database at ``path`` and bring its schema up to date.

    ``path`` is a SQLite file, or a ``postgresql://`` URL: then the PostgreSQL engine
    (storage/pg/: no row cache, so ``cache`` and ``busy_timeout_s`` do not apply; the data
    key must come from CALLSHIELD_DATA_KEY or CALLSHIELD_DATA_KEY_FILE).

    Use as ``async with await open_store(path) as store:`` or call ``close()``.
    ``busy_timeout_s`` is how long to wait for another process's lock. ``cache`` keeps users
    and conversation states in memory (write-through); it assumes this process is the only
    writer of the file, so turn it off if anything else writes to the database. ``keys``
    (where the data key comes from) and ``retention`` (how long data is kept) default to
    the environment: CALLSHIELD_DATA_KEY, CALLSHIELD_DATA_KEY_FILE, CALLSHIELD_RETENTION_DAYS.

    Raises:
        StorageUnavailable: the directory is missing or read-only, the file is
            not a SQLite database, another process keeps it locked, the schema
            is newer than this code, or the data key is missing or wrong
            (``cause`` says which).
    """
    if is_postgres_url(path):  # several workers, one server (storage/pg/)
        from .pg.opening import open_postgres_store

        return await open_postgres_store(str(path), keys=keys, retention=retention)
    try:
        return await _open(path, busy_timeout_s, cache, keys, retention)
    except StorageError as error:
        log_failure(error.cause, "the database could not be opened")
        if isinstance(error, StorageUnavailable):
            raise
        raise StorageUnavailable(f"Cannot open the database {os.fspath(path)}: {error}",
                                 cause=error.cause) from error


async def _open(path: str | os.PathLike[str], busy_timeout_s: float, cache: bool,
                keys: KeyConfig | None, retention: Retention | None) -> SQLiteStore:
    keys = keys if keys is not None else KeyConfig.from_env()
    keys.check()
    retention = retention if retention is not None else _retention_from_env()
    location = check_location(path)
    database = None if location == MEMORY else Path(location)
    if database is not None:
        create_private(database)
    conn = await connect(location, busy_timeout_s)
    try:
        await configure(conn, location, busy_timeout_s)
        applied = await apply_migrations(conn)
        if database is not None:
            tighten_database(database)
        keyring = await _unlock(conn, keys, database)
        await scrub_wal(conn)
    except BaseException as exc:
        await conn.close()
        if isinstance(exc, sqlite3.Error):
            error = translate(exc, busy_timeout_s=busy_timeout_s)
            raise StorageUnavailable(f"Cannot open the database {location}: {error}",
                                     cause=error.cause) from exc
        raise
    logger.info("storage opened; %d migration(s) applied; data key %s", len(applied),
                keyring.primary.id_text)
    store = SQLiteStore(conn, sealer=Sealer(keyring), busy_timeout_s=busy_timeout_s,
                        cache=RowCache(enabled=cache), retention=retention)
    try:
        await store.purge_expired()
    except StorageError as error:  # serving users matters more; the daily purge retries
        logger.warning("the retention purge at start failed (cause=%s); it runs again in %g s",
                       error.cause.value, retention.every_s)
    except BaseException:
        await store.close()
        raise
    store.start_purging()
    return store


def _retention_from_env() -> Retention:
    try:
        return Retention.from_env()
    except ValueError as error:
        raise StorageUnavailable(str(error), cause=Cause.OTHER) from None


async def _unlock(conn: aiosqlite.Connection, config: KeyConfig,
                  database: Path | None) -> Keyring:
    """Load the data key, check it opens what the database holds, and seal any value stored
    before encryption at rest; one write transaction, so two starting processes agree."""
    await conn.execute("BEGIN IMMEDIATE")
    try:
        registered = await registered_keys(conn)
        loaded = load_keys(config, database, may_generate=not registered)
        await check_keys(conn, loaded.keyring, loaded.origin)
        sealed = {} if registered else await reseal_all(conn, loaded.keyring)
        await conn.commit()
    except BaseException:
        await conn.rollback()
        raise
    if sealed:
        logger.warning("encrypted %d stored value(s) written before encryption at rest",
                       sum(sealed.values()))
    return loaded.keyring


async def connect(location: str, busy_timeout_s: float) -> aiosqlite.Connection:
    """Connect, and after a failed connect wait for aiosqlite's worker thread to end.

    A failed connect leaves that thread finishing its own shutdown; it then reports to this
    event loop, and if the loop has been closed by then the thread dies with "Event loop is
    closed" in whatever runs next. Joining it here keeps the failure where it happened.
    """
    conn = aiosqlite.connect(location, timeout=busy_timeout_s, isolation_level=None)
    try:
        return await conn
    except sqlite3.Error as exc:
        await _join_worker(conn)
        raise StorageUnavailable(
            f"Cannot open the database {location} ({exc}); check that the path is a "
            "file in a writable directory."
        ) from exc
    except BaseException:
        await _join_worker(conn)
        raise


async def _join_worker(conn: aiosqlite.Connection) -> None:
    """Wait (off the loop) until the connection's worker thread has stopped.

    aiosqlite has no public handle on the thread; ``_thread`` is stable in the pinned ~=0.22
    and tests/storage/test_storage_opening.py fails loudly if it goes away.
    """
    thread = getattr(conn, "_thread", None)
    if thread is not None and thread.is_alive():
        await asyncio.to_thread(thread.join, 5.0)


def check_location(path: str | os.PathLike[str]) -> str:
    """Reject paths SQLite would fail on with an unhelpful "unable to open" error."""
    location = os.fspath(path)
    if location == MEMORY:
        return location
    file = Path(location)
    directory = file.absolute().parent
    if file.is_dir():
        raise StorageUnavailable(
            f"The database path {file} is a directory; set it to a file inside it, "
            f"e.g. {file / 'callshield.sqlite3'}."
        )
    if not directory.is_dir():
        raise StorageUnavailable(
            f"Cannot create the database {file}: the directory {directory} does not exist. "
            f"Create it first (mkdir -p {directory}) or choose a path in an existing directory."
        )
    if not os.access(directory, os.W_OK | os.X_OK):
        raise StorageUnavailable(
            f"Cannot use the database {file}: the directory {directory} is not writable by "
            "this user, and SQLite needs to create its -wal and -shm files there. Fix the "
            "directory's permissions or choose another directory.", cause=Cause.READ_ONLY
        )
    if file.exists() and not os.access(file, os.R_OK | os.W_OK):
        raise StorageUnavailable(
            f"Cannot use the database {file}: this user may not read and write it. "
            "Fix the file's owner or permissions.", cause=Cause.READ_ONLY
        )
    return location


async def configure(conn: aiosqlite.Connection, location: str, busy_timeout_s: float) -> None:
    await conn.execute(f"PRAGMA busy_timeout = {int(busy_timeout_s * 1000)}")
    await conn.execute("PRAGMA foreign_keys = ON")
    for pragma in PRAGMAS:  # secure_delete on, temporary files in memory (storage/scrub.py)
        await conn.execute(pragma)
    rows = list(await conn.execute_fetchall("PRAGMA secure_delete"))
    if not rows or rows[0][0] != 1:
        raise StorageError(f"SQLite refused secure_delete on {location}, so deleted data "
                           "would stay on disk; use a standard SQLite build.")
    rows = list(await conn.execute_fetchall("PRAGMA journal_mode = WAL"))
    mode = str(rows[0][0]).lower() if rows else "unknown"
    if mode not in ("wal", "memory"):
        logger.warning("journal_mode is %s, not WAL: writes will be slower", mode)
    # In WAL mode NORMAL is durable against crashes of the process; only a power
    # loss can drop the last transactions, and it never corrupts the file.
    await conn.execute("PRAGMA synchronous = NORMAL")
    rows = list(await conn.execute_fetchall("PRAGMA foreign_keys"))
    if not rows or rows[0][0] != 1:
        raise StorageError(
            f"SQLite refused to enforce foreign keys on {location}; use a SQLite build "
            "with foreign key support (any standard Python build has it)."
        )
