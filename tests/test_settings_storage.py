"""The storage settings: CALLSHIELD_DATA_KEY(_FILE) and CALLSHIELD_RETENTION_DAYS are checked
at start, and the key never appears in a repr or a message."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from bot.settings import Settings, SettingsError
from storage.crypto import new_key_text
from tests.conftest import ROOT


def test_storage_settings_are_read_and_the_key_is_never_shown() -> None:
    key = new_key_text()
    settings = Settings.from_env({"CALLSHIELD_DATA_KEY": key, "CALLSHIELD_RETENTION_DAYS": "90"})
    assert settings.keys.key_text == key and settings.retention.days == 90
    assert key not in repr(settings)
    default = Settings.from_env({})
    assert default.keys.key_text is None and default.retention.days is None


@pytest.mark.parametrize("env,named", [
    ({"CALLSHIELD_DATA_KEY": "not-a-key-at-all"}, "CALLSHIELD_DATA_KEY"),
    ({"CALLSHIELD_DATA_KEY": new_key_text(), "CALLSHIELD_DATA_KEY_FILE": "k"},
     "CALLSHIELD_DATA_KEY_FILE"),
    ({"CALLSHIELD_RETENTION_DAYS": "a year"}, "CALLSHIELD_RETENTION_DAYS"),
])
def test_unusable_values_stop_the_start_with_the_variable_named(env: dict[str, str],
                                                                named: str) -> None:
    with pytest.raises(SettingsError, match=named) as info:
        Settings.from_env(env)
    assert "not-a-key-at-all" not in str(info.value)


def test_the_command_refuses_a_bad_key_before_touching_the_database(tmp_path: Path) -> None:
    env = {**os.environ, "CALLSHIELD_DATABASE": str(tmp_path / "c.db"),
           "CALLSHIELD_DATA_KEY": "not-a-key-at-all"}
    env.pop("TELEGRAM_BOT_TOKEN", None)
    done = subprocess.run([sys.executable, "-m", "bot.cli", "chat"], input="/quit\n",
                          capture_output=True, text=True, env=env, cwd=ROOT, timeout=60)
    assert done.returncode == 2 and "callshield db new-key" in done.stderr
    assert "not-a-key-at-all" not in done.stderr and not (tmp_path / "c.db").exists()
