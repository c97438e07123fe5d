"""Webhook figures under attack, against the real bot process (`callshield run` in webhook
mode, the fake Bot API, all on loopback), each attack beside a baseline from the same run:

1. baseline: legitimate updates posted one after another; latency from POST to the 200
   (which comes only after the update is handled and committed, reply sent);
2. 8 parallel 95 MB posts without the secret: the bot's RSS growth (target: under 20 MB),
   how much of each body a client could write before the cut (socket buffers, never read
   by the bot), and legitimate latency meanwhile;
3. a flood of 600 half-open connections against a 256 open-files limit: legitimate latency
   meanwhile, and connections pushed out (/healthz);
4. 100 connections dripping their headers (header timeout 2 s): how long each lived.
Run: .venv/bin/python bench/webhook.py [--updates 30]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("PTB_TIMEDELTA", "1")

import aiohttp  # noqa: E402

from tests.fake_bot_api import FakeBotApi  # noqa: E402
from tests.telegram.conftest import DEMO, TOKEN  # noqa: E402
from tests.telegram.webhook_kit import (LimitedBot, Poster, closed_within,  # noqa: E402
                                        post_head, raw_head, rss_kb, wait_ready, webhook_env)

NOFILE = 256


async def latencies(server: FakeBotApi, poster: Poster, chats: range) -> list[float]:
    """POST → 200 for one /start per chat, one after another (ms)."""
    times = []
    for chat in chats:
        update = server.build_update_json("text", chat, "/start")
        started = time.perf_counter()
        status = await poster.post(update)
        times.append((time.perf_counter() - started) * 1000)
        assert status == 200, status
    return times


def summary(times: list[float]) -> str:
    ordered = sorted(times)
    p99 = ordered[min(len(ordered) - 1, round(0.99 * (len(ordered) - 1)))]
    return f"p50 {statistics.median(ordered):6.1f} ms  p99 {p99:6.1f} ms  (n={len(ordered)})"


async def oversized(port: int, pid: int) -> tuple[float, list[int]]:
    before = peak = rss_kb(pid)
    running = True

    async def watch() -> None:
        nonlocal peak
        while running:
            peak = max(peak, rss_kb(pid))
            await asyncio.sleep(0.005)

    async def attack() -> int:
        reader, writer = await raw_head(port, post_head(95 << 20, None))
        block, sent = b"\0" * (1 << 20), 0
        try:
            for _ in range(95):
                writer.write(block)
                await writer.drain()
                sent += 1
        except OSError:
            pass
        writer.close()
        return sent

    watcher = asyncio.create_task(watch())
    sent = await asyncio.gather(*(attack() for _ in range(8)))
    running = False
    await watcher
    return (peak - before) / 1024, sent


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--updates", type=int, default=30)
    args = parser.parse_args()
    n = args.updates
    with tempfile.TemporaryDirectory() as folder:
        tmp = Path(folder)
        (tmp / "packs").mkdir()
        (tmp / "packs" / "demo").symlink_to(DEMO, target_is_directory=True)
        server = FakeBotApi(token=TOKEN)
        await server.start()
        env = {k: v for k, v in os.environ.items()
               if not k.startswith(("CALLSHIELD_", "TELEGRAM_"))}
        env.update(TELEGRAM_BOT_TOKEN=TOKEN, TELEGRAM_API_BASE_URL=server.api_root,
                   CALLSHIELD_DATABASE=str(tmp / "bot.sqlite3"),
                   CALLSHIELD_PACKS=str(tmp / "packs"), PYTHONUNBUFFERED="1",
                   **webhook_env(CALLSHIELD_WEBHOOK_HEADER_TIMEOUT="2"))
        port = int(env["CALLSHIELD_WEBHOOK_PORT"])
        bot = LimitedBot(env, tmp / "bot.log", nofile=NOFILE).start()
        poster = Poster(port)
        try:
            await wait_ready(port, timeout=60)
            await latencies(server, poster, range(1, 6))  # warm up
            print(f"webhook bench: bot pid {bot.proc.pid if bot.proc else '?'}, "
                  f"open-files limit {NOFILE}, loopback, {os.cpu_count()} CPUs")
            base = await latencies(server, poster, range(100, 100 + n))
            print(f"1. baseline                        {summary(base)}")
            assert bot.proc is not None
            (growth, sent), during = await asyncio.gather(
                oversized(port, bot.proc.pid),
                latencies(server, poster, range(1000, 1000 + n // 3)))
            print(f"2. 8 x 95 MB without the secret    {summary(during)}; RSS growth "
                  f"{growth:.1f} MB (target < 20); each client wrote at most {max(sent)} MB "
                  f"(socket buffers) before it was cut off")
            flood = [await raw_head(port, b"POST /tg HTTP/1.1\r\n") for _ in range(600)]
            meanwhile = await latencies(server, poster, range(2000, 2000 + n // 3))
            async with aiohttp.ClientSession() as http:
                async with http.get(f"http://127.0.0.1:{port}/healthz") as response:
                    refused = json.loads(await response.read())["refused"]
            print(f"3. 600 half-open connections       {summary(meanwhile)}; pushed out "
                  f"{refused.get('evicted', 0)}, refused {refused.get('refused', 0)}")
            for _, writer in flood:
                writer.close()
            slow, opened = [], []
            for _ in range(100):
                opened.append(time.perf_counter())
                slow.append(await raw_head(port, b"POST /tg HTTP/1.1\r\n"))

            async def lifetime(index: int) -> float | None:
                if not await closed_within(slow[index][0], 8):
                    return None
                return time.perf_counter() - opened[index]

            async def drip() -> None:
                for _ in range(40):
                    for _, writer in slow:
                        if not writer.is_closing():
                            writer.write(b"X-Slow: 1\r\n")
                    await asyncio.sleep(0.25)

            dripping = asyncio.create_task(drip())
            lives = await asyncio.gather(*(lifetime(i) for i in range(len(slow))))
            dripping.cancel()
            dropped = [life for life in lives if life is not None]
            print(f"4. 100 dripping headers (2 s)      {len(dropped)} of 100 dropped, each "
                  f"{min(dropped):.2f}–{max(dropped):.2f} s after it connected")
            for _, writer in slow:
                writer.close()
            output = bot.output()
            print(f"   bot log: {output.count('Traceback')} tracebacks, "
                  f"{output.count('EMFILE')} EMFILE lines, {len(output.splitlines())} lines; "
                  "its warnings:")
            for line in output.splitlines():
                if " WARNING bot.telegram.webhook" in line:
                    print("     ", line.split(" WARNING ", 1)[1])
        finally:
            await poster.close()
            await bot.stop()
            await server.stop()


if __name__ == "__main__":
    asyncio.run(main())
