"""``callshield db migrate``: bring a database's schema up to date without starting the bot.

The bot migrates at start too (storage/opening.py); operators who upgrade several workers run
this once first, so no worker waits on another's migration (PostgreSQL serialises them with an
advisory lock either way).
"""

from __future__ import annotations

import os
from pathlib import Path

from .files import create_private
from .migrate import apply_migrations
from .opening import check_location, configure, connect
from .pg.dialect import is_postgres_url


async def migrate_database(location: str | os.PathLike[str]) -> list[int]:
    """Apply the migrations the database at ``location`` (a SQLite path or a
    ``postgresql://`` URL) lacks; return the versions applied now."""
    if is_postgres_url(location):
        from .pg.migrate import apply_pg_migrations
        from .pg.opening import connect_pool

        pool = await connect_pool(str(location), size=1)
        try:
            async with pool.acquire() as conn:
                return await apply_pg_migrations(conn)
        finally:
            await pool.close()
    path = check_location(location)
    create_private(Path(path))
    conn = await connect(path, 5.0)
    try:
        await configure(conn, path, 5.0)
        return await apply_migrations(conn)
    finally:
        await conn.close()
