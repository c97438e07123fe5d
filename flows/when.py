"""Understand when a contact happened, as a frightened person would type it.

Accepts what people write in English and Chinese: ``today 3pm``, ``yesterday 22:15``,
``昨晚10点``, ``11月20日 上午9:30``, ``2026-11-20 21:30``, ``2 hours ago``, ``刚才``. All
relative to ``now`` in the user's time zone. We wrote this rather than use ``dateparser``:
that library misreads colloquial Chinese (``昨晚10点``, ``下午3点半``) and costs a second of
import time, while the forms people actually use fit in one small, tested module.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata

MONTHS = {name: index for index, names in enumerate(
    [("jan", "january"), ("feb", "february"), ("mar", "march"), ("apr", "april"), ("may",),
     ("jun", "june"), ("jul", "july"), ("aug", "august"), ("sep", "sept", "september"),
     ("oct", "october"), ("nov", "november"), ("dec", "december")], start=1) for name in names}
WEEKDAYS_EN = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]
WEEKDAYS_ZH = "一二三四五六日"
CN_DIGITS = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6,
             "七": 7, "八": 8, "九": 9, "十": 10}

# Relative days: (pattern, days back, implied part of day)
RELATIVE_DAYS = [
    (r"day before yesterday|前天", 2, None),
    (r"last night|昨晚|昨天晚上|昨夜|昨天夜里", 1, "evening"),
    (r"yesterday morning|昨天早上|昨天上午|昨早", 1, "morning"),
    (r"yesterday afternoon|昨天下午", 1, "afternoon"),
    (r"yesterday|昨天|昨日", 1, None),
    (r"tonight|this evening|今晚|今天晚上|今夜", 0, "evening"),
    (r"this morning|今早|今天早上|今天上午", 0, "morning"),
    (r"this afternoon|今天下午", 0, "afternoon"),
    (r"today|今天|今日", 0, None),
]
PERIODS = [
    (r"凌晨|半夜|深夜|\blate at night\b|\bmiddle of the night\b", "night"), (r"早上|早晨|上午|清晨|\bmorning\b", "morning"),
    (r"中午|\bnoon\b", "noon"), (r"下午|\bafternoon\b", "afternoon"),
    (r"傍晚|晚上|夜里|夜间|\bevening\b|\bnight\b", "evening"),
]
FILLER = re.compile(r"[\s,，.。、:：]|\b(?:at|around|about|on|the|of|in)\b|大概|大约|约|左右|在|的|"
                    r"时候|号码|多|前后|前後|许|許|\bish\b")


class WhenError(ValueError):
    """The text is not a moment we can be sure of; ``reason`` names which problem.

    For ``no_time`` (a day without an hour: "昨天", "this morning", "前天下午") ``day`` and
    ``period`` keep what *was* understood, so a caller can store the date alone.
    """

    def __init__(self, reason: str, day: dt.date | None = None,
                 period: str | None = None) -> None:
        super().__init__(reason)
        self.reason = reason
        self.day = day
        self.period = period


def _number(text: str) -> int:
    """A clock number in digits or Chinese; a range of two ("一两点", "两三点") reads as its
    first, and anything else that is not a number is a bad time, never a crash."""
    if text.isdigit():
        return int(text)
    if len(text) == 2 and "十" not in text and all(c in CN_DIGITS for c in text) and \
            CN_DIGITS[text[1]] == CN_DIGITS[text[0]] + 1:
        return CN_DIGITS[text[0]]
    if any(c not in CN_DIGITS for c in text) or text.count("十") > 1 or (
            "十" not in text and len(text) > 1):
        raise WhenError("bad_time")
    if text == "十":
        return 10
    if text.startswith("十"):
        return 10 + CN_DIGITS[text[1]]
    if text.endswith("十"):
        return CN_DIGITS[text[0]] * 10
    if "十" in text:
        tens, ones = text.split("十")
        return CN_DIGITS[tens] * 10 + CN_DIGITS[ones]
    return CN_DIGITS[text]


NUM = r"(\d{1,2}|[零〇一二两三四五六七八九十]{1,3})"


def _take(pattern: str, text: str) -> tuple[re.Match[str] | None, str]:
    match = re.search(pattern, text)
    if not match:
        return None, text
    return match, text[: match.start()] + " " + text[match.end():]


def parse_when(raw: str, now: dt.datetime) -> dt.datetime:
    """The moment ``raw`` describes, in ``now``'s time zone; :class:`WhenError` otherwise."""
    text = unicodedata.normalize("NFKC", raw).casefold().strip()
    if not text:
        raise WhenError("empty")
    if re.fullmatch(r"(just now|now|right now|刚才|刚刚|现在|剛才|剛剛|現在)", text):
        return now.replace(second=0, microsecond=0)
    ago = re.fullmatch(rf"{NUM}\s*(?:(minutes?|mins?|分钟|分鐘)|(hours?|hrs?|小时|小時|个小时|個小時))"
                       r"\s*(?:ago|前|以前|之前)", text)
    if ago:
        amount = _number(ago.group(1))
        delta = dt.timedelta(minutes=amount) if ago.group(2) else dt.timedelta(hours=amount)
        return (now - delta).replace(second=0, microsecond=0)
    text = text.replace("點", "点").replace("時", "时").replace("號", "号").replace("週", "周")
    text = text.replace("禮拜", "礼拜")
    date, period, text = _date(text, now)
    try:
        time, text = _time(text, period)
    except WhenError as error:
        if error.reason == "no_time" and date is not None:
            raise WhenError("no_time", date, error.period) from None
        raise
    if FILLER.sub("", text):
        raise WhenError("unreadable")
    if date is None and time is None:
        raise WhenError("unreadable")
    if time is None:
        if date is not None and date > now.date():
            raise WhenError("future")
        raise WhenError("no_time", date, period)
    day, assumed = (date, False) if date is not None else (now.date(), True)
    hour, minute = time
    moment = dt.datetime.combine(day, dt.time(hour % 24, minute), tzinfo=now.tzinfo)
    if hour == 24:
        moment += dt.timedelta(days=1)
    if moment > now + dt.timedelta(minutes=10):
        if assumed:
            moment -= dt.timedelta(days=1)
        else:
            raise WhenError("future")
    return moment


def _date(text: str, now: dt.datetime) -> tuple[dt.date | None, str | None, str]:
    """Find and remove a date; also the part of day it implies (``昨晚``: evening)."""
    today = now.date()
    for pattern, days, period in RELATIVE_DAYS:
        match, rest = _take(pattern, text)
        if match:
            return today - dt.timedelta(days=days), period, rest
    day, rest = _absolute_date(text, today)
    return day, None, rest


def _absolute_date(text: str, today: dt.date) -> tuple[dt.date | None, str]:
    match, rest = _take(r"(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*[日号]?", text)
    if match:
        return _make_date(int(match[1]), int(match[2]), int(match[3])), rest
    match, rest = _take(rf"{NUM}\s*月\s*{NUM}\s*[日号]", text)
    if match:
        return _year_back(_number(match[1]), _number(match[2]), today), rest
    match, rest = _take(r"\b(\d{1,2})[/-](\d{1,2})\b", text)
    if match:
        return _year_back(int(match[1]), int(match[2]), today), rest
    month_names = "|".join(sorted(MONTHS, key=len, reverse=True))
    match, rest = _take(rf"\b(\d{{1,2}})(?:st|nd|rd|th)?\s+({month_names})\b\.?(?:\s*(\d{{4}}))?",
                        text)
    if match:
        month, day = MONTHS[match[2]], int(match[1])
        return (_make_date(int(match[3]), month, day) if match[3]
                else _year_back(month, day, today)), rest
    match, rest = _take(rf"\b({month_names})\.?\s+(\d{{1,2}})(?:st|nd|rd|th)?\b(?:,?\s*(\d{{4}}))?",
                        text)
    if match:
        month, day = MONTHS[match[1]], int(match[2])
        return (_make_date(int(match[3]), month, day) if match[3]
                else _year_back(month, day, today)), rest
    weekdays = "|".join(WEEKDAYS_EN)
    match, rest = _take(rf"(?:last\s+)?\b({weekdays})\b|(?:上)?(?:周|星期|礼拜)([{WEEKDAYS_ZH}天])", text)
    if match:
        index = WEEKDAYS_EN.index(match[1]) if match[1] else "一二三四五六日天".index(match[2]) % 7
        if match[0].startswith("上"):  # 上周五: Friday of the previous calendar week
            return today - dt.timedelta(days=today.weekday() + 7 - index), rest
        back = (today.weekday() - index) % 7
        if match[1] and back == 0:
            back = 7
        return today - dt.timedelta(days=back), rest
    return None, text


def _make_date(year: int, month: int, day: int) -> dt.date:
    try:
        return dt.date(year, month, day)
    except ValueError as error:
        raise WhenError("bad_date") from error


def _year_back(month: int, day: int, today: dt.date) -> dt.date:
    """A month and day without a year: this year, or last year if that is still to come."""
    candidate = _make_date(today.year, month, day)
    return candidate if candidate <= today else _make_date(today.year - 1, month, day)


def _time(text: str, period: str | None) -> tuple[tuple[int, int] | None, str]:
    """Find and remove a time of day, applying 上午/下午/am/pm and the relative-day hint."""
    for pattern, name in PERIODS:
        match, rest = _take(pattern, text)
        if match:
            period, text = name, rest
            break
    hour = minute = None
    match, rest = _take(r"\b(\d{1,2})(?::(\d{2}))?\s*(a\.?m\.?|p\.?m\.?)", text)
    if match:
        hour, minute = int(match[1]), int(match[2] or 0)
        if not 1 <= hour <= 12:
            raise WhenError("bad_time")
        hour = hour % 12 + (12 if match[3].startswith("p") else 0)
        return _checked(hour, minute), rest
    match, rest = _take(r"\b(\d{1,2}):(\d{2})\b", text)
    if match:
        hour, minute = int(match[1]), int(match[2])
    else:
        match, rest = _take(rf"{NUM}\s*[点时](?:\s*(半|一刻|三刻|{NUM}\s*分?))?", text)
        if match:
            hour = _number(match[1])
            extra = match[2]
            if extra == "半":
                minute = 30
            elif extra == "一刻":
                minute = 15
            elif extra == "三刻":
                minute = 45
            else:
                minute = _number(match[3]) if match[3] else 0
        elif period == "noon":
            return (12, 0), text
    if hour is None or minute is None:
        if period is not None and not FILLER.sub("", text):
            raise WhenError("no_time", period=period)
        return None, text
    return _checked(_apply_period(hour, period), minute), rest


def _apply_period(hour: int, period: str | None) -> int:
    if hour > 12 or period in (None, "morning"):
        return 0 if (period == "morning" and hour == 12) else hour
    if period == "night":
        return 0 if hour == 12 else hour
    if period == "noon":
        return hour if hour >= 11 else hour + 12
    if period == "evening" and hour == 12:
        return 24
    return hour + 12 if hour < 12 else hour


def _checked(hour: int, minute: int) -> tuple[int, int]:
    if not (0 <= hour <= 24 and 0 <= minute <= 59) or (hour == 24 and minute):
        raise WhenError("bad_time")
    return hour, minute
