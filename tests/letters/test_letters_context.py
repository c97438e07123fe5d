"""bot/letters/context.py: what a template receives, computed from storage rows and facts."""

from __future__ import annotations

import datetime as dt
import json

from bot.letters import build_context, missing_fields
from bot.letters.context import first_person
from flows import Pack, advance, events, plain_facts, start
from flows.letters import BLANK, SENDER_FIELDS
from tests.letters.conftest import PROFILES, TODAY, make_incident, sample_incidents


def test_counts_from_the_incident_list(cn_pack: Pack) -> None:
    rows = [make_incident(i, cn_pack, f"2026-03-{day:02d}T{hour:02d}:05:00+08:00",
                          others=["family"] if i == 2 else [])
            for i, (day, hour) in enumerate([(1, 23), (2, 7), (3, 12), (9, 21), (20, 8)], 1)]
    rows.append(make_incident(9, cn_pack, None))
    counts = build_context(cn_pack, "regulator_complaint", incidents=rows, today=TODAY)["counts"]
    assert counts == {"total": 6, "dated": 5, "busiest_day": 1, "busiest_day_at_least": False,
                      "busiest_7_days": 3, "busiest_7_days_at_least": False, "at_night": 2,
                      "outside_8_to_21": 3, "third_parties": 1, "first": "2026年3月1日",
                      "last": "2026年3月20日"}


def test_incidents_are_dated_in_local_time_oldest_first(cn_pack: Pack) -> None:
    rows = list(reversed(sample_incidents(cn_pack)))
    rows.append(make_incident(7, cn_pack, None, caller=None, story=None, channel=None))
    incidents = build_context(cn_pack, "police_report", incidents=rows, today=TODAY)["incidents"]
    assert [(i["date"], i["time"], i["channel"]) for i in incidents] == [
        ("2025年12月31日", "23:10", "电话"), ("2026年1月2日", "07:40", "短信"),
        ("2026年11月27日", "14:30", "电话"), (BLANK, BLANK, BLANK)]
    assert incidents[1]["who"] == "速达催收 / 惠今金融"
    assert incidents[3]["number"] == BLANK and incidents[3]["what"] == BLANK


def test_only_this_packs_incidents_count(cn_pack: Pack, us_pack: Pack) -> None:
    rows = sample_incidents(cn_pack) + sample_incidents(us_pack)
    context = build_context(cn_pack, "police_report", incidents=rows, today=TODAY)
    assert context["counts"]["total"] == 3


def test_public_order_article_follows_the_date_of_each_contact(cn_pack: Pack) -> None:
    rows = [make_incident(1, cn_pack, "2025-12-31T23:59:00+08:00"),
            make_incident(2, cn_pack, "2026-01-01T00:00:00+08:00"),
            make_incident(3, cn_pack, "2026-02-03T10:00:00+08:00")]
    groups = build_context(cn_pack, "police_report", incidents=rows,
                           today=TODAY)["public_order_article"]
    assert [(g["article"], g["count"], g["first"], g["last"], g["no_contact_order"])
            for g in groups] == [("第四十二条", 1, "2025年12月31日", "2025年12月31日", False),
                                 ("第五十条", 2, "2026年1月1日", "2026年2月3日", True)]
    assert groups[1]["confidence"] == "secondary"  # cn_law.md §2 tags the new text so


def test_without_dated_contacts_the_law_in_force_today_is_given(cn_pack: Pack) -> None:
    for today, article in [(dt.date(2025, 6, 1), "第四十二条"), (TODAY, "第五十条")]:
        groups = build_context(cn_pack, "police_report", today=today)["public_order_article"]
        assert [(g["article"], g["count"]) for g in groups] == [(article, 0)]


def test_findings_cover_every_reported_incident_most_serious_first(cn_pack: Pack) -> None:
    context = build_context(cn_pack, "regulator_complaint",
                            incidents=sample_incidents(cn_pack), today=TODAY)
    findings = context["findings"]
    assert [f["rule"] for f in findings] == ["third_parties", "night"]
    assert all(c["confidence"] == "verified-from-source" for f in findings
               for c in f["citations"])
    assert findings[0]["title"] == "联系了借款人以外的人"  # the letter's language, not the chat's
    # jail_threat holds too, but cites nothing; night offers no lender_complaint
    lender = build_context(cn_pack, "lender_complaint", incidents=sample_incidents(cn_pack),
                           today=TODAY)["findings"]
    assert [f["rule"] for f in lender] == ["third_parties"]


def test_finding_titles_become_the_users_own_words() -> None:
    assert first_person("把您的欠款告诉了别人", "zh-Hans") == "把我的欠款告诉了别人"
    assert first_person("Contacting you although you have a lawyer", "en") == \
        "Contacting me although I have a lawyer"
    assert first_person("Your debt made public; you were told", "en") == \
        "My debt made public; I was told"
    assert first_person("Sie", "de") == "Sie"


def test_state_json_and_plain_facts_give_the_same_context(cn_pack: Pack) -> None:
    now = dt.datetime(2026, 11, 28, 12, 0, tzinfo=dt.timezone(dt.timedelta(hours=8)))
    step = start(cn_pack, "en", now=now)
    for event in [events.Pick("caller", "agency"), events.Say("惠今金融"), events.Say("速达催收"),
                  events.Pick("channel", "call"), events.Say("昨晚11点"),
                  events.Say("13800138000"), events.Pick("others", "family"),
                  events.Done("others"), events.Say("他们打给我妈妈")]:
        step = advance(cn_pack, step.state, event, now=now)
    assert step.state.status == "done"
    facts = plain_facts(cn_pack, step.state)
    by_state = build_context(cn_pack, "lender_complaint", state_json=step.state.to_json(),
                             today=TODAY)
    by_facts = build_context(cn_pack, "lender_complaint", facts=facts, today=TODAY)
    assert by_state == by_facts
    assert by_state["labels"]["others"] == "家人" and by_state["labels"]["caller"] == "催收公司"
    assert by_state["labels"]["when"] == "2026-11-27 23:00"
    assert by_state["facts"]["others"] == ["family"] and by_state["facts"]["cues"] is None
    assert (by_state["lender"], by_state["agency"]) == ("惠今金融", "速达催收")


def test_without_an_interview_the_newest_incident_gives_the_facts(cn_pack: Pack) -> None:
    context = build_context(cn_pack, "lender_complaint", incidents=sample_incidents(cn_pack),
                            today=TODAY)
    assert context["facts"]["others"] == ["employer"]
    assert json.dumps(context, ensure_ascii=False)  # plain data only


def test_sender_fields_missing_are_blanks_and_text_is_one_line(cn_pack: Pack) -> None:
    context = build_context(cn_pack, "police_report", today=TODAY,
                            profile={"full_name": " 张三\n# 标题 ", "phone": ""})
    assert context["sender"] == {"full_name": "张三 # 标题", "id_number": BLANK,
                                 "address": BLANK, "phone": BLANK, "loan_number": BLANK,
                                 "city": BLANK, "prior_complaint": BLANK,
                                 "complaint_reference": BLANK}
    assert (context["lender"], context["agency"]) == (BLANK, BLANK)
    assert context["letter"]["recipient"] == "________派出所"


def test_dates_are_written_in_the_letter_language(cn_pack: Pack, us_pack: Pack) -> None:
    assert build_context(cn_pack, "police_report", today=TODAY)["today"] == "2026年11月28日"
    assert build_context(us_pack, "cfpb_narrative", today=TODAY)["today"] == "November 28, 2026"


def test_every_date_of_a_letter_is_written_one_way(us_pack: Pack) -> None:
    context = build_context(us_pack, "cfpb_narrative", incidents=sample_incidents(us_pack),
                            today=TODAY)
    dates = [context["today"], context["counts"]["first"], context["counts"]["last"],
             *(i["date"] for i in context["incidents"])]
    assert dates == ["November 28, 2026", "December 31, 2025", "November 27, 2026",
                     "December 31, 2025", "January 2, 2026", "November 27, 2026"]
    assert [i["time"] for i in context["incidents"]] == ["11:10 PM", "7:40 AM", "2:30 PM"]


def test_the_addressee_is_what_the_user_gave_else_the_report(us_pack: Pack) -> None:
    rows = sample_incidents(us_pack)
    context = build_context(us_pack, "validation_request", incidents=rows, today=TODAY)
    assert context["addressee"] == {"type": "collector", "name": "Swift Recovery LLC",
                                    "address": BLANK, "fixed": False}
    given = {"collector_name": " Swift  Recovery, LLC ", "collector_address": "PO Box 1"}
    context = build_context(us_pack, "validation_request", incidents=rows, profile=given,
                            today=TODAY)
    assert context["addressee"] == {"type": "collector", "name": "Swift Recovery, LLC",
                                    "address": "PO Box 1", "fixed": False}
    assert context["enclosures"] == [{"name": "Record of contacts", "sha256": ""}]
    context = build_context(us_pack, "validation_request", today=TODAY,
                            attachments=[("call log.png", "ab" * 32)])
    assert context["enclosures"] == [{"name": "call log.png", "sha256": "ab" * 32}]


def test_missing_fields_are_the_letters_fields_not_given(cn_pack: Pack) -> None:
    assert missing_fields(cn_pack, "police_report", {}) == ["full_name", "id_number", "phone",
                                                            "address", "police_name",
                                                            "police_address"]
    assert missing_fields(cn_pack, "police_report", {**PROFILES["cn"], "police_name": "x",
                                                     "police_address": "y"}) == []
    assert missing_fields(cn_pack, "report_12321", {"full_name": "张三", "phone": "  "}) == \
        ["phone"]
    assert set(SENDER_FIELDS) == {"full_name", "id_number", "address", "phone", "loan_number",
                                  "city", "prior_complaint", "complaint_reference"}


def test_a_saved_state_of_another_pack_version_is_not_trusted(cn_pack: Pack) -> None:
    now = dt.datetime(2026, 11, 28, 12, 0, tzinfo=dt.timezone(dt.timedelta(hours=8)))
    old = start(cn_pack, "zh-Hans", now=now).state.with_(pack_version="0",
                                                        answers={"gone": 1}, path=["gone"])
    rows = sample_incidents(cn_pack)
    context = build_context(cn_pack, "police_report", incidents=rows,
                            state_json=old.to_json(), today=TODAY)
    assert context["facts"]["others"] == ["employer"]  # the newest incident's
