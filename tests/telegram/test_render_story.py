"""The story and "here is what I understood" in Telegram: tap to untick, Done, tap hints."""

from __future__ import annotations

from bot.telegram import render as r
from flows import Question, events
from tests.flows.storykit import act, story_pack, tell
from flows import start
from tests.flows.storykit import NOW


def buttons(out: r.Out) -> list[tuple[str, str]]:
    return [(b.text, b.callback_data) for row in out.markup.inline_keyboard  # type: ignore[union-attr]
            for b in row]


def test_confirmation_buttons_are_ticked_and_end_with_done() -> None:
    step = tell("他们昨天晚上十点给我妈打了三十多次电话，还找人来收拾你。")
    first = step.state.proposals[0]["id"]
    step = act(step, events.Pick("story", first))
    (out,) = r.render([reply for reply in step.replies if isinstance(reply, Question)])
    labels = buttons(out)
    assert labels[0] == ("1. 最近一次联系: 2026-11-27 22:00", f"c:story:{first}")  # unticked
    assert all(text.startswith("\u2705 ") for text, _ in labels[1:4])
    assert ("没错，继续", "d:story") in labels
    assert "有不对的请点一下取消勾选" in out.text  # Telegram says "tap"
    assert "“找人来收拾”" in out.text


def test_the_story_question_offers_skip_and_says_tap() -> None:
    step = start(story_pack(), "en", now=NOW)
    (out,) = [o for o in r.render(step.replies) if o.markup is not None]
    assert ("Skip", "k:story") in buttons(out)
    assert "tap “Skip”" in out.text and "type ? to skip" not in out.text


def test_a_long_confirmation_is_cut_before_escaping() -> None:
    question = Question(node="story", kind="confirm", text="<&>" * 2000, tap_hint="Tap.",
                        done_label="OK")
    text = r.question_text(question)
    assert len(text) <= r.LIMIT and text.endswith("<i>Tap.</i>")
    body = text.split("\n\n<i>")[0]
    assert body.replace("&lt;", "").replace("&amp;", "").replace("&gt;", "").strip("…") == ""
