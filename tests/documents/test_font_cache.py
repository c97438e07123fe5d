"""The reduced font program: which characters it holds, and its cache file on disk.

Cache tests cut small programs (a few glyphs, well under a second) into a
private folder; the real 22,000-glyph program is exercised by every PDF test.
"""

from __future__ import annotations

import logging
from pathlib import Path

import pytest
from fontTools import subset as ftsubset

from bot.documents import font_base, fonts
from bot.documents.font_program import GlyphPrograms

from .samples import ZH_BODY


def names_for(text: str) -> frozenset[str]:
    return font_base.glyph_names_for(fonts._prototype()[0].cmap, map(ord, text))


def test_charset_holds_gb2312_gbk_big5_latin_and_punctuation() -> None:
    chars = font_base.base_charset()
    for text in (ZH_BODY, "臺灣銀行貸款催收", "朱镕基 堃 喆 珺 祎", "Café “quoted” — 50%…",
                 "，。：；！？（）《》「」、\u3000", fonts.REPLACEMENT):
        missing = {char for char in text if char != "\n" and ord(char) not in chars}
        assert not missing, (text, missing)
    for rare in "𠮷㐀䶮":  # CJK extension A/B: left to the full font
        assert ord(rare) not in chars
    assert 20_000 < len(names_for("".join(map(chr, chars)))) < 24_000


def test_program_is_built_once_then_read_from_the_cache(tmp_path: Path) -> None:
    data, names = fonts._prototype()[1], names_for("投诉信惠今金融 abc")
    program = font_base.load_or_build(data, names, tmp_path)
    (path,) = tmp_path.glob("*.cffcache")
    assert path.read_bytes().endswith(program)
    built = path.stat()
    assert font_base.load_or_build(data, names, tmp_path) == program
    assert path.stat().st_ino == built.st_ino  # read back, not rewritten
    parsed = GlyphPrograms.parse(program)
    assert set(parsed.charstrings) == names | {".notdef"}


def test_other_glyphs_get_another_file(tmp_path: Path) -> None:
    data = fonts._prototype()[1]
    font_base.load_or_build(data, names_for("甲乙"), tmp_path)
    font_base.load_or_build(data, names_for("丙丁"), tmp_path)
    assert len(list(tmp_path.glob("*.cffcache"))) == 2


def test_damaged_cache_file_is_rebuilt(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    data, names = fonts._prototype()[1], names_for("催收")
    program = font_base.load_or_build(data, names, tmp_path)
    (path,) = tmp_path.glob("*.cffcache")
    path.write_bytes(program[: len(program) // 2])
    with caplog.at_level(logging.WARNING, logger=font_base.__name__):
        assert font_base.load_or_build(data, names, tmp_path) == program
    assert "damaged" in caplog.text
    assert path.read_bytes().endswith(program)


def test_unwritable_cache_still_gives_the_program(tmp_path: Path,
                                                  caplog: pytest.LogCaptureFixture) -> None:
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where the cache folder should be")
    data, names = fonts._prototype()[1], names_for("威胁")
    with caplog.at_level(logging.WARNING, logger=font_base.__name__):
        program = font_base.load_or_build(data, names, blocker / "cache")
    assert set(GlyphPrograms.parse(program).charstrings) == names | {".notdef"}
    assert font_base.CACHE_ENV in caplog.text and "writable" in caplog.text


def test_cache_folder_follows_the_environment(monkeypatch: pytest.MonkeyPatch,
                                              tmp_path: Path) -> None:
    monkeypatch.setenv(font_base.CACHE_ENV, str(tmp_path / "fonts"))
    assert font_base.cache_dir() == tmp_path / "fonts"
    monkeypatch.delenv(font_base.CACHE_ENV)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert font_base.cache_dir() == tmp_path / "xdg" / "callshield"


def test_only_desubroutinised_cff_programs_are_accepted() -> None:
    with pytest.raises(ValueError, match="not a CFF program"):
        GlyphPrograms.parse(b"not a font program")
    ttfont = font_base.stubbed_ttfont(fonts._prototype()[1])
    subsetter = ftsubset.Subsetter(ftsubset.Options(desubroutinize=False))
    subsetter.populate(glyphs=sorted(names_for("投诉信")))
    subsetter.subset(ttfont)
    with pytest.raises(ValueError, match="subroutines"):
        GlyphPrograms.parse(ttfont["CFF "].compile(ttfont))
