"""The evidence diary end to end, over HTTP to the fake Bot API, the real bot as a process and
a real SQLite file: a report, two quick additions across three days (three taps, and a typed
"they called again" offered for the record), a photo kept as evidence (downloaded only for
the report, its SHA-256 recorded), the timeline, the PDF report (parsed with pypdf, a page
rendered with pypdfium2) and the CSV, deleting one entry, the counts in the findings and in a
letter, reminders (cancelled; due ones sent once, across restarts), the diary's words sealed
at rest, and "delete my data" leaving no copy in the files.
"""

from __future__ import annotations

import asyncio
import csv
import datetime as dt
import hashlib
import io
import re
import shutil
import sqlite3
from collections.abc import Callable
from contextlib import closing
from pathlib import Path

import pypdf
import pypdfium2
import pytest

from tests.fake_bot_api import FakeBotApi
from tests.fake_bot_api.users import FAKE_JPEG
from tests.plaintext import stored_plaintext
from tests.storage.people import copies
from tests.telegram.conftest import DEMO, BotProcess, Chat, find_button, until

CHAT = 7400
NOTE = "They said they would come to my office NOTE-5521"
SLOW = 40.0
SHANGHAI = dt.timezone(dt.timedelta(hours=8))  # the demo pack's clock  # the first reply waits for the bot to start on a busy machine

RULE = """
  - id: logged_often
    when: {fact: record.max_7_days, gte: 4}
    severity: low
    title: {en: Contacted again and again (your record), zh-Hans: 反复联系（您的记录）}
    explanation:
      en: Your record shows contacts again and again.
      zh-Hans: 您的记录显示对方反复联系。
    citations: [civil_1033]
    letters: [complaint]
"""
RECORD_TEST = """
tests:
  - name: a record with contacts again and again (the channel gives its counts)
    record: {max_7_days: 5, max_day: 3, total: 5, days: 2, night: 0, third_parties: 0}
    steps:
      - caller: agency
      - when: today 9am
      - number: null
      - count: 2
      - others: []
      - story: They asked me to pay.
    expect:
      findings: [logged_often]
      letters: [complaint]
"""
FOLLOW_UP = """
    follow_ups:
      - kind: did_they_stop
        days: 7
        offer: {en: "Ask me in 7 days: did they stop?", zh-Hans: 7天后问我：他们停了吗？}
        text:
          en: "A week ago you asked them to stop. Did they stop? REMINDER-7"
          zh-Hans: 他们停了吗？REMINDER-7
"""


@pytest.fixture
def packs_dir(tmp_path: Path) -> Path:
    """The demo pack with a rule reading the record, its third parties and counts mapped to
    the record, and a follow-up on its letter."""
    folder = tmp_path / "packs"
    shutil.copytree(DEMO, folder / "demo")
    pack = folder / "demo" / "pack.yaml"
    pack.write_text(pack.read_text().replace(
        "  occurred_at: when\n", "  occurred_at: when\n  third_parties: others\n"
        "  contacts: count\n"), encoding="utf-8")
    rules = folder / "demo" / "rules.yaml"
    text = rules.read_text(encoding="utf-8")
    text = text.replace("\ncitations:", RULE + "\ncitations:", 1)
    text = text.replace("    addressee: {type: lender, ask: []}\n",
                        "    addressee: {type: lender, ask: []}\n" + FOLLOW_UP, 1)
    rules.write_text(text, encoding="utf-8")
    (folder / "demo" / "tests" / "record.yaml").write_text(RECORD_TEST, encoding="utf-8")
    return folder


async def report(chat: Chat) -> None:
    await chat.say("/start", "Choose your language", timeout=SLOW)
    await chat.press("l:en", "Where is the lender")
    await chat.press("j:demo", "What would you like to do")
    await chat.press("m:interview", "Who contacted you?")
    await chat.press("c:caller:lender", "What is the lender called?")
    await chat.say("Huijin", "When did they contact you?")
    await chat.say("前天晚上10点", "Which number called you?")  # two days ago, at night
    await chat.say("138 0013 8000", "How many contacts today?")
    await chat.say("2", "Who else did they contact?")
    await chat.press("c:others:family", "Who else did they contact?")
    await chat.press("d:others", "Tell us in your words")
    await chat.say("They kept calling.", "Your record: 2 contacts on 1 day.", timeout=15)


async def documents(server: FakeBotApi, chat: Chat, before: int, n: int) -> list:
    await until(lambda: len(server.documents(chat.id)) >= before + n, timeout=90,
                what="the documents")
    return server.documents(chat.id)[before:before + n]


def database(tmp_path: Path) -> Path:
    return tmp_path / "bot.sqlite3"


async def test_report_quick_adds_photo_view_export_delete_and_counts(
        server: FakeBotApi, make_bot: Callable[..., BotProcess], tmp_path: Path) -> None:
    make_bot()
    chat = Chat(server, CHAT)
    await report(chat)
    assert not any("again and again" in text for text in chat.texts())  # 2 contacts so far

    # quick add 1: three taps (the demo pack has no channel question: "when" comes first)
    await chat.press("m:add", "When?")
    await chat.press("D:w:-:yesterday", "Added to your record: Yesterday")
    await chat.say(NOTE, "Saved with that entry")
    # quick add 2: typed at the menu, recognised, offered, never recorded silently
    at = chat.mark()
    await chat.say("They called again just now, 3 calls", "Add it to your record?")
    assert "\u00d73" in chat.texts()[-1]
    with closing(sqlite3.connect(database(tmp_path))) as raw:
        assert raw.execute("SELECT COUNT(*) FROM diary_entries").fetchone()[0] == 2
    await chat.press("D:py", "Added to your record.")
    added = await chat.expect("Your record: 6 contacts on 3 days", at)
    hour = dt.datetime.now(SHANGHAI).hour  # "just now" may itself be at night there
    night = 1 + (hour >= 22 or hour < 8)
    assert f"Most in any 7 days: 6. At night: {night}. To other people: 1." in added.text

    # a photo: kept on the latest entry, not downloaded yet
    at = chat.mark()
    server.user_sends_photo(CHAT, caption="screenshot of their SMS")
    await chat.expect("Kept as evidence with your entry of", at)
    assert not server.calls_to("getFile")

    # the timeline
    view = await chat.say("/diary", "Your record: 6 contacts on 3 days")
    assert len(view.text or "") <= 1200
    today = dt.datetime.now(SHANGHAI).date()
    for day in (today, today - dt.timedelta(days=1), today - dt.timedelta(days=2)):
        assert day.strftime("%d %b %Y") in (view.text or "")
    assert "NOTE-5521" in (view.text or "") and "\U0001f5bc" in (view.text or "")

    # the findings read the record: /rights now shows the record-based finding
    await chat.say("/rights", "Contacted again and again (your record)")

    # the export: a PDF (parsed, a page rendered) and a CSV; the photo fetched and hashed now
    before = len(server.documents(CHAT))
    button = await until(lambda: find_button(server, CHAT, "D:x"), what="the export button")
    server.user_presses_button(CHAT, button.message_id, "D:x")
    pdf_doc, csv_doc = await documents(server, chat, before, 2)
    assert server.calls_to("getFile")
    digest = hashlib.sha256(FAKE_JPEG).hexdigest()
    assert pdf_doc.filename.endswith(".pdf") and csv_doc.filename.endswith(".csv")
    reader = pypdf.PdfReader(io.BytesIO(pdf_doc.data))
    text = re.sub(r"\s+", "", "".join(page.extract_text() for page in reader.pages))
    for expected in ("Recordofdebt-collectioncontacts", "6contactson3days", "NOTE-5521",
                     "Contactsperday", digest[:16], "13800138000"):
        assert expected in text, expected
    page = pypdfium2.PdfDocument(pdf_doc.data)[0].render(scale=1).to_pil().convert("L")
    colours = page.getcolors(maxcolors=1 << 16) or []
    assert len(colours) > 20  # text, bars and lines drawn, not a blank page
    rows = list(csv.DictReader(io.StringIO(csv_doc.data.decode("utf-8-sig"))))
    assert [r["contacts"] for r in rows] == ["2", "1", "3"]
    assert rows[0]["night"] == "yes" and rows[0]["others"] == "Family"
    assert digest in rows[2]["files"] and rows[1]["what"] == NOTE
    with closing(sqlite3.connect(database(tmp_path))) as raw:
        assert raw.execute("SELECT sha256 FROM diary_attachments").fetchone()[0] == digest

    # the letter: its counts and contacts come from the whole record, the photo enclosed
    await chat.press("m:letters", "Letters drafted from your reports")
    await chat.press("L:complaint", "Your full name")
    at = chat.mark()
    await chat.say("张三", "Saved: Full name")
    await chat.expect("Download the letter", at, timeout=30)
    preview = "\n".join(chat.texts())
    assert f"我共记录到6次联系，其中{night}次在22:00至次日08:00之间" in preview
    assert "附件：联系记录（共 3 次）" in preview
    assert "反复联系（我的记录）" in preview  # the record-based finding, in the user's words

    # a reminder is offered after the download; cancelled, then set again
    before = len(server.documents(CHAT))
    await chat.press("Lp:complaint", "Would you like a reminder?", timeout=90)
    pdf = (await documents(server, chat, before, 1))[0].data
    letter = re.sub(r"\s+", "", "".join(
        p.extract_text() for p in pypdf.PdfReader(io.BytesIO(pdf)).pages))
    assert "我共记录到6次联系" in letter
    assert f"SHA-256：{digest}" in letter  # the photo, enclosed by its fingerprint
    reminder = await chat.press("D:r:complaint:did_they_stop", "I will remind you on")
    due = (today + dt.timedelta(days=7)).isoformat()
    assert due in (reminder.text or "")
    [cancel] = [b["callback_data"] for b in reminder.buttons()]
    await chat.press(cancel, "The reminder is cancelled")
    with closing(sqlite3.connect(database(tmp_path))) as raw:
        assert raw.execute("SELECT cancelled_at IS NOT NULL FROM reminders").fetchall() == [(1,)]

    # delete one entry, with a confirmation; a stale confirmation changes nothing
    await chat.say("/diary", "Your record")
    picker = await chat.press("D:del", "Which entry should be deleted?")
    first = picker.buttons()[0]["callback_data"]  # the newest: today's
    confirm = await chat.press(first, "Delete the entry of")
    yes = confirm.buttons()[0]["callback_data"]
    await chat.press(yes, "Deleted. Your record now has 3 contacts.")
    at = chat.mark()
    server.user_presses_button(CHAT, confirm.message_id, yes, check_button=False)
    await chat.expect("That entry is not there any more", at)
    at = chat.mark()
    await chat.say("/rights", "What to do now")
    await chat.expect("What next?", at)  # every card has come
    assert not any("again and again" in c.params["text"] for c in chat.sent_since(at))  # 3 < 4
    assert not server.failed_calls, [(c.method, c.error) for c in server.failed_calls]

    # at rest the diary's words are sealed; readable only through the data key
    files = b"".join(p.read_bytes() for p in tmp_path.glob("bot.sqlite3*") if p.is_file())
    assert b"NOTE-5521" not in files and b"screenshot of their SMS" not in files
    assert "NOTE-5521" in stored_plaintext(database(tmp_path), ("diary_entries",))


async def test_reminders_survive_restarts_are_sent_once_and_delete_all_leaves_nothing(
        server: FakeBotApi, make_bot: Callable[..., BotProcess], tmp_path: Path) -> None:
    bot = make_bot()
    chat = Chat(server, CHAT)
    await report(chat)
    await chat.press("m:letters", "Letters drafted from your reports")
    await chat.press("L:complaint", "Your full name")
    await chat.press("Ls:complaint:full_name", "Download the letter")
    await chat.press("Lp:complaint", "Would you like a reminder?", timeout=90)
    await chat.press("D:r:complaint:did_they_stop", "I will remind you on")
    await bot.stop()
    with closing(sqlite3.connect(database(tmp_path))) as raw, raw:  # a week passes
        raw.execute("UPDATE reminders SET due_at_utc = '2020-01-01T00:00:00.000000+00:00'")
    fast = {"CALLSHIELD_REMINDER_SECONDS": "0.3", "CALLSHIELD_REMINDER_HOURS": "0-24"}
    bot = make_bot(**fast)
    await chat.expect("REMINDER-7", 0, timeout=SLOW)
    await bot.stop()
    bot = make_bot(**fast)  # another restart: the sent reminder is not sent again
    await chat.say("/diary", "Your record", timeout=SLOW)
    await asyncio.sleep(1.5)  # rounds of the loop that must not send it again
    sent = [c for c in server.calls_to("sendMessage") if "REMINDER-7" in str(c.params)]
    assert len(sent) == 1
    with closing(sqlite3.connect(database(tmp_path))) as raw:
        assert raw.execute("SELECT sent_at IS NOT NULL FROM reminders").fetchall() == [(1,)]
        sealed = [row[0] for row in raw.execute("SELECT note FROM diary_entries")]
    # delete everything: the diary, its files and reminders leave no copy in the files
    at = chat.mark()
    server.user_sends_photo(CHAT)
    await chat.expect("Kept as evidence", at)
    with closing(sqlite3.connect(database(tmp_path))) as raw:
        sealed += [row[0] for row in raw.execute("SELECT file_id FROM diary_attachments")]
    assert all(isinstance(value, bytes) for value in sealed) and sealed
    await chat.say("/delete_my_data", "This erases everything")
    await chat.press("x:yes", "Everything we stored about you is deleted")
    with closing(sqlite3.connect(database(tmp_path))) as raw:
        for table in ("diary_entries", "diary_attachments", "reminders"):
            assert raw.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0] == 0
    assert copies(database(tmp_path), sealed) == {}
