"""How many times: counts typed as answers or told in a story.

An exact count is an ``int``; vague words give a lower bound (:class:`AtLeast`), never a
guess: "数不清"/"too many to count" is at least 10, "十几个" at least 10, "三十多次" at least 30,
"dozens" at least 24, "every hour" at least 8 (a day's waking hours, counted low). "0" is zero;
"I don't know" is the button, not a number.
"""

from __future__ import annotations

import re

from flows.quantity import CN_CHARS, COUNTLESS, EN_WORD, AtLeast, Count, fold_number_text, \
    lower, number_value

# Words that only give a lower bound, in the order they are tried (longest first matters).
VAGUE: list[tuple[tuple[str, ...], int]] = [
    (("数不清", "数不过来", "數不清", "數不過來", "不计其数", "不計其數", "无数次", "無數次", "记不清",
      "記不清", "数都数不清", "too many to count", "lost count", "can't count", "cannot count",
      "countless", "innumerable", "uncountable", "non-stop", "nonstop", "every few minutes",
      "every couple of minutes", "constantly", "each few minutes", "每隔几分钟", "每隔幾分鐘",
      "每几分钟", "每幾分鐘", "不停", "不断", "不斷", "一直打", "一直在打", "狂打", "轰炸", "轟炸",
      "连环", "連環", "打爆", "刷屏", "没完没了", "沒完沒了"), COUNTLESS),
    (("every hour", "hourly", "each hour", "every single hour", "每小时", "每小時", "每个小时",
      "每個小時", "一小时一", "一小時一"), 8),
    (("几百", "幾百", "hundreds"), 200),
    (("上百", "一百多", "百多", "over a hundred"), 100),
    (("几十", "幾十", "dozens", "scores"), 20),
    (("a dozen", "one dozen", "一打"), 12),
    (("好几", "好幾", "several", "a number of"), 3),
    (("很多", "好多", "许多", "許多", "多次", "频繁", "頻繁", "many", "lots of", "a lot of", "a lot",
      "multiple", "numerous", "repeatedly", "again and again", "over and over"), 3),
    (("a few", "a couple of", "a couple"), 2),
]
VAGUE_BOUND = {word: bound for words, bound in VAGUE for word in words}
UNIT_WORDS = ("次", "个", "個", "通", "条", "條", "遍", "回", "趟", "封", "times", "time", "calls",
              "call", "phone calls", "text messages", "messages", "message", "texts", "text",
              "sms", "voicemails", "voicemail", "emails", "email", "letters", "visits",
              "attempts", "robocalls")
ANCHOR_WORDS = tuple(VAGUE_BOUND) + UNIT_WORDS
"""Where a count can be: :mod:`flows.spotter` finds these with its automaton, and counts are
read only around them."""
UNITS_ZH = r"次|个|個|通|条|條|遍|回|趟|封|下"
UNITS_EN = (r"times?|(?:phone |text )?calls?|messages?|texts?|sms(?:es)?|voicemails?|emails?|"
            r"letters?|visits?|attempts?|robocalls?")
APPROX = (r"大概|大约|大約|差不多|约|約|左右|将近|將近|接近|估计|估計|about|around|roughly|"
          r"approximately|approx\.?|maybe|probably|nearly|almost|like|~|≈|some")
MORE = r"more than|over|above|at least|not less than|超过|超過|至少|不少于|不少於|起码|起碼"
_NUM = rf"\d{{1,4}}|[{CN_CHARS}]{{1,6}}|(?:\b(?:{EN_WORD})\b[\s-]*){{1,4}}"

_VAGUE_RE = [(re.compile("|".join(re.escape(w) for w in words)), bound)
             for words, bound in VAGUE]
_FIND = re.compile(
    rf"(?:(?P<more>{MORE})\s*)?(?:(?:{APPROX})\s*)?"
    rf"(?P<num>{_NUM})\s*(?P<plus>\+|多|几|幾|来|來|余|餘|or more)?\s*"
    rf"(?:(?P<unit_zh>{UNITS_ZH})|(?:(?:of )?(?P<unit_en>{UNITS_EN})\b))")
_NUMBERISH = frozenset("0123456789.,+ -–~到至abcdefghijklmnopqrstuvwxyz'" + CN_CHARS +
                       "多几幾来來余餘超过過至少不于於起码碼大概约約差将將近接估计計左右")
"""Characters a count written before its unit can be made of."""
_ANCHOR = re.compile("(?=(" + "|".join(re.escape(w) for w in sorted(ANCHOR_WORDS, key=len,
                                                                      reverse=True)) + "))")
_RANGE_LOW = r"(?:(?P<low>\d{1,4})\s*(?:or|to|-|–|~|到|至)\s*)?"
"""The low end of a range said before the number: "3 or 4 times", "5-6 calls", "3到5次"."""
_BEFORE = re.compile(rf"(?:(?P<more>{MORE})\s*)?(?:(?:{APPROX})\s*)?{_RANGE_LOW}(?P<num>{_NUM})\s*"
                     rf"(?P<plus>\+|多|几|幾|来|來|余|餘|or more)?\s*(?:of )?\Z")
_FILLER = re.compile(rf"(?:{APPROX})(?=\s|\d|$|[{CN_CHARS}])|今天|今日|\btoday\b|一共|总共|總共|"
                     rf"\bin total\b|\btotal\b|了|吧|啊|大概|(?:{UNITS_ZH})|"
                     rf"\b(?:of )?(?:{UNITS_EN})\b|电话|電話|信息|短信|[,，。!！?？]")
ZERO_WORDS = re.compile(r"zero|none|no calls?|never|没有|沒有|一次也没有|一次也沒有|一次都没有|零")


def _vague(text: str) -> Count | None:
    for pattern, bound in _VAGUE_RE:
        if pattern.search(text):
            return AtLeast(bound)
    return None


_RANGE = re.compile(r"([一二两兩三四五六七八九])[一二两兩三四五六七八九](十|百|千|万|萬)?")
_NOT_EVENTS = re.compile(r"号码|號碼|月|小时|小時|钟头|鐘頭|星期|礼拜|禮拜|平台|平臺|app|网贷|網貸|"
                         r"账户|賬戶|地方|问题|問題|理由|办法|辦法")
"""Nouns after 个 that count things, not contacts ("一个陌生号码", "两个月")."""


def _from_parts(num: str, plus: str | None, more: str | None) -> Count | None:
    spread = _RANGE.fullmatch(num) or (re.fullmatch(r"十([一二三四五六七八九])[一二三四五六七八九]", num))
    if spread is not None:  # 二三十 (twenty or thirty), 三四, 十五六: the lower end, at least
        low = number_value(num[0] + (spread.group(2) or "") if num[0] != "十" else num[:2])
        return AtLeast(int(low)) if low is not None else None
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


def find_counts(folded: str, anchors: list[tuple[int, int]] | None = None
                ) -> list[tuple[int, int, Count]]:
    """Every count in folded story text, with its place. ``anchors`` are the places of
    :data:`ANCHOR_WORDS` (found by the caller's automaton); without them a regex finds them."""
    if anchors is None:
        anchors = [m.span(1) for m in _ANCHOR.finditer(folded)]
    found: dict[int, tuple[int, int, Count]] = {}
    taken: list[tuple[int, int]] = []
    for start, end in anchors:
        word = folded[start:end]
        if word in VAGUE_BOUND:
            continue
        if word[0].isascii() and (start == 0 or not folded[start - 1].isspace()):
            continue
        if word in ("个", "個") and _NOT_EVENTS.search(folded, end, end + 4):
            continue
        low = start
        while low > max(0, start - 30) and folded[low - 1] in _NUMBERISH:
            low -= 1
        if low == start:
            continue  # nothing number-like before the unit: "这个", "this time"
        match = _BEFORE.search(folded, low, start)
        if match is None:
            continue
        value = _from_parts(match["num"].strip(), match["plus"], match["more"])
        if value is not None and match["low"] and int(match["low"]) < (lower(value) or 0):
            value = AtLeast(int(match["low"]))  # "3 or 4 times": at least 3
        if value is not None:
            found[match.start()] = (match.start(), end, value)
            taken.append((match.start(), end))
    for start, end in anchors:
        bound = VAGUE_BOUND.get(folded[start:end])
        if bound is not None and not any(a <= start < b for a, b in taken) and \
                start not in found:
            found[start] = (start, end, AtLeast(bound))
    return [found[key] for key in sorted(found)]
