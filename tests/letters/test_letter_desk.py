"""The letter desk over a real SQLite file: order of letters, details asked, skipped, kept."""

from __future__ import annotations

import datetime as dt
import io
import json
from collections.abc import AsyncIterator
from pathlib import Path

import docx
import pytest

from bot.letters.desk import MAX_DETAIL, PENDING_KEY, DetailRejected, LetterDesk, Pending
from bot.letters.words import DETAILS
from bot.service import GuidanceService
from flows import Pack, load_pack
from flows.letters import BLANK, SENDER_FIELDS
from flows.schema import ADDRESSEE_TYPES
from storage import NewIncident, open_store
from tests.conftest import ROOT
from tests.documents.pdf_inspect import page_texts, squash
from tests.letters.conftest import TEMPLATES

NOW = dt.datetime(2026, 11, 28, 15, 0, tzinfo=dt.UTC)  # 23:00 in Shanghai


@pytest.fixture(scope="module")
def cn_pack() -> Pack:
    """The mainland China pack as it ships, with its real letter templates."""
    return load_pack(ROOT / "flows" / "packs" / "cn", TEMPLATES)


@pytest.fixture
async def desk(tmp_path: Path, cn_pack: Pack) -> AsyncIterator[LetterDesk]:
    store = await open_store(tmp_path / "desk.sqlite3")
    service = GuidanceService(store, {"cn": cn_pack}, channel="test", clock=lambda: NOW)
    yield LetterDesk(service)
    await store.close()


async def user_with_report(desk: LetterDesk, pack: Pack):  # type: ignore[no-untyped-def]
    user = await desk.service.user("42", language="en")
    user = await desk.service.set_jurisdiction(user, "cn")
    facts = {"caller": "agency", "lender": "惠今金融", "agency": "速达催收",
             "when": "2026-11-27T22:30:00+08:00", "number": "13800138000",
             "story": "催收员说要上门"}
    facts = {k: v for k, v in facts.items() if k in pack.fact_kinds}
    await desk.service.store.add_incident(user.id, NewIncident(
        occurred_at="2026-11-27T22:30:00+08:00", caller_number="13800138000",
        lender="惠今金融", agency="速达催收", channel="call",
        facts_json=json.dumps(facts, ensure_ascii=False), description="催收员说要上门",
        pack_id=pack.id, pack_version=pack.version), [])
    return user


def test_every_sender_and_addressee_detail_is_worded_in_every_language() -> None:
    parties = {f"{kind}_{detail}" for kind in ADDRESSEE_TYPES for detail in ("name", "address")}
    for table in DETAILS.values():
        assert set(table) == set(SENDER_FIELDS) | parties
        assert all(label and prompt for label, prompt in table.values())


async def test_choices_need_a_report_and_list_every_letter(desk: LetterDesk,
                                                           cn_pack: Pack) -> None:
    user = await desk.service.user("7", language="zh-Hans")
    user = await desk.service.set_jurisdiction(user, "cn")
    assert not await desk.has_reports(user)
    choices = await desk.choices(user)
    assert [c.id for c in choices] == list(cn_pack.data.letters)
    assert choices[0].title == cn_pack.text(cn_pack.data.letters[choices[0].id].title, "zh-Hans")
    assert not any(c.suggested for c in choices)  # no finished interview yet


async def test_details_are_asked_in_order_skipped_once_and_kept(desk: LetterDesk,
                                                                cn_pack: Pack) -> None:
    user = await user_with_report(desk, cn_pack)
    assert await desk.has_reports(user)
    fields = desk.fields(user, "police_report")
    assert fields == (*cn_pack.data.letters["police_report"].fields, "police_name")
    first = await desk.next_detail(user, "police_report")
    assert first == fields[0]
    await desk.ask(user, "police_report", first)
    pending = await desk.pending(user)
    assert pending == Pending("police_report", fields[0])
    with pytest.raises(DetailRejected) as empty:
        await desk.give(user, pending, "  \n ")
    assert empty.value.reason == "detail_empty"
    with pytest.raises(DetailRejected):
        await desk.give(user, pending, "x" * (MAX_DETAIL + 1))
    assert await desk.details(user) == {}  # bad input changed nothing
    following = await desk.give(user, pending, "  张三\n ")
    assert following == fields[1]
    assert (await desk.details(user))[fields[0]] == "张三"
    after_skip = await desk.skip(user, Pending("police_report", fields[1]))
    assert after_skip == fields[2]  # the skipped detail is not asked again for this letter
    assert await desk.pending(user) == Pending("police_report", fields[2])
    assert PENDING_KEY not in await desk.details(user)
    context = await desk.context(user, "police_report")
    assert context["sender"]["full_name"] == "张三"
    assert context["sender"][fields[1]] == BLANK  # type: ignore[literal-required]
    await desk.forget_details(user, fields)
    assert await desk.details(user) == {} and await desk.pending(user) is None


async def test_a_pending_detail_of_a_letter_no_longer_offered_is_dropped(
        desk: LetterDesk, cn_pack: Pack) -> None:
    user = await user_with_report(desk, cn_pack)
    await desk.service.store.set_profile_field(user.id, PENDING_KEY, "retired_letter full_name")
    assert await desk.pending(user) is None


async def test_preview_and_files_from_storage(desk: LetterDesk, cn_pack: Pack,
                                              tmp_path: Path) -> None:
    user = await user_with_report(desk, cn_pack)
    await desk.service.store.set_profile_field(user.id, "full_name", "张三")
    preview = await desk.preview(user, "police_report")
    assert preview.startswith("Police report")  # the English note comes first for an en chat
    assert "惠今金融" in preview and "张三" in preview
    name, pdf = await desk.file(user, "police_report", "pdf")
    assert name == "报案材料-2026-11-28.pdf"  # short, and never what the user typed
    text = "".join(page_texts(pdf))
    assert "张三" in text and "2026年11月27日22:30" in text  # annex row: local date and time
    paths = await desk.write(user, "police_report", tmp_path / "out")
    assert [p.suffix for p in paths] == [".pdf", ".docx"] and all(p.stat().st_size for p in paths)
    body = squash("\n".join(p.text for p in docx.Document(io.BytesIO(paths[1].read_bytes()))
                            .paragraphs))
    assert "张三" in body
    actions = [a.action for a in await desk.service.store.list_audit(user.id)]
    assert actions.count("letter_drafted") == 2
    exported = json.dumps(await desk.service.export(user), ensure_ascii=False)
    assert "张三" in exported  # the user's copy of their data holds their letter details
    await desk.service.forget(user)
    again = await desk.service.user("42")
    assert await desk.details(again) == {}


def test_font_warm_up_loads_the_pdf_font_in_the_background() -> None:
    from bot.documents import fonts
    from bot.letters.desk import warm_up_fonts

    thread = warm_up_fonts()
    assert thread.daemon and thread.name == "font-warm-up"
    thread.join(120)
    assert not thread.is_alive()
    assert fonts._Cache.base is not None  # the reduced program is parsed: first PDF is fast


async def test_a_letter_is_dated_in_the_users_own_time_zone(tmp_path: Path) -> None:
    from flows import start

    us = load_pack(ROOT / "flows" / "packs" / "us", TEMPLATES)
    late_evening_in_california = dt.datetime(2026, 11, 29, 5, 0, tzinfo=dt.UTC)  # NY: 29th
    store = await open_store(tmp_path / "zone.sqlite3")
    try:
        service = GuidanceService(store, {"us": us}, channel="test",
                                  clock=lambda: late_evening_in_california)
        desk = LetterDesk(service)
        user = await service.set_jurisdiction(await service.user("9", language="en"), "us")
        letter = next(iter(us.data.letters))
        assert (await desk.context(user, letter))["date"] == "2026-11-29"  # pack zone: New York
        state = start(us, "en", now=late_evening_in_california,
                      timezone="America/Los_Angeles").state
        await store.save_conversation(user.id, state.to_json(), us.id, us.version)
        assert (await desk.context(user, letter))["date"] == "2026-11-28"
    finally:
        await store.close()


async def test_a_skipped_detail_is_not_asked_for_the_next_letter(desk: LetterDesk,
                                                                 cn_pack: Pack) -> None:
    user = await user_with_report(desk, cn_pack)
    first = await desk.next_detail(user, "police_report")
    assert first == "full_name"
    await desk.give(user, Pending("police_report", "full_name"), "张三")
    await desk.skip(user, Pending("police_report", "id_number"))  # not for a collector's eyes
    asked = []
    field = await desk.next_detail(user, "regulator_complaint")
    while field is not None:
        asked.append(field)
        field = await desk.skip(user, Pending("regulator_complaint", field))
    assert "id_number" not in asked and "full_name" not in asked  # given or skipped: not again
    assert asked[-2:] == ["regulator_name", "regulator_address"]  # the addressee's, last
    assert await desk.next_detail(user, "regulator_complaint") is None
    assert "letter_skipped" not in await desk.details(user)  # bookkeeping is not a detail
    await desk.forget_details(user, desk.fields(user, "regulator_complaint"))  # re-enter
    assert await desk.next_detail(user, "regulator_complaint") == "full_name"


async def test_the_addressees_name_from_the_report_is_offered_and_used(
        desk: LetterDesk, cn_pack: Pack) -> None:
    from bot.letters.words import detail_prompt

    user = await user_with_report(desk, cn_pack)
    assert await desk.hint(user, "lender_complaint", "lender_name") == "惠今金融"
    assert await desk.hint(user, "lender_complaint", "lender_address") is None
    assert "惠今金融" in detail_prompt("lender_name", "zh-Hans", "惠今金融")
    await desk.skip(user, Pending("lender_complaint", "lender_name"))
    context = await desk.context(user, "lender_complaint")
    assert context["addressee"]["name"] == "惠今金融"  # skipped: the report's name
    await desk.service.store.set_profile_field(user.id, "lender_name", "惠今金融信息服务有限公司")
    context = await desk.context(user, "lender_complaint")
    assert context["addressee"]["name"] == "惠今金融信息服务有限公司"
    assert context["addressee"]["address"] == BLANK


async def test_details_are_changed_from_settings_and_a_skip_is_not_asked_again(
        desk: LetterDesk, cn_pack: Pack) -> None:
    """Name, ID, address, phone, loan number: given once, used by every letter; a skipped one
    is not asked for the next letter; "change my details" replaces one without a letter."""
    from bot.letters.desk import SETTINGS

    user = await user_with_report(desk, cn_pack)
    field = await desk.next_detail(user, "regulator_complaint")
    assert field == "full_name"
    field = await desk.give(user, Pending("regulator_complaint", field), "王芳")
    assert field == "id_number"
    await desk.skip(user, Pending("regulator_complaint", "id_number"))
    # the next letter asks neither the name nor the skipped ID number
    assert await desk.next_detail(user, "police_report") not in ("full_name", "id_number")
    assert ("full_name", "王芳") in await desk.my_details(user)
    assert ("id_number", None) in await desk.my_details(user)
    assert await desk.change_detail(user, "id_number")
    assert await desk.pending(user) == Pending(SETTINGS, "id_number")
    assert await desk.give(user, Pending(SETTINGS, "id_number"), "430102199203150021") is None
    assert await desk.pending(user) is None
    assert ("id_number", "430102199203150021") in await desk.my_details(user)
    context = await desk.context(user, "police_report")
    assert context["sender"]["id_number"] == "430102199203150021"
    assert not await desk.change_detail(user, "not_a_detail")


async def test_own_words_in_the_annex_only_as_she_chooses(desk: LetterDesk,
                                                          cn_pack: Pack) -> None:
    user = await user_with_report(desk, cn_pack)
    assert await desk.own_words(user, "lender_complaint") == ["催收员说要上门"]
    assert await desk.annex_words(user, "lender_complaint") is None
    assert not (await desk.context(user, "lender_complaint"))["annex_words"]  # a lender
    assert (await desk.context(user, "police_report"))["annex_words"]  # the police
    await desk.choose_annex_words(user, "lender_complaint", True)
    assert await desk.annex_words(user, "lender_complaint") is True
    assert (await desk.context(user, "lender_complaint"))["annex_words"]
    await desk.choose_annex_words(user, "police_report", False)
    assert not (await desk.context(user, "police_report"))["annex_words"]
