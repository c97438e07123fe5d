"""The conversation state: small, JSON-serialisable, and enough to rebuild everything else.

The path through the graph is derived from the answers; we keep it as a cache so that one
step costs only the new part of the walk, and rebuild it whenever answers change otherwise.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field, fields, replace
from typing import Any, Literal

STATE_FORMAT = 1

Status = Literal["active", "done", "cancelled"]


@dataclass(frozen=True, slots=True)
class State:
    pack: str
    pack_version: str
    language: str
    timezone: str
    started_at: str
    answers: dict[str, Any] = field(default_factory=dict)
    cue_hits: dict[str, list[str]] = field(default_factory=dict)
    pending: dict[str, list[str]] = field(default_factory=dict)
    path: list[str] = field(default_factory=list)
    status: Status = "active"
    home_timezone: str = ""
    """The zone the interview started in; ``timezone`` returns to it when the answer that
    chose another zone is taken back (empty in states saved before zones could change)."""
    proposals: list[dict[str, Any]] = field(default_factory=list)
    """What was understood from the story: ``{"id", "node", "value", "quote", "span"}`` each,
    plus ``"ok": true|false`` once the person confirmed or unticked it."""
    origins: dict[str, str] = field(default_factory=dict)
    """Node id -> ``"story"`` for answers the person confirmed from their story."""
    pending_counts: dict[str, dict[str, Any]] = field(default_factory=dict)
    """Tally questions being answered: option id -> count typed so far."""
    record: dict[str, int] = field(default_factory=dict)
    """Counts from the person's record of contacts (the evidence diary), given by the channel
    (the engine reads no storage): name -> count, read by rules as ``record.<name>``
    (flows/pack.py BUILTIN_FACTS lists the names)."""

    def to_json(self) -> str:
        """Compact JSON, key order fixed, so equal states serialise equally."""
        raw = {f.name: getattr(self, f.name) for f in fields(self)}  # no deep copy: JSON copies
        return json.dumps({"format": STATE_FORMAT, **raw}, ensure_ascii=False,
                          sort_keys=True, separators=(",", ":"))

    @classmethod
    def from_json(cls, text: str) -> State:
        """Rebuild a state saved by :meth:`to_json`; ValueError when it is not one."""
        try:
            raw = json.loads(text)
        except json.JSONDecodeError as error:
            raise ValueError(f"saved state is not JSON: {error}") from error
        if not isinstance(raw, dict) or raw.pop("format", None) != STATE_FORMAT:
            raise ValueError("saved state has an unknown format")
        try:
            return cls(**raw)
        except TypeError as error:
            raise ValueError(f"saved state does not fit: {error}") from error

    def with_(self, **changes: Any) -> State:
        return replace(self, **changes)

    def pending_fields(self) -> dict[str, Any]:
        """The ticks-in-progress fields, to copy into another ``with_``."""
        return {"pending": self.pending, "pending_counts": self.pending_counts}
