"""The record as short plain-text pages: a summary, then the days, newest first.

Each page stays under :data:`PAGE_LIMIT` characters (a phone screen or two), so the person
pages through with buttons instead of scrolling a wall of text. Plain text here; a channel
escapes it for its own markup.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from bot.diary import record as rec
from bot.diary.texts import d
from flows import Pack
from storage import DiaryEntryRow

PAGE_LIMIT = 1000
NOTE_SHOWN = 80
DAY_LINES = 6
"""Entries shown per day; the rest are counted ("… 9 earlier that day") and in the report."""
KIND_MARK = {"photo": "\U0001f5bc", "voice": "\U0001f3a4", "audio": "\U0001f3b5",
             "document": "\U0001f4c4", "video": "\U0001f3ac"}


def summary(record: rec.Record, language: str | None) -> str:
    return d(language, "summary", total=record.total, days=record.days,
             max_day=record.max_day, max_7_days=record.max_7_days, night=record.night,
             third=record.third_parties, **plurals(record))


def plurals(record: rec.Record) -> dict[str, str]:
    """English "1 contact on 1 day", "6 contacts on 3 days" (other languages ignore them)."""
    return {"s1": "" if record.total == 1 else "s", "s2": "" if record.days == 1 else "s"}


def entry_line(entry: DiaryEntryRow, pack: Pack | None, language: str | None) -> str:
    """One entry on one line: time, how, who, how many, marks, the start of the note."""
    lang = language or "en"
    parts: list[str] = []
    hour = rec.local_hour(entry)
    if hour is not None and entry.occurred_at:
        parts.append(entry.occurred_at[11:16])
    channel = rec.channel_label(pack, entry.channel, lang)
    if channel:
        parts.append(channel)
    who = " ".join(x for x in (entry.caller_number, entry.caller_name) if x)
    if who:
        parts.append(who)
    if entry.contacts > 1 and entry.source != "file":
        parts.append(f"\u00d7{entry.contacts}")
    if rec.is_night(hour, pack):
        parts.append(d(language, "night"))
    if rec.has_third_parties(entry):
        parts.append(d(language, "third"))
    if entry.source == "report":
        parts.append(d(language, "from_report"))
    marks = "".join(KIND_MARK.get(a.kind, "\U0001f4ce") for a in entry.attachments)
    note = " ".join((entry.note or "").split())
    if len(note) > NOTE_SHOWN:
        note = note[:NOTE_SHOWN - 1] + "\u2026"
    line = " \u00b7 ".join(parts) or "\u2014"
    return f"\u2022 {line}{(' ' + marks) if marks else ''}{(': ' + note) if note else ''}"


def day_blocks(entries: Sequence[DiaryEntryRow], pack: Pack | None,
               language: str | None) -> list[str]:
    """One block per day, newest day first (undated entries last)."""
    days: dict[str | None, list[DiaryEntryRow]] = {}
    for entry in entries:
        days.setdefault(entry.occurred_day, []).append(entry)
    order = sorted((k for k in days if k), reverse=True) + ([None] if None in days else [])
    blocks = []
    for day in order:
        items = days[day]
        head = d(language, "day_head", day=_weekday(day, language) if day else "?",
                 n=sum(e.contacts for e in items if e.source != "file"))
        lines = [entry_line(e, pack, language) for e in items[-DAY_LINES:]]
        if len(items) > DAY_LINES:  # a very busy day: its latest lines; all are in the report
            lines.insert(0, d(language, "more_lines", n=len(items) - DAY_LINES))
        blocks.append("\n".join([head] + lines))
    return blocks


def pages(entries: Sequence[DiaryEntryRow], pack: Pack | None,
          language: str | None) -> list[str]:
    """The timeline cut into pages; the first opens with the summary."""
    record = rec.count(entries, pack)
    blocks = day_blocks(entries, pack, language)
    found: list[str] = []
    current = summary(record, language)
    for block in blocks:
        if len(block) > PAGE_LIMIT:  # a day with very many entries: cut it by lines
            block = block[:PAGE_LIMIT - 1] + "\u2026"
        if len(current) + 2 + len(block) > PAGE_LIMIT:
            found.append(current)
            current = block
        else:
            current = f"{current}\n\n{block}"
    found.append(current)
    return found


def _weekday(day: str, language: str | None) -> str:
    date = dt.date.fromisoformat(day)
    if (language or "en").startswith("zh"):
        names = "一二三四五六日"
        return f"{date.month}月{date.day}日（周{names[date.weekday()]}）" if language == \
            "zh-Hans" else f"{date.month}月{date.day}日（週{names[date.weekday()]}）"
    return date.strftime("%a %d %b %Y")
