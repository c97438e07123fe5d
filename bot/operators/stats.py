"""``callshield stats``: where people give up, which rules fire, which letters are drafted.

Read from the anonymous event log (bot/analytics.py). Drop-off is counted per interview
(token), so a question reached twice after "Back" counts once: for each question, how many
interviews reached it, answered it, and stopped there (their last question, unfinished).
Interviews whose last step was today or yesterday may still go on; they are counted apart.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from flows import Pack
from storage import Event, ReleaseRow


@dataclass(frozen=True, slots=True)
class QuestionLine:
    pack: str
    node: str
    reached: int
    answered: int
    stopped: int  # unfinished interviews whose last question this was
    recent: int  # ... of which were active today or yesterday (may still go on)

    @property
    def drop_off(self) -> float:
        return self.stopped / self.reached if self.reached else 0.0


@dataclass(slots=True)
class Report:
    since: str
    pack: str | None
    started: int = 0
    finished: int = 0
    abandoned: int = 0  # stopped with /cancel or /restart
    questions: list[QuestionLine] = field(default_factory=list)
    rules: list[tuple[str, str, str, int]] = field(default_factory=list)  # pack, rule, release
    letters: list[tuple[str, str, str, int]] = field(default_factory=list)  # pack, letter, tmpl
    crisis: list[tuple[str, str, int]] = field(default_factory=list)  # pack, source, count


def release_names(releases: Iterable[ReleaseRow]) -> dict[tuple[str, str], str]:
    """(pack, content hash) -> "#3" (or "#3,#5" when a rollback served it again)."""
    names: dict[tuple[str, str], list[str]] = defaultdict(list)
    for row in releases:
        if not row.staged:
            names[(row.pack_id, row.content_hash)].append(f"#{row.number}")
    return {key: ",".join(value) for key, value in names.items()}


def build_report(events: list[Event], *, since: str, pack: str | None = None,
                 releases: Iterable[ReleaseRow] = (), packs: Mapping[str, Pack] | None = None,
                 today: dt.date | None = None) -> Report:
    report = Report(since, pack)
    today = today or dt.datetime.now(dt.UTC).date()
    recent_days = {today.isoformat(), (today - dt.timedelta(days=1)).isoformat()}
    names = release_names(releases)
    by_token: dict[str, list[Event]] = defaultdict(list)
    rules: Counter[tuple[str, str, str]] = Counter()
    letters: Counter[tuple[str, str]] = Counter()
    crisis: Counter[tuple[str, str]] = Counter()
    for event in events:
        if event.token:
            by_token[event.token].append(event)
        elif event.kind == "rule_fired":
            release = names.get((event.pack_id, event.version), f"folder {event.version}")
            rules[(event.pack_id, event.item or "?", release)] += 1
        elif event.kind == "letter_drafted":
            letters[(event.pack_id, event.item or "?")] += 1
        elif event.kind == "crisis_shown":
            crisis[(event.pack_id, event.item or "?")] += 1
    reached: dict[tuple[str, str], set[str]] = defaultdict(set)
    answered: dict[tuple[str, str], set[str]] = defaultdict(set)
    stopped: Counter[tuple[str, str]] = Counter()
    recent: Counter[tuple[str, str]] = Counter()
    for token, steps in by_token.items():
        steps.sort(key=lambda e: e.seq or 0)
        report.started += 1
        kinds = {e.kind for e in steps}
        report.finished += "finished" in kinds
        report.abandoned += "abandoned" in kinds
        last = None
        for step in steps:
            key = (step.pack_id, step.item or "?")
            if step.kind == "question_reached":
                reached[key].add(token)
                last = key
            elif step.kind == "question_answered":
                answered[key].add(token)
            elif step.kind == "abandoned" and step.item:
                last = key
        if "finished" not in kinds and last is not None:
            stopped[last] += 1
            recent[last] += steps[-1].day in recent_days and "abandoned" not in kinds
    order = _question_order(packs or {})
    keys = sorted(set(reached) | set(answered),
                  key=lambda k: (k[0], order.get(k, 10_000), k[1]))
    report.questions = [QuestionLine(k[0], k[1], len(reached[k]), len(answered[k]),
                                     stopped[k], recent[k]) for k in keys]
    report.rules = [(p, r, rel, n) for (p, r, rel), n in sorted(rules.items(),
                                                                key=lambda x: (-x[1], x[0]))]
    report.letters = [(p, letter, _template(packs or {}, p, letter), n)
                      for (p, letter), n in sorted(letters.items(), key=lambda x: (-x[1], x[0]))]
    report.crisis = [(p, s, n) for (p, s), n in sorted(crisis.items())]
    return report


def _question_order(packs: Mapping[str, Pack]) -> dict[tuple[str, str], int]:
    return {(pack_id, node_id): index for pack_id, pack in packs.items()
            for index, node_id in enumerate(pack.data.nodes)}


def _template(packs: Mapping[str, Pack], pack_id: str, letter_id: str) -> str:
    pack = packs.get(pack_id)
    letter = pack.data.letters.get(letter_id) if pack else None
    return letter.template if letter else "?"


def as_text(report: Report) -> str:
    """The report as plain-text tables."""
    where = f"pack {report.pack}" if report.pack else "all packs"
    lines = [f"Since {report.since or 'the start of the log'}, {where}: {report.started} "
             f"interview(s) started, {report.finished} finished, {report.abandoned} stopped "
             "with /cancel or /restart.", ""]
    lines.append("Drop-off per question (interviews; 'left here' = their last question, "
                 "unfinished; 'recent' = active today or yesterday, may go on)")
    lines.append(f"  {'pack':<10} {'question':<24} {'reached':>8} {'answered':>9} "
                 f"{'left here':>10} {'recent':>7} {'drop-off':>9}")
    for q in report.questions:
        lines.append(f"  {q.pack:<10} {q.node:<24} {q.reached:>8} {q.answered:>9} "
                     f"{q.stopped:>10} {q.recent:>7} {q.drop_off:>8.0%}")
    lines += ["", "Findings per rule and release", f"  {'pack':<10} {'rule':<32} "
              f"{'release':<16} {'findings':>8}"]
    lines += [f"  {p:<10} {r:<32} {rel:<16} {n:>8}" for p, r, rel, n in report.rules]
    lines += ["", "Letters drafted per template", f"  {'pack':<10} {'letter':<24} "
              f"{'template':<36} {'drafted':>7}"]
    lines += [f"  {p:<10} {letter:<24} {t:<36} {n:>7}" for p, letter, t, n in report.letters]
    lines += ["", "Crisis texts shown", f"  {'pack':<10} {'shown by':<12} {'times':>6}"]
    lines += [f"  {p:<10} {s:<12} {n:>6}" for p, s, n in report.crisis]
    return "\n".join(lines) + "\n"
