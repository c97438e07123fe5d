"""The evaluation harness on the fixture narratives: it plays them as a person would and
counts what was understood (and it can fail)."""

from __future__ import annotations

import copy
import statistics

from flows.evaluate import evaluate, load_narratives
from tests.conftest import ROOT
from tests.flows.storykit import story_pack

NARRATIVES = ROOT / "tests" / "fixtures" / "narratives"


def test_fixture_narratives_meet_the_targets() -> None:
    pack = story_pack()
    narratives = load_narratives([NARRATIVES])
    assert len(narratives) >= 6
    assert {n["language"] for n in narratives} == {"zh-Hans", "en"}
    outcomes = [evaluate(pack, n) for n in narratives]
    assert all(o is not None and o.finished and not o.problem for o in outcomes)
    right = sum(len(o.right) for o in outcomes)  # type: ignore[union-attr]
    wrong = sum(len(o.wrong) for o in outcomes)  # type: ignore[union-attr]
    missed = sum(len(o.missed) for o in outcomes)  # type: ignore[union-attr]
    assert right / (right + wrong) >= 0.95 and right / (right + missed) >= 0.90
    expected = sum(len(o.expected_findings) for o in outcomes)  # type: ignore[union-attr]
    found = sum(len(set(o.expected_findings) & set(o.found_findings))  # type: ignore[union-attr]
                for o in outcomes)
    assert found / expected >= 0.90
    assert statistics.median(o.questions_after for o in outcomes) <= 8  # type: ignore[union-attr]


def test_a_wrong_expectation_is_counted_as_wrong_and_missed() -> None:
    pack = story_pack()
    narrative = copy.deepcopy(next(n for n in load_narratives([NARRATIVES])
                                   if n["id"] == "zh-002"))
    narrative["expect"]["story"]["story_answers"]["lender_name"] = "别的名字"
    narrative["expect"]["story"]["findings"].append("home_visit")
    outcome = evaluate(pack, narrative)
    assert outcome is not None
    assert "lender_name" in outcome.wrong and "lender_name" in outcome.missed
    assert "home_visit" not in outcome.found_findings


def test_narratives_without_expectations_for_a_pack_are_skipped() -> None:
    narrative = {"id": "x", "language": "en", "story": "hi", "expect": {"cn": {}}}
    assert evaluate(story_pack(), narrative) is None


def test_a_choice_proposal_is_counted_by_its_option() -> None:
    """A choice answer from the story ("lender_kind.private") is right when the narrative
    expects that option and wrong (and the expected one missed) when it expects another."""
    from flows import load_pack

    pack = load_pack("cn")
    narrative = {"id": "x", "language": "zh-Hans", "story": "我借的是高利贷，他们天天打电话。",
                 "expect": {"cn": {"story_answers": {"lender_kind": "private"},
                                   "answers": {"relation": "borrower"}}}}
    outcome = evaluate(pack, narrative)
    assert outcome is not None and "lender_kind.private" in outcome.right
    narrative["expect"]["cn"]["story_answers"]["lender_kind"] = "bank"
    outcome = evaluate(pack, narrative)
    assert outcome is not None
    assert "lender_kind.private" in outcome.wrong and "lender_kind.bank" in outcome.missed


def test_a_wrong_proposal_is_unticked_and_never_becomes_an_answer() -> None:
    """The simulated person unticks what the narrative does not say: a wrong count is then
    asked as a question (and answered "I don't know"), never kept from the story."""
    pack = story_pack()
    narrative = {"id": "x", "language": "en", "story": "They called me 30 times yesterday.",
                 "expect": {"story": {"story_answers": {"contacts_today": 2}}}}
    outcome = evaluate(pack, narrative)
    assert outcome is not None and "contacts_today" in outcome.wrong
    assert "harassment" not in outcome.found_findings  # 30 was unticked; asked, it is 2


def test_a_story_held_by_the_crisis_response_is_played_on_without_it() -> None:
    """A story telling of a suicide gets the crisis response and is not read; the person goes
    on by skipping it: its facts count as missed, the questions are answered as asked."""
    from flows import load_pack

    narrative = {"id": "x", "language": "zh-Hans",
                 "story": "我妈妈被催收吓得喝农药走了，他们现在还天天打电话骂我。",
                 "expect": {"cn": {"story_answers": {"said": ["insults"]},
                                   "answers": {"relation": "borrower"},
                                   "findings": ["insults_no_date"]}}}
    outcome = evaluate(load_pack("cn"), narrative)
    assert outcome is not None and outcome.held and outcome.finished and not outcome.problem
    assert "said.insults" in outcome.missed and "insults_no_date" in outcome.found_findings
