"""A letter's contacts and counts from the whole record, not from the reports alone.

The letter context (bot/letters/context.py) is built from incidents; once the person keeps a
diary, every entry of the letter's pack — reports and quick additions — is a row of the annex,
the counts are the diary's (per pack night hours), and files with a known SHA-256 are
enclosures. A user whose record predates the diary keeps the incident-based context.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from bot.diary import record as rec
from bot.letters.context import one_line
from bot.letters.parties import clean_name, write_date, write_time
from flows import Pack
from flows.letters import BLANK, Counts, EnclosureContext, IncidentContext, LetterContext
from storage import DiaryEntryRow


def apply_record(context: LetterContext, pack: Pack, entries: Sequence[DiaryEntryRow]
                 ) -> LetterContext:
    """``context`` with its incidents, counts and enclosures taken from the diary."""
    mine = [e for e in entries if e.pack_id == pack.id]
    contacts = [e for e in mine if e.source != "file"]  # a file alone claims no contact
    if not mine:
        return context
    lang = context["letter"]["language"]
    record = rec.count(mine, pack)
    hours = [h for h in map(rec.local_hour, contacts) if h is not None]
    days = sorted(record.per_day)
    before = context["counts"]  # from the reports, with the counts the user gave in them

    def most(diary: int, key: str) -> tuple[int, bool]:
        """The diary's count, or what the user counted when it is higher (never fewer)."""
        reported, lower = before[key], before[f"{key}_at_least"]  # type: ignore[literal-required]
        return (reported, lower) if reported > diary else (diary, False)

    day, week = most(record.max_day, "busiest_day"), most(record.max_7_days, "busiest_7_days")
    counts: Counts = {
        "total": record.total,
        "dated": len(hours),
        "busiest_day": day[0], "busiest_day_at_least": day[1],
        "busiest_7_days": max(week, day)[0], "busiest_7_days_at_least": max(week, day)[1],
        "at_night": record.night,
        "outside_8_to_21": sum(1 for h in hours if h >= 21 or h < 8),
        "third_parties": record.third_parties,
        "first": write_date(days[0], lang) if days else BLANK,
        "last": write_date(days[-1], lang) if days else BLANK,
    }
    files: list[EnclosureContext] = [
        {"name": one_line(f"{a.kind} {a.file_name or ''} {a.received_at[:10]}"),
         "sha256": a.sha256}
        for e in mine for a in e.attachments if a.sha256]
    enclosures = list(context["enclosures"])
    if not enclosures and mine:  # the annex itself is the first enclosure
        from bot.letters.context import annex_name

        enclosures.append({"name": annex_name(lang), "sha256": ""})
    return {**context, "incidents": [_row(pack, e, lang) for e in contacts], "counts": counts,
            "enclosures": enclosures + files}


def _row(pack: Pack, entry: DiaryEntryRow, lang: str) -> IncidentContext:
    hour = rec.local_hour(entry)
    day = dt.date.fromisoformat(entry.occurred_day) if entry.occurred_day else None
    time = dt.datetime.fromisoformat(entry.occurred_at).time() \
        if hour is not None and entry.occurred_at else None
    what = one_line(entry.note) if entry.note else ""
    channel = rec.channel_label(pack, entry.channel, lang) or BLANK
    if entry.contacts > 1:  # a count is structured data: it stays when the words are left out
        channel += f"（{entry.contacts}次）" if lang.startswith("zh") else \
            f" ({entry.contacts} contacts)"
    return {
        "date": write_date(day, lang) if day else BLANK,
        "time": write_time(time, lang) if time else BLANK,
        "channel": channel,
        "number": one_line(entry.caller_number),
        "who": clean_name(entry.caller_name) or BLANK,  # a name, never the user's sentence
        "what": what or BLANK,
    }
