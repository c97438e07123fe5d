"""Sample letter contexts that reach every path of a template.

A letter template is checked by rendering it, not only by reading it: ``{{ f.titel }}`` inside
``{% for f in findings %}`` is only wrong once a finding is there to loop over. These samples
follow the contract of :class:`flows.letters.LetterContext` exactly (the same keys, the same
kinds of values, the same invariants, e.g. ``public_order_article`` is never empty) and vary it:
every optional value present and absent, every list empty and with items whose own optional
values are present in one item and absent in the next, and each option of every fact the
template tests. Facts take every form the engine stores: a count or "at least n", money with its
currency, a moment, a day alone or a day and its part, a tally of people and counts.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from flows.letters import BLANK, SENDER_FIELDS, known_facts
from flows.pack import BUILTIN_FACTS, YESNO_OPTIONS, fact_name
from flows.schema import PackData
from flows.texts import pick

SAMPLE_DAY = "2026-01-02"
Context = dict[str, Any]


def _text(data: PackData, value: dict[str, str] | None, language: str) -> str:
    return pick(value, language, data.pack.default_language) if value else ""


def fact_values(data: PackData) -> dict[str, list[Any]]:
    """Every fact's sample values (the first is the default), as letters receive them."""
    values: dict[str, list[Any]] = {"language": list(data.pack.languages),
                                    "cues": [list(data.cues)]}
    for node_id, node in data.nodes.items():
        name = fact_name(node_id, node)
        if name is None:
            continue
        options = [o.id for o in node.options or []]
        if node.kind == "choice":
            values[name] = options or ["sample"]
        elif node.kind == "yesno":
            values[name] = list(YESNO_OPTIONS)
        elif node.kind == "multi":
            plain = [o.id for o in node.options or [] if not o.exclusive]
            values[name] = [plain or options, options[:1]]
        elif node.kind == "number":
            low = int(node.min) if node.min is not None else 0
            values[name] = [max(low, 3), low, {"at_least": max(low, 10)}]
        elif node.kind == "amount":
            currency = node.currency or "CNY"
            values[name] = [{"amount": 5000, "currency": currency},
                            {"amount": 200000, "currency": "TWD" if currency != "TWD" else "USD",
                             "approx": True}]
        elif node.kind == "tally":
            plain = [o.id for o in node.options or [] if not o.exclusive] or options
            values[name] = [{o: 3 for o in plain}, {o: None for o in plain[:1]},
                            {o: {"at_least": 10} for o in plain[:1]}]
        elif node.kind == "datetime":
            values[name] = [f"{SAMPLE_DAY}T07:40:00+08:00", "2025-12-31T23:10:00+08:00",
                            SAMPLE_DAY, f"{SAMPLE_DAY} evening"]
        elif node.kind == "phone":
            values[name] = ["+86 138 0013 8000"]
        else:
            values[name] = ["Sample answer"]
    return values


def _label(value: Any) -> str | None:
    if value is None:
        return None
    return "、".join(map(str, value)) if isinstance(value, list) else str(value)


def _findings(data: PackData, letter_id: str, language: str) -> list[Context]:
    """The pack's own findings for this letter, then two that vary every optional value."""
    found: list[Context] = []
    for rule in data.rules:
        cited = [data.citations[c] for c in rule.citations if c in data.citations]
        if letter_id not in rule.letters or not cited:
            continue
        found.append({"rule": rule.id, "severity": rule.severity,
                      "title": _text(data, rule.title, language),
                      "explanation": _text(data, rule.explanation, language),
                      "citations": [{
                          "law": _text(data, c.law, language),
                          "article": _text(data, c.article, language),
                          "effective": c.effective.isoformat() if c.effective else "",
                          "url": c.url, "quote": c.quote, "confidence": c.confidence}
                          for c in cited]})
    full = {"law": "Sample Act", "article": "Art. 1", "effective": "2020-01-01",
            "url": "https://example.org/law", "quote": "A sample quotation.",
            "confidence": "verified-from-source"}
    bare = {"law": "Other Act", "article": "", "effective": "", "url": "https://example.org/o",
            "quote": None, "confidence": "verified-from-source"}
    found.append({"rule": "sample_rule", "severity": "urgent", "title": "A sample finding",
                  "explanation": "Why it is not allowed.", "citations": [full, bare]})
    found.append({"rule": "sample_other", "severity": "low", "title": "Another finding",
                  "explanation": "More.", "citations": [bare]})
    return found


_INCIDENTS = [
    {"date": "2025-12-31", "time": "23:10", "channel": "Call", "number": "+86 138 0013 8000",
     "who": "Sample agency / Sample lender", "what": "They called at night."},
    {"date": BLANK, "time": BLANK, "channel": BLANK, "number": BLANK, "who": BLANK,
     "what": BLANK},
]
_COUNTS_FULL = {"total": 3, "dated": 2, "busiest_day": 40, "busiest_day_at_least": True,
                "busiest_7_days": 2, "busiest_7_days_at_least": False, "at_night": 1,
                "outside_8_to_21": 1, "third_parties": 1, "first": "2025-12-31",
                "last": SAMPLE_DAY}
_COUNTS_NONE = {"total": 0, "dated": 0, "busiest_day": 0, "busiest_day_at_least": False,
                "busiest_7_days": 0, "busiest_7_days_at_least": False, "at_night": 0,
                "outside_8_to_21": 0, "third_parties": None, "first": BLANK, "last": BLANK}
_GROUPS = [
    {"law": "Sample law (old text)", "article": "Art. 42", "item": "(5)", "quote": "Old words.",
     "period": "before 2026-01-01", "no_contact_order": False,
     "confidence": "verified-from-source", "count": 1, "first": "2025-12-31",
     "last": "2025-12-31"},
    {"law": "Sample law (revised)", "article": "Art. 50", "item": "(5)", "quote": "New words.",
     "period": "from 2026-01-01", "no_contact_order": True,
     "confidence": "verified-from-source",
     "count": 1, "first": SAMPLE_DAY, "last": SAMPLE_DAY},
]


def _base(data: PackData, letter_id: str, full: bool) -> Context:
    letter = data.letters[letter_id]
    language = letter.language
    values = fact_values(data)
    facts = {name: (values.get(name, [None])[0] if full else None)
             for name in sorted(known_facts(data))}
    kind = letter.addressee.type if letter.addressee is not None else ""
    fixed = _text(data, letter.addressee.name, language) if letter.addressee is not None \
        and letter.addressee.name else None
    return {
        "letter": {"id": letter_id, "title": _text(data, letter.title, language),
                   "recipient": _text(data, letter.recipient, language) or BLANK,
                   "language": language},
        "today": SAMPLE_DAY, "date": SAMPLE_DAY, "blank": BLANK,
        "sender": {f: (f"Sample {f}" if full else BLANK) for f in SENDER_FIELDS},
        "addressee": {"type": kind, "name": fixed or ("Sample addressee" if full else BLANK),
                      "address": "1 Sample Road" if full else BLANK, "fixed": bool(fixed)},
        "enclosures": [{"name": "Record of contacts", "sha256": ""},
                       {"name": "photo.jpg", "sha256": "0" * 64}] if full else [],
        "lender": "Sample lender" if full else BLANK,
        "agency": "Sample agency" if full else BLANK,
        "company": "Sample agency" if full else BLANK,
        "amount": "$1,200.00" if full else BLANK,
        "scope": {name.removeprefix("scope_"): full for name in data.conditions
                  if name.startswith("scope_")},
        "annex_words": full,
        "facts": facts,
        "labels": {name: _label(value) for name, value in facts.items()},
        "findings": _findings(data, letter_id, language) if full else [],
        "incidents": [dict(i) for i in _INCIDENTS] if full else [],
        "counts": dict(_COUNTS_FULL if full else _COUNTS_NONE),
        "public_order_article": [dict(g) for g in _GROUPS] if full else
        [dict(_GROUPS[0], count=0, first=BLANK, last=BLANK)],
    }


def _with_fact(context: Context, name: str, value: Any) -> Context:
    facts = {**context["facts"], name: value}
    return {**context, "facts": facts, "labels": {**context["labels"], name: _label(value)}}


def sample_contexts(data: PackData, letter_id: str, tested: set[str] | None = None,
                    ) -> Iterator[tuple[str, Context]]:
    """(what is varied, context) pairs; ``tested`` are the facts the template names (each gets
    every sample value, and None, on both the full and the empty context)."""
    full, empty = _base(data, letter_id, True), _base(data, letter_id, False)
    yield "every detail is given", full
    yield "nothing is known", empty
    yield "the answers are known but nothing was reported", {
        **full, "findings": [], "incidents": [], "counts": dict(_COUNTS_NONE),
        "enclosures": [],
        "public_order_article": empty["public_order_article"]}
    yield "contacts were reported but the answers are unknown", {
        **empty, "findings": full["findings"], "incidents": full["incidents"],
        "enclosures": full["enclosures"][:1],
        "counts": {**_COUNTS_FULL, "third_parties": 0}}
    yield "no law's scope holds", {**full, "scope": {k: False for k in full["scope"]}}
    letter = data.letters[letter_id]
    for switch in letter.addressee.instead if letter.addressee is not None else ():
        yield f"the answers address it to the {switch.type}", {
            **full, "addressee": {**full["addressee"], "type": switch.type},
            "annex_words": False}
    yield "only contacts after the revision", {
        **full, "public_order_article": [dict(_GROUPS[1])]}
    values = fact_values(data)
    for name in sorted(tested or ()):
        if name in BUILTIN_FACTS and name != "language":
            continue
        for value in [*values.get(name, []), None]:
            shown = "unknown" if value is None else repr(value)
            yield f"'{name}' is {shown}", _with_fact(full, name, value)
            yield f"only '{name}' is known ({shown})", _with_fact(empty, name, value)
