"""Language, commands, data export and deletion, duplicates and webhook mode, end to end."""

from __future__ import annotations

import json
from collections.abc import Callable

import aiohttp

from bot.telegram.texts import COMMANDS, TEXTS, language_from_code
from tests.fake_bot_api import FakeBotApi
from tests.telegram.conftest import BotProcess, Chat, free_port, until

CHAT = 6001


def test_language_codes_and_every_string_translated() -> None:
    assert [language_from_code(c) for c in ("zh-cn", "zh-SG", "zh", "zh-tw", "zh-hk",
                                             "zh-hant", "en", "ru", None)] == [
        "zh-Hans", "zh-Hans", "zh-Hans", "zh-Hant", "zh-Hant", "zh-Hant", "en", "en", "en"]
    for table in TEXTS.values():
        assert set(table) == set(TEXTS["en"])


async def test_language_from_telegram_switch_and_commands(
        server: FakeBotApi, make_bot: Callable[..., BotProcess]) -> None:
    make_bot()
    chat = Chat(server, CHAT, language_code="zh-cn")
    first = await chat.say("/start", "选择语言", timeout=30)  # language first, zh-cn marked
    assert "\u2705 简体中文" in [b["text"] for b in first.buttons()]
    await chat.press("l:zh-Hans", "不是法律意见")
    await chat.press("j:demo", "您想做什么")
    await chat.press("m:interview", "谁联系了您")
    await chat.say("/language", "请选择语言")
    await chat.press("l:en", "Who contacted you?")
    assert server.commands(language_code="") == [
        {"command": c, "description": d} for c, d in COMMANDS["en"]]
    assert server.commands(language_code="zh")[0]["description"] == "菜单"
    assert not server.failed_calls


async def test_export_and_delete(server: FakeBotApi,
                                 make_bot: Callable[..., BotProcess]) -> None:
    make_bot()
    chat = Chat(server, CHAT)
    await chat.say("/start", "Choose your language", timeout=30)
    await chat.press("l:en", "Where is the lender")
    await chat.press("j:demo", "What would you like to do")
    await chat.press("m:interview", "Who contacted you?")
    await chat.press("c:caller:lender", "What is the lender called?")
    await chat.say("Huijin", "When did they contact you?")
    at = chat.mark()
    server.user_sends_text(CHAT, "/export_my_data")
    call = await server.wait_for_call("sendDocument", after_index=at)
    assert call.ok
    data = json.loads(server.documents(CHAT)[-1].data)
    assert "Huijin" in json.dumps(data, ensure_ascii=False)
    await chat.say("/delete_my_data", "Are you sure?")
    await chat.press("x:yes", "is deleted")
    at = chat.mark()
    server.user_sends_text(CHAT, "/export_my_data")
    await server.wait_for_call("sendDocument", after_index=at)
    assert "Huijin" not in server.documents(CHAT)[-1].data.decode()
    # a fresh start: jurisdiction forgotten, so language first again, then the region
    await chat.say("hello", "Choose your language")
    await chat.press("l:en", "Where is the lender")


async def test_repeated_update_is_handled_once(server: FakeBotApi,
                                               make_bot: Callable[..., BotProcess]) -> None:
    make_bot()
    chat = Chat(server, CHAT)
    raw = server.build_update_json("text", CHAT, "/help")
    at = chat.mark()
    server.inject_update(raw)
    server.inject_update(raw)
    server.user_sends_text(CHAT, "/privacy")
    await chat.expect("Settings and privacy", at, timeout=30)  # the bot may still be starting
    helps = [c for c in server.calls_to("sendMessage")[0:] if "/restart" in c.params["text"]]
    assert len(helps) == 1


async def test_webhook_rejects_wrong_secret(server: FakeBotApi,
                                            make_bot: Callable[..., BotProcess]) -> None:
    port = free_port()
    url = f"http://127.0.0.1:{port}/tg"
    make_bot(CALLSHIELD_WEBHOOK_URL=url, CALLSHIELD_WEBHOOK_LISTEN="127.0.0.1",
             CALLSHIELD_WEBHOOK_PORT=str(port), CALLSHIELD_WEBHOOK_SECRET="s3cret_ok")
    await until(lambda: server.webhook.get("url") == url, 20, "setWebhook")
    update = server.build_update_json("text", CHAT, "/start")
    async with aiohttp.ClientSession() as http:
        async def post(secret: str) -> int:
            async with http.post(url, json=update,
                                 headers={"X-Telegram-Bot-Api-Secret-Token": secret}) as resp:
                return resp.status

        async def listening() -> bool:
            try:
                await post("probe-wrong")
                return True
            except aiohttp.ClientConnectionError:
                return False

        for _ in range(100):
            if await listening():
                break
            await until(lambda: True)
        at = len(server.calls)
        assert await post("wrong") == 403
        assert not server.calls_to("sendMessage")
        assert await post("s3cret_ok") == 200
        call = await server.wait_for_call("sendMessage", after_index=at)
        assert "Choose your language" in call.params["text"]  # /start: the first screen
