"""Draft the ``expect: {us: …}`` block of an English narrative from its neutral fact sheet.

The narratives' ``facts`` and ``issues`` (tests/narratives/VOCABULARY.md) say what happened and
what a lawyer would see, in words no pack uses. This maps them onto the ``us`` pack: which
answers the story itself should give (``story_answers``), what the person would answer if asked
(``answers``), and which of the pack's findings the issues stand for (``findings``), deciding
first whom the federal law covers (a collector and a personal debt: the plain finding; not
sure who called or what debt: its ``_if`` twin; the lender or a business debt: none).

The drafted blocks were reviewed by hand before they were committed; the same mapping lets a
narrative set that has only facts and issues (a hidden one) be played through the pack.

Run: .venv/bin/python bench/us_expect.py [--write] FILE...   (prints the blocks; --write
writes them into the files, replacing an earlier block)
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

import yaml

CALLER = {"agency": "collector", "law_firm": "law_firm", "lender": "creditor"}
CONSUMER_KINDS = {"medical", "payday", "utility", "credit_card", "auto", "student_loan",
                  "landlord"}
THREAT_SAID = {"violence": "violence", "harm_family": "violence", "property_damage": "violence",
               "arrest": "arrest", "lawsuit": "sue", "garnishment": "garnish",
               "bank_levy": "garnish", "seize_property": "garnish",
               "credit_report": "credit_report", "tell_family": "tell_others",
               "tell_employer": "tell_others", "expose_publicly": "tell_others",
               "blast_contacts": "tell_others"}
WHO = {"parent": "parent", "spouse": "spouse", "ex_spouse": "ex_spouse", "child": "child_sibling",
       "sibling": "child_sibling", "relative": "other_relative", "employer": "employer",
       "colleague": "coworker", "friend": "friend", "classmate": "friend", "neighbour": "neighbor",
       "landlord": "neighbor", "stranger": "stranger", "contact_list": "friend",
       "emergency_contact": "other_relative"}
HOW = {"call": "call", "voicemail": "voicemail", "sms": "text", "wechat": "text",
       "app_message": "text", "email": "email", "social_media": "social", "letter": "letter",
       "visit": "visit"}
STATE_RULE = {"CA": "ca_rosenthal", "TX": "tx_dca", "FL": "fl_ccpa", "NY": "ny_gbl",
              "NC": "nc_dca", "MA": "ma_creditor_rules", "WA": "wa_call_limit"}
# Where the story states something its fact sheet leaves out (the sheets keep the legal minimum),
# the story's words are added here, each with the words that say it.
STORY_ALSO: dict[str, dict[str, Any]] = {
    "en-008": {"contacts_today": 5},      # "One day last week it was 5 calls to me in one day"
    "en-032": {"notice": "no"},           # "I've never gotten anything in writing"
    "en-040": {"contacts_week": 48},      # "48 from another company in about a week in March"
}
ORDER = ["said", "did", "contacts_week", "calls_per_day", "contacts_today", "stop_request",
         "called_after_stop", "contacted_after_stop", "others_who", "others_how",
         "others_told_debt", "caller_type", "purpose", "debt_mine", "notice",
         "first_contact_over_5_days", "judgment", "debt_kind", "benefits", "contact_time",
         "amount"]


def _count(raw: dict[str, Any]) -> Any:
    return {"at_least": raw["n"]} if raw.get("at_least") else raw["n"]


def _calls(facts: dict[str, Any], story: dict[str, Any], answers: dict[str, Any]) -> None:
    calls = facts.get("calls_to_me") or {}
    if calls.get("per_day") is not None:
        story["calls_per_day"] = _count({"n": calls["per_day"], "at_least": calls.get("at_least")})
    elif calls.get("per_week") is not None:
        story["contacts_week"] = _count({"n": calls["per_week"],
                                         "at_least": calls.get("at_least")})
    elif calls.get("total") is not None and calls.get("over_days") == 1:
        story["contacts_today"] = _count({"n": calls["total"], "at_least": calls.get("at_least")})
    elif calls.get("uncounted"):
        story["contacts_today"] = {"at_least": 10}
    elif calls.get("total") is not None and calls.get("over_days"):
        weekly = calls["total"] * 7 // calls["over_days"]
        answers["contacts_week"] = weekly  # what someone who kept the log would answer
    elif calls.get("total", 0) >= 100:
        answers["contacts_week"] = {"at_least": 10}  # "hundreds" with no period: too many


def draft(data: dict[str, Any]) -> dict[str, Any]:
    facts, issues = data["facts"], data["issues"]
    story: dict[str, Any] = {}
    answers: dict[str, Any] = {}
    if facts.get("us_state"):
        answers["state"] = facts["us_state"].lower()
    caller = CALLER.get(facts.get("caller", ""))
    if caller:
        story["caller_type"] = caller
    elif facts.get("caller") == "unknown":
        answers["caller_type"] = "unknown"
    if facts.get("debt_kind") in ("consumer", "business"):
        story["purpose"] = "personal" if facts["debt_kind"] == "consumer" else "business"
    elif facts.get("lender_kind") in CONSUMER_KINDS:
        story["purpose"] = "personal"
    else:
        answers["purpose"] = "personal"
    owner, status = facts.get("debt_owner"), facts.get("debt_status")
    mine = None
    if status == "identity_theft":
        mine = "identity_theft"
    elif owner == "not_mine":
        mine = "not_mine"
    elif owner == "someone_else":
        mine = "spouse_debt" if facts.get("debtor_relation") == "spouse" else "someone_else"
    elif status == "paid":
        mine = "paid"
    elif status == "amount_disputed":
        mine = "wrong_amount"
    if mine == "not_mine" and "fdcpa_third_party_contact" in issues and not [
            t for t in facts.get("third_parties", []) if t["who"] != "debtor"]:
        mine = "someone_else"  # called as a third party: the wrong person ("a guy with my name")
    if mine:
        story["debt_mine"] = mine
    elif status in ("owed", "current"):
        story["debt_mine"] = "mine"
    elif owner == "me":
        answers["debt_mine"] = "mine"
    said = sorted({THREAT_SAID[t] for t in facts.get("threats", []) if t in THREAT_SAID})
    if facts.get("insults") or facts.get("obscene_language"):
        said.append("obscene")
    if facts.get("claimed_role"):
        said.append("posed_official")
    did = []
    third = [t for t in facts.get("third_parties", []) if t["who"] != "debtor"]
    if third:
        did.append("contacted_others")
    if facts.get("night_contact"):
        did.append("night")
    stop = facts.get("told_to_stop") or {}
    if facts.get("contact_at_work") and "work" in (stop.get("what") or []):
        did.append("at_work")  # told not to call at work
    if "fdcpa_identity_not_disclosed" in issues:
        did.append("anonymous")
    if facts.get("visited"):
        did.append("visited")
    if facts.get("public_shaming"):
        did.append("posted")
    if facts.get("fake_legal_documents"):
        did.append("fake_docs")
    if facts.get("demanded_personal_account"):
        did.append("wire_gift")
    if facts.get("sms_bombing"):
        did.append("texts")
    if facts.get("has_lawyer"):
        did.append("has_lawyer")
    if "fdcpa_continued_after_dispute" in issues or (
            facts.get("proof_requested") and facts.get("proof_provided") is False
            and "fdcpa_validation" in issues):
        did.append("ignored_dispute")
    if facts.get("exempt_income") and facts.get("judgment"):
        did.append("took_money")
    order = ["contacted_others", "night", "at_work", "anonymous", "visited", "posted",
             "fake_docs", "wire_gift", "texts", "has_lawyer", "ignored_dispute", "took_money"]
    said_order = ["violence", "arrest", "sue", "garnish", "credit_report", "obscene",
                  "posed_official", "tell_others"]
    if said:
        story["said"] = [o for o in said_order if o in said]
    answers["said"] = story.get("said", ["none"])
    if did:
        story["did"] = [o for o in order if o in did]
    answers["did"] = story.get("did", ["none"])
    _calls(facts, story, answers)
    if stop and set(stop.get("what") or ["calls"]) == {"work"}:
        stop = {}  # "not at work" restricts a place (did: at_work), it is no "stop calling"
    if stop:
        how = stop.get("how")
        story["stop_request"] = {"oral": ["spoken"], "written": ["written"],
                                 "both": ["spoken", "written"]}[how]
        if facts.get("contact_after_stop"):
            if how in ("oral", "both"):
                story["called_after_stop"] = "yes"
            if how in ("written", "both"):
                story["contacted_after_stop"] = "yes"
    else:
        answers["stop_request"] = ["none"]
    if third:
        story["others_who"] = {WHO[t["who"]]: None for t in third if t["who"] in WHO}
        how = sorted({HOW[h] for t in third for h in t.get("how", []) if h in HOW})
        if how:
            story["others_how"] = how
        if any(t.get("debt_disclosed") for t in third):
            story["others_told_debt"] = "yes"
    notice = facts.get("validation_notice")
    if notice in ("received", "not_received"):
        story["notice"] = "yes" if notice == "received" else "no"
        if notice == "not_received":
            answers["first_contact_over_5_days"] = "yes"
    if "garnishment" in facts.get("threats", []) or did.count("took_money"):
        answers["judgment"] = "yes" if facts.get("judgment") else "no"
        answers["debt_kind"] = "other_debt"
        answers["benefits"] = "yes" if facts.get("exempt_income") else "no"
    last = facts.get("last_contact") or facts.get("first_contact") or {}  # the dated contact
    if last.get("date"):
        story["contact_time"] = str(last["date"]) + (f"T{last['time']}:00" if last.get("time")
                                                     else "")
    amount = facts.get("amount")
    if amount and amount.get("currency") == "USD":
        story["amount"] = {"amount": amount["value"], "currency": "USD"}
    story.update(STORY_ALSO.get(str(data.get("id")), {}))
    known = {**answers, **story}
    return {"story_answers": {k: story[k] for k in ORDER if k in story},
            "answers": {k: v for k, v in answers.items() if k not in story},
            "findings": findings(data, known)}


def findings(data: dict[str, Any], known: dict[str, Any]) -> list[str]:
    """The pack's findings for the narrative's issues, once scope is decided."""
    facts, issues = data["facts"], data["issues"]
    caller, purpose = known.get("caller_type"), known.get("purpose")
    if caller == "creditor" or purpose == "business":
        tail = None
    elif caller in ("collector", "law_firm") and purpose == "personal":
        tail = ""
    else:
        tail = "_if"
    said = set(known.get("said", []))
    out: list[str] = []

    def fed(rule: str) -> None:
        if tail is not None:
            out.append(rule + tail)

    for issue in issues:
        if issue == "fdcpa_harassment_frequency":
            fed("call_frequency")
        elif issue == "fdcpa_inconvenient_time":
            fed("night_contact")
        elif issue == "fdcpa_workplace_contact":
            fed("work_calls")
        elif issue == "fdcpa_third_party_contact":
            fed("wrong_person" if known.get("debt_mine") == "someone_else"
                else "third_party_contact")
        elif issue == "fdcpa_third_party_disclosure":
            fed("debt_disclosed")
        elif issue == "fdcpa_false_threat_arrest":
            fed("arrest_threat")
        elif issue in ("fdcpa_garnishment_threat", "fdcpa_false_threat_suit") and \
                "garnish" in said:
            fed("garnish_threat")
        elif issue == "fdcpa_credit_reporting_threat":
            if "credit_report" in said:
                fed("credit_threat")
            elif facts.get("credit_reported"):
                out.append("dispute_credit_report")
        elif issue in ("fdcpa_time_barred",):
            fed("time_barred_threat")
        elif issue == "fdcpa_threat_to_tell_others":
            fed("tell_others_threat")
        elif issue == "fdcpa_abusive_language":
            fed("obscene_language" if "obscene" in said else "violence_threat")
        elif issue == "fdcpa_impersonation":
            fed("posed_as_official")
        elif issue == "fdcpa_identity_not_disclosed":
            fed("no_identity")
        elif issue == "fdcpa_attorney_represented":
            fed("attorney_bypass")
        elif issue == "fdcpa_validation":
            if known.get("notice") == "no":
                fed("no_validation_notice")
            elif "ignored_dispute" in known.get("did", []):
                fed("continued_after_dispute")
        elif issue == "fdcpa_continued_after_dispute":
            fed("continued_after_dispute")
        elif issue == "fdcpa_cease_ignored":
            if "spoken" in known.get("stop_request", []):
                fed("calls_after_stop")
            if "written" in known.get("stop_request", []):
                fed("cease_ignored")
        elif issue == "identity_theft":
            out.append("identity_theft")
        elif issue in ("already_paid", "wrong_amount"):
            mine = known.get("debt_mine")
            if mine in ("paid", "wrong_amount"):
                fed("paid_debt" if mine == "paid" else "wrong_amount")
        elif issue == "not_my_debt":
            mine = known.get("debt_mine")
            if mine == "not_mine":
                fed("not_my_debt")
            elif mine == "identity_theft":
                out.append("identity_theft")
            elif mine == "someone_else":
                fed("wrong_person")
        elif issue == "creditor_not_collector":
            out.append("creditor_caller")
        elif issue == "business_debt_out_of_scope":
            out.append("business_debt")
        elif issue == "exempt_benefits":
            out.append("benefits_protected")
        elif issue == "state_law_violation":
            rule = STATE_RULE.get(str(facts.get("us_state")))
            if rule:
                out.append(rule)
    return list(dict.fromkeys(out))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("files", nargs="+", type=Path)
    parser.add_argument("--write", action="store_true")
    args = parser.parse_args()
    for path in args.files:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        if data.get("region") != "us":
            continue
        block = yaml.safe_dump({"expect": {"us": draft(data)}}, sort_keys=False,
                               default_flow_style=None, width=100, allow_unicode=True)
        if args.write:
            text = path.read_text(encoding="utf-8")
            text = text[:text.index("\nexpect:\n") + 1] if "\nexpect:\n" in text else text
            text = text.rstrip("\n") + "\n" + block
            path.write_text(text, encoding="utf-8")
        sys.stdout.write(f"# {path.name}\n{block}")


if __name__ == "__main__":
    main()
