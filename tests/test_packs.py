"""The shipped flow packs (flows/packs/*): valid, tested, safe, and true to the research.

Every pack must validate with no errors and no warnings, pass its own conversation tests and a
1,000-run random walk, cover each rule with a test that triggers it and a close case that must
not, and keep to the research's rules on sources (no cn_law.md §10 claim, no unverified citation).
"""

from __future__ import annotations

import datetime as dt
import functools
import random
import re
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
from flows.tally import tally_facts

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


@functools.cache
def _pack(pack_id: str) -> Pack:
    """Loaded once per run: loading validates the whole pack and renders every letter
    (seconds each), the engine never changes a pack, and the 300 conversation cases would
    otherwise load it 300 times. test_pack_validates_without_errors_or_warnings inspects the
    folder afresh."""
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


@pytest.mark.parametrize("pack_id", ["cn", "elsewhere"])
def test_chinese_packs_have_every_text_in_simplified_traditional_and_english(pack_id: str) -> None:
    """Every text and word list in all three languages. Whether zh-Hant reads as Taiwan/Hong
    Kong Chinese (and zh-Hans holds no Traditional characters) is the validator's job
    (flows/hantchecks.py), so test_pack_validates_without_errors_or_warnings covers it."""
    pack = _pack(pack_id)
    languages = {"zh-Hans", "zh-Hant", "en"}
    assert set(pack.languages) == languages
    checked = 0
    for path, document in _raw_documents(pack_id):
        for text in _localized(document, languages):
            assert set(text) == languages, f"{path.name}: {text}"
            checked += 1
    assert checked > (300 if pack_id == "cn" else 80)


@pytest.mark.parametrize("pack_id", PACK_IDS)
def test_no_section_10_claims(pack_id: str) -> None:
    folder = _folder(pack_id)
    for path in sorted(folder.rglob("*")):
        if path.is_file() and path.suffix in (".yaml", ".md"):
            text = path.read_text(encoding="utf-8")
            for claim in FORBIDDEN:
                assert claim not in text, f"{path}: contains '{claim}' (cn_law.md §10)"


# Citations shown without an in-force date, each with its undated_reason in the pack. cn: the
# 2012 public-order text and the Lawyers Law, whose amending decisions could not be read to
# confirm the provision's own date. us: citations whose current wording could not be dated from
# an official note (flows/packs/us/README.md).
UNDATED = {
    "cn": {"psapl2012_art42_1", "psapl2012_art42_2", "psapl2012_art42_5", "psapl2012_art40_3",
           "lawyers_13", "lawyers_46", "lawyers_55"},
    "us": {"def_fdcpa_1692a_6", "fcra_1681c_1", "fcra_1681c_2", "fcra_1681m_f_g",
           "fcra_1681s_2_a3", "fcra_1681s_2_a6", "fcra_1681i_a", "treasury_31_cfr_212",
           "cfpb_garnishment", "occ_scam_signs", "ca_1788_2_c", "ca_1788_17", "fl_559_72",
           "ny_gbl_601", "nc_75_50", "nc_75_51", "nc_75_53", "ma_940_cmr_7_04",
           "madob_209_cmr_18_16", "wa_dfi_collection_agencies"},
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
            # The FDCPA took effect on 1978-03-20 (us_law.md), the oldest date cited. A date
            # after today is the validator's to judge (flows/datechecks.py, run by
            # test_pack_validates_without_errors_or_warnings): a law announced ahead of its
            # effective date may be cited by rules that choose by the contact's date.
            assert dt.date(1978, 3, 20) <= citation.effective, cid


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


# Contact times probing each side of 2026-01-01 (Shanghai time), and an unknown date.
PSL_PERIODS: dict[str, list[dt.datetime | None]] = {
    "old": [dt.datetime(2025, 6, 1, 12, 0, tzinfo=zoneinfo.ZoneInfo("Asia/Shanghai")),
            dt.datetime(2025, 12, 31, 23, 59, tzinfo=zoneinfo.ZoneInfo("Asia/Shanghai"))],
    "new": [dt.datetime(2026, 1, 1, 0, 0, tzinfo=zoneinfo.ZoneInfo("Asia/Shanghai")),
            dt.datetime(2026, 3, 1, 12, 0, tzinfo=zoneinfo.ZoneInfo("Asia/Shanghai"))],
    "unknown": [None],
}


def test_cn_public_order_citations_follow_the_2026_revision() -> None:
    """Old Art. 42/40 only for contact before 2026-01-01, the revised Art. 50/47 only from then,
    and both together only when the contact date is unknown — tested by evaluating each rule on
    either side of the date, not by reading its condition."""
    pack = _pack("cn")
    checked = 0
    for rule, predicate in pack.rules:
        old = any(c.startswith("psapl2012_") for c in rule.citations)
        new = any(c.startswith("psapl2025_") for c in rule.citations)
        if not (old or new):
            continue
        expected = "unknown" if old and new else "old" if old else "new"
        for period, moments in PSL_PERIODS.items():
            fires = [predicate(_maximal_facts(pack, contact_time=when, lender_kind="private",
                                              rate="above36")) for when in moments]
            if period == expected:
                assert any(fires), f"{rule.id} never fires for a contact in its period {period}"
            else:
                assert not any(fires), f"{rule.id} fires for a contact in period {period}"
        checked += 1
    assert checked >= 12
    for cid in ("psapl2025_art50_1", "psapl2025_art50_5", "psapl2025_art47_3"):
        assert pack.data.citations[cid].effective == dt.date(2026, 1, 1), cid


OLD_PERIOD = re.compile(r"2025年12月31日|31 December 2025")
NEW_PERIOD = re.compile(r"2026年1月1日|1 January 2026")


def test_cn_unknown_contact_date_names_each_public_order_article_with_its_period() -> None:
    """A user who skips the date is not told either version applies: every finding that names
    the public-order law names both Art. 42/40 and Art. 50/47, each in a sentence that says the
    period it was in force (until 2025-12-31 / from 2026-01-01)."""
    pack = _pack("cn")
    facts = _maximal_facts(pack, lender_kind="private", rate="above36")
    assert "contact_time" not in facts
    naming = 0
    for rule, predicate in pack.rules:
        if not predicate(facts):
            continue
        for text in _rule_texts(rule):
            old, new = _psl_articles([text])
            if not (old or new):
                continue
            assert old and new, f"{rule.id} assumes one version for an unknown date: {text}"
            naming += 1
            for sentence in _sentences(text):
                if PSL_CONTEXT.search(sentence) and OLD_PSL.search(sentence):
                    assert OLD_PERIOD.search(sentence), f"{rule.id}: old article undated: {sentence}"
                if PSL_CONTEXT.search(sentence) and NEW_PSL.search(sentence):
                    assert NEW_PERIOD.search(sentence), f"{rule.id}: new article undated: {sentence}"
    assert naming >= 4 * 3  # four findings (threats, intrusion, calls, insults) x three languages


# --- cn: whom the law protects (issue 13) -----------------------------------------------------
THIRD_PARTIES = ("relative", "acquaintance", "stranger")
# Advice and findings that presume the user owes the debt or owns the contact list.
BORROWER_ONLY_RULES = {"debt_disclosed", "third_party_contact", "disclosure_threat",
                       "borrow_to_repay", "rate_above_private_cap", "upfront_deduction",
                       "rate_licensed_high", "illegal_debt_collection", "unrecognised_debt"}
PAYMENT_ADVICE = re.compile(r"还款|還款|借新贷|借新貸|repay|pay only|instalment|"
                            r"欠款明细|欠款明細|details of the debt|读取我通讯录|讀取我通訊錄|"
                            r"contact list")


def _cn_facts(pack: Pack, relation: str | None = "borrower", **override: Any) -> dict[str, Any]:
    """Everything reported at once, by someone in the given relation to the debt."""
    facts = _maximal_facts(pack, relation=relation, lender_kind="private", rate="above36",
                           spouse="no", contact_time=dt.datetime(2026, 3, 1, 23, 0,
                                                                 tzinfo=SHANGHAI))
    facts.update(override)
    return facts


def test_cn_third_parties_get_their_own_path_never_the_borrowers() -> None:
    """A relative, friend or wrongly listed stranger is told their own rights (not_borrower) and
    never a finding, script or step that presumes they owe the debt; the borrower, reporting the
    same conduct, gets those findings and not the third party's."""
    from flows.render import advice_ids

    pack = _pack("cn")
    for relation in THIRD_PARTIES:
        facts = _cn_facts(pack, relation)
        fired = [rule for rule, predicate in pack.rules if predicate(facts)]
        ids = {rule.id for rule in fired}
        assert "not_borrower" in ids, relation
        assert not ids & BORROWER_ONLY_RULES, (relation, ids & BORROWER_ONLY_RULES)
        for kind in ("say", "do"):
            for advice_id in advice_ids(pack, fired, facts, kind):
                for text in pack.data.advice[advice_id].text.values():
                    assert not PAYMENT_ADVICE.search(text), (relation, advice_id, text)
        letters = {letter for rule in fired for letter in rule.letters}
        assert "third_party_stop" in letters and "pipl_request" not in letters, relation
    borrower = {rule.id for rule, predicate in pack.rules
                if predicate(_cn_facts(pack, "borrower"))}
    assert "not_borrower" not in borrower
    assert {"debt_disclosed", "third_party_contact", "disclosure_threat"} <= borrower
    spouse = {rule.id for rule, predicate in pack.rules
              if predicate(_cn_facts(pack, "relative", spouse="yes"))}
    assert "spouse_joint_debt" in spouse and "not_borrower" not in spouse


def _cn_letter(letter_id: str, **facts: Any) -> str:
    from bot.letters import build_context, preview_text  # the real renderer, real templates
    pack = _pack("cn")
    plain = {key: value for key, value in _cn_facts(pack, **facts).items()
             if not isinstance(value, dt.datetime)}
    context = build_context(pack, letter_id, facts=plain, today=dt.date(2026, 11, 28))
    return preview_text(pack, letter_id, context, "zh-Hans", TEMPLATES)


def test_cn_letters_never_call_a_third_party_a_borrower() -> None:
    """The letters a third party is offered say they are not the borrower, ask to stop and
    delete under PIPL Art. 44 and 47, and never "我是贵司借款人"; the borrower's letters still do."""
    for relation in THIRD_PARTIES:
        stop = _cn_letter("third_party_stop", relation=relation)
        assert "我不是这笔借款的借款人" in stop and "借款人{{" not in stop
        for needed in ("第四百六十五条", "第一千零三十三条", "第四十四条", "第四十七条", "第五十条",
                       "第六十五条"):
            assert needed in stop, (relation, needed)
        for letter_id in ("lender_complaint", "regulator_complaint"):
            text = _cn_letter(letter_id, relation=relation)
            assert "我是贵司借款人" not in text and "借款合同号" not in text, (relation, letter_id)
            assert "不是" in text and "借款人" in text, (relation, letter_id)
    spouse = _cn_letter("third_party_stop", relation="relative", spouse="yes")
    assert "第一千零六十四条" in spouse and "第四百六十五条" not in spouse
    unrecognised = _cn_letter("lender_complaint", relation="unrecognised")
    assert "我不认识这笔欠款" in unrecognised and "我是贵司借款人" not in unrecognised
    assert "我是贵司借款人" in _cn_letter("lender_complaint", relation="borrower")


def test_cn_a_lawyer_is_not_a_state_functionary() -> None:
    """Criminal Law Art. 279 covers impersonating state functionaries only: a caller claiming to
    be a lawyer or a law firm, or a lawyer's letter, never brings it (nor the police report's
    other findings about it); posing as police, a court or a prosecutor does."""
    pack = _pack("cn")
    for lawyer in ({"said": ["claimed_lawyer"]}, {"did": ["lawyer_letter"]}):
        facts = {"relation": "borrower", "said": [], "did": [], "pressure": [], **lawyer}
        fired = [rule for rule, predicate in pack.rules if predicate(facts)]
        assert [rule.id for rule in fired] == ["lawyer_claim"], (lawyer, fired)
        for text in _rule_texts(fired[0]):
            assert not re.search(r"二百七十九|Art\. 279|招摇撞骗|招搖撞騙|state functionar", text)
        plain = {"said": [], "did": [], "pressure": [], "visit_conduct": [], **lawyer}
        letter = _cn_letter("police_report", **plain)
        assert "第二百七十九条" not in letter, lawyer
    police = {"relation": "borrower", "said": ["claimed_police"], "did": [], "pressure": []}
    assert [r.id for r, p in pack.rules if p(police)] == ["impersonation"]
    # Told in a story (it replaced the cue-word questions), a lawyer or a lawyer's letter is
    # proposed as such, never as police or as forged state papers.
    from flows.spotter import find
    now = dt.datetime(2026, 11, 28, 12, tzinfo=SHANGHAI)
    for story in ("对方自称律师，说已经发了律师函。", "對方自稱律師事務所的，寄了律師函。",
                  "He said he was a lawyer and sent me a lawyer's letter."):
        proposed = {(h.node, h.value) for h in find(pack.spotter, story, now)}
        assert ("said", "claimed_lawyer") in proposed or ("did", "lawyer_letter") in proposed
        assert not proposed & {("said", "claimed_police"), ("did", "fake_docs")}, story


NOT_CITABLE = re.compile(r"银行业协会|銀行業協會|Banking Association|GB/T|法发〔2017〕|法發〔2017〕|"
                         r"据报道|據報導|據報道|as reported|is reported|are reported|reportedly|"
                         r"according to a|二手|secondary")


@pytest.mark.parametrize("pack_id", ["cn", "elsewhere"])
def test_nothing_rests_on_secondary_sources_or_says_as_reported(pack_id: str) -> None:
    """A point found only in secondary sources is advice, never a citation, and never worded "as
    reported": the banking association's 2026 guideline, GB/T 45251-2025 and the 2017 SPC opinion
    could not be read in an official text, so no text names them."""
    for text in _pack_texts(pack_id) + _template_texts(pack_id):
        found = NOT_CITABLE.search(text)
        assert not found, f"{found.group(0) if found else ''}: {text[:120]}"


def _answer(pack: Pack, question: Question, rng: random.Random,
            cue_words: dict[str, list[str]]) -> list[ev.Event]:
    node = pack.nodes[question.node].node
    if question.kind == "confirm":  # "here is what I understood": untick some, then confirm
        picks = [c.id for c in question.choices if rng.random() < 0.3]
        return [ev.Pick(question.node, p) for p in picks] + [ev.Done(question.node)]
    if node.kind == "story":  # told (from the samples the random walks tell) or skipped
        if rng.random() < 0.4:
            return [ev.DontKnow(question.node)]
        return [ev.Say(rng.choice(convtests.SAMPLE_STORIES[:3]))]
    if question.choices and node.kind in ("multi", "tally"):
        picks = [c.id for c in question.choices if rng.random() < 0.4]
        return [ev.Pick(question.node, p) for p in picks] + [ev.Done(question.node)]
    if question.choices and question.can_skip and rng.random() < 0.05:
        return [ev.DontKnow(question.node)]  # some questions are asked only after "I don't know"
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
        "amount": rng.choice(["8000", "大概八千", "$2,340.17"]),
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


# --- Legal-accuracy guards (issue 4, "Accuracy is the product") ---------------------------------
# Each guard catches a class of error found in the audit of 2026-11-28 (see /work/notes/audit.md):
# it reads every user-facing text of the packs, in every language, and the letter templates.


TEMPLATES = Path(__file__).resolve().parent.parent / "templates"
LANGS = {"en", "zh-Hans", "zh-Hant"}


def _texts(node: Any) -> list[str]:
    """Every string in a pack document (texts, labels, word lists), in every language."""
    if isinstance(node, str):
        return [node]
    if isinstance(node, dict):
        return [t for value in node.values() for t in _texts(value)]
    if isinstance(node, list):
        return [t for item in node for t in _texts(item)]
    return []


def _sentences(text: str) -> list[str]:
    """Chinese sentences end at 。 (a ； clause stays in its sentence); English ones at . ! ?
    before a capital or a quote ("Art. 50" does not end a sentence)."""
    parts = re.split(r"(?<=[。！？])|(?<=[.!?])\s+(?=[A-Z“(])", text)
    return [p.strip() for p in parts if p and p.strip()]


def _pack_texts(pack_id: str, sections: tuple[str, ...] | None = None) -> list[str]:
    texts = []
    for _, document in _raw_documents(pack_id):
        for key, value in (document or {}).items():
            if sections is None or key in sections:
                texts.extend(_texts(value))
    return texts


def _rule_texts(rule: Any) -> list[str]:
    return [t for field in (rule.title, rule.explanation) for t in (field or {}).values()]


def _maximal_facts(pack: Pack, **override: Any) -> dict[str, Any]:
    """Every behaviour reported at once, so that as many rules as possible fire."""
    facts: dict[str, Any] = {}
    for node_id, node in pack.data.nodes.items():
        if node.kind == "multi":
            facts[node_id] = [o.id for o in node.options or [] if not o.exclusive]
        elif node.kind == "yesno":
            facts[node_id] = "yes"
        elif node.kind == "number":
            facts[node_id] = 50
        elif node.kind == "tally":  # everyone contacted, 50 times each (and .count, .total)
            options = [o.id for o in node.options or []]
            facts[node_id] = {option: 50 for option in options}
            tally_facts(facts, node_id, facts[node_id], options)
    facts.update(override)
    return facts


SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")
OLD_PSL = re.compile(r"第四十二[条條]|第四十[条條]第|Art\. 4[02]\b|Art\. 40\(|Art\. 42\(")
NEW_PSL = re.compile(r"第五十[条條]|第四十七[条條]|Art\. 50\b|Art\. 47\b")
PSL_CONTEXT = re.compile(r"治安管理[处處]罚法|治安管理[处處]罰法|public-order law|"
                         r"Public Security Administration")


def _psl_articles(texts: list[str]) -> tuple[bool, bool]:
    """(cites old Art. 42/40, cites new Art. 50/47) of the public-order law, by sentence: PIPL
    Art. 47 and Art. 50 are other laws and do not count."""
    old = new = False
    for text in texts:
        for sentence in _sentences(text):
            if PSL_CONTEXT.search(sentence):
                old = old or bool(OLD_PSL.search(sentence))
                new = new or bool(NEW_PSL.search(sentence))
    return old, new


def test_cn_public_order_articles_match_the_contact_date_in_every_text() -> None:
    """For contact before 2026-01-01 the 2012 text (Art. 42/40) applies, from then the revised law
    (Art. 50/47): no finding shown for a 2025 contact names Art. 50/47, none for a 2026 contact
    names Art. 42/40, and no text outside the findings names an article without its date."""
    pack = _pack("cn")
    for when, wrong in ((dt.datetime(2025, 12, 20, 23, 0, tzinfo=SHANGHAI), "new"),
                        (dt.datetime(2026, 3, 1, 23, 0, tzinfo=SHANGHAI), "old")):
        facts = _maximal_facts(pack, contact_time=when, lender_kind="private", rate="above36")
        fired = [rule for rule, predicate in pack.rules if predicate(facts)]
        assert len(fired) > 10
        for rule in fired:
            old, new = _psl_articles(_rule_texts(rule))
            assert not (new if wrong == "new" else old), (
                f"{rule.id} fires for contact on {when.date()} but names the "
                f"{'revised' if wrong == 'new' else '2012'} public-order law's article")
    for text in _pack_texts("cn", ("advice", "channels", "safety", "nodes", "ui", "pack")):
        old, new = _psl_articles([text])
        assert not old, f"Art. 42/40 outside a pre-2026 finding: {text}"
        if new:
            assert re.search(r"2026年1月1日|1 January 2026", text), (
                f"the revised law's article without its date (2026-01-01): {text}")
    for citation_id, citation in pack.data.citations.items():
        if citation_id.startswith("psapl2012_"):
            assert all("2025" in name for name in citation.law.values()), (
                f"{citation_id}: the 2012 text must say it was in force until 2025-12-31")


NIFA = re.compile(r"互联网金融协会|互聯網金融協會|NIFA|自律公约|自律公約|逾期债务催收|逾期債務催收")
HOURS = re.compile(r"\d{1,2}\s*(?::\d\d|点|點|时|時|am\b|pm\b|a\.m\.|p\.m\.)|晚上|早上|夜间|夜間|"
                   r"night|calling hours", re.IGNORECASE)


def _template_texts(pack_id: str) -> list[str]:
    return [path.read_text(encoding="utf-8") for path in sorted((TEMPLATES / pack_id).glob("*.j2"))]


@pytest.mark.parametrize("pack_id", PACK_IDS)
def test_nifa_is_never_a_source_for_calling_hours(pack_id: str) -> None:
    """cn_law.md §5.8: no calling-hours rule of the 2018 NIFA convention could be verified; the
    hours belong to GB/T 45251-2025 and the 2026 banking-association guideline."""
    texts = _pack_texts(pack_id) + _template_texts(pack_id)
    for text in texts:
        for sentence in _sentences(text):
            if NIFA.search(sentence):
                assert not HOURS.search(sentence), f"NIFA named with calling hours: {sentence}"


def test_criminal_law_293_1_only_for_illegal_debts() -> None:
    """Art. 293-1 covers illegal debts (such as usury) only: a rule that cites or names it never
    fires for a licensed lender or a rate under the caps, however coercive the collection."""
    pack = _pack("cn")
    citing = [rule for rule, _ in pack.rules
              if "cl_293_1" in rule.citations
              or any(re.search(r"二百九十三[条條]之一|293-1", t) for t in _rule_texts(rule))]
    assert citing, "no rule cites Art. 293-1 any more: update this guard"
    predicates = {rule.id: predicate for rule, predicate in pack.rules}
    for rule in citing:
        assert predicates[rule.id](_maximal_facts(pack, lender_kind="private", rate="above36",
                                                  relation="borrower"))
        for kind in ("bank", "cfc", "small_loan"):
            assert not predicates[rule.id](_maximal_facts(
                pack, lender_kind=kind, rate="above36", relation="borrower")), (rule.id, kind)
        for rate in ("below24", None):
            facts = _maximal_facts(pack, lender_kind="private", rate=rate, relation="borrower")
            assert not predicates[rule.id](facts), (rule.id, rate)
        for relation in ("relative", "acquaintance", "stranger", "unrecognised"):
            facts = _maximal_facts(pack, lender_kind="private", rate="above36", relation=relation)
            assert not predicates[rule.id](facts), (rule.id, relation)
        for text in _rule_texts(rule):
            assert re.search(r"非法债务|非法債務|illegal debt", text), (
                f"{rule.id} must say Art. 293-1 concerns illegal debts: {text}")


# Hedges that belonged to secondary sources: a point found only in secondary sources is advice,
# never a citation, and nothing is said "as reported" (issue 13). These claims could not be checked
# against an official text, so they are not made at all.
US_UNSOURCED = re.compile(r"\b(?:is|are) reported to (?:be|apply|warn|give|count|treat|bar|make)\b|"
                          r"\bas reported\b|\breportedly\b|as read in an older copy|"
                          r"usually 3 to 6|not count toward|sample letter|"
                          r"unanswered calls (?:are|count|still)", re.IGNORECASE)


def test_us_makes_no_hedged_or_secondary_claims() -> None:
    checked = 0
    shown = [re.sub(r"\{#.*?#\}", "", t, flags=re.DOTALL) for t in _template_texts("us")]
    for text in _pack_texts("us") + shown:
        for sentence in _sentences(text):
            assert not US_UNSOURCED.search(sentence), f"unsourced or hedged claim: {sentence}"
            checked += 1
    assert checked > 300


US_SCOPE_NOTES = {"unknown_caller"}
"""Findings that explain whom the federal rules cover (and cite them to say so), not a breach."""


def _us_duty_citations(rule: Any) -> list[str]:
    """The FDCPA and Regulation F provisions a rule applies (not the definitions of scope)."""
    if rule.id in US_SCOPE_NOTES:
        return []
    return [c for c in rule.citations if c.startswith("fdcpa_")]


US_CONDITIONAL = re.compile(r"\bIf the (?:caller|sender|poster) is a debt collector")


def test_us_federal_findings_follow_who_called_and_what_debt() -> None:
    """The FDCPA and Regulation F bind debt collectors collecting consumer debts: no finding
    applying them fires for the original lender or a business debt; for a caller the user could
    not identify (or a debt of unknown kind) each one says "if the caller is a debt collector";
    for a known collector none hedges. Tested by evaluating every rule with every behaviour."""
    pack = _pack("us")
    cases = {("creditor", "personal"): "none", ("collector", "business"): "none",
             ("unknown", "business"): "none", ("collector", "personal"): "plain",
             ("law_firm", "personal"): "plain", ("unknown", "personal"): "if",
             ("collector", None): "if", (None, "personal"): "if"}
    for (caller, purpose), expected in cases.items():
        facts = _maximal_facts(pack, caller_type=caller, purpose=purpose, state="ga",
                               debt_mine="paid", debt_age="gt_6y", notice="no",
                               identified="no", judgment="no", debt_kind="other_debt",
                               contact_time=dt.datetime(2026, 11, 27, 22, 30))
        fired = [rule for rule, predicate in pack.rules if predicate(facts)]
        federal = [r for r in fired if _us_duty_citations(r)]
        if expected == "none":
            assert not federal, (caller, purpose, [r.id for r in federal])
            continue
        assert len(federal) >= 15, (caller, purpose, [r.id for r in federal])
        for rule in federal:
            hedged = bool(US_CONDITIONAL.search(rule.explanation["en"]))
            assert hedged == (expected == "if"), (caller, purpose, rule.id)
            assert rule.id.endswith("_if") == (expected == "if"), rule.id
    creditor = _maximal_facts(pack, caller_type="creditor", purpose="personal")
    notes = [r for r, p in pack.rules if p(creditor) and "def_fdcpa_1692a_6" in r.citations]
    assert notes and all(re.search(r"generally\s+do(es)? not cover", r.explanation["en"])
                         for r in notes)
    assert "generally does not cover" in pack.data.nodes["creditor_note"].text["en"]


def test_us_every_federal_finding_has_its_conditional_twin() -> None:
    """Each plainly worded FDCPA finding has an "if a debt collector called" twin with the same
    citations, advice, channels and letters, so an unknown caller loses no right."""
    rules = {rule.id: rule for rule, _ in _pack("us").rules}
    plain = [r for r in rules.values() if _us_duty_citations(r) and not r.id.endswith("_if")]
    assert len(plain) >= 24
    for rule in plain:
        twin = rules.get(rule.id + "_if")
        assert twin is not None, f"{rule.id} has no {rule.id}_if"
        for key in ("citations", "say", "do", "channels", "letters", "severity"):
            assert getattr(rule, key) == getattr(twin, key), (rule.id, key)
        assert US_CONDITIONAL.search(twin.explanation["en"]), twin.id


def test_us_dates_are_the_provisions_own() -> None:
    """A citation of the Act carries the Act's date (1978-03-20) or that of the amendment that
    gave the cited wording (§ 1692e(11): 1996-12-30), never Regulation F's; a Regulation F
    citation carries 2021-11-30; a statute and its Regulation F counterpart are cited apart."""
    citations = _pack("us").data.citations
    checked = 0
    for cid, c in citations.items():
        law, article = c.law["en"], c.article["en"] if c.article else ""
        assert not ("U.S.C." in article and "CFR" in article), f"{cid} mixes the Act and the rule"
        if law == "Fair Debt Collection Practices Act" and c.effective:
            expected = dt.date(1996, 12, 30) if cid == "fdcpa_1692e_11" else dt.date(1978, 3, 20)
            assert c.effective == expected, cid
            checked += 1
        if law.startswith("Regulation F"):
            assert c.effective == dt.date(2021, 11, 30) and article.startswith("12 CFR §"), cid
            checked += 1
        if c.effective and c.kind in ("statute", "regulation"):
            assert "github.com" not in c.url and "lawserver" not in c.url, cid
    assert checked >= 35


def test_us_threat_to_call_the_employer_is_not_a_threat_of_arrest_or_seizure() -> None:
    """§ 1692e(4) is about arrest, seizure, garnishment and sale: the employer threat rests on
    § 1692c(b) and § 1692e(5)."""
    rules = {rule.id: rule for rule, _ in _pack("us").rules}
    for rule_id in ("tell_others_threat", "tell_others_threat_if"):
        assert "fdcpa_1692e_4" not in rules[rule_id].citations
        assert {"fdcpa_1692c_b", "fdcpa_1692e_5"} <= set(rules[rule_id].citations)
        assert "1692e(4)" not in rules[rule_id].explanation["en"]
    for rule_id in ("arrest_threat", "garnish_threat"):
        assert "fdcpa_1692e_4" in rules[rule_id].citations


def test_us_every_state_has_its_own_office_and_zone() -> None:
    """All 50 states and DC: a button or a tap further, a time zone, and a rule that shows only
    that state's office, with an official (.gov or state) link."""
    from flows.scopechecks import US_STATES
    pack = _pack("us")
    options = {o.id: o for node in pack.data.nodes.values() if node.fact == "state" or node is
               pack.data.nodes["state"] for o in node.options or []}
    assert set(US_STATES) <= set(options)
    assert all(options[code].timezone for code in US_STATES)
    assert len(pack.data.nodes["state"].options or []) <= 13  # no wall of 51 buttons
    rules = {rule.id: rule for rule, _ in pack.rules}
    for code, name in US_STATES.items():
        rule = rules[f"complain_{code}"]
        channel = pack.data.channels[f"office_{code}"]
        assert rule.channels[0] == f"office_{code}" and name in rule.title["en"]
        host = (channel.url or "").split("/")[2]
        assert host.endswith((".gov", ".us")) or host == "attorneygenerallynnfitch.com", host


def test_us_seven_in_seven_is_a_rebuttable_presumption_per_debt() -> None:
    pack = _pack("us")
    for text in _pack_texts("us", ("rules", "advice", "channels", "nodes", "safety", "pack")):
        for sentence in _sentences(text):
            if re.search(r"seven (calls|times)|more than seven|7-in-7|seven-calls", sentence):
                assert "presum" in sentence, f"7-in-7 stated as a hard limit: {sentence}"
    rule = next(rule for rule, _ in pack.rules if rule.id == "call_frequency")
    text = rule.explanation["en"]
    for needed in ("rebut", "per debt", "places", "not a fixed cap"):
        assert needed in text, f"call_frequency must say '{needed}'"


# Numbers of the channels, exactly as the research gives them (cn_law.md §7-§8, us_law.md §12;
# 911 and 988 are the issue's, for safety).
CN_NUMBERS = {"110", "120", "12378", "12321", "12377", "12348", "12356", "010-82951332", "96110",
              "010-12321"}
CN_NUMBER = re.compile(r"(?<![\d,.¥\-])(0\d{2,3}-\d{5,8}|1\d{2}(?:\d{2})?|9\d{4})(?![\d,.%\-])")


def test_cn_phone_numbers_are_the_researched_ones() -> None:
    found: set[str] = set()
    for text in _pack_texts("cn", ("rules", "advice", "channels", "safety", "pack")):
        for number in CN_NUMBER.findall(text):
            assert number in CN_NUMBERS, f"unresearched number {number!r} in: {text}"
            found.add(number)
    assert found == CN_NUMBERS, f"numbers never shown: {sorted(CN_NUMBERS - found)}"
    channels = " ".join(_texts(yaml.safe_load(
        (_folder("cn") / "channels.yaml").read_text(encoding="utf-8"))))
    for needed in ("12378", "110", "12321", "12377", "12348", "96110", "www.12321.cn"):
        assert needed in channels, needed
    safety = " ".join(_texts(_pack("cn").data.safety.model_dump()))
    assert safety.index("12356") < safety.index("010-82951332"), "12356 first, then 010-82951332"


def test_us_phone_numbers_are_the_researched_ones() -> None:
    texts = _pack_texts("us", ("rules", "advice", "channels", "safety", "pack"))
    joined = " ".join(texts)
    for needed in ("consumerfinance.gov/complaint", "(855) 411-2372", "ReportFraud.ftc.gov",
                   "1-877-FTC-HELP (382-4357)", "IdentityTheft.gov", "1-877-438-4338", "988",
                   "911"):
        assert needed in joined, needed
    allowed = {"(855) 411-2372", "877-438-4338"}  # the CFPB; IdentityTheft.gov (us_states.md)
    for phone in re.findall(r"\(\d{3}\) \d{3}-\d{4}|\b\d{3}-\d{3}-\d{4}\b", joined):
        assert phone in allowed, f"unresearched phone number {phone}"


def test_zh_hant_says_the_same_as_zh_hans() -> None:
    """Traditional is a conversion of Simplified: the same numbers, dates, article numbers and
    Latin words (GB/T 45251-2025, LPR, www.12321.cn) in the same order."""
    token = re.compile(r"[0-9A-Za-z][0-9A-Za-z./:%\-]*|第[一二三四五六七八九十百千零]+[条條项項款]")
    fold = str.maketrans("條項", "条项")
    checked = 0
    for path, document in _raw_documents("cn"):
        for text in _localized(document, LANGS):
            hans, hant = text["zh-Hans"], text["zh-Hant"]
            if isinstance(hans, list):
                assert len(hans) == len(hant), f"{path.name}: {hans}"
                continue
            assert [t.translate(fold) for t in token.findall(hant)] == token.findall(hans), (
                f"{path.name}: zh-Hant differs from zh-Hans:\n{hans}\n{hant}")
            checked += 1
    assert checked > 300


STOP_PAYING = re.compile(r"停止还款|停止還款|暂停还款|暫停還款|不还款|不還款|stop pay|stopping pay|"
                         r"withhold pay", re.IGNORECASE)
NEGATED = re.compile(r"不要|不会|不會|不把|never|do not|don't|does not", re.IGNORECASE)


@pytest.mark.parametrize("pack_id", PACK_IDS)
def test_no_text_suggests_stopping_payment_as_leverage(pack_id: str) -> None:
    for text in _pack_texts(pack_id) + _template_texts(pack_id):
        for sentence in _sentences(text):
            if STOP_PAYING.search(sentence):
                assert NEGATED.search(sentence), f"suggests stopping payment: {sentence}"


@pytest.mark.parametrize("pack_id", PACK_IDS)
def test_every_pack_says_not_legal_advice(pack_id: str) -> None:
    pack = _pack(pack_id)
    for language in pack.languages:
        disclaimer = pack.text(pack.data.pack.disclaimer, language)
        assert re.search(r"not legal advice|不是法律意[见見]", disclaimer), (pack_id, language)
    # reviewed_on: never after today on the pack's calendar — flows/datechecks.py, in the
    # validator (test_pack_validates_without_errors_or_warnings), not a second date check here


# --- us letters fit who called (FDCPA/Regulation F bind debt collectors, us_law.md §1) -----------
US_LETTERS = ("restrict_contact", "validation_request", "dispute_not_mine", "paid_dispute",
              "identity_theft_dispute", "cease_communication", "cfpb_narrative", "ag_complaint")
FEDERAL_SECTION = re.compile(r"15 U\.S\.C\. § 1692[b-p]|12 CFR § 1006|Regulation F|"
                             r"(?<!Rosenthal )Fair Debt Collection Practices Act")


def _us_letter(letter_id: str, incidents: tuple[Any, ...] = (), **facts: Any) -> str:
    from bot.letters import build_context, preview_text  # the real renderer, real templates
    pack = _pack("us")
    plain = {key: value for key, value in _maximal_facts(pack, **facts).items()
             if not isinstance(value, dt.datetime)}
    context = build_context(pack, letter_id, facts=plain, incidents=incidents,
                            today=dt.date(2026, 11, 28))
    return preview_text(pack, letter_id, context, "en", TEMPLATES)


def _us_collector_incident() -> Any:
    """A contact reported earlier from a collection agency that did everything wrong."""
    import json

    from storage import IncidentRow
    pack = _pack("us")
    facts = {k: v for k, v in _maximal_facts(pack, caller_type="collector", purpose="personal",
                                             state="ga").items()
             if not isinstance(v, dt.datetime)}
    return IncidentRow(id=1, user_id=1, created_at="2026-11-20T00:00:00.000000+00:00",
                       findings=(), occurred_at="2026-11-19T22:30:00-05:00",
                       caller_number="5550100199", lender="Example Bank", agency="Acme Recovery",
                       channel="call", facts_json=json.dumps(facts), description="They called",
                       pack_id="us", pack_version=pack.version)


def test_us_letters_cite_no_fdcpa_section_to_the_original_lender() -> None:
    """A lender collecting its own debt is generally outside the FDCPA and Regulation F: no
    letter to it cites their duties — not even for another company's contacts reported earlier —
    and a California lender is pointed to the Rosenthal Act instead; a debt collector gets the
    sections; a caller the user could not identify gets them as "if you are a debt collector"."""
    earlier = (_us_collector_incident(),)
    for letter_id in US_LETTERS:
        for state in ("ca", "ma", "tx"):
            lender = _us_letter(letter_id, earlier, caller_type="creditor", state=state)
            assert not FEDERAL_SECTION.search(lender), (
                f"{letter_id} to a lender in {state} cites {FEDERAL_SECTION.search(lender)}")
            assert ("§ 1788.17" in lender) == (state == "ca"), (letter_id, state)
        if letter_id in ("cfpb_narrative", "ag_complaint"):
            continue
        collector = _us_letter(letter_id, caller_type="collector", state="ga")
        assert re.search(r"15 U\.S\.C\. § 1692[ceg]", collector), letter_id
        assert "If you are a debt collector" not in collector, letter_id
        assert "1788.17" not in collector, letter_id
        unsure = _us_letter(letter_id, caller_type="unknown", state="ga")
        assert "If you are a debt collector" in unsure, letter_id
    collector = _us_letter("restrict_contact", caller_type="collector", state="ca")
    assert "15 U.S.C. § 1692c(a)(1)" in collector and "12 CFR § 1006.14(h)(1)" in collector


def test_us_complaint_letter_names_the_users_own_state() -> None:
    for state, name in (("tx", "Texas"), ("ca", "California"), ("hi", "Hawaii")):
        text = _us_letter("ag_complaint", caller_type="collector", state=state)
        assert f"I live in {name}." in text, state  # the form's text; the letter is addressed
        # to the state's own office by name (tests/letters/test_faithful.py)
        for other in ("Texas", "California", "Hawaii"):
            if other != name:
                assert other not in text, (state, other)
    unknown = _us_letter("ag_complaint", caller_type="collector", state=None)
    assert "I live in ________." in unknown


def test_us_identity_theft_letter_encloses_the_ftc_report() -> None:
    for caller in ("collector", "creditor", "unknown"):
        text = _us_letter("identity_theft_dispute", caller_type=caller, state="ga",
                          debt_mine="identity_theft")
        assert "FTC Identity Theft Report" in text and "Enclosed:" in text, caller
        assert "§ 1681s-2(a)(6)(B)" in text, caller
        assert ("§ 1692g(b)" in text) == (caller != "creditor"), caller
