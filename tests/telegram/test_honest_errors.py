"""When storage fails the user is told the truth, and the log names the cause, not the content.

A second process holds the database locked (a real SQLite lock on the real file), so the
bot's write of an answer fails as it would with a stuck backup job or a second instance.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from contextlib import closing
from pathlib import Path

from tests.fake_bot_api import FakeBotApi
from tests.telegram.conftest import BotProcess, Chat

CHAT = 7201
ANSWER = "Huijin Credit 13912345678"


async def test_a_locked_database_is_not_called_saved_and_the_answer_counts_later(
        server: FakeBotApi, make_bot: Callable[..., BotProcess], tmp_path: Path) -> None:
    bot = make_bot()
    chat = Chat(server, CHAT)
    await chat.say("/start", "Choose your language", timeout=30)
    await chat.press("l:en", "Where is the lender")
    await chat.press("j:demo", "What would you like to do")
    await chat.press("m:interview", "Who contacted you?")
    await chat.press("c:caller:lender", "What is the lender called?")
    with closing(sqlite3.connect(tmp_path / "bot.sqlite3", timeout=0.5,
                                 isolation_level=None)) as holder:
        holder.execute("BEGIN EXCLUSIVE")  # another process keeps every writer out
        at = chat.mark()
        await chat.say(ANSWER, "We could not save that — please try again in a while",
                       timeout=20)
        holder.execute("ROLLBACK")
    sent = [c.params["text"] for c in server.calls[at:] if c.method == "sendMessage"]
    assert not any("saved" in text.lower() and "not save" not in text for text in sent), sent
    assert not any("When did they contact you?" in text for text in sent), sent
    # the lock is gone: the same answer, sent again, is taken and the interview goes on
    await chat.say(ANSWER, "When did they contact you?", timeout=20)
    log = bot.output()
    assert "cause=busy" in log
    assert ANSWER not in log and "13912345678" not in log and "Traceback" not in log
