"""The evidence diary at a heavy user's size: how long the record takes to read and count,
to page, to export as PDF and CSV, and how long its longest chat message is.

A made-up record (no real data): ``--entries`` contacts over ``--days`` days, a third at night,
a fifth with a long note in Chinese, every tenth with a file. The store is a real SQLite file.

    .venv/bin/python bench/diary.py [--entries 500] [--days 90]

Target (issue 14): every chat message at most 1,200 characters.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import random
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bot.diary import export, view  # noqa: E402
from bot.diary import record as rec  # noqa: E402
from bot.diary.recognise import recognise  # noqa: E402
from flows import load_pack  # noqa: E402
from storage import NewAttachment, NewDiaryEntry, open_store  # noqa: E402

NOTE = "他们又打到我妈那里骂她，说再不还钱就去我单位闹，还说要把我的照片发到群里。"


async def main(entries: int, days: int) -> None:
    pack = load_pack(ROOT / "flows" / "packs" / "cn")
    rng = random.Random(14)
    start = dt.date(2026, 9, 1)
    with tempfile.TemporaryDirectory() as folder:
        async with await open_store(Path(folder) / "bench.sqlite3") as store:
            user = await store.get_or_create_user("telegram", "1", language="zh-Hans",
                                                  jurisdiction="cn", timezone="Asia/Shanghai")
            began = time.perf_counter()
            for n in range(entries):
                day = start + dt.timedelta(days=rng.randrange(days))
                hour = rng.choice([23, 1, 6]) if n % 3 == 0 else rng.randrange(8, 22)
                at = f"{day.isoformat()}T{hour:02d}:{rng.randrange(60):02d}:00+08:00"
                entry_id = await store.add_diary_entry(user.id, NewDiaryEntry(
                    "quick", "cn", at, day.isoformat(), "call", "+86 171 0000 9921",
                    "某催收", '["family"]' if n % 4 == 0 else None, None,
                    NOTE * 2 if n % 5 == 0 else None, contacts=rng.choice([1, 1, 2, 5])))
                if n % 10 == 0:
                    await store.add_attachment(user.id, entry_id, NewAttachment(
                        "photo", f"file-{n}", None, "image/jpeg", 80_000, "ab" * 32))
            added = time.perf_counter() - began
            began = time.perf_counter()
            rows = await store.list_diary_entries(user.id)
            listed = time.perf_counter() - began
        began = time.perf_counter()
        record = rec.count(rows, pack)
        counted = time.perf_counter() - began
        began = time.perf_counter()
        pages = view.pages(rows, pack, "zh-Hans") + view.pages(rows, pack, "en")
        paged = time.perf_counter() - began
        began = time.perf_counter()
        pdf = export.to_pdf(rows, pack, "zh-Hans", today=dt.date(2026, 12, 3),
                            zone="Asia/Shanghai")
        pdf_s = time.perf_counter() - began
        began = time.perf_counter()
        csv = export.to_csv(rows, pack, "zh-Hans")
        csv_s = time.perf_counter() - began
    texts = ["今天上午又打了十几个电话", "They called again this morning", "谢谢", "Hello"] * 250
    began = time.perf_counter()
    for text in texts:
        recognise(text)
    per_text = (time.perf_counter() - began) / len(texts)
    longest = max(len(page) + len("\n\n第10页，共10页") for page in pages)
    print(f"entries {entries} over {days} days: {record.total} contacts, most in a day "
          f"{record.max_day}, in 7 days {record.max_7_days}, at night {record.night}")
    print(f"store: add {added / entries * 1000:.2f} ms/entry, list all {listed * 1000:.1f} ms")
    print(f"count {counted * 1000:.1f} ms; pages (2 languages) {paged * 1000:.1f} ms, "
          f"{len(pages)} pages, longest message {longest} chars (target <= 1200: "
          f"{'met' if longest <= 1200 else 'NOT met'})")
    print(f"PDF {pdf_s:.2f} s, {len(pdf) // 1024} KiB; CSV {csv_s * 1000:.1f} ms, "
          f"{len(csv) // 1024} KiB")
    print(f"recogniser {per_text * 1e6:.0f} us per message")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--entries", type=int, default=500)
    parser.add_argument("--days", type=int, default=90)
    args = parser.parse_args()
    asyncio.run(main(args.entries, args.days))
