"""Results as cards (bot/cards.py), unit level: the summary's order and size, the script,
hedges said once, sentences cut whole. The Telegram walk is tested in tests/telegram/."""

from __future__ import annotations

from bot.cards import (SUMMARY, cards, first_sentence, law_card, script_card, steps_now,
                       summary, without_repeated_hedges)
from flows import CitationView, FindingView, Result

LEGAL = ("Write to the lender: withdraw consent to using your contact list under PIPL Art. 15, "
         "and ask them to delete it. Keep a copy.")
SAFETY = "If you are in danger, call 110 first. Take your recordings to the police station."


def result(do: tuple[str, ...] = (LEGAL, SAFETY), severity: str = "high",
           say: tuple[str, ...] = ("I am recording this call.",)) -> Result:
    citation = CitationView(law="Civil Code", article="Art. 1033", effective="2021-01-01",
                            url="https://flk.npc.gov.cn/", quote="不得侵扰", confidence="x")
    finding = FindingView(rule="r", severity=severity, title="Calls to your family",
                          explanation="据报道，they called your mother. " * 3,
                          citations=(citation,), letters=("complaint",))
    second = FindingView(rule="s", severity="low", title="Many calls",
                         explanation="据报道，twenty calls a day.", citations=())
    return Result(findings=(finding, second), say=say, do=do, channels=(), letters=(),
                  disclaimer="Not legal advice.", reviewed_on="Reviewed on 2026-11-20.",
                  pack="cn", headings={"no_findings": "None.", "do_heading": "What to do",
                                       "channels_heading": "Where", "bring": "Bring",
                                       "effective": "in force since {date}"})


def test_safety_comes_before_a_legal_step_for_someone_afraid() -> None:
    assert steps_now(result(), afraid=False)[0].startswith("Write to the lender")
    afraid = steps_now(result(), afraid=True)
    assert afraid[0] == "If you are in danger, call 110 first."
    assert afraid[1].startswith("Write to the lender") and len(afraid) == 2
    # an urgent finding puts safety first too
    assert steps_now(result(severity="urgent"), afraid=False)[0].startswith("If you are")


def test_the_packs_safety_text_leads_when_no_step_is_about_safety() -> None:
    steps = steps_now(result(do=(LEGAL,)), afraid=True,
                      safety_step="If you are in danger right now, call the police on 110; "
                                  "for a medical emergency call 120. More text.")
    assert steps[0].startswith("If you are in danger right now") and steps[1].startswith("Write")


def test_the_summary_card_is_short_and_ends_with_one_sentence_on_the_law() -> None:
    long_steps = tuple(f"Step {n} " + "word " * 60 + "end." for n in range(5))
    text = summary(result(do=long_steps), "en", afraid=False)
    assert len(text) <= SUMMARY
    assert text.splitlines()[-1].startswith("\u2696\ufe0f What the law says: Calls to your "
                                            "family — Civil Code Art. 1033.")
    assert "1 more below" in text and "1. Step 0" in text


def test_a_sentence_is_cut_whole_and_abbreviations_are_not_ends() -> None:
    assert first_sentence("Sue within one year (15 U.S.C. § 1692k(d)). Then more.") == \
        "Sue within one year (15 U.S.C. § 1692k(d))."
    assert first_sentence("有危险时先拨打110。带上录音。") == "有危险时先拨打110。"
    cut = first_sentence("word " * 80)
    assert len(cut) <= 170 and cut.endswith("…") and not cut.endswith(" …")


def test_a_hedge_is_said_once() -> None:
    lines = without_repeated_hedges(["据报道，A.", "据报道，B.", "Reportedly, C."])
    assert lines == ["据报道，A.", "B.", "C."]
    walk = cards(result(), "en", afraid=False)
    joined = "\n".join(part for parts in walk.findings for part in parts)
    assert joined.count("据报道") == 1


def test_finding_cards_law_on_demand_and_one_script() -> None:
    found = result(say=("I am recording this call.", "Stop calling me.",
                        "I am recording this call."))
    walk = cards(found, "en", afraid=False)
    assert [parts[0].split(" · ")[0] for parts in walk.findings] == ["1/2", "2/2"]
    assert all("https://" not in part for parts in walk.findings for part in parts)
    law = law_card(found.findings[0], found, "en")
    assert "https://flk.npc.gov.cn/" in law[0] and "Art. 1033" in law[0]
    assert "Not legal advice." in law[-1]
    assert "We cite no law" in law_card(found.findings[1], found, "en")[0]
    script = script_card(found, "en")
    assert script == ["What to say on the next call, in this order:\n"
                      "1. I am recording this call.\n2. Stop calling me."]
    assert walk.closing == "Not legal advice.\nReviewed on 2026-11-20."
