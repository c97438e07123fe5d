"""The person's record of contacts: diary entries from reports and quick additions, and the
counts findings and letters use (per day, most in any 7 days, at night, to other people).

Pure functions over storage rows and pack data; no Telegram, no SQL. The counts go to the
engine as ``State.record`` (rules read ``record.max_day``…) and into letters, so a finding
or a letter says what the whole record shows, not what one answer said.
"""

from __future__ import annotations

import datetime as dt
import json
import zoneinfo
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from flows import Pack
from flows.moments import read_moment
from flows.quantity import count_from_json
from storage import DiaryEntryRow, NewDiaryEntry

WEEK = 7


@dataclass(frozen=True, slots=True)
class Record:
    """What the diary shows. ``per_day``: local day -> contacts (days without any left out)."""

    total: int = 0
    max_day: int = 0
    max_7_days: int = 0
    night: int = 0
    third_parties: int = 0
    per_day: dict[dt.date, int] = field(default_factory=dict)

    @property
    def days(self) -> int:
        return len(self.per_day)

    def facts(self) -> dict[str, int]:
        """The counts as the engine reads them (``record.<name>``, flows/pack.py)."""
        if not self.total:
            return {}
        return {"total": self.total, "days": self.days, "max_day": self.max_day,
                "max_7_days": self.max_7_days, "night": self.night,
                "third_parties": self.third_parties}


def zone(name: str | None, fallback: str = "UTC") -> zoneinfo.ZoneInfo:
    for candidate in (name, fallback, "UTC"):
        try:
            return zoneinfo.ZoneInfo(candidate or "UTC")
        except (zoneinfo.ZoneInfoNotFoundError, ValueError):
            continue
    return zoneinfo.ZoneInfo("UTC")


def local_hour(entry: DiaryEntryRow | NewDiaryEntry) -> int | None:
    """The hour of the contact on the person's clock (the offset it was recorded with)."""
    if entry.occurred_at is None or "T" not in entry.occurred_at:
        return None
    try:
        return dt.datetime.fromisoformat(entry.occurred_at).hour
    except ValueError:
        return None


def is_night(hour: int | None, pack: Pack | None) -> bool:
    if hour is None:
        return False
    start = pack.data.pack.night_from if pack is not None else 22
    end = pack.data.pack.night_until if pack is not None else 8
    return (hour >= start or hour < end) if start > end else start <= hour < end


def has_third_parties(entry: DiaryEntryRow | NewDiaryEntry) -> bool:
    value = _json(entry.third_parties_json)
    return bool(value) and value != ["none"]


def count(entries: Iterable[DiaryEntryRow | NewDiaryEntry], pack: Pack | None) -> Record:
    """The counts of these entries (those of other packs included: a contact is a contact)."""
    per_day: Counter[dt.date] = Counter()
    night = third = total = 0
    for entry in entries:
        if entry.source == "file":  # evidence without a contact of its own
            continue
        total += entry.contacts
        if entry.occurred_day:
            per_day[dt.date.fromisoformat(entry.occurred_day)] += entry.contacts
        night += is_night(local_hour(entry), pack)
        third += has_third_parties(entry)
    days = sorted(per_day)
    busiest, start, running = 0, 0, 0
    for end, day in enumerate(days):
        running += per_day[day]
        while (day - days[start]).days >= WEEK:
            running -= per_day[days[start]]
            start += 1
        busiest = max(busiest, running)
    return Record(total=total, max_day=max(per_day.values(), default=0), max_7_days=busiest,
                  night=night, third_parties=third, per_day=dict(sorted(per_day.items())))


def from_report(pack: Pack, facts: Mapping[str, Any], incident_id: int | None,
                tz: str) -> NewDiaryEntry:
    """A finished report as an entry: the pack's ``incident:`` mapping names the facts."""
    mapping = pack.data.incident

    def fact(name: str) -> Any:
        return facts.get(mapping.get(name, ""))  # type: ignore[call-overload]

    when = fact("occurred_at")
    moment = read_moment(when) if isinstance(when, str) else None
    day = moment.day.isoformat() if moment is not None else None
    at = moment.at.isoformat() if moment is not None and moment.at is not None and \
        moment.at.tzinfo is not None else day
    if moment is None:  # no time given: the day the report was made, on the person's clock
        day = dt.datetime.now(zone(tz, pack.timezone)).date().isoformat()
        at = day
    return NewDiaryEntry(
        source="report", pack_id=pack.id, occurred_at=at, occurred_day=day,
        channel=_text(fact("channel")), caller_number=_text(fact("caller_number")),
        caller_name=_text(fact("agency")) or _text(fact("lender")),
        third_parties_json=_dumps(fact("third_parties")), said_json=_dumps(fact("said")),
        note=_text(fact("description")), incident_id=incident_id,
        contacts=contacts_of(fact("contacts")))


def contacts_of(value: Any) -> int:
    """How many contacts a report's count stands for: the number (a lower bound's floor), at
    least 1."""
    found = count_from_json(value) if value is not None else None
    if found is None:
        return 1
    number = getattr(found, "n", found)
    try:
        return max(1, min(int(number), 10_000))
    except (TypeError, ValueError):
        return 1


def quick(pack: Pack, *, channel: str | None, when: str, now: dt.datetime, tz: str,
          like: Sequence[DiaryEntryRow] = (), note: str | None = None,
          contacts: int = 1, source: str = "quick",
          third_parties: Sequence[str] = ()) -> NewDiaryEntry:
    """A quick addition: ``when`` is ``now``, ``today`` or ``yesterday`` on the person's
    clock; the caller is the same as in their latest entry (the same collector, by default)."""
    local = now.astimezone(zone(tz, pack.timezone))
    if when == "now":
        at: str = local.replace(microsecond=0).isoformat()
        day = local.date()
    else:
        day = local.date() - dt.timedelta(days=1 if when == "yesterday" else 0)
        at = day.isoformat()
    last = next((e for e in reversed(like) if e.caller_number or e.caller_name), None)
    return NewDiaryEntry(
        source=source, pack_id=pack.id, occurred_at=at, occurred_day=day.isoformat(),
        channel=channel, caller_number=last.caller_number if last else None,
        caller_name=last.caller_name if last else None, note=note, contacts=contacts,
        third_parties_json=_dumps(list(third_parties)))


def channel_options(pack: Pack, language: str) -> list[tuple[str, str]]:
    """(option id, label) of the pack's channel question: the quick add's second tap."""
    fact = pack.data.incident.get("channel")
    for compiled in pack.nodes.values():
        if fact and compiled.fact == fact:
            return [(o.id, pack.text(o.label, language)) for o in compiled.node.options or []
                    if o.id not in ("none", "other_channel")]
    return []


def third_party_options(pack: Pack, language: str) -> list[tuple[str, str]]:
    """(option id, label) of the pack's question about who else was contacted."""
    fact = pack.data.incident.get("third_parties")
    for compiled in pack.nodes.values():
        if fact and compiled.fact == fact:
            return [(o.id, pack.text(o.label, language)) for o in compiled.node.options or []]
    return []


def channel_label(pack: Pack | None, value: str | None, language: str) -> str:
    if not value:
        return ""
    labels = dict(channel_options(pack, language)) if pack is not None else {}
    return ", ".join(labels.get(part.strip(), part.strip()) for part in value.split(","))


def option_labels(pack: Pack | None, field_name: str, value_json: str | None,
                  language: str) -> list[str]:
    """Labels of the options stored in ``third_parties`` or ``said`` (a list or a tally)."""
    value = _json(value_json)
    if not value:
        return []
    ids = list(value) if isinstance(value, (list, dict)) else [value]
    labels: dict[str, str] = {}
    mapping: dict[str, str] = dict(pack.data.incident) if pack is not None else {}
    fact = mapping.get(field_name)
    if pack is not None and fact:
        for compiled in pack.nodes.values():
            if compiled.fact == fact:
                labels.update({o.id: pack.text(o.label, language)
                               for o in compiled.node.options or []})
    return [labels.get(str(i), str(i)) for i in ids if str(i) != "none"]


def _json(text: str | None) -> Any:
    if not text:
        return None
    try:
        return json.loads(text)
    except ValueError:
        return None


def _dumps(value: Any) -> str | None:
    return None if value in (None, [], {}) else json.dumps(value, ensure_ascii=False)


def _text(value: Any) -> str | None:
    if value is None or value == []:
        return None
    return ", ".join(map(str, value)) if isinstance(value, list) else str(value)
