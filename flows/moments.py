"""When something happened, kept exactly as precisely as the person said it.

A ``datetime`` answer is stored as text in one of three forms:

- ``2026-11-27T22:00:00+08:00`` — a moment (date and hour, with the UTC offset);
- ``2026-11-27`` — a date only ("昨天", "last Tuesday"): it has no ``.hour``, so an hour-based
  rule (night-time calls) can never fire on a time nobody gave;
- ``2026-11-27 evening`` — a date and a part of the day ("前天下午", "this morning",
  "last Tuesday evening"): ``.part`` is known, ``.hour`` is not.

Parts of the day: night (22:00–05:59), morning (06–11), noon (12), afternoon (13–17),
evening (18–21). An exact moment has a ``.part`` too, derived from its hour.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from flows.when import WhenError, parse_when

PARTS = ("night", "morning", "noon", "afternoon", "evening")
_DATED_PART = re.compile(r"(\d{4}-\d{2}-\d{2}) (night|morning|noon|afternoon|evening)")


@dataclass(frozen=True, slots=True)
class Moment:
    """A stored ``datetime`` answer, read back."""

    day: dt.date
    at: dt.datetime | None = None
    part: str | None = None


def part_of(hour: int) -> str:
    if hour >= 22 or hour < 6:
        return "night"
    if hour < 12:
        return "morning"
    if hour == 12:
        return "noon"
    return "afternoon" if hour < 18 else "evening"


def read_moment(value: str) -> Moment | None:
    """A stored value back as a :class:`Moment` (``None`` when it is not one)."""
    if not isinstance(value, str):
        return None
    try:
        if len(value) == 10:
            return Moment(dt.date.fromisoformat(value))
        dated = _DATED_PART.fullmatch(value)
        if dated:
            return Moment(dt.date.fromisoformat(dated[1]), part=dated[2])
        at = dt.datetime.fromisoformat(value)
    except ValueError:
        return None
    return Moment(at.date(), at, part_of(at.hour))


def full_moment(value: object) -> str | None:
    """The value when it is a moment with an hour and a UTC offset (what an incident's
    ``occurred_at`` must be); ``None`` for a date alone or a part of a day."""
    moment = read_moment(value) if isinstance(value, str) else None
    if moment is None or moment.at is None or moment.at.tzinfo is None:
        return None
    return moment.at.isoformat()


def parse_moment(text: str, now: dt.datetime) -> str:
    """The stored form of a typed time; :class:`WhenError` when it cannot be used."""
    try:
        return parse_when(text, now).isoformat()
    except WhenError as error:
        if error.reason != "no_time" or error.day is None:
            raise
        if error.period in PARTS:
            return f"{error.day.isoformat()} {error.period}"
        return error.day.isoformat()


def show_moment(value: str, part_names: dict[str, str]) -> str:
    """How a stored time reads: "2026-11-27 22:00", "2026-11-27", "2026-11-27 evening"."""
    moment = read_moment(value)
    if moment is None:
        return value
    if moment.at is not None:
        return moment.at.strftime("%Y-%m-%d %H:%M")
    if moment.part:
        return f"{moment.day.isoformat()} {part_names.get(moment.part, moment.part)}"
    return moment.day.isoformat()
