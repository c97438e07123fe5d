"""Deletion that deletes: after a user's data is erased, no copy is left in the database files.

Where SQLite keeps old images of a page, and what we do about each:

* **Freed space inside the main file** (deleted cells, free-list pages, the old cell when a
  row is rewritten): ``PRAGMA secure_delete = ON``, set on every connection
  (storage/opening.py), makes SQLite overwrite them with zeros. Some builds default to it;
  we do not rely on that.
* **The -wal file**: every committed version of a page stays there until a checkpoint copies
  the newest into the main file, and a plain checkpoint only rewinds the WAL, leaving the old
  frames in place. After every deletion of a user's data the store runs
  ``PRAGMA wal_checkpoint(TRUNCATE)`` (:func:`scrub_wal`) before the deleting call returns,
  and once more at every start, for a deletion whose process was killed before it could.
* **The -shm file** holds only the WAL's index (page and frame numbers), never row content.
* **Temporary files** (sorts, statement journals) are kept in memory: ``temp_store = MEMORY``.
* **Bytes the filesystem freed** when the WAL was truncated are out of SQLite's reach; the
  personal values in them are ciphertext (storage/crypto.py), unreadable without the key.

The checkpoint cannot truncate while another process reads an old snapshot; then it is
logged and tried again after the next write (the data stays encrypted meanwhile).
"""

from __future__ import annotations

import logging
import sqlite3

import aiosqlite

from .causes import cause_of, log_failure

logger = logging.getLogger(__name__)

PRAGMAS = ("PRAGMA secure_delete = ON", "PRAGMA temp_store = MEMORY")
"""Run on every connection before it touches personal data."""


async def scrub_wal(conn: aiosqlite.Connection) -> bool:
    """Copy every committed page into the main file and truncate the WAL to zero bytes.

    Returns False (and logs why) when it could not finish: another connection was reading,
    or the disk failed. Never raises: the deletion it follows is already committed.
    """
    try:
        rows = list(await conn.execute_fetchall("PRAGMA wal_checkpoint(TRUNCATE)"))
    except sqlite3.Error as exc:
        log_failure(cause_of(exc), f"checkpoint after a deletion: "
                    f"{getattr(exc, 'sqlite_errorname', type(exc).__name__)}")
        return False
    busy = bool(rows and rows[0][0])
    if busy:
        logger.warning("the -wal could not be truncated after a deletion: another process is "
                       "reading the database; trying again after the next write")
    return not busy
