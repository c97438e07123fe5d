"""A made-up case for any pack, to show and test its letters: reports, answers and details.

Deterministic (a fixed day, fixed words), so golden letter texts only change when the pack or
its templates do. Answers are chosen to make as many rules fire as possible: every option of a
multi-select question, "yes" to yes/no questions, a high count, and for a single choice the
option the pack's rules name most often. Every detail a letter asks is given (the sender's and
the addressee's), so a blank in a golden letter is a blank a user would see too.
"""

from __future__ import annotations

import datetime as dt
import json
import zoneinfo
from collections import Counter
from typing import Any

from bot.letters import build_context, letter_text, preview_text
from flows import Pack
from flows.conditions import Test, walk
from flows.letters import LetterContext
from flows.schema import ADDRESSEE_TYPES
from storage import IncidentRow

SAMPLE_TODAY = dt.date(2026, 11, 28)
MOMENTS = ((2025, 12, 31, 23, 10), (2026, 1, 2, 7, 40), (2026, 11, 27, 14, 30))
"""Three contacts around the public-order law's change on 2026-01-01, two of them at night."""
PROFILES = {
    "zh": {"full_name": "张三", "phone": "139 0000 0000", "address": "上海市浦东新区某路1号",
           "id_number": "310101199001011234", "loan_number": "HJ-2026-0042",
           "prior_complaint": "2026年11月20日通过App在线客服投诉，对方未处理",
           "complaint_reference": "TS20261120-0087"},
    "en": {"full_name": "Jane Doe", "phone": "(212) 555-0100",
           "address": "12 Main Street, Springfield, NY 10001", "loan_number": "AC-77120"},
}
PARTIES = {
    "zh": {"name": "收件机关", "address": "上海市黄浦区某路2号"},
    "en": {"name": "Addressee Office", "address": "2 Sample Avenue, Springfield, NY 10002"},
}
"""An addressee's details as a user gives them; a collector's and a lender's name is left to
the report (the agency, the lender), as a user who skipped it would see."""
WORDS = {
    "zh": ("惠今金融", "速达催收", ("催收员说要上门", "给我母亲发短信，说我欠钱不还", "打到我单位前台")),
    "en": ("Acme Lending", "Swift Recovery LLC", ("Said they would come to my house",
                                                 "Texted my mother about the debt",
                                                 "Called the front desk at my work")),
}


NUMBERS = {"zh": ("13800138000", "+86 171 0000 1111"), "en": ("(800) 555-0199", "(646) 555-0123")}
"""The numbers the sample contacts came from: the first twice, then another."""


def _language(pack: Pack) -> str:
    return "zh" if pack.default_language.startswith("zh") else "en"


def _words(pack: Pack) -> tuple[str, str, tuple[str, str, str]]:
    return WORDS[_language(pack)]


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
        elif node.kind == "amount":
            facts[fact] = {"amount": 5000, "currency": node.currency or "CNY"}
        elif node.kind == "tally":
            facts[fact] = {o.id: 12 for o in node.options or [] if not o.exclusive}
        elif node.kind == "datetime":
            facts[fact] = moment.isoformat()
        elif node.kind == "phone":
            facts[fact] = NUMBERS[_language(pack)][0]
        else:
            facts[fact] = {"lender": lender, "agency": agency}.get(incident.get(fact, ""),
                                                                   stories[-1])
    return facts


def _channel_options(pack: Pack) -> list[str]:
    """The options of the question that stores the incident's channel (if it has any)."""
    fact = pack.data.incident.get("channel")
    for compiled in pack.nodes.values():
        if fact and compiled.fact == fact and compiled.node.kind == "choice":
            return [o.id for o in compiled.node.options or [] if not o.exclusive]
    return []


def sample_incidents(pack: Pack) -> list[IncidentRow]:
    """Three reported contacts, stored as the service stores them: each by another channel
    (the channel question's options in turn), the last from another number."""
    zone = zoneinfo.ZoneInfo(pack.timezone)
    lender, agency, stories = _words(pack)
    numbers = NUMBERS[_language(pack)]
    channels = _channel_options(pack)
    rows = []
    for number, (parts, story) in enumerate(zip(MOMENTS, stories, strict=True), start=1):
        moment = dt.datetime(*parts, tzinfo=zone)
        facts = sample_facts(pack, moment)
        caller = numbers[number == len(MOMENTS)]
        if channels:
            facts[pack.data.incident["channel"]] = channels[(number - 1) % len(channels)]
        if pack.data.incident.get("caller_number") in facts:
            facts[pack.data.incident["caller_number"]] = caller
        fields = {field: facts.get(fact) for field, fact in pack.data.incident.items()}
        channel = fields.get("channel")
        rows.append(IncidentRow(
            id=number, user_id=1, created_at=f"2026-11-28T00:00:{number:02d}.000000+00:00",
            findings=(), occurred_at=moment.isoformat(), caller_number=caller,
            lender=lender, agency=agency,
            channel=", ".join(channel) if isinstance(channel, list) else channel,
            facts_json=json.dumps(facts, ensure_ascii=False, sort_keys=True),
            description=story, pack_id=pack.id, pack_version=pack.version))
    return rows


def sample_profile(pack: Pack, letter_id: str) -> dict[str, str]:
    """The sender's details and the addressee's, in the letter's language."""
    letter = pack.data.letters[letter_id]
    words = "zh" if letter.language.startswith("zh") else "en"
    profile = dict(PROFILES[words])
    for kind in ADDRESSEE_TYPES:
        profile[f"{kind}_address"] = PARTIES[words]["address"]
        if kind not in ("collector", "lender"):
            profile[f"{kind}_name"] = PARTIES[words]["name"]
    return profile


def sample_context(pack: Pack, letter_id: str) -> LetterContext:
    """The letter's context for the sample case."""
    return build_context(pack, letter_id, incidents=sample_incidents(pack),
                         profile=sample_profile(pack, letter_id), today=SAMPLE_TODAY,
                         facts=sample_facts(pack))


def sample_letter(pack: Pack, letter_id: str, language: str | None = None) -> str:
    """The letter's text as the chat previews it (and a web form takes it), for the sample
    case; ``language`` is the chat's (default: the letter's own)."""
    letter = pack.data.letters[letter_id]
    return preview_text(pack, letter_id, sample_context(pack, letter_id),
                        language or letter.language, pack.templates)


def sample_whole_letter(pack: Pack, letter_id: str) -> str:
    """The whole letter as the PDF and DOCX print it (sender, addressee, title, body,
    signature, enclosures, annex), as plain text, for the sample case."""
    return letter_text(pack, letter_id, sample_context(pack, letter_id), pack.templates)
