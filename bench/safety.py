"""Crisis recognition: recall and false alarms on the corpus, and the cost of one check.

    python bench/safety.py            # dev and held-out figures, timings
    python bench/safety.py --misses   # also list the dev sentences judged wrongly

Targets: recall >= 98 %, false alarms <= 1 %, every "act already done" recognised as one;
a check on a 2,000-character message under a millisecond. The held-out part is reported but
its misses are not listed: tune the lexicon on dev only (tests/safety/corpus/).
Timings are CPU time per check (median of rounds), printed beside a baseline measured in the
same run (the word-list check this replaced), because this machine is shared and noisy.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from flows.safety import safety_data  # noqa: E402
from flows.safety.lexicon import Lexicon  # noqa: E402
from flows.texts import fold  # noqa: E402
from tests.safety.evaluate import PARTS, load, score  # noqa: E402

REPEATED = {
    "zh": ("催收天天打电话给我爸妈，还说要爆通讯录，我每天都睡不着，工作也丢了。他们说明天要来我家。" * 60),
    "en": ("They call me twenty times a day, call my boss and my mother, and say they will "
           "sue me. I asked them to stop and they laughed. " * 30),
}
"""One sentence again and again: the worst case for the chains (an anchor every line)."""


def narratives() -> dict[str, str]:
    """2,000-character messages made of the corpus's ordinary sentences, as a long complaint
    pasted into the chat reads: many different words, no crisis."""
    other = [s for s in load("dev") if s.expect == "none"]
    zh = "。".join(s.text for s in other if s.lang != "en")
    en = ". ".join(s.text for s in other if s.lang == "en")
    mixed = "".join(f"{a}。{b}. " for a, b in zip(zh.split("。"), en.split(". "), strict=False))
    return {name: (text * 10)[:2000] for name, text in
            (("zh", zh), ("en", en), ("mixed", mixed))}


OLD_WORDS = ["不想活", "想死", "自杀", "轻生", "活不下去", "活着没意思", "结束生命", "了结自己", "寻死",
             "一死了之", "不如死了", "跳楼", "割腕", "吃安眠药", "kill myself", "suicide", "suicidal",
             "want to die", "end my life", "end it all", "self-harm", "hurt myself",
             "no reason to live", "better off dead", "在我家门口", "堵在门口", "砸门", "at my door",
             "breaking in", "has a knife"]


def old_check(text: str) -> int:
    """The check this replaced: folded text, then every word of a list as a substring (all
    of them: the old check stopped at the first, which flatters it on texts with a hit)."""
    folded = fold(text)
    return sum(word in folded for word in OLD_WORDS)


def median_us(call, text: str, runs: int = 200, rounds: int = 7) -> tuple[float, float]:
    """Median and worst round, in microseconds of this process's CPU per call: CPU time, not
    wall time, because on a shared machine with more runnable work than cores the wall clock
    counts the time spent waiting for a core."""
    samples = []
    for _ in range(rounds):
        start = time.process_time()
        for _ in range(runs):
            call(text)
        samples.append((time.process_time() - start) / runs * 1e6)
    return statistics.median(samples), max(samples)


def report(lexicon: Lexicon, part: str, show_misses: bool) -> None:
    result = score(lexicon, load(part))
    print(f"\n== {part} ==")
    print("crisis recall (act + intent recognised as self-harm):")
    for key in ("all", "zh-Hans", "zh-Hant", "en", "act", "intent"):
        print(f"  {key:<22} {result.recall[key]}")
    for key in sorted(k for k in result.recall if k.startswith("style:")):
        print(f"  {key:<22} {result.recall[key]}")
    print(f"  acts recognised as acts {result.acts}")
    print("false alarms (other sentences held as self-harm):")
    for key in ("all", "zh-Hans", "zh-Hant", "en"):
        print(f"  {key:<22} {result.false_alarms[key]}")
    for key in sorted(k for k in result.false_alarms if k.startswith("style:")):
        print(f"  {key:<22} {result.false_alarms[key]}")
    print("others:")
    print(f"  danger recognised      {result.others['danger']}")
    print(f"  threats recognised     {result.others['threat']}")
    print(f"  ordinary sentences with no alarm at all {result.others['quiet']}")
    if show_misses:
        for sentence, got in result.misses:
            print(f"  MISS [{sentence.lang} {sentence.expect}/{sentence.style}] got {got}: "
                  f"{sentence.text}")


def timings(lexicon: Lexicon) -> None:
    print("\n== one check (median of 7 rounds, worst round in brackets) ==")
    cases = [(f"narrative {k}", v) for k, v in narratives().items()]
    cases += [(f"repeated {k}", v[:2000]) for k, v in REPEATED.items()]
    for name, text in cases:
        ours, worst = median_us(lexicon.check, text)
        base, _ = median_us(old_check, text)
        print(f"  2,000 chars, {name:<13} {ours:6.0f} us ({worst:.0f})   old word list "
              f"{base:5.0f} us   ratio {ours / base:5.1f}x")
    short = "他们今天打了三次电话，还骂我"
    ours, worst = median_us(lexicon.check, short, runs=2000)
    print(f"  a short message            {ours:6.1f} us ({worst:.1f})")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--misses", action="store_true", help="list the dev misses")
    args = parser.parse_args()
    start = time.perf_counter()
    data = safety_data()
    print(f"lexicon: {len(data.lexicon.entries)} patterns, {data.lexicon.matcher.size} words "
          f"(loaded in {1000 * (time.perf_counter() - start):.0f} ms)")
    for part in PARTS:
        report(data.lexicon, part, args.misses and part == "dev")
    timings(data.lexicon)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
