"""``tally`` questions: who else was contacted, and how often each.

The answer maps option ids (the people a pack counts: family, employer, colleagues, friends,
strangers…) to a count — exact, a lower bound, or ``None`` when only "they were contacted" is
known. Stored as JSON ``{"family": 30, "employer": {"at_least": 10}, "friends": null}``.

In conditions a tally reads like a multi question (``contains: family``) and has attributes:
``<fact>.<option>`` (that person's count; 0 when not listed, at least 1 when listed without a
number), ``<fact>.total`` (everyone added up) and ``<fact>.count`` (how many people).
Calls to the family can so count towards harassment: ``{sum: [contacts_today,
others.total], gte: 10}``.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from flows.compare import total
from flows.counts import find_counts
from flows.quantity import AtLeast, count_from_json
from flows.texts import fold

SPLIT = re.compile(r"[,，、;；\n]+|\band\b|和|还有|還有|以及")


def tally_facts(facts: dict[str, Any], name: str, value: Any, options: list[str]) -> None:
    """The tally's facts: the list of people, each one's count, the total and the number."""
    if not isinstance(value, dict):
        facts[name] = None
        facts[f"{name}.count"] = None
        facts[f"{name}.total"] = None
        for option in options:
            facts[f"{name}.{option}"] = None
        return
    listed = [option for option in options if option in value]
    facts[name] = listed
    facts[f"{name}.count"] = len(listed)
    counts = []
    for option in options:
        if option in value:
            count = count_from_json(value[option])
            count = count if count is not None else AtLeast(1)
            counts.append(count)
        else:
            count = 0
        facts[f"{name}.{option}"] = count
    facts[f"{name}.total"] = total(counts) if counts else 0


def merge(old: dict[str, Any], new: dict[str, Any], order: list[str]) -> dict[str, Any]:
    """Both answers together, in option order; a number beats "contacted" without one."""
    merged = dict(old)
    for option, count in new.items():
        if count is not None or option not in merged:
            merged[option] = count
    return {option: merged[option] for option in order if option in merged}


def parse_tally(text: str, labels: dict[str, list[str]],
                people: Callable[[str], list[str]]) -> dict[str, Any] | None:
    """"妈妈30次，老板5次", "family 30, employer", "1, 3": who, and how often each.
    ``people`` names the options a piece of text mentions (the spotter's people lists);
    ``None`` when some piece cannot be understood (nothing is half-taken)."""
    result: dict[str, Any] = {}
    ids = list(labels)
    for piece in (p.strip() for p in SPLIT.split(text)):
        if not piece:
            continue
        folded = fold(piece)
        if folded.isdigit() and 1 <= int(folded) <= len(ids):
            result.setdefault(ids[int(folded) - 1], None)
            continue
        named = [o for o, names in labels.items() if o == folded or any(
            fold(n) in folded for n in names)] or [o for o in people(piece) if o in labels]
        if len(named) != 1:
            return None
        counts = find_counts(folded)
        bare = re.findall(r"\d+", folded)
        if len(counts) > 1 or (not counts and len(bare) > 1):
            return None
        count = counts[0][2] if counts else (int(bare[0]) if bare else None)
        result[named[0]] = count.to_json() if isinstance(count, AtLeast) else count
    return {o: result[o] for o in ids if o in result} or None


def show_tally(value: Any, labels: dict[str, str], show_count: Callable[[Any], str]) -> str:
    """"Family 30, Employer at least 10, Friends"."""
    if not isinstance(value, dict):
        return ""
    parts = []
    for option, count in value.items():
        label = labels.get(option, option)
        parts.append(label if count is None else f"{label} {show_count(count)}")
    return ", ".join(parts)
