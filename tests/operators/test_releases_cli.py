"""``callshield packs …``: publish with review, history, diff, rollback, status, review, graph.

Each test drives the real command line on a copy of the demo pack and a real SQLite file.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import re
import sqlite3
from contextlib import closing
from pathlib import Path

from bot.packs import PackRegistry
from flows import Pack
from storage import open_store
from tests.operators.conftest import Cli, edit

WALKS = ("--walks", "5")


def first_release(cli: Cli) -> None:
    code, out = cli("packs", "publish", "demo", "--by", "Ann", "--reviewed-by", "Bob",
                    "--note", "first", *WALKS)
    assert code == 0, out
    assert re.match(r"demo release 1 published: version [0-9a-f]{12}, by Ann, reviewed by Bob",
                    out)


def test_a_first_release_needs_a_second_person_to_review_it(cli: Cli, tmp_path: Path) -> None:
    code, out = cli("packs", "publish", "demo", "--by", "Ann", *WALKS)
    assert code == 1 and "changes rules, conditions, citations, letters: a second person" in out
    code, out = cli("packs", "publish", "demo", "--by", "Ann", "--reviewed-by", " ann ", *WALKS)
    assert code == 1 and "someone other than the publisher" in out
    assert cli("packs", "history")[1].startswith("no releases yet")
    first_release(cli)
    code, out = cli("packs", "history", "demo")
    assert "#1" in out and "by Ann; reviewed by Bob on" in out and "<- served" in out
    assert "note: first" in out and "changes: questions +10; rules +4" in out
    with closing(sqlite3.connect(tmp_path / "ops.sqlite3")) as raw:
        actions = [row[0] for row in raw.execute("SELECT action FROM operator_log ORDER BY id")]
    assert actions == ["publish_refused", "publish_refused", "published"]


def test_a_broken_pack_or_a_failing_test_is_refused_with_its_place(cli: Cli,
                                                                   packs: Path) -> None:
    edit(packs / "demo" / "nodes.yaml", "next: when", "next: wehn")
    code, out = cli("packs", "publish", "demo", "--by", "Ann", "--reviewed-by", "Bob", *WALKS)
    assert code == 1 and "nothing was stored" in out
    assert re.search(r"demo/nodes\.yaml:\d+: error: next node 'wehn' does not exist — did you "
                     r"mean 'when'\?", out)
    edit(packs / "demo" / "nodes.yaml", "next: wehn", "next: when")
    # A test that fails (every rule still has its test, or the validator would refuse first,
    # naming the rule no test triggers: tests/flows/test_folderchecks.py)
    edit(packs / "demo" / "tests" / "basic.yaml", "findings: [third_parties, night, "
         "many_calls]", "findings: [third_parties, night, many_calls, threats]")
    code, out = cli("packs", "publish", "demo", "--by", "Ann", "--reviewed-by", "Bob", *WALKS)
    assert code == 1 and ("findings: expected ['third_parties', 'night', 'many_calls', "
                          "'threats'], got ['third_parties'") in out
    assert cli("packs", "history")[1].startswith("no releases yet")


def test_texts_publish_without_review_but_rules_do_not(cli: Cli, packs: Path) -> None:
    first_release(cli)
    code, out = cli("packs", "publish", "demo", "--by", "Ann", *WALKS)
    assert code == 1 and "identical to the release being served (1)" in out
    edit(packs / "demo" / "nodes.yaml", "Who contacted you?", "Who called you?")
    code, out = cli("packs", "diff", "demo")
    assert "questions:\n  ~ caller\n      text (en): “Who contacted you?” → “Who called you?”" \
        in out
    code, out = cli("packs", "publish", "demo", "--by", "Ann", "--note", "clearer", *WALKS)
    assert code == 0 and "demo release 2 published" in out and "reviewed by -" in out
    edit(packs / "demo" / "rules.yaml", "severity: medium", "severity: high")
    code, out = cli("packs", "diff", "demo")
    assert "rules:\n  ~ night\n      severity: 'medium' → 'high'" in out
    code, out = cli("packs", "publish", "demo", "--by", "Ann", *WALKS)
    assert code == 1 and "changes rules: a second person must review it" in out
    code, out = cli("packs", "history", "demo")
    assert "not reviewed itself (last review " in out and "by Bob)" in out


def test_diff_reads_as_rules_citations_and_letters_between_two_releases(
        cli: Cli, packs: Path) -> None:
    first_release(cli)
    edit(packs / "demo" / "rules.yaml", "when: {fact: count, gte: 10}",
         "when: {fact: count, gte: 8}")
    edit(packs / "demo" / "rules.yaml", "effective: 2021-01-01", "effective: 2021-01-02")
    code, out = cli("packs", "publish", "demo", "--by", "Ann", "--reviewed-by", "Bob", *WALKS)
    assert code == 1 and "letter 'complaint' differs from its golden letter text" in out  # the date
    assert cli("flows", "goldens", "demo", "--update")[0] == 0  # (read, then commit it)
    assert cli("packs", "publish", "demo", "--by", "Ann", "--reviewed-by", "Bob", *WALKS)[0] == 0
    code, out = cli("packs", "diff", "demo@1", "demo@2")
    assert code == 0
    assert "rules:\n  ~ many_calls\n      when:\n        before: the answer to “How many " \
        "contacts today?” is 10 or more\n        after: the answer to “How many contacts " \
        "today?” is 8 or more" in out
    assert "citations:\n  ~ civil_1033\n      effective: datetime.date(2021, 1, 1) → " \
        "datetime.date(2021, 1, 2)" in out
    assert "questions" not in out


def test_stage_then_publish_and_roll_back_as_new_releases(cli: Cli, packs: Path,
                                                          tmp_path: Path) -> None:
    first_release(cli)
    edit(packs / "demo" / "rules.yaml", "severity: medium", "severity: high")
    code, out = cli("packs", "publish", "demo", "--by", "Ann", "--reviewed-by", "Bob",
                    "--stage", *WALKS)
    assert code == 0 and "release 2 stored (staged, not served yet)" in out
    code, out = cli("packs", "status")
    assert "demo: serving release #1" in out and "staged: release #2" in out
    code, out = cli("packs", "publish", "demo", "--release", "2", "--by", "Carol", *WALKS)
    assert code == 0 and "demo release 3 published" in out
    code, out = cli("packs", "rollback", "demo", "1", "--by", "Carol", "--note",
                    "the severity change was wrong", *WALKS)
    assert code == 0 and "demo release 4 published: the content of release 1" in out
    code, out = cli("packs", "rollback", "demo", "1", "--by", "Carol", "--note", "again",
                    *WALKS)
    assert code == 1 and "has the content being served already (release 4)" in out
    code, out = cli("packs", "rollback", "demo", "9", "--by", "Carol", "--note", "x", *WALKS)
    assert code == 1 and "no release 9 (releases: 1, 2, 3, 4)" in out
    code, out = cli("packs", "history", "demo")
    hashes = re.findall(r"#(\d)\s+\S+ \S+ UTC\s+(\w+(?: of #\d)?)\s+([0-9a-f]{12})", out)
    assert [(n, action) for n, action, _ in hashes] == [
        ("1", "publish"), ("2", "stage"), ("3", "promote of #2"), ("4", "rollback of #1")]
    assert hashes[0][2] == hashes[3][2] and hashes[1][2] == hashes[2][2]
    assert "note: the severity change was wrong" in out


def test_users_see_the_review_of_the_release_they_are_served(cli: Cli,
                                                             tmp_path: Path) -> None:
    first_release(cli)

    async def served() -> dict[str, Pack]:
        store = await open_store(tmp_path / "ops.sqlite3")
        try:
            return await PackRegistry(store, report=False).load()
        finally:
            await store.close()

    packs = asyncio.run(served())
    meta = packs["demo"].data.pack
    assert packs["demo"].release == 1
    assert meta.reviewed_by == "Bob"
    assert meta.reviewed_on == dt.datetime.now(dt.timezone(dt.timedelta(hours=8))).date()


def test_the_review_packet_has_every_question_rule_citation_letter_and_the_flow(
        cli: Cli, tmp_path: Path) -> None:
    out_file = tmp_path / "review.html"
    code, out = cli("packs", "review", "demo", "--lang", "zh-Hans", "--out", str(out_file))
    assert code == 0 and str(out_file) in out
    page = out_file.read_text(encoding="utf-8")
    for needle in ("<svg", "flowchart TD", "谁联系了您？", "Who contacted you?",  # source text
                   "many_calls", "“今天联系了几次？”的回答不少于10", "civil_1033",
                   'href="https://', "2021-01-01", "投诉信", "附件：联系记录（共 3 次）",
                   "为什么问"):
        assert needle in page, needle
    first_release(cli)
    code, _ = cli("packs", "review", "demo@1", "--out", str(out_file))
    assert code == 0 and "release 1" in out_file.read_text(encoding="utf-8")


def test_the_flow_graph_in_three_formats(cli: Cli, tmp_path: Path) -> None:
    code, out = cli("packs", "graph", "demo")
    assert code == 0 and out.startswith("flowchart TD\n") and "caller -.->|" in out
    code, out = cli("packs", "graph", "demo", "--format", "dot")
    assert out.startswith("digraph pack {") and "caller -> lender [style=dashed" in out
    code, out = cli("packs", "graph", "demo", "--format", "svg", "--out",
                    str(tmp_path / "g.svg"))
    svg = (tmp_path / "g.svg").read_text(encoding="utf-8")
    assert svg.startswith("<svg") and svg.count("<rect") == 10 and "<script" not in svg
