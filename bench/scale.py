"""Capacity on PostgreSQL against SQLite: workers, stored users, memory.

(a) workers: updates/s and p99 with 1, 2 and 4 worker processes on one PostgreSQL database
    against SQLite with one, in process (each worker's updates go through its application's
    update processor, with the per-chat lock across workers, and a request class answering
    every Bot API call locally: no Telegram cap, no HTTP). Chats are split among the workers;
    each chat sends its next update once the previous one is handled (closed loop), so p99 is
    mostly queueing. Updates/s = all updates / (last worker's end - first worker's start).
(b) stored users: the cost (CPU ms and wall ms per update) of the same conversations with
    1,000,000 users stored against 1,000, both engines; users are bulk-loaded (COPY on
    PostgreSQL, executemany on SQLite). Target ratio <= 1.2.
(c) memory: the bot's RSS after N idle users were seen (each sent /start once) against a bot
    that saw none; both engines. Target: under 50 MB more for 100,000.

Run: .venv/bin/python bench/scale.py [--parts abc] [--chats 96] [--steps 10]
     [--users 1000000] [--idle 100000] [--pg postgresql://postgres@127.0.0.1:5432/test]
Every run works in a schema of its own (dropped at the end) and a temporary folder.
"""

from __future__ import annotations

import argparse
import asyncio
import importlib.util
import json
import os
import secrets
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != ROOT / "bench"]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("PTB_TIMEDELTA", "1")
_spec = importlib.util.spec_from_file_location("bench_telegram", ROOT / "bench" / "telegram.py")
assert _spec is not None and _spec.loader is not None
bench_telegram = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(bench_telegram)
STEPS, raw_update, LocalRequest = (bench_telegram.STEPS, bench_telegram.raw_update,
                                   bench_telegram.LocalRequest)
KEY = "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA="  # a bench-only data key


def rss_mib() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


async def _app(database: str) -> tuple[Any, Any]:
    from bot.packs import load_all
    from bot.service import GuidanceService
    from bot.telegram.app import build_application
    from bot.telegram.runner import _chat_lock
    from storage import KeyConfig, open_store

    store = await open_store(database, keys=KeyConfig(key_text=KEY))
    service = GuidanceService(store, load_all(), channel="telegram")
    app = build_application(service, "123456:TEST-TOKEN", request=LocalRequest(),
                            rate_limit=False, chat_lock=_chat_lock(store))
    await app.initialize()
    return app, store


async def _converse(app: Any, chats: list[int], steps: int, ids: Any) -> list[float]:
    from telegram import Update

    latencies: list[float] = []
    processor = app.update_processor

    async def user(chat: int) -> None:
        for kind, payload, _ in STEPS[:steps]:
            update = Update.de_json(raw_update(next(ids), chat, kind, payload), app.bot)
            started = time.perf_counter()
            await processor.process_update(update, app.process_update(update))
            latencies.append(time.perf_counter() - started)

    await asyncio.gather(*(user(chat) for chat in chats))
    return latencies


async def child_workers(database: str, first: int, chats: int, steps: int) -> dict[str, Any]:
    """One worker of part (a): its chats, its figures."""
    import itertools

    app, store = await _app(database)
    ids = itertools.count(first * 100)
    await _converse(app, [first + 10_000_000 + n for n in range(4)], steps, ids)  # warm up
    cpu, start = time.process_time(), time.time()
    latencies = await _converse(app, [first + n for n in range(chats)], steps, ids)
    result = {"start": start, "end": time.time(), "cpu": time.process_time() - cpu,
              "latencies": latencies}
    await app.shutdown()
    await store.close()
    return result


async def child_cost(database: str, chats: int, steps: int) -> dict[str, Any]:
    """Part (b): per-update cost of new chats' conversations on an already filled store."""
    import itertools

    app, store = await _app(database)
    ids = itertools.count(50_000_000)
    await _converse(app, [90_000_000 + n for n in range(8)], steps, ids)  # warm up
    cpu, wall = time.process_time(), time.perf_counter()
    latencies = await _converse(app, [80_000_000 + n for n in range(chats)], steps, ids)
    result = {"cpu_ms": (time.process_time() - cpu) / len(latencies) * 1000,
              "wall_ms": (time.perf_counter() - wall) / len(latencies) * 1000}
    await app.shutdown()
    await store.close()
    return result


async def child_idle(database: str, idle: int) -> dict[str, Any]:
    """Part (c): RSS after ``idle`` users each sent /start once."""
    import gc
    import itertools

    from bot.heap import settle_after_start

    app, store = await _app(database)
    ids = itertools.count(1)
    await _converse(app, [60_000_000 + n for n in range(8)], 1, ids)  # warm up
    settle_after_start()
    gc.collect()
    before = rss_mib()
    for start in range(0, idle, 500):
        await _converse(app, [start + n for n in range(min(500, idle - start))], 1, ids)
    gc.collect()
    result = {"before": before, "after": rss_mib()}
    await app.shutdown()
    await store.close()
    return result


def run_child(*args: str) -> dict[str, Any]:
    out = subprocess.run([sys.executable, __file__, "--child", *args], cwd=ROOT,
                         capture_output=True, text=True, check=False)
    if out.returncode != 0:
        raise SystemExit(f"child {args} failed:\n{out.stderr[-3000:]}")
    return json.loads(out.stdout.strip().splitlines()[-1])


def spawn_child(*args: str) -> subprocess.Popen[str]:
    return subprocess.Popen([sys.executable, __file__, "--child", *args], cwd=ROOT,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


class Schema:
    """A schema of its own on the PostgreSQL server, dropped at the end."""

    def __init__(self, server: str) -> None:
        self.server = server
        self.name = f"cs_bench_{secrets.token_hex(4)}"

    async def _sql(self, sql: str) -> None:
        import asyncpg

        conn = await asyncpg.connect(self.server)
        try:
            await conn.execute(sql)
        finally:
            await conn.close()

    def __enter__(self) -> str:
        asyncio.run(self._sql(f"CREATE SCHEMA {self.name}"))
        joiner = "&" if "?" in self.server else "?"
        return f"{self.server}{joiner}search_path={self.name}"

    def __exit__(self, *exc: object) -> None:
        asyncio.run(self._sql(f"DROP SCHEMA {self.name} CASCADE"))


def part_workers(pg: str, chats: int, steps: int) -> None:
    print(f"(a) workers: {chats} chats x {steps} updates, closed loop, in process", flush=True)
    rows = []
    with tempfile.TemporaryDirectory() as folder:
        rows.append(("SQLite", 1, [run_child("workers", f"{folder}/a.sqlite3", "1",
                                             str(chats), str(steps))]))
    for workers in (1, 2, 4):
        with Schema(pg) as url:
            run_child("migrate", url)
            share = chats // workers
            procs = [spawn_child("workers", url, str(1 + i * 1_000_000), str(share), str(steps))
                     for i in range(workers)]
            results = []
            for proc in procs:
                out, err = proc.communicate()
                if proc.returncode != 0:
                    raise SystemExit(err[-3000:])
                results.append(json.loads(out.strip().splitlines()[-1]))
            rows.append(("PostgreSQL", workers, results))
    for engine, workers, results in rows:
        latencies = sorted(x for r in results for x in r["latencies"])
        span = max(r["end"] for r in results) - min(r["start"] for r in results)
        cpu = sum(r["cpu"] for r in results) / len(latencies) * 1000
        print(f"  {engine:<10} {workers} worker(s): {len(latencies) / span:6.0f} updates/s   "
              f"p50 {latencies[len(latencies) // 2] * 1000:7.1f} ms   "
              f"p99 {latencies[int(len(latencies) * 0.99)] * 1000:7.1f} ms   "
              f"bot CPU {cpu:5.2f} ms/update", flush=True)


async def load_users(database: str, count: int) -> None:
    """Bulk-load ``count`` users (COPY on PostgreSQL, executemany on SQLite)."""
    from storage import KeyConfig, open_store
    from storage.pg.dialect import is_postgres_url

    now = "2026-12-01T00:00:00.000000+00:00"
    store = await open_store(database, keys=KeyConfig(key_text=KEY))  # creates the schema
    await store.close()
    rows = ((i, "telegram", str(1_000_000_000 + i), "en", "demo", None, now, now)
            for i in range(1, count + 1))
    columns = ["id", "channel", "external_id", "language", "jurisdiction", "timezone",
               "created_at", "updated_at"]
    if is_postgres_url(database):
        import asyncpg

        conn = await asyncpg.connect(database)
        try:
            await conn.copy_records_to_table("users", records=rows, columns=columns)
            await conn.execute("SELECT setval(pg_get_serial_sequence('users', 'id'), $1)",
                               count)
            await conn.execute("ANALYZE users")
        finally:
            await conn.close()
    else:
        import sqlite3

        with sqlite3.connect(database) as conn:
            conn.executemany(f"INSERT INTO users ({', '.join(columns)}) VALUES "
                             f"({', '.join('?' * len(columns))})", rows)
            conn.execute("ANALYZE")


def part_cost(pg: str, users: int, chats: int, steps: int) -> None:
    print(f"(b) cost of an update: {users:,} stored users against 1,000 "
          f"({chats} new chats x {steps} updates, median of 3)", flush=True)
    for engine in ("SQLite", "PostgreSQL"):
        figures = {}
        for stored in (1_000, users):
            if engine == "SQLite":
                with tempfile.TemporaryDirectory() as folder:
                    database = f"{folder}/cost.sqlite3"
                    started = time.perf_counter()
                    asyncio.run(load_users(database, stored))
                    loaded = time.perf_counter() - started
                    runs = [run_child("cost", database, str(chats), str(steps))
                            for _ in range(3)]
            else:
                with Schema(pg) as database:
                    started = time.perf_counter()
                    asyncio.run(load_users(database, stored))
                    loaded = time.perf_counter() - started
                    runs = [run_child("cost", database, str(chats), str(steps))
                            for _ in range(3)]
            figures[stored] = sorted(runs, key=lambda r: r["wall_ms"])[1]
            print(f"  {engine:<10} {stored:>9,} users (loaded in {loaded:5.1f} s): "
                  f"{figures[stored]['wall_ms']:6.2f} ms wall, "
                  f"{figures[stored]['cpu_ms']:5.2f} ms CPU per update", flush=True)
        ratio = figures[users]["wall_ms"] / figures[1_000]["wall_ms"]
        cpu_ratio = figures[users]["cpu_ms"] / figures[1_000]["cpu_ms"]
        print(f"  {engine:<10} ratio {ratio:.2f} wall, {cpu_ratio:.2f} CPU (target <= 1.2)",
              flush=True)


def part_idle(pg: str, idle: int) -> None:
    print(f"(c) RSS with {idle:,} idle users seen against none", flush=True)
    for engine in ("SQLite", "PostgreSQL"):
        if engine == "SQLite":
            with tempfile.TemporaryDirectory() as folder:
                base = run_child("idle", f"{folder}/a.sqlite3", "0")
                seen = run_child("idle", f"{folder}/b.sqlite3", str(idle))
        else:
            with Schema(pg) as url:
                base = run_child("idle", url, "0")
            with Schema(pg) as url:
                seen = run_child("idle", url, str(idle))
        more = seen["after"] - base["after"]
        print(f"  {engine:<10} {base['after']:6.1f} MiB with none, {seen['after']:6.1f} MiB "
              f"with {idle:,}: {more:+.1f} MiB ({more * 1024 / max(idle, 1):.2f} KiB a user; "
              "target < 50 MiB more)", flush=True)


def child(args: list[str]) -> None:
    kind, database, *rest = args
    if kind == "migrate":
        from storage.schema import migrate_database

        asyncio.run(migrate_database(database))
        result: dict[str, Any] = {}
    elif kind == "workers":
        result = asyncio.run(child_workers(database, int(rest[0]), int(rest[1]), int(rest[2])))
    elif kind == "cost":
        result = asyncio.run(child_cost(database, int(rest[0]), int(rest[1])))
    else:
        result = asyncio.run(child_idle(database, int(rest[0])))
    print(json.dumps(result))


def main() -> None:
    if len(sys.argv) > 1 and sys.argv[1] == "--child":
        child(sys.argv[2:])
        return
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--parts", default="abc")
    parser.add_argument("--chats", type=int, default=96)
    parser.add_argument("--steps", type=int, default=10)
    parser.add_argument("--users", type=int, default=1_000_000)
    parser.add_argument("--idle", type=int, default=100_000)
    parser.add_argument("--pg", default=os.environ.get(
        "CALLSHIELD_TEST_POSTGRES", "postgresql://postgres@127.0.0.1:5432/test"))
    args = parser.parse_args()
    import logging

    logging.disable(logging.WARNING)
    print(f"machine: {os.cpu_count()} CPU(s), load average {os.getloadavg()[0]:.1f}, "
          f"Python {sys.version.split()[0]}", flush=True)
    if "a" in args.parts:
        part_workers(args.pg, args.chats, args.steps)
    if "b" in args.parts:
        part_cost(args.pg, args.users, max(8, args.chats // 4), args.steps)
    if "c" in args.parts:
        part_idle(args.pg, args.idle)


if __name__ == "__main__":
    main()
