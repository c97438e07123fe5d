"""The packs a running bot serves: releases first, the folder otherwise, broken ones skipped."""

from __future__ import annotations

import asyncio
import logging
import os
import shutil
import signal
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.operators.publishing import publish
from bot.packs import PackRegistry, reload_seconds
from storage import NewRelease, SQLiteStore, open_store
from tests.conftest import DEMO
from tests.operators.conftest import edit


@pytest.fixture
async def store(packs: Path, tmp_path: Path) -> AsyncIterator[SQLiteStore]:
    opened = await open_store(tmp_path / "ops.sqlite3")
    yield opened
    await opened.close()


def second_pack(packs: Path, name: str = "other") -> Path:
    folder = packs / name
    shutil.copytree(DEMO, folder)
    edit(folder / "pack.yaml", "id: demo", f"id: {name}")
    return folder


async def test_without_releases_the_folder_is_served_and_a_broken_pack_skipped(
        store: SQLiteStore, packs: Path, caplog: pytest.LogCaptureFixture) -> None:
    broken = second_pack(packs)
    edit(broken / "nodes.yaml", "next: when", "next: wehn")
    registry = PackRegistry(store)
    with caplog.at_level(logging.ERROR, "bot.packs"):
        served = await registry.load()
    assert list(served) == ["demo"] and served["demo"].release is None
    assert registry.status["other"].problems and not registry.status["other"].serving
    assert "next node 'wehn' does not exist" in registry.status["other"].problems[0]
    assert any("pack other" in r.message and "it is NOT served" in r.message
               for r in caplog.records)
    assert [e.action for e in await store.list_operator_log()] == ["load_failed"]


async def test_a_new_release_replaces_the_pack_in_place(store: SQLiteStore,
                                                        packs: Path) -> None:
    registry = PackRegistry(store)
    served = await registry.load()
    folder_version = served["demo"].version
    await publish(store, "demo", by="Ann", reviewed_by="Bob", walks=5)
    edit(packs / "demo" / "nodes.yaml", "Who contacted you?", "Who called you?")
    await registry.refresh()
    assert served["demo"].release == 1 and served["demo"].version == folder_version
    await publish(store, "demo", by="Ann", walks=5)
    await registry.refresh()
    assert served is registry.packs and served["demo"].release == 2
    assert served["demo"].version != folder_version
    assert served["demo"].data.nodes["caller"].text["en"] == "Who called you?"


async def test_a_release_that_fails_to_load_leaves_the_last_good_one_serving(
        store: SQLiteStore, packs: Path, caplog: pytest.LogCaptureFixture) -> None:
    await publish(store, "demo", by="Ann", reviewed_by="Bob", walks=5)
    registry = PackRegistry(store)
    served = await registry.load()
    await store.add_release(NewRelease("demo", "0123456789ab", None, b"not a snapshot",
                                       "publish", "Mallory"))
    with caplog.at_level(logging.ERROR, "bot.packs"):
        await registry.refresh()
    assert served["demo"].release == 1
    assert registry.status["demo"].failed == "release 2"
    assert any("release 2 failed to load" in r.message and "keeps serving release 1"
               in r.message for r in caplog.records)
    log = await store.list_operator_log()
    assert (log[0].action, log[0].release_number) == ("load_failed", 2)
    restarted = PackRegistry(store)  # a restart also falls back to the last good release
    assert (await restarted.load())["demo"].release == 1


async def test_sighup_looks_at_once_and_rescans_the_folder(store: SQLiteStore,
                                                           packs: Path) -> None:
    registry = PackRegistry(store, reload_seconds=3600)
    await registry.load()
    assert registry.listen_for_sighup()
    watcher = asyncio.get_running_loop().create_task(registry.keep_current())
    try:
        second_pack(packs, "added")
        await asyncio.sleep(0.05)
        os.kill(os.getpid(), signal.SIGHUP)
        for _ in range(200):
            if "added" in registry.packs:
                break
            await asyncio.sleep(0.05)
        assert "added" in registry.packs
    finally:
        watcher.cancel()
        asyncio.get_running_loop().remove_signal_handler(signal.SIGHUP)


def test_reload_interval_setting() -> None:
    assert reload_seconds({}) == 5.0
    assert reload_seconds({"CALLSHIELD_RELOAD_SECONDS": "0.5"}) == 0.5
    assert reload_seconds({"CALLSHIELD_RELOAD_SECONDS": "never"}) == 5.0
    assert reload_seconds({"CALLSHIELD_RELOAD_SECONDS": "0"}) == 5.0


def test_admins_are_listed_by_telegram_user_id(caplog: pytest.LogCaptureFixture) -> None:
    from bot.telegram.admin import admin_ids

    assert admin_ids({}) == frozenset()
    assert admin_ids({"CALLSHIELD_ADMINS": "123, 456 789"}) == {123, 456, 789}
    with caplog.at_level(logging.WARNING):
        assert admin_ids({"CALLSHIELD_ADMINS": "123,@alice"}) == {123}
    assert "'@alice' is not a Telegram user id" in caplog.text


async def test_a_new_region_published_while_running_is_served(store: SQLiteStore,
                                                              packs: Path) -> None:
    registry = PackRegistry(store)
    served = await registry.load()
    assert list(served) == ["demo"]
    second_pack(packs, "region_x")
    await publish(store, "region_x", by="Ann", reviewed_by="Bob", walks=5)
    await registry.refresh()  # no SIGHUP needed: its first release is enough
    assert served["region_x"].release == 1 and served["region_x"].id == "region_x"


def test_a_pack_renders_its_letters_and_their_form_fields_from_its_own_templates(
        tmp_path: Path) -> None:
    """A release serves the templates of its snapshot: the letter and a web form's fields
    alike, never the templates folder's newer files."""
    from bot.letters import letter_text, preview_text
    from bot.operators.samples import sample_context
    from flows import load_pack
    from tests.conftest import ROOT

    own = tmp_path / "templates"
    shutil.copytree(ROOT / "templates", own)
    edit(own / "us" / "cfpb_narrative.txt.j2", "{% block resolution %}\n",
         "{% block resolution %}\n- The snapshot's own words.\n")
    pack = load_pack(ROOT / "flows" / "packs" / "us", own)
    assert pack.templates == own.resolve()
    context = sample_context(pack, "cfpb_narrative")
    form = preview_text(pack, "cfpb_narrative", context, "en")  # no templates folder given
    assert "What would be a fair resolution:\n- The snapshot's own words." in form
    assert "The snapshot's own words." in letter_text(pack, "cfpb_narrative", context)
