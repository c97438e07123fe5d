"""Benchmark the Telegram channel against a bare python-telegram-bot echo bot.

(a) in process: each update goes through the application's update processor and
    Application.process_update, with a request class that answers every Bot API method
    locally, so the figures are our stack (engine + SQLite + rendering) vs PTB alone. Two loads:
    - saturated: every chat sends its next update as soon as the previous one is handled
      (closed loop). This gives the throughput and the ratio; its latencies are queueing
      (Little's law: mean latency = chats in flight / throughput), so they are printed but are
      not what the p99 target is about;
    - paced: the same chats, each sending its next update after a random pause (exponential,
      mean --think seconds, default 2: faster than people read and type, seeded) - many
      people answering at once. The p99 target applies here.
(b) end to end: both bots long-polling the fake Bot API server over loopback HTTP, every chat
    in a closed loop; one watcher over the server's call log matches replies to chats. Each bot
    runs in a process of its own (the fake server and the driver in another), so its CPU time
    and peak RSS are its own, as beside the real Telegram.
Each measurement runs in a child process of its own, so peak RSS is that bot's own. A saturated
child warms its bot up on a few chats and keeps the median of three rounds; the two bots are
measured back to back --pairs times (5), in (a) and in (b), and the ratio printed is the median
of those pairs' ratios (this machine's speed drifts by tens of percent between runs; a pair
shares the drift).
Both bots' processes get the runner's garbage-collector settings (bot/heap.py) once built: ours
needs them (many chats in flight), and the echo bot's collections cost it about 1% either way.
Run: .venv/bin/python bench/telegram.py [--users 200] [--steps 10] [--e2e-users 200]
     [--pairs 5] [--parts ab]
Both bots run without AIORateLimiter (it would cap both at 30 messages/s and measure nothing).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import subprocess
import resource
import signal
import sys
import tempfile
import time
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

from bot.heap import settle_after_start  # noqa: E402 - CallShield's, but loads nothing else
from tests.telegram.offline import OfflineRequest, ok, sent_message  # noqa: E402

TOKEN = "123456:TEST-TOKEN"
ROUNDS = 3
# (kind, payload, fragment of our bot's last reply to wait for in end-to-end mode)
STEPS = [("text", "/start", "Choose your language"), ("button", "l:en", "Where is the lender"),
         ("button", "j:demo", "What would you"),
         ("button", "m:interview", "Who contacted"), ("button", "c:caller:lender", "lender called"),
         ("text", "Huijin", "When did"), ("text", "昨晚10点", "Which number"),
         ("text", "138 0013 8000", "How many"), ("text", "12", "Who else"),
         ("button", "c:others:family", "Who else"), ("button", "d:others", "Tell us")]


class LocalRequest(OfflineRequest):
    """Answers every Bot API method in memory with a plausible result."""

    def __init__(self) -> None:
        self.next_id = 1000

    def answer(self, method: str, request_data: RequestData | None) -> tuple[int, bytes]:
        params = request_data.parameters if request_data else {}
        if method == "getMe":
            return ok({"id": 123456, "is_bot": True, "first_name": "Bench", "username": "b_bot"})
        if method in ("sendMessage", "editMessageText", "sendDocument"):
            self.next_id += 1
            return ok(sent_message(params, self.next_id))
        return ok(True)


def raw_update(update_id: int, chat: int, kind: str, payload: str) -> dict[str, Any]:
    user = {"id": chat, "is_bot": False, "first_name": "U", "language_code": "en"}
    chat_json = {"id": chat, "type": "private", "first_name": "U"}
    if kind == "text":
        entities = [{"type": "bot_command", "offset": 0, "length": len(payload)}] \
            if payload.startswith("/") else []
        return {"update_id": update_id, "message": {
            # above every id LocalRequest gives the bot's messages: a user's message comes
            # after the question it answers (bot/telegram/delivery.py checks that)
            "message_id": 10**9 + update_id, "date": int(time.time()), "chat": chat_json,
            "from": user,
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
    from bot.analytics import EventLog
    from bot.packs import load_all
    from bot.service import GuidanceService
    from bot.telegram.app import build_application
    from storage import open_store

    store = await open_store(folder / f"bench-{time.monotonic_ns()}.sqlite3")
    service = GuidanceService(store, load_all(), channel="telegram",
                              events=EventLog(store))  # analytics on, as in production
    app = build_application(service, TOKEN,
                            api_root=api_root, request=request, rate_limit=False,
                            get_updates_request=get_updates)
    return app, store


def make_echo(api_root: str, request: BaseRequest | None, pool: int = 16) -> Application:
    """``pool``: pass ours (bot.telegram.app.HTTP_CONNECTIONS); not imported here, so the echo
    process loads nothing of CallShield and its peak RSS is PTB's alone."""
    builder = Application.builder().token(TOKEN).base_url(f"{api_root}/bot") \
        .base_file_url(f"{api_root}/file/bot").concurrent_updates(64)
    builder = builder.request(request) if request else \
        builder.connection_pool_size(pool)  # the same HTTP client as ours
    app = builder.build()
    app.add_handler(TypeHandler(Update, echo))
    return app


def peak_rss() -> float:
    """This process's peak RSS in MiB. VmHWM, where Linux has it: ru_maxrss survives exec, so
    a bot started by the (larger) driver process would report the driver's peak."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def figures(name: str, latencies: list[float], seconds: float,
            cpu: float) -> dict[str, float]:
    """updates/s, p50/p99 (ms), CPU ms per update and this process's peak RSS (MiB).

    CPU time (all threads of this process) per update is the least noisy figure on a shared
    machine: other processes stretch wall-clock time, not our CPU time.
    """
    latencies = sorted(latencies)
    return {"rate": len(latencies) / seconds, "cpu": cpu / len(latencies) * 1000,
            "p50": latencies[len(latencies) // 2] * 1000,
            "p99": latencies[min(len(latencies) - 1, int(len(latencies) * 0.99))] * 1000,
            "rss": peak_rss(),
            "updates": len(latencies)}


def median_of(runs: Any) -> dict[str, float]:
    """The run with the median rate (its other figures come with it)."""
    ordered = sorted(runs, key=lambda f: f["rate"])
    return ordered[len(ordered) // 2]


def pair_ratios(ratios: list[float], target: float) -> str:
    """The median of the back-to-back pairs' ratios, the target and every pair's ratio."""
    every = ", ".join(f"{r:.2f}" for r in ratios)
    return (f"{ratios[len(ratios) // 2]:.2f} (target >= {target:g}; median of "
            f"{len(ratios)} back-to-back pairs: {every})")


def show(name: str, fig: dict[str, float]) -> None:
    print(f"  {name:<6} {fig['rate']:7.0f} updates/s   p50 {fig['p50']:8.2f} ms   "
          f"p99 {fig['p99']:8.2f} ms   CPU {fig['cpu']:5.2f} ms/update   "
          f"peak RSS {fig['rss']:4.0f} MiB", flush=True)


async def in_process(app: Application, users: int, steps: int, think: float | None,
                     first_chat: int) -> tuple[list[float], float]:
    """Every chat's updates through the update processor, as Application does when polling.

    ``think`` None: closed loop (saturation); otherwise each chat pauses a random
    exponential time of that mean before each update (paced). Chats are new each call.
    """
    latencies: list[float] = []
    processor = app.update_processor
    pauses = random.Random(7)

    async def user(chat: int) -> None:
        for index, (kind, payload, _) in enumerate(STEPS[:steps]):
            if think is not None:
                await asyncio.sleep(pauses.expovariate(1 / think))
            update = Update.de_json(raw_update(chat * 100 + index, chat, kind, payload), app.bot)
            began = time.perf_counter()
            await processor.process_update(update, app.process_update(update))
            latencies.append(time.perf_counter() - began)

    began = time.perf_counter()
    await asyncio.gather(*(user(first_chat + n) for n in range(users)))
    return latencies, time.perf_counter() - began


async def serve(name: str, api_root: str, folder: Path, pool: int) -> None:
    """The bot alone in this process, long-polling ``api_root`` until SIGTERM.

    SIGUSR1 marks the start of the measured run; on SIGTERM it prints its CPU seconds since
    then and its peak RSS as JSON, so the figures are the bot's own, not the fake server's.
    """
    store = None
    if name == "echo":
        app = make_echo(api_root, None, pool)
    else:
        app, store = await make_ours(folder, api_root, None)
    loop = asyncio.get_running_loop()
    stop = asyncio.Event()
    marks: dict[str, float] = {}
    loop.add_signal_handler(signal.SIGUSR1, lambda: marks.setdefault("cpu", time.process_time()))
    loop.add_signal_handler(signal.SIGTERM, stop.set)
    settle_after_start()
    async with app:
        await app.start()
        assert app.updater is not None
        await app.updater.start_polling(poll_interval=0, timeout=1)
        await stop.wait()
        cpu = time.process_time() - marks.get("cpu", 0.0)
        await app.updater.stop()
        await app.stop()
    if store is not None:
        await store.close()
    print(json.dumps({"cpu": cpu, "rss": peak_rss()}), flush=True)


async def end_to_end(server: Any, bot: subprocess.Popen[str], users: int, steps: int,
                     ours: bool) -> tuple[list[float], float]:
    """Closed loop per chat over HTTP; one watcher resolves each chat's awaited reply."""
    from tests.telegram.conftest import find_button

    latencies: list[float] = []
    waiting: dict[int, tuple[str, asyncio.Future[float]]] = {}

    async def watcher() -> None:
        async for call in server.watch(after_index=len(server.calls)):
            if call.method not in ("sendMessage", "editMessageText") or call.error:
                continue
            chat = int(call.params.get("chat_id", 0))
            wanted = waiting.get(chat)
            if wanted is not None and wanted[0] in str(call.params.get("text", "")):
                del waiting[chat]
                if not wanted[1].done():
                    wanted[1].set_result(call.at)

    async def user(chat: int) -> None:
        loop = asyncio.get_running_loop()
        for kind, payload, fragment in STEPS[:steps]:
            arrived: asyncio.Future[float] = loop.create_future()
            waiting[chat] = (fragment if ours else payload, arrived)
            began = time.monotonic()
            if kind == "text":
                server.user_sends_text(chat, payload)
            elif ours:
                button = find_button(server, chat, payload)
                assert button is not None, f"no button {payload} in chat {chat}"
                server.user_presses_button(chat, button.message_id, payload)
            else:
                message = server.last_message(chat)
                server.user_presses_button(chat, message.message_id, payload,
                                           check_button=False)
            latencies.append(await asyncio.wait_for(arrived, 60) - began)

    deadline = time.monotonic() + 60
    while not server.calls_to("getUpdates"):  # the bot is up and polling
        if bot.poll() is not None or time.monotonic() > deadline:
            raise SystemExit(f"the bench bot did not start polling (exit {bot.poll()})")
        await asyncio.sleep(0.05)
    watching = asyncio.create_task(watcher())
    bot.send_signal(signal.SIGUSR1)
    began = time.perf_counter()
    await asyncio.gather(*(user(20_000 + n) for n in range(users)))
    elapsed = time.perf_counter() - began
    watching.cancel()
    return latencies, elapsed


async def child(job: str, users: int, steps: int, think: float) -> dict[str, Any]:
    """One measurement in this (fresh) process; ``job`` is mode-bot, e.g. ``a-ours``."""
    from tests.fake_bot_api import FakeBotApi

    mode, name = job.split("-")
    with tempfile.TemporaryDirectory() as tmp:
        packs = Path(tmp) / "packs"
        packs.mkdir()
        (packs / "demo").symlink_to(ROOT / "tests" / "fixtures" / "demo")
        os.environ["CALLSHIELD_PACKS"] = str(packs)
        result: dict[str, Any] = {}
        if mode in ("a", "p"):
            store = None
            if name == "echo":
                app = make_echo("http://local", LocalRequest())
            else:
                app, store = await make_ours(Path(tmp), "http://local", LocalRequest())
            settle_after_start()  # as the runner does, for both bots (see the docstring)
            async with app:
                await in_process(app, max(users // 10, 1), steps, None, 1_000_000)  # warm-up
                if mode == "a":
                    rounds = []
                    for round_ in range(ROUNDS):  # the median round is reported
                        cpu = time.process_time()
                        latencies, seconds = await in_process(app, users, steps, None,
                                                              10_000 * (round_ + 1))
                        cpu = time.process_time() - cpu
                        rounds.append(figures(name, latencies, seconds, cpu))
                    result["saturated"] = sorted(rounds, key=lambda f: f["rate"])[ROUNDS // 2]
                else:
                    cpu = time.process_time()
                    latencies, seconds = await in_process(app, users, steps, think, 900_000)
                    result["paced"] = figures(name, latencies, seconds,
                                              time.process_time() - cpu)
            if store is not None:
                await store.close()
            return result
        async with FakeBotApi(token=TOKEN) as server:
            # The bot runs in its own process, as it would beside the real Telegram: the fake
            # server's work (parsing, HTML checks) must not be billed to the bot.
            from bot.telegram.app import HTTP_CONNECTIONS

            bot = subprocess.Popen([sys.executable, str(Path(__file__).resolve()), "--serve",
                                    name, "--api-root", server.api_root, "--folder", tmp,
                                    "--pool", str(HTTP_CONNECTIONS)],
                                   cwd=ROOT, stdout=subprocess.PIPE, text=True)
            try:
                latencies, seconds = await end_to_end(server, bot, users, steps, name == "ours")
            finally:
                bot.send_signal(signal.SIGTERM)
                out, _ = await asyncio.to_thread(bot.communicate, timeout=60)
            failed = [c.method for c in server.failed_calls]
        own = json.loads(out.strip().splitlines()[-1])
        result["e2e"] = figures(name, latencies, seconds, own["cpu"])
        result["e2e"]["rss"] = own["rss"]
        result["e2e"]["failed_calls"] = len(failed)
        return result


def run_child(job: str, options: argparse.Namespace) -> dict[str, Any]:
    users = options.e2e_users if job.startswith("b") else options.users
    command = [sys.executable, str(Path(__file__).resolve()), "--child", job,
               "--users", str(users), "--steps", str(options.steps),
               "--think", str(options.think)]
    done = subprocess.run(command, capture_output=True, text=True, check=False, cwd=ROOT)
    if done.returncode != 0:
        raise SystemExit(f"bench child {job} failed:\n{done.stderr[-3000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def main(options: argparse.Namespace) -> None:
    if "a" in options.parts:
        in_process_part(options)
    if "b" in options.parts:
        end_to_end_part(options)


def in_process_part(options: argparse.Namespace) -> None:
    users, steps, think = options.users, options.steps, options.think
    print(f"(a) in process, {users} concurrent chats x {steps} updates (demo pack)")
    pairs = [{name: run_child(f"a-{name}", options)["saturated"] for name in ("echo", "ours")}
             for _ in range(options.pairs)]
    ratios = sorted(pair["ours"]["rate"] / pair["echo"]["rate"] for pair in pairs)
    a = {name: {"saturated": median_of(pair[name] for pair in pairs)}
         for name in ("echo", "ours")}
    print(f"  saturated (closed loop; latency here is queueing, see the docstring), "
          f"median of {options.pairs} runs per bot:")
    for name in ("echo", "ours"):
        show(name, a[name]["saturated"])
    cpu_ratio = a["echo"]["saturated"]["cpu"] / a["ours"]["saturated"]["cpu"]
    print(f"  ratio ours/echo updates/s: {pair_ratios(ratios, 0.5)}; "
          f"by CPU time per update: {cpu_ratio:.2f}")
    for name in ("echo", "ours"):
        a[name].update(run_child(f"p-{name}", options))
    offered = users / think
    print(f"  paced (each chat pauses ~{think:g} s before each update, ~{offered:.0f} updates/s "
          "offered; updates/s here is paced, not capacity):")
    for name in ("echo", "ours"):
        show(name, a[name]["paced"])
    print(f"  ours p99 {a['ours']['paced']['p99']:.2f} ms (target < 20 ms), "
          f"p99 ratio ours/echo {a['ours']['paced']['p99'] / a['echo']['paced']['p99']:.1f}x")


def end_to_end_part(options: argparse.Namespace) -> None:
    e2e_users, steps = options.e2e_users, options.steps
    print(f"(b) end to end over loopback HTTP, {e2e_users} concurrent chats x {steps} updates, "
          f"median of {options.pairs} runs per bot:")
    pairs = [{name: run_child(f"b-{name}", options)["e2e"] for name in ("echo", "ours")}
             for _ in range(options.pairs)]
    ratios = sorted(pair["ours"]["rate"] / pair["echo"]["rate"] for pair in pairs)
    b = {name: median_of(pair[name] for pair in pairs) for name in ("echo", "ours")}
    for name in ("echo", "ours"):
        show(name, b[name])
        refused = sum(pair[name]["failed_calls"] for pair in pairs)
        if refused:
            print(f"    ({refused:.0f} calls refused by the fake server)")
    print(f"  ratio ours/echo updates/s: {pair_ratios(ratios, 0.8)}; "
          f"by CPU time per update: {b['echo']['cpu'] / b['ours']['cpu']:.2f}")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--users", type=int, default=200)
    parser.add_argument("--steps", type=int, default=10)
    parser.add_argument("--e2e-users", type=int, default=200)
    parser.add_argument("--pairs", type=int, default=5,
                        help="back-to-back runs of the two bots, in (a) and in (b)")
    parser.add_argument("--parts", default="ab", help="a: in process, b: end to end")
    parser.add_argument("--think", type=float, default=2.0,
                        help="mean pause (s) before each update of a chat in the paced load")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    parser.add_argument("--serve", help=argparse.SUPPRESS)
    parser.add_argument("--api-root", help=argparse.SUPPRESS)
    parser.add_argument("--folder", help=argparse.SUPPRESS)
    parser.add_argument("--pool", type=int, default=16, help=argparse.SUPPRESS)
    options = parser.parse_args()
    if options.serve:
        asyncio.run(serve(options.serve, options.api_root, Path(options.folder), options.pool))
    elif options.child:
        print(json.dumps(asyncio.run(child(options.child, options.users, options.steps,
                                           options.think))))
    else:
        main(options)
