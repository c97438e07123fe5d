"""Kind words (issue 14): one short line of acknowledgement before the next question when a
typed answer says the person is afraid, ashamed or desperate — pack data, never a crisis reply."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from flows import Message, events

from tests.flows.packkit import END, clean_pack, question, run

NOW = dt.datetime(2026, 11, 28, 12, tzinfo=dt.UTC)
NODES = """\
what:
  kind: text
  text: What happened?
  help: It goes into your record.
  reprompt: Please type a few words.
  next: when
when:
  kind: text
  text: Anything else?
  help: It goes into your record.
  reprompt: Please type a few words.
  next: done
""" + END
KINDNESS = """\
kindness:
  - id: afraid
    words: {en: [afraid, scared, terrified]}
    text: That sounds frightening.
  - id: ashamed
    words: {en: [ashamed, embarrassed]}
    text: There is nothing to be ashamed of.
"""


def _lines(step) -> list[str]:  # type: ignore[no-untyped-def]
    return [r.text for r in step.replies if isinstance(r, Message) and r.tone == "info"]


def test_one_kind_line_comes_before_the_next_question(tmp_path: Path) -> None:
    pack = clean_pack(tmp_path, NODES, start="what", extra=KINDNESS)
    step = run(pack, NOW, events.Say("They call every day and I'm so scared and embarrassed"))
    assert _lines(step) == ["That sounds frightening."]  # one line: the first item that fits
    assert step.replies.index(next(r for r in step.replies if isinstance(r, Message))) < \
        step.replies.index(question(step))
    assert question(step).node == "when"
    assert step.state.answers["what"].startswith("They call")  # the answer is kept as typed


def test_denied_or_absent_feelings_get_no_line(tmp_path: Path) -> None:
    pack = clean_pack(tmp_path, NODES, start="what", extra=KINDNESS)
    assert _lines(run(pack, NOW, events.Say("I'm not scared of them, they call at 7am"))) == []
    assert _lines(run(pack, NOW, events.Say("They called twice yesterday"))) == []
    assert _lines(run(pack, NOW, events.Say("I feel ashamed"))) == [
        "There is nothing to be ashamed of."]


def test_crisis_words_get_the_crisis_reply_not_a_kind_line(tmp_path: Path) -> None:
    pack = clean_pack(tmp_path, NODES, start="what", extra=KINDNESS)
    step = run(pack, NOW, events.Say("I'm scared and I want to end my life"))
    assert any(isinstance(r, Message) and r.tone == "safety" for r in step.replies)
    assert _lines(step) == []


def test_a_pack_without_kindness_says_nothing_extra(tmp_path: Path) -> None:
    pack = clean_pack(tmp_path, NODES, start="what")
    assert _lines(run(pack, NOW, events.Say("I'm so scared"))) == []


def test_a_kind_line_needs_every_language(tmp_path: Path) -> None:
    from tests.flows.packkit import issues_of, write_pack
    folder = write_pack(tmp_path, NODES, start="what", extra=KINDNESS.replace(
        "text: That sounds frightening.", "text: {en: That sounds frightening., de: Ja.}"))
    assert any(":4:" in str(issue) and "text in de" in str(issue)  # the kind line's own line
               for issue in issues_of(folder))
