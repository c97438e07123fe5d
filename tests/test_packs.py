"""The shipped flow packs (flows/packs/*): valid, tested, safe, and true to the research.

Every pack must validate with no errors and no warnings, pass its own conversation tests and a
1,000-run random walk, cover each rule with a test that triggers it and a close case that must
not, and keep to the research's rules on sources (no cn_law.md §10 claim, no unverified citation).
"""

from __future__ import annotations

import datetime as dt
import random
import zoneinfo
from pathlib import Path
from typing import Any

import pytest
import yaml

from flows import events as ev
from flows import available_packs, inspect_pack, load_pack
from flows.conditions import Not, Use, walk
from flows import convtests
from flows.convtests import DEFAULT_NOW, random_walk, run_case
from flows.engine import advance, start
from flows.pack import Pack
from flows.replies import Message, Question

PACK_IDS = available_packs()
SHIPPED = {"cn", "us", "elsewhere"}

# Claims that cn_law.md §10 lists as made up or outdated (Simplified, Traditional, English).
FORBIDDEN = (
    "催收行业管理办法", "催收行業管理辦法", "数字信贷隐私保护条例", "數字信貸隱私保護條例",
    "78号", "78號", "罚决字", "罰決字", "13.8%", "中止所有还款", "中止所有還款",
    "债务清理条例", "債務清理條例", "每日电话不得超过3次", "每日電話不得超過3次",
    "自律公约", "自律公約", "六章三十八条", "冷静期", "冷靜期",
    "Collection Industry Management Measures", "Digital Credit Privacy",
)
# Characters that exist only in Simplified Chinese: none may remain in a zh-Hant text.
SIMPLIFIED_ONLY = set("这们说话还没对时发给个国会问门见长东车书爱听机关钱银贷联系帐账")


def _pack(pack_id: str) -> Pack:
    return load_pack(pack_id)


def _folder(pack_id: str) -> Path:
    pack = _pack(pack_id)
    assert pack.folder is not None
    return pack.folder


def _cases() -> list[Any]:
    params = []
    for pack_id in PACK_IDS:
        pack = _pack(pack_id)
        for file in convtests.test_files(pack):
            data = yaml.safe_load(file.read_text(encoding="utf-8")) or {}
            for case in data.get("tests", []):
                params.append(pytest.param(pack_id, case, str(file),
                                           id=f"{pack_id}/{file.stem}/{case.get('name')}"))
    return params


def _raw_documents(pack_id: str) -> list[tuple[Path, Any]]:
    folder = _folder(pack_id)
    return [(path, yaml.safe_load(path.read_text(encoding="utf-8")))
            for path in sorted(folder.glob("*.yaml"))]


def _localized(node: Any, languages: set[str]) -> list[dict[str, Any]]:
    """Every mapping in a pack document keyed by language codes (texts and word lists)."""
    found = []
    if isinstance(node, dict):
        if node and set(node) & languages and all(isinstance(k, str) for k in node):
            if set(node) <= languages | {"en", "zh-Hans", "zh-Hant"}:
                found.append(node)
        for value in node.values():
            found.extend(_localized(value, languages))
    elif isinstance(node, list):
        for item in node:
            found.extend(_localized(item, languages))
    return found


def test_the_three_packs_are_shipped() -> None:
    assert SHIPPED <= set(PACK_IDS)


@pytest.mark.parametrize("pack_id", PACK_IDS)
def test_pack_validates_without_errors_or_warnings(pack_id: str) -> None:
    pack, issues = inspect_pack(_folder(pack_id))
    assert pack is not None
    assert not issues, "\n".join(str(issue) for issue in issues)


@pytest.mark.parametrize(("pack_id", "case", "file"), _cases())
def test_conversation(pack_id: str, case: dict[str, Any], file: str) -> None:
    outcome = run_case(_pack(pack_id), case, file)
    assert outcome.passed, f"{file}: {outcome.name}\n" + "\n".join(outcome.failures)


@pytest.mark.parametrize("pack_id", PACK_IDS)
def test_random_walk_of_1000_runs_finishes(pack_id: str) -> None:
    problems = random_walk(_pack(pack_id), 1000)
    assert not problems, "\n".join(problems[:20])


@pytest.mark.parametrize("pack_id", PACK_IDS)
def test_every_rule_is_triggered_by_a_test_and_excluded_by_a_close_case(pack_id: str) -> None:
    pack = _pack(pack_id)
    found: set[str] = set()
    excluded: set[str] = set()
    for file in convtests.test_files(pack):
        for case in (yaml.safe_load(file.read_text(encoding="utf-8")) or {}).get("tests", []):
            expect = case.get("expect", {})
            found.update(expect.get("findings", []))
            excluded.update(expect.get("not_findings", []))
    rules = {rule.id for rule, _ in pack.rules}
    assert rules - found == set(), f"rules no test triggers: {sorted(rules - found)}"
    assert rules - excluded == set(), f"rules without a close case: {sorted(rules - excluded)}"
    assert (found | excluded) - rules == set(), "tests name rules that do not exist"


@pytest.mark.parametrize("pack_id", PACK_IDS)
def test_readme_table_lists_every_rule(pack_id: str) -> None:
    readme = (_folder(pack_id) / "README.md").read_text(encoding="utf-8")
    missing = [rule.id for rule, _ in _pack(pack_id).rules if f"`{rule.id}`" not in readme]
    assert not missing, f"README.md does not list: {missing}"


def test_cn_texts_exist_in_simplified_traditional_and_english() -> None:
    pack = _pack("cn")
    languages = {"zh-Hans", "zh-Hant", "en"}
    assert set(pack.languages) == languages
    assert pack.default_language == "zh-Hans"
    checked = 0
    for path, document in _raw_documents("cn"):
        for text in _localized(document, languages):
            assert set(text) == languages, f"{path.name}: {text}"
            hant = text["zh-Hant"]
            words = hant if isinstance(hant, list) else [hant]
            for word in words:
                left = SIMPLIFIED_ONLY & set(word)
                assert not left, f"{path.name}: zh-Hant text keeps simplified {left}: {word}"
            checked += 1
    assert checked > 300


@pytest.mark.parametrize("pack_id", PACK_IDS)
def test_no_section_10_claims(pack_id: str) -> None:
    folder = _folder(pack_id)
    for path in sorted(folder.rglob("*")):
        if path.is_file() and path.suffix in (".yaml", ".md"):
            text = path.read_text(encoding="utf-8")
            for claim in FORBIDDEN:
                assert claim not in text, f"{path}: contains '{claim}' (cn_law.md §10)"


# Citations the research gives no in-force date for (cn_law.md §5.10, §6; us_law.md §1, §12,
# §15): they carry no `effective`, and every other citation must carry one.
UNDATED = {
    "cn": {"cba_2026", "spc_2017_financial"},
    "us": {"fdcpa_1692a_6", "fdcpa_1692a_5", "occ_scam_signs", "ma_940_cmr_7_04",
           "ma_209_cmr_18_16", "ca_rosenthal_1788_2"},
}


@pytest.mark.parametrize("pack_id", PACK_IDS)
def test_citations_are_verified_or_secondary_and_dated(pack_id: str) -> None:
    for cid, citation in _pack(pack_id).data.citations.items():
        assert citation.confidence in ("verified-from-source", "secondary"), cid
        assert citation.url.startswith("https://"), cid
        if cid in UNDATED.get(pack_id, set()):
            assert citation.effective is None, f"{cid}: the research gives no in-force date"
        else:
            assert citation.effective is not None, f"{cid} needs its in-force date"
            assert dt.date(1990, 1, 1) <= citation.effective <= dt.date(2026, 11, 28), cid


@pytest.mark.parametrize("pack_id", ["cn", "us"])
def test_undated_citations_are_listed_in_the_readme(pack_id: str) -> None:
    readme = (_folder(pack_id) / "README.md").read_text(encoding="utf-8")
    missing = [cid for cid in UNDATED[pack_id] if f"`{cid}`" not in readme]
    assert not missing, f"README.md does not list the undated citations {missing}"


def test_elsewhere_makes_no_legal_claims() -> None:
    pack = _pack("elsewhere")
    assert not pack.data.citations
    assert all(not rule.citations for rule, _ in pack.rules)
    assert not pack.data.letters


@pytest.mark.parametrize("pack_id", ["cn", "us"])
def test_every_rule_offers_a_letter(pack_id: str) -> None:
    missing = [rule.id for rule, _ in _pack(pack_id).rules if not rule.letters]
    assert not missing, f"rules without a letter: {missing}"


def test_cn_public_order_citations_follow_the_2026_revision() -> None:
    """Old Art. 42/40 only for contact before 2026-01-01; new Art. 50/47 only from then."""
    pack = _pack("cn")
    for rule, _ in pack.rules:
        parts = list(walk(rule.when))
        before = any(isinstance(p, Use) and p.name == "before_2026" for p in parts)
        not_before = any(isinstance(p, Not) and isinstance(p.item, Use)
                         and p.item.name == "before_2026" for p in parts)
        old = any(c.startswith("psapl2012_") for c in rule.citations)
        new = any(c.startswith("psapl2025_") for c in rule.citations)
        if old:
            assert before and not not_before, rule.id
        if new:
            assert not_before, rule.id
        assert not (old and new), rule.id
    assert pack.data.citations["psapl2025_art50"].effective == dt.date(2026, 1, 1)


def _answer(pack: Pack, question: Question, rng: random.Random,
            cue_words: dict[str, list[str]]) -> list[ev.Event]:
    node = pack.nodes[question.node].node
    if question.choices and node.kind == "multi":
        picks = [c.id for c in question.choices if rng.random() < 0.4]
        return [ev.Pick(question.node, p) for p in picks] + [ev.Done(question.node)]
    if question.choices:
        return [ev.Pick(question.node, rng.choice(question.choices).id)]
    if rng.random() < 0.15:
        return [ev.DontKnow(question.node)]
    cue_text = " ".join(rng.choice(words) for words in cue_words.values())
    samples = {
        "text": cue_text if node.scan_cues and rng.random() < 0.7 else "They kept calling.",
        "number": str(rng.choice([0, 2, 7, 8, 50])),
        "datetime": rng.choice(["yesterday 10pm", "2025-12-20 21:30", "today 9am"]),
        "phone": "+86 138 0013 8000",
    }
    return [ev.Say(samples[node.kind])]


@pytest.mark.parametrize("pack_id", PACK_IDS)
def test_unsafe_works_at_every_question(pack_id: str) -> None:
    """Drive interviews until every question has been asked; at each, "/unsafe" shows the
    safety message and keeps the answers."""
    pack = _pack(pack_id)
    rng = random.Random(11)
    now = DEFAULT_NOW.replace(tzinfo=zoneinfo.ZoneInfo(pack.timezone))
    cue_words: dict[str, list[str]] = {}
    for cue_id, word in pack.cue_words:
        cue_words.setdefault(cue_id, []).append(word)
    questions = {node_id for node_id, compiled in pack.nodes.items() if compiled.fact}
    seen: set[str] = set()
    for _ in range(400):
        language = rng.choice(pack.languages)
        step = start(pack, language, now=now)
        while step.state.status == "active":
            question = step.replies[-1]
            assert isinstance(question, Question)
            unsafe = advance(pack, step.state, ev.Unsafe(), now=now)
            expected = pack.text(pack.data.safety.unsafe, language)
            assert any(isinstance(r, Message) and r.tone == "safety" and r.text == expected
                       for r in unsafe.replies), question.node
            assert unsafe.state == step.state
            seen.add(question.node)
            for event in _answer(pack, question, rng, cue_words):
                step = advance(pack, step.state, event, now=now)
        if seen == questions:
            break
    assert seen == questions, f"never asked: {sorted(questions - seen)}"
