"""Updates PTB cannot parse: logged once by id and type, skipped, counted; everyone else served.

The shapes are the ones that stopped the bot in the fault run of issue 10: a ``poll_answer``
and a poll message in the Bot API 9.6 shape PTB 22.8 rejects (``TypeError: option_persistent_ids
is a required argument``), plus an update type no library knows yet and garbage fields.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from tests.fake_bot_api import FakeBotApi
from tests.telegram.conftest import BotProcess, Chat, until

CHAT, OTHER = 7101, 7102
SECRET = "Zhang Wei 13800138000 ID 110101199003071234"
"""Content that must never reach the log (a name, a phone number, an ID number)."""


def user(chat: int) -> dict[str, Any]:
    return {"id": chat, "is_bot": False, "first_name": SECRET, "language_code": "en"}


def poll(question: str) -> dict[str, Any]:
    """A poll in the newer shape: options without ``persistent_id``."""
    return {"id": "5001", "question": question, "options": [{"text": SECRET, "voter_count": 1}],
            "total_voter_count": 1, "is_closed": False, "is_anonymous": False,
            "type": "regular", "allows_multiple_answers": False}


def poisons(chat: int) -> dict[str, dict[str, Any]]:
    """Update type -> raw update without update_id (the fake assigns one)."""
    private = {"id": chat, "type": "private", "first_name": SECRET}
    return {
        "poll_answer": {"poll_answer": {"poll_id": "5001", "user": user(chat),
                                        "option_ids": [0]}},
        "message": {"message": {"message_id": 90001, "date": 1_800_000_000, "chat": private,
                                "from": user(chat), "poll": poll(SECRET)}},
        "story_of_the_future": {"story_of_the_future": {"text": SECRET, "chat": private}},
        "edited_message": {"edited_message": {"message_id": 90002, "date": 1, "chat": private,
                                              "from": [SECRET], "text": SECRET}},
        "callback_query": {"callback_query": {"id": "q1", "from": user(chat), "data": SECRET,
                                              "chat_instance": "1", "message": {"chat": SECRET}}},
    }


async def test_unreadable_updates_are_skipped_once_and_everyone_is_served(
        server: FakeBotApi, make_bot: Callable[..., BotProcess]) -> None:
    bot = make_bot()
    chat, other = Chat(server, CHAT), Chat(server, OTHER)
    await chat.say("/start", "Choose your language", timeout=30)
    await chat.press("l:en", "Where is the lender")
    await chat.press("j:demo", "What would you like to do")
    await chat.press("m:interview", "Who contacted you?")
    ids = {kind: server.inject_update(raw) for kind, raw in poisons(CHAT).items()}
    # the bot keeps serving: the user in the interview and a new user, after the poison
    await chat.press("c:caller:lender", "What is the lender called?")
    await chat.say("Huijin", "When did they contact you?")
    await other.say("/start", "Choose your language", timeout=30)
    await other.press("l:en", "Where is the lender")
    await until(lambda: not server.pending_updates, what="every update confirmed")
    # the private poll message got a kind word instead of silence
    assert any("only read typed text" in text for text in chat.texts())
    log = bot.output()
    assert SECRET not in log and "13800138000" not in log and "Zhang" not in log
    assert "Traceback" not in log and "CRITICAL" not in log
    for kind, update_id in ids.items():
        lines = [line for line in log.splitlines() if f"update {update_id} " in line]
        assert len(lines) == 1, (kind, lines)
        assert kind in lines[0] and "skipped" in lines[0], lines[0]
    assert "(TypeError)" in next(line for line in log.splitlines()
                                 if f"update {ids['poll_answer']} " in line)
    counts = [int(n) for n in re.findall(r"(\d+) unreadable so far", log)]
    assert counts and max(counts) == 4  # the unknown type is counted apart
    assert re.search(r"unknown type story_of_the_future skipped; 1 so far", log)
    assert not server.failed_calls, [(c.method, c.error) for c in server.failed_calls]


async def test_a_poll_answer_at_start_does_not_stop_the_first_poll(
        server: FakeBotApi, make_bot: Callable[..., BotProcess]) -> None:
    """The poison is waiting before the bot starts, in the same batch as a real message."""
    for raw in poisons(CHAT).values():
        server.inject_update(raw)
    at = len(server.calls)
    server.user_sends_text(OTHER, "/start")
    bot = make_bot()
    await Chat(server, OTHER).expect("Choose your language", at, timeout=20)
    await until(lambda: not server.pending_updates, what="every update confirmed")
    assert SECRET not in bot.output()
