"""Replies that never reached the user, texts typed for an earlier question, edits, taps.

The real bot against the fake Bot API: the reply to a committed answer is lost (its requests
are dropped on the wire, as on a broken link), the bot is SIGKILLed and restarted.
"""

from __future__ import annotations

import signal
from collections.abc import Callable
from typing import Any

from tests.fake_bot_api import FakeBotApi
from tests.telegram.conftest import BotProcess, Chat, until

CHAT = 7301
BOOT = 40.0
"""The first reply waits for the bot to start (slow on a busy machine)."""


async def to_when_question(chat: Chat) -> None:
    await chat.say("/start", "Choose your language", timeout=BOOT)
    await chat.press("l:en", "Where is the lender")
    await chat.press("j:demo", "What would you like to do")
    await chat.press("m:interview", "Who contacted you?")
    await chat.press("c:caller:lender", "What is the lender called?")
    await chat.say("Huijin", "When did they contact you?")


def sent(server: FakeBotApi, after: int) -> list[str]:
    return [c.params["text"] for c in server.calls[after:]
            if c.method in ("sendMessage", "editMessageText") and c.ok
            and int(c.params["chat_id"]) == CHAT]


async def test_a_saved_answer_whose_reply_was_lost_is_acknowledged_and_never_misfiled(
        server: FakeBotApi, make_bot: Callable[..., BotProcess]) -> None:
    bot = make_bot()
    chat = Chat(server, CHAT)
    await to_when_question(chat)
    for _ in range(4):  # every try of the next question's message is lost on the wire
        server.drop_next("sendMessage")
    at = chat.mark()
    server.user_sends_text(CHAT, "yesterday 9am")
    await chat.expect("Sorry, something went wrong", at, timeout=20)
    assert not any("Which number called you?" in text for text in sent(server, at))
    await bot.stop(signal.SIGKILL)
    # while the bot is down the user, who saw no question, types the same answer again
    server.user_sends_text(CHAT, "yesterday 9am")
    at = chat.mark()
    make_bot()
    await chat.expect("Your last answer was saved", at, timeout=BOOT)
    await chat.expect("Which number called you?", at)
    # the retyped text was written before that question was shown: not its answer
    await chat.expect("sent before the question below was shown", at)
    await until(lambda: sum("Which number called you?" in text
                            for text in sent(server, at)) == 2, what="the question again")
    texts = sent(server, at)
    assert not any("Please type a phone number" in text for text in texts), texts
    # now the user answers the question they can see, and the interview goes on
    await chat.say("+86 138 0013 8000", "How many contacts today?")
    log = bot.output()
    assert "yesterday" not in log and "13800138000" not in log and "0013" not in log


def edit_of(message: dict[str, Any], text: str) -> dict[str, Any]:
    return {"edited_message": dict(message, text=text, edit_date=message["date"] + 5)}


async def test_an_edit_of_the_awaited_answer_is_taken_other_edits_are_not(
        server: FakeBotApi, make_bot: Callable[..., BotProcess]) -> None:
    make_bot()
    chat = Chat(server, CHAT)
    await to_when_question(chat)
    raw = server.build_update_json("text", CHAT, "the day after the holiday thing")
    at = chat.mark()
    server.inject_update(raw)
    await chat.expect("Please give a date and time", at)  # not a time: asked again
    at = chat.mark()
    server.inject_update(edit_of(raw["message"], "yesterday 9am"))  # the user fixes it
    await chat.expect("Which number called you?", at)
    at = chat.mark()
    server.inject_update(edit_of(raw["message"], "today 3pm"))  # already taken: not applied
    await chat.expect("Edits to earlier messages are not applied", at)
    await chat.say("+86 138 0013 8000", "How many contacts today?")
    assert not any("Which number called you?" in text for text in sent(server, at))


async def test_every_tap_is_answered_even_without_a_message(
        server: FakeBotApi, make_bot: Callable[..., BotProcess]) -> None:
    make_bot()
    chat = Chat(server, CHAT)
    await chat.say("/start", "Choose your language", timeout=BOOT)
    sender = {"id": CHAT, "is_bot": False, "first_name": "T", "language_code": "en"}
    server.inject_update({"callback_query": {
        "id": "inline-1", "from": sender, "chat_instance": "77", "data": "c:caller:lender",
        "inline_message_id": "AAAA"}})  # a tap on an inline message: no chat, no message
    server.inject_update({"callback_query": {
        "id": "forged-1", "from": sender, "chat_instance": "78", "data": "zz:" + "9" * 60}})
    await until(lambda: not server.unanswered_callback_queries(), timeout=20,
                what="every callback query answered")
    await chat.say("/start", "Choose your language")  # still serving
