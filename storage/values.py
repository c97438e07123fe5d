"""Checks and conversions for values crossing into the database.

Bad input is refused before any SQL runs, with a message saying what to pass.
"""

from __future__ import annotations

import json
from datetime import datetime, timezone


def utc_now() -> str:
    """Return the current instant as ISO-8601 UTC text (sortable as text)."""
    return datetime.now(timezone.utc).isoformat(timespec="microseconds")


def to_utc(value: str, what: str) -> str:
    """Normalise an ISO-8601 time with offset to UTC text, or explain the problem.

    The value itself is left out of the message: it may come from a user.
    """
    try:
        moment = datetime.fromisoformat(value)
    except (TypeError, ValueError):
        raise ValueError(
            f"{what} is not an ISO-8601 time; pass e.g. '2024-05-01T14:30:00+05:30'."
        ) from None
    if moment.tzinfo is None:
        raise ValueError(
            f"{what} has no UTC offset, so it cannot be ordered; "
            "add one, e.g. '2024-05-01T14:30:00+05:30'."
        )
    return moment.astimezone(timezone.utc).isoformat(timespec="microseconds")


def check_json(value: str, what: str) -> None:
    """Refuse text that is not JSON, so export_user can always parse it back."""
    try:
        json.loads(value)
    except (TypeError, ValueError):
        raise ValueError(f"{what} must be JSON text; pass json.dumps(...) of the value.") from None


def check_text(**values: str) -> None:
    """Refuse empty or non-string keys (e.g. a Telegram id passed as int)."""
    for name, value in values.items():
        if not isinstance(value, str) or not value:
            raise ValueError(f"{name} must be a non-empty string; got {type(value).__name__}.")
