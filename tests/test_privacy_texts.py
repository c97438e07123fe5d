"""Users are told how long their data is kept: Telegram's settings/privacy text and the
console's /privacy, from CALLSHIELD_RETENTION_DAYS."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.telegram import texts
from tests.conftest import DEMO, ROOT


@pytest.fixture
def restore_retention() -> Iterator[None]:
    yield
    texts.set_retention_days(None)


@pytest.mark.parametrize("language,off,on", [
    ("en", "We keep it until you delete it.", "deleted 45 days after you make them"),
    ("zh-Hans", "直到您删除", "45 天后自动删除"),
    ("zh-Hant", "直到您刪除", "45 天後自動刪除"),
])
def test_the_settings_text_states_the_period(restore_retention: None, language: str, off: str,
                                             on: str) -> None:
    shown = texts.t(language, "settings", lang_name="x", jurisdiction="y")
    assert off in shown and "{" not in shown
    texts.set_retention_days(45)
    shown = texts.t(language, "settings", lang_name="x", jurisdiction="y")
    assert on in shown and off not in shown


def console(tmp_path: Path, retention: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "CALLSHIELD_DATABASE": str(tmp_path / "c.db"),
           "CALLSHIELD_LOG_LEVEL": "WARNING", "CALLSHIELD_RETENTION_DAYS": retention}
    env.pop("TELEGRAM_BOT_TOKEN", None)
    return subprocess.run(
        [sys.executable, "-m", "bot.cli", "chat", "--pack", str(DEMO), "--lang", "en"],
        input="/privacy\n/quit\n", capture_output=True, text=True, env=env, cwd=ROOT,
        timeout=60)


def test_the_console_says_it_and_a_bad_period_stops_the_start(tmp_path: Path) -> None:
    done = console(tmp_path, "45")
    assert done.returncode == 0, done.stderr
    assert "encrypted" in done.stdout and "deleted 45 days after you make them" in done.stdout
    refused = console(tmp_path, "forever")
    assert refused.returncode == 2 and "CALLSHIELD_RETENTION_DAYS" in refused.stderr
