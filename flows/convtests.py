"""Conversation tests written as data, next to the pack they test.

A file ``flows/packs/<id>/tests/*.yaml`` holds::

    tests:
      - name: an agency calls at night
        language: en                      # optional (pack default)
        now: 2026-11-28T12:00:00+08:00    # optional (that moment in the pack's time zone)
        record: {max_7_days: 45}          # optional: the person's record of contacts, as the
                                          # channel gives it (rules read record.max_7_days...)
        steps:
          - caller: agency                # answer the question 'caller' (it must be asked now)
          - when: "昨晚10点"              # typed text, as a user would type it
          - others: [family, employer]    # multiple choice: exactly these ticked, then Done
          - amount: null                  # "I don't know"
          - story: 他们昨晚给我妈打了30次电话   # a story question: tell it (null: skip)
          - story: {untick: [others.family]}  # then confirm: untick what is wrong (keys
                                          # as in understood:), or {confirm: all}, or
                                          # {correct: "是20次"} (typed correction)
          - /back                         # commands: /back /restart /unsafe /lang zh-Hant
          - /say 我不想活了                # typed at any question, not expected to be taken
        expect:
          findings: [night_contact, third_parties]   # in order, most serious first
          letters: [regulator_complaint]             # offered letters, in order
          channels: [c12378]                         # optional
          path: [caller, when, others]               # optional: questions asked, in order
          messages_contain: ["12356"]                # optional: text shown at some point
          messages_lack: ["pay into"]                # optional: text never shown
          citations_contain: [civil_1033, "Art. 1033"]  # optional: citations shown, by id or
                                                     #   by text of the line users see
          citations_lack: [psl_42]                   # optional: citations never shown
          understood: [contact_time, others.family]  # optional: what the story gave, as
                                                     # node (or node.option), in order
          answers: {contacts_today: {at_least: 10}}  # optional: stored answers
          completed: true                            # default true

Each step checks that the named question is the one being asked, so a test also pins the
path. ``callshield flows test`` and pytest both run them.
"""

from __future__ import annotations

import datetime as dt
import random
import zoneinfo
from dataclasses import dataclass, replace
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
    if node.node.kind == "story" and isinstance(value, dict):
        if "correct" in value:
            return ev.Say(str(value["correct"])), node_id
        return ev.Done(node_id), node_id
    if node.node.kind in ("choice", "yesno"):
        return ev.Pick(node_id, str(value)), node_id
    if node.node.kind in ("multi", "tally") and isinstance(value, list):
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
    if isinstance(case.get("record"), dict):  # counts from the diary, as a channel gives them
        step = replace(step, state=step.state.with_(record={
            str(k): int(v) for k, v in case["record"].items()}))
    shown: list[str] = [_text(r) for r in step.replies]
    asked: list[str] = []
    understood: list[str] | None = None
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
        if isinstance(event, ev.Done) and isinstance(raw[expected], dict):  # type: ignore[index]
            keys = proposal_keys(pack, step.state.proposals)
            for key in raw[expected].get("untick", []):  # type: ignore[index]
                if key not in keys:
                    failures.append(f"step {raw!r}: nothing understood as {key!r} "
                                    f"(understood: {keys})")
                    break
                proposal = step.state.proposals[keys.index(key)]
                step = advance(pack, step.state, ev.Pick(expected, proposal["id"]), now=now)
        elif isinstance(event, ev.Done):  # tick exactly the listed options, then Done
            wanted = [str(option) for option in raw[expected]]  # type: ignore[index]
            ticked = list(step.state.pending.get(expected, []))
            for option in [o for o in ticked if o not in wanted] + \
                    [o for o in wanted if o not in ticked]:
                step = advance(pack, step.state, ev.Pick(expected, option), now=now)
        if expected is not None:
            asked.append(expected)
        before = step.state
        step = advance(pack, step.state, event, now=now)
        shown.extend(_text(r) for r in step.replies)
        if any(isinstance(r, Question) and r.kind == "confirm" for r in step.replies):
            understood = proposal_keys(pack, step.state.proposals)
        if expected is not None and step.state.answers == before.answers and \
                step.state.path == before.path and step.state.pending == before.pending:
            failures.append(f"step {raw!r}: the answer was refused")
            break
    expect = case.get("expect", {})
    _check_expectations(expect, step, shown, asked, failures)
    if "understood" in expect and list(expect["understood"]) != (understood or []):
        failures.append(f"understood: expected {list(expect['understood'])}, got {understood}")
    for node_id, value in (expect.get("answers") or {}).items():
        if step.state.answers.get(node_id, "<none>") != value:
            failures.append(f"answer {node_id}: expected {value!r}, got "
                            f"{step.state.answers.get(node_id, '<none>')!r}")
    return Outcome(file, name, tuple(failures))


def proposal_keys(pack: Pack, proposals: list[dict[str, Any]]) -> list[str]:
    """How tests name what the story gave: ``node``, or ``node.option`` for one option of a
    multi (or choice) question or one person of a tally."""
    keys = []
    for proposal in proposals:
        node_id, value = proposal["node"], proposal["value"]
        kind = pack.nodes[node_id].node.kind if node_id in pack.nodes else ""
        if kind == "tally" and isinstance(value, dict):
            keys.append(f"{node_id}.{next(iter(value))}")
        elif kind in ("multi", "choice"):
            keys.append(f"{node_id}.{value}")
        else:
            keys.append(node_id)
    return keys


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
    if result is not None:
        _check_citations(expect, result, failures)
    if "path" in expect and list(expect["path"]) != asked:
        failures.append(f"path: expected {list(expect['path'])}, got {asked}")
    everything = "\n".join(shown)
    for needle in expect.get("messages_contain", []):
        if str(needle) not in everything:
            failures.append(f"no message contained {needle!r}")
    for needle in expect.get("messages_lack", []):
        if str(needle) in everything:
            failures.append(f"a message contained {needle!r}, which must not be shown")


def citation_lines(result: Result) -> list[tuple[str, str]]:
    """(id, the line users see: law, article, in-force date, link) of every citation shown."""
    lines = []
    for finding in result.findings:
        for c in finding.citations:
            text = " ".join(part for part in (c.law, c.article) if part)
            if c.effective:
                text += " (" + result.headings.get("effective", "{date}").replace(
                    "{date}", c.effective) + ")"
            lines.append((c.id, f"{text} {c.url}"))
    return lines


def _check_citations(expect: dict[str, Any], result: Result, failures: list[str]) -> None:
    shown = citation_lines(result)
    for needle in expect.get("citations_contain", []):
        if not any(str(needle) == cid or str(needle) in line for cid, line in shown):
            failures.append(f"no citation shown matched {needle!r} (shown: "
                            f"{', '.join(cid for cid, _ in shown) or 'none'})")
    for needle in expect.get("citations_lack", []):
        if any(str(needle) == cid or str(needle) in line for cid, line in shown):
            failures.append(f"a citation matching {needle!r} was shown, which must not be")


SAMPLE_TEXT = ["yesterday 10pm", "昨晚10点", "today 9am", "3", "x" * 5000, "", "🙂", "/x",
               "+86 138 0013 8000", "12", "hello", "11月20日 上午9:30", "-5", "1e9", "数不清",
               "0", "三十多次", "NT$20萬", "昨天", "this morning", "妈妈30次，领导5次", "1, 3",
               "ok", "2"]
SAMPLE_STORIES = [
    "他们昨晚十点多给我妈打了三十多次电话，说要爆我通讯录，还骂我。我已经跟他们说了4次不要再打了。",
    "They called my mother 30 times yesterday and told my boss. They never threatened me. "
    "I borrowed $500 from Cash Fast Loans and I already paid it back.",
    "没有人上门，也没有威胁我，只是每天打电话。", "x" * 5000, "🙂",
]


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
    if question.kind == "story":
        return ev.Say(rng.choice(SAMPLE_STORIES))
    if question.kind == "confirm" and (not question.choices or rng.random() < 0.4):
        return ev.Done(question.node)
    if question.choices:
        if node.kind in ("multi", "tally") and rng.random() < 0.4:
            return ev.Done(question.node)
        return ev.Pick(question.node, rng.choice(question.choices).id)
    if node.kind in QUESTION_KINDS:
        samples = {"text": "They called me many times", "number": str(int(node.min or 0)),
                   "datetime": "yesterday 10pm", "phone": "+86 138 0013 8000",
                   "amount": rng.choice(["8000", "大概八千", "$2,340.17", "NT$20萬"])}
        return ev.Say(samples.get(node.kind, "x"))
    return ev.Repeat()
