"""Numbers as people say them: counts, lower bounds and sums of money.

"三十多次", "十几个", "数不清", "a dozen", "4 times", "大概八千", "$2,340.17", "NT$20萬". A count
is an ``int`` when it is exact and :class:`AtLeast` when the words only give a lower bound
("数不清" is *at least 10*, never 1); an amount is :class:`Money` and always keeps its
currency, so New Taiwan dollars are never stored as yuan. Pure functions, no tables from packs:
this is language, like :mod:`flows.when`.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from typing import Any

COUNTLESS = 10
"""The lower bound of "too many to count" / "数不清": more than the fingers of two hands."""


@dataclass(frozen=True, slots=True)
class AtLeast:
    """A count known only from below ("十几次": at least 10). JSON: ``{"at_least": n}``."""

    n: int

    def to_json(self) -> dict[str, int]:
        return {"at_least": self.n}


@dataclass(frozen=True, slots=True)
class Money:
    """An amount in a currency (ISO 4217 code). ``home`` is the currency the question asked
    in: a plain number in a condition compares only with money in that currency."""

    amount: float
    currency: str
    approx: bool = False
    home: str = ""

    def to_json(self) -> dict[str, Any]:
        raw: dict[str, Any] = {"amount": _tidy(self.amount), "currency": self.currency}
        if self.approx:
            raw["approx"] = True
        return raw


Count = int | AtLeast


def _tidy(value: float) -> float | int:
    return int(value) if float(value).is_integer() else round(value, 2)


def count_from_json(raw: Any) -> Count | None:
    """A stored count back as a value conditions understand."""
    if isinstance(raw, dict) and isinstance(raw.get("at_least"), int):
        return AtLeast(raw["at_least"])
    if isinstance(raw, (int, float)) and not isinstance(raw, bool):
        return raw  # type: ignore[return-value]
    return None


def money_from_json(raw: Any, home: str) -> Money | None:
    if isinstance(raw, dict) and isinstance(raw.get("amount"), (int, float)) and \
            isinstance(raw.get("currency"), str):
        return Money(float(raw["amount"]), raw["currency"], bool(raw.get("approx")), home)
    return None


def lower(value: Any) -> float | None:
    """The least a count can be (an exact number is its own lower bound)."""
    if isinstance(value, AtLeast):
        return value.n
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return value
    return None


# --- numbers in words ---------------------------------------------------------------------

CN_DIGITS = {"零": 0, "〇": 0, "一": 1, "壹": 1, "二": 2, "两": 2, "兩": 2, "贰": 2, "三": 3,
             "叁": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
CN_SMALL = {"十": 10, "拾": 10, "百": 100, "佰": 100, "千": 1000, "仟": 1000}
CN_BIG = {"万": 10_000, "萬": 10_000, "亿": 100_000_000, "億": 100_000_000}
CN_CHARS = "".join(CN_DIGITS) + "".join(CN_SMALL) + "".join(CN_BIG)
EN_UNITS = {w: i for i, w in enumerate(
    "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen "
    "fifteen sixteen seventeen eighteen nineteen".split())}
EN_TENS = {w: 10 * i for i, w in enumerate(
    "_ _ twenty thirty forty fifty sixty seventy eighty ninety".split()) if w != "_"}
EN_SCALES = {"dozen": 12, "hundred": 100, "thousand": 1000, "grand": 1000, "k": 1000, "million": 1_000_000}
EN_WORD = "|".join(sorted([*EN_UNITS, *EN_TENS, *EN_SCALES, "a", "an", "and"],
                          key=len, reverse=True))
NUMBER = (rf"\d{{1,3}}(?:,\d{{3}})+(?:\.\d+)?|\d+(?:\.\d+)?|[{CN_CHARS}\d.]+"
          rf"|(?:\b(?:{EN_WORD})\b[\s-]*)+")


def chinese_number(text: str) -> float | None:
    """"三千五" → 3500, "两万五" → 25000, "3万5千" → 35000, "一万零五" → 10005."""
    total = section = 0.0
    number: float | None = None
    last_unit = 0
    after_zero = False
    for token in re.findall(r"\d+(?:\.\d+)?|.", text):
        if token[0].isdigit():
            number = float(token)
        elif token in CN_DIGITS:
            if CN_DIGITS[token] == 0:
                after_zero = True
                continue
            number = CN_DIGITS[token]
        elif token in CN_SMALL:
            unit = CN_SMALL[token]
            section += (1 if number is None else number) * unit
            number, last_unit, after_zero = None, unit, False
        elif token in CN_BIG:
            unit = CN_BIG[token]
            total = (total + section + (number or 0)) * unit if unit > 10_000 else \
                total + (section + (number or 0)) * unit
            section, number, last_unit, after_zero = 0, None, unit, False
        else:
            return None
    if number is not None and last_unit >= 100 and not after_zero and number < 10:
        number *= last_unit / 10  # shorthand: 三千五 is 3500, 两万五 is 25000
    value = total + section + (number or 0)
    return value if (total or section or number is not None) else None


def english_number(text: str) -> float | None:
    """"twenty five" → 25, "a hundred" → 100, "two thousand five hundred" → 2500."""
    total = current = 0.0
    seen = False
    for word in re.findall(r"[a-z]+", text):
        if word in ("a", "an"):
            current = current or 1
        elif word == "and":
            continue
        elif word in EN_UNITS:
            current += EN_UNITS[word]
            seen = True
        elif word in EN_TENS:
            current += EN_TENS[word]
            seen = True
        elif word in EN_SCALES:
            scale = EN_SCALES[word]
            current = (current or 1) * scale
            if scale >= 1000:
                total, current = total + current, 0
            seen = True
        else:
            return None
    return total + current if seen else None


def number_value(text: str) -> float | None:
    """One number written in digits, Chinese numerals or English words (``None`` otherwise)."""
    text = text.strip().replace(",", "")
    if not text:
        return None
    if re.fullmatch(r"\d+(?:\.\d+)?", text):
        return float(text)
    if re.fullmatch(rf"[{CN_CHARS}\d.]+", text):
        return chinese_number(text)
    return english_number(text)


def fold_number_text(text: str) -> str:
    return unicodedata.normalize("NFKC", text).casefold().strip()
