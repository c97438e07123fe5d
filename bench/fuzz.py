"""A bounded loopback fuzz run of ``callshield run`` (long polling) against the fake Bot API.

Many chats at once, each sending its share of hostile and malformed updates one after
another: texts (markup, injections, 4,096 characters, control and right-to-left characters),
every command, every media kind (photo, voice, video, audio, document, sticker, location,
venue, contact, dice, animation, video note, a poll in a shape PTB cannot parse), forged
callback data (on real and made-up messages, and without a message), group and channel
posts, edits, update types no library knows, garbage fields and huge ids. Every text, name
and phone number carries a canary, so any that reaches the log is found.

Prints (all must be 0): crashes (the bot process died), tracebacks in its log, unanswered
expected replies (a private message or an edit with no reply, a tap never answered within
``--wait`` seconds) and canaries found in the log. Exit status 1 when any is not 0.
Run: .venv/bin/python bench/fuzz.py [--updates 10000] [--chats 100] [--seed 10]
Loopback only; the fake Bot API runs in this process, the bot in a child process.
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import os
import random
import signal
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != ROOT / "bench"]
sys.path.insert(0, str(ROOT))

from tests.fake_bot_api import FakeBotApi  # noqa: E402

TOKEN = "123456:TEST-TOKEN"
CANARY = "Qzcanary"
PHONE = "13800138000"
NAME = "Canaryname"
FIRST_CHAT = 5_000_000
COMMANDS = ("/start", "/help", "/back", "/restart", "/cancel", "/language", "/privacy",
            "/rights", "/letters", "/export_my_data", "/admin", "/nosuch", "/start@other_bot",
            "/delete_my_data")
TEXTS = (
    "<b>bold</b> & <script>x</script>", "'; DROP TABLE users; --", "{{ 7*7 }} ${jndi:x}",
    "\u202eevil\u202c", "zero\u200bwidth", "\x00\x01\x7f", "yesterday 9am", "3", "-1",
    "1e308", "不想说", "他说让我去死", "?", "ok", "0", "  ", "A" * 4096, "我" * 4096,
    "https://example.com/?a=<b>", "\n\n\n", "💣" * 50, "13800138000",
)


@dataclass
class Tally:
    sent: int = 0
    expected: int = 0
    unanswered: int = 0
    crashes: int = 0
    kinds: dict[str, int] = field(default_factory=dict)
    missed: dict[str, int] = field(default_factory=dict)


class Fuzzer:
    """Builds hostile updates for one chat and knows what reply each deserves."""

    def __init__(self, server: FakeBotApi, rng: random.Random) -> None:
        self.server = server
        self.rng = rng
        self.ids = itertools.count(900_000_001)
        self.last = ""

    def person(self, user_id: int) -> dict[str, Any]:
        return {"id": user_id, "is_bot": False, "first_name": f"{NAME} {CANARY}",
                "last_name": CANARY, "username": f"{CANARY.lower()}{user_id % 1000}",
                "language_code": self.rng.choice(["en", "zh-hans", "zh-TW", "xx", "", "ru"])}

    def text(self) -> str:
        return f"{self.rng.choice(TEXTS)} {CANARY} {PHONE}"

    def raw_message(self, chat: dict[str, Any], sender: dict[str, Any],
                    **fields: Any) -> dict[str, Any]:
        return {"message_id": next(self.ids), "date": int(time.time()), "chat": chat,
                "from": sender, **fields}

    def media(self) -> dict[str, Any]:
        file = {"file_id": f"f{self.rng.randrange(10**9)}", "file_unique_id": "u1",
                "file_size": 10}
        kind = self.rng.choice(["photo", "voice", "video", "audio", "document", "sticker",
                                "location", "venue", "contact", "dice", "animation",
                                "video_note", "poll"])
        self.count(kind)
        if kind == "photo":
            return {"photo": [dict(file, width=1, height=1)], "caption": self.text()}
        if kind in ("voice", "audio", "video_note"):
            return {kind: dict(file, duration=3, length=1) if kind == "video_note"
                    else dict(file, duration=3)}
        if kind in ("video", "animation"):
            return {kind: dict(file, width=1, height=1, duration=1), "caption": self.text()}
        if kind == "document":
            return {"document": dict(file, file_name=f"{CANARY}.pdf"), "caption": self.text()}
        if kind == "sticker":
            return {"sticker": dict(file, type="regular", width=1, height=1,
                                    is_animated=False, is_video=False)}
        if kind == "location":
            return {"location": {"latitude": 31.2, "longitude": 121.5}}
        if kind == "venue":
            return {"venue": {"location": {"latitude": 31.2, "longitude": 121.5},
                              "title": CANARY, "address": f"{CANARY} road"}}
        if kind == "contact":
            return {"contact": {"phone_number": f"+86{PHONE}", "first_name": NAME}}
        if kind == "dice":
            return {"dice": {"emoji": "🎲", "value": 3}}
        return {"poll": {"id": "p1", "question": self.text(), "options": [
            {"text": CANARY, "voter_count": 0}], "total_voter_count": 0, "is_closed": False,
            "is_anonymous": True, "type": "regular", "allows_multiple_answers": False}}

    def count(self, kind: str) -> None:
        self.kinds[kind] = self.kinds.get(kind, 0) + 1
        self.last = kind

    kinds: dict[str, int] = {}

    def next(self, chat_id: int) -> tuple[dict[str, Any], str | None]:
        """One update for this chat and what to wait for: "reply" (a message to the chat),
        "answer:<query id>" (the tap answered) or None."""
        rng, sender = self.rng, self.person(chat_id)
        private = {"id": chat_id, "type": "private", "first_name": f"{NAME} {CANARY}"}
        roll = rng.random()
        if roll < 0.30:
            self.count("text")
            text = rng.choice(COMMANDS) if rng.random() < 0.3 else self.text()
            return {"message": self.raw_message(private, sender, text=text)}, "reply"
        if roll < 0.45:
            return {"message": self.raw_message(private, sender, **self.media())}, "reply"
        if roll < 0.65:
            self.count("callback")
            query_id = str(next(self.ids))
            mine = [m for m in self.server.chat_messages(chat_id) if not m.deleted]
            data = rng.choice(["j:cn", "j:us", "j:elsewhere", "m:interview", "m:letters",
                               "m:rights", "x:yes", "l:en", "c:x:y", "b", "w", "u", "sf:ok",
                               "A:stats", "zz", "c:" + "9" * 60, f"c:{CANARY}:{PHONE}"])
            if mine and rng.random() < 0.6:  # a real button of the bot's latest message
                buttons = [b.get("callback_data") for b in mine[-1].buttons()]
                data = rng.choice([b for b in buttons if b] or [data])
            query: dict[str, Any] = {"id": query_id, "from": sender, "data": data,
                                     "chat_instance": str(chat_id)}
            if mine and rng.random() < 0.9:
                query["message"] = self.server._state.message_json(mine[-1])  # noqa: SLF001
            else:
                query["inline_message_id"] = f"im{query_id}"
            return {"callback_query": query}, f"answer:{query_id}"
        if roll < 0.72:
            self.count("edit")
            edited = self.raw_message(private, sender, text=self.text())
            edited["edit_date"] = edited["date"] + 1
            return {"edited_message": edited}, "reply"
        if roll < 0.80:
            self.count("group")
            group = {"id": -(chat_id + 10**12), "type": rng.choice(["group", "supergroup"]),
                     "title": CANARY}
            text = rng.choice(["/start", self.text()])
            return {"message": self.raw_message(group, sender, text=text)}, None
        if roll < 0.83:
            self.count("channel_post")
            channel = {"id": -(chat_id + 2 * 10**12), "type": "channel", "title": CANARY}
            return {"channel_post": self.raw_message(channel, sender, text=self.text())}, None
        if roll < 0.88:
            self.count("poll_answer")
            return {"poll_answer": {"poll_id": "p1", "user": sender, "option_ids": [0]}}, None
        if roll < 0.92:
            self.count("unknown_type")
            return {rng.choice(["story_reply", "future_thing", "x" * 40]): {
                "text": self.text(), "chat": private}}, None
        self.count("garbage")
        return rng.choice([
            {"message": {"message_id": "x", "chat": CANARY, "from": [PHONE]}},
            {"message": dict(self.raw_message(private, sender, text=self.text()),
                             entities=[{"type": CANARY}])},
            {"message": self.raw_message(
                {"id": 2**62, "type": "private", "first_name": CANARY}, sender, text="x")},
            {"callback_query": {"id": CANARY, "from": PHONE, "data": CANARY}},
            {"message": None},
        ]), None


async def drive(server: FakeBotApi, fuzzer: Fuzzer, chat_id: int, count: int, wait: float,
                tally: Tally) -> None:
    for _ in range(count):
        update, expect = fuzzer.next(chat_id)
        kind = fuzzer.last
        mark = len(server.calls)
        server.inject_update(update)
        tally.sent += 1
        if expect is None:
            continue
        tally.expected += 1
        if not await replied(server, chat_id, expect, mark, wait):
            tally.unanswered += 1
            tally.missed[kind] = tally.missed.get(kind, 0) + 1


async def replied(server: FakeBotApi, chat_id: int, expect: str, mark: int,
                  wait: float) -> bool:
    deadline = time.monotonic() + wait
    query = expect.partition(":")[2] if expect.startswith("answer:") else None
    while time.monotonic() < deadline:
        if query is not None:
            if not server._state.callbacks.get(query, True):  # noqa: SLF001 - still pending
                await asyncio.sleep(0.02)
                continue
            return True
        for call in server.calls[mark:]:
            if call.method in ("sendMessage", "editMessageText", "sendDocument") and \
                    str(call.params.get("chat_id")) == str(chat_id):
                return True
        await asyncio.sleep(0.02)
    return False


def start_bot(server: FakeBotApi, folder: Path, log: Path) -> subprocess.Popen[bytes]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("CALLSHIELD_", "TELEGRAM_"))}
    env.update(TELEGRAM_BOT_TOKEN=TOKEN, TELEGRAM_API_BASE_URL=server.api_root,
               CALLSHIELD_DATABASE=str(folder / "fuzz.sqlite3"), CALLSHIELD_POLL_TIMEOUT="1",
               CALLSHIELD_SAFETY_CACHE=str(folder / "cache"), PTB_TIMEDELTA="1",
               PYTHONUNBUFFERED="1")
    with log.open("ab") as out:
        return subprocess.Popen([sys.executable, "-m", "bot.cli", "run"], cwd=ROOT, env=env,
                                stdout=out, stderr=subprocess.STDOUT)


async def run(updates: int, chats: int, seed: int, wait: float) -> dict[str, int]:
    rng = random.Random(seed)
    server = await FakeBotApi(token=TOKEN).start()
    folder = Path(tempfile.mkdtemp(prefix="callshield-fuzz-"))
    log = folder / "bot.log"
    tally = Tally()
    fuzzer = Fuzzer(server, rng)
    Fuzzer.kinds = tally.kinds
    bot = start_bot(server, folder, log)
    try:
        await ready(server, bot)
        per_chat = [updates // chats + (1 if n < updates % chats else 0) for n in range(chats)]
        drivers = [asyncio.create_task(drive(server, fuzzer, FIRST_CHAT + n, per_chat[n],
                                             wait, tally)) for n in range(chats)]
        while not all(task.done() for task in drivers):
            await asyncio.sleep(0.5)
            if bot.poll() is not None:  # died: count it and start it again
                tally.crashes += 1
                bot = start_bot(server, folder, log)
        await asyncio.gather(*drivers)
    finally:
        if bot.poll() is None:
            bot.send_signal(signal.SIGTERM)
            for _ in range(300):
                if bot.poll() is not None:
                    break
                await asyncio.sleep(0.05)
            else:
                bot.kill()
        await server.stop()
    if bot.returncode not in (0, None):
        tally.crashes += 1
    text = log.read_text(errors="replace")
    leaked = sum(text.count(word) for word in (CANARY, PHONE, NAME))
    return {"updates": tally.sent, "expected replies": tally.expected,
            "crashes": tally.crashes, "tracebacks": text.count("Traceback"),
            "unanswered expected replies": tally.unanswered, "content in logs": leaked,
            **{f"kind {k}": v for k, v in sorted(tally.kinds.items())},
            **{f"unanswered {k}": v for k, v in sorted(tally.missed.items())}}


async def ready(server: FakeBotApi, bot: subprocess.Popen[bytes]) -> None:
    """Wait until the bot polls (its start is slow on a busy machine)."""
    for _ in range(1200):
        if server.calls_to("getUpdates"):
            return
        if bot.poll() is not None:
            raise RuntimeError("the bot exited before it started polling")
        await asyncio.sleep(0.1)
    raise RuntimeError("the bot did not start polling within 120 s")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--updates", type=int, default=10_000)
    parser.add_argument("--chats", type=int, default=100)
    parser.add_argument("--seed", type=int, default=10)
    parser.add_argument("--wait", type=float, default=60.0,
                        help="seconds an expected reply may take")
    args = parser.parse_args(argv)
    started = time.monotonic()
    figures = asyncio.run(run(args.updates, args.chats, args.seed, args.wait))
    for name, value in figures.items():
        print(f"{name}: {value}")
    print(f"seconds: {time.monotonic() - started:.0f}")
    bad = ("crashes", "tracebacks", "unanswered expected replies", "content in logs")
    return 1 if any(figures[name] for name in bad) else 0


if __name__ == "__main__":
    sys.exit(main())
