"""A packs folder with a copy of the demo pack, a database file, and the real command line."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

from bot.cli import main
from tests.conftest import DEMO

Cli = Callable[..., tuple[int, str]]


@pytest.fixture
def packs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """``<tmp>/packs/demo`` (a copy the test may edit), served by CALLSHIELD_PACKS."""
    folder = tmp_path / "packs"
    shutil.copytree(DEMO, folder / "demo")
    monkeypatch.setenv("CALLSHIELD_PACKS", str(folder))
    monkeypatch.setenv("CALLSHIELD_DATABASE", str(tmp_path / "ops.sqlite3"))
    monkeypatch.setenv("CALLSHIELD_LOG_LEVEL", "WARNING")
    return folder


@pytest.fixture
def cli(packs: Path, capsys: pytest.CaptureFixture[str]) -> Cli:
    """Run ``callshield ARGS`` in this process; (exit code, what it printed)."""
    def run(*args: str) -> tuple[int, str]:
        capsys.readouterr()
        code = main(list(args))
        return code, capsys.readouterr().out
    return run


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {path}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
