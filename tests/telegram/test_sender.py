"""The Sender's requests are the ones python-telegram-bot's own methods make.

Sender skips ``Bot.send_message`` (which builds a ``telegram.Message`` from every answer) and
posts through the bot's request path; these tests record the real requests of a real ``ExtBot``
both ways, so an upgrade of python-telegram-bot that changes either shows here.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from telegram import InlineKeyboardButton, InlineKeyboardMarkup
from telegram.constants import ParseMode
from telegram.error import BadRequest
from telegram.ext import ExtBot
from telegram.request import RequestData

from bot.telegram.keyboard import keyboard
from bot.telegram.render import Out
from bot.telegram.sender import NO_PREVIEW, Sender
from tests.telegram.offline import OfflineRequest, ok, sent_message

TOKEN = "123456:TEST-TOKEN"


class Recorder(OfflineRequest):
    """Keeps every request's method and JSON parameters; answers like Telegram."""

    def __init__(self, refuse: str | None = None) -> None:
        self.calls: list[tuple[str, dict[str, Any]]] = []
        self.refuse = refuse

    def answer(self, method: str, request_data: RequestData | None) -> tuple[int, bytes]:
        params = request_data.json_parameters if request_data else {}
        self.calls.append((method, params))
        if self.refuse:
            return 400, json.dumps({"ok": False, "error_code": 400,
                                    "description": self.refuse}).encode()
        return ok(sent_message(params, 7))


def spec() -> tuple[tuple[tuple[str, str], ...], ...]:
    return ((("Yes", "c:q:yes"), ("No", "c:q:no")), (("Back", "b"),))


async def both_ways(refuse: str | None = None) -> tuple[Recorder, ExtBot[Any], Sender]:
    request = Recorder(refuse)
    bot: ExtBot[Any] = ExtBot(TOKEN, request=request, get_updates_request=Recorder())
    return request, bot, Sender(bot, 42)


async def test_send_matches_send_message() -> None:
    request, bot, sender = await both_ways()
    out = Out("<b>Who</b> &amp; when?", keyboard(spec()))
    await bot.send_message(42, out.text, parse_mode=ParseMode.HTML, reply_markup=out.markup,
                           link_preview_options=NO_PREVIEW)
    await sender.send(out)
    (method_a, via_ptb), (method_b, via_sender) = request.calls
    assert method_a == method_b == "sendMessage"
    assert via_sender == via_ptb
    assert json.loads(via_sender["reply_markup"])["inline_keyboard"][0][1] == \
        {"text": "No", "callback_data": "c:q:no"}


async def test_send_without_keyboard_sends_no_markup() -> None:
    request, bot, sender = await both_ways()
    await sender.send(Out("plain"))
    assert request.calls == [("sendMessage", {"chat_id": "42", "text": "plain",
                                              "parse_mode": "HTML",
                                              "link_preview_options": '{"is_disabled": true}'})]


async def test_edit_matches_edit_message_text() -> None:
    request, bot, sender = await both_ways()
    out = Out("Next?", keyboard(spec()))
    await bot.edit_message_text(out.text, chat_id=42, message_id=9, parse_mode=ParseMode.HTML,
                                reply_markup=out.markup, link_preview_options=NO_PREVIEW)
    assert await sender.edit(9, out)
    (method_a, via_ptb), (method_b, via_sender) = request.calls
    assert method_a == method_b == "editMessageText"
    assert via_sender == via_ptb


async def test_edit_not_modified_is_harmless_and_other_refusals_say_false() -> None:
    _, _, sender = await both_ways("Bad Request: message is not modified")
    assert await sender.edit(9, Out("same")) is True
    _, _, sender = await both_ways("Bad Request: message can't be edited")
    assert await sender.edit(9, Out("old")) is False
    _, _, sender = await both_ways("Bad Request: can't parse entities")
    with pytest.raises(BadRequest):
        await sender.send(Out("<b>broken"))


def test_keyboard_wire_form_is_ptbs_and_shared() -> None:
    built = keyboard(spec())
    plain = InlineKeyboardMarkup([[InlineKeyboardButton(label, callback_data=data)
                                   for label, data in row] for row in spec()])
    assert built.to_dict() == plain.to_dict()
    assert built == plain
    assert keyboard(spec()) is built  # the same content: built once
    other = keyboard(((("Yes", "c:q:yes"),),))
    assert other is not built and other.to_dict() != built.to_dict()
    with pytest.raises(AttributeError):  # still frozen like every PTB object
        built.inline_keyboard = ()  # type: ignore[misc]
