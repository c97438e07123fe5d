"""The validator's legal-source rules: official links only, dates given or explained, nothing
cited as hearsay, no research notes in what users read."""

from __future__ import annotations

from pathlib import Path
from string import Template

import pytest

from flows.lawchecks import official_host
from tests.flows.packkit import END, clean_pack, issues_of, write_pack

NODES = """\
start:
  kind: yesno
  text: Did they call you at night?
  help: Night calls are limited.
  reprompt: Please tap a button.
  next: done
""" + END

RULES = """\
rules:
  - id: night
    when: {fact: start, equals: "yes"}
    severity: medium
    title: Night calls
    explanation: $explanation
    citations: [reg_f]
    channels: [cfpb]
citations:
  reg_f:
    law: Regulation F
    kind: $kind
    article: 12 CFR 1006.6(b)(1)
$dated    url: $url
    checked_against: [https://github.com/example/us-code-mirror]
    confidence: $confidence
channels:
  cfpb:
    name: CFPB
    contact: consumerfinance.gov/complaint
    url: $channel_url
"""
GOOD = {"explanation": "They may not call before 8 a.m.", "kind": "regulation",
        "dated": "    effective: 2021-11-30\n",
        "url": "https://www.ecfr.gov/current/title-12/part-1006/section-1006.6",
        "confidence": "verified-from-source",
        "channel_url": "https://www.consumerfinance.gov/complaint/"}


def _errors(tmp_path: Path, **change: str) -> list[str]:
    extra = Template(RULES).substitute({**GOOD, **change})
    folder = write_pack(tmp_path / "p", NODES, start="start", extra=extra)
    return [f"{i.check}: {i.message}" for i in issues_of(folder) if i.level == "error"]


def test_a_sound_pack_passes_and_the_checked_copy_is_not_a_link_shown(tmp_path: Path) -> None:
    clean_pack(tmp_path / "ok", NODES, start="start", extra=Template(RULES).substitute(GOOD))


@pytest.mark.parametrize(("change", "expected"), [
    ({"url": "https://github.com/codexstanford/usc/blob/main/1692c.md"},
     "source: https://github.com/codexstanford/usc/blob/main/1692c.md is not an official"),
    ({"url": "https://law.lawstack.com/cfr/12/1006.14/"}, "law.lawstack.com/cfr"),
    ({"url": "https://ecfr.gov.evil.example/x"}, "is not an official source"),
    ({"channel_url": "https://lawserver.com/x"}, "lawserver.com/x is not an official"),
    ({"explanation": "See https://caclf.com/rosenthal-act for the text."},
     "caclf.com/rosenthal-act is not an official"),
    ({"dated": ""}, "date: citation 'reg_f' has no effective date"),
    ({"confidence": "secondary"}, "confidence: citation 'reg_f' (regulation) is only secondary"),
    ({"confidence": "secondary", "kind": "industry_standard"}, "(industry standard) is only"),
    ({"explanation": "Phone details come from an older CFPB toolkit — check the website."},
     "wording: 'older CFPB toolkit' reads like a research note"),
    ({"explanation": "As reported by secondary sources, they may not call at night."},
     "wording: 'secondary sources' reads like a research note"),
    ({"explanation": "They may not call at night [M]."}, "'[M]' reads like a research note"),
])
def test_each_rule_names_the_problem(tmp_path: Path, change: dict[str, str],
                                     expected: str) -> None:
    errors = _errors(tmp_path, **change)
    assert any(expected in error for error in errors), errors


def test_an_undated_citation_needs_its_reason_and_not_both(tmp_path: Path) -> None:
    reason = "    undated_reason: the regulator's page gives no in-force date\n"
    assert _errors(tmp_path, dated=reason) == []
    both = GOOD["dated"] + reason
    assert any("both an effective date and an undated_reason" in e
               for e in _errors(tmp_path, dated=both))


def test_official_hosts_match_whole_labels() -> None:
    domains = ["ecfr.gov", "flk.npc.gov.cn"]
    assert official_host("https://www.ecfr.gov/current/title-12", domains)
    assert official_host("https://flk.npc.gov.cn/detail2.html?x", domains)
    assert not official_host("https://notecfr.gov/x", domains)
    assert not official_host("https://ecfr.gov.example.com/x", domains)
    assert not official_host("https://npc.gov.cn/x", domains)


def test_domains_must_be_bare_host_names(tmp_path: Path) -> None:
    folder = write_pack(tmp_path / "d", NODES, start="start", extra=Template(RULES).substitute(GOOD))
    text = (folder / "pack.yaml").read_text(encoding="utf-8")
    (folder / "pack.yaml").write_text(text.replace("official_domains: [consumerfinance.gov",
                                                   "official_domains: [https://consumerfinance"
                                                   ".gov"), encoding="utf-8")
    messages = [i.message for i in issues_of(folder)]
    assert any("is not a host name such as ecfr.gov" in m for m in messages), messages
