"""Write the ``expect: {cn: …}`` (and ``{elsewhere: …}``) blocks of the narratives from their
neutral fact sheets, by one fixed mapping (below), so that what the packs are measured against
is decided by the narrative's facts and issues, never by what the spotter happens to find.

Run: .venv/bin/python bench/expect_cn.py [--check]   (--check: fail if a block is stale)

The mapping, fact sheet → the cn pack's questions (tests/narratives/VOCABULARY.md):
- ``story_answers`` (what the story itself says, so the spotter should draw it): said, did,
  pressure options; the people contacted (tally ``others``) with their counts; calls to the
  person in a day; the last contact's date (and hour); the lender's name and kind; the amount;
  money taken off at payout; whether others were told of the debt.
- ``answers`` (what the person would answer if asked): who they are to the debt (asked before
  the story), whether a relative is the borrower's spouse, the yearly rate when the story says
  the interest was far too high.
- ``findings``: each issue id of the narrative mapped to the rule(s) of the pack that answer it
  (a public-order rule in its version for the contact's date; unknown date: ``_no_date``).
  Issues no rule of the pack answers (``defamation``, ``extra_fees``) are left out and listed in
  the README.
"""

from __future__ import annotations

import argparse
import datetime as dt
import re
import sys
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parent.parent
NARRATIVES = ROOT / "tests" / "narratives"

FAMILY = {"parent", "spouse", "ex_spouse", "child", "sibling", "relative"}
WHO = {**{w: "family" for w in FAMILY}, "employer": "employer", "colleague": "colleagues",
       "friend": "friends", "classmate": "friends", "neighbour": "neighbours",
       "landlord": "neighbours", "contact_list": "contacts", "emergency_contact": "contacts",
       "stranger": "strangers"}
RELATIVES = {"child", "parent", "spouse", "ex_spouse", "sibling", "relative"}
LENDER_KIND = {"bank": "bank", "credit_card": "bank", "consumer_finance": "cfc",
               "small_loan": "small_loan", "private": "private", "app_unknown": "app_unknown"}


def count_value(count: dict[str, Any] | None) -> Any:
    """A count fact as the number question stores it (a lower bound where the words say so)."""
    if not count:
        return None
    if count.get("uncounted"):
        return {"at_least": 10}
    number = count.get("per_day")
    if number is None and count.get("total") is not None and count.get("over_days") == 1:
        number = count["total"]
    if number is None:
        return None
    return {"at_least": number} if count.get("at_least") else number


def tally_count(count: dict[str, Any] | None) -> Any:
    if not count:
        return None
    if count.get("uncounted"):
        return {"at_least": 10}
    number = count.get("total") if count.get("total") is not None else count.get("per_day")
    if number is None:
        return None
    return {"at_least": number} if count.get("at_least") else number


def relation(facts: dict[str, Any]) -> str:
    owner = facts.get("debt_owner")
    if owner == "not_mine":
        return "unrecognised"
    if owner == "someone_else":
        debtor = facts.get("debtor_relation")
        if debtor in RELATIVES:
            return "relative"
        if debtor in ("colleague", "employer", "employee", "friend", "classmate"):
            return "acquaintance"
        return "stranger"
    return "borrower"


def at_night(facts: dict[str, Any]) -> bool:
    """cn: 22:00–08:00. A story's clock times decide; without any, its words ("半夜") do."""
    times = facts.get("contact_times") or []
    if times:
        return any(int(t[:2]) >= 22 or int(t[:2]) < 8 for t in times)
    return bool(facts.get("night_contact"))


def said(facts: dict[str, Any]) -> list[str]:
    threats = set(facts.get("threats") or [])
    roles = set(facts.get("claimed_role") or [])
    out = []
    if threats & {"violence", "harm_family", "property_damage"}:
        out.append("violence")
    if "unspecified" in threats:
        out.append("threat_vague")
    if threats & {"visit_home", "visit_work"}:
        out.append("threat_visit")
    if threats & {"tell_family", "tell_employer", "blast_contacts", "expose_publicly"}:
        out.append("threat_disclose")
    if "arrest" in threats:
        out.append("jail")
    if facts.get("insults") or facts.get("obscene_language"):
        out.append("insults")
    if roles & {"police", "court", "government"}:
        out.append("claimed_police")
    if "lawyer" in roles:
        out.append("claimed_lawyer")
    return out


def did(facts: dict[str, Any]) -> list[str]:
    shaming = set(facts.get("public_shaming") or [])
    exposed = set(facts.get("data_exposed") or [])
    out = []
    if facts.get("visited"):
        out.append("visited")
    if shaming & {"posted", "group_chat", "posters"}:
        out.append("posted")
    if "doctored_photos" in shaming or "photo" in exposed:
        out.append("photo")
    if "address" in exposed:
        out.append("address")
    if "location" in exposed:
        out.append("whereabouts")
    if facts.get("fake_legal_documents"):
        out.append("fake_docs")
    return out


def pressure(facts: dict[str, Any]) -> list[str]:
    out = []
    if facts.get("demanded_personal_account"):
        out.append("personal_account")
    if facts.get("pressure_to_borrow"):
        out.append("borrow")
    if at_night(facts):
        out.append("night")
    if facts.get("sms_bombing"):
        out.append("sms_flood")
    if facts.get("silent_calls"):
        out.append("silent_calls")
    return out


def others(facts: dict[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for party in facts.get("third_parties") or []:
        option = WHO.get(party.get("who"))
        if option is None:
            continue
        count = tally_count(party.get("count"))
        if option in out and out[option] is not None and count is None:
            continue
        out[option] = count
    return out


def last_contact(facts: dict[str, Any], now: dt.datetime) -> str | None:
    """The last contact's day (and hour); words without a resolved date ("昨天晚上", in a story
    with no ``story_date``) are read against the clock the narrative is played at."""
    when = facts.get("last_contact") or {}
    if not when.get("date"):
        return _read(str(when.get("said") or ""), now)
    if when.get("time"):
        return f"{when['date']}T{when['time']}:00+08:00"
    return str(when["date"])


def _read(words: str, now: dt.datetime) -> str | None:
    from flows.schema import Node
    from flows.answers import Invalid, parse_answer

    if not words:
        return None
    node = Node.model_validate({"kind": "datetime", "text": {"en": "When?"}, "help": {"en": "-"},
                                "reprompt": {"en": "-"}, "next": "x"})
    value = parse_answer(node, {}, words, now)
    return None if isinstance(value, Invalid) else str(value)


def date_suffix(moment: str | None) -> str:
    if moment is None:
        return "_no_date"
    return "" if moment[:10] >= "2026-01-01" else "_pre2026"


def findings(facts: dict[str, Any], issues: list[str], who: str, moment: str | None,
             story: dict[str, Any]) -> list[str]:
    debtor_side = who in ("borrower", "unrecognised")
    suffix = date_suffix(moment)
    ticks = set(story.get("said", [])) | set(story.get("did", [])) | set(
        story.get("pressure", []))
    out: list[str] = []
    for issue in issues:
        if issue == "threat_of_violence":
            out.append("violence_threat" + suffix)
        elif issue == "threat_unspecified":
            out.append("vague_threat")
        elif issue == "threat_to_expose" and debtor_side:
            out.append("disclosure_threat")
        elif issue == "threat_of_arrest":
            out.append("jail_threat")
        elif issue == "insult":
            out.append("insults" + suffix)
        elif issue == "harassment_frequency":
            if "sms_flood" in ticks:
                out.append("sms_bombing" + suffix)
            if "silent_calls" in ticks:
                out.append("silent_calls")
            if not ticks & {"sms_flood", "silent_calls"} or _counted(facts):
                out.append("harassment_frequency" + suffix)
        elif issue == "night_contact":
            out.append("night_contact")
        elif issue in ("third_party_disclosure",) and debtor_side:
            out.append("debt_disclosed")
        elif issue in ("third_party_harassment", "contact_list_blast") and debtor_side:
            out.append("third_party_contact")
        elif issue == "public_shaming":
            out.append("photo_misuse" if "photo" in ticks and "posted" not in ticks
                       else "posted_publicly")
        elif issue == "impersonating_officials":
            out.append("impersonation")
        elif issue == "impersonating_lawyer":
            out.append("lawyer_claim")
        elif issue == "fake_legal_documents":
            out.append("fake_documents")
        elif issue == "home_or_work_visit":
            out.append("home_visit" if "visited" in ticks else "visit_threat")
        elif issue == "personal_info_misuse":
            exposed = set(facts.get("data_exposed") or [])
            if "photo" in exposed or "doctored_photos" in set(facts.get("public_shaming") or []):
                out.append("photo_misuse")
            if "address" in exposed:
                out.append("address_disclosed")
            if "location" in exposed:
                out.append("whereabouts_disclosed")
            if debtor_side and (story.get("others") or not out):
                out.append("third_party_contact")
        elif issue == "illegal_interest" and who == "borrower":
            kind = story.get("lender_kind")
            out.append("rate_licensed_high" if kind in ("cfc", "small_loan")
                       else "rate_above_private_cap")
        elif issue == "upfront_deduction" and who == "borrower":
            out.append("upfront_deduction")
        elif issue == "pressure_to_borrow" and who in ("borrower",):
            out.append("borrow_to_repay")
        elif issue == "payment_to_personal_account":
            out.append("personal_account")
        elif issue == "not_my_debt":
            out.append("unrecognised_debt")
        elif issue == "third_party_rights":
            out.append("spouse_joint_debt" if facts.get("debtor_relation") == "spouse"
                       else "not_borrower")
    return list(dict.fromkeys(out))


def _counted(facts: dict[str, Any]) -> bool:
    for key in ("calls_to_me", "messages_to_me"):
        value = count_value(facts.get(key))
        number = value["at_least"] if isinstance(value, dict) else value
        if number is not None and number > 6:
            return True
    return False


def cn_expect(narrative: dict[str, Any]) -> dict[str, Any]:
    facts = narrative.get("facts") or {}
    who = relation(facts)
    story: dict[str, Any] = {}
    for node, value in (("said", said(facts)), ("did", did(facts)),
                        ("pressure", pressure(facts))):
        if value:
            story[node] = value
    people = others(facts)
    if people:
        story["others"] = people
    calls = count_value(facts.get("calls_to_me")) or count_value(facts.get("messages_to_me"))
    if calls is not None:
        story["contacts_today"] = calls
    moment = last_contact(facts, _clock(narrative))
    if moment:
        story["contact_time"] = moment
    if facts.get("lender_name"):
        story["lender_name"] = facts["lender_name"]
    kind = LENDER_KIND.get(facts.get("lender_kind", ""))
    if kind and who == "borrower":
        story["lender_kind"] = kind
    amount = facts.get("amount")
    if amount and not amount.get("approx") and who == "borrower":
        story["amount"] = {"amount": amount["value"], "currency": amount["currency"]}
    if facts.get("deducted_upfront") and who == "borrower":
        story["upfront_fee"] = "yes"
    if any(p.get("debt_disclosed") for p in facts.get("third_parties") or []) and people:
        story["others_told_debt"] = "yes"
    answers: dict[str, Any] = {"relation": who}
    if who == "relative":
        answers["spouse"] = "yes" if facts.get("debtor_relation") == "spouse" else "no"
    if facts.get("excessive_interest") and who == "borrower":
        answers["rate"] = "above36"
    block = {"story_answers": story, "answers": answers,
             "findings": findings(facts, list(narrative.get("issues") or []), who, moment,
                                  story)}
    return block


def _clock(narrative: dict[str, Any]) -> dt.datetime:
    import zoneinfo

    raw = now_of(narrative)
    if raw:
        return dt.datetime.fromisoformat(raw)
    from flows.convtests import DEFAULT_NOW

    return DEFAULT_NOW.replace(tzinfo=zoneinfo.ZoneInfo("Asia/Shanghai"))


def now_of(narrative: dict[str, Any]) -> str | None:
    day = narrative.get("story_date")
    if not day:
        return None
    return f"{day}T21:00:00+08:00" if isinstance(day, (str, dt.date)) else None


def render(block: dict[str, Any]) -> str:
    return yaml.safe_dump(block, allow_unicode=True, sort_keys=False, default_flow_style=None,
                          width=100)


def update(path: Path, check: bool) -> bool:
    text = path.read_text(encoding="utf-8")
    body = re.split(r"\n# expect: written by bench/expect_cn.py.*", text, flags=re.S)[0]
    narrative = yaml.safe_load(body)
    if narrative.get("region") != "cn":
        return False
    block = {"expect": {"cn": cn_expect(narrative)}}
    now = now_of(narrative)
    if now and "now" not in narrative:
        block["now"] = now
    rendered = "# expect: written by bench/expect_cn.py from the facts and issues above\n" + \
        render(block)
    new = body.rstrip("\n") + "\n" + rendered
    if new == text:
        return False
    if not check:
        path.write_text(new, encoding="utf-8")
    return True


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true")
    args = parser.parse_args()
    stale = [p for p in sorted(NARRATIVES.rglob("*.yaml")) if update(p, args.check)]
    for path in stale:
        print(("stale: " if args.check else "wrote: ") + str(path.relative_to(ROOT)))
    if args.check and stale:
        sys.exit(1)


if __name__ == "__main__":
    main()
