"""What a database file holds about people, as plain text, for tests that check what was (or
was not) stored: personal columns are sealed on disk (storage/sealing.py), so reading them raw
would find nothing either way — a check that could not fail."""

from __future__ import annotations

import json
import sqlite3
from contextlib import closing
from pathlib import Path

from storage.crypto import Keyring
from storage.keys import KeyConfig, read_key_file
from storage.sealing import SEALED, Sealer


def stored_plaintext(database: Path, tables: tuple[str, ...] = (
        "conversations", "profile_fields", "incidents", "findings")) -> str:
    """Every row of ``tables`` with its sealed columns opened, as one JSON text."""
    sealer = Sealer(Keyring(read_key_file(KeyConfig().file_for(database))))
    specs = {spec.table: spec for spec in SEALED}
    rows: list[dict[str, object]] = []
    with closing(sqlite3.connect(database)) as connection:
        connection.row_factory = sqlite3.Row
        for table in tables:
            try:
                found = connection.execute(f"SELECT * FROM {table}").fetchall()
            except sqlite3.OperationalError:
                continue  # not created yet
            spec = specs.get(table)
            for row in found:
                values = dict(row)
                if spec is not None:
                    owners = [values[name] for name in spec.owners]
                    for column in spec.columns:
                        values[column] = sealer.open(f"{table}.{column}", values[column],
                                                     *owners)
                rows.append({"table": table, **{k: v for k, v in values.items()
                                                if not isinstance(v, bytes)}})
    return json.dumps(rows, ensure_ascii=False)
