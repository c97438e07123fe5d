"""End to end: a running bot (real process, HTTP to the fake Bot API) picks up an operator's
release while two users are mid-interview; both continue, told truly what happened to their
answers; a broken release is refused; a broken pack on disk leaves the others serving; an
admin rolls back from Telegram, and nobody else can."""

from __future__ import annotations

import asyncio
import os
import shutil
import sqlite3
import subprocess
import sys
from collections.abc import Callable
from contextlib import closing
from pathlib import Path

import pytest

from bot.operators.goldens import write_goldens
from flows import load_pack
from tests.fake_bot_api import FakeBotApi
from tests.telegram.conftest import DEMO, ROOT, BotProcess, Chat, until

ADMIN = 9001
A, B, C = 7001, 7002, 7003
KEPT = "All your answers are kept."
DROPPED = "Your answers to these questions no longer fit it and were removed: “Who contacted you?”"


@pytest.fixture
def packs_dir(tmp_path: Path) -> Path:
    """Copies the test may edit: ``demo`` and a second pack ``other``."""
    folder = tmp_path / "packs"
    shutil.copytree(DEMO, folder / "demo")
    shutil.copytree(DEMO, folder / "other")
    edit(folder / "other" / "pack.yaml", "id: demo", "id: other")
    return folder


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, (old, path)
    path.write_text(text.replace(old, new), encoding="utf-8")


async def operator(tmp_path: Path, packs_dir: Path, *args: str) -> tuple[int, str]:
    """``callshield ARGS`` as an operator runs it, on the bot's database and packs."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("CALLSHIELD_", "TELEGRAM_"))}
    env.update(CALLSHIELD_DATABASE=str(tmp_path / "bot.sqlite3"),
               CALLSHIELD_PACKS=str(packs_dir), CALLSHIELD_LOG_LEVEL="WARNING")
    done = await asyncio.to_thread(subprocess.run, [sys.executable, "-m", "bot.cli", *args],
                                   cwd=ROOT, env=env, capture_output=True, text=True,
                                   timeout=120)
    return done.returncode, done.stdout + done.stderr


def releases(tmp_path: Path) -> list[tuple[int, str]]:
    with closing(sqlite3.connect(tmp_path / "bot.sqlite3")) as raw:
        return list(raw.execute("SELECT number, action FROM pack_releases ORDER BY number"))


async def start_interview(chat: Chat) -> None:
    await chat.say("/start", "Choose your language", timeout=30)
    await chat.press("l:en", "Where is the lender")
    await chat.press("j:demo", "What would you like to do")
    await chat.press("m:interview", "Who contacted you?")


async def test_two_users_continue_on_a_new_release_with_a_true_notice(
        server: FakeBotApi, make_bot: Callable[..., BotProcess], packs_dir: Path,
        tmp_path: Path) -> None:
    bot = make_bot(CALLSHIELD_RELOAD_SECONDS="0.3", CALLSHIELD_ADMINS=str(ADMIN))
    alice, bob = Chat(server, A), Chat(server, B)
    await start_interview(alice)
    await alice.press("c:caller:lender", "What is the lender called?")
    await alice.say("Huijin", "When did they contact you?")
    await start_interview(bob)
    await bob.press("c:caller:agency", "When did they contact you?")
    await bob.say("yesterday 9am", "Which number called you?")  # any clock

    code, out = await operator(tmp_path, packs_dir, "packs", "publish", "demo", "--by", "Ann",
                               "--reviewed-by", "Bob", "--note", "first", "--walks", "20")
    assert code == 0, out
    # the operator renames an option and rewords a question, updates the tests, reviews
    edit(packs_dir / "demo" / "nodes.yaml", "- id: agency", "- id: collector")
    edit(packs_dir / "demo" / "nodes.yaml", "When did they contact you?",
         "When did they last contact you?")
    edit(packs_dir / "demo" / "tests" / "basic.yaml", "caller: agency", "caller: collector")
    write_goldens(load_pack(packs_dir / "demo"))  # (`callshield flows goldens demo --update`)
    code, out = await operator(tmp_path, packs_dir, "packs", "publish", "demo", "--by", "Ann",
                               "--reviewed-by", "Bob", "--note", "agency → collector",
                               "--walks", "20")
    assert code == 0 and "demo release 2 published" in out, out
    await until(lambda: "pack demo serves release 2" in bot.output(), 20, "the reload")

    at = alice.mark()
    await alice.say("昨晚10点", KEPT)  # her answers fit: kept, and she goes on
    await alice.expect("Which number called you?", at)
    at = bob.mark()
    await bob.say("138 0013 8000", DROPPED)  # his 'agency' no longer exists: asked again
    await bob.expect("Who contacted you?", at)
    await bob.press("c:caller:collector", "Which number called you?")  # 'when' was kept
    assert not any(KEPT in text for text in bob.texts())

    broken = packs_dir / "demo" / "nodes.yaml"
    edit(broken, "next: when\n  when:", "next: wehn\n  when:")
    code, out = await operator(tmp_path, packs_dir, "packs", "publish", "demo", "--by", "Ann",
                               "--reviewed-by", "Bob", "--walks", "20")
    assert code == 1 and "nothing was stored" in out and "did you mean 'when'" in out
    assert releases(tmp_path) == [(1, "publish"), (2, "publish")]  # nothing stored
    await alice.say("138 0013 8000", "How many contacts today?")  # still served, unchanged

    outsider = Chat(server, A)
    at = outsider.mark()
    server.user_sends_text(A, "/admin")  # not an admin: an unknown command, as any other
    await outsider.expect("CallShield asks about a collection call", at)
    assert not any("CallShield admin" in t for t in outsider.texts())
    admin = Chat(server, ADMIN)
    panel = await admin.say("/admin", "CallShield admin")
    assert "demo: release #2" in panel.text and "other: packs folder" in panel.text
    server.user_presses_button(ADMIN, panel.message_id, "A:c")  # the stats as a chart
    chart = await until(lambda: server.documents(ADMIN), 30, "the chart")
    assert chart[0].data.startswith(b"\x89PNG") and chart[0].filename == "callshield-stats.png"
    await admin.press("A:r:demo:1", "Roll back to demo release #1?")
    await admin.press("A:R:demo:1", "Done: demo release #3 (the content of #1) is live", 30)
    at = bob.mark()
    await bob.say("138 0013 8000", "Your answers to these questions no longer fit", 30)
    await bob.expect("Who contacted you?", at)  # 'collector' is gone again: asked again
    assert not any(c["command"] == "admin" for c in server.commands())
    assert releases(tmp_path)[-1] == (3, "rollback")
    with closing(sqlite3.connect(tmp_path / "bot.sqlite3")) as raw:
        assert raw.execute("SELECT published_by, source_number FROM pack_releases WHERE "
                           "number = 3").fetchone() == (f"telegram admin {ADMIN}", 1)
    assert not server.failed_calls, [(c.method, c.error) for c in server.failed_calls]
    assert "Traceback" not in bot.output()


async def test_a_broken_pack_on_disk_leaves_the_others_serving(
        server: FakeBotApi, make_bot: Callable[..., BotProcess], packs_dir: Path,
        tmp_path: Path) -> None:
    edit(packs_dir / "other" / "rules.yaml", "severity: medium", "severity: severe")
    bot = make_bot()
    carol = Chat(server, C)
    await carol.say("/start", "Choose your language", timeout=30)
    chooser = await carol.press("l:en", "Where is the lender")
    assert [b["callback_data"] for b in chooser.buttons()] == ["j:demo"]
    await carol.press("j:demo", "What would you like to do")
    await carol.press("m:interview", "Who contacted you?")
    assert "ERROR bot.packs: pack other: folder" in bot.output()
    assert "it is NOT served" in bot.output()
    code, out = await operator(tmp_path, packs_dir, "packs", "status")
    assert code == 1 and "other: NOT SERVED" in out
    assert "other/rules.yaml:22: error: rules.2.severity: Input should be" in out
    assert "demo: serving the packs folder" in out
