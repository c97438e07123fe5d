"""Small real packs written to a temporary folder, for testing one engine feature at a time.

Each test states only the nodes (and sections) its feature needs; the pack is then loaded and
validated by the real loader, exactly as an operator's pack would be.
"""

from __future__ import annotations

import datetime as dt
import textwrap
from pathlib import Path

from flows import Message, Pack, Question, Result, advance, events, inspect_pack, start
from flows.engine import Step
from flows.issues import PackIssue

PACK_HEAD = """\
pack:
  id: kit
  jurisdiction: TEST
  name: Test guide
  languages: [en]
  default_language: en
  version: "1"
  reviewed_on: 2026-11-20
  reviewed_by: tests
  timezone: {timezone}
  official_domains: [consumerfinance.gov, ecfr.gov, mass.gov]
  start: {start}
  disclaimer: Not legal advice.
safety:
  unsafe: Call the police if you are in danger.
"""


def write_pack(folder: Path, nodes: str, *, start: str, extra: str = "",
               timezone: str = "America/New_York") -> Path:
    """A one-language (en) pack from YAML snippets; returns its folder."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "pack.yaml").write_text(PACK_HEAD.format(timezone=timezone, start=start),
                                      encoding="utf-8")
    (folder / "nodes.yaml").write_text("nodes:\n" + textwrap.indent(textwrap.dedent(nodes), "  "),
                                       encoding="utf-8")
    if extra:
        (folder / "more.yaml").write_text(textwrap.dedent(extra), encoding="utf-8")
    return folder


END = """\
done:
  kind: end
  text: Thank you.
"""
"""The last node of most test packs (id ``done``)."""


def clean_pack(folder: Path, nodes: str, *, start: str, extra: str = "") -> Pack:
    """Write and load a pack that must have no errors and no warnings."""
    loaded, issues = load(write_pack(folder, nodes, start=start, extra=extra))
    assert not issues, issues
    return loaded


def load(folder: Path) -> tuple[Pack, list[PackIssue]]:
    """The pack (asserting it has no errors) and its warnings."""
    pack, issues = inspect_pack(folder)
    assert pack is not None, "\n".join(str(issue) for issue in issues)
    return pack, issues


def issues_of(folder: Path) -> list[PackIssue]:
    return inspect_pack(folder)[1]


def run(pack: Pack, now: dt.datetime, *evs: events.Event, language: str = "en") -> Step:
    step = start(pack, language, now=now)
    for event in evs:
        step = advance(pack, step.state, event, now=now)
    return step


def question(step: Step) -> Question:
    found = [r for r in step.replies if isinstance(r, Question)]
    assert found, f"no question in {step.replies}"
    return found[-1]


def result(step: Step) -> Result:
    found = [r for r in step.replies if isinstance(r, Result)]
    assert found, f"the interview did not end: {step.replies}"
    return found[-1]


def notices(step: Step) -> list[str]:
    return [r.text for r in step.replies if isinstance(r, Message) and r.tone == "notice"]
