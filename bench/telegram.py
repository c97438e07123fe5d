"""Benchmark the Telegram channel against a bare python-telegram-bot echo bot.

(a) in process: Application.process_update with a request class that answers every Bot API
method locally, so the figures are our stack (engine + SQLite + rendering) vs PTB alone;
(b) end to end: both bots long-polling the fake Bot API server over loopback HTTP.
Run: .venv/bin/python bench/telegram.py [--users 200] [--steps 10]
Both bots run without AIORateLimiter (it would cap both at 30 messages/s and measure nothing).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import resource
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
# this file is named telegram.py: keep its folder off the path so ``import telegram`` is PTB
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != ROOT / "bench"]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("PTB_TIMEDELTA", "1")

from telegram import Update  # noqa: E402
from telegram.ext import Application, ContextTypes, TypeHandler  # noqa: E402
from telegram.request import BaseRequest, RequestData  # noqa: E402

TOKEN = "123456:TEST-TOKEN"
# (kind, payload, fragment of our bot's last reply to wait for in end-to-end mode)
STEPS = [("text", "/start", "Where is the lender"), ("button", "j:demo", "What would you"),
         ("button", "m:interview", "Who contacted"), ("button", "c:caller:lender", "lender called"),
         ("text", "Huijin", "When did"), ("text", "昨晚10点", "Which number"),
         ("text", "138 0013 8000", "How many"), ("text", "12", "Who else"),
         ("button", "c:others:family", "Who else"), ("button", "d:others", "Tell us")]


class LocalRequest(BaseRequest):
    """Answers every Bot API method in memory with a plausible result."""

    def __init__(self) -> None:
        self.next_id = 1000

    @property
    def read_timeout(self) -> float | None:
        return 1.0

    async def initialize(self) -> None:
        """Nothing to open."""

    async def shutdown(self) -> None:
        """Nothing to close."""

    async def do_request(self, url: str, method: str, request_data: RequestData | None = None,
                         *args: Any, **kwargs: Any) -> tuple[int, bytes]:
        name = url.rsplit("/", 1)[-1]
        params = request_data.parameters if request_data else {}
        result: Any = True
        if name == "getMe":
            result = {"id": 123456, "is_bot": True, "first_name": "Bench", "username": "b_bot"}
        elif name in ("sendMessage", "editMessageText", "sendDocument"):
            self.next_id += 1
            result = {"message_id": params.get("message_id", self.next_id), "date": 0,
                      "chat": {"id": int(params.get("chat_id", 0)), "type": "private"},
                      "text": params.get("text", "")}
        return 200, json.dumps({"ok": True, "result": result}).encode()


def raw_update(update_id: int, chat: int, kind: str, payload: str) -> dict[str, Any]:
    user = {"id": chat, "is_bot": False, "first_name": "U", "language_code": "en"}
    chat_json = {"id": chat, "type": "private", "first_name": "U"}
    if kind == "text":
        entities = [{"type": "bot_command", "offset": 0, "length": len(payload)}] \
            if payload.startswith("/") else []
        return {"update_id": update_id, "message": {
            "message_id": update_id, "date": int(time.time()), "chat": chat_json, "from": user,
            "text": payload, "entities": entities}}
    message = {"message_id": 1, "date": int(time.time()), "chat": chat_json,
               "from": {"id": 123456, "is_bot": True, "first_name": "B"}, "text": "q"}
    return {"update_id": update_id, "callback_query": {
        "id": str(update_id), "from": user, "chat_instance": "1", "data": payload,
        "message": message}}


async def echo(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """The baseline: what any PTB bot does for an update, and nothing more."""
    if update.callback_query is not None:
        query = update.callback_query
        await query.answer()
        if query.message is not None:
            await context.bot.edit_message_text(query.data or "-", chat_id=query.message.chat.id,
                                                message_id=query.message.message_id)
    elif update.message is not None and update.message.text:
        await update.message.reply_text(update.message.text)


async def make_ours(folder: Path, api_root: str, request: BaseRequest | None,
                    get_updates: BaseRequest | None = None) -> tuple[Application, Any]:
    from bot.packs import load_all
    from bot.service import GuidanceService
    from bot.telegram.app import build_application
    from storage import open_store

    store = await open_store(folder / f"bench-{time.monotonic_ns()}.sqlite3")
    app = build_application(GuidanceService(store, load_all(), channel="telegram"), TOKEN,
                            api_root=api_root, request=request, rate_limit=False,
                            get_updates_request=get_updates)
    return app, store


def make_echo(api_root: str, request: BaseRequest | None) -> Application:
    builder = Application.builder().token(TOKEN).base_url(f"{api_root}/bot") \
        .base_file_url(f"{api_root}/file/bot").concurrent_updates(64)
    builder = builder.request(request) if request else builder.connection_pool_size(72)
    app = builder.build()
    app.add_handler(TypeHandler(Update, echo))
    return app


def figures(name: str, latencies: list[float], seconds: float) -> dict[str, float]:
    latencies.sort()
    rate = len(latencies) / seconds
    p50 = latencies[len(latencies) // 2] * 1000
    p99 = latencies[min(len(latencies) - 1, int(len(latencies) * 0.99))] * 1000
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"  {name:<10} {rate:9.0f} updates/s   p50 {p50:7.2f} ms   p99 {p99:7.2f} ms   "
          f"peak RSS {rss:6.0f} MiB")
    return {"rate": rate, "p50": p50, "p99": p99}


async def in_process(app: Application, users: int, steps: int) -> tuple[list[float], float]:
    latencies: list[float] = []

    async def user(chat: int) -> None:
        for index, (kind, payload, _) in enumerate(STEPS[:steps]):
            update = Update.de_json(raw_update(chat * 100 + index, chat, kind, payload), app.bot)
            began = time.perf_counter()
            await app.process_update(update)
            latencies.append(time.perf_counter() - began)

    async with app:
        began = time.perf_counter()
        await asyncio.gather(*(user(10_000 + n) for n in range(users)))
        return latencies, time.perf_counter() - began


async def end_to_end(app: Application, server: Any, users: int, steps: int,
                     ours: bool) -> tuple[list[float], float]:
    from tests.telegram.conftest import find_button

    latencies: list[float] = []
    replies = ("sendMessage", "editMessageText")

    def last_bot_message(chat: int) -> int:
        return server.last_message(chat).message_id

    async def user(chat: int) -> None:
        for kind, payload, fragment in STEPS[:steps]:
            at = len(server.calls)
            began = time.monotonic()
            if kind == "text":
                server.user_sends_text(chat, payload)
            elif ours:
                server.user_presses_button(chat, find_button(server, chat, payload).message_id,
                                           payload)
            else:
                server.user_presses_button(chat, last_bot_message(chat), payload,
                                           check_button=False)
            want = fragment if ours else payload

            def match(call: Any, chat: int = chat, want: str = want) -> bool:
                return str(call.params.get("chat_id")) == str(chat) and \
                    want in str(call.params.get("text", ""))
            call = None
            for method in replies:  # the reply we wait for is one of these
                try:
                    call = await server.wait_for_call(method, match, 0.01, at)
                    break
                except TimeoutError:
                    continue
            while call is None:
                for method in replies:
                    try:
                        call = await server.wait_for_call(method, match, 0.05, at)
                        break
                    except TimeoutError:
                        continue
            latencies.append(call.at - began)

    async with app:
        await app.start()
        assert app.updater is not None
        await app.updater.start_polling(poll_interval=0, timeout=1)
        began = time.perf_counter()
        await asyncio.gather(*(user(20_000 + n) for n in range(users)))
        elapsed = time.perf_counter() - began
        await app.updater.stop()
        await app.stop()
    return latencies, elapsed


async def main(users: int, steps: int, e2e_users: int) -> None:
    from tests.fake_bot_api import FakeBotApi

    with tempfile.TemporaryDirectory() as tmp:
        packs = Path(tmp) / "packs"
        packs.mkdir()
        (packs / "demo").symlink_to(ROOT / "tests" / "fixtures" / "demo")
        os.environ["CALLSHIELD_PACKS"] = str(packs)
        print(f"(a) in process, {users} concurrent chats x {steps} updates (demo pack)")
        latencies, seconds = await in_process(make_echo("http://local", LocalRequest()),
                                              users, steps)
        echo_fig = figures("echo", latencies, seconds)
        app, store = await make_ours(Path(tmp), "http://local", LocalRequest())
        latencies, seconds = await in_process(app, users, steps)
        await store.close()
        ours_fig = figures("callshield", latencies, seconds)
        print(f"  ratio ours/echo: {ours_fig['rate'] / echo_fig['rate']:.2f} "
              f"(target >= 0.5; p99 target < 20 ms)")

        print(f"(b) end to end over loopback HTTP, {e2e_users} concurrent chats x {steps} updates")
        results = {}
        for name in ("echo", "callshield"):
            async with FakeBotApi(token=TOKEN) as server:
                if name == "echo":
                    app, store = make_echo(server.api_root, None), None
                else:
                    app, store = await make_ours(Path(tmp), server.api_root, None)
                latencies, seconds = await end_to_end(app, server, e2e_users, steps,
                                                      name != "echo")
                if store is not None:
                    await store.close()
            results[name] = figures(name, latencies, seconds)
        print(f"  ratio ours/echo: {results['callshield']['rate'] / results['echo']['rate']:.2f}"
              " (target >= 0.8)")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--users", type=int, default=200)
    parser.add_argument("--steps", type=int, default=10)
    parser.add_argument("--e2e-users", type=int, default=200)
    options = parser.parse_args()
    asyncio.run(main(options.users, options.steps, options.e2e_users))
