"""The conversation's clock: the time zone its answers choose (a US state, say)."""

from __future__ import annotations

from typing import Any

from flows.pack import Pack
from flows.state import State


def conversation_zone(pack: Pack, state: State, path: list[str] | None = None) -> str | None:
    """The time zone the answers on the path choose (the last zone option picked), if any.
    Derived from the answers, never kept apart from them, so Back undoes it."""
    for node_id in reversed(state.path if path is None else path):
        zones = pack.nodes[node_id].zones if node_id in pack.nodes else None
        if zones:
            picked = state.answers.get(node_id)
            if isinstance(picked, str) and picked in zones:
                return zones[picked]
    return None


def with_zone(pack: Pack, state: State, **changes: Any) -> State:
    """The state (with ``changes``) on the clock its answers choose, else on the zone it
    started in; one copy of the state, not two."""
    home = state.home_timezone or state.timezone  # states saved before zones could change
    zone = conversation_zone(pack, state, changes.get("path"))
    return state.with_(**changes, home_timezone=home, timezone=zone or home)
