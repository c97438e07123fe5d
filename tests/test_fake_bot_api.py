"""The fake Bot API server must behave like Telegram for a real PTB client over real HTTP.

If the fake is more lenient than Telegram, bot tests pass against it and the bot fails in
production; these tests pin the behaviour (and the exact error wording) the bot will meet.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import time
from typing import Any

import aiohttp
import pytest
import telegram
from telegram import InlineKeyboardButton as Button
from telegram import InlineKeyboardMarkup as Markup
from telegram.error import BadRequest, Conflict, Forbidden, InvalidToken, NetworkError, RetryAfter

from tests.fake_bot_api import FakeBotApi

CHAT = 4242


@pytest.fixture(autouse=True)
def ptb_timedelta(monkeypatch: pytest.MonkeyPatch) -> None:
    """PTB 22 warns on int durations (retry_after, duration) unless opted in to timedelta;
    with warnings as errors that warning would replace the exception under test."""
    monkeypatch.setenv("PTB_TIMEDELTA", "1")


@pytest.fixture
async def server() -> Any:
    fake = FakeBotApi()
    await fake.start()
    yield fake
    await fake.stop()


@pytest.fixture
async def bot(server: FakeBotApi) -> Any:
    client = telegram.Bot(server.token, base_url=server.base_url,
                          base_file_url=server.base_file_url)
    async with client:
        yield client


@pytest.fixture
async def http() -> Any:
    async with aiohttp.ClientSession() as session:
        yield session


@pytest.fixture
def chat(server: FakeBotApi) -> int:
    """A private chat the bot knows, because the user wrote /start."""
    server.user_sends_text(CHAT, "/start")
    return CHAT


async def call(http: aiohttp.ClientSession, server: FakeBotApi, method: str,
               **params: Any) -> tuple[int, dict[str, Any]]:
    async with http.post(f"{server.base_url}{server.token}/{method}", json=params) as resp:
        return resp.status, await resp.json()


def bad(description: str) -> tuple[int, dict[str, Any]]:
    return 400, {"ok": False, "error_code": 400, "description": f"Bad Request: {description}"}


def keyboard(*data: str) -> dict[str, Any]:
    row = [{"text": f"b{i}", "callback_data": d} for i, d in enumerate(data)]
    return {"inline_keyboard": [row]}


# -- identity, polling ------------------------------------------------------------------------
async def test_get_me(bot: telegram.Bot, server: FakeBotApi) -> None:
    me = await bot.get_me()
    assert (me.id, me.is_bot, me.username) == (123456, True, "callshield_test_bot")
    assert server.calls[-1].method == "getMe" and server.calls[-1].ok


async def test_long_poll_returns_as_soon_as_a_message_arrives(
        bot: telegram.Bot, server: FakeBotApi) -> None:
    started = time.monotonic()
    poll = asyncio.create_task(bot.get_updates(timeout=5))
    await asyncio.sleep(0.2)
    update_id = server.user_sends_text(CHAT, "/start payload")
    updates = await poll
    assert time.monotonic() - started < 2
    assert [u.update_id for u in updates] == [update_id]
    message = updates[0].message
    assert message.text == "/start payload" and message.chat.id == CHAT
    assert message.from_user.language_code == "en"
    assert message.parse_entities(["bot_command"]) == {message.entities[0]: "/start"}


async def test_long_poll_waits_for_its_timeout_when_nothing_comes(bot: telegram.Bot) -> None:
    started = time.monotonic()
    assert await bot.get_updates(timeout=1) == ()
    assert time.monotonic() - started >= 0.9


async def test_offset_confirms_updates(bot: telegram.Bot, server: FakeBotApi) -> None:
    ids = [server.user_sends_text(CHAT, f"m{i}") for i in range(3)]
    assert [u.update_id for u in await bot.get_updates()] == ids
    assert [u.update_id for u in await bot.get_updates(offset=ids[1])] == ids[1:]
    assert await bot.get_updates(offset=ids[2] + 1) == ()
    assert server.pending_updates == []


async def test_second_poller_terminates_the_first(bot: telegram.Bot, server: FakeBotApi) -> None:
    first = asyncio.create_task(bot.get_updates(timeout=5))
    await asyncio.sleep(0.2)
    async with telegram.Bot(server.token, base_url=server.base_url) as other:
        await other.get_updates(timeout=0)
    with pytest.raises(Conflict, match="(?i)terminated by other getupdates request"):
        await first


async def test_get_updates_refused_while_webhook_is_set(bot: telegram.Bot,
                                                        server: FakeBotApi) -> None:
    assert await bot.set_webhook("https://example.org/hook", secret_token="s3cret")
    assert (await bot.get_webhook_info()).url == "https://example.org/hook"
    with pytest.raises(Conflict, match="(?i)webhook is active"):
        await bot.get_updates()
    with pytest.raises(BadRequest, match="(?i)https url must be provided"):
        await bot.set_webhook("http://example.org/hook")
    assert await bot.delete_webhook()
    assert await bot.get_updates() == ()


# -- sending and editing ----------------------------------------------------------------------
async def test_send_edit_round_trip(bot: telegram.Bot, server: FakeBotApi, chat: int) -> None:
    sent = await bot.send_message(chat, "<b>Step 1</b> of 2", parse_mode="HTML",
                                  reply_markup=Markup([[Button("Next", callback_data="next")]]))
    assert sent.text == "Step 1 of 2" and sent.entities[0].type == "bold"
    await bot.edit_message_text("Step 2 of 2", chat, sent.message_id,
                                reply_markup=Markup([[Button("Done", callback_data="done")]]))
    again = Markup([[Button("Again", callback_data="a")]])
    await bot.edit_message_reply_markup(chat, sent.message_id, reply_markup=again)
    [msg] = server.chat_messages(chat)
    assert (msg.message_id, msg.text, msg.deleted) == (sent.message_id, "Step 2 of 2", False)
    assert msg.buttons() == [{"text": "Again", "callback_data": "a"}]
    assert msg.history == ["<b>Step 1</b> of 2"]
    assert await bot.delete_message(chat, sent.message_id)
    assert server.chat_messages(chat)[0].deleted and server.last_message(chat) is None


async def test_not_modified_surfaces_as_bad_request(bot: telegram.Bot, chat: int) -> None:
    markup = Markup([[Button("Yes", callback_data="yes")]])
    sent = await bot.send_message(chat, "Same", reply_markup=markup)
    with pytest.raises(BadRequest, match="(?i)message is not modified: specified new message"):
        await bot.edit_message_text("Same", chat, sent.message_id, reply_markup=markup)
    # Leaving out reply_markup removes the keyboard: that is a modification.
    await bot.edit_message_text("Same", chat, sent.message_id)
    with pytest.raises(BadRequest, match="(?i)message is not modified"):
        await bot.edit_message_reply_markup(chat, sent.message_id)


async def test_callback_query_and_its_single_answer(bot: telegram.Bot, server: FakeBotApi,
                                                    chat: int) -> None:
    sent = await bot.send_message(chat, "Pick", reply_markup=Markup(
        [[Button("A", callback_data="pick:a")]]))
    server.user_presses_button(chat, sent.message_id, "pick:a")
    *_, update = await bot.get_updates()
    query = update.callback_query
    assert (query.data, query.message.message_id, query.from_user.id) == ("pick:a",
                                                                          sent.message_id, chat)
    assert await bot.answer_callback_query(query.id, text="Saved")
    with pytest.raises(BadRequest, match="(?i)query is too old"):
        await bot.answer_callback_query(query.id)
    with pytest.raises(ValueError):
        server.user_presses_button(chat, sent.message_id, "pick:zzz")


async def test_user_media_updates_parse_in_ptb(bot: telegram.Bot, server: FakeBotApi) -> None:
    server.user_sends_sticker(CHAT)
    server.user_sends_photo(CHAT, data=b"jpeg-bytes", caption="receipt")
    server.user_sends_voice(CHAT, duration=7)
    server.user_sends_location(CHAT, 59.93, 30.31)
    sticker, photo, voice, location = [u.message for u in await bot.get_updates()]
    assert sticker.sticker.emoji == "👍" and voice.voice.duration == dt.timedelta(seconds=7)
    assert (location.location.latitude, location.location.longitude) == (59.93, 30.31)
    assert photo.caption == "receipt"
    data = await (await bot.get_file(photo.photo[-1].file_id)).download_as_bytearray()
    assert bytes(data) == b"jpeg-bytes"


async def test_built_and_injected_updates(bot: telegram.Bot, server: FakeBotApi) -> None:
    built = server.build_update_json("text", CHAT, "hello", first_name="Ann")
    assert server.pending_updates == []
    assert telegram.Update.de_json(built, bot).message.from_user.first_name == "Ann"
    server.inject_update(built)
    server.inject_update(built)  # Telegram may deliver the same update twice
    assert [u.update_id for u in await bot.get_updates()] == [built["update_id"]] * 2


# -- files ------------------------------------------------------------------------------------
async def test_send_document_keeps_exact_bytes_and_filename(
        bot: telegram.Bot, server: FakeBotApi, chat: int) -> None:
    payload = bytes(range(256)) * 40 + "Претензия".encode()
    sent = await bot.send_document(chat, payload, filename="Претензия №1.pdf",
                                   caption="<i>Your letter</i>", parse_mode="HTML")
    [doc] = server.documents(chat)
    assert (doc.filename, doc.data, doc.content_type) == ("Претензия №1.pdf", payload,
                                                          "application/pdf")
    assert sent.document.file_name == "Претензия №1.pdf" and sent.caption == "Your letter"
    assert server.calls_to("sendDocument")[0].files["document"] == doc
    again = await bot.send_document(chat, sent.document.file_id)  # by file_id: no upload
    assert again.document.file_id == sent.document.file_id and len(server.documents(chat)) == 2


async def test_user_document_get_file_and_download(bot: telegram.Bot, server: FakeBotApi) -> None:
    contents = b"%PDF-1.7\n" + bytes(range(256)) * 100
    server.user_sends_document(CHAT, "loan_contract.pdf", contents)
    [update] = await bot.get_updates()
    document = update.message.document
    assert (document.file_name, document.file_size) == ("loan_contract.pdf", len(contents))
    tg_file = await bot.get_file(document.file_id)
    assert bytes(await tg_file.download_as_bytearray()) == contents
    with pytest.raises(BadRequest, match="(?i)invalid file_id"):
        await bot.get_file("no-such-file")


# -- commands ---------------------------------------------------------------------------------
async def test_set_my_commands_per_language_and_scope(bot: telegram.Bot,
                                                      server: FakeBotApi) -> None:
    await bot.set_my_commands([("start", "Start"), ("help", "Help")])
    await bot.set_my_commands([("start", "Начать")], language_code="ru")
    await bot.set_my_commands([("admin", "Admin")], scope=telegram.BotCommandScopeChat(CHAT))
    assert [c.description for c in await bot.get_my_commands(language_code="ru")] == ["Начать"]
    assert [c.command for c in await bot.get_my_commands()] == ["start", "help"]
    assert server.commands({"type": "chat", "chat_id": CHAT}) == [
        {"command": "admin", "description": "Admin"}]
    await bot.delete_my_commands(language_code="ru")
    assert await bot.get_my_commands(language_code="ru") == ()
    with pytest.raises(BadRequest, match="(?i)bot_command_invalid"):
        await bot.set_my_commands([("Start", "Capital letters are not allowed")])


# -- injected failures ------------------------------------------------------------------------
async def test_fail_next_429_surfaces_as_retry_after(bot: telegram.Bot, server: FakeBotApi,
                                                     http: aiohttp.ClientSession,
                                                     chat: int) -> None:
    server.fail_next("sendMessage")
    with pytest.raises(RetryAfter) as raised:
        await bot.send_message(chat, "hello")
    assert raised.value.retry_after == dt.timedelta(seconds=1)
    assert server.chat_messages(chat) == []
    await bot.send_message(chat, "hello")  # only the next call failed
    server.fail_next("SENDMESSAGE", retry_after=3, description="Too Many Requests: retry after 3")
    assert await call(http, server, "sendMessage", chat_id=chat, text="x") == (429, {
        "ok": False, "error_code": 429, "description": "Too Many Requests: retry after 3",
        "parameters": {"retry_after": 3}})


async def test_drop_next_surfaces_as_network_error(bot: telegram.Bot, server: FakeBotApi,
                                                   chat: int) -> None:
    server.drop_next("sendMessage")
    with pytest.raises(NetworkError):
        await bot.send_message(chat, "lost")
    assert server.calls_to("sendMessage")[0].dropped
    assert (await bot.send_message(chat, "delivered")).text == "delivered"


async def test_delay_next_holds_one_call_back(bot: telegram.Bot, server: FakeBotApi,
                                             chat: int) -> None:
    server.delay_next("sendMessage", 0.5)
    started = time.monotonic()
    slow = asyncio.create_task(bot.send_message(chat, "slow"))
    await asyncio.sleep(0.2)
    assert server.delayed_now == ["sendMessage"] and not server.calls_to("sendMessage")
    assert (await slow).text == "slow" and time.monotonic() - started >= 0.5
    assert server.delayed_now == []
    started = time.monotonic()
    await bot.send_message(chat, "next one is not held")
    assert time.monotonic() - started < 0.5


async def test_wrong_token_is_invalid_token(server: FakeBotApi,
                                            http: aiohttp.ClientSession) -> None:
    with pytest.raises(InvalidToken):
        async with telegram.Bot("999:WRONG", base_url=server.base_url):
            pass
    async with http.post(f"{server.base_url}999:WRONG/getMe") as resp:
        assert (resp.status, await resp.json()) == (401, {
            "ok": False, "error_code": 401, "description": "Unauthorized"})


async def test_blocked_user_is_forbidden(bot: telegram.Bot, server: FakeBotApi, chat: int) -> None:
    server.user_blocks_bot(chat)
    with pytest.raises(Forbidden, match="(?i)bot was blocked by the user"):
        await bot.send_message(chat, "hi")


async def test_wait_for_call_times_out_with_context(server: FakeBotApi) -> None:
    with pytest.raises(TimeoutError, match="no matching sendMessage call"):
        await server.wait_for_call("sendMessage", timeout=0.2)


async def test_stop_answers_a_pending_long_poll(server: FakeBotApi,
                                                http: aiohttp.ClientSession) -> None:
    poll = asyncio.create_task(call(http, server, "getUpdates", timeout=30))
    await asyncio.sleep(0.2)
    started = time.monotonic()
    await server.stop()
    assert (await poll) == (200, {"ok": True, "result": []})
    assert time.monotonic() - started < 3


# -- honesty checks, each worded as Telegram words it -----------------------------------------
CJK_22 = "中" * 22  # 66 bytes in UTF-8 although only 22 characters
REJECTED = [
    pytest.param("sendMessage", {"chat_id": CHAT}, bad("message text is empty"), id="no-text"),
    pytest.param("sendMessage", {"chat_id": CHAT, "text": " \n "}, bad("message text is empty"),
                 id="blank-text"),
    pytest.param("sendMessage", {"text": "hi"}, bad('parameter "chat_id" is required'),
                 id="no-chat-id"),
    pytest.param("sendChatAction", {"chat_id": CHAT}, bad('parameter "action" is required'),
                 id="no-action"),
    pytest.param("deleteMessage", {"chat_id": CHAT}, bad('parameter "message_id" is required'),
                 id="no-message-id"),
    pytest.param("sendMessage", {"chat_id": 777, "text": "hi"}, bad("chat not found"),
                 id="unknown-chat"),
    pytest.param("sendMessage", {"chat_id": CHAT, "text": "x" * 4097},
                 bad("message is too long"), id="4097-chars"),
    pytest.param("sendMessage", {"chat_id": CHAT, "text": "😀" * 2049},
                 bad("message is too long"), id="4098-utf16-units"),
    pytest.param("sendMessage", {"chat_id": CHAT, "text": "hi",
                                 "reply_markup": keyboard("x" * 65)},
                 bad("BUTTON_DATA_INVALID"), id="65-byte-callback-data"),
    pytest.param("sendMessage", {"chat_id": CHAT, "text": "hi",
                                 "reply_markup": keyboard(CJK_22)},
                 bad("BUTTON_DATA_INVALID"), id="22-cjk-chars-callback-data"),
    pytest.param("sendMessage", {"chat_id": CHAT, "text": "hi", "reply_markup": keyboard("")},
                 bad("BUTTON_DATA_INVALID"), id="empty-callback-data"),
    pytest.param("sendMessage", {"chat_id": CHAT, "text": "hi",
                                 "reply_markup": {"inline_keyboard": [[{"text": "bare"}]]}},
                 bad("can't parse inline keyboard button: Text buttons are unallowed in the "
                     "inline keyboard"), id="button-without-action"),
    pytest.param("editMessageText", {"chat_id": CHAT, "message_id": 999, "text": "x"},
                 bad("message to edit not found"), id="edit-missing-message"),
    pytest.param("editMessageText", {"chat_id": CHAT, "message_id": 1, "text": "x"},
                 bad("message can't be edited"), id="edit-user-message"),
    pytest.param("editMessageText", {"chat_id": CHAT, "message_id": 2},
                 bad("message text is empty"), id="edit-without-text"),
    pytest.param("deleteMessage", {"chat_id": CHAT, "message_id": 999},
                 bad("message to delete not found"), id="delete-missing-message"),
    pytest.param("answerCallbackQuery", {"callback_query_id": "12345"},
                 bad("query is too old and response timeout expired or query ID is invalid"),
                 id="unknown-callback-query"),
    pytest.param("sendChatAction", {"chat_id": CHAT, "action": "dancing"},
                 bad("wrong parameter action in request"), id="bad-chat-action"),
    pytest.param("sendPhoto", {"chat_id": CHAT, "photo": "x"}, bad("not supported by the fake"),
                 id="unmodelled-method"),
]
HTML_REJECTED = [
    ("1 < 2", 'Unsupported start tag "" at byte offset 2'),
    ("<div>x</div>", 'Unsupported start tag "div" at byte offset 0'),
    ("Привет <b>мир", 'Can\'t find end tag corresponding to start tag "b"'),
    ("<b>x</i>", 'Unmatched end tag at byte offset 4, expected "</b>", found "</i>"'),
    ("x</b>", "Unexpected end tag at byte offset 1"),
    ("Я <span>x</span>", 'Tag "span" must have class "tg-spoiler" at byte offset 3'),
    ("AT&T", 'Unescaped "&" at byte offset 2'),
    ("<b", "Unclosed start tag at byte offset 0"),
    ("line<br>break", 'Unsupported start tag "br" at byte offset 4'),
    ("<tg-emoji>👍</tg-emoji>", "Invalid custom emoji identifier specified"),
]


@pytest.mark.parametrize(("method", "params", "expected"), REJECTED)
async def test_rejected_like_telegram(server: FakeBotApi, http: aiohttp.ClientSession, chat: int,
                                      method: str, params: dict[str, Any],
                                      expected: tuple[int, dict[str, Any]]) -> None:
    await call(http, server, "sendMessage", chat_id=chat, text="a bot message")  # message_id 2
    assert await call(http, server, method, **params) == expected
    assert server.calls[-1].error == expected[1]["description"]


@pytest.mark.parametrize(("html", "reason"), HTML_REJECTED)
async def test_bad_html_rejected(server: FakeBotApi, http: aiohttp.ClientSession, chat: int,
                                 html: str, reason: str) -> None:
    expected = bad(f"can't parse entities: {reason}")
    assert await call(http, server, "sendMessage", chat_id=chat, text=html,
                      parse_mode="HTML") == expected


async def test_limits_and_good_html_accepted(server: FakeBotApi, http: aiohttp.ClientSession,
                                             chat: int) -> None:
    html = ('<b>b</b> <strong>s</strong> <i>i</i> <em>e</em> <u>u</u> <ins>n</ins> <s>s</s> '
            '<strike>k</strike> <del>d</del> <span class="tg-spoiler">p</span> '
            '<tg-spoiler>q</tg-spoiler> <a href="https://example.org/?a=1&amp;b=2">link</a> '
            '<code>c</code> <pre><code class="language-python">x = 1</code></pre> '
            '<blockquote>quote</blockquote> <blockquote expandable>more</blockquote> '
            '<tg-emoji emoji-id="5368324170671202286">👍</tg-emoji> 1 &lt; 2 &amp;&quot;&#33;')
    status, body = await call(http, server, "sendMessage", chat_id=chat, text=html,
                              parse_mode="HTML")
    assert status == 200, body
    assert body["result"]["text"].endswith('👍 1 < 2 &"!')
    types = [e["type"] for e in body["result"]["entities"]]
    assert types.count("bold") == 2 and "expandable_blockquote" in types
    pre = next(e for e in body["result"]["entities"] if e["type"] == "pre")
    assert pre["language"] == "python"
    at_limits = [("x" * 4096, None), ("😀" * 2048, None), ("<b>" + "y" * 4096 + "</b>", None),
                 ("ok", keyboard("x" * 64, "中" * 21))]
    for text, markup in at_limits:
        params = {"chat_id": chat, "text": text, "parse_mode": "HTML"}
        if markup:
            params["reply_markup"] = markup
        assert (await call(http, server, "sendMessage", **params))[0] == 200


async def test_unknown_method_and_case_insensitive_names(server: FakeBotApi,
                                                         http: aiohttp.ClientSession) -> None:
    assert await call(http, server, "sendTelepathy") == (404, {
        "ok": False, "error_code": 404, "description": "Not Found"})
    assert (server.failed_calls[-1].method, server.failed_calls[-1].status) == ("sendTelepathy",
                                                                                404)
    assert (await call(http, server, "GETME"))[1]["result"]["username"] == "callshield_test_bot"
    assert server.calls[-1].method == "getMe"
    assert await call(http, server, "setChatTitle", chat_id=CHAT, title="t") == (200, {
        "ok": True, "result": True})  # spec method returning True: accepted


async def test_every_encoding_is_accepted(server: FakeBotApi, http: aiohttp.ClientSession,
                                          chat: int) -> None:
    url = f"{server.base_url}{server.token}"
    markup = '{"inline_keyboard": [[{"text": "A", "callback_data": "a"}]]}'
    async with http.get(f"{url}/sendMessage", params={"chat_id": str(chat), "text": "q"}) as r:
        assert r.status == 200
    async with http.post(f"{url}/sendMessage", data={"chat_id": str(chat), "text": "f",
                                                    "reply_markup": markup}) as r:
        assert r.status == 200
    form = aiohttp.FormData()
    form.add_field("chat_id", str(chat))
    form.add_field("document", b"\x00\x01raw", filename="a.bin",
                   content_type="application/octet-stream")
    async with http.post(f"{url}/sendDocument", data=form) as r:
        assert r.status == 200
    async with http.post(f"{url}/sendMessage", json={"chat_id": chat, "text": "j",
                                                     "reply_markup": markup}) as r:
        assert r.status == 200
    texts = [m.text for m in server.chat_messages(chat)]
    assert texts == ["q", "f", None, "j"]
    assert server.chat_messages(chat)[1].buttons() == [{"text": "A", "callback_data": "a"}]
    assert server.documents(chat)[0].data == b"\x00\x01raw"


async def test_caption_too_long(server: FakeBotApi, http: aiohttp.ClientSession,
                                chat: int) -> None:
    form = aiohttp.FormData()
    form.add_field("chat_id", str(chat))
    form.add_field("caption", "c" * 1025)
    form.add_field("document", b"data", filename="a.txt")
    async with http.post(f"{server.base_url}{server.token}/sendDocument", data=form) as r:
        assert (r.status, await r.json()) == bad("message caption is too long")


async def test_ptb_application_polls_and_replies(server: FakeBotApi) -> None:
    """End to end as the bot runs: PTB's Updater long-polls, handlers reply and edit."""
    from telegram.ext import ApplicationBuilder, CallbackQueryHandler, CommandHandler

    async def start(update: telegram.Update, context: Any) -> None:
        await update.message.reply_html("<b>Hello</b>, how can I help?", reply_markup=Markup(
            [[Button("My rights", callback_data="rights")]]))

    async def pressed(update: telegram.Update, context: Any) -> None:
        await update.callback_query.answer()
        await update.callback_query.edit_message_text("Your rights: …")

    app = (ApplicationBuilder().token(server.token).base_url(server.base_url)
           .base_file_url(server.base_file_url).build())
    app.add_handler(CommandHandler("start", start))
    app.add_handler(CallbackQueryHandler(pressed))
    async with app:
        await app.start()
        await app.updater.start_polling(poll_interval=0, timeout=5)
        server.user_sends_text(CHAT, "/start")
        reply = await server.wait_for_call("sendMessage", timeout=5)
        server.user_presses_button(CHAT, reply.result["message_id"], "rights")
        await server.wait_for_call("editMessageText", timeout=5)
        await app.updater.stop()
        await app.stop()
    assert server.calls_to("answerCallbackQuery")[0].ok
    assert [m.text for m in server.chat_messages(CHAT)] == ["Your rights: …"]
    assert server.failed_calls == [] and server.unanswered_callback_queries() == []


async def test_restart_keeps_port_and_state(bot: telegram.Bot, server: FakeBotApi,
                                            chat: int) -> None:
    root = server.api_root
    await bot.send_message(chat, "before")
    await server.stop()
    with pytest.raises(NetworkError):
        await bot.send_message(chat, "while down")
    await server.start()
    assert server.api_root == root
    await bot.send_message(chat, "after")
    assert [m.text for m in server.chat_messages(chat)] == ["before", "after"]


async def test_watch_yields_every_call_in_order_as_it_comes(bot: telegram.Bot,
                                                            server: FakeBotApi,
                                                            chat: int) -> None:
    await bot.send_message(chat, "before")
    seen: list[str] = []

    async def watcher() -> None:
        async for call in server.watch(after_index=len(server.calls)):
            seen.append(call.params.get("text", call.method))
            if len(seen) == 3:
                return

    task = asyncio.create_task(watcher())
    for text in ("one", "two"):
        await bot.send_message(chat, text)
    await asyncio.sleep(0.05)  # the watcher is now waiting for a call that has not come
    await bot.send_message(chat, "three")
    await asyncio.wait_for(task, 5)
    assert seen == ["one", "two", "three"]
