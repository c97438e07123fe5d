"""Health and readiness in polling mode (CALLSHIELD_HEALTH_PORT), against the real bot process;
webhook mode answers them on the webhook's port (test_webhook_limits.py)."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Callable
from pathlib import Path

import aiohttp

from bot.telegram.health import Health
from storage import open_store
from tests.fake_bot_api import FakeBotApi
from tests.telegram.conftest import BotProcess, Chat, free_port
from tests.telegram.webhook_kit import wait_ready


async def test_polling_mode_answers_health_and_readiness(
        server: FakeBotApi, make_bot: Callable[..., BotProcess]) -> None:
    port = free_port()
    bot = make_bot(CALLSHIELD_HEALTH_PORT=str(port))
    await wait_ready(port)
    await Chat(server, 7301).say("/start", "Choose your language", timeout=30)  # the first screen
    async with aiohttp.ClientSession() as http:
        for _ in range(100):  # counted once committed, a moment after the reply went out
            async with http.get(f"http://127.0.0.1:{port}/healthz") as response:
                alive = json.loads(await response.read())
            if alive["updates"]:
                break
            await asyncio.sleep(0.05)
        async with http.get(f"http://127.0.0.1:{port}/readyz") as response:
            ready = response.status, json.loads(await response.read())
        async with http.post(f"http://127.0.0.1:{port}/tg", data=b"{}") as response:
            assert response.status == 404  # health only: no webhook here
    assert alive["status"] == "alive" and alive["updates"] == {"committed": 1}
    assert ready == (200, {"status": "ready"})
    assert await bot.stop() == 0
    assert "Traceback" not in bot.output()


async def test_readiness_names_what_is_missing(tmp_path: Path) -> None:
    store = await open_store(tmp_path / "bot.sqlite3")
    packs, stopping = [True], [False]
    health = Health(store, lambda: packs[0], lambda: stopping[0], lambda: None)
    assert await health.answer("readyz") == (200, b'{"status": "ready"}')
    packs[0] = False
    assert json.loads((await health.answer("readyz"))[1])["reason"] == "no pack loaded"
    packs[0], stopping[0] = True, True
    assert await health.answer("readyz") == (
        503, b'{"reason": "stopping", "status": "not ready"}')
    stopping[0] = False
    await store.close()  # the store cannot answer
    status, body = await health.answer("readyz")
    assert status == 503 and json.loads(body)["reason"] == "storage: StorageError"
    assert (await health.answer("healthz"))[0] == 200  # alive all the same
