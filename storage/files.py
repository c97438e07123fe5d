"""File modes: the database, its -wal/-shm and the key file are readable by their owner only.

Why: SQLite creates a new database with mode 0644 minus the umask, so under the usual umask
anyone on the machine could read it. We create the file ourselves with 0600 first; SQLite then
gives its -wal and -shm the database file's own mode (it sets it explicitly, whatever the
umask). Files found with group or other bits (made by an older release, or copied in) are
tightened at open, with a log line; owner bits are left as they are, so a file an operator
made read-only stays read-only.
"""

from __future__ import annotations

import logging
import os
import stat
from pathlib import Path

logger = logging.getLogger(__name__)

PRIVATE = 0o600
_NOFOLLOW = getattr(os, "O_NOFOLLOW", 0)  # never write through a symlink someone planted
COMPANIONS = ("-wal", "-shm", "-journal")
"""Files SQLite keeps next to a database, named after it."""


def create_private(path: Path) -> None:
    """Create ``path`` empty with mode 0600 if it does not exist (whatever the umask).

    Best effort: if it cannot be created here, SQLite's own attempt reports why.
    """
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | _NOFOLLOW, PRIVATE)
    except FileExistsError:
        return
    except OSError:
        return
    try:
        os.fchmod(fd, PRIVATE)
    finally:
        os.close(fd)


def tighten(path: Path) -> None:
    """Remove group and other permissions from ``path`` if it exists, saying so in the log."""
    try:
        mode = stat.S_IMODE(os.stat(path).st_mode)
    except FileNotFoundError:
        return
    if mode & 0o077:
        os.chmod(path, mode & 0o700)
        logger.warning("tightened the permissions of %s from %04o to %04o (owner only)",
                       path, mode, mode & 0o700)


def tighten_database(database: Path) -> None:
    """Tighten the database file and every companion file SQLite made next to it."""
    tighten(database)
    for suffix in COMPANIONS:
        tighten(database.with_name(database.name + suffix))


def write_private(path: Path, text: str) -> None:
    """Replace ``path`` with ``text`` atomically and durably, mode 0600.

    Written to a temporary file in the same directory, synced, then renamed over ``path``:
    a crash leaves the old content or the new, never half of it.
    """
    temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | _NOFOLLOW, PRIVATE)
    try:
        os.fchmod(fd, PRIVATE)
        os.write(fd, text.encode("utf-8"))
        os.fsync(fd)
    finally:
        os.close(fd)
    try:
        os.replace(temporary, path)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise
    sync_directory(path.parent)


def create_private_once(path: Path, text: str) -> bool:
    """Write ``text`` to ``path`` only if no file is there yet; False if one was.

    The content is complete before the name appears (written aside, then hard-linked), so
    two processes starting at once agree on one file, and a crash never leaves half a file.
    """
    temporary = path.with_name(f".{path.name}.{os.getpid()}.new")
    write_private(temporary, text)
    try:
        os.link(temporary, path)
    except FileExistsError:
        return False
    finally:
        temporary.unlink(missing_ok=True)
    sync_directory(path.parent)
    return True


def sync_directory(folder: Path) -> None:
    """Make a rename or new name in ``folder`` durable (no-op where directories cannot be
    opened)."""
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)

