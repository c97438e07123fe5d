"""bot/documents/font_metrics.py: the font's metrics read back from disk equal fpdf2's parse."""

from __future__ import annotations

from pathlib import Path

import pytest
from fpdf.fonts import TTFFont

from bot.documents import font_metrics, fonts, render_pdf

from .samples import chinese_letter, english_letter


@pytest.fixture(scope="module")
def parsed() -> TTFFont:
    return fonts.parse_font(fonts.font_path())


def same(one: TTFFont, other: TTFFont) -> None:
    for name in font_metrics._slots():
        if name in ("subset", "ttfont", "_hbfont", "desc", "cw"):
            continue
        assert hasattr(one, name) == hasattr(other, name), name
        if hasattr(one, name):
            assert getattr(one, name) == getattr(other, name), name
    assert dict(one.cw) == dict(other.cw) and one.cw[0x10FFFD] == other.cw[0x10FFFD]
    assert vars(one.desc) == vars(other.desc)


def test_metrics_are_stored_once_and_read_back_equal(parsed: TTFFont, tmp_path: Path) -> None:
    data = fonts.font_path().read_bytes()
    calls: list[int] = []

    def parse() -> TTFFont:
        calls.append(1)
        return parsed

    first = font_metrics.load_or_parse(data, parse, tmp_path)
    again = font_metrics.load_or_parse(data, parse, tmp_path)
    assert calls == [1] and first is parsed  # parsed once, then read from the file
    assert again is not parsed
    same(again, parsed)


def test_a_damaged_file_is_parsed_again(parsed: TTFFont, tmp_path: Path) -> None:
    data = fonts.font_path().read_bytes()
    font_metrics.load_or_parse(data, lambda: parsed, tmp_path)
    (path,) = tmp_path.glob("*.marshal")
    path.write_bytes(path.read_bytes()[:1000])
    assert font_metrics.load_or_parse(data, lambda: parsed, tmp_path) is parsed
    assert font_metrics.load_or_parse(data, lambda: parsed, tmp_path) is not parsed  # rewritten


def test_an_unwritable_folder_only_costs_the_parse(parsed: TTFFont, tmp_path: Path) -> None:
    blocked = tmp_path / "file"
    blocked.write_text("not a folder")
    data = fonts.font_path().read_bytes()
    assert font_metrics.load_or_parse(data, lambda: parsed, blocked / "sub") is parsed


def test_pdfs_are_the_same_with_the_restored_font(parsed: TTFFont) -> None:
    restored = font_metrics.restore(font_metrics.snapshot(parsed))
    before = fonts._Cache.prototype
    fonts._prototype()
    try:
        outputs = []
        for prototype in (parsed, restored):
            fonts._Cache.prototype = prototype
            outputs.append([render_pdf(chinese_letter(rows=3)), render_pdf(english_letter(2))])
        assert outputs[0] == outputs[1]
    finally:
        fonts._Cache.prototype = before
