"""The webhook under abuse, against the real bot process (`callshield run` in webhook mode):
the secret before the body, the body cap, slow clients, a connection flood under a low
open-files limit, memory under oversized posts, health endpoints. Timeouts are set short
through the environment (tests/telegram/webhook_kit.py)."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Callable
from pathlib import Path

import aiohttp
from tests.fake_bot_api import FakeBotApi
from tests.telegram.conftest import BotProcess, bot_env, until
from tests.telegram.webhook_kit import (SECRET, LimitedBot, Poster, closed_within,
                                        count_lines, post_head, raw_head, rss_kb, status_of,
                                        wait_ready, webhook_env)

CHAT = 7101


async def start(make_bot: Callable[..., BotProcess], **extra: str) -> tuple[BotProcess, int]:
    env = webhook_env(**extra)
    bot = make_bot(**env)
    port = int(env["CALLSHIELD_WEBHOOK_PORT"])
    await wait_ready(port)
    return bot, port


async def served(server: FakeBotApi, poster: Poster, chat: int, *, retry: bool = False) -> None:
    """One legitimate /start gets 200 (posted again on a refusal when ``retry``, as Telegram
    does) and the bot's welcome."""
    at = len(server.calls)
    update = server.build_update_json("text", chat, "/start")
    if retry:
        await poster.deliver(update, timeout=15)
    else:
        assert await poster.post(update) == 200
    call = await server.wait_for_call("sendMessage", after_index=at, timeout=10)
    assert "Choose your language" in call.params["text"]  # /start: the first screen


async def test_secret_and_size_are_checked_before_the_body_and_health_is_served(
        server: FakeBotApi, make_bot: Callable[..., BotProcess]) -> None:
    bot, port = await start(make_bot)
    for secret in ("wrong", None, SECRET[:-1]):  # a 50 MB body is announced and never sent
        reader, writer = await raw_head(port, post_head(50_000_000, secret))
        assert await status_of(reader, 3) == 403
        assert await closed_within(reader, 3)
        writer.close()
    reader, writer = await raw_head(port, post_head(2_000_000, SECRET))  # declared too big
    assert await status_of(reader, 3) == 413
    writer.close()
    reader, writer = await raw_head(port, post_head(0, SECRET, chunked=True))
    for _ in range(18):  # 1.1 MB in chunks: cut off at the 1 MB cap
        writer.write(b"10000\r\n" + b"{" * 0x10000 + b"\r\n")
        await writer.drain()
    assert await status_of(reader, 3) == 413
    writer.close()
    assert not server.calls_to("sendMessage")  # none of it reached the bot
    poster = Poster(port)
    try:
        await served(server, poster, CHAT)
    finally:
        await poster.close()
    async with aiohttp.ClientSession() as http:
        async with http.get(f"http://127.0.0.1:{port}/healthz") as response:
            health = json.loads(await response.read())
    assert response.status == 200
    assert health["refused"]["bad_secret"] == 3 and health["refused"]["too_large"] == 2
    assert health["updates"] == {"committed": 1}
    async with aiohttp.ClientSession() as http:
        for path, status in (("/readyz", 200), ("/nope", 404)):
            async with http.get(f"http://127.0.0.1:{port}{path}") as response:
                assert response.status == status
                if status == 200:
                    assert json.loads(await response.read()) == {"status": "ready"}
    assert "Traceback" not in bot.output()


async def test_eight_oversized_posts_without_the_secret_cost_no_memory(
        server: FakeBotApi, make_bot: Callable[..., BotProcess]) -> None:
    bot, port = await start(make_bot)
    poster = Poster(port)
    await served(server, poster, CHAT)  # everything lazily loaded is loaded
    assert bot.proc is not None
    pid = bot.proc.pid
    before = peak = rss_kb(pid)
    sending = True

    async def watch() -> None:
        nonlocal peak
        while sending:
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
        except (ConnectionError, OSError):
            pass
        writer.close()
        return sent

    watcher = asyncio.create_task(watch())
    sent = await asyncio.gather(*(attack() for _ in range(8)))
    sending = False
    await watcher
    growth_mb = (peak - before) / 1024
    print(f"RSS before {before / 1024:.1f} MB, peak {peak / 1024:.1f} MB "
          f"(+{growth_mb:.1f} MB); MB accepted per post before the cut: {sent}")
    assert growth_mb < 20
    assert max(sent) < 95  # each was cut off long before its 95 MB were in
    await served(server, poster, CHAT + 1)  # still serving
    await poster.close()


async def test_slow_clients_are_dropped_while_updates_are_served(
        server: FakeBotApi, make_bot: Callable[..., BotProcess]) -> None:
    bot, port = await start(make_bot)  # header and body timeouts: 1 s
    loop = asyncio.get_running_loop()
    opened = loop.time()
    heads = [await raw_head(port, b"POST /tg HTTP/1.1\r\nHost: x\r\n") for _ in range(40)]
    bodies = [await raw_head(port, post_head(1000, SECRET)) for _ in range(10)]
    silent = [await raw_head(port, b"") for _ in range(10)]
    dripping = True

    async def drip() -> None:  # a byte at a time, never finishing
        while dripping:
            for _, writer in heads:
                writer.write(b"X-Slow: 1\r\n")
            for _, writer in bodies:
                writer.write(b"{")
            await asyncio.sleep(0.2)

    dripper = asyncio.create_task(drip())
    poster = Poster(port)
    for n in range(5):
        await served(server, poster, CHAT + n)
    results = await asyncio.gather(*(closed_within(reader, 4) for reader, _ in
                                     heads + bodies + silent))
    elapsed = loop.time() - opened
    dripping = False
    await dripper
    assert all(results) and elapsed < 4.5, (results.count(False), elapsed)
    await poster.close()
    for _, writer in heads + bodies + silent:
        writer.close()
    assert "Traceback" not in bot.output()
    assert count_lines(bot.output(), "too slow to send its header") == 1  # once a minute


async def test_a_connection_flood_under_a_low_file_limit_does_not_lock_out_telegram(
        server: FakeBotApi, packs_dir: Path, tmp_path: Path) -> None:
    env = {**bot_env(server, packs_dir, tmp_path), **webhook_env(
        CALLSHIELD_WEBHOOK_HEADER_TIMEOUT="30")}  # the flood would stay, but for the cap
    port = int(env["CALLSHIELD_WEBHOOK_PORT"])
    bot = LimitedBot(env, tmp_path / "bot.log", nofile=200).start()
    flood: list[tuple[asyncio.StreamReader, asyncio.StreamWriter]] = []
    poster = Poster(port)
    try:
        await wait_ready(port)
        for _ in range(600):  # three times the process's whole file limit
            flood.append(await raw_head(port, b"POST /tg HTTP/1.1\r\n"))
        for n in range(4):  # a refusal while pushed-out connections close is retried
            await served(server, poster, CHAT + n, retry=True)
        assert poster.attempts <= 8, poster.attempts
        output = bot.output()
        assert "Traceback" not in output
        assert count_lines(output, "EMFILE", "Too many open files") <= 1
        assert count_lines(output, "connection cap") == 1  # once a minute, counted
        assert count_lines(output, "was refused") <= 1
    finally:
        await poster.close()
        for _, writer in flood:
            writer.close()
        assert await bot.stop() == 0


async def test_graceful_stop_finishes_the_update_in_hand(
        server: FakeBotApi, make_bot: Callable[..., BotProcess]) -> None:
    bot, port = await start(make_bot)
    poster = Poster(port)
    server.delay_next("sendMessage", 1.5)  # the welcome is slow to go out
    update = server.build_update_json("text", CHAT, "/start")
    posting = asyncio.create_task(poster.post(update))
    await until(lambda: server.delayed_now, 10, "the slow sendMessage")
    assert bot.proc is not None
    bot.proc.terminate()  # SIGTERM while the update is in hand
    assert await posting == 200
    assert await bot.stop() == 0
    output = bot.output()
    assert "finishing the updates in hand" in output and "storage closed" in output
    await poster.close()


async def test_updates_that_cannot_be_parsed_are_skipped_once_without_content(
        server: FakeBotApi, make_bot: Callable[..., BotProcess]) -> None:
    bot, port = await start(make_bot, CALLSHIELD_LOG_LEVEL="DEBUG")  # no content at any level
    server.build_update_json("text", CHAT, "hello")  # the fake Telegram knows the chat
    user = {"id": CHAT, "is_bot": False, "first_name": "SECRET-NAME"}
    chat = {"id": CHAT, "type": "private", "first_name": "SECRET-NAME"}
    poll = {"id": "p1", "question": "SECRET-CONTENT?", "total_voter_count": 0,
            "options": [{"text": "SECRET-CONTENT", "voter_count": 0}], "is_closed": False,
            "is_anonymous": True, "type": "regular", "allows_multiple_answers": False}
    bodies = [  # shapes PTB 22.8 cannot read (a newer Bot API), and garbage
        {"update_id": 5001, "poll_answer": {"poll_id": "p1", "option_ids": [0], "user": user}},
        {"update_id": 5002, "message": {"message_id": 1, "date": 1, "chat": chat,
                                        "from": user, "poll": poll}},
        {"update_id": 5003, "message": "SECRET-CONTENT"},
        b"SECRET-CONTENT{not json",
        b'["SECRET-CONTENT"]',
    ]
    poster = Poster(port)
    try:
        async with aiohttp.ClientSession() as http:
            for body in bodies:
                data = body if isinstance(body, bytes) else json.dumps(body).encode()
                async with http.post(poster.url, data=data, headers={
                        "X-Telegram-Bot-Api-Secret-Token": SECRET}) as response:
                    assert response.status == 200  # never to be retried for ever
        unknown = {"update_id": 5004, "some_future_update": {"text": "SECRET-CONTENT"}}
        assert await poster.post(unknown) == 200  # a type we do not know: skipped, counted
        await served(server, poster, CHAT)  # and everyone else is still served
        async with aiohttp.ClientSession() as http:
            async with http.get(f"http://127.0.0.1:{port}/healthz") as response:
                health = json.loads(await response.read())
    finally:
        await poster.close()
    assert health["unparseable"] == 5 and health["unknown_type"] == 1
    assert health["updates"] == {"committed": 1}
    output = bot.output()
    for line in ("update 5001 (poll_answer) cannot be parsed (TypeError)",
                 "update 5002 (message) cannot be parsed (TypeError)",
                 "update 5003 (message) cannot be parsed (AttributeError)"):
        assert count_lines(output, line) == 1, line
    assert count_lines(output, "not a Telegram update") == 2
    assert count_lines(output, "update 5004 of unknown type some_future_update") == 1
    kind = [m for m in server.chat_messages(CHAT) if "I can only read" in (m.text or "")]
    assert kind, "the private chat whose poll could not be read is told so"
    assert "SECRET" not in output and "Traceback" not in output
