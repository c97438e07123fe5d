"""From patterns found to a verdict: who is in danger, and how urgently.

Patterns of kind ``ignore`` (idioms, negations) hide every other pattern they overlap; ``threat``
patterns (someone told the user to die) hide the self-harm patterns they overlap, so "他说让我
去死" is the collector's threat, not the user's intent, while "他让我去死，我真的想死" is both.
"""

from __future__ import annotations

from dataclasses import dataclass

from flows.safety.normalize import normalise
from flows.safety.matcher import Hit, Matcher

SELF_HARM = ("act", "intent")
PRIORITY = ("act", "intent", "danger", "threat")
"""Most urgent first: an act already done needs an ambulance before anything else."""


@dataclass(frozen=True, slots=True)
class Verdict:
    """What a message shows. ``kinds`` is empty for an ordinary message."""

    kinds: frozenset[str] = frozenset()
    patterns: tuple[int, ...] = ()
    """Indexes of the patterns that decided it (for the bench's explanations, never logged
    with the text)."""

    @property
    def self_harm(self) -> bool:
        """The user may hurt themselves (or already has): pause everything."""
        return any(kind in self.kinds for kind in SELF_HARM)

    @property
    def main(self) -> str | None:
        """The most urgent kind, or None."""
        return next((kind for kind in PRIORITY if kind in self.kinds), None)

    def __bool__(self) -> bool:
        return bool(self.kinds)


NOTHING = Verdict()


def judge(matcher: Matcher, kinds: list[str], text: str) -> Verdict:
    """The verdict on raw ``text`` (normalised here)."""
    if not text or not text.strip():
        return NOTHING
    hits = matcher.find(normalise(text))
    if not hits:
        return NOTHING
    ignored = [h for h in hits if kinds[h.pattern] == "ignore"]
    threats = [h for h in hits if kinds[h.pattern] == "threat" and not _overlaps(h, ignored)]
    kept: list[Hit] = list(threats)
    for hit in hits:
        kind = kinds[hit.pattern]
        if kind in SELF_HARM and not _overlaps(hit, ignored) and not _overlaps(hit, threats):
            kept.append(hit)
        elif kind == "danger" and not _overlaps(hit, ignored):
            kept.append(hit)
    if not kept:
        return NOTHING
    return Verdict(frozenset(kinds[h.pattern] for h in kept),
                   tuple(sorted({h.pattern for h in kept})))


def _overlaps(hit: Hit, others: list[Hit]) -> bool:
    return any(hit.start < other.end and other.start < hit.end for other in others)
