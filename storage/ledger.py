"""Which update ids this process has taken, so a repeat is ignored without a database trip.

Why: recording each update's id *before* handling it was a trip to aiosqlite's thread per
update, on top of the trip that saves the answer; on a small machine a trip costs 0.1–0.2 ms
of CPU in thread hand-offs alone (bench/telegram.py). With the row cache on (this process is
the only writer, storage/cache.py), ids are *claimed* here instead, and an id reaches the
database in the same statement as the state its update produced
(``save_conversation(..., update=...)``), or on its own once an update that changed no state
is handled (``finish_update``).

After a crash: a claimed id whose state was never saved is not in the database, so when
Telegram delivers that update again it is handled again — what the user said is not lost
(before, an id recorded ahead of a crash made the redelivered answer be ignored). An update
that changed no state (a menu, /help) may then be answered twice.

Telegram's update ids increase, so the ledger keeps every id from a floor upwards (the
newest ``window``, seeded from the database on first use) and leaves older ones to the
database: ``claim`` returns None for them.
"""

from __future__ import annotations

from collections.abc import Iterable

WINDOW = 50_000


class UpdateLedger:
    def __init__(self, window: int = WINDOW) -> None:
        self._window = window
        self._seen: dict[str, set[int]] = {}
        self._floor: dict[str, int] = {}
        self._pending: set[tuple[str, int]] = set()

    @property
    def window(self) -> int:
        """How many of the newest ids to load from the database (``seed``)."""
        return self._window

    def knows(self, channel: str) -> bool:
        """Whether ``channel``'s recent ids have been loaded (``seed``)."""
        return channel in self._seen

    def seed(self, channel: str, recent: Iterable[int]) -> None:
        """The newest ids the database holds (at most ``window`` of them)."""
        ids = set(recent)
        self._seen[channel] = ids
        # fewer than a window: the database has no older ids, so memory knows them all
        self._floor[channel] = min(ids) if len(ids) >= self._window else 0

    def claim(self, channel: str, update_id: int) -> bool | None:
        """True the first time; False for a repeat; None when the id is older than the
        window (ask the database). A claimed id is *pending* until ``settle``."""
        if update_id < self._floor[channel]:
            return None
        seen = self._seen[channel]
        if update_id in seen:
            return False
        seen.add(update_id)
        self._pending.add((channel, update_id))
        if len(seen) > 2 * self._window:
            self._forget_oldest(channel)
        return True

    def pending(self, channel: str, update_id: int) -> bool:
        """Claimed here and not yet stored in the database."""
        return (channel, update_id) in self._pending

    def release(self, channel: str, update_id: int) -> bool:
        """Forget a claimed id that was never stored (its handling failed before the commit),
        so a redelivery of the update is handled; True when it was pending."""
        if (channel, update_id) not in self._pending:
            return False
        self._pending.discard((channel, update_id))
        self._seen.get(channel, set()).discard(update_id)
        return True

    def settle(self, channel: str, update_id: int) -> None:
        """The id is now in the database."""
        self._pending.discard((channel, update_id))

    def _forget_oldest(self, channel: str) -> None:
        kept = sorted(self._seen[channel])[-self._window:]
        self._seen[channel] = set(kept)
        self._floor[channel] = floor = kept[0]
        # an update whose handling failed is never settled: do not keep it for ever
        self._pending = {(c, n) for c, n in self._pending if c != channel or n >= floor}
