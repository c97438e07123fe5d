"""How many times: counts typed as answers or told in a story.

An exact count is an ``int``; vague words give a lower bound (:class:`AtLeast`), never a
guess: "数不清"/"too many to count" is at least 10, "十几个" at least 10, "三十多次" at least 30,
"dozens" at least 24, "every hour" at least 8 (a day's waking hours, counted low). "0" is zero;
"I don't know" is the button, not a number.
"""

from __future__ import annotations

import re

from flows.quantity import CN_CHARS, COUNTLESS, EN_WORD, AtLeast, Count, fold_number_text, \
    number_value

# Words that only give a lower bound, in the order they are tried (longest first matters).
VAGUE: list[tuple[str, int]] = [
    (r"数不清|数不过来|數不清|數不過來|不计其数|不計其數|无数|無數|记不清|記不清|数都数不|"
     r"too many to count|lost count|can'?t count|countless|innumerable|uncountable|"
     r"non-?stop|nonstop|every few minutes|every couple of minutes|constantly|"
     r"每隔几分钟|每隔幾分鐘|每几分钟|每幾分鐘|不停|不断|不斷|一直在?打|狂打|轰炸|轟炸|连环|連環|"
     r"打爆|刷屏", COUNTLESS),
    (r"every hour|hourly|each hour|每小时|每小時|每个小时|每個小時|一小时一|一小時一", 8),
    (r"几百|幾百|hundreds", 200),
    (r"上百|一百多|百多|over a hundred", 100),
    (r"几十|幾十|dozens|scores", 20),
    (r"a dozen|one dozen|一打", 12),
    (r"好几|好幾|several|a number of", 3),
    (r"很多|好多|许多|許多|多次|频繁|頻繁|many|lots of|a lot of|a lot|multiple|numerous|"
     r"repeatedly|again and again|over and over", 3),
    (r"a few|a couple of|a couple", 2),
]
UNITS_ZH = r"次|个|個|通|条|條|遍|回|趟|封|下"
UNITS_EN = (r"times?|(?:phone |text )?calls?|messages?|texts?|sms(?:es)?|voicemails?|emails?|"
            r"letters?|visits?|attempts?|robocalls?")
APPROX = (r"大概|大约|大約|差不多|约|約|左右|将近|將近|接近|估计|估計|about|around|roughly|"
          r"approximately|approx\.?|maybe|probably|nearly|almost|like|~|≈|some")
MORE = r"more than|over|above|at least|not less than|超过|超過|至少|不少于|不少於|起码|起碼"
_NUM = rf"\d{{1,4}}|[{CN_CHARS}]{{1,6}}|(?:\b(?:{EN_WORD})\b[\s-]*){{1,4}}"

_VAGUE_RE = [(re.compile(pattern), bound) for pattern, bound in VAGUE]
_FIND = re.compile(
    rf"(?:(?P<more>{MORE})\s*)?(?:(?:{APPROX})\s*)?"
    rf"(?P<num>{_NUM})\s*(?P<plus>\+|多|几|幾|来|來|余|餘|or more)?\s*"
    rf"(?:(?P<unit_zh>{UNITS_ZH})|(?:(?:of )?(?P<unit_en>{UNITS_EN})\b))")
_VAGUE_FIND = re.compile("|".join(f"(?:{p})" for p, _ in VAGUE))
_FILLER = re.compile(rf"(?:{APPROX})(?=\s|\d|$|[{CN_CHARS}])|今天|今日|\btoday\b|一共|总共|總共|"
                     rf"\bin total\b|\btotal\b|了|吧|啊|大概|(?:{UNITS_ZH})|"
                     rf"\b(?:of )?(?:{UNITS_EN})\b|电话|電話|信息|短信|[,，。!！?？]")
ZERO_WORDS = re.compile(r"zero|none|no calls?|never|没有|沒有|一次也没有|一次也沒有|一次都没有|零")


def _vague(text: str) -> Count | None:
    for pattern, bound in _VAGUE_RE:
        if pattern.search(text):
            return AtLeast(bound)
    return None


def _from_parts(num: str, plus: str | None, more: str | None) -> Count | None:
    value = number_value(num)
    if value is None or value != int(value) or value > 100_000:
        return None
    n = int(value)
    if more in ("more than", "over", "above", "超过", "超過"):
        return AtLeast(n + 1)
    if more or plus in ("+", "多", "余", "餘", "or more"):
        return AtLeast(n)
    if plus in ("几", "幾"):  # 十几: eleven to nineteen
        return AtLeast(n)
    return n


def parse_count(raw: str) -> Count | None:
    """A whole typed answer as a count, or ``None`` when it is not one."""
    text = fold_number_text(raw)
    if not text:
        return None
    core = " ".join(_FILLER.sub(" ", text).split())
    if ZERO_WORDS.fullmatch(core):
        return 0
    if core in ("几", "幾", "好几", "好幾"):
        return AtLeast(3 if len(core) == 2 else 2)
    match = re.fullmatch(rf"(?:(?P<more>{MORE})\s*)?(?P<num>[\d{CN_CHARS}.]+|[a-z][a-z\s-]*?)"
                         rf"\s*(?P<plus>\+|多|几|幾|来|來|余|餘|or more)?", core)
    if match and match["num"].strip() not in ("a", "an"):
        found = _from_parts(match["num"].strip(), match["plus"], match["more"])
        if found is not None:
            return found
    if not re.search(r"\d", text):
        return _vague(text)
    return None


def find_counts(folded: str, start: int = 0, end: int | None = None
                ) -> list[tuple[int, int, Count]]:
    """Every count in a piece of folded story text, with its place."""
    end = len(folded) if end is None else end
    found: list[tuple[int, int, Count]] = []
    taken: list[tuple[int, int]] = []
    for match in _FIND.finditer(folded, start, end):
        value = _from_parts(match["num"].strip(), match["plus"], match["more"])
        if value is None:
            continue
        found.append((match.start(), match.end(), value))
        taken.append((match.start(), match.end()))
    for match in _VAGUE_FIND.finditer(folded, start, end):
        if any(a <= match.start() < b for a, b in taken):
            continue
        vague = _vague(match.group(0))
        if vague is not None:
            found.append((match.start(), match.end(), vague))
    return sorted(found, key=lambda item: item[0])
