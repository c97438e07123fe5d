"""The packs a running bot serves, kept current without a restart.

Each pack is served from its newest published release in the database (bot/operators/) or,
when it has none, from the packs folder, so a fresh ``make run`` works with no releases at all.
:class:`PackRegistry` loads them, then picks up new releases within seconds (it polls the
releases table, and checks at once on SIGHUP, which also rescans the packs folder).

A pack that fails to load is skipped and the operator is told loudly (an ERROR log line, the
operator log read by ``callshield packs status`` and ``/admin``): the other packs keep
serving, and so does the last good release of that pack. ``packs`` is one dict, changed in
place, so every part of the bot sees a new release from its next update on.
"""

from __future__ import annotations

import asyncio
import atexit
import datetime as dt
import logging
import os
import shutil
import signal
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

from flows import Pack, PackInvalid, available_packs, inspect_pack, load_pack, resolve_pack
from flows.snapshot import PackFiles
from storage import ReleaseRow, Store

logger = logging.getLogger(__name__)

RELOAD_SECONDS = 5.0
"""How often a running bot looks for a new release (CALLSHIELD_RELOAD_SECONDS)."""


def reload_seconds(env: dict[str, str] | None = None) -> float:
    """CALLSHIELD_RELOAD_SECONDS: how often to look for a new release (0.2-3600)."""
    text = (env if env is not None else os.environ).get("CALLSHIELD_RELOAD_SECONDS", "")
    try:
        value = float(text) if text.strip() else RELOAD_SECONDS
    except ValueError:
        value = -1.0
    if not 0.2 <= value <= 3600:
        logger.warning("CALLSHIELD_RELOAD_SECONDS must be seconds from 0.2 to 3600; using %g",
                       RELOAD_SECONDS)
        return RELOAD_SECONDS
    return value


JURISDICTION_PACKS = {"cn": "cn", "us": "us", "elsewhere": "elsewhere"}
"""The jurisdictions a user can choose, and the pack that serves each."""


@dataclass(slots=True)
class PackStatus:
    """How one pack is served in this process, and its last failure (if any)."""

    pack_id: str
    source: str = "folder"  # "release" or "folder"
    release: int | None = None
    version: str | None = None
    problems: list[str] = field(default_factory=list)
    failed: str = ""  # what failed: "release 3", "folder flows/packs/cn"

    @property
    def serving(self) -> bool:
        return self.version is not None


def load_all(extra: list[str | Path] | None = None) -> dict[str, Pack]:
    """Every pack of the packs folder plus ``extra`` folders; PackInvalid on any error
    (for tools and benchmarks that want all or nothing; the bot uses PackRegistry)."""
    packs: dict[str, Pack] = {}
    issues = []
    for name in [*available_packs(), *(extra or [])]:
        try:
            pack = load_pack(name)
        except PackInvalid as error:
            issues.extend(error.issues)
            continue
        packs[pack.id] = pack
    if issues:
        raise PackInvalid(issues)
    return packs


def release_pack(files: PackFiles, row: ReleaseRow, folder: Path) -> tuple[Pack | None, list]:
    """Load a release's snapshot written under ``folder``; its review is the release's."""
    pack_dir, templates_dir = files.write(folder)
    pack, issues = inspect_pack(pack_dir, templates_dir)
    shown = f"release {row.pack_id}#{row.number}:"
    issues = [type(i)(i.file.replace(str(folder), shown), i.line, i.message, i.level, i.check)
              for i in issues]
    if pack is None:
        return None, issues
    meta = pack.data.pack
    if row.reviewed_on:
        meta = meta.model_copy(update={"reviewed_on": dt.date.fromisoformat(row.reviewed_on),
                                       "reviewed_by": row.last_reviewer or meta.reviewed_by})
    pack.data = pack.data.model_copy(update={"pack": meta})
    pack.release = row.number
    if pack.version != row.content_hash:
        logger.warning("release %s#%d: content hash %s differs from the stored %s", row.pack_id,
                       row.number, pack.version, row.content_hash)
    return pack, issues


class PackRegistry:
    def __init__(self, store: Store | None, *, extra: list[Path] | None = None,
                 reload_seconds: float = RELOAD_SECONDS, report: bool = True) -> None:
        self.store = store
        self.extra = list(extra or [])
        self.reload_seconds = reload_seconds
        self.report = report  # write load failures to the operator log (the bot does)
        self.packs: dict[str, Pack] = {}
        self.status: dict[str, PackStatus] = {}
        self._tried: dict[str, int] = {}  # pack -> newest release number attempted
        self._workdir = Path(tempfile.mkdtemp(prefix="callshield-releases-"))
        atexit.register(shutil.rmtree, self._workdir, True)
        self._wake = asyncio.Event()
        self._last_check = 0.0

    # -- loading ---------------------------------------------------------------------------
    async def load(self) -> dict[str, Pack]:
        """Load every pack; the broken ones are skipped (and reported)."""
        served = await self.store.served_releases() if self.store else {}
        for pack_id, number in sorted(served.items()):
            for candidate in range(number, 0, -1):  # newest first, down to the last good one
                if await self._load_release(pack_id, candidate, first=candidate == number):
                    break
            self._tried[pack_id] = number
        await self._load_folders(set(served))
        self._last_check = time.monotonic()
        return self.packs

    async def _load_folders(self, released: set[str]) -> None:
        names: list[str | Path] = [n for n in available_packs() if n not in released]
        for name in [*names, *self.extra]:
            try:
                folder = resolve_pack(name)
                pack, issues = await asyncio.to_thread(inspect_pack, folder)
            except (FileNotFoundError, OSError) as error:
                await self._report(str(name), f"folder {name}", [str(error)])
                continue
            pack_id = pack.id if pack is not None else str(getattr(name, "name", name))
            if pack is None:
                await self._report(pack_id, f"folder {folder}", [str(i) for i in issues
                                                                  if i.level == "error"])
                continue
            if pack.id in released and name not in self.extra:
                continue  # served from its releases
            current = self.packs.get(pack.id)
            if current is None or current.version != pack.version:
                self.packs[pack.id] = pack
                logger.info("pack %s served from %s (version %s)", pack.id, folder, pack.version)
            self.status[pack.id] = PackStatus(pack.id, "folder", None, pack.version)

    async def _load_release(self, pack_id: str, number: int, *, first: bool = True) -> bool:
        assert self.store is not None
        row = await self.store.get_release(pack_id, number)
        blob = await self.store.release_snapshot(pack_id, number)
        if row is None or blob is None or row.staged:
            return False
        try:
            files = PackFiles.from_bytes(blob)
            folder = self._workdir / f"{pack_id}-{number}"
            pack, issues = await asyncio.to_thread(release_pack, files, row, folder)
            problems = [str(i) for i in issues if i.level == "error"]
        except (ValueError, OSError) as error:
            pack, problems = None, [f"release {pack_id}#{number}: {error}"]
        if pack is None:
            if first:
                await self._report(pack_id, f"release {number}", problems, number)
            return False
        self.packs[pack.id] = pack
        previous = self.status.get(pack.id)
        keep = previous.problems if previous and not first else []
        self.status[pack.id] = PackStatus(pack.id, "release", number, pack.version, keep,
                                          previous.failed if keep and previous else "")
        logger.info("pack %s serves release %d (version %s)", pack_id, number, pack.version)
        return True

    async def _report(self, pack_id: str, what: str, problems: list[str],
                      number: int | None = None) -> None:
        self._fail(pack_id, what, problems)
        if self.store is not None and self.report:
            try:
                await self.store.log_operator("bot", "load_failed", pack_id, number,
                                              "\n".join(problems[:20]))
            except Exception as error:  # noqa: BLE001 - the log line above already says it
                logger.error("could not record the failure: %s", type(error).__name__)

    def _fail(self, pack_id: str, what: str, problems: list[str]) -> None:
        status = self.status.setdefault(pack_id, PackStatus(pack_id))
        status.problems, status.failed = problems[:20], what
        serving = self.packs.get(pack_id)
        if serving is None:
            keeps = "it is NOT served"
        elif serving.release is not None:
            keeps = f"it keeps serving release {serving.release}"
        else:
            keeps = "it keeps serving the version already loaded"
        logger.log(logging.ERROR if self.report else logging.DEBUG,  # a check prints them
                   "pack %s: %s failed to load (%d error(s)); %s. First: %s — see "
                   "`callshield packs status`", pack_id, what, len(problems), keeps,
                   problems[0] if problems else "?")

    # -- staying current -------------------------------------------------------------------
    async def refresh(self, *, rescan: bool = False) -> None:
        """Load releases published since the last look (and, on ``rescan``, the folder)."""
        self._last_check = time.monotonic()
        served = await self.store.served_releases() if self.store else {}
        for pack_id, number in sorted(served.items()):
            status = self.status.get(pack_id)
            if status is not None and status.release == number and status.source == "release":
                continue
            if self._tried.get(pack_id) == number and not rescan:
                continue  # already failed; not retried until something changes
            self._tried[pack_id] = number
            if pack_id not in self.packs:  # first release of a pack served from the folder
                self.status.pop(pack_id, None)
            await self._load_release(pack_id, number)
        if rescan:
            await self._load_folders(set(served))

    async def refresh_if_due(self) -> None:
        """For channels without a background task (the console): look when it is time."""
        if self._wake.is_set() or time.monotonic() - self._last_check >= self.reload_seconds:
            rescan = self._wake.is_set()
            self._wake.clear()
            await self.refresh(rescan=rescan)

    def wake(self) -> None:
        """Look now, and rescan the packs folder (SIGHUP)."""
        self._wake.set()

    def listen_for_sighup(self) -> bool:
        """SIGHUP makes the registry look at once; False where signals cannot be caught."""
        try:
            asyncio.get_running_loop().add_signal_handler(signal.SIGHUP, self.wake)
        except (NotImplementedError, RuntimeError, AttributeError, ValueError):
            return False
        return True

    async def keep_current(self) -> None:
        """Poll every ``reload_seconds`` (at once on SIGHUP) until cancelled."""
        while True:
            try:
                await asyncio.wait_for(self._wake.wait(), self.reload_seconds)
            except TimeoutError:
                pass
            rescan = self._wake.is_set()
            self._wake.clear()
            try:
                await self.refresh(rescan=rescan)
            except asyncio.CancelledError:
                raise
            except Exception as error:  # noqa: BLE001 - keep serving; try again next time
                logger.error("could not look for new releases: %s", type(error).__name__)
