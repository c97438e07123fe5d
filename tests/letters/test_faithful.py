"""Letters say what the person said — no more, no less — to the party the answers point at.

Each case is an answer set from a real kind of case (the narrative it follows is named), stored
as the bot stores it (the interview's facts and its incidents), rendered through the shipped
packs and templates. A lawyer reading the letter must find: no blank for something the person
answered, no assertion she did not make (a notice she never got), counts that match what she
counted, the letter addressed to the right party by a clean name, and no law cited against a
party it does not cover. Blanks are allowed only where the bot never asks (e.g. the date she
paid), listed per letter in ALLOWED_BLANKS.
"""

from __future__ import annotations

import datetime as dt
import json
from functools import cache
from typing import Any

import pytest

from bot.letters import build_context, letter_text, preview_text
from bot.letters.layout import SIGNATURE_LINE
from flows import Pack, load_pack
from flows.letters import BLANK
from storage import IncidentRow
from tests.conftest import ROOT
from tests.letters.conftest import TEMPLATES

TODAY = dt.date(2026, 11, 28)
ALLOWED_BLANKS = {  # letter -> words of the only lines that may keep a blank (never asked)
    "paid_dispute": ("I paid", "proof of payment ("),
    "restrict_contact": ("only between",),
    "lender_complaint": ("今后请通过以下方式联系我",),
}


@cache
def shipped(pack_id: str) -> Pack:
    return load_pack(ROOT / "flows" / "packs" / pack_id, TEMPLATES)


def incidents(pack: Pack, facts: dict[str, Any], moments: list[str],
              story: str | None = None) -> list[IncidentRow]:
    """One stored incident per moment, each with these facts, as the service stores them."""
    mapping = pack.data.incident
    rows = []
    for number, moment in enumerate(moments, start=1):
        stored = {**facts, mapping["occurred_at"]: moment}
        value = {field: stored.get(fact) for field, fact in mapping.items()}
        rows.append(IncidentRow(
            id=number, user_id=1, created_at=f"2026-11-28T00:00:{number:02d}.000000+00:00",
            findings=(), occurred_at=moment, caller_number=value["caller_number"],
            lender=value["lender"], agency=value.get("agency"), channel=value["channel"],
            facts_json=json.dumps(stored, ensure_ascii=False), description=story,
            pack_id=pack.id, pack_version=pack.version))
    return rows


US_PROFILE = {"full_name": "Maria Delgado", "address": "410 Pecan St, San Antonio, TX 78205",
              "phone": "(210) 555-0147", "loan_number": "PD-55120",
              "collector_address": "PO Box 9, Dallas, TX 75201",
              "lender_address": "1 Lender Way, Irving, TX 75039",
              "regulator_address": "PO Box 12548, Austin, TX 78711"}

# en-003 (payday debt, jail threat) and the issue's own case: a collector for a payday lender,
# no validation notice, 40 calls in a week, the creditor typed with a note in brackets.
MARIA = {"caller_type": "collector", "creditor_name": "ACE Cash Express (payday loan)",
         "collector_name": "Midway Recovery Services", "identified": "yes",
         "caller_number": "(972) 555-0100", "debt_mine": "unsure", "purpose": "personal",
         "amount": 640, "notice": "no", "first_contact_over_5_days": "yes", "channel": "call",
         "state": "tx", "contacts_today": 6, "contacts_week": 40, "said": ["arrest"],
         "did": ["contacted_others"]}
MARIA_MOMENTS = ["2026-11-20T21:40:00-06:00", "2026-11-24T07:10:00-06:00",
                 "2026-11-27T13:00:00-06:00"]
# en-002 (the original lender calls the office): the lender itself collects, in California.
LENDER_CALLS = {"caller_type": "creditor", "creditor_name": "Acme Bank", "amount": 2300,
                "caller_number": "(800) 555-0111", "debt_mine": "wrong_amount",
                "purpose": "personal", "channel": "call", "state": "ca", "contacts_today": 3,
                "contacts_week": 9}
# A business debt: the FDCPA covers consumer debts only.
BUSINESS = {**MARIA, "purpose": "business", "state": "ny"}
# Every question answered "I don't know" or skipped.
UNKNOWN: dict[str, Any] = {"channel": "call"}

US_CASES = {"maria": (MARIA, MARIA_MOMENTS), "lender": (LENDER_CALLS, MARIA_MOMENTS[-1:]),
            "business": (BUSINESS, MARIA_MOMENTS), "unknown": (UNKNOWN, MARIA_MOMENTS[:1])}


def render(pack: Pack, letter_id: str, facts: dict[str, Any], moments: list[str],
           profile: dict[str, str], **options: Any) -> tuple[dict[str, Any], str, str]:
    context = build_context(pack, letter_id, incidents=incidents(pack, facts, moments),
                            profile=profile, today=TODAY, facts=facts, **options)
    whole = letter_text(pack, letter_id, context, TEMPLATES)
    preview = preview_text(pack, letter_id, context, pack.data.letters[letter_id].language,
                           TEMPLATES)
    return dict(context), whole, preview


def blank_lines(letter_id: str, text: str) -> list[str]:
    allowed = ALLOWED_BLANKS.get(letter_id, ())
    return [line for line in text.splitlines()
            if BLANK in line.replace(SIGNATURE_LINE, "")
            and not any(words in line for words in allowed)]


US_LETTERS = list(shipped("us").data.letters)


@pytest.mark.parametrize("letter_id", US_LETTERS)
@pytest.mark.parametrize("case", ["maria", "lender", "business"])
def test_no_blank_for_what_she_answered(case: str, letter_id: str) -> None:
    facts, moments = US_CASES[case]
    _, whole, preview = render(shipped("us"), letter_id, facts, moments, US_PROFILE)
    assert blank_lines(letter_id, whole) == [], whole
    assert blank_lines(letter_id, preview) == [], preview
    assert "(payday loan)" not in whole + preview  # her note is not part of the name
    if facts.get("amount") and letter_id not in ("cease_communication",):
        assert f"${facts['amount']:,}" in whole


@pytest.mark.parametrize("letter_id", US_LETTERS)
def test_nothing_she_did_not_say(letter_id: str) -> None:
    _, whole, _ = render(shipped("us"), letter_id, MARIA, MARIA_MOMENTS, US_PROFILE)
    assert "validation period as" not in whole  # she said she got no notice
    _, unknown, _ = render(shipped("us"), letter_id, UNKNOWN, MARIA_MOMENTS[:1], US_PROFILE)
    assert "validation period as" not in unknown and "not received" not in unknown
    assert "in the amount of" not in unknown and "arose from an account" not in unknown


def test_the_notice_sentence_follows_her_answer() -> None:
    pack = shipped("us")
    _, said_no, _ = render(pack, "validation_request", MARIA, MARIA_MOMENTS, US_PROFILE)
    assert "I have not received a written validation notice from you." in said_no
    got = {**MARIA, "notice": "yes"}
    _, said_yes, _ = render(pack, "validation_request", got, MARIA_MOMENTS, US_PROFILE)
    assert f"end of my validation period as {BLANK}" in said_yes  # the date is on her notice
    assert "not received" not in said_yes


def test_a_validation_request_goes_to_the_collector_by_a_clean_name() -> None:
    context, whole, _ = render(shipped("us"), "validation_request", MARIA, MARIA_MOMENTS,
                               US_PROFILE)
    assert context["addressee"]["type"] == "collector"
    assert context["addressee"]["name"] == "Midway Recovery Services"
    head = whole.split("Request for validation of debt")[0]
    assert "Midway Recovery Services\nPO Box 9, Dallas, TX 75201" in head
    assert "ACE Cash Express" not in head  # the original lender is not the addressee
    assert "account with ACE Cash Express, in the amount of $640." in whole
    assert "15 U.S.C. § 1692g(b)" in whole


def test_a_lender_collecting_itself_gets_the_letter_and_no_fdcpa() -> None:
    for letter_id in ("validation_request", "cease_communication", "dispute_not_mine",
                      "restrict_contact", "paid_dispute", "identity_theft_dispute"):
        context, whole, _ = render(shipped("us"), letter_id, LENDER_CALLS, MARIA_MOMENTS[-1:],
                                   US_PROFILE)
        assert context["addressee"] == {"type": "lender", "name": "Acme Bank",
                                        "address": "1 Lender Way, Irving, TX 75039",
                                        "fixed": False}, letter_id
        assert "15 U.S.C. § 1692" not in whole and "12 CFR § 1006" not in whole, letter_id
        assert "Rosenthal" in whole, letter_id  # California's law reaches a lender


def test_no_fdcpa_for_a_business_debt() -> None:
    for letter_id in US_LETTERS:
        _, whole, _ = render(shipped("us"), letter_id, BUSINESS, MARIA_MOMENTS, US_PROFILE)
        assert "§ 1692c" not in whole and "§ 1692g" not in whole, letter_id
        assert "Fair Debt Collection Practices Act" not in whole.replace(
            "Fair Debt Collection Practices Act, 15 U.S.C. § 1692a(5)", ""), letter_id


def test_counts_match_what_she_counted() -> None:
    context, whole, preview = render(shipped("us"), "cfpb_narrative", MARIA, MARIA_MOMENTS,
                                     US_PROFILE)
    assert context["counts"]["busiest_7_days"] == 40 and context["counts"]["busiest_day"] == 6
    assert "The most contacts in any 7 consecutive days: 40." in preview
    assert "The most contacts in one day: 6." in preview
    at_least = {**MARIA, "contacts_week": {"at_least": 20}}
    _, _, preview = render(shipped("us"), "cfpb_narrative", at_least, MARIA_MOMENTS,
                           US_PROFILE)
    assert "in any 7 consecutive days: at least 20." in preview


def test_the_state_complaint_goes_to_her_states_office() -> None:
    context, whole, preview = render(shipped("us"), "ag_complaint", MARIA, MARIA_MOMENTS,
                                     US_PROFILE)
    office = shipped("us").data.channels["office_tx"].name
    assert context["addressee"]["name"] == shipped("us").text(office, "en")
    assert context["addressee"]["fixed"] and "regulator_name" not in str(context["letter"])
    assert f"To the {context['addressee']['name']}:" in whole
    assert "I live in Texas." in whole
    # the web form's fields, in the form's order, with no markup
    labels = [shipped("us").text(f.label, "en") for f in
              shipped("us").data.letters["ag_complaint"].form.fields]  # type: ignore[union-attr]
    places = [preview.index(label + ":") for label in labels if label + ":" in preview]
    assert places == sorted(places) and len(places) >= 6
    assert "# " not in preview


def test_her_own_words_go_to_the_collector_only_if_she_chooses() -> None:
    pack = shipped("us")
    words = "My son has asthma and I lost my job"
    rows = incidents(pack, MARIA, MARIA_MOMENTS, story=words)
    default = build_context(pack, "validation_request", incidents=rows, profile=US_PROFILE,
                            today=TODAY, facts=MARIA)
    assert words not in letter_text(pack, "validation_request", default, TEMPLATES)
    chosen = build_context(pack, "validation_request", incidents=rows, profile=US_PROFILE,
                           today=TODAY, facts=MARIA, annex_words=True)
    assert words in letter_text(pack, "validation_request", chosen, TEMPLATES)
    regulator = build_context(pack, "cfpb_narrative", incidents=rows, profile=US_PROFILE,
                              today=TODAY, facts=MARIA)
    assert regulator["annex_words"]  # to a regulator the default keeps them


# --- mainland China ------------------------------------------------------------------------

CN_PROFILE = {"full_name": "王芳", "id_number": "430102199203150021", "phone": "138 0731 0000",
              "address": "湖南省长沙市某路8号", "loan_number": "AXH-77812",
              "lender_address": "上海市某区某路1号", "regulator_name": "国家金融监督管理总局湖南监管局",
              "regulator_address": "长沙市某路2号", "police_name": "长沙市公安局某派出所"}
# zh-026-like: an app loan, a collection company, 40 calls in a week, at least 20 in a day.
WANG = {"caller_type": "agency", "lender_name": "安心花（借款App）", "agency_name": "某某信息咨询公司",
        "caller_number": "17100001111", "relation": "borrower", "amount": 8000,
        "channel": "call", "contacts_today": {"at_least": 20}, "contacts_week": 40}
WANG_MOMENTS = ["2026-11-25T23:30:00+08:00", "2026-11-27T09:00:00+08:00"]
CN_LETTERS = list(shipped("cn").data.letters)


@pytest.mark.parametrize("letter_id", CN_LETTERS)
def test_cn_counts_match_and_no_blank_for_her_answers(letter_id: str) -> None:
    _, whole, preview = render(shipped("cn"), letter_id, WANG, WANG_MOMENTS,
                               {**CN_PROFILE, "prior_complaint": "11月20日App客服，未处理",
                                "complaint_reference": "TS-1"})
    assert "最多：1次" not in whole and "最多：2次" not in whole
    if "任意连续7天" in whole:
        assert "任意连续7天内最多：40次" in whole and "单日最多：至少20次" in whole
    assert blank_lines(letter_id, whole) == [], whole
    assert "注册手机号" not in whole  # she gave a contact number, not "the registered" one
    assert "（借款App）" not in whole  # her note is not part of the lender's name
    assert "# " not in preview


def test_the_12378_complaint_states_the_first_complaint_or_leaves_it_to_fill() -> None:
    pack = shipped("cn")
    given = {**CN_PROFILE, "prior_complaint": "2026年11月20日在App客服投诉，对方未处理",
             "complaint_reference": "TS20261120-0087"}
    _, whole, preview = render(pack, "regulator_complaint", WANG, WANG_MOMENTS, given)
    assert "我已先向安心花投诉：2026年11月20日在App客服投诉，对方未处理。投诉编号：TS20261120-0087。" in whole
    assert preview.index("投诉事项：") < preview.index("是否已向机构投诉及处理情况：") \
        < preview.index("投诉请求：")
    _, skipped, _ = render(pack, "regulator_complaint", WANG, WANG_MOMENTS, CN_PROFILE)
    assert "我已先向" not in skipped  # never said she complained first
    assert f"投诉编号：{BLANK}" in skipped


def test_a_third_party_letter_never_calls_her_the_borrower() -> None:
    third = {**WANG, "relation": "relative", "spouse": "no"}
    _, whole, _ = render(shipped("cn"), "third_party_stop", third, WANG_MOMENTS, CN_PROFILE)
    assert "借款人" in whole and "我是贵司借款人" not in whole and "不是这笔借款的借款人" in whole


def test_the_diary_counts_and_her_own_count_together() -> None:
    """With a diary the record's contacts and counts are the diary's — but never fewer than
    she counted in her report (40 in a week), and a day's count stays in a structured cell."""
    from bot.diary.letters import apply_record
    from storage import DiaryEntryRow

    pack = shipped("cn")
    context = build_context(pack, "regulator_complaint", incidents=incidents(
        pack, WANG, WANG_MOMENTS), profile=CN_PROFILE, today=TODAY, facts=WANG)
    entries = [DiaryEntryRow(source="quick", pack_id="cn", occurred_at=at, occurred_day=at[:10],
                             contacts=n, caller_name="某某信息咨询公司（催收）", note="骂我",
                             id=i, user_id=1, created_at="")
               for i, (at, n) in enumerate([("2026-11-25T23:30:00+08:00", 25),
                                            ("2026-11-27T09:00:00+08:00", 3)], start=1)]
    merged = apply_record(context, pack, entries)
    counts = merged["counts"]
    assert counts["total"] == 28 and counts["busiest_day"] == 25
    assert not counts["busiest_day_at_least"]  # the diary's 25 beats her "at least 20"
    assert counts["busiest_7_days"] == 40  # her own 40 beats the diary's 28
    whole = letter_text(pack, "regulator_complaint", {**merged, "annex_words": False},
                        TEMPLATES)
    assert "单日最多：25次" in whole and "任意连续7天内最多：40次" in whole
    assert "（25次）" in whole and "骂我" not in whole  # the count stays, her words do not
    assert "（催收）" not in whole


def test_the_validator_checks_an_addressee_channel_pattern() -> None:
    from flows.letterform import check_channel
    from flows.yamlsource import SourceMap

    data = shipped("us").data
    letter = data.letters["ag_complaint"]
    assert check_channel("ag_complaint", letter, data, SourceMap()) == []
    wrong = letter.model_copy(update={"addressee": letter.addressee.model_copy(  # type: ignore[union-attr]
        update={"channel": "agency_{state}"})})
    [issue] = check_channel("ag_complaint", wrong, data, SourceMap())
    assert "no channel 'agency_{state}' for" in issue.message and "ca" in issue.message
    typo = wrong.model_copy(update={"addressee": letter.addressee.model_copy(  # type: ignore[union-attr]
        update={"channel": "office_{stat}"})})
    [issue] = check_channel("ag_complaint", typo, data, SourceMap())
    assert "not a choice fact" in issue.message and issue.level == "error"
