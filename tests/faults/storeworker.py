"""A store in a process of its own, driven one JSON command a line over stdin/stdout.

Why: the fault tests must SIGKILL the process that wrote or deleted, run it on a filesystem
only it can see (a small tmpfs in its own mount namespace), or under a file size limit —
things a test cannot do to itself. Run as ``python -m tests.faults.storeworker DATABASE``;
the data key comes from the environment like the bot's.

Each command is ``{"op": name, ...arguments}``; each answer is ``{"ok": result}`` or
``{"error": message, "cause": cause}``. ``ready`` is printed once the store is open.
"""

from __future__ import annotations

import asyncio
import json
import resource
import signal
import sys
from typing import Any

from storage import SQLiteStore, StorageError, open_store
from tests.storage.people import PERSON, fill


async def run(database: str) -> None:
    store: SQLiteStore | None = await open_store(database)
    reply({"ok": "ready"})
    while line := await asyncio.to_thread(sys.stdin.readline):
        command = json.loads(line)
        op = command.pop("op")
        if op == "reopen":
            assert store is not None
            await store.close()
            store = await open_store(database)
            reply({"ok": "ready"})
            continue
        try:
            assert store is not None
            reply({"ok": await OPS[op](store, **command)})
        except StorageError as error:
            reply({"error": str(error), "cause": error.cause.value})


def reply(message: dict[str, Any]) -> None:
    sys.stdout.write(json.dumps(message, ensure_ascii=False) + "\n")
    sys.stdout.flush()


async def _fill(store: SQLiteStore, telegram_id: str = PERSON["telegram_id"]) -> list[int]:
    return list(await fill(store, {**PERSON, "telegram_id": telegram_id}))


async def _user(store: SQLiteStore, external_id: str) -> int:
    return (await store.get_or_create_user("telegram", external_id)).id


async def _save(store: SQLiteStore, user_id: int, state: str,
                update: int | None = None) -> None:
    await store.save_conversation(user_id, state, "cn", "1",
                                  update=None if update is None else ("telegram", update))


async def _state(store: SQLiteStore, user_id: int) -> str | None:
    row = await store.load_conversation(user_id)
    return None if row is None else row.state_json


async def _claim(store: SQLiteStore, update: int) -> bool:
    return await store.claim_update("telegram", update)


async def _pending(store: SQLiteStore, update: int) -> bool:
    return store._updates.ledger.pending("telegram", update)  # white-box: not yet stored


async def _limit_file_size(store: SQLiteStore, size: int) -> None:
    """From now on, writing past ``size`` bytes of any file fails (EFBIG: an I/O error)."""
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
    resource.setrlimit(resource.RLIMIT_FSIZE, (size, size))


OPS = {
    "fill": _fill,
    "user": _user,
    "save": _save,
    "state": _state,
    "claim": _claim,
    "pending": _pending,
    "profile": lambda store, user_id, key, value: store.set_profile_field(user_id, key, value),
    "delete_user": lambda store, user_id: store.delete_user(user_id),
    "export": lambda store, user_id: store.export_user(user_id),
    "limit_file_size": _limit_file_size,
}


if __name__ == "__main__":
    asyncio.run(run(sys.argv[1]))
