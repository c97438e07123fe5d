"""Play narratives through a pack as a person would, and measure what was understood.

A narrative (``tests/narratives/<lang-or-pack>/*.yaml``) holds ``id``, ``language``,
``source`` (its URL), ``story``, a neutral ``facts`` sheet and legal ``issues``; pack engineers
add what their pack should make of it::

    expect:
      cn:                                   # a pack id
        story_answers: {said: [violence], others: {family: {at_least: 30}}}
        answers: {debt_mine: mine}          # what the person would answer if asked
        findings: [violence_threat, third_party_contact]
    now: 2026-11-28T12:00:00+08:00          # optional: the clock ("yesterday" reads from it)

The simulated person tells the story, leaves ticked what ``story_answers`` says and unticks
the rest, then answers every remaining question from ``answers`` (or ``story_answers``), "I
don't know" where neither has it. :func:`evaluate` returns the counts from which
``bench/understanding.py`` prints precision, recall and the questions still asked.
"""

from __future__ import annotations

import datetime as dt
import zoneinfo
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from flows import events as ev
from flows.convtests import DEFAULT_NOW, proposal_keys
from flows.engine import Step, advance, start
from flows.moments import read_moment
from flows.pack import Pack
from flows.quantity import count_from_json
from flows.replies import Question, Result


@dataclass
class Outcome:
    """One narrative through one pack."""

    id: str
    right: list[str] = field(default_factory=list)
    wrong: list[str] = field(default_factory=list)
    missed: list[str] = field(default_factory=list)
    expected_findings: list[str] = field(default_factory=list)
    found_findings: list[str] = field(default_factory=list)
    questions_after: int = 0
    finished: bool = False
    held: bool = False
    """The crisis response held the story; the person went on without it."""
    problem: str = ""


def load_narratives(folders: list[Path]) -> list[dict[str, Any]]:
    """Every narrative file under the folders, by path."""
    found = []
    for folder in folders:
        for path in sorted(folder.rglob("*.yaml")) if folder.is_dir() else []:
            data = yaml.safe_load(path.read_text(encoding="utf-8"))
            if isinstance(data, dict) and "story" in data:
                data.setdefault("id", path.stem)
                data["_file"] = str(path)
                found.append(data)
    return found


def items(pack: Pack, answers: dict[str, Any]) -> dict[str, Any]:
    """Expected story answers as the things one can untick: ``node`` or ``node.option``."""
    out: dict[str, Any] = {}
    for node_id, value in answers.items():
        kind = pack.nodes[node_id].node.kind if node_id in pack.nodes else ""
        if kind == "multi" and isinstance(value, list):
            out.update({f"{node_id}.{option}": option for option in value})
        elif kind == "choice" and isinstance(value, str):  # as proposals name it: node.option
            out[f"{node_id}.{value}"] = value
        elif kind == "tally" and isinstance(value, dict):
            out.update({f"{node_id}.{person}": count for person, count in value.items()})
        else:
            out[node_id] = value
    return out


def same(kind: str, proposed: Any, expected: Any) -> bool:
    """Whether a proposed value says what the narrative says."""
    if kind == "tally":
        proposed = next(iter(proposed.values())) if isinstance(proposed, dict) else proposed
        return expected is None or count_from_json(proposed) == count_from_json(expected) \
            or proposed == expected
    if kind == "datetime":
        got, want = read_moment(str(proposed)), read_moment(str(expected))
        if got is None or want is None or got.day != want.day:
            return False
        return want.at is None or (got.at is not None and got.at.hour == want.at.hour)
    if kind == "amount" and isinstance(proposed, dict) and isinstance(expected, dict):
        return proposed.get("currency") == expected.get("currency") and abs(
            float(proposed["amount"]) - float(expected["amount"])) <= 0.005 * float(
            expected["amount"]) + 0.01
    if kind == "text":
        return str(proposed).strip().casefold() == str(expected).strip().casefold()
    if kind in ("multi", "choice", "yesno"):
        return proposed == expected
    return proposed == expected or count_from_json(proposed) == count_from_json(expected)


def _now(pack: Pack, narrative: dict[str, Any]) -> dt.datetime:
    raw = narrative.get("now") or DEFAULT_NOW
    if not narrative.get("now") and narrative.get("story_date"):  # the day it was told, at noon
        raw = dt.datetime.combine(dt.date.fromisoformat(str(narrative["story_date"])),
                                  dt.time(12))
    moment = raw if isinstance(raw, dt.datetime) else dt.datetime.fromisoformat(str(raw))
    return moment if moment.tzinfo else moment.replace(tzinfo=zoneinfo.ZoneInfo(pack.timezone))


def evaluate(pack: Pack, narrative: dict[str, Any], max_steps: int = 200) -> Outcome | None:
    """Play one narrative through ``pack``; ``None`` when it has no expectations for it."""
    expect = (narrative.get("expect") or {}).get(pack.id)
    if not isinstance(expect, dict):
        return None
    outcome = Outcome(str(narrative.get("id")))
    story_answers = dict(expect.get("story_answers") or {})
    known = {**story_answers, **(expect.get("answers") or {})}
    outcome.expected_findings = list(expect.get("findings") or [])
    now = _now(pack, narrative)
    step = start(pack, narrative.get("language"), now=now)
    told = False
    for _ in range(max_steps):
        if step.state.status == "done":
            break
        question = next((r for r in step.replies if isinstance(r, Question)), None)
        if question is None:
            outcome.problem = "no question to answer"
            break
        if question.kind == "story" and not told:
            told = True
            step = advance(pack, step.state, ev.Say(str(narrative["story"])), now=now)
            if not any(isinstance(r, Question) for r in step.replies):
                # The crisis response held the story (it tells of a suicide, say): the person
                # carries on by skipping it, and everything it held counts as missed.
                outcome.held = True
                step = advance(pack, step.state, ev.DontKnow(question.node), now=now)
                outcome.missed += list(items(pack, story_answers))
                continue
            if any(isinstance(r, Question) and r.kind == "confirm" for r in step.replies):
                step = _confirm(pack, step, story_answers, outcome, now)
            else:
                outcome.missed += list(items(pack, story_answers))
            continue
        if told:
            outcome.questions_after += 1
        before = step.state
        step = _answer(pack, step, question, known, now)
        if step.state == before and question.can_skip:  # the answer was refused: "I don't know"
            step = advance(pack, step.state, ev.DontKnow(question.node), now=now)
        if step.state == before:
            outcome.problem = f"stuck at '{question.node}'"
            break
    outcome.finished = step.state.status == "done"
    if not told:
        outcome.problem = outcome.problem or "the pack never asked for the story"
    result = next((r for r in step.replies if isinstance(r, Result)), None)
    outcome.found_findings = [f.rule for f in result.findings] if result else []
    return outcome


def _confirm(pack: Pack, step: Step, story_answers: dict[str, Any], outcome: Outcome,
             now: dt.datetime) -> Step:
    wanted = items(pack, story_answers)
    keys = proposal_keys(pack, step.state.proposals)
    proposed = set()
    for key, proposal in zip(keys, step.state.proposals, strict=True):
        kind = pack.nodes[proposal["node"]].node.kind
        value = proposal["value"]
        if kind in ("multi", "choice"):
            value = key.partition(".")[2]
        right = key in wanted and same(kind, value, wanted[key])
        (outcome.right if right else outcome.wrong).append(key)
        proposed.add(key)
        if not right:  # untick it on "here is what I understood" (the story question)
            step = advance(pack, step.state, ev.Pick(step.state.path[-1], proposal["id"]),
                           now=now)
    outcome.missed += [key for key in wanted if key not in set(outcome.right)]
    return advance(pack, step.state, ev.Done(step.state.path[-1]), now=now)


def _typed(kind: str, value: Any) -> str:
    if kind == "number" or kind == "tally":
        count = count_from_json(value)
        return f"至少{value['at_least']}次" if isinstance(value, dict) else str(count)
    if kind == "amount" and isinstance(value, dict):
        return f"{value['amount']} {value['currency']}"
    if kind == "datetime":
        moment = read_moment(str(value))
        if moment is not None and moment.at is not None:
            return moment.at.strftime("%Y-%m-%d %H:%M")
    return str(value)


def _answer(pack: Pack, step: Step, question: Question, known: dict[str, Any],
            now: dt.datetime) -> Step:
    node_id = question.node
    kind = question.kind
    value = known.get(node_id, known.get(pack.nodes[node_id].fact or node_id))
    if kind == "confirm":
        return advance(pack, step.state, ev.Done(node_id), now=now)
    if value is None:
        if question.can_skip:
            return advance(pack, step.state, ev.DontKnow(node_id), now=now)
        value = question.choices[0].id if question.choices else "0"
    if kind in ("choice", "yesno"):
        return advance(pack, step.state, ev.Pick(node_id, str(value)), now=now)
    if kind in ("multi", "tally"):
        wanted = [str(v) for v in (value if isinstance(value, (list, dict)) else [value])]
        ticked = list(step.state.pending.get(node_id, []))
        state = step.state
        for option in [o for o in ticked if o not in wanted] + [o for o in wanted
                                                                if o not in ticked]:
            state = advance(pack, state, ev.Pick(node_id, option), now=now).state
        if kind == "tally" and isinstance(value, dict) and any(v is not None
                                                               for v in value.values()):
            typed = ", ".join(f"{person} {_typed('tally', count)}" if count is not None
                              else person for person, count in value.items())
            return advance(pack, state, ev.Say(typed), now=now)
        return advance(pack, state, ev.Done(node_id), now=now)
    return advance(pack, step.state, ev.Say(_typed(kind, value)), now=now)
