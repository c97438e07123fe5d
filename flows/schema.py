"""The shape of a flow pack, checked field by field with pydantic.

This is the operator's contract: every key a pack file may hold is declared here, unknown keys
are refused (a typo must not silently do nothing), and every value has one obvious type.
Cross-references (a ``next`` naming a node that exists, a rule citing a known citation) are
checked later by :mod:`flows.validator`, which needs the whole pack.
"""

from __future__ import annotations

import datetime as dt
import re
import zoneinfo
from typing import Annotated, Any, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    ValidationInfo,
)

from flows.conditions import Condition, parse_condition

ID_PATTERN = re.compile(r"^[a-z][a-z0-9_]{0,31}$")
LANGUAGE_PATTERN = re.compile(r"^[a-z]{2,3}(-[A-Z][a-z]{3})?(-[A-Z]{2})?$")


def _check_id(value: str) -> str:
    if not ID_PATTERN.match(value):
        raise ValueError(
            f"'{value}' is not a valid id: use lower_snake_case, start with a letter, "
            "at most 32 characters (ids travel inside Telegram buttons)"
        )
    return value


def _check_language(value: str) -> str:
    if not LANGUAGE_PATTERN.match(value):
        raise ValueError(f"'{value}' is not a language tag such as en, zh-Hans or zh-Hant")
    return value


def _localized(value: Any, info: ValidationInfo) -> Any:
    """Accept a plain string only in a one-language pack; otherwise require every language."""
    if isinstance(value, str):
        languages = (info.context or {}).get("languages") or []
        if len(languages) == 1:
            return {languages[0]: value}
        raise ValueError(
            "this text must be given once per language, e.g. {en: ..., zh-Hans: ...}"
        )
    return value


def _check_timezone(value: str) -> str:
    try:
        zoneinfo.ZoneInfo(value)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError) as error:
        raise ValueError(f"'{value}' is not an IANA time zone such as Asia/Shanghai") from error
    return value


def _check_url(value: str) -> str:
    if not re.match(r"^https?://[^\s]+$", value):
        raise ValueError(f"'{value}' is not a web address starting with http:// or https://")
    return value


Id = Annotated[str, AfterValidator(_check_id)]
Language = Annotated[str, AfterValidator(_check_language)]
Text = Annotated[dict[Language, Annotated[str, Field(min_length=1)]], BeforeValidator(_localized)]
Cond = Annotated[Condition, BeforeValidator(parse_condition)]
Url = Annotated[str, AfterValidator(_check_url)]
Zone = Annotated[str, AfterValidator(_check_timezone)]


class Strict(BaseModel):
    """Base for pack models: unknown keys are errors, values are immutable after load."""

    model_config = ConfigDict(extra="forbid", frozen=True, arbitrary_types_allowed=True)


class PackMeta(Strict):
    id: Id
    jurisdiction: str = Field(min_length=2, max_length=16)
    name: Text
    languages: list[Language] = Field(min_length=1)
    default_language: Language
    version: str = Field(min_length=1, max_length=32)
    reviewed_on: dt.date
    reviewed_by: str = Field(min_length=1)
    timezone: Zone
    start: Id
    disclaimer: Text
    description: Text | None = None


class Option(Strict):
    """One answer of a choice or multi question.

    ``timezone`` (choice questions): picking this option makes the zone the conversation's
    time zone, so "today 9pm" and night-time rules follow the user's clock (e.g. a US state).
    ``exclusive`` (multi questions): a "none of these" option; picking it clears the others
    and picking another clears it.
    """

    id: Id
    label: Text
    timezone: Zone | None = None
    exclusive: bool = False


class Branch(Strict):
    """One transition: go to ``goto`` when ``when`` holds (no ``when``: always)."""

    when: Cond | None = None
    goto: Id


NodeKind = Literal["choice", "multi", "yesno", "text", "number", "datetime", "phone", "info", "end"]
QUESTION_KINDS = ("choice", "multi", "yesno", "text", "number", "datetime", "phone")


class Node(Strict):
    kind: NodeKind
    text: Text
    help: Text | None = None
    reprompt: Text | None = None
    required: bool = False
    fact: Id | None = None
    ask_if: Cond | None = None
    next: Id | list[Branch] | None = None
    options: list[Option] | None = None
    max_length: int | None = Field(default=None, ge=1, le=4000)
    min: float | None = None
    max: float | None = None
    integer: bool = True
    scan_cues: bool = False
    unknown: Text | None = None  # how {fact} reads in texts when the answer is "I don't know"


class Rule(Strict):
    id: Id
    when: Cond
    severity: Literal["urgent", "high", "medium", "low"]
    title: Text
    explanation: Text
    citations: list[Id] = []
    say: list[Id] = []
    do: list[Id] = []
    channels: list[Id] = []
    letters: list[Id] = []


class Citation(Strict):
    """A legal source as the research gives it. Unverified claims have no place here."""

    law: Text
    article: Text | None = None
    effective: dt.date | None = None  # None: the research gives no in-force date; none is shown
    url: Url
    quote: str | None = None
    confidence: Literal["verified-from-source", "secondary"]


class Advice(Strict):
    """A script (``say``) or a step (``do``). Shown when a finding names it, when ``always``,
    or when its ``when`` condition holds; ``order`` places it (lower first)."""

    kind: Literal["say", "do"]
    text: Text
    always: bool = False
    when: Cond | None = None
    order: int | None = Field(default=None, ge=0, le=1000)


class Channel(Strict):
    name: Text
    contact: Text
    bring: Text | None = None
    url: Url | None = None


class Letter(Strict):
    title: Text
    template: str = Field(min_length=1)
    language: Language
    recipient: Text | None = None
    fields: list[Id] = []


class Cue(Strict):
    words: dict[Language, list[Annotated[str, Field(min_length=1)]]]


class SafetyTrigger(Strict):
    id: Id
    words: dict[Language, list[Annotated[str, Field(min_length=1)]]]
    text: Text


SignalKind = Literal["act", "intent", "danger", "threat", "ignore"]
"""What a crisis pattern means: ``act`` (already hurt themselves: ambulance now), ``intent``
(thinking of ending their life), ``danger`` (someone else puts them in danger), ``threat``
(someone told them to die: their words, not the user's), ``ignore`` (idioms, negations:
hides the other kinds where it matches)."""


class SafetyLexicon(Strict):
    """Crisis and danger patterns (syntax: flows/safety/patterns.py). The shared lexicon in
    flows/safety/data/ has this shape; a pack's ``safety.lexicon`` adds to it."""

    sets: dict[Id, list[Annotated[str, Field(min_length=1)]]] = {}
    spellings: dict[Annotated[str, Field(min_length=1)],
                    list[Annotated[str, Field(min_length=1)]]] = {}
    fuzzy: list[Annotated[str, Field(min_length=6)]] = []
    gap_breaks: list[Annotated[str, Field(min_length=1)]] = []
    signals: dict[SignalKind, list[Annotated[str, Field(min_length=1)]]] = {}


class Safety(Strict):
    """``unsafe``: what "I feel unsafe" shows; ``triggers``: the pack's own warnings (e.g. a
    scam), shown first; ``lexicon``: crisis patterns added to the shared ones; ``region``: whose
    crisis lines to show (a region of flows/safety/data/lines.yaml; default: the jurisdiction)."""

    unsafe: Text
    triggers: list[SafetyTrigger] = []
    lexicon: SafetyLexicon | None = None
    region: str | None = Field(default=None, pattern=r"^[A-Z]{2,4}$")


IncidentField = Literal["occurred_at", "caller_number", "lender", "agency", "channel", "description"]


class PackData(Strict):
    """Everything a pack's YAML files hold, merged."""

    pack: PackMeta
    ui: dict[Language, dict[str, str]] = {}
    conditions: dict[Id, Cond] = {}
    nodes: dict[Id, Node]
    rules: list[Rule] = []
    citations: dict[Id, Citation] = {}
    advice: dict[Id, Advice] = {}
    channels: dict[Id, Channel] = {}
    letters: dict[Id, Letter] = {}
    cues: dict[Id, Cue] = {}
    safety: Safety
    incident: dict[IncidentField, Id] = {}


SECTIONS_ONCE = ("pack", "safety", "incident")
SECTIONS_MAPPING = ("ui", "conditions", "nodes", "citations", "advice", "channels", "letters", "cues")
SECTIONS_LIST = ("rules",)
ALL_SECTIONS = SECTIONS_ONCE + SECTIONS_MAPPING + SECTIONS_LIST
