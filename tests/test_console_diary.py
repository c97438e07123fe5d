"""The evidence diary in the console, over a pipe: /add, a typed "they called again" after a
report offered for the record, /attach (hashed at once: the bytes are local), /diary,
/export (a PDF and a CSV written to the letters folder), /forget with a confirmation."""

from __future__ import annotations

import csv
import hashlib
import io
import os
import subprocess
import sys
from pathlib import Path

import pypdf

from tests.conftest import DEMO, ROOT
from tests.test_console import INTERVIEW


def chat(tmp_path: Path, lines: list[str]) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "CALLSHIELD_DATABASE": str(tmp_path / "c.db"),
           "CALLSHIELD_LOG_LEVEL": "WARNING"}
    env.pop("TELEGRAM_BOT_TOKEN", None)
    return subprocess.run(
        [sys.executable, "-m", "bot.cli", "chat", "--pack", str(DEMO), "--lang", "en",
         "--letters-dir", str(tmp_path / "out")],
        input="\n".join(lines) + "\n", capture_output=True, text=True, env=env, cwd=ROOT,
        timeout=120,
    )


def test_add_offer_attach_view_export_and_forget(tmp_path: Path) -> None:
    shot = tmp_path / "screenshot.png"
    shot.write_bytes(b"\x89PNG fake screenshot")
    done = chat(tmp_path, [
        *INTERVIEW,  # the report
        "They called again this morning", "yes",  # offered, accepted
        "/add", "3", "they called my mother NOTE-77",  # when: yesterday; a few words
        f"/attach {shot}",
        "/diary", "/export", "/forget 1", "no", "/forget 1", "yes", "/diary", "/quit"])
    assert done.returncode == 0, done.stderr
    out = done.stdout
    assert "Add it to your record? (yes/no)" in out and "Added to your record." in out
    assert "Added to your record: Yesterday" in out and "Saved with that entry." in out
    assert "Kept as evidence with your entry of" in out
    assert "Your record: 3 contacts on 2 days." in out
    assert "NOTE-77" in out
    assert "Nothing was deleted." in out and "Deleted. Your record now has 2 contacts." in out
    assert "Traceback" not in done.stderr
    pdf = next((tmp_path / "out").glob("callshield-record-*.pdf")).read_bytes()
    text = "".join(page.extract_text() for page in pypdf.PdfReader(io.BytesIO(pdf)).pages)
    assert "NOTE-77" in text and "Contacts per day" in text
    rows = list(csv.DictReader(io.StringIO(next((tmp_path / "out").glob(
        "callshield-record-*.csv")).read_text(encoding="utf-8-sig"))))
    assert len(rows) == 3
    assert hashlib.sha256(shot.read_bytes()).hexdigest() in " ".join(r["files"] for r in rows)
