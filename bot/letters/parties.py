"""Who a letter goes to, the details asked about them, and how its dates are written.

A letter declares its addressee (flows.schema.Addressee): a collector, a lender, a regulator,
the police or a telecom authority. The party's name and mailing address are asked once and
kept in the user's profile under ``<type>_name`` / ``<type>_address`` (so a second letter to
the same collector does not ask again). A name the pack fixes (a national centre) is never
asked and always printed; a name the user skipped falls back to the name in the user's report
(agency for a collector, lender for a lender).

Dates: a letter writes every date one way, the Babel "long" format of its language
(November 28, 2026 / 2026年11月28日), and times as its language does (11:10 PM / 23:10).
"""

from __future__ import annotations

import datetime as dt
import functools
import re
from collections.abc import Mapping
from typing import Any

from babel import Locale
from babel.dates import format_date, format_time

from flows.conditions import compile_condition
from flows.letters import BLANK, AddresseeContext
from flows.pack import Pack
from flows.schema import Letter

DATE_FORMAT = "long"
REPORT_PARTY = {"collector": "agency", "lender": "lender"}
"""Which name of the user's report stands in for an addressee they did not name."""


_TRAILING_NOTE = re.compile(r"\s*[(（\[【][^()（）\[\]【】]*[)）\]】]\s*$")
_QUOTES = "\"'“”‘’「」『』《》<>"
_LEAD = re.compile(r"^(?:(?:it\s+(?:is|was)|it's|they\s+said|called|from|the\s+company\s+is)\s+"
                   r"|(?:是|叫|就是|对方说是|對方說是|说是|說是)\s*)", re.IGNORECASE)
_SENTENCE = re.compile(r"[。！？!?；;]|\.\s+\S|\s(?:and|but|who|because|said|they)\s", re.IGNORECASE)
MAX_NAME = 80
"""Longest text taken as a party's name; a longer answer is a story, not a name."""


def clean_name(text: str | None) -> str | None:
    """A typed party name as a letter prints it: "ACE Cash Express (payday loan)" -> "ACE Cash
    Express", "是惠今金融App" kept as 惠今金融App. A note in brackets at the end, quotes, a
    leading "it was"/"是" and end punctuation go; brackets inside a name stay (某某（深圳）
    科技有限公司). Text that reads as a sentence rather than a name gives None, so the user's
    own words never stand where a name belongs."""
    value = " ".join((text or "").split())
    for _ in range(3):
        before = value
        value = _TRAILING_NOTE.sub("", value).strip().strip(_QUOTES).strip()
        value = _LEAD.sub("", value).strip().rstrip(",，、:：.。").strip()
        if value == before:
            break
    if not value or len(value) > MAX_NAME or _SENTENCE.search(value):
        return None
    return value


def party_field(kind: str, detail: str) -> str:
    """The profile key of one addressee detail, e.g. ``collector_address``."""
    return f"{kind}_{detail}"


def addressee_type(pack: Pack, letter: Letter, facts: Mapping[str, Any]) -> str | None:
    """Whom the letter goes to for these answers (collected facts): the declared type, or the
    first ``instead`` whose condition holds (a validation request goes to the collector, or to
    the lender when the lender itself collects)."""
    if letter.addressee is None:
        return None
    for switch in letter.addressee.instead:
        try:
            if compile_condition(switch.when, pack.data.conditions)(dict(facts)):
                return switch.type
        except (ValueError, TypeError, KeyError):
            continue
    return letter.addressee.type


def channel_name(pack: Pack, letter: Letter, facts: Mapping[str, Any],
                 language: str) -> str | None:
    """The party's name from the pack's channel the letter names (``office_{state}``), when
    the answers fill every ``{fact}`` and such a channel exists."""
    if letter.addressee is None or not letter.addressee.channel:
        return None
    values: dict[str, str] = {}
    for name in re.findall(r"{(\w+)}", letter.addressee.channel):
        value = facts.get(name)
        if not isinstance(value, str) or not value:
            return None
        values[name] = value
    channel = pack.data.channels.get(letter.addressee.channel.format(**values))
    return pack.text(channel.name, language) if channel is not None else None


def party_fields(letter: Letter, kind: str | None = None, named: bool = False) -> list[str]:
    """The addressee details the bot asks for this letter: of ``kind`` (default the declared
    type); a fixed name (the pack's, or ``named``: a channel's) is never asked."""
    addressee = letter.addressee
    if addressee is None:
        return []
    kind = kind or addressee.type
    return [party_field(kind, detail) for detail in addressee.ask
            if not (detail == "name" and (addressee.name or named))]


def all_party_fields(letter: Letter) -> list[str]:
    """Every addressee detail this letter may ask, whichever party the answers pick."""
    if letter.addressee is None:
        return []
    kinds = [letter.addressee.type, *(s.type for s in letter.addressee.instead)]
    return list(dict.fromkeys(f for kind in kinds for f in party_fields(letter, kind)))


def report_name(kind: str | None, names: Mapping[str, str]) -> str | None:
    """The name the user's report gives this party (cleaned), if any."""
    value = names.get(REPORT_PARTY.get(kind or "", ""), BLANK)
    return None if value == BLANK else value


def addressee(pack: Pack, letter: Letter, profile: Mapping[str, str],
              names: Mapping[str, str], language: str,
              facts: Mapping[str, Any] | None = None) -> AddresseeContext:
    """The addressee as the letter prints it; ``names`` holds the report's lender/agency,
    ``facts`` the latest answers (collected) that pick the party."""
    if letter.addressee is None:
        return {"type": "", "name": BLANK, "address": BLANK, "fixed": False}
    facts = facts or {}
    kind = addressee_type(pack, letter, facts) or letter.addressee.type

    def given(detail: str) -> str | None:
        value = " ".join((profile.get(party_field(kind, detail)) or "").split())
        return value or None

    fixed = pack.text(letter.addressee.name, language) if letter.addressee.name else None
    fixed = fixed or channel_name(pack, letter, facts, language)
    # a fixed name wins: "regulator_name" given for a state AG must not rename the CFPB
    typed = clean_name(given("name"))
    name = fixed or typed or report_name(kind, names) or BLANK
    return {"type": kind, "name": name, "address": given("address") or BLANK,
            "fixed": bool(fixed)}


@functools.lru_cache(maxsize=16)
def _locale(language: str) -> Locale:
    return Locale.parse(language, sep="-")


def write_date(day: dt.date, language: str) -> str:
    """A date the one way the letter writes dates."""
    return format_date(day, DATE_FORMAT, locale=_locale(language))


def write_time(moment: dt.time, language: str) -> str:
    """A time of day as the letter's language writes it; Chinese letters use 24 hours."""
    if language.startswith("zh"):
        return moment.strftime("%H:%M")
    return format_time(moment, "short", locale=_locale(language)).replace("\u202f", " ")
