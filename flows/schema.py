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
from flows.spotschema import Spotter

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


def _check_domain(value: str) -> str:
    if not re.match(r"^[a-z0-9-]+(\.[a-z0-9-]+)+$", value):
        raise ValueError(f"'{value}' is not a host name such as ecfr.gov or flk.npc.gov.cn "
                         "(no scheme, no path, lower case)")
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


PageSize = Literal["A4", "Letter"]
LETTER_SIZE_JURISDICTIONS = frozenset({"US", "CA", "MX", "PH", "CL", "CO", "VE", "GT", "CR",
                                       "PA", "DO", "PR", "SV", "NI", "HN", "BZ"})
"""Where paper is US Letter by habit; every other jurisdiction prints on A4."""


class PackMeta(Strict):
    """``page_size`` (A4 or Letter): the paper of the pack's letters; without it, Letter for
    the jurisdictions in LETTER_SIZE_JURISDICTIONS (the United States...), A4 elsewhere."""

    id: Id
    jurisdiction: str = Field(min_length=2, max_length=16)
    name: Text
    languages: list[Language] = Field(min_length=1)
    default_language: Language
    version: str | None = Field(default=None, min_length=1, max_length=32)
    """The operator's label for this version (e.g. 2026.11.1), shown in release history;
    what users' states record is the content hash (Pack.version)."""
    reviewed_on: dt.date
    reviewed_by: str = Field(min_length=1)
    timezone: Zone
    start: Id
    disclaimer: Text
    description: Text | None = None
    official_domains: list[Annotated[str, AfterValidator(_check_domain)]] = []
    """Hosts whose pages are official texts for this jurisdiction (a legislature, a
    government, a regulator, a court); every link shown to users must be on one of them or a
    subdomain (flows/lawchecks.py)."""
    page_size: PageSize | None = None
    night_from: int = Field(default=22, ge=0, le=23)
    night_until: int = Field(default=8, ge=0, le=23)
    """Local hours counted as night-time in the person's record of contacts: from
    ``night_from``:00 to before ``night_until``:00 (the evidence diary, letters' counts)."""

    @property
    def paper(self) -> PageSize:
        if self.page_size is not None:
            return self.page_size
        return "Letter" if self.jurisdiction.upper() in LETTER_SIZE_JURISDICTIONS else "A4"


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


NodeKind = Literal["choice", "multi", "yesno", "text", "number", "datetime", "phone", "amount",
                   "tally", "story", "info", "end"]
QUESTION_KINDS = ("choice", "multi", "yesno", "text", "number", "datetime", "phone", "amount",
                  "tally", "story")
CURRENCY_PATTERN = re.compile(r"^[A-Z]{3}$")


def _check_currency(value: str) -> str:
    if not CURRENCY_PATTERN.match(value):
        raise ValueError(f"'{value}' is not an ISO 4217 currency code such as CNY, USD or TWD")
    return value


Currency = Annotated[str, AfterValidator(_check_currency)]


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
    max_length: int | None = Field(default=None, ge=1, le=4096)
    min: float | None = None
    max: float | None = None
    integer: bool = True
    scan_cues: bool = False
    unknown: Text | None = None  # how {fact} reads in texts when the answer is "I don't know"
    ask: Literal["always", "needed"] = "always"
    """``needed``: asked only while a rule that is still undecided depends on its answer."""
    summary: Text | None = None
    """A few words naming the fact ("Calls to you today") for "Here is what I understood"."""
    currency: Currency | None = None
    """amount questions: the currency the question asks in (ISO 4217)."""
    from_story: Literal["final", "prefill"] = "final"
    """multi/tally: ``prefill`` still asks, with what the story said already ticked."""


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


CitationKind = Literal["statute", "regulation", "judicial_interpretation", "regulator_rule",
                       "regulator_guidance", "industry_standard", "court_decision"]
PRIMARY_LAW: tuple[str, ...] = ("statute", "regulation", "judicial_interpretation",
                                "regulator_rule")
"""Kinds that are law itself (the rest are guidance, standards and decisions about it)."""


class Citation(Strict):
    """A legal source. ``url`` is the official text users are sent to; ``checked_against``
    records any other copy the wording was checked against (never shown). Unverified claims
    have no place here: a point found only in secondary sources is advice, not a citation."""

    law: Text
    article: Text | None = None
    kind: CitationKind
    effective: dt.date | None = None  # the in-force date of the provision cited
    undated_reason: str | None = Field(default=None, min_length=10)
    """Why no in-force date is given (required exactly when ``effective`` is absent)."""
    url: Url
    checked_against: list[Url] = []
    quote: str | None = None
    confidence: Literal["verified-from-source", "secondary"]


class Advice(Strict):
    """A script (``say``) or a step (``do``). Shown when a finding names it, when ``always``,
    or when its ``when`` condition holds; ``order`` places it (lower first). ``supersedes``
    names items of the same kind this one makes redundant or contradicts ("Stop calling me"
    supersedes "Do not call before 8 a.m."): when both would show, only this one does, so
    "what to say" stays one coherent script."""

    kind: Literal["say", "do"]
    text: Text
    always: bool = False
    when: Cond | None = None
    order: int | None = Field(default=None, ge=0, le=1000)
    supersedes: list[str] = []


class Channel(Strict):
    name: Text
    contact: Text
    bring: Text | None = None
    url: Url | None = None


AddresseeType = Literal["collector", "lender", "regulator", "police", "telecom_authority"]
ADDRESSEE_TYPES: tuple[str, ...] = AddresseeType.__args__  # type: ignore[attr-defined]
PartyDetail = Literal["name", "address"]


class AddresseeSwitch(Strict):
    """Another party the letter goes to when the answers say so, e.g. the original lender
    when the lender itself did the collecting (``when: {use: lender_called}``)."""

    when: Cond
    type: AddresseeType


class Addressee(Strict):
    """Whom a letter goes to: the kind of party (scope rules test it as ``addressee.type``)
    and which of its details the bot asks the user for, each skippable. ``name`` fixes the
    party's name (e.g. a national reporting centre), which is then never asked. ``instead``
    picks another party from the latest answers (the first whose ``when`` holds).
    ``channel`` names the party after one of the pack's channels, ``{fact}`` filled from the
    answers (``office_{state}``: the user's own state's office); the name is then not asked
    unless no such channel exists (e.g. the state is unknown)."""

    type: AddresseeType
    ask: list[PartyDetail] = ["name", "address"]
    name: Text | None = None
    instead: list[AddresseeSwitch] = []
    channel: str | None = Field(default=None, pattern=r"^[a-z0-9_{}]+$")


_NOT_IN_FILE_NAMES = re.compile(r'[\\/:*?"<>|\s]')


def _check_file_name(value: str) -> str:
    if (not value or len(value) > 40 or _NOT_IN_FILE_NAMES.search(value)
            or value[0] == "." or value[-1] == "."):
        raise ValueError(f"'{value}' cannot be a file name: use up to 40 letters, digits or "
                         "hyphens, without spaces, dots at the ends or any of \\ / : * ? \" "
                         "< > | (e.g. complaint-lender or 投诉信)")
    return value


class FormField(Strict):
    """One field of a regulator's web form, in the form's order: its label, and what goes in
    it — ``value``, a name of the letter context (``sender.full_name``, ``addressee.name``,
    ``lender``...), or ``block``, a ``{% block %}`` of the letter's template."""

    label: Text
    value: str | None = Field(default=None, pattern=r"^[a-z_]+(\.[a-z_]+)?$")
    block: Id | None = None

    def model_post_init(self, _context: Any) -> None:
        if (self.value is None) == (self.block is None):
            raise ValueError("give a form field either value: (a context name such as "
                             "sender.full_name) or block: (a template block), not both")


class Form(Strict):
    """The web form the letter's text is pasted into (12378, CFPB, a state AG...)."""

    name: Text
    fields: list[FormField] = Field(min_length=1)


class FollowUp(Strict):
    """A reminder offered once the letter was downloaded (e.g. the lender's 15-day reply to a
    12378 complaint): ``offer`` is the button, ``text`` the message sent ``days`` later (at a
    sane hour of the person's day)."""

    kind: Id
    days: int = Field(ge=1, le=365)
    offer: Text
    text: Text


class Letter(Strict):
    """``title`` is the menu label in the chat; ``formal_title`` the title printed on the
    letter (else ``title``); ``file_name`` the short stem of its files (else the letter id);
    ``page_size`` overrides the pack's paper; ``form`` lists a web form's fields."""

    title: Text
    template: str = Field(min_length=1)
    language: Language
    recipient: Text | None = None
    fields: list[Id] = []
    formal_title: Text | None = None
    addressee: Addressee | None = None
    file_name: Annotated[str, AfterValidator(_check_file_name)] | None = None
    page_size: PageSize | None = None
    form: Form | None = None
    follow_ups: list[FollowUp] = []


class Cue(Strict):
    words: dict[Language, list[Annotated[str, Field(min_length=1)]]]


class Kindness(Strict):
    """One short line of acknowledgement shown before the next question when a typed answer or
    the story says the person is afraid, ashamed or desperate (issue 14). Crisis comes first:
    nothing here is shown when the crisis check answered (flows/safety)."""

    id: Id
    words: dict[Language, list[Annotated[str, Field(min_length=1)]]]
    text: Text


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


class RegionFrom(Strict):
    """Crisis lines chosen by an answer: a pack for several places (``elsewhere``) shows Hong
    Kong's lines to a person who said she is in Hong Kong, not a guess from her phone."""

    node: str
    regions: dict[str, Annotated[str, Field(pattern=r"^[A-Z]{2,4}$")]]
    """Option id -> region of flows/safety/data/lines.yaml."""


class Safety(Strict):
    """``unsafe``: what "I feel unsafe" shows; ``triggers``: the pack's own warnings (e.g. a
    scam), shown first; ``lexicon``: crisis patterns added to the shared ones; ``region``: whose
    crisis lines to show (a region of flows/safety/data/lines.yaml; default: the jurisdiction);
    ``region_from``: once the person has answered where she is, that answer decides."""

    unsafe: Text
    triggers: list[SafetyTrigger] = []
    lexicon: SafetyLexicon | None = None
    region: str | None = Field(default=None, pattern=r"^[A-Z]{2,4}$")
    region_from: RegionFrom | None = None


IncidentField = Literal["occurred_at", "caller_number", "lender", "agency", "channel",
                        "description", "third_parties", "said", "contacts", "amount",
                        "calls_week"]
"""Facts copied onto each stored incident; ``third_parties`` (who else was contacted: a multi or
tally), ``said`` (what was said: a multi) and ``contacts`` (how many contacts that day: a
number) go to the person's record of contacts (the evidence diary). Letters read ``amount``
(the amount the user was told they owe) and ``contacts``/``calls_week`` (how many contacts the
user counted that day and in the last 7 days: a letter never prints fewer)."""


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
    spotter: Spotter | None = None
    kindness: list[Kindness] = []


SECTIONS_ONCE = ("pack", "safety", "incident", "spotter")
SECTIONS_MAPPING = ("ui", "conditions", "nodes", "citations", "advice", "channels", "letters", "cues")
SECTIONS_LIST = ("rules", "kindness")
ALL_SECTIONS = SECTIONS_ONCE + SECTIONS_MAPPING + SECTIONS_LIST
