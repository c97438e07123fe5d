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
from collections.abc import Mapping

from babel import Locale
from babel.dates import format_date, format_time

from flows.letters import BLANK, AddresseeContext
from flows.pack import Pack
from flows.schema import Letter

DATE_FORMAT = "long"
REPORT_PARTY = {"collector": "agency", "lender": "lender"}
"""Which name of the user's report stands in for an addressee they did not name."""


def party_field(kind: str, detail: str) -> str:
    """The profile key of one addressee detail, e.g. ``collector_address``."""
    return f"{kind}_{detail}"


def party_fields(letter: Letter) -> list[str]:
    """The addressee details the bot asks for this letter (a fixed name is never asked)."""
    addressee = letter.addressee
    if addressee is None:
        return []
    return [party_field(addressee.type, detail) for detail in addressee.ask
            if not (detail == "name" and addressee.name)]


def report_name(letter: Letter, names: Mapping[str, str]) -> str | None:
    """The name the user's report gives this letter's addressee, if any."""
    if letter.addressee is None:
        return None
    value = names.get(REPORT_PARTY.get(letter.addressee.type, ""), BLANK)
    return None if value == BLANK else value


def addressee(pack: Pack, letter: Letter, profile: Mapping[str, str],
              names: Mapping[str, str], language: str) -> AddresseeContext:
    """The addressee as the letter prints it; ``names`` holds the report's lender/agency."""
    if letter.addressee is None:
        return {"type": "", "name": BLANK, "address": BLANK}
    kind = letter.addressee.type

    def given(detail: str) -> str | None:
        value = " ".join((profile.get(party_field(kind, detail)) or "").split())
        return value or None

    fixed = pack.text(letter.addressee.name, language) if letter.addressee.name else None
    # a fixed name wins: "regulator_name" given for a state AG must not rename the CFPB
    name = fixed or given("name") or report_name(letter, names) or BLANK
    return {"type": kind, "name": name, "address": given("address") or BLANK}


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
