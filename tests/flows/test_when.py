"""Natural date and time input, in English and Chinese, relative to the user's time zone."""

from __future__ import annotations

import datetime as dt

import pytest

from flows.when import WhenError, parse_when
from tests.conftest import SHANGHAI

NOW = dt.datetime(2026, 11, 28, 15, 0, tzinfo=SHANGHAI)  # a Saturday afternoon


@pytest.mark.parametrize(("text", "expected"), [
    ("today 3pm", "2026-11-28 15:00"),
    ("昨晚10点", "2026-11-27 22:00"),
    ("11月20日 上午9:30", "2026-11-20 09:30"),
    ("2026-11-20 21:30", "2026-11-20 21:30"),
    ("yesterday 22:15", "2026-11-27 22:15"),
    ("2 hours ago", "2026-11-28 13:00"),
    ("两小时前", "2026-11-28 13:00"),
    ("刚才", "2026-11-28 15:00"),
    ("昨天下午两点", "2026-11-27 14:00"),
    ("下午2点半", "2026-11-28 14:30"),
    ("凌晨2点", "2026-11-28 02:00"),
    ("10pm", "2026-11-27 22:00"),  # a time later than now means last night
    ("Nov 20 9:30pm", "2026-11-20 21:30"),
    ("20 Nov 21:00", "2026-11-20 21:00"),
    ("上周五 晚上8点", "2026-11-20 20:00"),
    ("周五晚上8点", "2026-11-27 20:00"),
    ("friday 8pm", "2026-11-27 20:00"),
    ("昨天晚上十一点", "2026-11-27 23:00"),
    ("１１月２０日　２１：３０", "2026-11-20 21:30"),  # full-width digits
    ("12月3日 9点", "2025-12-03 09:00"),  # a day still to come this year means last year
    ("昨天半夜一两点", "2026-11-27 01:00"),  # a range reads as its first
    ("凌晨两三点", "2026-11-28 02:00"),
])
def test_understood(text: str, expected: str) -> None:
    assert parse_when(text, NOW).strftime("%Y-%m-%d %H:%M") == expected
    assert parse_when(text, NOW).tzinfo == SHANGHAI


@pytest.mark.parametrize(("text", "reason"), [
    ("今天", "no_time"), ("yesterday", "no_time"), ("20 times", "unreadable"),
    ("tomorrow 3pm", "unreadable"), ("2026-12-25 10:00", "future"), ("25:00", "bad_time"),
    ("2026-02-30 10:00", "bad_date"), ("", "empty"), ("hello", "unreadable"),
    ("昨天一三点", "bad_time"), ("昨天三一点", "bad_time"),  # not a range: refused, no crash
])
def test_refused(text: str, reason: str) -> None:
    with pytest.raises(WhenError) as error:
        parse_when(text, NOW)
    assert error.value.reason == reason
