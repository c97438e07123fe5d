"""The narrative corpus (tests/narratives/): every file well formed and in the shared vocabulary.

The corpus stands in for real people's stories, so a broken file must fail here rather than
silently skew the understanding figures. The vocabulary is read from VOCABULARY.md (its tables),
so it is defined once; this module only knows the value *types*.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
import yaml

CORPUS = Path(__file__).resolve().parent / "narratives"
VOCABULARY = CORPUS / "VOCABULARY.md"

LANGUAGES = {"zh": {"zh-Hans", "zh-Hant"}, "en": {"en"}}
REGIONS_BY_LANGUAGE = {"zh-Hans": {"cn", "other"}, "zh-Hant": {"cn", "hk", "tw", "other"},
                       "en": {"us", "other"}}
SOURCE_KINDS = {"complaint", "news", "court", "forum", "regulator"}
SPLITS = {"dev", "holdout"}
REQUIRED = {"id", "language", "region", "source", "source_kind", "written", "split", "story",
            "facts", "issues"}
OPTIONAL = {"notes", "story_date", "expect", "now"}  # expect/now: flows/evaluate.py
STORY_MIN, STORY_MAX = 150, 1500
MIN_PER_LANGUAGE = 45
HOLDOUT_SHARE = (0.15, 0.25)
URL = re.compile(r"^https?://[^\s/$.?#][^\s]*$")
COUNT_INTS = {"per_hour", "per_day", "per_week", "total", "over_days"}
COUNT_BOOLS = {"at_least", "approx", "uncounted"}
STOP_HOW = {"oral", "written", "both"}
STOP_WHAT = {"all", "calls", "work", "hours", "third_parties"}
HHMM = re.compile(r"^([01]\d|2[0-3]):[0-5]\d$")
# Characters of one script that the other never uses (a small, safe sample).
# (系 is not in the list: Traditional writes 系統 with it too.)
SIMPLIFIED_ONLY = set("这们说话还没对时发给个国会问门见长东车书爱听机关钱银贷联帐账")
TRADITIONAL_ONLY = set("這們說話還沒對時發給個國會問門見長東車書愛聽機關錢銀貸聯係帳賬")


# --- the vocabulary, read from VOCABULARY.md -------------------------------------------------

def _table_rows(text: str, header: str) -> list[list[str]]:
    """Rows of every markdown table whose header line starts with `header`."""
    rows: list[list[str]] = []
    inside = False
    for line in text.splitlines():
        if line.startswith(header):
            inside = True
            continue
        if inside and line.startswith("|---"):
            continue
        if inside and line.startswith("|"):
            rows.append([cell.strip() for cell in line.strip().strip("|").split("|")])
            continue
        inside = False
    return rows


def _name(cell: str) -> str:
    match = re.fullmatch(r"`([a-z_]+)`", cell)
    assert match, f"VOCABULARY.md: expected a `name` in backticks, found {cell!r}"
    return match.group(1)


def _values(cell: str) -> set[str]:
    return {value.strip() for value in cell.split(",") if value.strip()}


def load_vocabulary(text: str) -> dict[str, Any]:
    types = {_name(row[0]) for row in _table_rows(text, "| type | form |")}
    keys = {}
    for row in _table_rows(text, "| key | type | values | meaning |"):
        key, kind = _name(row[0]), row[1]
        assert kind in types, f"VOCABULARY.md: key {key} has unknown type {kind}"
        keys[key] = (kind, _values(row[2]))
    fields = {row[0].strip("`"): _values(row[1]) for row in _table_rows(text, "| field | values |")}
    issues = {_name(row[0]): _values(row[1])
              for row in _table_rows(text, "| issue | jurisdictions | meaning |")}
    currencies = re.search(r"currency: ([A-Z\\|]+)", text)
    assert currencies, "VOCABULARY.md: the amount type must list its currencies"
    return {"types": types, "keys": keys, "fields": fields, "issues": issues,
            "currencies": set(currencies.group(1).replace("\\", "").split("|"))}


VOCAB = load_vocabulary(VOCABULARY.read_text(encoding="utf-8"))


# --- checking one narrative ------------------------------------------------------------------

def _check_count(where: str, value: Any) -> list[str]:
    if not isinstance(value, dict) or not value:
        return [f"{where}: a count is a non-empty map"]
    errors = [f"{where}: unknown count field {k!r}" for k in value
              if k not in COUNT_INTS | COUNT_BOOLS]
    for k in COUNT_INTS & value.keys():
        if not isinstance(value[k], int) or isinstance(value[k], bool) or value[k] < 0:
            errors.append(f"{where}.{k}: a whole number ≥ 0")
    for k in COUNT_BOOLS & value.keys():
        if not isinstance(value[k], bool):
            errors.append(f"{where}.{k}: true or false")
    if not (COUNT_INTS & value.keys()) and value.get("uncounted") is not True:
        errors.append(f"{where}: give a number or uncounted: true")
    return errors


def _check_value(where: str, kind: str, allowed: set[str], value: Any) -> list[str]:
    if kind == "bool":
        return [] if isinstance(value, bool) else [f"{where}: true or false"]
    if kind == "int":
        ok = isinstance(value, int) and not isinstance(value, bool) and value >= 0
        return [] if ok else [f"{where}: a whole number ≥ 0"]
    if kind == "string":
        return [] if isinstance(value, str) and value.strip() else [f"{where}: a text"]
    if kind == "string_list":
        ok = isinstance(value, list) and value and all(isinstance(v, str) for v in value)
        return [] if ok else [f"{where}: a list of texts"]
    if kind == "enum":
        return [] if value in allowed else [f"{where}: {value!r} is not one of {sorted(allowed)}"]
    if kind == "enum_list":
        if not isinstance(value, list) or not value or len(set(map(str, value))) != len(value):
            return [f"{where}: a non-empty list without repeats"]
        return [f"{where}: {v!r} is not one of {sorted(allowed)}" for v in value
                if v not in allowed]
    if kind == "amount":
        if not isinstance(value, dict) or set(value) != {"value", "currency", "approx"}:
            return [f"{where}: an amount is {{value, currency, approx}}"]
        errors = []
        if not isinstance(value["value"], (int, float)) or isinstance(value["value"], bool):
            errors.append(f"{where}.value: a number")
        if value["currency"] not in VOCAB["currencies"]:
            errors.append(f"{where}.currency: one of {sorted(VOCAB['currencies'])}")
        if not isinstance(value["approx"], bool):
            errors.append(f"{where}.approx: true or false")
        return errors
    if kind == "count":
        return _check_count(where, value)
    if kind == "when":
        if not isinstance(value, dict) or set(value) != {"said", "date", "time", "approx"}:
            return [f"{where}: a date is {{said, date, time, approx}}"]
        errors = []
        if not isinstance(value["said"], str) or not value["said"].strip():
            errors.append(f"{where}.said: the story's words")
        if value["date"] is not None and not isinstance(value["date"], dt.date):
            errors.append(f"{where}.date: YYYY-MM-DD or null")
        if value["time"] is not None and not HHMM.match(str(value["time"])):
            errors.append(f"{where}.time: HH:MM or null")
        if not isinstance(value["approx"], bool):
            errors.append(f"{where}.approx: true or false")
        return errors
    if kind == "time_list":
        ok = isinstance(value, list) and value and all(HHMM.match(str(v)) for v in value)
        return [] if ok else [f"{where}: a list of HH:MM times (quote them in YAML)"]
    if kind == "stop":
        if not isinstance(value, dict) or "how" not in value:
            return [f"{where}: {{how, times?, what?}}"]
        errors = [f"{where}: unknown field {k!r}" for k in value if k not in {"how", "times", "what"}]
        if value["how"] not in STOP_HOW:
            errors.append(f"{where}.how: one of {sorted(STOP_HOW)}")
        if "times" in value:
            errors += _check_value(f"{where}.times", "int", set(), value["times"])
        if "what" in value:
            errors += _check_value(f"{where}.what", "enum_list", STOP_WHAT, value["what"])
        return errors
    if kind == "third_party_list":
        if not isinstance(value, list) or not value:
            return [f"{where}: a non-empty list"]
        errors = []
        for i, entry in enumerate(value):
            at = f"{where}[{i}]"
            if not isinstance(entry, dict) or "who" not in entry:
                errors.append(f"{at}: a map with at least who")
                continue
            shapes = {"who": ("enum", VOCAB["fields"]["who"]),
                      "how": ("enum_list", VOCAB["fields"]["how"]), "count": ("count", set()),
                      "people": ("int", set()), "debt_disclosed": ("bool", set()),
                      "told_to_stop": ("bool", set()), "harassed": ("bool", set())}
            for field, item in entry.items():
                if field not in shapes:
                    errors.append(f"{at}: unknown field {field!r}")
                else:
                    errors += _check_value(f"{at}.{field}", *shapes[field], item)
        return errors
    return [f"{where}: the vocabulary names an unknown type {kind!r}"]


def problems(path: Path, data: Any) -> list[str]:
    """Every way the narrative at `path` breaks the corpus rules (empty when it is sound)."""
    if not isinstance(data, dict):
        return ["the file is not a YAML map"]
    errors = [f"missing key {k!r}" for k in sorted(REQUIRED - data.keys())]
    errors += [f"unknown top-level key {k!r}" for k in sorted(data.keys() - REQUIRED - OPTIONAL)]
    folder = path.parent.name
    match = re.fullmatch(r"(\d{3})-[a-z0-9-]+\.yaml", path.name)
    if not match:
        errors.append("file name must be NNN-short-slug.yaml")
    elif data.get("id") != f"{folder}-{match.group(1)}":
        errors.append(f"id {data.get('id')!r} must be {folder}-{match.group(1)}")
    language = data.get("language")
    if language not in LANGUAGES.get(folder, set()):
        errors.append(f"language {language!r} does not belong in {folder}/")
    region = data.get("region")
    if region not in REGIONS_BY_LANGUAGE.get(language, set()):
        errors.append(f"region {region!r} is not allowed with language {language!r}")
    if not isinstance(data.get("source"), str) or not URL.match(data["source"]):
        errors.append("source must be one http(s) URL")
    if data.get("source_kind") not in SOURCE_KINDS:
        errors.append(f"source_kind must be one of {sorted(SOURCE_KINDS)}")
    if data.get("split") not in SPLITS:
        errors.append("split must be dev or holdout")
    for key in ("written", "story_date"):
        if key in data and not isinstance(data[key], dt.date):
            errors.append(f"{key} must be a date YYYY-MM-DD")
    story = data.get("story")
    if not isinstance(story, str):
        errors.append("story must be text")
    else:
        length = len(story.strip())
        if not STORY_MIN <= length <= STORY_MAX:
            errors.append(f"story is {length} characters; keep it {STORY_MIN}–{STORY_MAX}")
        wrong_script = {"zh-Hant": SIMPLIFIED_ONLY, "zh-Hans": TRADITIONAL_ONLY}.get(language)
        if wrong_script and (found := sorted(wrong_script & set(story))):
            errors.append(f"a {language} story contains {''.join(found)}")
    facts = data.get("facts")
    if not isinstance(facts, dict) or not facts:
        errors.append("facts must be a non-empty map")
    else:
        for key, value in facts.items():
            if key not in VOCAB["keys"]:
                errors.append(f"fact key {key!r} is not in VOCABULARY.md")
            else:
                errors += _check_value(f"facts.{key}", *VOCAB["keys"][key], value)
        if region == "us" and "us_state" in facts and language != "en":
            errors.append("us_state only in US stories")
    issues = data.get("issues")
    if not isinstance(issues, list) or len(set(map(str, issues))) != len(issues or []):
        errors.append("issues must be a list without repeats")
    else:
        for issue in issues:
            if issue not in VOCAB["issues"]:
                errors.append(f"issue {issue!r} is not in VOCABULARY.md")
            elif region not in VOCAB["issues"][issue]:
                errors.append(f"issue {issue!r} does not apply in region {region!r}")
    return errors


def _files() -> list[Path]:
    return sorted(CORPUS.glob("*/*.yaml"))


def _load(path: Path) -> Any:
    return yaml.safe_load(path.read_text(encoding="utf-8"))


# --- the tests -------------------------------------------------------------------------------

def test_vocabulary_has_every_part():
    assert {"bool", "enum", "enum_list", "count", "amount", "when"} <= VOCAB["types"]
    assert len(VOCAB["keys"]) >= 40 and {"who", "how"} <= VOCAB["fields"].keys()
    assert "not_my_debt" in VOCAB["issues"]
    assert all(VOCAB["issues"].values()), "every issue names its jurisdictions"


@pytest.mark.parametrize("path", _files(), ids=lambda p: f"{p.parent.name}/{p.name}")
def test_narrative_is_well_formed(path: Path):
    assert problems(path, _load(path)) == []


def test_ids_and_sources_are_unique_and_counts_met():
    loaded = [_load(path) for path in _files()]
    ids = Counter(item["id"] for item in loaded)
    assert [i for i, n in ids.items() if n > 1] == []
    by_language = Counter(item["id"].split("-")[0] for item in loaded)
    assert by_language["zh"] >= MIN_PER_LANGUAGE and by_language["en"] >= MIN_PER_LANGUAGE


@pytest.mark.parametrize("folder", ["zh", "en"])
def test_about_a_fifth_is_held_out(folder: str):
    splits = Counter(_load(p)["split"] for p in sorted((CORPUS / folder).glob("*.yaml")))
    share = splits["holdout"] / sum(splits.values())
    assert HOLDOUT_SHARE[0] <= share <= HOLDOUT_SHARE[1], splits


def _sound() -> tuple[Path, dict[str, Any]]:
    path = CORPUS / "zh" / "001-x.yaml"
    return path, {
        "id": "zh-001", "language": "zh-Hans", "region": "cn", "source": "https://example.org/a",
        "source_kind": "news", "written": dt.date(2026, 12, 3), "split": "dev",
        "story": "他们一天打二十多个电话给我，还打给我妈。" * 10,
        "facts": {"calls_to_me": {"per_day": 21, "at_least": True},
                  "third_parties": [{"who": "parent", "how": ["call"], "harassed": True}]},
        "issues": ["harassment_frequency", "third_party_harassment"],
    }


BROKEN = [
    ("no source", lambda d: d.pop("source")),
    ("source not a URL", lambda d: d.update(source="黑猫投诉 2024")),
    ("unknown language", lambda d: d.update(language="zh-CN")),
    ("region not for language", lambda d: d.update(region="us")),
    ("unknown fact key", lambda d: d["facts"].update(call_count=3)),
    ("bad enum", lambda d: d["facts"].update(caller="collector")),
    ("count without a number", lambda d: d["facts"].update(calls_to_me={"at_least": True})),
    ("unknown issue", lambda d: d["issues"].append("harassment")),
    ("issue of another jurisdiction", lambda d: d["issues"].append("fdcpa_cease_ignored")),
    ("story too short", lambda d: d.update(story="他们骂我。")),
    ("story too long", lambda d: d.update(story="骂" * 1501)),
    ("wrong script", lambda d: d.update(language="zh-Hant")),
    ("id not matching file", lambda d: d.update(id="zh-002")),
    ("third party without who", lambda d: d["facts"].update(third_parties=[{"how": ["call"]}])),
    ("bad amount", lambda d: d["facts"].update(amount={"value": "八千", "currency": "RMB"})),
    ("bad split", lambda d: d.update(split="test")),
]


def test_a_sound_narrative_passes():
    path, data = _sound()
    assert problems(path, data) == []


@pytest.mark.parametrize("label,breakage", BROKEN, ids=[b[0] for b in BROKEN])
def test_a_broken_narrative_is_refused(label: str, breakage):
    path, data = _sound()
    breakage(data)
    assert problems(path, data), f"{label} was not caught"


# --- issues must rest on facts -----------------------------------------------------------------
# Each issue id names the facts a careful lawyer needs before listing it. This keeps the fact
# sheets and the issue lists consistent, so a pack that draws the facts right can reach the
# findings, and no finding is expected that the facts do not carry.

def _threat(facts: dict, *kinds: str) -> bool:
    return bool(set(facts.get("threats", [])) & set(kinds))


def _third(facts: dict, field: str) -> bool:
    return any(entry.get(field) for entry in facts.get("third_parties", []))


def _contacted(facts: dict) -> bool:
    return any(k in facts for k in ("calls_to_me", "messages_to_me", "sms_bombing", "many_numbers",
                                    "robocalls", "silent_calls", "contact_after_stop"))


def _frequent(facts: dict) -> bool:
    return _contacted(facts) or any("count" in e for e in facts.get("third_parties", []))


def _third_party_narrator(facts: dict) -> bool:
    """The person the story is about is not the borrower (on_behalf stories speak for them)."""
    return facts.get("debt_owner") == "someone_else"


def _collector(facts: dict) -> bool:
    return facts.get("caller") != "lender" and facts.get("debt_kind") != "business"


def _night(facts: dict, start: int, end: int) -> bool:
    if facts.get("night_contact") is not True:
        return False
    times = facts.get("contact_times")
    if not times:
        return True
    return any(int(t[:2]) >= start or int(t[:2]) < end for t in times)


REQUIRES = {
    "not_my_debt": lambda f: f.get("debt_owner") == "not_mine",
    "identity_theft": lambda f: f.get("debt_status") == "identity_theft",
    "already_paid": lambda f: f.get("debt_status") == "paid",
    "wrong_amount": lambda f: f.get("debt_status") in {"amount_disputed", "paid"},
    "creditor_not_collector": lambda f: f.get("caller") == "lender",
    "business_debt_out_of_scope": lambda f: f.get("debt_kind") == "business",
    "exempt_benefits": lambda f: "exempt_income" in f,
    "state_law_violation": lambda f: "us_state" in f,
    "third_party_rights": _third_party_narrator,
    "public_shaming": lambda f: "public_shaming" in f,
    "contact_list_blast": lambda f: any(e.get("who") == "contact_list"
                                        for e in f.get("third_parties", []))
    or _threat(f, "blast_contacts"),
    "threat_of_violence": lambda f: _threat(f, "violence", "harm_family", "property_damage")
    or f.get("violence_used") is True,
    "threat_unspecified": lambda f: _threat(f, "unspecified"),
    "threat_to_expose": lambda f: _threat(f, "tell_family", "tell_employer", "expose_publicly",
                                          "blast_contacts"),
    "threat_of_arrest": lambda f: _threat(f, "arrest"),
    "insult": lambda f: f.get("insults") is True or f.get("obscene_language") is True,
    "defamation": lambda f: _third(f, "debt_disclosed") or "public_shaming" in f,
    "harassment_frequency": _frequent,
    "night_contact": lambda f: _night(f, 22, 8),
    "third_party_disclosure": lambda f: _third(f, "debt_disclosed") or _third_party_narrator(f),
    "third_party_harassment": lambda f: _third(f, "harassed")
    or (_third_party_narrator(f) and _contacted(f)),
    "impersonating_officials": lambda f: bool(set(f.get("claimed_role", []))
                                              & {"police", "court", "government"}),
    "impersonating_lawyer": lambda f: "lawyer" in f.get("claimed_role", []),
    "fake_legal_documents": lambda f: f.get("fake_legal_documents") is True,
    "home_or_work_visit": lambda f: "visited" in f or _threat(f, "visit_home", "visit_work"),
    "personal_info_misuse": lambda f: "data_exposed" in f or "third_parties" in f
    or "public_shaming" in f or _third_party_narrator(f),
    "illegal_interest": lambda f: f.get("excessive_interest") is True,
    "upfront_deduction": lambda f: f.get("deducted_upfront") is True,
    "extra_fees": lambda f: f.get("demanded_extra_fees") is True,
    "pressure_to_borrow": lambda f: f.get("pressure_to_borrow") is True,
    "payment_to_personal_account": lambda f: f.get("demanded_personal_account") is True,
    "fdcpa_harassment_frequency": lambda f: _collector(f) and _frequent(f),
    "fdcpa_inconvenient_time": lambda f: _collector(f) and (
        _night(f, 21, 8) or "hours" in f.get("told_to_stop", {}).get("what", [])),
    "fdcpa_workplace_contact": lambda f: _collector(f) and f.get("contact_at_work") is True
    and "work" in f.get("told_to_stop", {}).get("what", []),
    "fdcpa_third_party_contact": lambda f: _collector(f) and (
        "third_parties" in f or f.get("debt_owner") in {"someone_else", "not_mine"}),
    "fdcpa_third_party_disclosure": lambda f: _collector(f) and _third(f, "debt_disclosed"),
    "fdcpa_false_threat_arrest": lambda f: _collector(f) and _threat(f, "arrest"),
    "fdcpa_false_threat_suit": lambda f: _collector(f) and _threat(f, "lawsuit"),
    "fdcpa_garnishment_threat": lambda f: _collector(f) and _threat(f, "garnishment",
                                                                    "bank_levy",
                                                                    "seize_property"),
    "fdcpa_credit_reporting_threat": lambda f: _collector(f) and (
        _threat(f, "credit_report") or f.get("credit_reported") is True),
    "fdcpa_threat_to_tell_others": lambda f: _collector(f) and _threat(
        f, "tell_family", "tell_employer", "expose_publicly", "blast_contacts"),
    "fdcpa_abusive_language": lambda f: _collector(f) and (
        f.get("insults") is True or f.get("obscene_language") is True
        or _threat(f, "violence", "harm_family", "property_damage")),
    "fdcpa_impersonation": lambda f: _collector(f) and "claimed_role" in f,
    "fdcpa_identity_not_disclosed": _collector,
    "fdcpa_attorney_represented": lambda f: _collector(f) and f.get("has_lawyer") is True,
    "fdcpa_validation": lambda f: _collector(f) and (
        f.get("validation_notice") == "not_received" or f.get("proof_requested") is True),
    "fdcpa_continued_after_dispute": lambda f: _collector(f)
    and f.get("disputed_in_writing") is True,
    "fdcpa_cease_ignored": lambda f: _collector(f) and f.get("contact_after_stop") is True,
    "fdcpa_time_barred": lambda f: _collector(f) and (f.get("already_sued") is True
                                                      or _threat(f, "lawsuit")),
}


def test_every_issue_id_has_a_fact_rule():
    assert sorted(set(VOCAB["issues"]) - set(REQUIRES)) == []


@pytest.mark.parametrize("path", _files(), ids=lambda p: f"{p.parent.name}/{p.name}")
def test_issues_rest_on_the_facts(path: Path):
    data = _load(path)
    unsupported = [i for i in data["issues"] if i in REQUIRES and not REQUIRES[i](data["facts"])]
    assert unsupported == [], f"issues without the facts they need: {unsupported}"


def test_an_issue_without_its_facts_is_caught():
    _, data = _sound()
    assert all(REQUIRES[i](data["facts"]) for i in data["issues"])
    assert not REQUIRES["public_shaming"](data["facts"])
    assert not REQUIRES["fdcpa_cease_ignored"]({"caller": "lender", "contact_after_stop": True})
