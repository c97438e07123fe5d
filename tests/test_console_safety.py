"""The safety gate in the console: every line is checked before anything reads it."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from tests.conftest import DEMO, ROOT
from tests.plaintext import stored_plaintext

WORDS = ("不想活", "kill myself", "sleeping pills", "喝了药", "来我家")


def chat(tmp_path: Path, lines: list[str], *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "CALLSHIELD_DATABASE": str(tmp_path / "c.db"),
           "CALLSHIELD_LOG_LEVEL": "WARNING", "CALLSHIELD_SAFETY_CACHE": str(tmp_path / "cache")}
    env.pop("TELEGRAM_BOT_TOKEN", None)
    return subprocess.run([sys.executable, "-m", "bot.cli", "chat", *args],
                          input="\n".join(lines) + "\n", capture_output=True, text=True,
                          env=env, cwd=ROOT, timeout=90)


def stored(db: Path) -> str:
    return stored_plaintext(db, ("conversations", "profile_fields"))


def test_before_a_region_and_in_the_interview_a_crisis_holds(tmp_path: Path) -> None:
    done = chat(tmp_path, ["我不想活了", "1", "I want to kill myself", "/talk", "/safe",
                           "they said they are coming to my house", "/quit"], "--lang", "en")
    out, log = done.stdout, done.stderr
    assert done.returncode == 0, log
    before, interview = out.split("CallShield — ", 1)
    # before a region: answered in the language written, with that language's likely lines
    assert "谢谢您告诉我" in before and "12356" in before and "findahelpline.com" in before
    held, rest = interview.split("Thank you for telling me", 1)
    assert held.count("How are you connected to this debt?") == 1 and "12356" in rest.split("/safe =")[0]
    talk, after_safe = rest.split("You can call now", 1)[1].split("How are you connected to this debt?", 1)
    assert "010-82951332" in talk  # "talk to someone now": the secondary lines too
    assert "call 110 now" in after_safe and "Your place is kept" in after_safe
    assert "safety_crisis kind=intent where=no_region" in log
    assert "safety_crisis kind=intent where=interview" in log
    assert "safety_danger kind=danger where=interview" in log
    assert "safety_talk" in log and "safety_resumed" in log
    for word in WORDS:
        assert word not in log, word
    assert "kill myself" not in stored(tmp_path / "c.db")


def test_pack_interview_after_results_and_a_letter_detail(tmp_path: Path) -> None:
    answers = ["1", "Huijin", "yesterday 10pm", "+86 138 0013 8000", "12", "1",
               "they call a lot"]
    done = chat(tmp_path, ["1", "I took a whole bottle of sleeping pills", "/safe", *answers[1:],
                           "我已经喝了药", "/letter 1", "我不想活了", "他们说明天要来我家", "张三",
                           "/quit"],
                "--pack", str(DEMO), "--lang", "en", "--letters-dir", str(tmp_path / "letters"))
    out, log = done.stdout, done.stderr
    assert done.returncode == 0, log
    assert out.count("What is the lender called?") == 2  # held, then asked again after /safe
    assert "Please call 911 now" in out
    results = out.index("Others were contacted")
    assert out.rindex("Before anything else", 0, results) < results  # lines above results
    after = out[out.index("/restart = report another contact", results):]
    assert "请现在就拨打120" in after  # 我已经喝了药 after the results: the ambulance first
    assert after.count("Others were contacted") == 0  # not the results again
    assert "张三" in out  # the detail asked again after crisis and danger, then given, printed
    assert "kind=act where=interview" in log and "kind=act where=results" in log
    assert "kind=intent where=letter_detail" in log and "kind=danger where=letter_detail" in log
    db = stored(tmp_path / "c.db")
    assert "张三" in db and "不想活" not in db and "来我家" not in db
    for word in WORDS:
        assert word not in log, word
