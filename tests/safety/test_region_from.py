"""Crisis lines follow where the person said she is (``safety.region_from``), in the engine
and in the channels' safety gate, and the validator refuses a mapping that cannot work."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from flows import advance, events, load_pack, start
from flows.pack import safety_region
from flows.schema import RegionFrom
from flows.validator import validate_data
from flows.yamlsource import SourceMap

NOW = dt.datetime(2026, 12, 3, 10, 0, tzinfo=dt.UTC)
CRISIS = "我真的不想活了"


def _text(step) -> str:  # noqa: ANN001 - a Step
    return "\n".join(getattr(reply, "text", "") or "" for reply in step.replies)


def _answer_region(option: str):  # noqa: ANN202
    pack = load_pack("elsewhere")
    step = start(pack, "zh-Hant", now=NOW)
    assert step.state.path[-1] == "region"  # the first question: where she is
    return pack, advance(pack, step.state, events.Pick("region", option), now=NOW)


def test_hong_kong_answer_shows_hong_kong_lines() -> None:
    pack, step = _answer_region("hong_kong")
    assert step.state.answers.get("region") == "hong_kong"
    assert safety_region(pack, step.state.answers) == "HK"
    text = _text(advance(pack, step.state, events.Say(CRISIS), now=NOW))
    assert "18111" in text and "999" in text
    assert "1925" not in text  # Taiwan's line is not shown to her


def test_taiwan_answer_shows_taiwan_lines() -> None:
    pack, step = _answer_region("taiwan")
    text = _text(advance(pack, step.state, events.Say(CRISIS), now=NOW))
    assert "1925" in text and "18111" not in text


def test_before_the_answer_the_default_applies() -> None:
    pack = load_pack("elsewhere")
    assert safety_region(pack, {}) == safety_region(pack) == "INTL"


def _issues(region_from: RegionFrom) -> list[str]:
    data = load_pack("elsewhere").data
    safety = data.safety.model_copy(update={"region_from": region_from})
    changed = data.model_copy(update={"safety": safety})
    return [i.message for i in validate_data(changed, SourceMap()) if i.check == "reference"]


def test_validator_names_a_missing_option_and_an_unknown_region() -> None:
    messages = _issues(RegionFrom(node="region", regions={"macau": "MO", "taiwan": "XX"}))
    assert any("'macau' is not an option of 'region'" in m for m in messages)
    assert any("region 'XX' has no crisis lines" in m for m in messages)
    assert not _issues(RegionFrom(node="region", regions={"taiwan": "TW"}))


def test_validator_wants_a_choice_question() -> None:
    messages = _issues(RegionFrom(node="nowhere", regions={"taiwan": "TW"}))
    assert any("region_from.node 'nowhere'" in m for m in messages)


async def test_the_channels_gate_follows_the_answer_too(tmp_path: Path) -> None:
    """The gate in front of every typed message (bot/safety.py) reads the same answer, so a
    person in Taiwan whose phone is set to mainland Chinese still gets Taiwan's lines."""
    from bot.safety import SafetyGate
    from bot.service import GuidanceService
    from storage import open_store

    async with await open_store(tmp_path / "s.sqlite3", cache=False) as store:
        service = GuidanceService(store, {"elsewhere": load_pack("elsewhere")},
                                  channel="console", clock=lambda: NOW)
        user = await service.set_jurisdiction(await service.user("1", language="zh-Hans"),
                                              "elsewhere")
        await service.handle(user, events.Start())
        gate = SafetyGate(service)
        assert gate.regions(user, "zh-CN") == ("INTL",)  # before the answer: "find a local line"
        await service.handle(user, events.Pick("region", "taiwan"))
        assert gate.regions(user, "zh-CN") == ("TW",)
        alarm = await gate.screen(user, CRISIS, where="interview", locale="zh-CN")
        assert alarm is not None and "1925" in alarm.text and "12356" not in alarm.text
