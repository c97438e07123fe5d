"""How long a letter takes to arrive in Telegram: button press to the document at the server.

The real bot runs as its own process (``python -m bot.cli run``, long polling, AIORateLimiter,
the shipped packs) against the fake Bot API server of the tests over loopback HTTP, as in
tests/telegram. Its database is seeded first with a user of the ``us`` pack, a few reported
contacts and every letter detail, so pressing "PDF" goes straight to the file. Each sample is
the time from the press (the update queued at the server) to the server having received and
parsed the sendDocument request; the driver polls nothing (it waits on the server's call log).

Used by bench/letters.py (``--parts telegram``); run alone with
``.venv/bin/python bench/letter_delivery.py [--presses 15] [--rounds 3]``. To see where a bot's
time goes, run it under a profiler: ``BENCH_PY_ARGS="-m cProfile -o bot.prof"`` (the bot's
Python gets these arguments first); ``BENCH_LOG=path`` keeps the bot's log there.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != ROOT / "bench"]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("PTB_TIMEDELTA", "1")

from tests.fake_bot_api import FakeBotApi  # noqa: E402

TOKEN = "123456:TEST-TOKEN"
CHAT = 4242
CASES = {  # pack -> (letter, language of the chat, facts of each contact)
    "us": ("validation_request", "en", {"caller_type": "collector",
                                        "collector_name": "Swift Recovery LLC"}),
    "cn": ("police_report", "zh-Hans", {"caller_type": "agency", "lender_name": "惠今金融",
                                        "agency_name": "速达催收"}),
}
TARGET_MS = 300
PROFILE = {"full_name": "Maria Delgado", "address": "12 Main Street, Springfield, NY 10001",
           "phone": "(212) 555-0100", "loan_number": "AC-77120", "id_number": "310101199001011234",
           "collector_name": "Swift Recovery LLC",
           "collector_address": "PO Box 100, Dallas, TX 75201",
           "police_name": "上海市公安局某派出所"}


async def seed(database: Path, pack_id: str, contacts: int = 6) -> None:
    """A user of the pack with reported contacts and every detail a letter asks for."""
    from bot.packs import load_all
    from bot.service import GuidanceService
    from storage import NewIncident, open_store

    packs = load_all()
    pack = packs[pack_id]
    _, language, known = CASES[pack_id]
    store = await open_store(database)
    try:
        service = GuidanceService(store, packs, channel="telegram")
        user = await service.user(str(CHAT), language=language)
        user = await service.set_jurisdiction(user, pack_id)
        for index in range(contacts):
            when = f"2026-11-{10 + index:02d}T{8 + index * 2:02d}:15:00-05:00"
            facts = {**known, "contact_time": when, "channel": "call",
                     "caller_number": "(800) 555-0199",
                     "description": f"Call number {index + 1} about the debt"}
            facts = {k: v for k, v in facts.items() if k in pack.fact_kinds}
            await store.add_incident(user.id, NewIncident(
                occurred_at=when, caller_number="(800) 555-0199", lender="Acme Lending",
                agency="Swift Recovery LLC", channel="call",
                facts_json=json.dumps(facts), description=f"Call number {index + 1}",
                pack_id=pack.id, pack_version=pack.version), [])
        for field, value in PROFILE.items():
            await store.set_profile_field(user.id, field, value)
    finally:
        await store.close()


def start_bot(server: FakeBotApi, folder: Path) -> subprocess.Popen[bytes]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("CALLSHIELD_", "TELEGRAM_"))}
    env.update(TELEGRAM_BOT_TOKEN=TOKEN, TELEGRAM_API_BASE_URL=server.api_root,
               CALLSHIELD_DATABASE=str(folder / "bot.sqlite3"), CALLSHIELD_POLL_TIMEOUT="10",
               PTB_TIMEDELTA="1", CALLSHIELD_LOG_LEVEL="WARNING")
    log_path = Path(os.environ["BENCH_LOG"]) if "BENCH_LOG" in os.environ else folder / "bot.log"
    log = log_path.open("ab")
    python = [sys.executable, *os.environ.get("BENCH_PY_ARGS", "").split()]
    return subprocess.Popen([*python, "-m", "bot.cli", "run"], cwd=ROOT, env=env,
                            stdout=log, stderr=subprocess.STDOUT)


async def next_call(server: FakeBotApi, method: str, after: int, timeout: float = 60) -> float:
    """The monotonic time at which a ``method`` call at index >= after was recorded."""
    call = await server.wait_for_call(method, timeout=timeout, after_index=after)
    if call.error:
        raise RuntimeError(f"{method} failed at the fake server: {call.error}")
    return time.monotonic()


async def press(server: FakeBotApi, data: str) -> int:
    for message in reversed(server.chat_messages(CHAT)):
        if data in [b.get("callback_data") for b in message.buttons()]:
            return server.user_presses_button(CHAT, message.message_id, data)
    raise RuntimeError(f"no message with a button {data!r}: the bot's letter screens changed")


async def measure(pack_id: str, presses: int) -> dict[str, list[float]]:
    """Milliseconds from a button press to the document at the server: the first PDF after
    the bot started (``first``), then PDFs and DOCX files, pressed one after another."""
    with tempfile.TemporaryDirectory(prefix="callshield-delivery-") as tmp:
        folder = Path(tmp)
        await seed(folder / "bot.sqlite3", pack_id)
        letter = CASES[pack_id][0]
        server = FakeBotApi(token=TOKEN)
        await server.start()
        bot = start_bot(server, folder)
        try:
            at = len(server.calls)
            server.user_sends_text(CHAT, "/letters")
            await next_call(server, "sendMessage", at, timeout=60)
            await asyncio.sleep(float(os.environ.get("BENCH_SETTLE", "3")))  # warm-up done
            at = len(server.calls)
            await press(server, f"L:{letter}")
            await server.wait_for_call("sendMessage", lambda c: "Lp:" in json.dumps(
                c.params.get("reply_markup") or {}), timeout=30, after_index=at)
            samples: dict[str, list[float]] = {"first": [], "pdf": [], "docx": []}
            for index in range(2 * presses + 1):
                kind = "first" if index == 0 else ("pdf", "docx")[index % 2]
                at = len(server.calls)
                started = time.monotonic()
                await press(server, f"{'Ld' if kind == 'docx' else 'Lp'}:{letter}")
                arrived = await next_call(server, "sendDocument", at)
                samples[kind].append((arrived - started) * 1000)
                await asyncio.sleep(0.2)  # a person does not press again at once
            return samples
        finally:
            bot.terminate()
            try:
                bot.wait(15)
            except subprocess.TimeoutExpired:
                bot.kill()
            await server.stop()


def spread(samples: list[float]) -> str:
    ordered = sorted(samples)
    p90 = ordered[max(0, round(0.9 * len(ordered)) - 1)]
    return (f"p50 {statistics.median(ordered):.0f} ms, p90 {p90:.0f}, "
            f"min {ordered[0]:.0f}, max {ordered[-1]:.0f} ({len(ordered)} presses)")


def report(pack_id: str, samples: dict[str, list[float]]) -> str:
    p50 = statistics.median(samples["pdf"])
    verdict = "OK  " if p50 < TARGET_MS else "MISS"
    return (f"letter arrival in Telegram, {pack_id}/{CASES[pack_id][0]} (press -> sendDocument "
            f"at the fake server): PDF {spread(samples['pdf'])}; DOCX {spread(samples['docx'])}; "
            f"first PDF after start {samples['first'][0]:.0f} ms  "
            f"target PDF p50 < {TARGET_MS} ms {verdict}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--presses", type=int, default=15, help="PDFs (and DOCX files) each")
    parser.add_argument("--rounds", type=int, default=1, help="bots started one after another")
    parser.add_argument("--packs", default="us,cn", help="comma-separated: us, cn")
    args = parser.parse_args()
    for _ in range(args.rounds):
        for pack_id in args.packs.split(","):
            print(report(pack_id, asyncio.run(measure(pack_id, args.presses))), flush=True)


if __name__ == "__main__":
    main()
