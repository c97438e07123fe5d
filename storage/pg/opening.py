"""Open a PostgreSQL store: connect a pool, migrate, unlock the data key; or say what is wrong.

Chosen when CALLSHIELD_DATABASE is a ``postgresql://`` (or ``postgres://``) URL
(storage/opening.py dispatches here). Every failure is a StorageUnavailable that names the
problem and the fix, with the URL's password left out.
"""

from __future__ import annotations

import logging
import os
from urllib.parse import urlsplit, urlunsplit

import asyncpg

from ..crypto import Keyring
from ..errors import Cause, StorageError, StorageUnavailable
from ..keys import ENV_KEY, ENV_KEY_FILE, KeyConfig, load_keys
from ..retention import Retention
from ..sealing import Sealer, check_keys, registered_keys
from .dialect import is_postgres_url  # noqa: F401 - re-exported for callers
from .failures import ERRORS, translate
from .gate import PgConnection
from .migrate import apply_pg_migrations
from .store import PostgresStore

logger = logging.getLogger(__name__)

ENV_POOL = "CALLSHIELD_PG_POOL"
DEFAULT_POOL = 10
ENV_LOCKS = "CALLSHIELD_PG_LOCKS"
DEFAULT_LOCKS = 16


def redacted(url: str) -> str:
    """The URL without its password, for messages and logs."""
    parts = urlsplit(url)
    if parts.password is None:
        return url
    host = parts.netloc.rsplit("@", 1)[-1]
    return urlunsplit(parts._replace(netloc=f"{parts.username}:***@{host}"))


def pool_size(env: dict[str, str] | None = None) -> int:
    """CALLSHIELD_PG_POOL: connections per worker (1-200, default 10)."""
    text = ((env if env is not None else os.environ).get(ENV_POOL) or "").strip()
    if text.isdigit() and 1 <= int(text) <= 200:
        return int(text)
    if text:
        logger.warning("%s must be a whole number from 1 to 200; using %d", ENV_POOL,
                       DEFAULT_POOL)
    return DEFAULT_POOL


def lock_pool_size(env: dict[str, str] | None = None) -> int:
    """CALLSHIELD_PG_LOCKS: chats one worker handles at once, each holding its lock on a
    connection of its own (1-200, default 16); more chats wait for a free one."""
    text = ((env if env is not None else os.environ).get(ENV_LOCKS) or "").strip()
    if text.isdigit() and 1 <= int(text) <= 200:
        return int(text)
    return DEFAULT_LOCKS


async def _keep(conn: asyncpg.Connection) -> None:
    """No reset when a connection goes back to the pool: asyncpg's default costs a round trip
    per use, and the store leaves nothing behind on a connection (every transaction is closed
    by its block; no SET, LISTEN or temporary table; a chat lock is released by its block, and
    a connection whose unlock failed is terminated instead of returned)."""


async def connect_pool(url: str, *, size: int | None = None) -> asyncpg.Pool:
    """A pool of connections to ``url``; StorageUnavailable (why, and how to fix) if not."""
    size = size if size is not None else pool_size()
    try:
        return await asyncpg.create_pool(url, min_size=1, max_size=size, timeout=10,
                                         command_timeout=60, reset=_keep)
    except ERRORS as exc:
        error = translate(exc)
        raise StorageUnavailable(f"Cannot connect to the PostgreSQL database {redacted(url)}: "
                                 f"{error}", cause=error.cause) from exc
    except ValueError as exc:  # a malformed URL
        raise StorageUnavailable(f"CALLSHIELD_DATABASE={redacted(url)} is not a usable "
                                 f"PostgreSQL URL ({exc}); write it as "
                                 "postgresql://USER[:PASSWORD]@HOST[:PORT]/DATABASE.",
                                 cause=Cause.CANNOT_OPEN) from exc


async def open_postgres_store(url: str, *, keys: KeyConfig | None = None,
                              retention: Retention | None = None,
                              size: int | None = None) -> PostgresStore:
    """Connect, migrate, check the data key, purge what retention says; see open_store."""
    keys = keys if keys is not None else KeyConfig.from_env()
    keys.check()
    if not keys.key_text and keys.key_file is None:
        raise StorageUnavailable(
            f"With PostgreSQL the data key cannot live next to the database: set {ENV_KEY} "
            f"(best, from a secret store; `callshield db new-key` makes one) or "
            f"{ENV_KEY_FILE} to a key file every worker can read. Nothing was changed.",
            cause=Cause.DATA_KEY)
    pool = await connect_pool(url, size=size)
    try:
        async with pool.acquire() as raw:
            applied = await apply_pg_migrations(raw)
            keyring = await _unlock(PgConnection(raw), keys)
    except ERRORS as exc:
        await pool.close()
        error = translate(exc)
        raise StorageUnavailable(f"Cannot open the PostgreSQL database {redacted(url)}: "
                                 f"{error}", cause=error.cause) from exc
    except BaseException:
        await pool.close()
        raise
    logger.info("storage opened (PostgreSQL); %d migration(s) applied; data key %s",
                len(applied), keyring.primary.id_text)
    try:
        lock_pool = await connect_pool(url, size=lock_pool_size())
    except BaseException:
        await pool.close()
        raise
    store = PostgresStore(pool, sealer=Sealer(keyring), retention=retention,
                          lock_pool=lock_pool, url=url)
    try:
        await store.purge_expired()
    except StorageError as error:
        logger.warning("the retention purge at start failed (cause=%s); it runs again later",
                       error.cause.value)
    except BaseException:
        await store.close()
        raise
    store.start_purging()
    return store


async def _unlock(conn: PgConnection, config: KeyConfig) -> Keyring:
    """Load the key and check it against the database in one transaction, under an advisory
    lock, so workers starting together register one key."""
    async with conn.raw.transaction():
        await conn.raw.execute(
            "SELECT pg_advisory_xact_lock(hashtext('callshield-keys:' || current_schema()))")
        registered = await registered_keys(conn)  # type: ignore[arg-type]
        loaded = load_keys(config, None, may_generate=not registered)
        await check_keys(conn, loaded.keyring, loaded.origin)  # type: ignore[arg-type]
    return loaded.keyring
