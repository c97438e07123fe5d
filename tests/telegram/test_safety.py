"""The safety gate end to end: the real bot (PTB over HTTP to the fake Bot API), every state.

A crisis typed anywhere — before a region is chosen, at the menu, in settings, in an interview,
after the results, at a letter's detail prompt, in an edited message — gets the crisis lines
and two buttons, and nothing else in the same turn; its text is never stored. Danger and a
collector's "go and die" come first and keep the user's place. The log names kinds and places,
never words.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from pathlib import Path

from tests.fake_bot_api import FakeBotApi
from tests.plaintext import stored_plaintext
from tests.telegram.conftest import BotProcess, Chat, find_button
from tests.telegram.test_letters import finish_report

BOOT = 30.0
"""The first reply waits for the bot to start, which takes long on a busy shared machine."""

CHAT = 7301
CRISIS_WORDS = ("kill myself", "sleeping pills", "不想活", "喝了药", "coming to my house",
                "go kill", "want to die", "bottle")


async def start(chat: Chat) -> None:
    await chat.say("/start", "Choose your language", timeout=BOOT)
    await chat.press("l:en", "Where is the lender")
    await chat.press("j:demo", "What would you like to do")


def sent_after(server: FakeBotApi, chat: int, at: int) -> list[dict]:
    return [c.params for c in server.calls[at:] if c.method == "sendMessage" and c.ok
            and int(c.params["chat_id"]) == chat]


async def crisis(chat: Chat, text: str, expect: str) -> list[dict]:
    """Send ``text``; wait for the crisis message and a little longer; return what was sent
    from the crisis message on (a crisis holds: it must be the only one)."""
    at = chat.mark()
    message = await chat.say(text, expect)
    assert {b.get("callback_data") for b in message.buttons()} == {"sf:ok", "sf:talk"}
    await asyncio.sleep(0.7)  # anything sent in the same turn would arrive by now
    sent = sent_after(chat.server, chat.id, at)
    first = next(i for i, p in enumerate(sent) if expect in p["text"])
    return sent[first:]


def stored_texts(db: Path) -> str:
    """Every text the database holds about anyone (conversations, profiles, incidents)."""
    return stored_plaintext(db)


async def test_before_a_region_at_the_menu_and_in_settings(
        server: FakeBotApi, make_bot: Callable[..., BotProcess], tmp_path: Path) -> None:
    bot = make_bot()
    chat = Chat(server, CHAT, language_code="en-US")
    await chat.say("/start", "Choose your language", timeout=BOOT)
    await chat.press("l:en", "Where is the lender")
    sent = await crisis(chat, "I can't take this anymore, I want to kill myself",
                        "Thank you for telling me")
    assert len(sent) == 1  # the crisis message alone: no chooser, no menu in the same turn
    assert "988" in sent[0]["text"] and "findahelpline.com" in sent[0]["text"]
    talk = await chat.press("sf:talk", "You can call now")
    assert "741741" in talk.text and "911" in talk.text
    await chat.press("sf:ok", "Where is the lender")  # back where they were
    await chat.press("j:demo", "What would you like to do")
    sent = await crisis(chat, "我不想活了", "谢谢您告诉我")  # at the menu, a Chinese message
    assert len(sent) == 1
    await chat.press("m:settings", "Settings and privacy")
    sent = await crisis(chat, "i want to k1ll mys3lf", "Thank you for telling me")
    assert len(sent) == 1
    assert not server.failed_calls
    log = bot.output()
    assert log.count("safety_crisis kind=intent") == 3
    assert "where=no_region" in log and "where=menu" in log
    for word in CRISIS_WORDS:
        assert word not in log, word


async def test_interview_holds_then_results_repeat_the_lines(
        server: FakeBotApi, make_bot: Callable[..., BotProcess], tmp_path: Path) -> None:
    bot = make_bot()
    chat = Chat(server, CHAT)
    await start(chat)
    await chat.press("m:interview", "Who contacted you?")
    await chat.press("c:caller:lender", "What is the lender called?")
    sent = await crisis(chat, "I just took a whole bottle of sleeping pills",
                        "Please call 911 now")
    assert len(sent) == 1, sent  # paused: the question does not follow in the same turn
    assert "What is the lender called?" not in sent[0]["text"]
    await chat.press("sf:ok", "What is the lender called?")  # the same question: not an answer
    # danger from others comes first, and the answer is kept (the next question follows)
    at = chat.mark()
    await chat.say("Huijin. They said they're coming to my house tomorrow",
                   "When did they contact you?")
    texts = [p["text"] for p in sent_after(server, CHAT, at)]
    assert "call 911 now" in texts[0] and "Do not open the door" in texts[0]
    await chat.say("昨晚10点", "Which number called you?")
    await chat.say("138 0013 8000", "How many contacts today?")
    await chat.say("12", "Who else did they contact?")
    await chat.press("d:others", "Tell us in your words")
    # the collector's words: a threat (advice, evidence), not the user's intent: no hold
    at = chat.mark()
    await chat.say("He told me to go kill myself", "Telling you to die is a threat")
    await chat.expect("Did they threaten to hurt you", at)
    await chat.press("c:threat:yes", "What to do now", timeout=15)
    texts = [p["text"] for p in sent_after(server, CHAT, at)]
    first_result = next(i for i, t in enumerate(texts) if "What to do now" in t)
    assert any("Before anything else" in t and "988" in t for t in texts[:first_result])
    # the crisis lines come first, then the summary card, whose first step is safety
    assert "Before anything else" in texts[first_result - 1]
    summary = texts[first_result]
    assert len(summary) <= 600 and "1. If you are in danger now, call the police" in summary
    stored = stored_texts(tmp_path / "bot.sqlite3")
    assert "sleeping pills" not in stored and "He told me to go kill myself" in stored
    # after the results: an act already done gets the ambulance first, not the results again
    at = chat.mark()
    sent = await crisis(chat, "我已经喝了药", "911")
    assert len(sent) == 1 and "What to do now" not in sent[0]["text"]
    assert "finished" not in sent[0]["text"].lower()
    log = bot.output()
    assert "safety_crisis kind=act where=interview" in log
    assert "safety_crisis kind=act where=results" in log
    assert "safety_danger kind=danger where=interview" in log
    for word in CRISIS_WORDS:
        assert word not in log, word


async def test_a_letter_detail_never_takes_crisis_text(
        server: FakeBotApi, make_bot: Callable[..., BotProcess], tmp_path: Path) -> None:
    make_bot()
    chat = Chat(server, CHAT)
    await start(chat)
    await finish_report(chat)
    await chat.press("m:letters", "Letters drafted from your reports")
    await chat.press("L:complaint", "Your full name")
    sent = await crisis(chat, "我不想活了", "谢谢您告诉我")  # answered in the language written
    assert len(sent) == 1 and "988" in sent[0]["text"] and "Saved" not in sent[0]["text"]
    await chat.press("sf:ok", "Your full name")  # the same detail, asked again
    # danger at a detail prompt: advice, then the detail again; nothing saved
    at = chat.mark()
    await chat.say("他们说明天要来我家", "911")
    await chat.expect("Your full name", at)
    assert not any("Saved" in p["text"] for p in sent_after(server, CHAT, at))
    await chat.say("张三", "Saved: Full name")
    stored = stored_texts(tmp_path / "bot.sqlite3")
    assert "张三" in stored and "不想活" not in stored and "来我家" not in stored


async def test_an_edited_message_goes_through_the_gate(
        server: FakeBotApi, make_bot: Callable[..., BotProcess]) -> None:
    bot = make_bot()
    chat = Chat(server, CHAT, language_code="zh-TW")
    first = await chat.say("/start", "選擇語言", timeout=BOOT)  # zh-TW: 繁體中文 marked
    assert "\u2705 繁體中文" in [b["text"] for b in first.buttons()]
    await chat.press("l:zh-Hant", "催收方在哪")
    await chat.press("j:demo", "您想做什")
    raw = server.build_update_json("text", CHAT, "hello", language_code="zh-TW")
    message = dict(raw["message"], text="我已經吃了一整瓶安眠藥", edit_date=raw["message"]["date"] + 5)
    at = chat.mark()
    server.inject_update({"edited_message": message})
    reply = await chat.expect("1925", at)  # a Taiwanese user: Taiwan's lines first
    assert "119" in reply.text and {b.get("callback_data") for b in reply.buttons()} == {
        "sf:ok", "sf:talk"}
    # an ordinary edit is not applied, and the user is told so (issue 10)
    plain = dict(raw["message"], text="hello again", edit_date=raw["message"]["date"] + 9)
    at = chat.mark()
    server.inject_update({"edited_message": plain})
    await chat.expect("對之前訊息的修改不會被採用", at)
    await chat.say("/help", "/restart")  # zh-Hant help lists the same commands
    await chat.expect("您想做什", at)
    assert len(sent_after(server, CHAT, at)) == 3  # the notice, the help text and the menu
    assert "safety_crisis kind=act where=edited" in bot.output()
    assert find_button(server, CHAT, "sf:ok") is not None
