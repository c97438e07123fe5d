"""Fixtures for the letters: stand-in packs, a fixed day, and incidents as storage returns them."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from flows import Pack, load_pack
from storage.records import IncidentRow
from tests.conftest import ROOT

HERE = Path(__file__).resolve().parent
TEMPLATES = ROOT / "templates"
FIXTURE_PACKS = HERE / "fixtures" / "packs"
TODAY = dt.date(2026, 11, 28)
PROFILES = {
    "cn": {"full_name": "张三", "phone": "139 0000 0000", "address": "上海市浦东新区某路1号",
           "id_number": "310101199001011234", "loan_number": "HJ-2026-0042",
           "prior_complaint": "11月20日在App客服投诉，未处理", "complaint_reference": "TS-0087"},
    "us": {"full_name": "Jane Doe", "phone": "(212) 555-0100",
           "address": "12 Main Street, Springfield, NY 10001", "loan_number": "AC-77120"},
}
PROFILES["demo"] = PROFILES["cn"]
LENDER = "惠今金融"
AGENCY = "速达催收"

IncidentFactory = Callable[..., IncidentRow]


@pytest.fixture(scope="session")
def cn_pack() -> Pack:
    return load_pack(FIXTURE_PACKS / "cn", TEMPLATES)


@pytest.fixture(scope="session")
def us_pack() -> Pack:
    return load_pack(FIXTURE_PACKS / "us", TEMPLATES)


def make_incident(number: int, pack: Pack, occurred_at: str | None, *, caller: str = "13800138000",
                  lender: str | None = LENDER, agency: str | None = AGENCY,
                  channel: str | None = "call", others: list[str] | None = None,
                  story: str | None = "催收员在电话里说要去我单位") -> IncidentRow:
    """An incident row as storage returns it, its facts as the service stores them."""
    facts: dict[str, Any] = {"caller": "agency" if agency else "lender", "lender": lender,
                             "agency": agency, "channel": channel, "when": occurred_at,
                             "number": caller, "others": others or [], "story": story}
    facts = {k: v for k, v in facts.items() if v is not None and k in pack.fact_kinds}
    return IncidentRow(
        id=number, user_id=1, created_at=f"2026-11-28T00:{number // 60:02d}:{number % 60:02d}"
        ".000000+00:00", findings=(), occurred_at=occurred_at, caller_number=caller,
        lender=lender, agency=agency, channel=channel,
        facts_json=json.dumps(facts, ensure_ascii=False, sort_keys=True), description=story,
        pack_id=pack.id, pack_version=pack.version)


SAMPLES: dict[str, dict[str, Any]] = {
    "cn": {"offset": "+08:00", "lender": LENDER, "agency": AGENCY,
           "numbers": ("13800138000", "+86 171 0000 1111"),
           "stories": ("催收员说要上门", "给我母亲发短信，说我欠钱不还", "打到我单位前台")},
    "us": {"offset": "-05:00", "lender": "Acme Lending", "agency": "Swift Recovery LLC",
           "numbers": ("(800) 555-0199", "(646) 555-0123"),
           "stories": ("Said they would come to my house", "Texted my mother about the debt",
                       "Called the front desk at my work")},
}
SAMPLES["demo"] = SAMPLES["cn"]


def sample_incidents(pack: Pack) -> list[IncidentRow]:
    """Three contacts around the public-order law's change on 2026-01-01 (two at night)."""
    sample = SAMPLES[pack.id]
    offset, names = sample["offset"], {"lender": sample["lender"], "agency": sample["agency"]}
    first, second, third = sample["stories"]
    usual, other = sample["numbers"]
    return [
        make_incident(1, pack, f"2025-12-31T23:10:00{offset}", caller=usual, story=first,
                      **names),
        make_incident(2, pack, f"2026-01-02T07:40:00{offset}", caller=usual, channel="sms",
                      others=["family"], story=second, **names),
        make_incident(3, pack, f"2026-11-27T14:30:00{offset}", caller=other,
                      others=["employer"], story=third, **names),
    ]


@pytest.fixture
def incident() -> IncidentFactory:
    return make_incident
