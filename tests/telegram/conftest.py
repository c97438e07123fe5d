"""Fixtures for the Telegram channel: a fake Bot API server and the real bot as a subprocess."""

from __future__ import annotations

import asyncio
import os
import signal
import socket
import subprocess
import sys
from collections.abc import AsyncIterator, Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from storage.crypto import new_key_text
from tests.fake_bot_api import BotMessage, FakeBotApi
from tests.pg import fresh_schema, url_for

ROOT = Path(__file__).resolve().parents[2]
DEMO = ROOT / "tests" / "fixtures" / "demo"
TOKEN = "123456:TEST-TOKEN"
SLOW = max(1.0, float(os.environ.get("TG_TEST_SLOW", "1") or 1))


@pytest.fixture(autouse=True)
def ptb_timedelta(monkeypatch: pytest.MonkeyPatch) -> None:
    """PTB 22 warns about int durations unless opted in; warnings are errors here."""
    monkeypatch.setenv("PTB_TIMEDELTA", "1")


@pytest.fixture
def packs_dir(tmp_path: Path) -> Path:
    """A packs folder holding only the demo fixture pack (id ``demo``)."""
    folder = tmp_path / "packs"
    folder.mkdir()
    (folder / "demo").symlink_to(DEMO, target_is_directory=True)
    return folder


@pytest.fixture
async def server() -> AsyncIterator[FakeBotApi]:
    fake = FakeBotApi(token=TOKEN)
    await fake.start()
    yield fake
    await fake.stop()


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class BotProcess:
    """``python -m bot.cli run`` against the fake server; output goes to a log file."""

    def __init__(self, env: dict[str, str], log: Path) -> None:
        self.env = env
        self.log = log
        self.proc: subprocess.Popen[bytes] | None = None

    def start(self, **extra: str) -> BotProcess:
        env = {**self.env, **extra}
        with self.log.open("ab") as out:
            self.proc = subprocess.Popen([sys.executable, "-m", "bot.cli", "run"], cwd=ROOT,
                                         env=env, stdout=out, stderr=subprocess.STDOUT)
        return self

    async def stop(self, sig: int = signal.SIGTERM, timeout: float = 15.0) -> int:
        proc = self.proc
        if proc is None:
            return 0
        self.proc = None
        if proc.poll() is None:
            proc.send_signal(sig)
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while proc.poll() is None and loop.time() < deadline:
            await asyncio.sleep(0.05)
        if proc.poll() is None:
            proc.kill()
        return proc.wait()

    def output(self) -> str:
        return self.log.read_text(errors="replace")


def bot_env(server: FakeBotApi, packs_dir: Path, tmp_path: Path) -> dict[str, str]:
    """The environment ``make_bot`` starts the bot with (for tests that start it otherwise)."""
    base = {k: v for k, v in os.environ.items() if not k.startswith(("CALLSHIELD_", "TELEGRAM_"))}
    base.update(TELEGRAM_BOT_TOKEN=TOKEN, TELEGRAM_API_BASE_URL=server.api_root,
                CALLSHIELD_DATABASE=str(tmp_path / "bot.sqlite3"),
                CALLSHIELD_PACKS=str(packs_dir), CALLSHIELD_POLL_TIMEOUT="1",
                PTB_TIMEDELTA="1", PYTHONUNBUFFERED="1", CALLSHIELD_LOG_LEVEL=os.environ.get("TG_TEST_LOG", "INFO"))
    return base


PG_MODULES = {"test_interview", "test_account"}
"""End-to-end modules that also run with the bot on PostgreSQL (a representative subset: the
whole interview, back/why, restarts, redelivery, export and deletion, the webhook), so CI's
time stays in bounds; every other module runs on SQLite."""


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    if "bot_engine" not in metafunc.fixturenames:
        return
    engines: list[Any] = ["sqlite"]
    module = metafunc.module.__name__.rsplit(".", 1)[-1]
    if module in PG_MODULES and metafunc.definition.get_closest_marker("sqlite_only") is None:
        engines.append(pytest.param("postgresql", marks=pytest.mark.postgresql))
    metafunc.parametrize("bot_engine", engines)


@pytest.fixture
def bot_database(bot_engine: str, tmp_path: Path) -> Iterator[dict[str, str]]:
    """The bot's database settings: the SQLite file of bot_env, or a fresh PostgreSQL schema
    (dropped after the test) with a data key in the environment."""
    if bot_engine == "sqlite":
        yield {}
        return
    with fresh_schema() as schema:
        yield {"CALLSHIELD_DATABASE": url_for(schema), "CALLSHIELD_DATA_KEY": new_key_text()}


@pytest.fixture
async def make_bot(server: FakeBotApi, packs_dir: Path, tmp_path: Path,
                   bot_database: dict[str, str]) -> AsyncIterator[Callable[..., BotProcess]]:
    processes: list[BotProcess] = []
    base = {**bot_env(server, packs_dir, tmp_path), **bot_database}

    def make(**extra: str) -> BotProcess:
        bot = BotProcess(base, tmp_path / "bot.log").start(**extra)
        processes.append(bot)
        return bot

    yield make
    for bot in processes:
        await bot.stop()


async def until(check: Callable[[], Any], timeout: float = 10.0, what: str = "") -> Any:
    """Poll ``check`` until it returns something truthy (``TG_TEST_SLOW=N`` multiplies every
    wait by N on a machine busy with other work; the checks stay the same)."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout * SLOW
    while True:
        value = check()
        if value:
            return value
        if loop.time() > deadline:
            raise TimeoutError(f"timed out waiting for {what or check}")
        await asyncio.sleep(0.02)


def find_button(server: FakeBotApi, chat: int, data: str) -> BotMessage | None:
    """The latest live bot message carrying a button with this callback data."""
    for message in reversed(server.chat_messages(chat)):
        if not message.deleted and data in [b.get("callback_data") for b in message.buttons()]:
            return message
    return None


class Chat:
    """A user in one private chat, driving the bot through the fake server."""

    def __init__(self, server: FakeBotApi, chat_id: int, language_code: str = "en",
                 chat_type: str = "private") -> None:
        self.server = server
        self.id = chat_id
        self.language_code = language_code
        self.chat_type = chat_type

    def texts(self) -> list[str]:
        return [m.text or "" for m in self.server.chat_messages(self.id) if not m.deleted]

    def mark(self) -> int:
        return len(self.server.calls)

    async def expect(self, fragment: str, after: int, timeout: float = 10.0) -> BotMessage:
        """Wait for a sendMessage/editMessageText at or after ``after`` containing fragment."""
        def seen() -> BotMessage | None:
            for call in self.server.calls[after:]:
                if call.method in ("sendMessage", "editMessageText") and call.ok and \
                        fragment in (call.result or {}).get("text", ""):
                    return self.server._state.find_message(self.id,
                                                           call.result["message_id"])
            return None
        return await until(seen, timeout, f"a message with {fragment!r}")

    async def toast(self, after: int, timeout: float = 10.0) -> str:
        """The text of the first answerCallbackQuery with a text at or after ``after``."""
        def seen() -> str | None:
            for call in self.server.calls[after:]:
                if call.method == "answerCallbackQuery" and call.ok and call.params.get("text"):
                    return str(call.params["text"])
            return None
        return await until(seen, timeout, "a toast")

    def sent_since(self, after: int) -> list[Any]:
        """Messages sent or edited in this chat at or after ``after`` (a toast is neither)."""
        return [call for call in self.server.calls[after:]
                if call.method in ("sendMessage", "editMessageText") and call.ok
                and str(call.params.get("chat_id")) == str(self.id)]

    async def say(self, text: str, expect: str, timeout: float = 10.0) -> BotMessage:
        at = self.mark()
        self.server.user_sends_text(self.id, text, language_code=self.language_code,
                                    chat_type=self.chat_type)
        return await self.expect(expect, at, timeout)

    async def press(self, data: str, expect: str, timeout: float = 10.0) -> BotMessage:
        message = await until(lambda: find_button(self.server, self.id, data), timeout,
                              f"a button {data!r}")
        at = self.mark()
        self.server.user_presses_button(self.id, message.message_id, data,
                                        language_code=self.language_code)
        return await self.expect(expect, at, timeout)
