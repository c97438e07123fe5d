"""Which state's replies reached the user (migration 0003): marked, cleared by every save."""

from __future__ import annotations

import asyncio

from storage import Store

SHOWN = "2026-12-03T10:00:00+00:00"


async def test_every_save_clears_the_mark_and_only_the_state_shown_is_marked(
        store: Store) -> None:
    users = [await store.get_or_create_user("telegram", str(n)) for n in range(12)]
    other = await store.get_or_create_user("console", "1")
    for n, user in enumerate(users):  # half with an update id (the view's trigger)
        await store.save_conversation(user.id, '{"a": 1}', "cn", "1",
                                      update=("telegram", 500 + n) if n % 2 else None)
    await store.save_conversation(other.id, '{"a": 1}', "cn", "1")
    assert [u for u, _ in await store.unshown_conversations("telegram")] == \
        [u.id for u in users]  # the console's user is not Telegram's to acknowledge
    rows = [await store.load_conversation(user.id) for user in users]
    assert all(row is not None and row.shown_at is None for row in rows)
    # marked at once from many chats (as the bot does)
    await asyncio.gather(*[store.mark_shown(user.id, row.updated_at, SHOWN, 40 + n)
                           for n, (user, row) in enumerate(zip(users, rows)) if row])
    assert await store.unshown_conversations("telegram") == []
    row = await store.load_conversation(users[3].id)
    assert row is not None and (row.shown_at, row.shown_message) == (SHOWN, 43)
    # a new state is not shown yet, and a late mark of the older one does not mark it
    await store.save_conversation(users[3].id, '{"a": 2}', "cn", "1", update=("telegram", 9))
    await store.mark_shown(users[3].id, rows[3].updated_at, SHOWN, 43)  # type: ignore[union-attr]
    row = await store.load_conversation(users[3].id)
    assert row is not None and row.shown_at is None and row.shown_message is None
    assert await store.unshown_conversations("telegram") == [(users[3].id, "3")]
