"""One canonical form for what people type, so spelling tricks do not hide a crisis.

Both the user's text and every pattern of the lexicon go through :func:`normalise`, so
whatever it folds (full width, Traditional characters, apostrophes, letter case, spacing)
folds the same way on both sides:

* NFKC and case folding: full-width ``ＫＩＬＬ`` and ``ｋｉｌｌ`` read ``kill``;
* Traditional to Simplified Chinese (OpenCC's t2s character table, flows/opencc_tables.py): ``不想活``/``自殺`` read as one;
* emoji, symbols and light punctuation between Chinese characters vanish
  (``不 想😭活-了`` reads ``不想活了``); between Latin letters they become one space;
* Latin words are set apart from Chinese by a space (``我想 die``);
* sentence ends (``。！？!?;\\n`` and the full stop) become ``\\n``: patterns never match
  across two sentences;
* apostrophes go (``don't`` = ``dont``), letters spelled apart join (``k i l l`` = ``kill``),
  digits inside words read as the letters they stand for (``k1ll``, ``su1c1de``), and
  stretched letters shrink (``diiiie`` = ``die``, ``不想活了了了`` = ``不想活了``).
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

from flows.opencc_tables import to_simplified

BOUNDARY = "\n"
"""What a sentence end becomes in the normalised text."""

_CJK = "\u3400-\u9fff\uf900-\ufaff\u3040-\u30ff\uac00-\ud7af\U00020000-\U0003ffff"
_APOSTROPHES = re.compile("['’‘`´]")
_SENTENCE_END = re.compile(r"[。！？!?；;\n\r.…．｡]+")
_SOFT = re.compile(r"[^\w\n@$]+|_+")
_SPACE_NEAR = re.compile(f"(?<=[{_CJK}\n]) | (?=[{_CJK}\n])")
_LEET = str.maketrans({"0": "o", "1": "i", "3": "e", "4": "a", "5": "s", "7": "t", "@": "a",
                       "$": "s"})
_VOWELS = frozenset("aeiou")
_SOFT_ASCII = re.compile(r"[^a-zA-Z0-9\n@$]+")
_SPELLED = re.compile(r"\b(?:[a-z] ){2,}[a-z]\b", re.ASCII)
_MIXED = re.compile(r"[a-z0-9@$]*[a-z][a-z0-9@$]*")
_HAS_MIXED = re.compile(r"[a-z][0-9@$]|[0-9@$][a-z]")
_RUN = re.compile(r"(.)\1{2,}")
_LATIN_RUN = re.compile("[a-z0-9]+(?: [a-z0-9]+)*")
_HAS_CJK = re.compile(f"[{_CJK}]")


def is_cjk(char: str) -> bool:
    """A Chinese character (or kana/hangul: written without spaces, too)."""
    code = ord(char)
    return (0x3400 <= code <= 0x9FFF or 0xF900 <= code <= 0xFAFF or 0x20000 <= code <= 0x3FFFF
            or 0x3040 <= code <= 0x30FF or 0xAC00 <= code <= 0xD7AF)


def is_word(char: str) -> bool:
    """A Latin letter or digit of the folded text (what English words are made of)."""
    return char.isascii() and char.isalnum()


def normalise(text: str) -> str:
    """The canonical form described in the module docstring. Separators go first, so NFKC
    mostly takes its fast path (CJK text with full-width commas would not): a
    2,000-character message takes a few hundred microseconds."""
    if "'" in text or "’" in text or "‘" in text or "`" in text or "´" in text:
        text = _APOSTROPHES.sub("", text)
    text = _SENTENCE_END.sub(BOUNDARY, text)
    text = (_SOFT_ASCII if text.isascii() else _SOFT).sub(" ", text)
    if not unicodedata.is_normalized("NFKC", text):
        text = _SOFT.sub(" ", unicodedata.normalize("NFKC", text))
    text = text.casefold().translate(to_simplified())
    chinese = _HAS_CJK.search(text) is not None
    if " " in text:
        if chinese:
            text = _SPACE_NEAR.sub("", text)
        else:
            text = text.replace(" " + BOUNDARY, BOUNDARY).replace(BOUNDARY + " ", BOUNDARY)
        text = _SPELLED.sub(lambda m: m.group(0).replace(" ", ""), text.strip(" "))
    text = text.strip(BOUNDARY)
    if _HAS_MIXED.search(text):
        text = _MIXED.sub(_word, text)
    text = _RUN.sub(_shrink, text)
    if chinese:  # English words stand apart from Chinese, so they match whole (see matcher)
        text = _LATIN_RUN.sub(lambda m: _apart(text, m), text)
    return text


def _apart(text: str, match: re.Match[str]) -> str:
    start, end = match.span()
    before = " " if start > 0 and is_cjk(text[start - 1]) else ""
    after = " " if end < len(text) and is_cjk(text[end]) else ""
    return before + match.group(0) + after


def _word(match: re.Match[str]) -> str:
    """Digits and @/$ inside a word that has letters read as letters (k1ll, $uicide)."""
    word = match.group(0)
    if word.isalpha():
        return word
    return word.translate(_LEET)


def _shrink(match: re.Match[str]) -> str:
    """Three or more of one character: vowels and Chinese once, consonants twice."""
    char = match.group(1)
    if char.isdigit():
        return match.group(0)  # 5000 stays 5000
    if char in _VOWELS or is_cjk(char) or not is_word(char):
        return char
    return char * 2


@lru_cache(maxsize=4096)
def normalise_term(text: str) -> str:
    """:func:`normalise` for the lexicon's own words (cached: they repeat across packs)."""
    return normalise(text)
