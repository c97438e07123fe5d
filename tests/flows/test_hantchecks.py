"""The validator's script checks: zh-Hant reads as Taiwan/Hong Kong Chinese, zh-Hans holds no
Traditional characters, in pack texts and in letter templates, each at file:line."""

from __future__ import annotations

import textwrap
from pathlib import Path

from flows import inspect_pack
from flows.hantchecks import hans_problems, hant_problems, script_tables
from flows.issues import PackIssue

HEAD = """\
pack:
  id: kit
  jurisdiction: TEST
  name: {zh-Hans: 测试, zh-Hant: 測試}
  languages: [zh-Hans, zh-Hant]
  default_language: zh-Hans
  version: "1"
  reviewed_on: 2026-11-20
  reviewed_by: tests
  timezone: Asia/Shanghai
  official_domains: [flk.npc.gov.cn]
  start: start
  disclaimer: {zh-Hans: 不是法律意见。, zh-Hant: 不是法律意見。}
safety:
  unsafe: {zh-Hans: 有危险请报警。, zh-Hant: 有危險請報警。}
"""
NODES = """\
nodes:
  start:
    kind: yesno
    text:
      zh-Hans: 他们联系过您吗？
      zh-Hant: {hant}
    help: {{zh-Hans: 我们想知道。, zh-Hant: 我們想知道。}}
    reprompt: {{zh-Hans: 请点按钮。, zh-Hant: 請點按鈕。}}
    next: done
  done:
    kind: end
    text: {{zh-Hans: {hans_end}, zh-Hant: 謝謝。}}
"""
CITATIONS = """\
rules:
  - id: r
    when: {fact: start, equals: "yes"}
    severity: low
    title: {zh-Hans: 标题, zh-Hant: 標題}
    explanation: {zh-Hans: 说明, zh-Hant: 說明}
    citations: [pipl]
    letters: [letter]
citations:
  pipl:
    kind: statute
    law: {zh-Hans: 中华人民共和国个人信息保护法, zh-Hant: 中華人民共和國個人信息保護法}
    article: {zh-Hans: 第四十七条, zh-Hant: 第四十七條}
    effective: 2021-11-01
    url: https://flk.npc.gov.cn/
    confidence: verified-from-source
letters:
  letter:
    title: {zh-Hans: 信, zh-Hant: 信}
    template: kit/letter.txt.j2
    language: zh-Hant
"""


def _issues(tmp_path: Path, hant: str, hans_end: str = "谢谢。",
            template: str = "請停止聯絡我。\n", ui: str = "") -> list[PackIssue]:
    folder = tmp_path / "pack"
    folder.mkdir()
    (folder / "pack.yaml").write_text(HEAD + ui, encoding="utf-8")
    (folder / "nodes.yaml").write_text(NODES.format(hant=hant, hans_end=hans_end),
                                       encoding="utf-8")
    (folder / "rules.yaml").write_text(CITATIONS, encoding="utf-8")
    templates = tmp_path / "templates"
    (templates / "kit").mkdir(parents=True)
    (templates / "kit" / "letter.txt.j2").write_text(
        '{% include "kit/_part.txt.j2" %}\n', encoding="utf-8")
    (templates / "kit" / "_part.txt.j2").write_text(textwrap.dedent(template), encoding="utf-8")
    return [i for i in inspect_pack(folder, templates)[1] if i.check == "script"]


def test_a_taiwan_usage_pack_passes_and_law_titles_keep_their_official_name(tmp_path: Path) -> None:
    assert _issues(tmp_path, "他們用簡訊聯絡過您嗎？依《個人信息保護法》可以要求刪除。") == []


def test_simplified_characters_in_zh_hant_are_named_with_the_traditional_form(
        tmp_path: Path) -> None:
    issues = _issues(tmp_path, "他们聯絡過您嗎？")
    assert len(issues) == 1
    assert issues[0].file.endswith("nodes.yaml") and issues[0].line == 6
    assert "'们'" in issues[0].message and "'們'" in issues[0].message


def test_mainland_terms_in_zh_hant_get_the_taiwan_hong_kong_word(tmp_path: Path) -> None:
    issues = _issues(tmp_path, "他們用短信聯繫過您、要您轉賬嗎？這條信息有網絡鏈接。")
    found = " ".join(i.message for i in issues)
    for term, instead in (("短信", "簡訊"), ("聯繫", "聯絡"), ("賬", "帳"), ("信息", "訊息"),
                          ("網絡", "網路"), ("鏈接", "連結")):
        assert f"'{term}'" in found and instead in found, term
    assert all(i.line == 6 for i in issues)


def test_one_spelling_of_report_and_taiwan_quotes(tmp_path: Path) -> None:
    found = " ".join(i.message for i in _issues(tmp_path, "“據報道”的說法"))
    assert "報導" in found and "「" in found


def test_traditional_insertions_in_zh_hans_are_errors(tmp_path: Path) -> None:
    issues = _issues(tmp_path, "您好嗎？", hans_end="謝谢。")
    assert len(issues) == 1 and "'謝'" in issues[0].message and "'谢'" in issues[0].message
    assert issues[0].file.endswith("nodes.yaml") and issues[0].line == 12


def test_a_zh_hant_letter_template_and_what_it_includes_are_checked(tmp_path: Path) -> None:
    issues = _issues(tmp_path, "您好嗎？", template="第一行沒問題。\n请停止聯繫我。\n")
    assert issues, "a zh-Hant template with 请 and 聯繫 must fail"
    assert all(i.file.endswith("_part.txt.j2") and i.line == 2 for i in issues)
    found = " ".join(i.message for i in issues)
    assert "'请'" in found and "'聯繫'" in found and "zh-Hant" in found


def test_the_tables_separate_shared_characters_from_one_script_characters() -> None:
    simplified_only, traditional_only = script_tables()
    for shared in "后干里面台松系只才制了借群":  # 群: Taiwan's standard form beside OpenCC's 羣
        assert shared not in simplified_only, shared
    for char in "这们说账联贷":
        assert char in simplified_only, char
    for char in "這們說帳賬聯貸後裡":
        assert char in traditional_only, char
    assert list(hans_problems("著作权、皇后、干扰")) == []
    assert list(hant_problems("皇后、干擾、著作權、後來、裡面、群組")) == []
    assert list(hant_problems("請看官網上的說明")) == []  # 官網上: "on the official site"
    assert any("'聯系'" in p for p in hant_problems("請聯系銀行"))  # a mis-conversion of 联系


def test_interface_overrides_are_checked_too(tmp_path: Path) -> None:
    issues = _issues(tmp_path, "您好嗎？", ui="ui:\n  zh-Hant:\n    finished: 本次信息已記錄。\n")
    assert len(issues) == 1 and "'信息'" in issues[0].message
    assert issues[0].file.endswith("pack.yaml")
