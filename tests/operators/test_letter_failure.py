"""A letter that fails at run time: logged by template, line and class (no user data), and the
user is told what still works (other letters, /rights, the text preview, the other format)."""

from __future__ import annotations

import datetime as dt
import json
import logging
import shutil
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.letters.desk import LetterBroken, LetterDesk
from bot.service import GuidanceService
from bot.telegram.letters import LetterScreens
from bot.telegram.texts import t
from flows import load_pack
from storage import NewIncident, UserRow, open_store
from tests.conftest import DEMO, ROOT

SECRET = "Secret Lender 4711"
NOW = dt.datetime(2026, 11, 28, 15, 0, tzinfo=dt.UTC)


@pytest.fixture
def templates(tmp_path: Path) -> Path:
    root = tmp_path / "templates"
    shutil.copytree(ROOT / "templates" / "demo", root / "demo")
    return root


@pytest.fixture
async def desk(tmp_path: Path, templates: Path) -> AsyncIterator[LetterDesk]:
    pack = load_pack(DEMO, templates)  # valid when loaded; broken below, as a bad deploy
    store = await open_store(tmp_path / "f.sqlite3")
    yield LetterDesk(GuidanceService(store, {"demo": pack}, channel="test", clock=lambda: NOW))
    await store.close()


async def reporter(desk: LetterDesk) -> UserRow:
    user = await desk.service.set_jurisdiction(await desk.service.user("9", language="en"),
                                               "demo")
    pack = desk.service.packs["demo"]
    await desk.service.store.add_incident(user.id, NewIncident(
        occurred_at="2026-11-27T22:30:00+08:00", caller_number="13800138000", lender=SECRET,
        agency=None, channel=None, facts_json=json.dumps({"lender": SECRET}),
        description=SECRET, pack_id="demo", pack_version=pack.version), [])
    return user


def break_template(templates: Path) -> None:
    path = templates / "demo" / "complaint.zh-Hans.txt.j2"
    path.write_text(path.read_text(encoding="utf-8") + "{{ facts[lender] }}\n",
                    encoding="utf-8")


async def test_the_log_names_the_place_and_the_user_is_offered_the_rest(
        desk: LetterDesk, templates: Path, caplog: pytest.LogCaptureFixture) -> None:
    user = await reporter(desk)
    break_template(templates)
    with caplog.at_level(logging.ERROR, "bot"), pytest.raises(LetterBroken):
        await desk.preview(user, "complaint")
    (record,) = [r for r in caplog.records if r.name == "bot.letters.desk"]
    lines = len((templates / "demo" / "complaint.zh-Hans.txt.j2").read_text().splitlines())
    assert record.getMessage().endswith(f"complaint.zh-Hans.txt.j2 line {lines}: "
                                        "UndefinedError")
    assert SECRET not in caplog.text
    outs = await LetterScreens(desk)._preview(user, "complaint")  # what Telegram sends
    assert outs[0].text == t("en", "letter_failed")
    assert "/rights" in outs[0].text and outs[1].markup is not None  # the other letters


async def test_a_file_that_fails_keeps_the_text_and_the_other_format(
        desk: LetterDesk, templates: Path, caplog: pytest.LogCaptureFixture) -> None:
    user = await reporter(desk)
    break_template(templates)
    with caplog.at_level(logging.ERROR, "bot"), pytest.raises(LetterBroken) as broken:
        await desk.file(user, "complaint", "pdf")
    assert broken.value.kind == "pdf" and SECRET not in caplog.text
