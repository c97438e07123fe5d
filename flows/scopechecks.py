"""Validator checks of who a law covers and where a user lives, before anything is claimed.

Two classes of error harm people and a schema cannot see them:

* a breach stated against someone the law does not cover — the federal FDCPA cited against
  the original lender, or a state's law against a caller elsewhere. A pack declares each law's
  reach as a named condition ``scope_<family>``; every rule citing a citation whose id starts
  with ``<family>_`` must require that condition (as a conjunct of its ``when``, directly or
  through named ``all:`` conditions). Families without a ``scope_`` condition are not checked.
* the wrong place: a Texan told "(in California …)". For a jurisdiction whose subdivisions are
  known (``PLACES``), the pack's place question must offer every one with its time zone; every
  place must have a rule pinned to it that names a complaint channel with an official link; and
  no text may name a place unless it is shown only to people who chose that place.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from typing import Any, Protocol

from flows.conditions import AllOf, AnyOf, Condition, Test, Use
from flows.lawchecks import official_host
from flows.pack import fact_name
from flows.schema import PackData
from flows.textchecks import texts

SCOPE_PREFIX = "scope_"

US_STATES: dict[str, str] = {
    "al": "Alabama", "ak": "Alaska", "az": "Arizona", "ar": "Arkansas", "ca": "California",
    "co": "Colorado", "ct": "Connecticut", "de": "Delaware", "dc": "District of Columbia",
    "fl": "Florida", "ga": "Georgia", "hi": "Hawaii", "id": "Idaho", "il": "Illinois",
    "in": "Indiana", "ia": "Iowa", "ks": "Kansas", "ky": "Kentucky", "la": "Louisiana",
    "me": "Maine", "md": "Maryland", "ma": "Massachusetts", "mi": "Michigan", "mn": "Minnesota",
    "ms": "Mississippi", "mo": "Missouri", "mt": "Montana", "ne": "Nebraska", "nv": "Nevada",
    "nh": "New Hampshire", "nj": "New Jersey", "nm": "New Mexico", "ny": "New York",
    "nc": "North Carolina", "nd": "North Dakota", "oh": "Ohio", "ok": "Oklahoma", "or": "Oregon",
    "pa": "Pennsylvania", "ri": "Rhode Island", "sc": "South Carolina", "sd": "South Dakota",
    "tn": "Tennessee", "tx": "Texas", "ut": "Utah", "vt": "Vermont", "va": "Virginia",
    "wa": "Washington", "wv": "West Virginia", "wi": "Wisconsin", "wy": "Wyoming",
}
"""The 50 states and the District of Columbia, by lower-case postal code."""

PLACES: dict[str, tuple[str, dict[str, str]]] = {"US": ("state", US_STATES)}
"""Jurisdiction -> (the fact that holds the user's place, every place's id and name)."""


class ScopeChecker(Protocol):
    """What these checks need from :class:`flows.validator._Checker`."""

    data: PackData

    def error(self, path: tuple[Any, ...], check: str, message: str) -> None: ...


# --- Who a law covers ----------------------------------------------------------------------------

def conjuncts(condition: Condition, named: Mapping[str, Condition],
              seen: frozenset[str] = frozenset()) -> set[str]:
    """Names of the named conditions that ``condition`` requires outright: itself if it is a
    ``use``, and, through ``all:`` and named conditions, every one they require."""
    if isinstance(condition, Use):
        if condition.name in seen:
            return set()
        inner = named.get(condition.name)
        found = {condition.name}
        if inner is not None:
            found |= conjuncts(inner, named, seen | {condition.name})
        return found
    if isinstance(condition, AllOf):
        return set().union(*(conjuncts(item, named, seen) for item in condition.items))
    return set()


def check_scopes(c: ScopeChecker) -> None:
    """A rule citing a law that declares its reach must require that reach."""
    named = c.data.conditions
    families = {name.removeprefix(SCOPE_PREFIX): name for name in named
                if name.startswith(SCOPE_PREFIX) and len(name) > len(SCOPE_PREFIX)}
    for index, rule in enumerate(c.data.rules):
        required = conjuncts(rule.when, named)
        for item, citation_id in enumerate(rule.citations):
            family = next((f for f in families if citation_id.startswith(f + "_")), None)
            if family is None or families[family] in required:
                continue
            c.error(("rules", index, "citations", item), "scope", f"rule '{rule.id}' cites "
                    f"'{citation_id}' but does not require {families[family]} (whom that law "
                    "covers). Decide who the law reaches before stating a breach: add "
                    f"{{use: {families[family]}}} to the rule's when: all: [...]")


# --- Where the user lives ------------------------------------------------------------------------

def pinned(condition: Condition | None, fact: str, named: Mapping[str, Condition],
           seen: frozenset[str] = frozenset()) -> frozenset[str] | None:
    """The values of ``fact`` under which ``condition`` can hold, or None when it does not pin
    them (any place may see what it guards)."""
    if condition is None:
        return None
    if isinstance(condition, Test):
        if condition.fact != fact:
            return None
        if condition.operator == "equals":
            return frozenset({condition.value})
        if condition.operator == "in":
            return frozenset(condition.value)
        return None
    if isinstance(condition, Use):
        if condition.name in seen or condition.name not in named:
            return None
        return pinned(named[condition.name], fact, named, seen | {condition.name})
    if isinstance(condition, AllOf):
        sets = [p for p in (pinned(item, fact, named, seen) for item in condition.items)
                if p is not None]
        return frozenset.intersection(*sets) if sets else None
    if isinstance(condition, AnyOf):
        sets = [pinned(item, fact, named, seen) for item in condition.items]
        if any(p is None for p in sets):
            return None
        return frozenset().union(*sets)  # type: ignore[arg-type]
    return None  # Not: shown everywhere but the places it excludes


def _union(pins: list[frozenset[str] | None]) -> frozenset[str] | None:
    if not pins or any(p is None for p in pins):
        return None
    return frozenset().union(*pins)  # type: ignore[arg-type]


def _audiences(data: PackData, fact: str) -> dict[tuple[Any, ...], frozenset[str] | None]:
    """For each place a text can sit, the places of the users who can see it (None: anyone).
    Rules: their own condition. Advice: its condition, else the rules naming it. Channels and
    citations: the rules naming them. Questions: their ask_if. Everything else: anyone."""
    named = data.conditions
    rule_pins = [pinned(rule.when, fact, named) for rule in data.rules]
    seen: dict[tuple[Any, ...], frozenset[str] | None] = {}
    for index, pin in enumerate(rule_pins):
        seen[("rules", index)] = pin
    for section, key in (("channels", "channels"), ("citations", "citations")):
        for item_id in getattr(data, section):
            seen[(section, item_id)] = _union(
                [pin for rule, pin in zip(data.rules, rule_pins, strict=True)
                 if item_id in getattr(rule, key)])
    for advice_id, advice in data.advice.items():
        if advice.when is not None:
            seen[("advice", advice_id)] = pinned(advice.when, fact, named)
        elif advice.always:
            seen[("advice", advice_id)] = None
        else:
            seen[("advice", advice_id)] = _union(
                [pin for rule, pin in zip(data.rules, rule_pins, strict=True)
                 if advice_id in rule.say + rule.do])
    for node_id, node in data.nodes.items():
        seen[("nodes", node_id)] = pinned(node.ask_if, fact, named)
    return seen


def _place_pattern(names: dict[str, str]) -> re.Pattern[str]:
    # Longest names first, so "West Virginia" is one match and not also "Virginia".
    ordered = sorted(names.values(), key=len, reverse=True)
    return re.compile(r"\b(" + "|".join(re.escape(n) for n in ordered) + r")\b")


def _place_options(data: PackData, fact: str) -> Iterator[tuple[tuple[Any, ...], Any]]:
    for node_id, node in data.nodes.items():
        if fact_name(node_id, node) == fact:
            for index, option in enumerate(node.options or []):
                yield ("nodes", node_id, "options", index), option


def check_places(c: ScopeChecker) -> None:
    """Every place offered with its zone and its own complaint office; texts name a place only
    to people who live there."""
    jurisdiction = PLACES.get(c.data.pack.jurisdiction)
    if jurisdiction is None:
        return
    fact, places = jurisdiction
    data, language = c.data, c.data.pack.default_language
    offered = {option.id: (where, option) for where, option in _place_options(data, fact)}
    if not offered:
        c.error(("pack", "jurisdiction"), "place", f"a {data.pack.jurisdiction} pack must ask "
                f"where the user lives: add a choice question storing fact '{fact}' whose "
                f"options are {', '.join(sorted(places))}")
        return
    first = next(iter(offered.values()))[0][:2]
    missing = sorted(set(places) - set(offered))
    if missing:
        c.error(first, "place", f"the question(s) storing '{fact}' do not offer "
                f"{', '.join(places[m] + ' (' + m + ')' for m in missing)}: every place must be "
                "answerable (common ones as buttons, the others a tap further)")
    for code, (where, option) in offered.items():
        if code not in places:
            continue
        label = option.label.get(language, "")
        if label != places[code]:
            c.error((*where, "label"), "place", f"option '{code}' must be labelled "
                    f"'{places[code]}' (not '{label}'), so typed names and texts match it")
        if option.timezone is None:
            c.error(where, "place", f"option '{code}' ({places[code]}) needs the timezone: its "
                    "people live in, so times are read on their clock")
    _check_offices(c, fact, places)
    _check_place_names(c, fact, places)


def _check_offices(c: ScopeChecker, fact: str, places: dict[str, str]) -> None:
    """Each place has its own office: a channel with an official link that only people there
    are shown (a channel the whole country sees, such as a federal regulator, does not count)."""
    data, domains = c.data, c.data.pack.official_domains
    audiences = _audiences(data, fact)
    served: set[str] = set()
    for channel_id, channel in data.channels.items():
        audience = audiences.get(("channels", channel_id))
        if audience is not None and len(audience) == 1 and channel.url and \
                official_host(channel.url, domains):
            served |= audience
    lacking = sorted(set(places) - served)
    if lacking:
        c.error(("channels",), "place", "no complaint office with an official link is shown "
                f"only to people in: {', '.join(places[p] for p in lacking)}. Give each place a "
                f"channel with its office's url, named by a rule `when: {{fact: {fact}, equals: "
                "<id>}`")


def _check_place_names(c: ScopeChecker, fact: str, places: dict[str, str]) -> None:
    pattern = _place_pattern(places)
    by_name = {name: code for code, name in places.items()}
    audiences = _audiences(c.data, fact)
    for path, text in texts(c):  # type: ignore[arg-type]
        if path[0] == "nodes" and "options" in path:
            continue  # option labels are the place names themselves
        owner = path[:2]
        audience = audiences.get(owner)
        for language, value in text.items():
            for name in dict.fromkeys(pattern.findall(value)):
                if audience is not None and audience <= {by_name[name]}:
                    continue
                who = ("anyone" if audience is None else
                       f"people in {len(audience)} places" if len(audience) > 3 else
                       "people in " + ", ".join(sorted(places.get(p, p) for p in audience)))
                c.error((*path, language), "place", f"this text names {name}, but it can be "
                        f"shown to {who}. Name a place only in texts shown to people there "
                        f"(a rule or advice whose when: pins {fact} to '{by_name[name]}'); "
                        "elsewhere say “your state”")
