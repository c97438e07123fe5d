"""How well packs understand stories: play narratives through the bot as a person would.

Run: .venv/bin/python bench/understanding.py [--pack ID_OR_PATH ...] [--narratives DIR ...]
     (defaults: every shipped pack; tests/narratives)

For each pack, each narrative with an ``expect: {<pack id>: ...}`` block is played through
the engine (flows/evaluate.py): the story is told, correct proposals stay ticked and wrong
ones are unticked, remaining questions are answered from the narrative's expected answers
("I don't know" where it has none). It prints, per pack and per fact, the precision and recall
of facts drawn from the story, the recall of findings, the questions still asked after the
story (median and spread), and the story step's time on a 2,000-character story. Targets
(issue 12): fact recall >= 90 %, precision >= 95 %, findings recall >= 90 %, median questions
after a story <= 8.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from flows import advance, events, load_pack, start  # noqa: E402
from flows.evaluate import Outcome, evaluate, load_narratives  # noqa: E402
from flows.loader import available_packs  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
VERBOSE = False
TARGETS = {"fact recall": 0.90, "fact precision": 0.95, "findings recall": 0.90}


def ratio(part: int, whole: int) -> float | None:
    return part / whole if whole else None


def pct(value: float | None) -> str:
    return "   n/a" if value is None else f"{value * 100:5.1f}%"


def report(pack_id: str, outcomes: list[Outcome]) -> dict[str, float | None]:
    right = Counter(key for o in outcomes for key in o.right)
    wrong = Counter(key for o in outcomes for key in o.wrong)
    missed = Counter(key for o in outcomes for key in o.missed)
    print(f"\n== pack {pack_id}: {len(outcomes)} narratives")
    print(f"{'fact':32} {'right':>5} {'wrong':>5} {'missed':>6}  precision  recall")
    for key in sorted(set(right) | set(wrong) | set(missed)):
        r, w, m = right[key], wrong[key], missed[key]
        print(f"{key:32} {r:5} {w:5} {m:6}     {pct(ratio(r, r + w))}  {pct(ratio(r, r + m))}")
    tp, fp, fn = sum(right.values()), sum(wrong.values()), sum(missed.values())
    expected = sum(len(o.expected_findings) for o in outcomes)
    got = sum(len(set(o.expected_findings) & set(o.found_findings)) for o in outcomes)
    extra = Counter(f for o in outcomes for f in set(o.found_findings) - set(o.expected_findings))
    asked = sorted(o.questions_after for o in outcomes)
    figures = {"fact precision": ratio(tp, tp + fp), "fact recall": ratio(tp, tp + fn),
               "findings recall": ratio(got, expected),
               "median questions": statistics.median(asked) if asked else None}
    print(f"{'all facts':32} {tp:5} {fp:5} {fn:6}     {pct(figures['fact precision'])}  "
          f"{pct(figures['fact recall'])}")
    print(f"findings recall: {pct(figures['findings recall'])} ({got}/{expected}); findings "
          f"not expected: {dict(extra) or 'none'}")
    if asked:
        quartiles = statistics.quantiles(asked, n=4) if len(asked) > 1 else [asked[0]] * 3
        print(f"questions after the story: median {statistics.median(asked)}, min {asked[0]}, "
              f"p25 {quartiles[0]:.1f}, p75 {quartiles[2]:.1f}, max {asked[-1]}")
    for o in outcomes:
        if VERBOSE and (o.wrong or o.missed):
            print(f"  {o.id}: wrong {o.wrong} missed {o.missed}")
        if o.held:
            print(f"  ~ {o.id}: the crisis response held the story; played on without it")
        if o.problem or not o.finished:
            print(f"  ! {o.id}: {o.problem or 'did not finish'}")
        missing = set(o.expected_findings) - set(o.found_findings)
        if missing:
            print(f"  - {o.id}: missed findings {sorted(missing)}")
    for name, target in TARGETS.items():
        value = figures[name]
        verdict = "n/a" if value is None else ("meets" if value >= target else "BELOW")
        print(f"target {name} >= {target:.0%}: {pct(value)}  {verdict}")
    median = figures["median questions"]
    print(f"target median questions after a story <= 8: {median}  "
          f"{'n/a' if median is None else 'meets' if median <= 8 else 'ABOVE'}")
    return figures


def story_step_time(pack, narratives) -> None:  # type: ignore[no-untyped-def]
    """The story step on a 2,000-character story (narratives joined), against an ordinary
    step of the same pack measured in the same run."""
    own = [n for n in narratives if pack.id in (n.get("expect") or {})] or narratives
    if not own:
        return
    text = ""
    while len(text) < 2000:
        text += " ".join(str(n["story"]) for n in own) + " "
    text = text[:2000]
    language = own[0].get("language")
    import datetime as dt
    import zoneinfo
    now = dt.datetime(2026, 11, 28, 12, tzinfo=zoneinfo.ZoneInfo(pack.timezone))
    first = start(pack, language, now=now)
    story_times, skip_times = [], []
    for _ in range(40):
        t0 = time.perf_counter()
        advance(pack, first.state, events.Say(text), now=now)
        story_times.append(time.perf_counter() - t0)
        t0 = time.perf_counter()
        advance(pack, first.state, events.Repeat(), now=now)
        skip_times.append(time.perf_counter() - t0)
    story_times.sort()
    skip_times.sort()
    print(f"story step on {len(text)} characters: p50 {story_times[20] * 1e3:.2f} ms, "
          f"min {story_times[0] * 1e3:.2f} ms, p90 {story_times[36] * 1e3:.2f} ms   "
          f"[target < 1 ms]; an ordinary step (Repeat) p50 {skip_times[20] * 1e6:.0f} µs "
          f"(ratio {story_times[20] / skip_times[20]:.0f}x)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pack", action="append", help="pack id or folder (repeatable)")
    parser.add_argument("--narratives", action="append", type=Path,
                        help="folder of narratives (repeatable)")
    parser.add_argument("--verbose", action="store_true", help="what each narrative missed")
    parser.add_argument("--split", choices=["dev", "holdout"],
                        help="only narratives of this split (tune on dev; report holdout apart)")
    args = parser.parse_args()
    global VERBOSE
    VERBOSE = args.verbose
    folders = args.narratives or [ROOT / "tests" / "narratives"]
    narratives = load_narratives(folders)
    if args.split:
        narratives = [n for n in narratives if n.get("split", "dev") == args.split]
    print(f"{len(narratives)} narratives{' (' + args.split + ')' if args.split else ''} from "
          f"{', '.join(map(str, folders))}")
    for name in args.pack or available_packs():
        pack = load_pack(name)
        outcomes = [o for o in (evaluate(pack, n) for n in narratives) if o is not None]
        if not outcomes:
            print(f"\n== pack {pack.id}: no narrative has an expect.{pack.id} block yet")
            continue
        report(pack.id, outcomes)
        story_step_time(pack, narratives)


if __name__ == "__main__":
    main()
