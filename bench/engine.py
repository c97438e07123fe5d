"""Engine benchmark: step time on a 100-node pack, pack load+validate time, persisted answers/s.

Run: .venv/bin/python bench/engine.py   (prints figures; no pass/fail — compare runs)
Targets (issue 2): step p50 < 50 µs, load+validate < 200 ms, >= 2,000 persisted answers/s.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import statistics
import sys
import tempfile
import time
import zoneinfo
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bot.service import GuidanceService  # noqa: E402
from flows import advance, events, load_pack, start  # noqa: E402
from storage import open_store  # noqa: E402

NODES = 100


def write_pack(folder: Path) -> None:
    """A synthetic pack: 100 nodes mixing choices, numbers, texts, with conditions and rules."""
    lines = ["pack:", "  id: bench", "  jurisdiction: TEST", "  name: Bench", "  languages: [en]",
             "  default_language: en", "  version: '1'", "  reviewed_on: 2026-11-28",
             "  reviewed_by: bench", "  timezone: Asia/Shanghai", "  start: q0",
             "  disclaimer: Not legal advice.", "safety:", "  unsafe: Call the police.",
             "nodes:"]
    for i in range(NODES - 1):
        kind = ("choice", "number", "text", "yesno")[i % 4]
        lines += [f"  q{i}:", f"    kind: {kind}", f"    text: Question {i}?",
                  "    help: Because.", "    reprompt: Again please."]
        if kind == "choice":
            lines += ["    options:", "      - {id: a, label: A}", "      - {id: b, label: B}"]
        if kind == "number":
            lines += ["    min: 0", "    max: 1000"]
        if i >= 4 and i % 4 == 0:
            lines += [f"    ask_if: {{fact: q{i - 4}, not_equals: b}}"]
        nxt = f"q{i + 1}" if i < NODES - 2 else "end"
        lines += [f"    next: {nxt}"]
    lines += ["  end:", "    kind: end", "    text: Done.", "rules:"]
    for i in range(0, NODES - 1, 4):
        lines += [f"  - id: r{i}", f"    when: {{all: [{{fact: q{i}, equals: a}}, "
                  f"{{fact: q{i + 1}, gte: 5}}]}}", "    severity: medium",
                  f"    title: Rule {i}", "    explanation: Because."]
    (folder / "pack.yaml").write_text("\n".join(lines) + "\n", encoding="utf-8")


def answer_for(question_kind: str) -> events.Event | None:
    return {"number": events.Say("7"), "text": events.Say("They called.")}.get(question_kind)


def percentile(values: list[float], pct: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(len(ordered) * pct / 100))]


def bench_steps(folder: Path) -> None:
    pack = load_pack(folder)
    now = dt.datetime(2026, 11, 28, 12, tzinfo=zoneinfo.ZoneInfo("Asia/Shanghai"))
    timings: list[float] = []
    for _ in range(30):
        step = start(pack, "en", now=now)
        while step.state.status != "done":
            q = step.replies[-1]
            node = pack.nodes[q.node].node  # type: ignore[union-attr]
            event = answer_for(node.kind) or events.Pick(q.node, q.choices[0].id)  # type: ignore[union-attr]
            t0 = time.perf_counter()
            step = advance(pack, step.state, event, now=now)
            timings.append(time.perf_counter() - t0)
    print(f"engine step ({NODES}-node pack, {len(timings)} steps): "
          f"p50 {percentile(timings, 50) * 1e6:.1f} µs, p99 {percentile(timings, 99) * 1e6:.1f} µs"
          "   [target p50 < 50 µs]")


def bench_load(folder: Path) -> None:
    timings = []
    for _ in range(10):
        t0 = time.perf_counter()
        load_pack(folder)
        timings.append(time.perf_counter() - t0)
    print(f"pack load+validate ({NODES} nodes): median {statistics.median(timings) * 1e3:.1f} ms"
          "   [target < 200 ms]")
    shipped = Path(__file__).resolve().parent.parent / "flows" / "packs"
    for pack_dir in sorted(p for p in shipped.iterdir() if p.is_dir()) if shipped.is_dir() else []:
        t0 = time.perf_counter()
        load_pack(pack_dir)
        print(f"  shipped pack {pack_dir.name}: load+validate {(time.perf_counter() - t0) * 1e3:.1f} ms")


async def bench_persist(folder: Path, db: Path) -> None:
    pack = load_pack(folder)
    store = await open_store(db)
    service = GuidanceService(store, {"bench": pack}, channel="bench")
    users = []
    for n in range(20):
        user = await service.user(str(n))
        users.append(await service.set_jurisdiction(user, "bench"))

    async def one_user(user):  # type: ignore[no-untyped-def]
        count = 0
        turn = await service.handle(user, events.Start())
        while turn.state is not None and turn.state.status != "done":
            q = turn.replies[-1]
            node = pack.nodes[q.node].node  # type: ignore[union-attr]
            event = answer_for(node.kind) or events.Pick(q.node, q.choices[0].id)  # type: ignore[union-attr]
            turn = await service.handle(user, event)
            count += 1
        return count

    t0 = time.perf_counter()
    counts = await asyncio.gather(*(one_user(u) for u in users))
    elapsed = time.perf_counter() - t0
    await store.close()
    total = sum(counts)
    print(f"persisted answers through storage ({len(users)} concurrent users, SQLite WAL): "
          f"{total / elapsed:,.0f} answers/s ({total} answers in {elapsed:.2f} s)"
          "   [target >= 2,000/s]")


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "bench"
        folder.mkdir()
        write_pack(folder)
        bench_load(folder)
        bench_steps(folder)
        asyncio.run(bench_persist(folder, Path(tmp) / "bench.db"))


if __name__ == "__main__":
    main()
