"""A made-up case for any pack, to show and test its letters: reports, answers and details.

Deterministic (a fixed day, fixed words), so golden letter texts only change when the pack or
its templates do. Answers are chosen to make as many rules fire as possible: every option of a
multi-select question, "yes" to yes/no questions, a high count, and for a single choice the
option the pack's rules name most often.
"""

from __future__ import annotations

import datetime as dt
import json
import zoneinfo
from collections import Counter
from typing import Any

from bot.letters import build_context, preview_text
from flows import Pack
from flows.conditions import Test, walk
from storage import IncidentRow

SAMPLE_TODAY = dt.date(2026, 11, 28)
MOMENTS = ((2025, 12, 31, 23, 10), (2026, 1, 2, 7, 40), (2026, 11, 27, 14, 30))
"""Three contacts around the public-order law's change on 2026-01-01, two of them at night."""
PROFILES = {
    "zh": {"full_name": "张三", "phone": "139 0000 0000", "address": "上海市浦东新区某路1号",
           "id_number": "310101199001011234", "loan_number": "HJ-2026-0042"},
    "en": {"full_name": "Jane Doe", "phone": "(212) 555-0100",
           "address": "12 Main Street, Springfield, NY 10001", "loan_number": "AC-77120"},
}
WORDS = {
    "zh": ("惠今金融", "速达催收", ("催收员说要上门", "给我母亲发短信，说我欠钱不还", "打到我单位前台")),
    "en": ("Acme Lending", "Swift Recovery LLC", ("Said they would come to my house",
                                                 "Texted my mother about the debt",
                                                 "Called the front desk at my work")),
}


def _words(pack: Pack) -> tuple[str, str, tuple[str, str, str]]:
    return WORDS["zh" if pack.default_language.startswith("zh") else "en"]


def _favourite_options(pack: Pack) -> dict[str, str]:
    """For each single-choice fact, the option its rules' conditions name most often."""
    named = Counter[tuple[str, str]]()
    conditions = [rule.when for rule in pack.data.rules] + list(pack.data.conditions.values())
    for condition in conditions:
        for part in walk(condition):
            if isinstance(part, Test) and part.operator in ("equals", "in", "contains"):
                values = part.value if isinstance(part.value, tuple) else (part.value,)
                named.update((part.fact, str(v)) for v in values)
    best: dict[str, str] = {}
    for (fact, option), _ in named.most_common():
        best.setdefault(fact, option)
    return best


def sample_facts(pack: Pack, moment: dt.datetime | None = None) -> dict[str, Any]:
    """Answers to every question, as the service stores them (JSON-ready)."""
    zone = zoneinfo.ZoneInfo(pack.timezone)
    moment = moment or dt.datetime(*MOMENTS[-1], tzinfo=zone)
    lender, agency, stories = _words(pack)
    favourite = _favourite_options(pack)
    incident = {fact: field for field, fact in pack.data.incident.items()}
    facts: dict[str, Any] = {}
    for compiled in pack.nodes.values():
        node, fact = compiled.node, compiled.fact
        if fact is None or fact in facts:
            continue
        options = [o.id for o in node.options or []]
        if node.kind == "choice":
            facts[fact] = favourite.get(fact) if favourite.get(fact) in options else options[0]
        elif node.kind == "multi":
            facts[fact] = [o.id for o in node.options or [] if not o.exclusive]
        elif node.kind == "yesno":
            facts[fact] = "yes"
        elif node.kind == "number":
            high = max(int(node.min or 0), 12)
            facts[fact] = min(high, int(node.max)) if node.max is not None else high
        elif node.kind == "datetime":
            facts[fact] = moment.isoformat()
        elif node.kind == "phone":
            facts[fact] = "13800138000"
        else:
            facts[fact] = {"lender": lender, "agency": agency}.get(incident.get(fact, ""),
                                                                   stories[-1])
    return facts


def sample_incidents(pack: Pack) -> list[IncidentRow]:
    """Three reported contacts, stored as the service stores them."""
    zone = zoneinfo.ZoneInfo(pack.timezone)
    lender, agency, stories = _words(pack)
    rows = []
    for number, (parts, story) in enumerate(zip(MOMENTS, stories, strict=True), start=1):
        moment = dt.datetime(*parts, tzinfo=zone)
        facts = sample_facts(pack, moment)
        fields = {field: facts.get(fact) for field, fact in pack.data.incident.items()}
        channel = fields.get("channel")
        rows.append(IncidentRow(
            id=number, user_id=1, created_at=f"2026-11-28T00:00:{number:02d}.000000+00:00",
            findings=(), occurred_at=moment.isoformat(), caller_number="13800138000",
            lender=lender, agency=agency,
            channel=", ".join(channel) if isinstance(channel, list) else channel,
            facts_json=json.dumps(facts, ensure_ascii=False, sort_keys=True),
            description=story, pack_id=pack.id, pack_version=pack.version))
    return rows


def sample_letter(pack: Pack, letter_id: str, language: str | None = None) -> str:
    """The letter's text (as the chat previews it) for the sample case."""
    letter = pack.data.letters[letter_id]
    profile = PROFILES["zh" if letter.language.startswith("zh") else "en"]
    context = build_context(pack, letter_id, incidents=sample_incidents(pack), profile=profile,
                            today=SAMPLE_TODAY, facts=sample_facts(pack))
    return preview_text(pack, letter_id, context, language or letter.language)
