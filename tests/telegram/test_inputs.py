"""End to end: what users send besides answers - media, commands, bursts - and a busy server."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
import yaml

from tests.fake_bot_api import FakeBotApi
from tests.telegram.conftest import DEMO, BotProcess, Chat, until

CHAT = 7001
KIND = "only read typed text"


async def to_lender_question(chat: Chat) -> None:
    await chat.say("/start", "Choose your language", timeout=30)
    await chat.press("l:en", "Where is the lender")
    await chat.press("j:demo", "What would you like to do")
    await chat.press("m:interview", "Who contacted you?")
    await chat.press("c:caller:lender", "What is the lender called?")


def sent_texts(server: FakeBotApi, chat: int, after: int) -> list[str]:
    """Texts the bot sent or edited into this chat from call ``after`` on, in order."""
    return [c.params["text"] for c in server.calls[after:]
            if c.method in ("sendMessage", "editMessageText") and c.ok
            and int(c.params["chat_id"]) == chat]


async def test_photo_voice_location_and_file_get_a_kind_word_and_the_question_again(
        server: FakeBotApi, make_bot: Callable[..., BotProcess]) -> None:
    make_bot()
    chat = Chat(server, CHAT)
    await to_lender_question(chat)
    sends = {
        "photo": lambda: server.user_sends_photo(CHAT, caption="my screenshot"),
        "voice": lambda: server.user_sends_voice(CHAT),
        "location": lambda: server.user_sends_location(CHAT),
        "document": lambda: server.user_sends_document(CHAT, "log.pdf", b"%PDF-1.4 fake"),
    }
    for what, send in sends.items():
        at = chat.mark()
        send()
        await chat.expect("What is the lender called?", at)
        texts = sent_texts(server, CHAT, at)
        # a photo, a voice message or a document is evidence: kept in the record (issue 14);
        # a location is not read
        expected = KIND if what == "location" else "Kept as evidence"
        assert len(texts) == 2 and expected in texts[0], (what, texts)
    # nothing was taken as an answer: the question still waits for the lender's name
    await chat.say("Huijin", "When did they contact you?")
    assert not server.failed_calls, [(c.method, c.error) for c in server.failed_calls]


async def test_help_restart_and_cancel(server: FakeBotApi,
                                       make_bot: Callable[..., BotProcess]) -> None:
    make_bot()
    chat = Chat(server, CHAT)
    await to_lender_question(chat)
    await chat.say("Huijin", "When did they contact you?")
    at = chat.mark()
    help_message = await chat.say("/help", "/restart – start the report again")
    assert "/cancel" in help_message.text and "/delete_my_data" in help_message.text
    await chat.expect("What would you like to do?", at)
    await chat.say("/restart", "Starting again from the first question")
    await chat.expect("Who contacted you?", at)
    # the restarted interview asks the lender's name again: the old answer no longer counts
    await chat.press("c:caller:lender", "What is the lender called?")
    await chat.say("/cancel", "Stopped. Nothing more will be asked")
    await chat.expect("What would you like to do?", at)
    at = chat.mark()
    menu = await chat.say("anything", "What would you like to do?")  # no question is waiting
    assert not any("When did" in text for text in sent_texts(server, CHAT, at))
    assert menu.buttons()
    assert not server.failed_calls


async def test_too_many_requests_is_waited_out_and_the_reply_arrives(
        server: FakeBotApi, make_bot: Callable[..., BotProcess]) -> None:
    make_bot()
    chat = Chat(server, CHAT)
    await to_lender_question(chat)
    server.fail_next("sendMessage", retry_after=2,
                     description="Too Many Requests: retry after 2")
    at = chat.mark()
    server.user_sends_text(CHAT, "Huijin")
    await chat.expect("When did they contact you?", at, timeout=20)
    sends = [c for c in server.calls[at:] if c.method == "sendMessage"]
    refused, accepted = sends[0], sends[1]
    assert refused.status == 429 and not refused.ok
    assert accepted.ok and accepted.params["text"] == refused.params["text"]
    assert accepted.at - refused.at >= 2.0  # the bot waited as told, not at once
    assert [c for c in server.failed_calls if c is not refused] == []


async def test_updates_of_one_chat_in_one_batch_are_handled_in_order(
        server: FakeBotApi, make_bot: Callable[..., BotProcess]) -> None:
    """Handled in order, and each typed text only as the answer to the question on screen
    when it was written: texts typed ahead, before their question was shown, are never
    filed under it (issue 10: after a crash such texts went into the next question)."""
    make_bot()
    chat = Chat(server, CHAT)
    await to_lender_question(chat)
    at = chat.mark()
    answers = ["Huijin", "昨晚10点", "138 0013 8000", "12"]
    # queued with nothing in between, so one getUpdates answer carries them all
    ids = [server.user_sends_text(CHAT, answer) for answer in answers]
    notice = "sent before the question below was shown"
    await until(lambda: sum(notice in text for text in sent_texts(server, CHAT, at)) == 3 and
                sent_texts(server, CHAT, at)[-1].startswith("When did"), timeout=20,
                what="three notices, each with the question again")
    batches = [[u["update_id"] for u in c.result] for c in server.calls[at:]
               if c.method == "getUpdates" and c.ok and c.result]
    assert ids in batches, batches
    texts = sent_texts(server, CHAT, at)
    # the first answers the question on screen; the others were written before the next
    # question existed: each is told so and shown the question, none is taken for it
    assert "When did" in texts[0] and len(texts) == 7, texts
    assert all(notice in text for text in texts[1::2]), texts
    assert all(text.startswith("When did") for text in texts[2::2]), texts
    await chat.say("昨晚10点", "Which number called you?")  # written after it was shown
    at = chat.mark()
    server.user_sends_text(CHAT, "/export_my_data")
    await server.wait_for_call("sendDocument", after_index=at)
    exported = server.documents(CHAT)[-1].data.decode()
    assert '"lender": "Huijin"' in exported
    assert '"count"' not in exported and "0013" not in exported


@pytest.fixture
def long_pack(packs_dir: Path) -> list[str]:
    """The demo pack with very long explanations, so its result cannot fit one message."""
    (packs_dir / "demo").unlink()
    copy = packs_dir / "demo"
    shutil.copytree(DEMO, copy)
    rules = yaml.safe_load((copy / "rules.yaml").read_text(encoding="utf-8"))
    paragraphs = []
    for number, rule in enumerate(rules["rules"]):
        text = " ".join(f"Rule {number} sentence {k} explains one more thing in detail."
                        for k in range(32))
        rule["explanation"] = {"en": text, "zh-Hans": text}
        paragraphs.append(text)
    (copy / "rules.yaml").write_text(yaml.safe_dump(rules, allow_unicode=True),
                                     encoding="utf-8")
    return paragraphs


async def test_a_long_result_is_split_between_paragraphs(
        server: FakeBotApi, make_bot: Callable[..., BotProcess], long_pack: list[str]) -> None:
    make_bot()
    chat = Chat(server, CHAT)
    await to_lender_question(chat)
    for answer, then in (("Huijin", "When did"), ("昨晚10点", "Which number"),
                         ("138 0013 8000", "How many"), ("12", "Who else")):
        await chat.say(answer, then)
    await chat.press("c:others:family", "Who else")
    await chat.press("d:others", "Tell us in your words")
    at = chat.mark()
    await chat.say("They kept calling.", "What next?", timeout=20)
    texts = sent_texts(server, CHAT, at)
    first = next(i for i, t in enumerate(texts) if "What to do now" in t)
    parts = texts[first:]  # the result as cards, up to the next steps that close it
    # no message over 1,200 characters (the cards' limit), the summary card within 600
    assert len(parts) >= 2 and all(len(p) <= 1200 for p in parts), [len(p) for p in parts]
    assert len(parts[0]) <= 600
    fired = [p for p in long_pack if any(p[:40] in part for part in parts)]
    assert len(fired) == 3  # others contacted, at night, many calls
    for paragraph in fired:  # each long explanation whole, cut only between its sentences
        for sentence in paragraph.rstrip(".").split(". "):
            assert sum(sentence in part for part in parts) == 1, sentence
        assert "".join(parts).count(paragraph[:40]) == 1
    for part in parts:  # messages never start or end with a stray break
        assert part == part.strip("\n ")
    assert "not legal advice" in parts[-1]
    assert not server.failed_calls, [(c.method, c.error) for c in server.failed_calls]
