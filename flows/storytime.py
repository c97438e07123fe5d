"""Times mentioned inside a story: "昨天晚上十点多", "last Tuesday evening", "前天下午".

Only phrases that name a day ("yesterday", "11月20日", "last Tuesday") or a part of a day
with an hour ("下午3点") count: a bare "10点" is as often a deadline ("10点前不还就…") as a
call, so it is left for the questions. Each phrase is read by :func:`flows.moments.parse_moment`,
exactly as if the person had typed it as an answer.
"""

from __future__ import annotations

import datetime as dt
import re

from flows.moments import parse_moment
from flows.when import WhenError

_WEEKDAY = r"(?:monday|tuesday|wednesday|thursday|friday|saturday|sunday)"
_MONTH = r"(?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\.?"
DAY = (r"(?:the )?day before yesterday|yesterday(?: morning| afternoon| evening)?|last night|"
       r"tonight|today|this morning|this afternoon|this evening|前天|前晚|昨天|昨晚|昨夜|昨日|"
       r"今天|今晚|今早|今日|今夜|上?(?:周|星期|礼拜|禮拜|週)[一二三四五六日天]|"
       rf"(?:last )?{_WEEKDAY}|\d{{1,2}}\s*月\s*\d{{1,2}}\s*[日号號]|"
       r"\d{4}\s*[-/.年]\s*\d{1,2}\s*[-/.月]\s*\d{1,2}\s*[日号號]?|"
       rf"{_MONTH} \d{{1,2}}(?:st|nd|rd|th)?|\d{{1,2}}(?:st|nd|rd|th)? (?:of )?{_MONTH}")
PART = (r"早上|早晨|上午|中午|下午|傍晚|晚上|夜里|夜裡|凌晨|半夜|深夜|"
        r"(?:in the )?(?:morning|afternoon|evening)|at night|late at night")
CLOCK = (r"\d{1,2}(?::\d{2})?\s*(?:am|pm|a\.m\.|p\.m\.)|\d{1,2}:\d{2}|"
         r"(?:\d{1,2}|[零一二两兩三四五六七八九十]{1,3})\s*[点點时時](?:半|一刻|三刻|\d{1,2}\s*分|多)?")
_LINK = r"\s*(?:at |around |about |on |,\s*)?"
CANDIDATE = re.compile(
    rf"(?<![a-z])(?:(?:{DAY}){_LINK}(?:(?:{PART}){_LINK})?(?:{CLOCK})?|(?:{PART}){_LINK}(?:{CLOCK}))")


ANCHOR_WORDS = (
    "前天", "前晚", "昨天", "昨晚", "昨夜", "昨日", "今天", "今晚", "今早", "今日", "今夜", "周", "週",
    "星期", "礼拜", "禮拜", "月", "年", "yesterday", "today", "tonight", "last night",
    "this morning", "this afternoon", "this evening", "monday", "tuesday", "wednesday",
    "thursday", "friday", "saturday", "sunday", "jan", "feb", "mar", "apr", "may", "jun", "jul",
    "aug", "sep", "oct", "nov", "dec", "早上", "早晨", "上午", "中午", "下午", "傍晚", "晚上", "夜里",
    "夜裡", "凌晨", "半夜", "深夜", "morning", "afternoon", "evening", "night")
"""Where a time can be: phrases are read only around these (found by the spotter's
automaton)."""
_ANCHOR = re.compile("(?=(" + "|".join(re.escape(w) for w in sorted(ANCHOR_WORDS, key=len,
                                                                      reverse=True)) + "))")


def find_times(folded: str, now: dt.datetime, anchors: list[tuple[int, int]] | None = None
               ) -> list[tuple[int, int, str]]:
    """Every readable time phrase in folded story text: (start, end, stored value)."""
    if anchors is None:
        anchors = [m.span(1) for m in _ANCHOR.finditer(folded)]
    found: dict[int, tuple[int, int, str]] = {}
    read: dict[str, str | None] = {}
    covered = 0
    for low, high in anchors:
        if low < covered:
            continue
        for match in CANDIDATE.finditer(folded, max(0, low - 12), min(len(folded), high + 30)):
            if not (match.start() <= low < match.end()) or match.start() in found:
                continue
            phrase = match.group(0).strip(" ,")
            if phrase not in read:
                try:
                    read[phrase] = parse_moment(phrase, now)
                except WhenError:
                    read[phrase] = None
            value = read[phrase]
            if value is not None:
                end = match.start() + len(match.group(0).rstrip(" ,"))
                found[match.start()] = (match.start(), end, value)
                covered = end
            break
    return [found[key] for key in sorted(found)]
