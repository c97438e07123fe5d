"""Conversation tests written as data, next to the pack they test.

A file ``flows/packs/<id>/tests/*.yaml`` holds::

    tests:
      - name: an agency calls at night
        language: en                      # optional (pack default)
        now: 2026-11-28T12:00:00+08:00    # optional (that moment in the pack's time zone)
        steps:
          - caller: agency                # answer the question 'caller' (it must be asked now)
          - when: "昨晚10点"              # typed text, as a user would type it
          - others: [family, employer]    # multiple choice
          - amount: null                  # "I don't know"
          - /back                         # commands: /back /restart /unsafe /lang zh-Hant
          - /say 我不想活了                # typed at any question, not expected to be taken
        expect:
          findings: [night_contact, third_parties]   # in order, most serious first
          letters: [regulator_complaint]             # offered letters, in order
          channels: [c12378]                         # optional
          path: [caller, when, others]               # optional: questions asked, in order
          messages_contain: ["12356"]                # optional: text shown at some point
          messages_lack: ["pay into"]                # optional: text never shown
          completed: true                            # default true

Each step checks that the named question is the one being asked, so a test also pins the
path. ``callshield flows test`` and pytest both run them.
"""

from __future__ import annotations

import datetime as dt
import random
import zoneinfo
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from flows import events as ev
from flows.engine import Step, advance, start
from flows.pack import Pack
from flows.replies import Message, Question, Result
from flows.schema import QUESTION_KINDS

DEFAULT_NOW = dt.datetime(2026, 11, 28, 12, 0)


@dataclass(frozen=True, slots=True)
class Outcome:
    file: str
    name: str
    failures: tuple[str, ...]

    @property
    def passed(self) -> bool:
        return not self.failures


def test_files(pack: Pack) -> list[Path]:
    folder = (pack.folder or Path(".")) / "tests"
    return sorted(folder.glob("*.yaml")) if folder.is_dir() else []


def run_pack_tests(pack: Pack) -> list[Outcome]:
    """Run every conversation test of a pack."""
    outcomes = []
    for file in test_files(pack):
        data = yaml.safe_load(file.read_text(encoding="utf-8")) or {}
        for case in data.get("tests", []):
            outcomes.append(run_case(pack, case, str(file)))
    return outcomes


def _event(pack: Pack, step: Any, current: str | None) -> tuple[ev.Event | None, str | None]:
    """The event for one test step, and the node it expects to be asked (if any)."""
    if isinstance(step, str):
        command, _, argument = step.partition(" ")
        events = {"/back": ev.Back(), "/restart": ev.Restart(), "/unsafe": ev.Unsafe(),
                  "/cancel": ev.Cancel(), "/why": ev.WhyAsk(), "/lang": ev.SetLanguage(argument),
                  "/say": ev.Say(argument)}
        return events.get(command), None
    if not isinstance(step, dict) or len(step) != 1:
        return None, None
    ((node_id, value),) = step.items()
    node = pack.nodes.get(node_id)
    if node is None:
        return None, node_id
    if value is None:
        return ev.DontKnow(node_id), node_id
    if node.node.kind in ("choice", "yesno"):
        return ev.Pick(node_id, str(value)), node_id
    if node.node.kind == "multi":
        return ev.Done(node_id), node_id
    return ev.Say(str(value)), node_id


def run_case(pack: Pack, case: dict[str, Any], file: str) -> Outcome:
    name = str(case.get("name", "unnamed"))
    failures: list[str] = []
    zone = zoneinfo.ZoneInfo(pack.timezone)
    now = case.get("now") or DEFAULT_NOW
    now = now if isinstance(now, dt.datetime) else dt.datetime.fromisoformat(str(now))
    now = now if now.tzinfo else now.replace(tzinfo=zone)
    step: Step = start(pack, case.get("language"), now=now)
    shown: list[str] = [_text(r) for r in step.replies]
    asked: list[str] = []
    for raw in case.get("steps", []):
        current = step.state.path[-1]
        event, expected = _event(pack, raw, current)
        if event is None:
            failures.append(f"step {raw!r} is not a known node or command")
            break
        if expected is not None and expected != current:
            failures.append(f"step {raw!r}: expected question '{expected}' but '{current}' "
                            "is being asked")
            break
        if isinstance(event, ev.Done):
            for option in raw[expected]:  # type: ignore[index]
                step = advance(pack, step.state, ev.Pick(expected, str(option)), now=now)
        if expected is not None:
            asked.append(expected)
        before = step.state
        step = advance(pack, step.state, event, now=now)
        shown.extend(_text(r) for r in step.replies)
        if expected is not None and step.state.answers == before.answers and \
                step.state.path == before.path:
            failures.append(f"step {raw!r}: the answer was refused")
            break
    _check_expectations(case.get("expect", {}), step, shown, asked, failures)
    return Outcome(file, name, tuple(failures))


def _text(reply: Any) -> str:
    if isinstance(reply, (Message, Question)):
        return reply.text
    if isinstance(reply, Result):
        parts = [f.title + " " + f.explanation for f in reply.findings]
        parts += list(reply.say) + list(reply.do)
        parts += [c.title + " " + c.text + " " + c.extra for c in reply.channels]
        return "\n".join(parts)
    return ""


def _check_expectations(expect: dict[str, Any], step: Step, shown: list[str],
                        asked: list[str], failures: list[str]) -> None:
    result = next((r for r in step.replies if isinstance(r, Result)), None)
    if expect.get("completed", True) and step.state.status != "done":
        failures.append(f"the interview did not finish; it stopped at '{step.state.path[-1]}'")
        return
    if result is not None:
        got = {"findings": [f.rule for f in result.findings],
               "letters": [x.id for x in result.letters],
               "channels": [c.id for c in result.channels]}
        for key, actual in got.items():
            if key in expect and list(expect[key]) != actual:
                failures.append(f"{key}: expected {list(expect[key])}, got {actual}")
        for rule in expect.get("not_findings", []):
            if rule in got["findings"]:
                failures.append(f"finding '{rule}' must not appear")
    if "path" in expect and list(expect["path"]) != asked:
        failures.append(f"path: expected {list(expect['path'])}, got {asked}")
    everything = "\n".join(shown)
    for needle in expect.get("messages_contain", []):
        if str(needle) not in everything:
            failures.append(f"no message contained {needle!r}")
    for needle in expect.get("messages_lack", []):
        if str(needle) in everything:
            failures.append(f"a message contained {needle!r}, which must not be shown")


SAMPLE_TEXT = ["yesterday 10pm", "昨晚10点", "today 9am", "3", "x" * 5000, "", "🙂", "/x",
               "+86 138 0013 8000", "12", "hello", "11月20日 上午9:30", "-5", "1e9"]


def random_walk(pack: Pack, runs: int = 1000, seed: int = 7, max_steps: int = 400) -> list[str]:
    """Drive random answers (valid and not) until each interview ends; report any failure."""
    rng = random.Random(seed)
    zone = zoneinfo.ZoneInfo(pack.timezone)
    now = DEFAULT_NOW.replace(tzinfo=zone)
    problems: list[str] = []
    for run in range(runs):
        step = start(pack, rng.choice(pack.languages), now=now)
        for _ in range(max_steps):
            if step.state.status == "done":
                break
            step = advance(pack, step.state, _random_event(pack, step, rng), now=now)
        else:
            problems.append(f"run {run}: did not finish in {max_steps} steps "
                            f"(at '{step.state.path[-1]}')")
    return problems


def _random_event(pack: Pack, step: Step, rng: random.Random) -> ev.Event:
    question = next((r for r in step.replies if isinstance(r, Question)), None)
    roll = rng.random()
    if question is None or roll < 0.03:
        return rng.choice([ev.Back(), ev.Repeat(), ev.WhyAsk(), ev.Unsafe(),
                           ev.SetLanguage(rng.choice(pack.languages))])
    node = pack.nodes[question.node].node
    if roll < 0.08 and question.can_skip:
        return ev.DontKnow(question.node)
    if roll < 0.15:
        return ev.Say(rng.choice(SAMPLE_TEXT))
    if question.choices:
        if node.kind == "multi" and rng.random() < 0.4:
            return ev.Done(question.node)
        return ev.Pick(question.node, rng.choice(question.choices).id)
    if node.kind in QUESTION_KINDS:
        samples = {"text": "They called me many times", "number": str(int(node.min or 0)),
                   "datetime": "yesterday 10pm", "phone": "+86 138 0013 8000"}
        return ev.Say(samples.get(node.kind, "x"))
    return ev.Repeat()
