"""``callshield db …``: new-key, rotate-key, migrate, copy (SQLite → PostgreSQL)."""

from __future__ import annotations

import argparse
import asyncio
import sys
from pathlib import Path

from bot.settings import Settings
from storage import StorageError
from storage.pg.dialect import is_postgres_url


def add_commands(commands: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    db = commands.add_parser("db", help="look after the database")
    db_commands = db.add_subparsers(dest="db_command", required=True)
    db_commands.add_parser("rotate-key", help="re-encrypt every stored value under a new data "
                           "key (stop the bot first; SQLite)")
    db_commands.add_parser("new-key", help="print a new random data key for "
                           "CALLSHIELD_DATA_KEY")
    db_commands.add_parser("migrate", help="bring CALLSHIELD_DATABASE's schema up to date "
                           "(SQLite file or postgresql:// URL)")
    copy = db_commands.add_parser("copy", help="copy a SQLite database into an empty "
                                  "PostgreSQL database, ids and encrypted values as they are")
    copy.add_argument("sqlite_path", type=Path, help="the SQLite file (opened read-only)")
    copy.add_argument("url", help="postgresql://USER[:PASSWORD]@HOST[:PORT]/DATABASE")
    copy.add_argument("--dry-run", action="store_true",
                      help="do everything, check the counts, then roll back")


def run(settings: Settings, args: argparse.Namespace) -> int:
    try:
        return _run(settings, args)
    except StorageError as error:
        print(f"callshield: {error}", file=sys.stderr)
        return 2


def _run(settings: Settings, args: argparse.Namespace) -> int:
    command = args.db_command
    if command == "new-key":
        from storage.crypto import new_key_text

        print(new_key_text())
        return 0
    if command == "migrate":
        from storage.schema import migrate_database

        applied = asyncio.run(migrate_database(settings.database))
        print(f"Applied migration(s) {', '.join(f'{v:04d}' for v in applied)}." if applied
              else "The schema is up to date; nothing to apply.")
        return 0
    if command == "copy":
        from storage.pg.copy import copy_sqlite_to_postgres

        if not is_postgres_url(args.url):
            print("callshield: the target must be a postgresql:// URL", file=sys.stderr)
            return 2
        report = asyncio.run(copy_sqlite_to_postgres(args.sqlite_path, args.url,
                                                     dry_run=args.dry_run))
        for line in report.lines():
            print(line)
        if report.committed:
            print("Next: set CALLSHIELD_DATABASE to the URL and CALLSHIELD_DATA_KEY (or "
                  "CALLSHIELD_DATA_KEY_FILE) to the key the SQLite database used.")
        return 0
    from storage.rotation import rotate_key

    if isinstance(settings.database, str):  # a postgresql:// URL
        print("callshield: `db rotate-key` works on a SQLite database only; on PostgreSQL, "
              "keep the current key (README, PostgreSQL)", file=sys.stderr)
        return 2
    rotation = asyncio.run(rotate_key(settings.database, settings.keys))
    for line in rotation.lines():
        print(line)
    return 0
