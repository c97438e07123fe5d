"""The console channel, driven as a subprocess over a pipe, as a user at a terminal."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from tests.conftest import DEMO, ROOT


def chat(tmp_path: Path, lines: list[str], *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "CALLSHIELD_DATABASE": str(tmp_path / "c.db"),
           "CALLSHIELD_LOG_LEVEL": "WARNING"}
    env.pop("TELEGRAM_BOT_TOKEN", None)
    return subprocess.run(
        [sys.executable, "-m", "bot.cli", "chat", "--pack", str(DEMO), *args],
        input="\n".join(lines) + "\n", capture_output=True, text=True, env=env, cwd=ROOT,
        timeout=60,
    )


INTERVIEW = ["1", "Huijin", "yesterday 10pm", "+86 138 0013 8000", "12", "1", "they call a lot"]


def test_a_whole_interview_over_a_pipe(tmp_path: Path) -> None:
    done = chat(tmp_path, [*INTERVIEW, "/quit"], "--lang", "en")
    assert done.returncode == 0, done.stderr
    out = done.stdout
    assert "Who contacted you?" in out and "1. The lender" in out
    assert "Others were contacted" in out and "Huijin contacted people around you" in out
    assert "Civil Code of the PRC Art. 1033(1)" in out
    assert "not legal advice" in out and "reviewed on 2026-11-20" in out


def test_back_language_help_and_bad_input(tmp_path: Path) -> None:
    done = chat(tmp_path, ["1", "/back", "2", "banana", "/language zh-Hans", "/nonsense",
                           "/quit"], "--lang", "en")
    out = done.stdout
    assert "What is the lender called?" in out
    assert out.count("Who contacted you?") >= 2  # back to the first question
    assert "Please give a date and time" in out  # 'banana' is not a time
    assert "他们什么时候联系您的？" in out  # switched language, same question
    assert "/restart" in out and "/quit" in out  # unknown command shows help


def test_the_conversation_survives_a_restart(tmp_path: Path) -> None:
    chat(tmp_path, ["2", "yesterday 10pm", "/quit"], "--lang", "en")
    again = chat(tmp_path, ["/quit"], "--lang", "en")
    assert "Which number called you?" in again.stdout


def test_eof_ends_cleanly(tmp_path: Path) -> None:
    done = chat(tmp_path, ["1"], "--lang", "en")
    assert done.returncode == 0
    assert "Traceback" not in done.stderr


def test_letters_asked_previewed_and_written_to_a_folder(tmp_path: Path) -> None:
    out_dir = tmp_path / "letters"
    before = chat(tmp_path, ["/letters", "/quit"], "--lang", "en")
    assert "Finish a report first" in before.stdout
    done = chat(tmp_path, [*INTERVIEW, "/letters", "/letter 9", "/letter 1", "x" * 201, "张三",
                           "/quit"], "--lang", "en", "--letters-dir", str(out_dir))
    out = done.stdout
    assert done.returncode == 0, done.stderr
    assert "1. * Complaint letter" in out
    assert "Which letter?" in out  # /letter 9 does not exist
    assert "longer than 200 characters" in out
    assert "发函人：张三" in out and "附件：联系记录（共 1 次）" in out  # the preview: who signs
    files = sorted(out_dir.iterdir())
    assert [f.suffix for f in files] == [".docx", ".pdf"]
    assert all(str(f) in out for f in files)
    assert files[1].read_bytes().startswith(b"%PDF") and files[1].name.startswith("complaint-") and "Huijin" not in files[1].name


def test_letter_detail_can_be_skipped_with_enter(tmp_path: Path) -> None:
    out_dir = tmp_path / "letters"
    done = chat(tmp_path, [*INTERVIEW, "/letter 1", "", "/quit"], "--lang", "en",
                "--letters-dir", str(out_dir))
    assert "发函人：________" in done.stdout
    assert len(list(out_dir.iterdir())) == 2


def test_a_story_is_confirmed_by_typing_and_zero_is_a_count(tmp_path: Path) -> None:
    story = ROOT / "tests" / "fixtures" / "story"
    env = {**os.environ, "CALLSHIELD_DATABASE": str(tmp_path / "c.db"),
           "CALLSHIELD_LOG_LEVEL": "WARNING"}
    env.pop("TELEGRAM_BOT_TOKEN", None)
    lines = ["They called my mother 30 times.", "1", "ok", "yesterday", "0", "ok", "?", "/quit"]
    done = subprocess.run([sys.executable, "-m", "bot.cli", "chat", "--pack", str(story),
                           "--lang", "en"], input="\n".join(lines) + "\n", capture_output=True,
                          text=True, env=env, cwd=ROOT, timeout=60)
    assert done.returncode == 0, done.stderr
    out = done.stdout
    assert "Here is what I understood" in out and "type a correction" in out  # "type", not "tap"
    assert "[ ] 1. Others contacted: Family 30" in out  # "1" unticked it
    assert "? = Skip" in out and "How many calls and messages" in out
    assert "How did they contact those people?" not in out  # the family call was unticked
    assert "What did they say?" in out
    assert "0 = " not in out and "? = I don't know" in out  # "0" is a number, "?" skips


def region_chat(tmp_path: Path, lines: list[str],
                level: str = "WARNING") -> subprocess.CompletedProcess[str]:
    """The console without --pack: it asks the region first (the first question)."""
    env = {**os.environ, "CALLSHIELD_DATABASE": str(tmp_path / "r.db"),
           "CALLSHIELD_LOG_LEVEL": level}
    env.pop("TELEGRAM_BOT_TOKEN", None)
    return subprocess.run([sys.executable, "-m", "bot.cli", "chat", "--lang", "en"],
                          input="\n".join(lines) + "\n", capture_output=True, text=True,
                          env=env, cwd=ROOT, timeout=60)


def test_help_unsafe_and_quit_work_at_the_first_question(tmp_path: Path) -> None:
    done = region_chat(tmp_path, ["/help", "/unsafe", "/quit"])
    assert done.returncode == 0, done.stderr
    out = done.stdout
    assert "Where is the lender?" in out
    assert "/restart" in out and "/letters" in out  # /help: the commands
    assert "988" in out or "110" in out or "12356" in out  # /unsafe: crisis lines, at once
    assert out.rstrip().endswith("Saved. Goodbye. / 已保存，再见。")  # /quit: left at once
    assert "Please type a number" not in out  # no command was taken as a wrong answer


def test_help_unsafe_and_quit_work_at_a_letter_detail(tmp_path: Path) -> None:
    out_dir = tmp_path / "letters"
    done = chat(tmp_path, [*INTERVIEW, "/letter 1", "/help", "/unsafe", "/quit"], "--lang",
                "en", "--letters-dir", str(out_dir))
    assert done.returncode == 0, done.stderr
    detail = done.stdout.rsplit("Full name", 1)[-1]
    assert "/restart" in detail  # the commands
    assert "If you are in danger now, call the police." in detail  # the demo pack's text
    assert done.stdout.rstrip().endswith("Saved. Goodbye. / 已保存，再见。")
    assert not out_dir.exists() or not list(out_dir.iterdir())  # no letter: /help was no name


def test_the_console_says_type_where_telegram_says_tap(tmp_path: Path) -> None:
    done = chat(tmp_path, ["/quit"], "--lang", "en")
    assert done.returncode == 0
    for line in done.stdout.splitlines():
        assert " tap " not in f" {line.lower()} ", line
    story = ROOT / "tests" / "fixtures" / "story"
    env = {**os.environ, "CALLSHIELD_DATABASE": str(tmp_path / "s.db"),
           "CALLSHIELD_LOG_LEVEL": "WARNING"}
    env.pop("TELEGRAM_BOT_TOKEN", None)
    told = subprocess.run([sys.executable, "-m", "bot.cli", "chat", "--pack", str(story),
                           "--lang", "en"], input="/quit\n", capture_output=True, text=True,
                          env=env, cwd=ROOT, timeout=60)
    assert "tap" not in told.stdout.lower().replace("(“", "")


def test_logs_go_to_stderr_never_into_the_chat(tmp_path: Path) -> None:
    done = region_chat(tmp_path, ["1", "/quit"], level="INFO")
    assert done.returncode == 0, done.stderr
    assert " INFO " in done.stderr  # the log is there, on stderr
    for line in done.stdout.splitlines():
        assert " INFO " not in line and " WARNING " not in line, line


def test_tap_phrases_become_what_to_type() -> None:
    from bot.console_words import typed_words
    assert typed_words("Please type the name, or tap \u201cI don't know\u201d.") == \
        "Please type the name, or type ? (\u201cI don't know\u201d)."
    assert typed_words("Please tap one of the buttons.") == \
        "Please type the number of one of the choices."
    assert typed_words("请点选一个按钮，或点\u201c我不知道\u201d。") == \
        "请输入一个选项的编号，或输入 ? (\u201c我不知道\u201d)。"
    assert typed_words("然後點「完成」。") == "然後輸入 ok (「完成」)。"
    assert typed_words("他们昨晚10点打来") == "他们昨晚10点打来"  # a time, not a tap
