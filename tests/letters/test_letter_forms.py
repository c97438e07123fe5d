"""Letters pasted into regulators' web forms: field by field, in order, plain text; the form and
layout keys checked with the pack."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from pydantic import ValidationError

from bot.letters import build_context, preview_text
from flows import inspect_pack, load_pack
from flows.schema import Letter
from tests.conftest import ROOT
from tests.letters.conftest import FIXTURE_PACKS, PROFILES, TEMPLATES, TODAY, sample_incidents


def test_the_12378_complaint_lists_the_forms_fields_in_order() -> None:
    pack = load_pack(ROOT / "flows" / "packs" / "cn", TEMPLATES)
    context = build_context(pack, "regulator_complaint", incidents=sample_incidents(pack),
                            profile=PROFILES["cn"], today=TODAY)
    text = preview_text(pack, "regulator_complaint", context, "zh-Hans", TEMPLATES)
    labels = ["投诉人姓名：\n张三", "证件号码：\n310101199001011234", "联系电话：\n139 0000 0000",
              "联系地址：\n上海市浦东新区某路1号", "被投诉机构：\n惠今金融",
              "借款合同号或账号：\nHJ-2026-0042",
              "投诉事项：\n我就惠今金融", "投诉请求：\n- 依法核查"]
    places = [text.index(label) for label in labels]
    assert places == sorted(places), "the form's fields, in the form's order"
    assert "#" not in text and "{%" not in text  # nothing but text to paste
    requests = text.split("投诉请求：\n", 1)[1].split("\n\n", 1)[0]
    assert requests.count("\n- ") == 2 and "证据" not in requests  # only that block


def test_the_cfpb_form_gets_the_narrative_and_the_resolution_apart() -> None:
    pack = load_pack(ROOT / "flows" / "packs" / "us", TEMPLATES)
    context = build_context(pack, "cfpb_narrative", incidents=sample_incidents(pack),
                            profile=PROFILES["us"], today=TODAY)
    text = preview_text(pack, "cfpb_narrative", context, "en", TEMPLATES)
    happened = text.split("What happened:\n", 1)[1].split("What would be a fair", 1)[0]
    assert "Swift Recovery LLC" in happened and "fair resolution" not in happened
    assert "What would be a fair resolution:\n- Swift Recovery LLC stops" in text
    assert "Company:\nSwift Recovery LLC" in text and "Account number:\nAC-77120" in text


def broken_form_pack(tmp_path: Path, form: str) -> list[str]:
    folder = tmp_path / "us"
    shutil.copytree(FIXTURE_PACKS / "us", folder)
    pack_file = folder / "pack.yaml"
    pack_file.write_text(pack_file.read_text(encoding="utf-8").replace(
        "    formal_title: Complaint about debt collection\n",
        "    formal_title: Complaint about debt collection\n" + form), encoding="utf-8")
    pack, issues = inspect_pack(folder, TEMPLATES)
    assert pack is None
    return [str(issue) for issue in issues if issue.level == "error"]


def test_a_form_field_naming_a_missing_block_or_value_fails_validation(tmp_path: Path) -> None:
    errors = broken_form_pack(tmp_path, (
        "    form:\n      name: CFPB\n      fields:\n"
        "        - {label: What happened, block: what_hapened}\n"
        "        - {label: Size, value: sender.shoe_size}\n"))
    assert any("block 'what_hapened' is not a {% block %}" in e and "what_happened" in e
               for e in errors), errors
    assert any("value 'sender.shoe_size' is not in the letter context" in e for e in errors)
    assert all("pack.yaml:" in e for e in errors)


@pytest.mark.parametrize("name", ["a b", "x/y", ".hidden", "ab.", "a" * 41])
def test_a_file_name_that_cannot_be_one_is_refused(name: str) -> None:
    with pytest.raises(ValidationError, match="cannot be a file name"):
        Letter(title={"en": "T"}, template="t.txt.j2", language="en", file_name=name)


def test_a_form_field_needs_exactly_one_source() -> None:
    with pytest.raises(ValidationError, match="either value"):
        Letter.model_validate({"title": {"en": "T"}, "template": "t", "language": "en",
                               "form": {"name": {"en": "F"}, "fields": [
                                   {"label": {"en": "L"}, "value": "today", "block": "b"}]}})
