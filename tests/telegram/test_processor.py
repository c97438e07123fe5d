"""PerChatUpdateProcessor: one chat's updates in order, different chats at the same time."""

from __future__ import annotations

import asyncio

from telegram import Update

from bot.telegram.processor import PerChatUpdateProcessor


def update(update_id: int, chat: int) -> Update:
    return Update.de_json({"update_id": update_id, "message": {
        "message_id": update_id, "date": 0, "text": "x",
        "chat": {"id": chat, "type": "private"},
        "from": {"id": chat, "is_bot": False, "first_name": "U"}}}, None)


async def test_other_chats_are_not_held_up_by_a_slow_one() -> None:
    processor = PerChatUpdateProcessor(8)
    released = asyncio.Event()
    order: list[str] = []

    async def slow() -> None:
        await released.wait()  # finishes only once the other chat has run
        order.append("a")

    async def quick() -> None:
        order.append("b")
        released.set()

    await asyncio.wait_for(asyncio.gather(
        processor.process_update(update(1, 100), slow()),
        processor.process_update(update(2, 200), quick())), 5)
    assert order == ["b", "a"]


async def test_one_chat_runs_strictly_in_arrival_order() -> None:
    processor = PerChatUpdateProcessor(8)
    order: list[int] = []

    async def handle(n: int, pause: float) -> None:
        await asyncio.sleep(pause)
        order.append(n)

    await asyncio.gather(*(processor.process_update(update(n, 100), handle(n, 0.05 - n / 100))
                           for n in range(5)))  # the later, the quicker: order must still hold
    assert order == [0, 1, 2, 3, 4]
    assert processor._locks == {}  # nothing kept once a chat is idle
