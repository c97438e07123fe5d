"""Publishing a pack: one gate, then an immutable release in the database.

``publish`` validates the pack folder (every check of ``flows validate``), runs its
conversation tests, random walks and golden letters (``flows test``), compares it with the
release being served, refuses a change to rules, conditions, citations or letters that names
no reviewer (a second person), and stores a snapshot of its files with a content hash, who
published it, who reviewed it, when, and a note. ``republish`` makes an older (rollback) or
staged (promote) release live again as a new release, after the same checks. Every outcome,
refusals included, goes to the operator log.
"""

from __future__ import annotations

import asyncio
import atexit
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path

from bot.operators.goldens import check_goldens
from bot.packs import release_pack
from flows import Pack, inspect_pack, resolve_pack
from flows.convtests import random_walk, run_pack_tests
from flows.datechecks import pack_today
from flows.packdiff import Change, diff_packs, needs_review, summary
from flows.snapshot import PackFiles, content_hash, read_files
from storage import NewRelease, ReleaseRow, Store

WALKS = 1000
NAME_LIMIT = 80


class Refused(Exception):
    """Why nothing was published: one line per problem, each saying how to fix it."""

    def __init__(self, lines: list[str]) -> None:
        super().__init__("\n".join(lines))
        self.lines = lines


@dataclass(frozen=True, slots=True)
class Published:
    release: ReleaseRow
    changes: list[Change]


def check_pack(pack: Pack, walks: int = WALKS) -> list[str]:
    """Conversation tests, random walks and golden letters: every failure, in words."""
    failures = []
    for outcome in run_pack_tests(pack):
        failures += [f"test {outcome.file}: {outcome.name}: {f}" for f in outcome.failures]
    failures += [f"random walk: {p}" for p in (random_walk(pack, walks) if walks else [])[:10]]
    failures += check_goldens(pack)
    return failures


def _person(value: str | None, what: str) -> str | None:
    name = " ".join((value or "").split())
    if value is not None and not name:
        raise Refused([f"{what} is empty: give a name, e.g. {what} \"Li Wei\""])
    if len(name) > NAME_LIMIT:
        raise Refused([f"{what} is longer than {NAME_LIMIT} characters"])
    return name or None


async def served(store: Store, pack_id: str) -> tuple[ReleaseRow | None, Pack | None,
                                                       PackFiles | None]:
    """The release a bot serves now for this pack, loaded (None when none exists)."""
    number = (await store.served_releases()).get(pack_id)
    if number is None:
        return None, None, None
    return await load_release(store, pack_id, number)


async def load_release(store: Store, pack_id: str, number: int,
                       ) -> tuple[ReleaseRow | None, Pack | None, PackFiles | None]:
    row = await store.get_release(pack_id, number)
    blob = await store.release_snapshot(pack_id, number)
    if row is None or blob is None:
        return None, None, None
    files = PackFiles.from_bytes(blob)
    folder = Path(tempfile.mkdtemp(prefix=f"callshield-{pack_id}-{number}-"))
    atexit.register(shutil.rmtree, folder, True)  # its templates serve until then
    pack, _ = await asyncio.to_thread(release_pack, files, row, folder)
    return row, pack, files


async def publish(store: Store, name: str, *, by: str, reviewed_by: str | None = None,
                  note: str = "", stage: bool = False, walks: int = WALKS) -> Published:
    """Check the pack folder and store it as the pack's next release (Refused: nothing is)."""
    by_name = _person(by, "--by") or ""
    reviewer = _person(reviewed_by, "--reviewed-by")
    folder = resolve_pack(name)
    pack, issues = await asyncio.to_thread(inspect_pack, folder)
    if pack is None:
        lines = [str(i) for i in issues if i.level == "error"]
        await store.log_operator(by_name, "publish_refused", folder.name, None,
                                 f"{len(lines)} validation error(s)")
        raise Refused(lines)
    try:
        failures = await asyncio.to_thread(check_pack, pack, walks)
        if failures:
            raise Refused(failures)
        previous, old_pack, old_files = await served(store, pack.id)
        files = read_files(folder, pack.templates or folder, pack.data)
        if previous is not None and previous.content_hash == content_hash(files):
            raise Refused([f"pack '{pack.id}' is identical to the release being served "
                           f"({previous.number}); nothing to publish"])
        changes = diff_packs(old_pack.data if old_pack else None, pack.data,
                             old_files.templates if old_files else None, files.templates)
        gated = needs_review(changes)
        if gated and reviewer is None:
            raise Refused([f"this release changes {', '.join(gated)}: a second person must "
                           "review it; publish again with --reviewed-by NAME (see `callshield "
                           f"packs diff {pack.id}` and `callshield packs review {pack.id}`)"])
        if reviewer is not None and reviewer.casefold() == by_name.casefold():
            raise Refused(["the reviewer must be someone other than the publisher"])
    except Refused as refused:
        await store.log_operator(by_name, "publish_refused", pack.id, None,
                                 refused.lines[0][:500])
        raise
    reviewed_on = pack_today(pack.data).isoformat() if reviewer else (
        previous.reviewed_on if previous else None)
    row = await store.add_release(NewRelease(
        pack_id=pack.id, content_hash=content_hash(files), label=pack.label or None,
        snapshot=files.to_bytes(), action="stage" if stage else "publish",
        published_by=by_name, reviewed_by=reviewer, reviewed_on=reviewed_on,
        last_reviewer=reviewer or (previous.last_reviewer if previous else None),
        note=note.strip(), changes=summary(changes) or "first release"))
    await store.log_operator(by_name, "staged" if stage else "published", pack.id, row.number,
                             f"{row.changes}; reviewed by {reviewer or '-'}; {row.note}")
    return Published(row, changes)


async def republish(store: Store, pack_id: str, number: int, *, by: str, note: str,
                    action: str = "rollback", walks: int = WALKS,
                    reviewed_only: bool = False) -> Published:
    """Serve release ``number`` again, as a new release (rollback, or promote a staged one)."""
    by_name = _person(by, "--by") or ""
    try:
        if not note.strip():
            raise Refused(["say why (--note TEXT): it goes to the release history"])
        source, pack, files = await load_release(store, pack_id, number)
        if source is None or files is None:
            known = [r.number for r in await store.list_releases(pack_id)]
            raise Refused([f"pack '{pack_id}' has no release {number} (releases: "
                           f"{', '.join(map(str, known)) or 'none'})"])
        if reviewed_only and not source.reviewed_by:
            raise Refused([f"release {number} was not itself reviewed; from Telegram only "
                           "reviewed releases can be published (use the command line)"])
        current, current_pack, current_files = await served(store, pack_id)
        if current is not None and current.content_hash == source.content_hash:
            raise Refused([f"release {number} has the content being served already "
                           f"(release {current.number})"])
        if pack is None:
            raise Refused([f"release {number} no longer passes the checks of this version of "
                           "CallShield; see `callshield packs status`"])
        failures = await asyncio.to_thread(check_pack, pack, walks)
        if failures:
            raise Refused(failures)
    except Refused as refused:
        await store.log_operator(by_name, f"{action}_refused", pack_id, number,
                                 refused.lines[0][:500])
        raise
    changes = diff_packs(current_pack.data if current_pack else None, pack.data,
                         current_files.templates if current_files else None, files.templates)
    row = await store.add_release(NewRelease(
        pack_id=pack_id, content_hash=source.content_hash, label=source.label,
        snapshot=files.to_bytes(), action=action, published_by=by_name,
        reviewed_by=source.reviewed_by if action == "promote" else None,
        reviewed_on=source.reviewed_on, last_reviewer=source.last_reviewer,
        note=note.strip(), changes=summary(changes), source_number=number))
    await store.log_operator(by_name, "rolled_back" if action == "rollback" else "promoted",
                             pack_id, row.number, f"to the content of release {number}; "
                             f"{row.note}")
    return Published(row, changes)
