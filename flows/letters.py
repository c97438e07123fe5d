"""Letter templates: the context they receive, the sandbox they run in, and their checks.

Templates are operator files (``templates/<pack>/<letter>.txt.j2``). What a user typed only
ever reaches a template as a context *value*, never as template source, so a company called
``{{ 7*7 }}`` prints literally. Templates run in Jinja's immutable sandbox with StrictUndefined,
and are checked together with their pack (``callshield flows validate``): a template that
names an unknown fact fails there, with its file and line, not when a user asks for a letter.
"""

from __future__ import annotations

import functools
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any, TypedDict

from babel import Locale, UnknownLocaleError
from jinja2 import (
    FileSystemLoader,
    StrictUndefined,
    TemplateSyntaxError,
    meta,
    nodes,
    select_autoescape,
)
from jinja2.sandbox import ImmutableSandboxedEnvironment

from flows.issues import PackIssue
from flows.letterform import check_channel, check_form, check_layout
from flows.pack import BUILTIN_FACTS, Pack, fact_name
from flows.schema import Letter, PackData
from flows.suggest import did_you_mean
from flows.yamlsource import SourceMap

BLANK = "________"
"""Printed where the user gave nothing: a line they fill in by hand before sending."""


# --- The template context: the operator's contract (documented in the README) ---------------

class LetterInfo(TypedDict):
    id: str
    title: str  # in the letter's language
    recipient: str  # the letter's ``recipient:`` text, or BLANK
    language: str


class Sender(TypedDict):
    """The user's own details; each one they did not give is BLANK."""

    full_name: str
    id_number: str
    address: str
    phone: str
    loan_number: str
    city: str  # the town where the user signs, printed with the date (a letter asks for it
    # only when its fields: list it)
    prior_complaint: str  # when, how and with what result the user first complained to the
    # institution itself (12378 asks for it), as the user wrote it
    complaint_reference: str  # the reference number of that first complaint


class AddresseeContext(TypedDict):
    """Whom the letter goes to (the letter's ``addressee:``); unknown values are BLANK."""

    type: str  # collector, lender, regulator, police, telecom_authority; "" when undeclared.
    # The party the answers pick (addressee: instead:), e.g. the lender when it collected itself
    name: str  # the pack's fixed name or its channel's (office_{state}), else as the user gave
    # it (cleaned: no "(payday loan)" notes), else the report's, else BLANK
    address: str  # the mailing address the user gave, else BLANK
    fixed: bool  # the pack names the party, so its name is never asked


class EnclosureContext(TypedDict):
    name: str  # e.g. the annex's title, or a file's name
    sha256: str  # hex digest of a file; "" for the annex printed with the letter


class CitationContext(TypedDict):
    law: str
    article: str
    effective: str  # the date the provision took effect, written as ``today``; "" when the
    # research gives none
    url: str
    quote: str | None
    confidence: str  # "verified-from-source" (the validator allows nothing else)


class FindingContext(TypedDict):
    rule: str
    severity: str  # urgent, high, medium, low (listed in that order)
    title: str
    explanation: str
    citations: list[CitationContext]


class IncidentContext(TypedDict):
    """One reported contact, in the annex's columns; unknown values are BLANK."""

    date: str  # the user's local date, in the letter's one date format (as ``today``)
    time: str  # the user's local time, as the letter's language writes it (23:10, 11:10 PM)
    channel: str  # the channel's label in the letter's language
    number: str
    who: str  # agency and/or lender
    what: str  # the user's description, on one line


class Counts(TypedDict):
    """Figures about the contacts: from the recorded incidents (and the diary, when given),
    never fewer than the user reported counting (the ``contacts``/``calls_week`` incident facts)."""

    total: int  # contacts recorded (incidents, or the diary's entries when it has more)
    dated: int  # ... of which the date and time are known
    busiest_day: int  # most contacts on one day (recorded, or as the user counted them)
    busiest_day_at_least: bool  # the user counted "at least" that many
    busiest_7_days: int  # most contacts within any 7 consecutive days (likewise)
    busiest_7_days_at_least: bool
    at_night: int  # local time 22:00-08:00
    outside_8_to_21: int  # local time before 08:00 or from 21:00
    third_parties: int | None  # incidents where the pack's condition 'third_party_contact'
    # (or 'others_contacted') holds; None when the pack defines neither
    first: str  # date of the first and last dated incident (as ``today``), or BLANK
    last: str


class PublicOrderGroup(TypedDict):
    """Mainland China's public-order law: the version in force on the dates of some contacts."""

    law: str  # e.g. 《中华人民共和国治安管理处罚法》（2012年修正）
    article: str  # 第四十二条 / 第五十条
    item: str  # the harassment item, e.g. 第（五）项
    quote: str  # that item's wording
    period: str  # e.g. 2026年1月1日前
    no_contact_order: bool  # the version lets police order 禁止接触 (new Art. 50 para 2)
    confidence: str  # as in CitationContext
    count: int  # contacts in this period (0 only when no contact has a date)
    first: str  # first and last such date (as ``today``), or BLANK
    last: str


class LetterContext(TypedDict):
    letter: LetterInfo
    today: str  # today's date written out in the letter's language
    date: str  # today, ISO (YYYY-MM-DD)
    blank: str  # BLANK, so templates can write {% if lender != blank %}
    sender: Sender
    addressee: AddresseeContext
    enclosures: list[EnclosureContext]  # what goes with the letter, the annex first
    lender: str  # the lender's name (cleaned: no notes in brackets), or BLANK
    agency: str  # the collection agency's name (cleaned), or BLANK
    company: str  # who collects: the agency when named, else the lender, else BLANK
    amount: str  # the amount the user was told they owe, written with its currency, or BLANK
    scope: dict[str, bool]  # for each scope_<family> condition of the pack: whether it holds on
    # the latest answers (scope.fdcpa: the FDCPA covers this caller and debt)
    annex_words: bool  # the user's own descriptions go into the annex (they chose, or the
    # default: not to a collector or lender)
    facts: dict[str, Any]  # every fact of the pack: the latest interview's answer or None
    labels: dict[str, str | None]  # the same facts as display text in the letter's language
    findings: list[FindingContext]  # rules pointing at this letter that cite a source, from
    # any reported incident, most serious first; titles in the user's own words (first person)
    incidents: list[IncidentContext]  # every incident of this pack, oldest first
    counts: Counts
    public_order_article: list[PublicOrderGroup]  # oldest version first


CONTEXT_KEYS = frozenset(LetterContext.__annotations__)
SENDER_FIELDS = tuple(Sender.__annotations__)
DICT_KEYS: dict[str, frozenset[str]] = {
    "letter": frozenset(LetterInfo.__annotations__),
    "sender": frozenset(SENDER_FIELDS),
    "counts": frozenset(Counts.__annotations__),
    "addressee": frozenset(AddresseeContext.__annotations__),
}
FACT_DICTS = ("facts", "labels")
_DICT_METHODS = frozenset({"items", "keys", "values", "get"})


# --- Rendering ---------------------------------------------------------------------------------

def _finalize(value: Any) -> Any:
    """``{{ x }}`` of a missing answer prints the blank line, never "None"."""
    return BLANK if value is None else value


@functools.lru_cache(maxsize=16)
def environment(root: Path) -> ImmutableSandboxedEnvironment:
    """The one Jinja set-up for letters: sandboxed, strict, no HTML escaping in .txt."""
    return ImmutableSandboxedEnvironment(
        loader=FileSystemLoader(str(root), encoding="utf-8"),
        undefined=StrictUndefined,
        autoescape=select_autoescape(["html", "xml"], default_for_string=False, default=False),
        trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=True,
        finalize=_finalize,
    )


def letter_of(pack: Pack, letter_id: str) -> Letter:
    """The pack's letter, or a KeyError naming the letters it has."""
    try:
        return pack.data.letters[letter_id]
    except KeyError:
        known = ", ".join(pack.data.letters) or "none"
        raise KeyError(f"pack '{pack.id}' has no letter '{letter_id}' (it has: {known})") from None


def render_letter_text(pack: Pack, letter_id: str, context: Mapping[str, Any],
                       root: Path | None = None) -> str:
    """The letter's body as plain text with the document markup (headings, bullets, blanks)."""
    from flows.letterchecks import LetterFailed, failure_place  # they import this module
    from flows.loader import templates_dir

    letter = letter_of(pack, letter_id)
    folder = Path(root or pack.templates or templates_dir()).resolve()
    try:
        return environment(folder).get_template(letter.template).render(dict(context))
    except Exception as error:  # noqa: BLE001 - named by place and class only (no user data)
        file, line = failure_place(error, str(folder / letter.template))
        raise LetterFailed(letter_id, file, line, type(error).__name__) from error


# --- Checks, run with the pack ----------------------------------------------------------------

def known_facts(data: PackData) -> frozenset[str]:
    """Fact names a template may name: every question's fact, plus the engine's own."""
    names = {fact_name(node_id, node) for node_id, node in data.nodes.items()}
    return frozenset(name for name in names if name) | frozenset(BUILTIN_FACTS)


def check_letter_templates(data: PackData, places: SourceMap, root: Path) -> list[PackIssue]:
    """Every letter's template exists, parses, and names only what the context holds."""
    issues: list[PackIssue] = []
    env = environment(Path(root).resolve())
    facts = known_facts(data)
    for letter_id, letter in data.letters.items():
        here = ("letters", letter_id)
        unknown = [f for f in letter.fields if f not in SENDER_FIELDS]
        if unknown:
            issues.append(PackIssue(*places.find((*here, "fields")), f"letter '{letter_id}' "
                                    f"asks for unknown field(s) {', '.join(unknown)}; fields are: "
                                    f"{', '.join(SENDER_FIELDS)}"
                                    + did_you_mean(unknown[0], SENDER_FIELDS), "error",
                                    "reference"))
        try:
            Locale.parse(letter.language, sep="-")
        except (ValueError, UnknownLocaleError):
            issues.append(PackIssue(*places.find((*here, "language")), f"letter language "
                                    f"'{letter.language}' is unknown to Babel, so its date cannot "
                                    "be written; use e.g. zh-Hans or en", "error", "reference"))
        if not (root / letter.template).is_file():
            issues.append(PackIssue(*places.find((*here, "template")),
                                    f"template '{letter.template}' not found under {root}; "
                                    "check the path (relative to templates/)", "error",
                                    "reference"))
            continue
        issues += _check_template(env, root, letter.template, letter, facts, set())
        issues += check_layout(letter_id, letter, places)
        issues += check_channel(letter_id, letter, data, places)
        issues += check_form(letter_id, letter, env, root, places, CONTEXT_KEYS, DICT_KEYS,
                             facts)
    return issues


def _check_template(env: ImmutableSandboxedEnvironment, root: Path, name: str, letter: Letter,
                    facts: frozenset[str], seen: set[str]) -> list[PackIssue]:
    seen.add(name)
    file = str(root / name)
    try:
        source = (root / name).read_text(encoding="utf-8")
        tree = env.parse(source, name, file)
    except TemplateSyntaxError as error:
        message = (error.message or "").rstrip(".")
        return [PackIssue(file, error.lineno or 1, f"template syntax: {message}; check that "
                          "every {% if %}/{% for %} is closed and braces are paired",
                          "error", "template")]
    except (OSError, UnicodeDecodeError) as error:
        return [PackIssue(file, 1, f"cannot read the template ({error}); save it as UTF-8",
                          "error", "template")]
    issues = [PackIssue(file, line, message, level, "template")
              for line, message, level in _name_problems(tree, env, letter, facts)]
    for node in tree.find_all((nodes.Include, nodes.Import, nodes.FromImport, nodes.Extends)):
        other = node.template.value if isinstance(node.template, nodes.Const) else None
        if not isinstance(other, str):
            issues.append(PackIssue(file, node.lineno, "include/import with a computed name "
                                    "cannot be checked; name the template literally", "error",
                                    "template"))
        elif not (root / other).is_file():
            issues.append(PackIssue(file, node.lineno, f"included template '{other}' not found "
                                    f"under {root}", "error", "template"))
        elif other not in seen:
            issues += _check_template(env, root, other, letter, facts, seen)
    return issues


def _name_problems(tree: nodes.Template, env: ImmutableSandboxedEnvironment, letter: Letter,
                   facts: frozenset[str]) -> Iterator[tuple[int, str, str]]:
    """(line, message, level) for every name the context cannot give."""
    allowed = CONTEXT_KEYS | frozenset(env.globals)
    for name in sorted(meta.find_undeclared_variables(tree) - allowed):
        line = next((n.lineno for n in tree.find_all(nodes.Name) if n.name == name), 1)
        yield line, (f"unknown name '{name}'; a letter template can use: "
                     f"{', '.join(sorted(CONTEXT_KEYS))}" + did_you_mean(name, allowed)), "error"
    for node in tree.find_all((nodes.Getattr, nodes.Getitem)):
        if isinstance(node, nodes.Getattr) and node.attr.startswith("_"):
            yield node.lineno, (f"'.{node.attr}': names starting with '_' reach into Python "
                                "internals and are refused by the sandbox; remove it"), "error"
            continue
        if not isinstance(node.node, nodes.Name):
            continue
        owner = node.node.name
        if isinstance(node, nodes.Getattr):
            key: Any = node.attr
        elif isinstance(node.arg, nodes.Const):
            key = node.arg.value
        else:
            continue
        if key in _DICT_METHODS:
            continue
        if owner in FACT_DICTS and key not in facts:
            yield node.lineno, (f"'{owner}.{key}': no question of this pack stores a fact "
                                f"named '{key}'; check the spelling against the nodes' "
                                "fact names" + did_you_mean(str(key), facts)), "error"
        elif owner in DICT_KEYS and key not in DICT_KEYS[owner]:
            yield node.lineno, (f"'{owner}.{key}' does not exist; {owner} has: "
                                f"{', '.join(sorted(DICT_KEYS[owner]))}"
                                + did_you_mean(str(key), DICT_KEYS[owner])), "error"
        elif owner == "sender" and key not in letter.fields:
            yield node.lineno, (f"the template uses 'sender.{key}' but the letter's fields: "
                                f"do not list '{key}', so the bot never asks for it and it "
                                f"prints as {BLANK} unless given for another letter"), "warning"
