"""Webhook delivery is exactly-once in effect: 200 only after the commit, a failed commit gets
a 5xx and its redelivery is handled, and SIGKILLs under load lose and duplicate nothing.

The test plays Telegram: each update is posted again until it gets a 2xx (Poster.deliver),
one chat's updates in order, chats in parallel, through kills and restarts of the real bot.
"""

from __future__ import annotations

import asyncio
import json
import signal
import sqlite3
from collections.abc import Callable
from contextlib import closing
from pathlib import Path
from typing import Any

from tests.fake_bot_api import FakeBotApi
from tests.plaintext import stored_plaintext
from tests.telegram.conftest import BotProcess, find_button, until
from tests.telegram.webhook_kit import Poster, count_lines, wait_ready, webhook_env

REPROMPTS = ("Please type the name", "Please give a date", "Please type a phone number",
             "Please type a number from 0 to 500")


def handled_ids(database: Path) -> set[int]:
    with closing(sqlite3.connect(database)) as db:
        return {row[0] for row in db.execute("SELECT update_id FROM processed_updates")}


async def test_200_only_after_commit_and_a_failed_commit_is_delivered_again(
        server: FakeBotApi, make_bot: Callable[..., BotProcess], tmp_path: Path) -> None:
    env = webhook_env()
    port = int(env["CALLSHIELD_WEBHOOK_PORT"])
    bot = make_bot(**env)
    await wait_ready(port)
    database = tmp_path / "bot.sqlite3"
    poster = Poster(port)
    try:
        for chat in range(8101, 8111):  # each 200 is already on disk when it arrives
            update = server.build_update_json("text", chat, "/start")
            assert await poster.post(update) == 200
            assert update["update_id"] in handled_ids(database)
        locker = sqlite3.connect(database, isolation_level=None)
        locker.execute("BEGIN EXCLUSIVE")  # another process holds the write lock (5 s busy)
        update = server.build_update_json("text", 8200, "/start")
        try:
            status = await poster.post(update)
        finally:
            locker.execute("COMMIT")
            locker.close()
        assert status == 500  # storage failed: Telegram must deliver it again
        assert update["update_id"] not in handled_ids(database)
        at = len(server.calls)
        assert await poster.post(update) == 200  # the redelivery is handled, not dropped
        call = await server.wait_for_call("sendMessage", after_index=at, timeout=20)
        assert "Choose your language" in call.params["text"]  # /start: the first screen
        assert update["update_id"] in handled_ids(database)
        assert await poster.post(update) == 200  # a third time: a repeat, ignored
    finally:
        await poster.close()
    output = bot.output()
    assert count_lines(output, "cause busy", "busy") >= 1
    assert "Traceback" not in output


async def to_lender_question(server: FakeBotApi, poster: Poster, chat: int) -> None:
    """/start, English, the demo region, the interview, "the lender": the bot now asks its
    name."""
    await poster.deliver(server.build_update_json("text", chat, "/start"))
    for data in ("l:en", "j:demo", "m:interview", "c:caller:lender"):
        message = await until(lambda: find_button(server, chat, data), 30, data)
        await poster.deliver(server.build_update_json("button", chat, message.message_id,
                                                      data))
    await until(lambda: any("What is the lender called?" in (m.text or "")
                            for m in server.chat_messages(chat)), 30, "the lender question")


def answers(chat: int) -> list[str]:
    return [f"Lender {chat}", "yesterday 9am", f"+1 202 555 {chat % 10000:04d}",
            str(chat % 50 + 1)]


QUESTIONS = ("What is the lender called?", "When did they contact you?",
             "Which number called you?", "How many contacts today?")
"""The question each of ``answers`` answers, in order; a person types only once it shows."""


def shown_after(server: FakeBotApi, chat: int, question: str, after: int) -> bool:
    """The bot showed ``question`` in a message newer than message ``after``."""
    return any(question in (m.text or "") and m.message_id > after
               for m in server.chat_messages(chat))


async def test_sigkill_under_load_loses_and_duplicates_nothing(
        server: FakeBotApi, make_bot: Callable[..., BotProcess], tmp_path: Path) -> None:
    env = webhook_env()
    port = int(env["CALLSHIELD_WEBHOOK_PORT"])
    bots = [make_bot(**env)]
    await wait_ready(port)
    chats = list(range(9001, 9025))
    poster = Poster(port)
    try:
        await asyncio.gather(*(to_lender_question(server, poster, chat) for chat in chats))
        updates: dict[int, list[dict[str, Any]]] = {chat: [] for chat in chats}
        total = len(chats) * len(QUESTIONS)
        delivered = 0

        async def chat_delivers(chat: int) -> None:
            """Like a person: read the question, type the answer; Telegram (the poster)
            delivers it again until it gets a 2xx."""
            nonlocal delivered
            last = 0
            for question, text in zip(QUESTIONS, answers(chat), strict=True):
                await until(lambda: shown_after(server, chat, question, last), 120,
                            f"chat {chat}: {question!r} (after a kill: asked again)")
                update = server.build_update_json("text", chat, text)
                updates[chat].append(update)
                last = update["message"]["message_id"]
                await poster.deliver(update, timeout=120)
                delivered += 1

        async def killer() -> int:
            kills = 0
            for share in (0.2, 0.5, 0.75):
                await until(lambda: delivered >= share * total, 120, f"{share:.0%} delivered")
                proc = bots[-1].proc
                assert proc is not None
                proc.send_signal(signal.SIGKILL)  # mid-load, updates in hand
                await bots[-1].stop()
                kills += 1
                bots.append(make_bot(**env))
            return kills

        killing = asyncio.create_task(killer())
        await asyncio.gather(*(chat_delivers(chat) for chat in chats))
        assert await killing == 3
    finally:
        await poster.close()
    database = tmp_path / "bot.sqlite3"
    ids = handled_ids(database)
    lost = [u["update_id"] for c in chats for u in updates[c] if u["update_id"] not in ids]
    assert lost == []
    states = {row["user_id"]: json.loads(row["state_json"])
              for row in json.loads(stored_plaintext(database, ("conversations",)))}
    with closing(sqlite3.connect(database)) as db:
        users = dict(db.execute("SELECT id, external_id FROM users"))
    misfiled = []
    for user_id, state in states.items():
        chat = int(users[user_id])
        got = state["answers"]
        lender, _, phone, count = answers(chat)
        if got.get("lender") != lender or phone[-4:] not in json.dumps(got.get("number")) \
                or str(got.get("count")) != count or "when" not in got:
            misfiled.append((chat, got))
    assert misfiled == [] and len(states) == len(chats)
    reprompted = [m.text for c in chats for m in server.chat_messages(c)
                  if any(p in (m.text or "") for p in REPROMPTS)]
    assert reprompted == []  # no answer was applied twice (it would land on the next question)
    # and every user's last answer was acknowledged: the interview went on to the next step
    unanswered = [c for c in chats if not any("Who else did they contact?" in (m.text or "")
                                              for m in server.chat_messages(c))]
    assert unanswered == []
    print(f"{total} updates, {poster.attempts} posts, 3 SIGKILLs: 0 lost, 0 misfiled; "
          f"refused by status: {poster.refused}")
    assert "Traceback" not in bots[-1].output()
