"""Long replies become several messages, broken only between paragraphs (unit level)."""

from __future__ import annotations

from bot.telegram import render as r
from flows import Message


def test_long_message_is_split_between_paragraphs_and_escaped() -> None:
    paragraphs = [f"<{n}> " + " ".join(["word & more"] * 150) for n in range(6)]  # ~1,800 each
    outs = r.render([Message("\n\n".join(paragraphs))])
    assert len(outs) >= 3
    assert all(len(out.text) <= r.LIMIT for out in outs)
    escaped = [p.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
               for p in paragraphs]
    for paragraph in escaped:
        assert sum(paragraph in out.text for out in outs) == 1
    assert "\n\n".join(out.text for out in outs).split("\n\n") == escaped


def test_one_paragraph_longer_than_a_message_is_cut_at_line_breaks() -> None:
    lines = [f"line {n} " + "x" * 90 for n in range(100)]  # ~10,000 chars, no blank line
    outs = r.render([Message("\n".join(lines))])
    assert len(outs) >= 3 and all(len(out.text) <= r.LIMIT for out in outs)
    assert "\n".join(out.text for out in outs).split("\n") == lines


def test_short_message_stays_one_message() -> None:
    outs = r.render([Message("Hello\n\nworld", "warning")])
    assert [out.text for out in outs] == [r.TONE_MARK["warning"] + "Hello\n\nworld"]
