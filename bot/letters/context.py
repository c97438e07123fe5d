"""Build a letter's template context from what storage holds and what the engine concludes.

Storage keeps incidents as rows with JSON facts; the engine turns facts into findings. This
module joins the two into the plain dict described by :class:`flows.letters.LetterContext`,
in the letter's own language (a Chinese letter stays Chinese whatever the chat language).
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections import Counter
from collections.abc import Mapping, Sequence
from typing import Any, TypedDict

from babel import Locale

from bot.letters.parties import addressee, clean_name, write_date, write_time
from bot.letters.public_order import public_order
from flows.conditions import compile_condition
from flows.facts import collect, display, plain
from flows.letters import (
    BLANK,
    SENDER_FIELDS,
    CitationContext,
    Counts,
    EnclosureContext,
    FindingContext,
    IncidentContext,
    LetterContext,
    known_facts,
    letter_of,
)
from flows.pack import Pack
from flows.render import SEVERITY_ORDER, findings
from flows.state import State
from storage.records import IncidentRow

NO_WORDS_BY_DEFAULT = frozenset({"collector", "lender"})
"""Addressees whose annex leaves out the user's own words unless the user chooses otherwise:
a collector or lender gets the structured table only (date, time, channel, number, who)."""
CURRENCIES = {"US": "USD", "CN": "CNY"}
"""The currency of a plain number of money, by the pack's jurisdiction."""


class DiaryFigures(TypedDict, total=False):
    """Counts computed from the user's diary (its entries, not the interview); each is used
    when larger than what the incidents give. Dates are the user's local dates."""

    total: int
    dated: int
    busiest_day: int
    busiest_7_days: int
    at_night: int  # 22:00-08:00
    outside_8_to_21: int
    third_parties: int
    first: dt.date
    last: dt.date

THIRD_PARTY_CONDITIONS = ("third_party_contact", "others_contacted")
"""A pack's named condition (the first one it defines) saying that people other than the
borrower were contacted; it gives ``counts.third_parties``."""

_VERBS = ("(have|are|were|will|owe|had|did|do|don't|can|may|say|said|told|asked|know|want|"
          "need|paid|pay)")
_FIRST_PERSON_EN = (
    (rf"\b[Yy]ou {_VERBS}\b",
     lambda m: {"are": "I am", "were": "I was"}.get(m[1], f"I {m[1]}")),
    (r"\byourself\b", lambda m: "myself"), (r"\byours\b", lambda m: "mine"),
    (r"\byour\b", lambda m: "my"), (r"\bYour\b", lambda m: "My"),
    (r"\byou\b", lambda m: "me"), (r"\bYou\b", lambda m: "I"),
)


def first_person(text: str, language: str) -> str:
    """A rule title as the user's own words: titles speak to the user ("your debt made
    public"), a letter is the user speaking ("my debt made public")."""
    if language.startswith("zh"):
        return text.replace("您", "我").replace("你", "我")
    if language.startswith("en"):
        for pattern, change in _FIRST_PERSON_EN:
            text = re.sub(pattern, change, text)
    return text


def locale_of(language: str) -> Locale:
    return Locale.parse(language, sep="-")


def one_line(text: str | None) -> str:
    """User text on one line, so it can never start a heading or bullet of its own."""
    return " ".join((text or "").split()) or BLANK


def build_context(pack: Pack, letter_id: str, *, incidents: Sequence[IncidentRow] = (),
                  profile: Mapping[str, str] | None = None, today: dt.date,
                  facts: Mapping[str, Any] | None = None, state_json: str | None = None,
                  language: str | None = None,
                  attachments: Sequence[tuple[str, str]] = (),
                  diary: DiaryFigures | None = None,
                  annex_words: bool | None = None) -> LetterContext:
    """Everything a template may use (see :class:`flows.letters.LetterContext`).

    ``facts`` (plain, JSON-ready) or ``state_json`` is the latest interview; without either
    (or when the saved state belongs to another pack version), the newest incident's facts
    stand in. Only incidents reported with this pack are used.
    ``language`` overrides the letter's own language (rarely wanted).
    ``attachments`` are files that go with the letter: (name, SHA-256 hex digest), e.g. the
    diary report and screenshots; ``diary`` the diary's counts (used when they are larger).
    ``annex_words``: whether the user's own descriptions go into the annex (None: the default,
    not to a collector or lender).
    """
    letter = letter_of(pack, letter_id)
    lang = language or letter.language
    rows = sorted((i for i in incidents if i.pack_id == pack.id), key=_when)
    newest = sorted(rows, key=lambda i: (i.created_at, i.id), reverse=True)
    saved = State.from_json(state_json) if state_json is not None else None
    if saved is not None and (saved.pack, saved.pack_version) == (pack.id, pack.version):
        state = saved.with_(language=lang)
        latest = plain(pack, state)
    else:  # no interview, or one from another pack or version: its answers may not fit
        latest = dict(facts) if facts is not None else (
            stored_facts(newest[0]) if newest else {})
        state = _state_from_facts(pack, latest, lang)
    profile = profile or {}
    stored = [_state_from_facts(pack, stored_facts(row), lang) for row in newest]
    names = {"lender": _party(pack, "lender", latest, newest),
             "agency": _party(pack, "agency", latest, newest)}
    collected = _collected(pack, state)
    party = addressee(pack, letter, profile, names, lang, collected)
    if annex_words is None:
        annex_words = party["type"] not in NO_WORDS_BY_DEFAULT
    listed = _incidents(pack, rows, lang)
    enclosures: list[EnclosureContext] = [{"name": annex_name(lang), "sha256": ""}] \
        if listed else []
    enclosures += [{"name": one_line(name), "sha256": digest} for name, digest in attachments]
    return {
        "letter": {"id": letter_id, "title": pack.text(letter.title, lang),
                   "recipient": pack.text(letter.recipient, lang) or BLANK, "language": lang},
        "today": write_date(today, lang),
        "date": today.isoformat(),
        "blank": BLANK,
        "sender": {f: one_line(profile.get(f)) for f in SENDER_FIELDS},  # type: ignore[misc]
        "addressee": party,
        "enclosures": enclosures,
        "lender": names["lender"],
        "agency": names["agency"],
        "company": names["agency"] if names["agency"] != BLANK else names["lender"],
        "amount": _amount(pack, latest.get(pack.data.incident.get("amount", "")), lang),
        "scope": _scope(pack, collected),
        "annex_words": annex_words,
        "facts": {name: latest.get(name) for name in sorted(known_facts(pack.data))},
        "labels": _labels(pack, state, latest, lang),
        "findings": _findings(pack, letter_id, [state] + stored, lang, collected),
        "incidents": listed,
        "counts": _counts(pack, rows, stored, lang, diary),
        "public_order_article": public_order([m.date() for m in map(_moment, rows) if m],
                                             today, lang),
    }


def annex_name(language: str) -> str:
    """The annex (the dated list of contacts) as an enclosure is named."""
    from bot.letters.style import style_for  # style imports this module's helpers

    return style_for(language).annex_name


def stored_facts(row: IncidentRow) -> dict[str, Any]:
    """An incident's facts; {} when the stored JSON is not a mapping (never crash a letter)."""
    try:
        value = json.loads(row.facts_json)
    except ValueError:
        return {}
    return value if isinstance(value, dict) else {}


def _moment(row: IncidentRow) -> dt.datetime | None:
    try:
        return dt.datetime.fromisoformat(row.occurred_at) if row.occurred_at else None
    except ValueError:
        return None


def _when(row: IncidentRow) -> tuple[dt.datetime, int]:
    """Oldest first by the contact's instant; undated ones by when they were reported."""
    moment = _moment(row)
    if moment is None or moment.tzinfo is None:
        moment = dt.datetime.fromisoformat(row.created_at)
    return moment.astimezone(dt.UTC), row.id


def _state_from_facts(pack: Pack, facts: Mapping[str, Any], language: str) -> State:
    """A finished conversation that would have produced these facts (for findings/labels)."""
    nodes: dict[str, list[str]] = {}
    for node_id, compiled in pack.nodes.items():
        if compiled.fact:
            nodes.setdefault(compiled.fact, []).append(node_id)
    answers = {_asked_by(pack, nodes[name], value): value
               for name, value in facts.items() if name in nodes}
    path = [node_id for node_id in pack.nodes if node_id in answers]
    cues = [str(cue) for cue in facts.get("cues") or []]
    return State(pack=pack.id, pack_version=pack.version, language=language,
                 timezone=pack.timezone, started_at="", answers=answers,
                 cue_hits={path[0]: cues} if path and cues else {}, path=path, status="done")


def _asked_by(pack: Pack, node_ids: list[str], value: Any) -> str:
    """The question that gave ``value`` when several store the same fact (e.g. a state asked as
    a button or, a tap further, in a group): the one offering it, so its label is shown."""
    values = list(value) if isinstance(value, (list, dict)) else [value]  # a tally: its people
    for node_id in node_ids:
        offered = {o.id for o in pack.nodes[node_id].node.options or ()}
        if offered and all(v in offered for v in values):
            return node_id
    return node_ids[0]


def _party(pack: Pack, field: str, latest: Mapping[str, Any],
           newest: Sequence[IncidentRow]) -> str:
    value = latest.get(pack.data.incident.get(field, ""))  # type: ignore[call-overload]
    if not value:
        value = next((getattr(row, field) for row in newest if getattr(row, field)), None)
    if isinstance(value, list):
        value = ", ".join(map(str, value))
    return clean_name(str(value) if value is not None else None) or BLANK


def _collected(pack: Pack, state: State) -> dict[str, Any]:
    """The latest answers as conditions read them ({} when they no longer fit the pack)."""
    try:
        return collect(pack, state)
    except (ValueError, TypeError):
        return {}


def _scope(pack: Pack, collected: Mapping[str, Any]) -> dict[str, bool]:
    """For each scope_<family> condition of the pack, whether it holds on the latest answers:
    whom each law covers is decided by the pack, never by a template matching names."""
    result: dict[str, bool] = {}
    for name, condition in pack.data.conditions.items():
        if name.startswith("scope_") and len(name) > len("scope_"):
            try:
                result[name.removeprefix("scope_")] = bool(
                    compile_condition(condition, pack.data.conditions)(dict(collected)))
            except (ValueError, TypeError):
                result[name.removeprefix("scope_")] = False
    return result


def _amount(pack: Pack, value: Any, lang: str) -> str:
    """The amount the user gave, with its currency ("$1,200", "5,000元"); BLANK if none."""
    approx = False
    currency = CURRENCIES.get(pack.data.pack.jurisdiction or "", "")
    if isinstance(value, dict):
        approx = bool(value.get("approx"))
        currency = str(value.get("currency") or currency)
        value = value.get("amount", value.get("at_least"))
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return BLANK
    digits = f"{value:,.0f}" if float(value).is_integer() else f"{value:,.2f}"
    if lang.startswith("zh"):
        unit = {"CNY": "元", "USD": "美元", "HKD": "港元", "TWD": "新台币"}.get(currency,
                                                                           f" {currency}")
        return ("约" if approx else "") + digits + unit
    symbol = {"USD": "$", "CNY": "CNY ", "HKD": "HK$", "TWD": "NT$"}.get(currency, "")
    text = f"{symbol}{digits}" if symbol else f"{digits} {currency}".strip()
    return ("about " if approx else "") + text


def _labels(pack: Pack, state: State, latest: Mapping[str, Any],
            lang: str) -> dict[str, str | None]:
    shown = display(pack, state, dict(latest))
    separator = "、" if lang.startswith(("zh", "ja")) else ", "
    labels: dict[str, str | None] = {}
    for name in sorted(known_facts(pack.data)):
        value = shown.get(name)
        if value is None or value == []:
            labels[name] = None
        elif isinstance(value, list):
            labels[name] = separator.join(map(str, value))
        elif pack.fact_kinds.get(name) == "datetime" and isinstance(value, str) and "T" in value:
            labels[name] = value[:16].replace("T", " ")
        else:
            labels[name] = one_line(str(value))
    return labels


def _findings(pack: Pack, letter_id: str, states: Sequence[State],
              lang: str, collected: Mapping[str, Any]) -> list[FindingContext]:
    """Findings that point at this letter (the rule's ``letters:``) and cite a source, from the
    latest interview, then from older incidents (first wording kept). A finding without a
    citation is left out: a letter states only what it can source. A finding citing a law
    whose scope (scope_<family>) does not hold on the latest answers is left out too: an older
    incident's collector breach is never put to the lender this letter goes to."""
    scope = _scope(pack, collected)
    seen: dict[str, FindingContext] = {}
    for index, one in enumerate(states):
        try:
            views = findings(pack, one, collect(pack, one))
        except (ValueError, TypeError):
            if index == 0:
                raise
            continue  # an incident stored by an older pack whose answers no longer fit
        for view in views:
            if view.rule in seen or letter_id not in view.letters or not view.citations:
                continue
            rule = next((r for r in pack.data.rules if r.id == view.rule), None)
            families = {c.split("_", 1)[0] for c in (rule.citations if rule else ())}
            if any(scope.get(family) is False for family in families) or families == {"def"}:
                continue  # out of scope, or only explains whom a law covers (def_): no breach
            citations: list[CitationContext] = [
                {"law": c.law, "article": c.article,
                 "effective": write_date(dt.date.fromisoformat(c.effective), lang)
                 if c.effective else "", "url": c.url,
                 "quote": c.quote, "confidence": c.confidence}
                for c in view.citations]
            seen[view.rule] = {"rule": view.rule, "severity": view.severity,
                               "title": first_person(view.title, lang),
                               "explanation": view.explanation,
                               "citations": citations}
    return sorted(seen.values(), key=lambda f: SEVERITY_ORDER[f["severity"]])


def _incidents(pack: Pack, rows: Sequence[IncidentRow], lang: str) -> list[IncidentContext]:
    return [_incident(pack, row, lang) for row in rows]


def _incident(pack: Pack, row: IncidentRow, lang: str) -> IncidentContext:
    moment = _moment(row)
    names = (clean_name(row.agency), clean_name(row.lender))
    who = " / ".join(name for name in names if name)
    return {
        "date": write_date(moment.date(), lang) if moment else BLANK,
        "time": write_time(moment.time(), lang) if moment else BLANK,
        "channel": _channel_label(pack, row.channel, lang),
        "number": one_line(row.caller_number),
        "who": who or BLANK,
        "what": one_line(row.description),
    }


def _channel_label(pack: Pack, value: str | None, lang: str) -> str:
    """The channel option's label (storage keeps option ids, comma-joined for several)."""
    if not value:
        return BLANK
    fact = pack.data.incident.get("channel")
    node = next((c.node for c in pack.nodes.values() if fact and c.fact == fact), None)
    labels = {o.id: pack.text(o.label, lang) for o in (node.options or []) if node} \
        if node else {}
    return one_line(", ".join(labels.get(part.strip(), part.strip())
                              for part in value.split(",")))


def _reported(pack: Pack, rows: Sequence[IncidentRow], field: str) -> tuple[int, bool]:
    """The highest count the user gave for ``field`` (contacts / calls_week) in any report,
    and whether it was "at least" that many."""
    fact = pack.data.incident.get(field)  # type: ignore[call-overload]
    best, at_least = 0, False
    for row in rows if fact else ():
        value = stored_facts(row).get(fact)
        if isinstance(value, dict) and isinstance(value.get("at_least"), int):
            count, lower = value["at_least"], True
        elif isinstance(value, int) and not isinstance(value, bool):
            count, lower = value, False
        else:
            continue
        if count > best or (count == best and not lower):
            best, at_least = count, lower
    return best, at_least


def _most(*pairs: tuple[int, bool]) -> tuple[int, bool]:
    """The largest count; "at least" only when no exact count is as large."""
    best = max(n for n, _ in pairs)
    return best, all(lower for n, lower in pairs if n == best)


def _counts(pack: Pack, rows: Sequence[IncidentRow], stored: Sequence[State],
            lang: str, diary: DiaryFigures | None = None) -> Counts:
    diary = diary or {}
    moments = [m for m in map(_moment, rows) if m is not None]
    days = sorted(m.date() for m in moments)
    busiest, start = 0, 0
    for end, day in enumerate(days):
        while (day - days[start]).days >= 7:
            start += 1
        busiest = max(busiest, end - start + 1)
    per_day = max(Counter(days).values(), default=0)
    day_count = _most((per_day, False), (diary.get("busiest_day", 0), False),
                      _reported(pack, rows, "contacts"))
    week_count = _most((busiest, False), (diary.get("busiest_7_days", 0), False),
                       _reported(pack, rows, "calls_week"), day_count)
    third: int | None = None
    name = next((n for n in THIRD_PARTY_CONDITIONS if n in pack.data.conditions), None)
    if name is not None:
        condition = pack.data.conditions[name]
        holds = compile_condition(condition, pack.data.conditions)
        third = 0
        for state in stored:
            try:
                third += bool(holds(collect(pack, state)))
            except (ValueError, TypeError):
                continue  # an incident stored by an older pack whose answers no longer fit
    if "third_parties" in diary:
        third = max(third or 0, diary["third_parties"])
    first = min([d for d in (days[:1] + [diary.get("first")]) if d], default=None)
    last = max([d for d in (days[-1:] + [diary.get("last")]) if d], default=None)
    return {
        "total": max(len(rows), diary.get("total", 0)),
        "dated": max(len(moments), diary.get("dated", 0)),
        "busiest_day": day_count[0], "busiest_day_at_least": day_count[1],
        "busiest_7_days": week_count[0], "busiest_7_days_at_least": week_count[1],
        "at_night": max(sum(1 for m in moments if m.hour >= 22 or m.hour < 8),
                        diary.get("at_night", 0)),
        "outside_8_to_21": max(sum(1 for m in moments if m.hour >= 21 or m.hour < 8),
                               diary.get("outside_8_to_21", 0)),
        "third_parties": third,
        "first": write_date(first, lang) if first else BLANK,
        "last": write_date(last, lang) if last else BLANK,
    }
