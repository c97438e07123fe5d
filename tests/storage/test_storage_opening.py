"""Opening a store: PRAGMAs, migrations, and clear errors instead of tracebacks."""

from __future__ import annotations

import os
import sqlite3
from contextlib import closing
from pathlib import Path

import aiosqlite
import pytest

from storage import SQLiteStore, StorageUnavailable, Store, open_store
from storage.migrate import Migration, apply_migrations, load_migrations, split_statements

EXPECTED_TABLES = {
    "users", "conversations", "incidents", "findings", "profile_fields",
    "processed_updates", "audit_log", "schema_migrations",
}  # fmt: skip


def test_migration_files_ship_as_package_data() -> None:
    migrations = load_migrations()
    assert [m.version for m in migrations][:1] == [1]
    assert migrations[0].name == "initial"
    assert "CREATE TABLE users" in migrations[0].sql


async def test_open_creates_schema_and_second_open_applies_nothing(db_path: Path) -> None:
    async with await open_store(db_path):
        pass
    with closing(sqlite3.connect(db_path)) as conn:
        first = conn.execute("SELECT version, applied_at FROM schema_migrations").fetchall()
        tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    assert EXPECTED_TABLES <= tables
    assert [v for v, _ in first] == [m.version for m in load_migrations()]

    async with await open_store(db_path):
        pass
    async with aiosqlite.connect(db_path, isolation_level=None) as conn:
        assert await apply_migrations(conn) == []
    with closing(sqlite3.connect(db_path)) as conn:
        second = conn.execute("SELECT version, applied_at FROM schema_migrations").fetchall()
    assert second == first  # one row per migration, untouched


async def test_pragmas_wal_foreign_keys_synchronous(store: SQLiteStore, db_path: Path) -> None:
    conn = store._gate._conn  # white-box: foreign_keys is per connection
    assert conn is not None
    assert list(await conn.execute_fetchall("PRAGMA foreign_keys")) == [(1,)]
    assert list(await conn.execute_fetchall("PRAGMA synchronous")) == [(1,)]  # NORMAL
    assert list(await conn.execute_fetchall("PRAGMA busy_timeout")) == [(5000,)]
    with closing(sqlite3.connect(db_path)) as other:
        assert other.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


async def test_foreign_keys_are_enforced(store: SQLiteStore) -> None:
    from storage import UnknownUser

    with pytest.raises(UnknownUser, match="get_or_create_user"):
        await store.save_conversation(404, "{}", "pack", "1")


async def test_store_satisfies_protocol_with_same_signatures(store: SQLiteStore) -> None:
    import inspect

    assert isinstance(store, Store)
    for name, member in inspect.getmembers(Store, callable):
        if name.startswith("_"):
            continue
        ours = getattr(SQLiteStore, name)
        assert inspect.signature(ours) == inspect.signature(member), name


async def test_reopen_after_close_keeps_everything(db_path: Path) -> None:
    async with await open_store(db_path) as store:
        user = await store.get_or_create_user("telegram", "42", language="ru")
        await store.save_conversation(user.id, '{"step": "s1"}', "pack", "1")
        await store.set_profile_field(user.id, "full_name", "A B")
    async with await open_store(db_path) as store:
        again = await store.get_user("telegram", "42")
        assert again == user
        conversation = await store.load_conversation(user.id)
        assert conversation is not None and conversation.state_json == '{"step": "s1"}'
        assert await store.get_profile(user.id) == {"full_name": "A B"}


async def test_close_is_idempotent_and_later_calls_say_so(db_path: Path) -> None:
    store = await open_store(db_path)
    await store.close()
    await store.close()
    with pytest.raises(Exception, match="closed; open a new one"):
        await store.get_user("telegram", "1")


async def test_missing_directory_is_explained(tmp_path: Path) -> None:
    path = tmp_path / "no" / "such" / "dir" / "db.sqlite3"
    with pytest.raises(StorageUnavailable) as info:
        await open_store(path)
    message = str(info.value)
    assert "does not exist" in message and "mkdir -p" in message
    assert not path.parent.exists()  # we do not create it behind the operator's back


async def test_directory_given_as_database_is_explained(tmp_path: Path) -> None:
    with pytest.raises(StorageUnavailable, match="is a directory"):
        await open_store(tmp_path)


async def test_non_database_file_is_explained(tmp_path: Path) -> None:
    path = tmp_path / "notes.sqlite3"
    path.write_bytes(b"this is not a database " * 200)
    with pytest.raises(StorageUnavailable, match="not a SQLite database") as info:
        await open_store(path)
    assert isinstance(info.value.__cause__, sqlite3.DatabaseError)


@pytest.mark.parametrize("already_wal", [False, True], ids=["fresh-file", "wal-database"])
async def test_locked_database_is_explained(db_path: Path, already_wal: bool) -> None:
    if already_wal:
        async with await open_store(db_path):
            pass
    with closing(sqlite3.connect(db_path, isolation_level=None)) as holder:
        holder.execute("CREATE TABLE IF NOT EXISTS other_app (x)")
        holder.execute("BEGIN EXCLUSIVE")
        with pytest.raises(StorageUnavailable, match=r"locked by another process .* 0\.2 s"):
            await open_store(db_path, busy_timeout_s=0.2)
        holder.execute("ROLLBACK")
    async with await open_store(db_path):  # and it opens once the lock is gone
        pass


async def test_database_from_newer_release_is_refused(db_path: Path) -> None:
    async with await open_store(db_path):
        pass
    with closing(sqlite3.connect(db_path)) as conn, conn:
        conn.execute(
            "INSERT INTO schema_migrations (version, name, applied_at) VALUES (9999, 'future', '')"
        )
    with pytest.raises(StorageUnavailable, match="newer release"):
        await open_store(db_path)


async def test_failed_migration_leaves_no_trace(db_path: Path) -> None:
    good = Migration(1, "good", "CREATE TABLE a (x INTEGER);")
    bad = Migration(2, "bad", "CREATE TABLE b (x INTEGER);\nINSERT INTO missing VALUES (1);")
    async with aiosqlite.connect(db_path, isolation_level=None) as conn:
        assert await apply_migrations(conn, [good]) == [1]
        with pytest.raises(sqlite3.OperationalError):
            await apply_migrations(conn, [good, bad])
        tables = {r[0] for r in await conn.execute_fetchall("SELECT name FROM sqlite_master")}
        versions = list(await conn.execute_fetchall("SELECT version FROM schema_migrations"))
    assert "b" not in tables and "a" in tables
    assert versions == [(1,)]


def test_split_statements_respects_strings_comments_and_triggers() -> None:
    script = """
    -- a comment; with a semicolon
    CREATE TABLE t (x TEXT DEFAULT 'a;b');
    CREATE TRIGGER tr AFTER INSERT ON t BEGIN
        UPDATE t SET x = 'c;d';
    END;
    """
    statements = split_statements(script)
    assert len(statements) == 2
    assert statements[1].startswith("CREATE TRIGGER") and statements[1].endswith("END;")


async def test_unwritable_directory_is_explained(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Tests run as root, where chmod cannot make a directory unwritable, so only
    # the permission answer is simulated; the message is what is under test.
    real_access = os.access
    monkeypatch.setattr(
        os, "access", lambda p, mode: False if Path(p) == tmp_path else real_access(p, mode)
    )
    with pytest.raises(StorageUnavailable, match="not writable by this user"):
        await open_store(tmp_path / "db.sqlite3")
