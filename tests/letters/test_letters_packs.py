"""The shipped packs (flows/packs/cn and us): every letter renders, with everything reported.

An interview that answers every question with "yes, all of it" reaches most rules, so each
rule's citations pass through the templates. Skipped while a pack folder does not exist or
does not validate for reasons of its own (its template problems always fail here).
"""

from __future__ import annotations

import datetime as dt
import zoneinfo

import pytest

from bot.letters import (
    build_context,
    letter_document,
    letter_text,
    preview_text,
    render_files,
)
from flows import Pack, Question, advance, events, inspect_pack, packs_dir, start
from tests.letters.conftest import PROFILES, TEMPLATES, TODAY, make_incident

SAY = {"text": "测试公司", "phone": "13800138000", "number": "12",
       "datetime": "2026-11-27 23:30"}


def shipped(pack_id: str) -> Pack:
    """The shipped pack; its letter problems fail here, other problems belong to its own tests."""
    folder = packs_dir() / pack_id
    if not folder.is_dir():
        pytest.skip(f"{folder} does not exist yet")
    pack, issues = inspect_pack(folder, TEMPLATES)
    errors = [issue for issue in issues if issue.level == "error"]
    ours = [str(i) for i in errors if i.check == "template" or str(TEMPLATES) in i.file
            or "template" in i.message]
    assert not ours, f"pack {pack_id}: letter templates are wrong: {ours}"
    if pack is None:
        pytest.skip(f"pack {pack_id} does not validate yet (not a letters problem): "
                    f"{[str(i) for i in errors][:3]}")
    return pack


def everything_happened(pack: Pack, language: str) -> str:
    """A finished interview that ticks every option; its state as JSON."""
    now = dt.datetime(2026, 11, 28, 12, 0, tzinfo=zoneinfo.ZoneInfo(pack.timezone))
    step = start(pack, language, now=now)
    for _ in range(300):
        if step.state.status == "done":
            return step.state.to_json()
        question = next((r for r in step.replies if isinstance(r, Question)), None)
        assert question is not None, f"no question at {step.state.path[-1]}"
        node, before = question.node, step.state
        if question.kind == "multi":
            for choice in question.choices:
                step = advance(pack, step.state, events.Pick(node, choice.id), now=now)
            event: events.Event = events.Done(node)
        elif question.choices:
            ids = [c.id for c in question.choices]
            event = events.Pick(node, "yes" if "yes" in ids else ids[0])
        else:
            event = events.Say(SAY.get(question.kind, "测试"))
        step = advance(pack, step.state, event, now=now)
        if step.state.path == before.path and step.state.answers == before.answers:
            step = advance(pack, step.state, events.DontKnow(node), now=now)
    raise AssertionError(f"the interview did not finish: {step.state.path[-3:]}")


@pytest.mark.parametrize("pack_id", ["cn", "us"])
def test_every_letter_of_a_shipped_pack_renders(pack_id: str) -> None:
    pack = shipped(pack_id)
    assert pack.data.letters, f"pack {pack_id} offers no letters"
    offset = dt.datetime(2026, 11, 27, tzinfo=zoneinfo.ZoneInfo(pack.timezone)).strftime("%z")
    offset = f"{offset[:3]}:{offset[3:]}"
    rows = [make_incident(i, pack, f"2026-11-{20 + i}T23:0{i}:00{offset}", lender="惠今金融")
            for i in range(3)]
    state_json = everything_happened(pack, pack.default_language)
    for letter_id, letter in pack.data.letters.items():
        for kwargs in ({"state_json": state_json}, {"facts": {}}):
            context = build_context(pack, letter_id, incidents=rows, profile=PROFILES[pack_id],
                                    today=TODAY, **kwargs)  # type: ignore[arg-type]
            doc = letter_document(pack, letter_id, context, TEMPLATES)
            assert doc.language == letter.language and doc.annex is not None
            preview = preview_text(pack, letter_id, context, "en", TEMPLATES)
            whole = letter_text(pack, letter_id, context, TEMPLATES)  # the party may be in
            assert context["lender"] in whole or context["agency"] in whole, letter_id  # layout
            for text in (preview, whole):
                assert "{{" not in text and "{%" not in text, letter_id  # no source leaked
        assert [name.rsplit(".", 1)[1] for name, _ in
                render_files(pack, letter_id, context, TEMPLATES)] == ["pdf", "docx"]
