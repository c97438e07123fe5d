"""The console chat: its region menu comes from the packs folder, and a release published while
someone is answering reaches them at their next line, with a true notice."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

from tests.conftest import DEMO, ROOT
from tests.operators.conftest import edit


def env(tmp_path: Path, packs: Path) -> dict[str, str]:
    values = {k: v for k, v in os.environ.items()
              if not k.startswith(("CALLSHIELD_", "TELEGRAM_"))}
    values.update(CALLSHIELD_DATABASE=str(tmp_path / "c.sqlite3"), CALLSHIELD_PACKS=str(packs),
                  CALLSHIELD_LOG_LEVEL="WARNING", CALLSHIELD_RELOAD_SECONDS="0.2",
                  CALLSHIELD_LETTERS_DIR=str(tmp_path / "letters"))
    return values


def test_the_region_menu_lists_the_packs_folder(tmp_path: Path) -> None:
    packs = tmp_path / "packs"
    shutil.copytree(DEMO, packs / "demo")
    shutil.copytree(DEMO, packs / "region_x")
    edit(packs / "region_x" / "pack.yaml", "id: demo", "id: region_x")
    edit(packs / "region_x" / "pack.yaml", "en: Demo guide", "en: Region X guide")
    done = subprocess.run([sys.executable, "-m", "bot.cli", "chat", "--lang", "en"],
                          input="7\n2\n/quit\n", capture_output=True, text=True, cwd=ROOT,
                          env=env(tmp_path, packs), timeout=120)
    assert done.returncode == 0, done.stderr
    assert "  1. Demo guide / 演示指南\n  2. Region X guide / 演示指南\n" in done.stdout
    assert "Please type a number from 1 to 2." in done.stdout
    assert "CallShield — Region X guide" in done.stdout


def test_a_release_reaches_the_console_at_the_next_line(tmp_path: Path) -> None:
    packs = tmp_path / "packs"
    shutil.copytree(DEMO, packs / "demo")
    values = env(tmp_path, packs)
    chat = subprocess.Popen([sys.executable, "-m", "bot.cli", "chat", "--pack", "demo",
                             "--lang", "en"], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, cwd=ROOT, env=values)
    assert chat.stdin is not None and chat.stdout is not None
    chat.stdin.write("1\nHuijin\n")  # lender, its name: now at 'when'
    chat.stdin.flush()
    seen = ""
    while "When did they contact you?" not in seen:  # the chat has loaded the folder's pack
        line = chat.stdout.readline()
        assert line, chat.stderr.read() if chat.stderr else "the chat ended"
        seen += line
    edit(packs / "demo" / "nodes.yaml", "Which number called you?", "Which number was it?")
    published = subprocess.run([sys.executable, "-m", "bot.cli", "packs", "publish", "demo",
                                "--by", "Ann", "--reviewed-by", "Bob", "--walks", "5"],
                               capture_output=True, text=True, cwd=ROOT, env=values,
                               timeout=120)
    assert published.returncode == 0, published.stdout + published.stderr
    time.sleep(0.5)
    out, err = chat.communicate("yesterday 10pm\n/quit\n", timeout=120)
    assert chat.returncode == 0, err
    assert "All your answers are kept." not in seen
    assert out.index("All your answers are kept.") < out.index("Which number was it?")
    assert "Which number called you?" not in out
