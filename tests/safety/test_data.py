"""The shared crisis data: checked like pack data, extended by packs, cached, sourced."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from flows import inspect_pack
from flows.safety import DATA_DIR, inspect_safety, regions_for, response, safety_data
from flows.safety.lexicon import Lexicon
from tests.conftest import DEMO, ROOT
from tests.safety.evaluate import load, score

RESEARCH = ROOT.parent / "shared" / "research" / "crisis_and_regions.md"


def test_the_shared_data_is_clean() -> None:
    data, issues = inspect_safety()
    assert data is not None and issues == []
    assert {"CN", "HK", "TW", "US", "INTL"} <= set(data.regions)


def test_a_broken_lexicon_is_reported_at_file_and_line(tmp_path: Path) -> None:
    folder = tmp_path / "data"
    shutil.copytree(DATA_DIR, folder)
    lexicon = folder / "lexicon-en.yaml"
    lines = lexicon.read_text(encoding="utf-8").splitlines()
    at = next(i for i, line in enumerate(lines) if line.strip() == "intent:")
    lines.insert(at + 1, "    - (broken|(nested)) words")
    lexicon.write_text("\n".join(lines) + "\n", encoding="utf-8")
    (folder / "lines.yaml").write_text("regions: {}\n", encoding="utf-8")
    data, issues = inspect_safety(folder)
    assert data is None
    where = {(Path(i.file).name, i.line) for i in issues}
    assert ("lexicon-en.yaml", at + 2) in where
    assert any("INTL" in i.message for i in issues)  # the fallback region is required


def _pack_with_lexicon(tmp_path: Path, extension: str) -> Path:
    pack = tmp_path / "pack"
    shutil.copytree(DEMO, pack)
    text = (pack / "pack.yaml").read_text(encoding="utf-8")
    (pack / "pack.yaml").write_text(text.replace("safety:\n", "safety:\n" + extension, 1),
                                    encoding="utf-8")
    return pack


def test_a_pack_extends_the_shared_lexicon(tmp_path: Path) -> None:
    pack, issues = inspect_pack(_pack_with_lexicon(
        tmp_path, "  lexicon:\n    signals:\n      intent: [想去天堂找奶奶]\n"))
    assert pack is not None, issues
    assert pack.safety is not None and pack.safety.check("我想去天堂找奶奶").kinds == {"intent"}
    assert safety_data().lexicon.check("我想去天堂找奶奶").kinds == frozenset()
    assert pack.safety.check("我不想活了").kinds == {"intent"}  # the shared words still count


def test_a_broken_pack_lexicon_names_the_pack_file(tmp_path: Path) -> None:
    folder = _pack_with_lexicon(tmp_path, "  lexicon:\n    signals:\n      intent: ['(a|(b))']\n")
    pack, issues = inspect_pack(folder)
    assert pack is None
    assert any(i.file.endswith("pack.yaml") and "cannot read" in i.message for i in issues)


def test_the_compiled_lexicon_is_cached_and_a_damaged_cache_rebuilt(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CALLSHIELD_SAFETY_CACHE", str(tmp_path))
    source = safety_data().lexicon.source
    first = Lexicon(source)
    files = sorted(tmp_path.glob("lexicon-*"))
    assert [f.suffix for f in files] == [".automaton", ".json"]
    again = Lexicon(source)
    assert again.matcher.patterns == []  # restored from the files, not compiled
    for text in ("我不想活了", "他说让我去死", "I took a whole bottle of sleeping pills"):
        assert again.check(text) == first.check(text)
    files[0].write_bytes(b"damaged")
    rebuilt = Lexicon(source)
    assert rebuilt.matcher.patterns and rebuilt.check("我不想活了").self_harm


def test_regions() -> None:
    data = safety_data()
    assert regions_for(data, "CN", "zh-tw") == ("CN",)  # a chosen region wins
    assert regions_for(data, None, "zh-TW") == ("TW",)
    assert regions_for(data, None, "zh-hk") == ("HK",)
    assert regions_for(data, None, "zh-hant") == ("HK", "TW")
    assert regions_for(data, None, "zh-CN") == ("CN",)
    assert regions_for(data, None, "en") == ("US",)
    assert regions_for(data, None, "fr") == ("INTL",)
    assert regions_for(data, "INTL", "zh-hk") == ("HK",)
    assert regions_for(data, "INTL", "zh-cn") == ("INTL",)


def test_an_act_puts_the_ambulance_first_and_danger_the_police() -> None:
    data = safety_data()
    act = response(data, data.lexicon.check("我已经喝了药"), ("CN",), "zh-Hans")
    assert act[0].startswith("请现在就拨打120")
    danger = response(data, data.lexicon.check("someone is outside"), ("US",), "en")
    assert "call 911 now" in danger[0]
    both = "\n".join(response(data, data.lexicon.check("I want to die"), ("HK", "TW"), "en"))
    assert "Hong Kong" in both and "Taiwan" in both and "18111" in both and "1925" in both


@pytest.mark.skipif(not RESEARCH.is_file(), reason="shared/research is not beside the repo")
def test_every_number_comes_from_the_research_with_its_source() -> None:
    research = RESEARCH.read_text(encoding="utf-8")
    digits = re.sub(r"\D", "", research)
    for code, region in safety_data().regions.items():
        for line in region.lines:
            number = re.sub(r"\D", "", line.number)
            assert (number and number in digits) or line.number in research, (code, line.number)
            assert line.source in research, (code, line.number, line.source)


def test_the_dev_corpus_meets_the_targets() -> None:
    result = score(safety_data().lexicon, load("dev"))
    assert result.recall["all"].rate >= 0.98, result.misses
    assert result.acts.rate == 1.0, result.misses
    assert result.false_alarms["all"].rate <= 0.01, result.misses


def test_the_held_out_corpus_never_misses_an_act_or_cries_wolf() -> None:
    """Held-out: not tuned on; guarded here only for acts and false alarms."""
    result = score(safety_data().lexicon, load("heldout"))
    assert result.acts.rate == 1.0
    assert result.false_alarms["all"].rate <= 0.01
