"""Score a lexicon on the safety corpus (used by tests/safety and bench/safety.py).

The crisis set is every sentence expected as ``act`` or ``intent``; recall counts those
recognised as self-harm, and an ``act`` must be recognised as an act (the ambulance comes
first). The other set is ``none``, ``threat`` and ``danger``: a false alarm is one recognised
as self-harm. Danger and threats are scored apart (they get advice, not a hold).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from flows.safety import Lexicon

CORPUS = Path(__file__).parent / "corpus"
PARTS = ("dev", "heldout")


@dataclass(frozen=True, slots=True)
class Sentence:
    text: str
    lang: str
    expect: str
    style: str
    part: str


def load(part: str) -> list[Sentence]:
    raw = yaml.safe_load((CORPUS / f"{part}.yaml").read_text(encoding="utf-8"))
    return [Sentence(str(item["text"]), item["lang"], item["expect"], item["style"], part)
            for group in ("crisis", "other") for item in raw[group]]


@dataclass(slots=True)
class Tally:
    hit: int = 0
    total: int = 0

    def add(self, ok: bool) -> None:
        self.hit += int(ok)
        self.total += 1

    @property
    def rate(self) -> float:
        return self.hit / self.total if self.total else 1.0

    def __str__(self) -> str:
        return f"{100 * self.rate:5.1f}% ({self.hit}/{self.total})"


@dataclass(slots=True)
class Score:
    recall: dict[str, Tally] = field(default_factory=lambda: defaultdict(Tally))
    acts: Tally = field(default_factory=Tally)
    false_alarms: dict[str, Tally] = field(default_factory=lambda: defaultdict(Tally))
    others: dict[str, Tally] = field(default_factory=lambda: defaultdict(Tally))
    misses: list[tuple[Sentence, str]] = field(default_factory=list)


def score(lexicon: Lexicon, sentences: Iterable[Sentence]) -> Score:
    """Recall (by language and style), acts, false alarms (by language and style), and
    danger/threat recognition; ``misses`` lists every sentence judged wrongly."""
    result = Score()
    for s in sentences:
        verdict = lexicon.check(s.text)
        kinds = ",".join(sorted(verdict.kinds)) or "nothing"
        if s.expect in ("act", "intent"):
            ok = verdict.self_harm
            for key in ("all", s.lang, f"{s.expect}", f"style:{s.style}"):
                result.recall[key].add(ok)
            if s.expect == "act":
                result.acts.add("act" in verdict.kinds)
                ok = ok and "act" in verdict.kinds
        else:
            ok = not verdict.self_harm
            for key in ("all", s.lang, f"style:{s.style}"):
                result.false_alarms[key].add(not ok)
            if s.expect in ("danger", "threat"):
                seen = s.expect in verdict.kinds or (s.expect == "threat" and "danger"
                                                     in verdict.kinds)
                result.others[s.expect].add(seen)
                ok = ok and seen
            else:
                result.others["quiet"].add(not verdict)
                if verdict and ok:  # advice where none was needed: listed, not a false alarm
                    result.misses.append((s, kinds + " (advice only)"))
        if not ok:
            result.misses.append((s, kinds))
    return result
