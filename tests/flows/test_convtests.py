"""Conversation tests as data: they pass for the demo pack and can fail."""

from __future__ import annotations

from flows import Pack
from flows.convtests import random_walk, run_case, run_pack_tests


def test_demo_conversation_tests_pass(demo_pack: Pack) -> None:
    outcomes = run_pack_tests(demo_pack)
    assert len(outcomes) == 3
    assert [o.failures for o in outcomes if not o.passed] == []


def test_a_wrong_expectation_fails(demo_pack: Pack) -> None:
    case = {"name": "wrong", "steps": [{"caller": "agency"}, {"when": "today 9am"},
                                       {"number": None}, {"count": 2}, {"others": []},
                                       {"story": "hi"}],
            "expect": {"findings": ["night"]}}
    outcome = run_case(demo_pack, case, "inline")
    assert not outcome.passed
    assert "findings: expected ['night'], got []" in outcome.failures[0]


def test_a_step_for_a_question_not_asked_fails(demo_pack: Pack) -> None:
    outcome = run_case(demo_pack, {"name": "x", "steps": [{"lender": "X"}]}, "inline")
    assert "expected question 'lender' but 'caller' is being asked" in outcome.failures[0]


def test_refused_answer_fails(demo_pack: Pack) -> None:
    outcome = run_case(demo_pack, {"name": "x", "steps": [{"caller": "agency"},
                                                         {"when": "banana"}]}, "inline")
    assert "refused" in outcome.failures[0]


def test_random_walk_finishes(demo_pack: Pack) -> None:
    assert random_walk(demo_pack, runs=1000) == []


NIGHT_CALL = [{"caller": "lender"}, {"lender": "Huijin"}, {"when": "昨晚10点"},
              {"number": None}, {"count": 12}, {"others": ["family"]}, {"story": "x"}]


def test_citations_shown_can_be_asserted_by_id_or_by_their_text(demo_pack: Pack) -> None:
    good = run_case(demo_pack, {"name": "ok", "language": "en", "steps": NIGHT_CALL, "expect": {
        "citations_contain": ["civil_1033", "Art. 1033", "in force since 2021-01-01"],
        "citations_lack": ["pipl_13"]}}, "inline")
    assert good.passed, good.failures
    bad = run_case(demo_pack, {"name": "bad", "language": "en", "steps": NIGHT_CALL, "expect": {
        "citations_contain": ["Art. 1034"], "citations_lack": ["civil_1033"]}}, "inline")
    assert len(bad.failures) == 2
    assert "no citation shown matched 'Art. 1034' (shown: civil_1033" in bad.failures[0]
    assert "'civil_1033' was shown" in bad.failures[1]
