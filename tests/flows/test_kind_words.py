"""Kind words in the cn pack (issue 14; kindness.yaml, flows/kindness.py): a person who says, in
Simplified, Traditional or English, that they are afraid, ashamed or desperate gets one short
acknowledgement before the next question; a denial gets none, and a crisis gets the crisis
response instead (safety comes first)."""

from __future__ import annotations

import datetime as dt

import pytest

from flows import events as ev
from flows import load_pack
from flows.engine import advance, start
from flows.replies import Message, Question
from tests.conftest import SHANGHAI

NOW = dt.datetime(2026, 11, 28, 12, tzinfo=SHANGHAI)


def _told(text: str, language: str = "zh-Hans") -> list[object]:
    pack = load_pack("cn")
    step = start(pack, language, now=NOW)
    step = advance(pack, step.state, ev.Pick("relation", "borrower"), now=NOW)
    return list(advance(pack, step.state, ev.Say(text), now=NOW).replies)


@pytest.mark.parametrize(("text", "language", "words"), [
    ("他们天天打电话，我妈妈吓坏了，一直哭。", "zh-Hans", "您的感受完全可以理解"),
    ("他們天天打電話，我覺得好丟臉。", "zh-Hant", "不是您的錯"),
    ("They call all day and I feel hopeless.", "en", "One thing at a time"),
])
def test_a_feeling_is_acknowledged_once_before_the_next_question(text: str, language: str,
                                                                 words: str) -> None:
    replies = _told(text, language)
    kind = [r for r in replies if isinstance(r, Message) and words in r.text]
    assert len(kind) == 1
    assert replies.index(kind[0]) < next(i for i, r in enumerate(replies)
                                         if isinstance(r, Question))


def test_a_denied_feeling_and_a_plain_story_get_no_kind_word() -> None:
    for text in ("他们天天打电话，但我不害怕。", "他们天天打电话。"):
        assert not [r for r in _told(text) if isinstance(r, Message) and r.tone == "info"]


def test_a_crisis_gets_the_crisis_response_not_a_kind_word() -> None:
    replies = _told("我很害怕，我不想活了")
    assert any(isinstance(r, Message) and r.tone == "safety" for r in replies)
    assert not any(isinstance(r, Message) and "一步一步来" in r.text for r in replies)
