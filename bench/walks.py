"""A newcomer's whole walk over Telegram, in each language: the figures issue 14 asks for.

The real bot (``python -m bot.cli run``, the shipped packs) against the fake Bot API server,
over HTTP. A scripted newcomer: /start, the language, the region, "I just got a collection
call", a story in their own words, then every question answered as a frightened person would
(yes to a yes/no question, the first choice, "Done" on a list, "I don't know" where a typed
answer is asked and it can be skipped), until the results; then every card's "Why / the law",
"What to say" and "All steps" once, and "Letter for this" once.

Printed per walk: messages the bot sent or edited (visible characters, as Telegram counts
them), the longest, how many messages and taps from /start to the first finding card, and taps
after the story to it. Targets: longest <= 1,200; first finding within 12 taps after the story.
Run: .venv/bin/python bench/walks.py [--only zh-Hans-cn] [--show]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != ROOT / "bench"]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("PTB_TIMEDELTA", "1")

from tests.fake_bot_api import FakeBotApi  # noqa: E402
from tests.telegram.conftest import TOKEN, BotProcess  # noqa: E402

STORIES = {
    "zh-Hans": "今天早上到现在，一个自称某某贷催收的人给我打了二十多个电话，昨晚十一点还在打。"
               "他们打给了我妈妈和单位同事，说我不还钱就上门、让我坐牢，还骂我是骗子。我妈妈吓坏了，一直哭。",
    "zh-Hant": "今天早上到現在，一個自稱某某貸催收的人給我打了二十多通電話，昨晚十一點還在打。"
               "他們打給了我媽媽和公司同事，說我不還錢就上門、讓我坐牢，還罵我是騙子。我媽媽嚇壞了，一直哭。",
    "en": "A debt collector called me 15 times this week, once at 10 pm, about a credit card I "
          "never opened: someone stole my identity. They called my boss and said I would be "
          "arrested if I don't pay today.",
}
TYPED = {"zh-Hans": ["昨天晚上", "5"], "zh-Hant": ["昨天晚上", "5"], "en": ["yesterday", "5"]}
WALKS = (("zh-Hans-cn", "zh-Hans", "cn"), ("zh-Hant-cn", "zh-Hant", "cn"), ("en-us", "en", "us"))
WAIT = 60.0


@dataclass
class Walk:
    name: str
    taps: int = 0
    taps_after_story: int | None = None
    story_at: int | None = None
    first_finding: tuple[int, int] | None = None  # (messages, taps) at the first finding
    lengths: list[int] = field(default_factory=list)
    messages: int = 0
    longest: str = ""
    summary: str = ""
    stuck: str = ""


class Newcomer:
    def __init__(self, server: FakeBotApi, chat: int, language: str) -> None:
        self.server, self.chat, self.language = server, chat, language
        self.code = {"zh-Hans": "zh-cn", "zh-Hant": "zh-tw", "en": "en"}[language]

    def mark(self) -> int:
        return len(self.server.calls)

    def replies(self, after: int) -> list[Any]:
        return [c for c in self.server.calls[after:] if c.ok and c.method in (
            "sendMessage", "editMessageText") and str(c.params.get("chat_id")) == str(self.chat)]

    async def settle(self, after: int) -> None:
        """Wait until the bot has answered and gone quiet (0.6 s without a new message)."""
        loop = asyncio.get_running_loop()
        deadline, seen, quiet = loop.time() + WAIT, -1, loop.time()
        while loop.time() < deadline:
            now = len(self.replies(after))
            if now != seen:
                seen, quiet = now, loop.time()
            elif now and loop.time() - quiet > 0.6:
                return
            await asyncio.sleep(0.05)
        raise TimeoutError("the bot did not answer")

    async def text(self, text: str) -> int:
        at = self.mark()
        self.server.user_sends_text(self.chat, text, language_code=self.code)
        await self.settle(at)
        return at

    async def press(self, message_id: int, data: str) -> int:
        at = self.mark()
        self.server.user_presses_button(self.chat, message_id, data, language_code=self.code)
        await self.settle(at)
        return at

    def live(self) -> list[Any]:
        return [m for m in self.server.chat_messages(self.chat) if not m.deleted]


def _buttons(message: Any) -> list[str]:
    return [b.get("callback_data", "") for b in message.buttons()]


def _question(messages: list[Any]) -> Any | None:
    """The newest message with a question's buttons."""
    for message in reversed(messages):
        if any(d.startswith(("c:", "d:", "k:", "w")) for d in _buttons(message)):
            return message
    return None


async def walk(server: FakeBotApi, name: str, language: str, pack: str, chat: int) -> Walk:
    user = Newcomer(server, chat, language)
    result = Walk(name)
    start = user.mark()
    await user.text("/start")

    async def tap(message: Any, data: str) -> None:
        result.taps += 1
        if result.taps_after_story is not None:
            result.taps_after_story += 1
        await user.press(message.message_id, data)

    first = _question(user.live()) or user.live()[-1]
    await tap(first, f"l:{language}")
    await tap(next(m for m in reversed(user.live()) if f"j:{pack}" in _buttons(m)), f"j:{pack}")
    await tap(next(m for m in reversed(user.live()) if "m:interview" in _buttons(m)),
              "m:interview")
    typed = 0
    last: tuple[int, str] | None = None
    repeats = 0
    for _ in range(80):
        texts = [c.params.get("text", "") for c in user.replies(start)]
        if any("R:w:" in str(c.params.get("reply_markup", "")) for c in user.replies(start)):
            break  # a finding card has come
        question = _question(user.live())
        data = _buttons(question) if question is not None else []
        here = (question.message_id if question else 0, question.text if question else "")
        repeats = repeats + 1 if here == last else 0
        last = here
        if repeats > 3:
            result.stuck = (question.text or "")[:80] if question else texts[-1][:80]
            break
        choices = [d for d in data if d.startswith("c:")]
        done = [d for d in data if d.startswith("d:")]
        skip = [d for d in data if d.startswith("k:")]
        story = question is not None and not choices and skip and result.story_at is None \
            and len(question.text or "") > 0 and not done
        if story:
            await user.text(STORIES[language])
            result.story_at = result.taps
            result.taps_after_story = 0
        elif done and not choices:  # "here is what I understood": all ticked, Done
            await tap(question, done[0])
        elif choices:
            yes = [d for d in choices if d.endswith(":yes")]
            pick = yes[0] if yes else choices[0]
            if done and any(b["text"].startswith("\u2705") for b in question.buttons()):
                await tap(question, done[0])  # a list with a tick: Done
            else:
                await tap(question, pick)
        elif skip:
            await tap(question, skip[0])
        else:
            await user.text(TYPED[language][typed % 2])
            typed += 1
    calls = [c for c in user.replies(start) if c.method == "sendMessage"]
    at = next((i for i, c in enumerate(calls)
               if "R:w:" in str(c.params.get("reply_markup", ""))), None)
    if at is not None:
        result.first_finding = (at + 1, result.taps)
        result.summary = next((m.text or "" for m in user.live()
                               if any(d.startswith("R:d:") for d in _buttons(m))), "")
        await asyncio.sleep(1.0)
        pressed: set[str] = set()
        for message in list(user.live()):  # every card's buttons once: the normal walk
            for data in _buttons(message):
                kind = data[:4]
                if kind in ("R:w:",) or (kind in ("R:s:", "R:d:", "R:l:") and kind not in pressed):
                    pressed.add(kind)
                    await user.press(message.message_id, data)
    server_texts = [m.text or "" for m in user.live() if m.from_bot]
    result.lengths = [len(t) for t in server_texts]
    result.messages = len([c for c in user.replies(start) if c.method == "sendMessage"])
    result.longest = max(server_texts, key=len, default="")
    return result


async def main(only: str | None, show: bool) -> int:
    server = FakeBotApi(token=TOKEN)
    await server.start()
    bad = 0
    with tempfile.TemporaryDirectory() as folder:
        env = {k: v for k, v in os.environ.items() if not k.startswith(("CALLSHIELD_",
                                                                      "TELEGRAM_"))}
        env.update(TELEGRAM_BOT_TOKEN=TOKEN, TELEGRAM_API_BASE_URL=server.api_root,
                   CALLSHIELD_DATABASE=str(Path(folder) / "walks.sqlite3"),
                   CALLSHIELD_POLL_TIMEOUT="1", PTB_TIMEDELTA="1", CALLSHIELD_LOG_LEVEL="WARNING",
                   CALLSHIELD_FONT_CACHE=str(Path(folder) / "fonts"))
        bot = BotProcess(env, Path(folder) / "bot.log").start()
        try:
            print(f"{'walk':<12} {'messages':>8} {'longest':>8} {'to 1st finding':>15} "
                  f"{'taps':>5} {'taps after story':>17}")
            for number, (name, language, pack) in enumerate(WALKS):
                if only and only != name:
                    continue
                w = await walk(server, name, language, pack, 8000 + number)
                msgs, taps = w.first_finding or (0, 0)
                print(f"{name:<12} {w.messages:>8} {max(w.lengths or [0]):>8} "
                      f"{str(msgs) + ' msgs' if w.first_finding else 'never':>15} {taps:>5} "
                      f"{str(w.taps_after_story) if w.taps_after_story is not None else '-':>17}"
                      + (f"  STUCK at: {w.stuck}" if w.stuck else ""))
                if show:
                    print(f"  summary card ({len(w.summary)}):\n    " +
                          w.summary.replace("\n", "\n    "))
                    print(f"  longest ({len(w.longest)}): {w.longest[:100]!r}…")
                over = max(w.lengths or [0]) > 1200
                late = w.taps_after_story is None or w.taps_after_story > 12
                bad += over or late or not w.first_finding
            print("targets: longest <= 1200 characters; first finding within 12 taps after the "
                  "story")
        finally:
            await bot.stop()
            await server.stop()
    return 1 if bad else 0


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", choices=[w[0] for w in WALKS])
    parser.add_argument("--show", action="store_true", help="print each summary card and the "
                        "start of the longest message")
    arguments = parser.parse_args()
    sys.exit(asyncio.run(main(arguments.only, arguments.show)))
