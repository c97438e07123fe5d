"""Update ids: which updates were handled, so a repeated one is not handled twice.

Telegram may deliver an update again (after a restart, or a webhook retry). The ids live in
``processed_updates``; with the row cache on, they are checked in memory first
(storage/ledger.py) and stored together with the state their update produced.
"""

from __future__ import annotations

from typing import Any

from .batching import GroupWriter
from .ledger import UpdateLedger
from .transactions import ConnectionGate
from .values import to_utc, utc_now

RECORD_ONE = (
    "INSERT INTO processed_updates (channel, update_id, created_at) VALUES (?, ?, ?)"
    " ON CONFLICT (channel, update_id) DO NOTHING"
)
RECORD_MANY = RECORD_ONE + " RETURNING channel, update_id"
"""Grouped (storage/batching.py): the rows returned are the new ones."""
SAVE_HANDLED = (  # a state and the id of the update that produced it, in one statement
    "INSERT INTO handled_updates (channel, update_id, user_id, state_json, pack_id,"
    " pack_version, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?)"
)
_KNOWN = "SELECT 1 FROM processed_updates WHERE channel = ? AND update_id = ?"
_RECENT = (
    "SELECT update_id FROM processed_updates WHERE channel = ? ORDER BY update_id DESC LIMIT ?"
)


class UpdateIds:
    """The store's update-id methods; ``in_memory`` only while this process is the only
    writer (the row cache's condition)."""

    def __init__(self, gate: ConnectionGate, writer: GroupWriter, *, in_memory: bool,
                 save_handled: str = SAVE_HANDLED, record_on_claim: bool = True) -> None:
        self._gate = gate
        self._writer = writer
        self._in_memory = in_memory
        self._save_handled = save_handled
        self._record_on_claim = record_on_claim
        """False (PostgreSQL, several workers): ``claim`` only asks whether the id is stored;
        it is stored with the state it produced, or by ``finish``, under the chat's lock."""
        self.ledger = UpdateLedger()
        self._stored: set[tuple[str, int]] = set()
        """Without the ledger: ids this process stored with a state (``stored_with_state``),
        so ``finish`` need not store them again; forgotten by ``finish``."""

    def stored_with_state(self, channel: str, update_id: int) -> None:
        """The id was committed with the state it produced (see ``finish``)."""
        if not self._record_on_claim:
            if len(self._stored) > 10_000:  # an update whose finish never came: no leak
                self._stored.clear()
            self._stored.add((channel, update_id))

    async def claim(self, channel: str, update_id: int) -> bool:
        if not self._record_on_claim:
            async with self._gate.session() as db:
                rows = await db.execute_fetchall(_KNOWN, (channel, update_id))
            return not rows
        if not self._in_memory:
            return await self.record(channel, update_id)
        if not self.ledger.knows(channel):
            async with self._gate.session() as db:
                rows = await db.execute_fetchall(_RECENT, (channel, self.ledger.window))
            if not self.ledger.knows(channel):  # another task may have seeded it meanwhile
                self.ledger.seed(channel, (row[0] for row in rows))
        claimed = self.ledger.claim(channel, update_id)
        if claimed is None:  # older than the ledger's window: the database knows
            return await self.record(channel, update_id)
        return claimed

    async def finish(self, channel: str, update_id: int) -> None:
        if not self._record_on_claim:
            if (channel, update_id) in self._stored:  # its state's save carried the id
                self._stored.discard((channel, update_id))
                return
            await self._writer.write(RECORD_ONE, (channel, update_id, utc_now()))
            return
        if self.ledger.pending(channel, update_id):
            await self._writer.write(RECORD_ONE, (channel, update_id, utc_now()),
                                     on_commit=lambda: self.ledger.settle(channel, update_id))

    async def release(self, channel: str, update_id: int) -> None:
        """Only the in-memory ledger can tell a claim whose effects never committed from one
        stored with them; a row recorded at claim time (no row cache) is kept: dropping a
        redelivery is safer than applying an answer twice."""
        if self._in_memory:
            self.ledger.release(channel, update_id)

    async def record(self, channel: str, update_id: int) -> bool:
        params = (channel, update_id, utc_now())
        if not self._gate.in_transaction():
            # Grouped with other chats' update ids into one statement (storage/batching.py).
            return await self._writer.insert_new(RECORD_MANY, params)
        cursor = await self._gate.execute(RECORD_ONE, params)
        return cursor.rowcount == 1

    async def prune(self, older_than_iso: str) -> int:
        cutoff = to_utc(older_than_iso, "older_than_iso")
        async with self._gate.session() as db:
            cursor = await db.execute(
                "DELETE FROM processed_updates WHERE created_at < ?", (cutoff,)
            )
        return cursor.rowcount

    def save_with_state(self, update: tuple[str, int], save_params: tuple[Any, ...]
                        ) -> tuple[str, tuple[Any, ...]]:
        """The statement and parameters that store a conversation row (``save_params``, as
        for ``conversations``) together with the id of ``update``."""
        if self._save_handled is SAVE_HANDLED:
            return SAVE_HANDLED, (*update, *save_params)
        return self._save_handled, (*update, save_params[-1], *save_params)
