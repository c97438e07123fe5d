"""End to end: results as short cards, their buttons, what comes after them, stale buttons.

The real bot process over HTTP against the fake Bot API server, with the demo pack.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable
from contextlib import closing
from pathlib import Path
from typing import Any

from tests.fake_bot_api import FakeBotApi
from tests.telegram.conftest import BotProcess, Chat, find_button, until
from tests.telegram.test_letters import finish_report, start

CHAT = 9101
SUMMARY, CARD = 600, 1200


def since(server: FakeBotApi, at: int) -> list[Any]:
    return [c for c in server.calls[at:] if c.method in ("sendMessage", "editMessageText")
            and c.ok]


def buttons(call: Any) -> list[str]:
    markup = call.params.get("reply_markup")
    if not markup:
        return []
    rows = json.loads(markup)["inline_keyboard"] if isinstance(markup, str) else \
        markup["inline_keyboard"]
    return [b["callback_data"] for row in rows for b in row]


def incidents(database: Path) -> int:
    with closing(sqlite3.connect(database)) as raw:
        return int(raw.execute("SELECT COUNT(*) FROM incidents").fetchone()[0])


async def test_results_come_as_short_cards_with_working_buttons(
        server: FakeBotApi, make_bot: Callable[..., BotProcess]) -> None:
    make_bot()
    chat = Chat(server, CHAT)
    await start(chat)
    at = chat.mark()
    await finish_report(chat)
    closing_message = await chat.expect("What next?", at, timeout=15)
    calls = since(server, at)
    first = next(i for i, c in enumerate(calls) if "What to do now" in c.params["text"])
    cards = calls[first:]
    texts = [c.params["text"] for c in cards]
    # the summary: at most 600 characters, steps then one sentence on the law
    assert len(texts[0]) <= SUMMARY and "1. " in texts[0] and "What the law says" in texts[0]
    assert texts[0].index("1. ") < texts[0].index("What the law says")
    key = buttons(cards[0])[0].split(":")[2]
    assert buttons(cards[0]) == [f"R:s:{key}", f"R:d:{key}"]
    # one card per finding (others contacted, at night, many contacts), each with its buttons
    findings = [c for c in cards[1:-1]]
    assert [t.split(" · ")[0].removeprefix("<b>") for t in texts[1:-1]] == ["1/3", "2/3", "3/3"]
    assert "Others were contacted" in texts[1]
    assert buttons(findings[0]) == [f"R:w:{key}:0", f"R:s:{key}", f"R:l:{key}:0"]
    assert buttons(findings[1]) == [f"R:w:{key}:1", f"R:s:{key}"]  # no letter for this one
    assert all("https://" not in t for t in texts)  # citations on demand, not in the cards
    # the close: not legal advice, the review date, the record's counts (the diary), next steps
    assert "not legal advice" in texts[-1] and "reviewed" in texts[-1].lower()
    assert "Your record: 1 contact" in texts[-1]
    assert buttons(cards[-1]) == ["m:add", "m:diary", "m:letters", "m:new", "m:menu"]
    assert closing_message.message_id == cards[-1].result["message_id"]
    assert all(len(t) <= CARD for t in chat.texts())
    # link previews off in every text sent or edited
    for call in since(server, 0):
        options = call.params.get("link_preview_options")
        options = json.loads(options) if isinstance(options, str) else options
        assert options == {"is_disabled": True}, call.params

    # Why / the law: the citations, with the official link, as a new message
    card_id = findings[0].result["message_id"]
    card_text = server._state.find_message(CHAT, card_id).text
    law = await chat.press(f"R:w:{key}:0", "Civil Code of the PRC")
    assert "https://flk.npc.gov.cn/" in law.text and "Art. 1033(1)" in law.text
    assert "not legal advice" in law.text and len(law.text) <= CARD
    assert law.message_id != card_id and server._state.find_message(CHAT, card_id).text == \
        card_text
    # What to say: one numbered script
    script = await chat.press(f"R:s:{key}", "What to say on the next call")
    assert "1. What is your name and staff number?" in script.text
    assert script.text.count("What is your name") == 1
    # every step and where to complain
    steps = await chat.press(f"R:d:{key}", "Keep screenshots and call logs.")
    assert steps.text.startswith("What to do now\n1. Keep screenshots and call logs.")
    # Letter for this: the letter desk for the finding's letter
    await chat.press(f"R:l:{key}:0", "Your full name")
    await chat.press("Ls:complaint:full_name", "Download the letter")
    # My record (the evidence diary's timeline) and Log another call (its quick addition)
    await chat.press("m:diary", "Your record: 1 contact")
    await chat.press("m:add", "When?")  # the demo pack names no channels: straight to when
    assert not server.failed_calls, [(c.method, c.error) for c in server.failed_calls]


async def test_back_and_stale_buttons_after_results_change_nothing(
        server: FakeBotApi, make_bot: Callable[..., BotProcess], tmp_path: Path) -> None:
    make_bot()
    chat = Chat(server, CHAT)
    await start(chat)
    question = await chat.press("m:interview", "Who contacted you?")
    await chat.press("c:caller:lender", "What is the lender called?")
    await chat.say("Huijin", "When did they contact you?")
    await chat.say("昨晚10点", "Which number called you?")
    await chat.say("138 0013 8000", "How many contacts today?")
    await chat.say("12", "Who else did they contact?")
    await chat.press("c:others:family", "Who else did they contact?")
    last = await chat.press("d:others", "Tell us in your words")
    await chat.say("They kept calling.", "What next?", timeout=15)
    database = tmp_path / "bot.sqlite3"
    assert incidents(database) == 1
    old = {m.message_id: m.text for m in server.chat_messages(CHAT)}
    # Back on the last question's message, and an old answer button: a toast, nothing else
    for message, data in ((last, "b:story"), (last, "k:story"), (question, "c:caller:agency")):
        at = chat.mark()
        server.user_presses_button(CHAT, message.message_id, data, check_button=False)
        assert "finished" in await chat.toast(at)
        await chat.say("/help", "/restart")
        assert not [c for c in chat.sent_since(at) if c.method == "editMessageText"]
    # /back after results: said finished, never reopened
    await chat.say("/back", "That report is finished")
    await chat.say("more words", "Welcome back")
    assert incidents(database) == 1
    for message_id, text in old.items():  # old messages untouched
        assert server._state.find_message(CHAT, message_id).text == text
    # a new report from the next steps; the old report's cards are now stale
    card = await until(lambda: find_button(server, CHAT, "m:new"))
    at = chat.mark()
    server.user_presses_button(CHAT, card.message_id, "m:new")
    await chat.expect("Who contacted you?", at)
    why = next(b["callback_data"] for m in server.chat_messages(CHAT) for b in m.buttons()
               if b.get("callback_data", "").startswith("R:w:"))
    holder = find_button(server, CHAT, why)
    assert holder is not None
    at = chat.mark()
    server.user_presses_button(CHAT, holder.message_id, why)
    assert "earlier message" in await chat.toast(at)
    await chat.say("/help", "/restart")
    sent = chat.sent_since(at)  # only /help's answer: no law card, no edit
    assert sent and not [c for c in sent if c.method == "editMessageText"
                         or "Civil Code" in c.params["text"]]
    assert incidents(database) == 1
    assert not server.failed_calls, [(c.method, c.error) for c in server.failed_calls]


async def test_a_returning_user_is_offered_what_next(
        server: FakeBotApi, make_bot: Callable[..., BotProcess]) -> None:
    make_bot()
    chat = Chat(server, CHAT)
    await start(chat)
    await finish_report(chat)
    welcome = await chat.say("/start", "Welcome back")
    assert [b["callback_data"] for b in welcome.buttons()] == ["m:add", "m:new", "m:rights",
                                                               "m:menu"]
    assert "not legal advice" not in welcome.text  # not the greeting all over again
    await chat.press("m:rights", "What to do now")  # my last results, as cards again
    await chat.expect("What next?", 0)
    again = await chat.say("/start", "Welcome back")
    at = chat.mark()
    server.user_presses_button(CHAT, again.message_id, "m:new")
    await chat.expect("Who contacted you?", at)  # a new report, from its first question
    assert not server.failed_calls, [(c.method, c.error) for c in server.failed_calls]
