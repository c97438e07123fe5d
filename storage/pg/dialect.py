"""The few SQL differences between the engines, in one place.

The store's statements are written once, with ``?`` placeholders and ``ON CONFLICT`` upserts
(portable SQL); :func:`to_postgres` numbers the placeholders for PostgreSQL. What cannot be
written once for both is named here.
"""

from __future__ import annotations

from functools import lru_cache

SQLITE = "sqlite"
POSTGRESQL = "postgresql"

SAVE_HANDLED = (
    # A handled update's id and the state it produced, in one statement (SQLite: the
    # handled_updates view and its trigger, migration 0002). The state is written only when
    # the id was new: a duplicate delivery that raced past the check changes nothing.
    "WITH handled AS (INSERT INTO processed_updates (channel, update_id, created_at)"
    " VALUES (?, ?, ?) ON CONFLICT (channel, update_id) DO NOTHING RETURNING 1)"
    " INSERT INTO conversations (user_id, state_json, pack_id, pack_version, updated_at)"
    " SELECT ?, ?, ?, ?, ? WHERE EXISTS (SELECT 1 FROM handled)"
    " ON CONFLICT (user_id) DO UPDATE SET state_json = excluded.state_json,"
    " pack_id = excluded.pack_id, pack_version = excluded.pack_version,"
    " updated_at = excluded.updated_at, shown_at = NULL, shown_message = NULL"
)


SCHEMES = ("postgresql://", "postgres://")


def is_postgres_url(location: object) -> bool:
    """True for ``postgresql://…`` text: the PostgreSQL engine; anything else is a path."""
    return isinstance(location, str) and location.startswith(SCHEMES)


def dialect_of(db: object) -> str:
    """``postgresql`` for the PostgreSQL connection adapter, else ``sqlite``."""
    return getattr(db, "dialect", SQLITE)


@lru_cache(maxsize=1024)
def to_postgres(sql: str) -> str:
    """``?`` placeholders become ``$1, $2 ...`` (none of our statements has a ``?`` inside a
    string literal; quoted text is skipped all the same)."""
    out: list[str] = []
    number = 0
    quote: str | None = None
    for char in sql:
        if quote is not None:
            if char == quote:
                quote = None
        elif char in ("'", '"'):
            quote = char
        elif char == "?":
            number += 1
            out.append(f"${number}")
            continue
        out.append(char)
    return "".join(out)
