"""The body markup parser and the line breaker, on plain strings."""

from __future__ import annotations

import random

import pytest

from bot.documents.linebreak import NO_LINE_END, NO_LINE_START, wrap_line, wrap_text
from bot.documents.markup import BulletList, Heading, Paragraph, parse_body


def test_markup_blocks() -> None:
    body = (
        "致：惠今金融\r\n抄送：________\r\n\r\n"
        "# 一、基本情况\n本人姓名：________\n\n"
        "本人要求：\n- 停止骚扰；\n  包括夜间来电\n- 删除信息。\n之后的说明\n\n"
        "   \n\n"
        "- only bullets\n# Next heading\ntext after heading"
    )
    assert parse_body(body) == [
        Paragraph(("致：惠今金融", "抄送：________")),
        Heading("一、基本情况"),
        Paragraph(("本人姓名：________",)),
        Paragraph(("本人要求：",)),
        BulletList(("停止骚扰；\n包括夜间来电", "删除信息。")),
        Paragraph(("之后的说明",)),
        BulletList(("only bullets",)),
        Heading("Next heading"),
        Paragraph(("text after heading",)),
    ]


def test_markup_leaves_lookalikes_alone() -> None:
    body = "#hashtag\n-5 degrees\nKey: value\n## not a heading"
    assert parse_body(body) == [Paragraph(tuple(body.split("\n")))]


def test_empty_body() -> None:
    assert parse_body("") == [] and parse_body("\n\n  \n") == []


def one(char: str) -> float:
    """Every character one unit wide, so max_width counts characters."""
    return 1.0


def test_cjk_breaks_between_ideographs() -> None:
    lines = wrap_line("一二三四五六七八九十一二三", one, 5)
    assert lines == ["一二三四五", "六七八九十", "一二三"]


def test_closing_punctuation_never_starts_a_line_and_opening_never_ends_one() -> None:
    text = "本人要求贵公司（惠今金融）立即停止，并在“十五日”内答复。" * 5
    for width in range(4, 16):
        lines = wrap_line(text, one, width)
        assert "".join(lines) == text
        assert all(len(line) <= width for line in lines)
        assert all(line[0] not in NO_LINE_START for line in lines[1:]), (width, lines)
        assert all(line[-1] not in NO_LINE_END for line in lines[:-1]), (width, lines)


def test_english_breaks_at_spaces_and_drops_them() -> None:
    lines = wrap_line("the collector called again", one, 10)
    assert lines == ["the", "collector", "called", "again"]
    assert wrap_line("the collector called again", one, 16) == ["the collector", "called again"]


def test_mixed_text_fills_lines_instead_of_jumping_at_spaces() -> None:
    text = "我于 2026年11月1日 收到催收短信，内容威胁联系我的家人和单位。"
    lines = wrap_line(text, one, 12)
    assert all(len(line) <= 12 for line in lines)
    assert all(len(line) >= 8 for line in lines[:-1]), lines  # no half-empty lines


def test_token_wider_than_the_line_is_cut_by_character() -> None:
    url = "https://example.com/" + "x" * 40
    lines = wrap_line(f"链接：{url}", one, 16)
    assert "".join(lines) == f"链接：{url}"
    assert all(len(line) <= 16 for line in lines)


def test_explicit_newlines_and_indentation_are_kept() -> None:
    assert wrap_text("  Key: value\n\nnext", one, 40) == ["  Key: value", "", "next"]


def test_blanks_survive_wrapping() -> None:
    lines = wrap_line("签名：________ 日期：________", one, 12)
    assert lines == ["签名：________", "日期：________"]


def test_width_must_be_positive() -> None:
    with pytest.raises(ValueError, match="widen"):
        wrap_line("x", one, 0)


def test_random_mixed_text_always_fits_and_loses_nothing_but_spaces() -> None:
    rng = random.Random(20261128)
    alphabet = "催收员威胁联系家人，。（）“”：abc XYZ 0123 -/_ "
    for _ in range(300):
        text = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 120)))
        width = rng.randint(1, 30)
        lines = wrap_line(text, one, width)
        assert all(len(line) <= width for line in lines), (text, width, lines)
        assert "".join(lines).replace(" ", "") == text.replace(" ", ""), (text, width, lines)


WORDS = ("voicemail", "collector", "communication", "harassment", "validation", "the", "a",
         "creditor", "Recovery", "unemployment", "telephone", "I", "on", "debt")


@pytest.mark.parametrize("seed", range(20))
def test_english_words_are_moved_or_hyphenated_never_cut(seed: int) -> None:
    rng = random.Random(seed)
    text = " ".join(rng.choice(WORDS) for _ in range(40))
    width = rng.randint(6, 30)
    lines = wrap_line(text, one, width)
    assert all(len(line) <= width for line in lines), lines
    words = text.split()
    rebuilt: list[str] = []
    split: set[int] = set()  # indexes of words broken across lines
    for line in lines:  # a line ending in "-" (not in the text) continues its word
        for part in line.split(" "):
            if rebuilt and rebuilt[-1].endswith("\0"):
                rebuilt[-1] = rebuilt[-1][:-1] + part
                split.add(len(rebuilt) - 1)
            else:
                rebuilt.append(part)
        if line.endswith("-"):
            rebuilt[-1] = rebuilt[-1][:-1] + "\0"
    assert rebuilt == words  # every break inside a word carries a hyphen
    assert all(len(words[index]) > width for index in split)  # only words wider than a line


def test_a_word_too_wide_for_a_table_cell_breaks_at_a_hyphenation_point() -> None:
    assert wrap_line("Voicemail", one, 7) == ["Voice-", "mail"]  # not "Voicema" / "il"
    assert wrap_line("我收到voicemail了", one, 7, "zh-Hans") == ["我收到", "voice-", "mail了"]


def test_urls_codes_and_numbers_are_never_given_a_hyphen() -> None:
    url = "https://www.consumerfinance.gov/complaint/"
    lines = wrap_line(url, one, 20)
    assert "".join(lines) == url and all(len(line) <= 20 for line in lines)
    assert lines[0] == "https://www." and not any(line.endswith("-") for line in lines[:1])
    assert wrap_line("AC-77120-XYZ", one, 8) == ["AC-", "77120-", "XYZ"]  # at its own hyphens
    number = "13800138000138"
    assert wrap_line(f"号码{number}", one, 16, "zh-Hans") == [f"号码{number}"]
    assert wrap_line(number, one, 8) == ["13800138", "000138"]  # wider than a line: cut


def test_no_word_is_cut_in_a_rendered_annex() -> None:
    from bot.documents import AnnexTable, LetterDocument, render_pdf

    from .pdf_inspect import text_runs

    rows = tuple((f"December {i + 1}, 2026", "11:10 PM", "Voicemail", "(800) 555-0199",
                  "Swift Recovery LLC", "Left a voicemail threatening a lawsuit")
                 for i in range(3))
    annex = AnnexTable("Annex", ("Date", "Time", "Channel", "Number", "Who", "What"), rows,
                       (1.2, 0.8, 0.7, 1.4, 1.4, 3.6))
    doc = LetterDocument(title="Letter", language="en", body="Text.", annex=annex,
                         page_size="Letter")
    shown = [run.text.strip() for run in text_runs(render_pdf(doc))]
    assert "Voicema" not in shown and "il" not in shown
    assert all(not text.endswith(("Voicema", "Recove")) for text in shown), shown
