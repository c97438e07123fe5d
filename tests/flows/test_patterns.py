"""The pattern syntax: what it means, what it refuses, and that it cannot blow up."""

from __future__ import annotations

import time

import pytest

from flows.matcher import Lexicon, Scan
from flows.patterns import PatternError, compile_pattern


def spans(pattern: str, text: str, lists: dict | None = None) -> list[str]:
    lex = Lexicon()
    compiled = {name: [s for w in words for s in compile_pattern(w, {}, slots=False)]
                for name, words in (lists or {}).items()}
    program = lex.program(compile_pattern(pattern, compiled))
    lex.finish()
    scan = Scan(text, lex)
    return [scan.folded[s:e] for s, e, _ in scan.spans(program)]


def test_words_gaps_and_choices() -> None:
    assert spans("威胁…打死", "他威胁要把你打死。") == ["威胁要把你打死"]
    assert spans("威胁…打死", "他威胁我。明天打死") == []  # a gap stays in its sentence
    assert spans("威胁…打死", "他威胁我，说打死你") == []  # and in its clause
    assert spans("(kill|hurt) (you|me)", "They said: I will HURT you") == ["hurt you"]
    assert spans("threaten*", "they threatened me; they threaten") == ["threatened",
                                                                      "threaten"]
    assert spans("call", "recall the caller, call me") == ["call"]  # Latin words are whole
    assert spans("给…<fam>…打", "他们给我妈打了电话", {"fam": ["我妈", "我爸"]}) == ["给我妈打"]
    assert spans("上门(催收)?", "他们上门催收") == ["上门催收"]


def test_full_width_and_case_are_ignored() -> None:
    assert spans("wechat", "ＷｅＣｈａｔ") == ["wechat"]


def test_name_slot() -> None:
    lex = Lexicon()
    program = lex.program(compile_pattern("在{name}上借", {}))
    lex.finish()
    scan = Scan("我在闪电借上借了钱", lex)
    (start, end, name), = scan.spans(program)
    assert scan.folded[name[0]:name[1]] == "闪电借"


@pytest.mark.parametrize(("pattern", "message"), [
    ("(a|b", "never closed"), ("a)", "without '('"), ("<nope>", "no word list 'nope'"),
    ("a…b…c…d…e", "at most 3 gaps"), ("{name}借", "must start with words"),
    ("a{name}b{name}", "at most one"), ("{who}", "the only slot is {name}"), ("?a", "must follow"),
    ("打*", "Latin letter only"), ("(a|)", "empty choice"), ("", "empty"),
    ("a…(b)?…c", "cannot be left out"),
])
def test_mistakes_are_explained(pattern: str, message: str) -> None:
    with pytest.raises(PatternError, match=message.replace("(", r"\(").replace(")", r"\)")
                       .replace("?", r"\?").replace("*", r"\*").replace("{", r"\{")
                       .replace("}", r"\}")):
        compile_pattern(pattern, {})


def test_expansion_is_capped() -> None:
    big = "(" + "|".join(f"w{i}" for i in range(80)) + ")"
    with pytest.raises(PatternError, match="too many"):
        compile_pattern(big + big, {})


def test_hostile_text_and_patterns_take_bounded_time() -> None:
    lex = Lexicon()
    program = lex.program(compile_pattern("啊…啊…啊…啊", {}))
    lex.finish()
    text = "啊" * 4000
    started = time.perf_counter()
    found = Scan(text, lex).spans(program)
    assert found  # every start matches
    assert time.perf_counter() - started < 2.0  # linear-ish: no backtracking explosion
