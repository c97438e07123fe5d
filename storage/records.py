"""Plain, immutable rows that cross the storage boundary.

Everything here is strings, ints and JSON *text*: storage never interprets
conversation state or facts, so the engine can change their shape freely.
Timestamps are ISO-8601 text in UTC (``2024-05-01T14:30:00.000000+00:00``).
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from typing import Final


class Unset(enum.Enum):
    """Type of :data:`UNSET`; an enum so type checkers can narrow it."""

    UNSET = "UNSET"

    def __repr__(self) -> str:
        return "UNSET"


UNSET: Final = Unset.UNSET
"""Default for optional update arguments: "leave as is" (``None`` means "set NULL")."""


@dataclass(frozen=True, slots=True)
class UserRow:
    """One person on one channel (e.g. one Telegram account)."""

    id: int
    channel: str
    external_id: str
    language: str | None
    jurisdiction: str | None
    timezone: str | None
    created_at: str
    updated_at: str


@dataclass(frozen=True, slots=True)
class ConversationRow:
    """Where a user is in a conversation; ``state_json`` is owned by the engine."""

    user_id: int
    state_json: str
    pack_id: str
    pack_version: str
    updated_at: str
    shown_at: str | None = None
    """When the replies of this state began going out, once all were sent; None until then
    (migration 0003; the Telegram channel's ``mark_shown``)."""
    shown_message: int | None = None
    """The id of the last message those replies went out in, when known."""


@dataclass(frozen=True, slots=True)
class NewIncident:
    """One collection contact the user told us about, before it is stored.

    ``occurred_at`` is ISO-8601 *with* a UTC offset (the user's local time), so
    the original wall-clock time is kept while ordering uses the UTC instant.
    """

    occurred_at: str | None
    caller_number: str | None
    lender: str | None
    agency: str | None
    channel: str | None
    facts_json: str
    description: str | None
    pack_id: str
    pack_version: str


@dataclass(frozen=True, slots=True)
class NewFinding:
    """A rule that matched an incident, before it is stored."""

    rule_id: str
    severity: str
    data_json: str


@dataclass(frozen=True, slots=True)
class FindingRow:
    """A stored finding."""

    id: int
    incident_id: int
    rule_id: str
    severity: str
    data_json: str


@dataclass(frozen=True, slots=True)
class IncidentRow(NewIncident):
    """A stored incident: the :class:`NewIncident` fields, its key, its findings (in
    insertion order) and its time in UTC."""

    id: int
    user_id: int
    created_at: str
    findings: tuple[FindingRow, ...]
    occurred_at_utc: str | None = None
    """``occurred_at`` as the UTC instant (the order incidents are listed in)."""


@dataclass(frozen=True, slots=True)
class AuditRow:
    """What happened, never what was said: ``detail`` holds no message content."""

    id: int
    user_id: int | None
    action: str
    detail: str
    created_at: str
