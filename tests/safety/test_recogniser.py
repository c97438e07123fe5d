"""The recogniser's parts: normalisation, the pattern language and its bounds, the verdict."""

from __future__ import annotations

import time

import pytest

from flows.safety import safety_data
from flows.safety.matcher import Matcher
from flows.safety.normalize import normalise
from flows.safety.patterns import MAX_ALTERNATIVES, PatternError, parse


@pytest.mark.parametrize(("typed", "folded"), [
    ("ＫＩＬＬ　ｍｙｓｅｌｆ!!", "kill myself"),          # full width
    ("我覺得活不下去了，想自殺。", "我觉得活不下去了想自杀"),  # Traditional, punctuation
    ("不 想😭活-了", "不想活了"),                          # spaces, emoji, dashes
    ("I don't  want to live", "i dont want to live"),     # apostrophes, spaces
    ("k i l l m y s e l f", "killmyself"),               # letters spelled apart
    ("k1ll mys3lf", "kill myself"),                      # digits for letters
    ("diiiie", "die"), ("不想活了了了", "不想活了"),         # stretched
    ("我想die", "我想 die"),                              # scripts set apart
    ("5000元", "5000 元"),                               # numbers stay numbers
])
def test_normalise(typed: str, folded: str) -> None:
    assert normalise(typed) == folded


def test_sentence_ends_become_boundaries() -> None:
    assert normalise("他说了。我想死！") == "他说了\n我想死"


def _match(pattern: str, text: str, sets: dict[str, list[str]] | None = None) -> bool:
    return bool(Matcher([parse(pattern, sets or {})]).find(normalise(text)))


def test_pattern_language() -> None:
    assert _match("(吃|喝)了 ~4 药", "我喝了一整瓶药")
    assert not _match("(吃|喝)了 ~2 药", "我喝了一整瓶的药")     # gap too long
    assert _match("写(好|)遗书", "写遗书") and _match("写(好)?遗书", "写好遗书")
    assert _match("@who 说", "他们说", {"who": ["他们", "她"]})
    assert _match("want to die", "I want to die!") and not _match("want to die", "want to diet")
    assert not _match("说 ~8 去死", "他说了。去死")              # never across a sentence end
    assert _match("(@verb) myself", "I might hurt myself", {"verb": ["kill", "hurt"]})


@pytest.mark.parametrize(("pattern", "problem"), [
    ("(a|(b|c))", "cannot read"),
    ("@nowhere", "no word list"),
    ("a ~99 b", "at most"),
    ("去?死", "sentence end"),
    ("(x)? ~2 死", "reads as nothing"),
    ("(" + "|".join(f"w{i}" for i in range(30)) + ") (" +
     "|".join(f"v{i}" for i in range(30)) + ")", f"at most {MAX_ALTERNATIVES}"),
    ("a ~ ~ b", "both sides"),
])
def test_broken_patterns_say_what_is_wrong(pattern: str, problem: str) -> None:
    with pytest.raises(PatternError, match=problem):
        parse(pattern, {})


def test_worst_case_text_stays_fast() -> None:
    """Many overlapping parts cannot blow up: each (slot, position) is explored once."""
    lexicon = safety_data().lexicon
    hostile = ("他说让我他们说要来你家我我我去死" * 200)[:2000]
    started = time.perf_counter()
    for _ in range(20):
        lexicon.check(hostile)
    assert (time.perf_counter() - started) / 20 < 0.05  # generous: a loaded 2-core machine


def test_who_is_speaking_and_negations() -> None:
    check = safety_data().lexicon.check
    assert check("他说让我去死").kinds == {"threat"}
    assert check("他让我去死，我真的想死").kinds == {"threat", "intent"}
    assert check("they told me to go kill myself").kinds == {"threat"}
    assert not check("我不会想不开的") and not check("I'm not suicidal")
    assert check("我已经喝了药").main == "act" and check("I overdosed").main == "act"
    assert check("催收的人说明天要上门来我家找我").kinds == {"danger"}
    assert not check("我快被烦死了") and not check("this is killing me")
