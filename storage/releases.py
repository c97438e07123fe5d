"""Pack releases and the operator log: what operators published, and who did what.

A release is an immutable row (the database refuses UPDATE and DELETE on it): the snapshot
of a pack's files as opaque bytes, its content hash, who published and who reviewed it, and
a note. Numbers count up per pack; the bot serves a pack's newest release that is not staged.
Storage never reads a snapshot: packing and unpacking it is the operators' module's job.
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from typing import Protocol, runtime_checkable

import aiosqlite

from .pg.dialect import POSTGRESQL, dialect_of
from .transactions import ConnectionGate
from .values import check_text, utc_now

STAGED = "stage"
"""The action of a release stored for later: reviewed, not served until published."""


@dataclass(frozen=True, slots=True)
class NewRelease:
    pack_id: str
    content_hash: str
    label: str | None
    snapshot: bytes
    action: str  # publish | stage | rollback | promote
    published_by: str
    reviewed_by: str | None = None  # who reviewed this content now (None: not reviewed now)
    reviewed_on: str | None = None  # YYYY-MM-DD of the last review covering this content
    last_reviewer: str | None = None  # who did that review
    note: str = ""
    changes: str = ""  # what changed since the served release, in words
    source_number: int | None = None  # the release a rollback or promotion copies


@dataclass(frozen=True, slots=True)
class ReleaseRow:
    """A stored release, without its snapshot (see ``release_snapshot``)."""

    id: int
    pack_id: str
    number: int
    content_hash: str
    label: str | None
    action: str
    source_number: int | None
    published_by: str
    reviewed_by: str | None
    reviewed_on: str | None
    last_reviewer: str | None
    note: str
    changes: str
    created_at: str

    @property
    def staged(self) -> bool:
        return self.action == STAGED


@dataclass(frozen=True, slots=True)
class OperatorEntry:
    id: int
    actor: str
    action: str
    pack_id: str | None
    release_number: int | None
    detail: str
    created_at: str


_COLUMNS = ", ".join(f.name for f in fields(ReleaseRow))
_NEW = tuple(f.name for f in fields(NewRelease))


@runtime_checkable
class ReleaseStore(Protocol):
    """Releases and the operator log (part of :class:`storage.Store`)."""

    async def add_release(self, release: NewRelease) -> ReleaseRow:
        """Store a release as the pack's next number; return it."""
        ...

    async def list_releases(self, pack_id: str | None = None) -> list[ReleaseRow]:
        """Releases of one pack (or all), oldest first."""
        ...

    async def get_release(self, pack_id: str, number: int) -> ReleaseRow | None:
        """One release, if it exists."""
        ...

    async def release_snapshot(self, pack_id: str, number: int) -> bytes | None:
        """The stored snapshot of a release, if it exists."""
        ...

    async def served_releases(self) -> dict[str, int]:
        """Pack id -> number of its newest release that is not staged."""
        ...

    async def conversation_versions(self) -> dict[tuple[str, str], int]:
        """(pack id, pack version) -> how many saved conversations are on it."""
        ...

    async def log_operator(self, actor: str, action: str, pack_id: str | None = None,
                           release_number: int | None = None, detail: str = "") -> None:
        """Append to the operator log (never user data: operators' names and pack ids)."""
        ...

    async def list_operator_log(self, since_iso: str | None = None,
                                limit: int = 200) -> list[OperatorEntry]:
        """The newest entries first (since an ISO instant, if given)."""
        ...


class ReleaseMethods:
    """:class:`ReleaseStore` for SQLiteStore (which provides ``_gate``)."""

    _gate: ConnectionGate

    async def add_release(self, release: NewRelease) -> ReleaseRow:
        check_text(pack_id=release.pack_id, content_hash=release.content_hash,
                   published_by=release.published_by, action=release.action)
        async with self._gate.session("write") as db:  # BEGIN IMMEDIATE: numbers never clash
            if dialect_of(db) == POSTGRESQL:  # no BEGIN IMMEDIATE: lock this pack's numbers
                await db.execute("SELECT pg_advisory_xact_lock(hashtext(?))",
                                 (f"callshield-release:{release.pack_id}",))
            rows = await db.execute_fetchall(
                "SELECT COALESCE(MAX(number), 0) + 1 FROM pack_releases WHERE pack_id = ?",
                (release.pack_id,))
            number = int(next(iter(rows))[0])
            values = [getattr(release, name) for name in _NEW]
            [(row_id,)] = await db.execute_fetchall(
                f"INSERT INTO pack_releases (number, created_at, {', '.join(_NEW)})"
                f" VALUES (?, ?, {', '.join('?' * len(_NEW))}) RETURNING id",
                (number, utc_now(), *values))
            found = await _one(db, "WHERE id = ?", (row_id,))
        assert found is not None
        return found

    async def list_releases(self, pack_id: str | None = None) -> list[ReleaseRow]:
        async with self._gate.session() as db:
            if pack_id is None:
                return await _many(db, "ORDER BY pack_id, number", ())
            return await _many(db, "WHERE pack_id = ? ORDER BY number", (pack_id,))

    async def get_release(self, pack_id: str, number: int) -> ReleaseRow | None:
        async with self._gate.session() as db:
            return await _one(db, "WHERE pack_id = ? AND number = ?", (pack_id, number))

    async def release_snapshot(self, pack_id: str, number: int) -> bytes | None:
        async with self._gate.session() as db:
            rows = await db.execute_fetchall(
                "SELECT snapshot FROM pack_releases WHERE pack_id = ? AND number = ?",
                (pack_id, number))
        found = next(iter(rows), None)
        return None if found is None else bytes(found[0])

    async def served_releases(self) -> dict[str, int]:
        async with self._gate.session() as db:
            rows = await db.execute_fetchall(
                "SELECT pack_id, MAX(number) FROM pack_releases WHERE action <> ?"
                " GROUP BY pack_id", (STAGED,))
        return {str(pack): int(number) for pack, number in rows}

    async def conversation_versions(self) -> dict[tuple[str, str], int]:
        async with self._gate.session() as db:
            rows = await db.execute_fetchall(
                "SELECT pack_id, pack_version, COUNT(*) FROM conversations"
                " GROUP BY pack_id, pack_version")
        return {(str(pack), str(version)): int(count) for pack, version, count in rows}

    async def log_operator(self, actor: str, action: str, pack_id: str | None = None,
                           release_number: int | None = None, detail: str = "") -> None:
        check_text(actor=actor, action=action)
        async with self._gate.session() as db:
            await db.execute(
                "INSERT INTO operator_log (actor, action, pack_id, release_number, detail,"
                " created_at) VALUES (?, ?, ?, ?, ?, ?)",
                (actor, action, pack_id, release_number, detail, utc_now()))

    async def list_operator_log(self, since_iso: str | None = None,
                                limit: int = 200) -> list[OperatorEntry]:
        async with self._gate.session() as db:
            rows = await db.execute_fetchall(
                "SELECT id, actor, action, pack_id, release_number, detail, created_at"
                " FROM operator_log WHERE created_at >= ? ORDER BY id DESC LIMIT ?",
                (since_iso or "", limit))
        return [OperatorEntry(*row) for row in rows]


async def _many(db: aiosqlite.Connection, where: str, params: tuple[object, ...],
                ) -> list[ReleaseRow]:
    rows = await db.execute_fetchall(f"SELECT {_COLUMNS} FROM pack_releases {where}", params)
    return [ReleaseRow(*row) for row in rows]


async def _one(db: aiosqlite.Connection, where: str, params: tuple[object, ...],
               ) -> ReleaseRow | None:
    found = await _many(db, where, params)
    return found[0] if found else None
