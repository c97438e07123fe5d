"""The story fixture pack (tests/fixtures/story) and helpers to drive a story interview."""

from __future__ import annotations

import datetime as dt
import functools
import zoneinfo

from flows import Pack, Question, advance, events, load_pack, start
from flows.engine import Step
from tests.conftest import ROOT

STORY = ROOT / "tests" / "fixtures" / "story"
NOW = dt.datetime(2026, 11, 28, 12, 0, tzinfo=zoneinfo.ZoneInfo("Asia/Shanghai"))


@functools.lru_cache(maxsize=1)
def story_pack() -> Pack:
    return load_pack(STORY)


def tell(text: str, language: str = "zh-Hans", pack: Pack | None = None) -> Step:
    """Start an interview and tell ``text`` as the story."""
    pack = pack or story_pack()
    step = start(pack, language, now=NOW)
    return advance(pack, step.state, events.Say(text), now=NOW)


def ask(step: Step) -> Question:
    return [r for r in step.replies if isinstance(r, Question)][-1]


def act(step: Step, *evs: events.Event, pack: Pack | None = None) -> Step:
    pack = pack or story_pack()
    for event in evs:
        step = advance(pack, step.state, event, now=NOW)
    return step


def understood(step: Step) -> dict[str, object]:
    """Proposal id -> (node, value) of the confirmation being shown."""
    return {p["id"]: (p["node"], p["value"]) for p in step.state.proposals}
