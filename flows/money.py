"""Sums of money as people type them: "大概八千", "$2,340.17", "NT$20萬", "3k USD", "两万五".

The currency is read from symbols, codes and words; without any, the amount is in the
question's own currency (``home``). A foreign currency is kept as it is: "NT$20萬" is
200,000 TWD, never 200,000 yuan.
"""

from __future__ import annotations

import re

from flows.quantity import CN_CHARS, EN_WORD, Money, fold_number_text, number_value

CURRENCY_WORDS: list[tuple[str, str]] = [
    (r"nt\$|nt|ntd|twd|新台币|新台幣|台币|台幣|新台币元|新臺幣", "TWD"),
    (r"hk\$|hkd|港币|港幣|港元", "HKD"),
    (r"us\$|usd|美元|美金|u\.s\. dollars?", "USD"),
    (r"rmb|cny|¥|￥|人民币|人民幣|yuan|renminbi|块钱|塊錢|块|塊|元", "CNY"),
    (r"eur|€|euros?|欧元|歐元", "EUR"),
    (r"gbp|£|pounds?|英镑|英鎊", "GBP"),
    (r"s\$|sgd|新加坡元|新币", "SGD"),
    (r"rm|myr|令吉|马币", "MYR"),
    (r"\$|dollars?|bucks", "$"),
]
SYMBOLS = {"CNY": "¥", "USD": "$", "TWD": "NT$", "HKD": "HK$", "EUR": "€", "GBP": "£",
           "SGD": "S$"}
DOLLARS = {"USD", "TWD", "HKD", "SGD", "CAD", "AUD", "NZD"}
_CUR = "|".join(f"(?:{pattern})" for pattern, _ in CURRENCY_WORDS)
_CUR_RE = [(re.compile(rf"(?:{pattern})"), code) for pattern, code in CURRENCY_WORDS]
_APPROX = r"大概|大约|大約|差不多|约|約|将近|將近|about|around|roughly|approximately|nearly|almost|~|≈"
_MULT = r"万|萬|千|k|亿|億|million|thousand|grand"
_NUM = (rf"\d{{1,3}}(?:,\d{{3}})+(?:\.\d{{1,2}})?|\d+(?:\.\d{{1,2}})?"
        rf"|[{CN_CHARS}\d.]*[{CN_CHARS}][{CN_CHARS}\d.]*|(?:\b(?:{EN_WORD})\b[\s-]*){{1,6}}")
AMOUNT = re.compile(
    rf"(?P<approx>(?:{_APPROX})\s*)?(?P<pre>{_CUR})?\s*(?P<num>{_NUM})\s*(?P<mult>{_MULT})?"
    rf"\s*(?:(?P<post>{_CUR}))?(?P<tail>多|左右|以上|余|餘)?")
MULTIPLIERS = {"万": 10_000, "萬": 10_000, "千": 1_000, "k": 1_000, "thousand": 1_000,
               "grand": 1_000, "亿": 100_000_000, "億": 100_000_000, "million": 1_000_000}


def currency_of(marker: str | None, home: str) -> str | None:
    """The ISO code a currency marker names (a bare "$" or "元" follows ``home`` when it is a
    dollar or yuan-like currency, so "$" in a US guide is USD and in a Hong Kong one HKD)."""
    if not marker:
        return None
    marker = marker.strip()
    for pattern, code in _CUR_RE:
        if pattern.fullmatch(marker):
            if code == "$":
                return home if home in DOLLARS else "USD"
            if code == "CNY" and marker in ("元", "块", "塊", "块钱", "塊錢") and home in ("TWD", "HKD"):
                return home
            return code
    return None


def _value(match: re.Match[str], home: str, *, need_marker: bool) -> Money | None:
    pre, post = match["pre"], match["post"]
    if pre and post and currency_of(pre, home) != currency_of(post, home):
        return None
    marker = pre or post
    if need_marker and not marker and not match["mult"]:
        return None
    number = number_value(match["num"])
    if number is None:
        return None
    amount = number * MULTIPLIERS.get(match["mult"] or "", 1)
    if amount <= 0 or amount > 10_000_000_000:
        return None
    approx = bool(match["approx"] or match["tail"]) or not re.search(r"\d", match["num"]) and \
        bool(match["approx"])
    return Money(amount, currency_of(marker, home) or home, approx, home)


def parse_amount(raw: str, home: str) -> Money | None:
    """A whole typed answer as money, or ``None`` when it is not one amount."""
    text = fold_number_text(raw)
    text = re.sub(r"\s*(?:左右|吧|的样子|的樣子|or so|roughly)\s*$", "", text)
    match = AMOUNT.fullmatch(text)
    if not match or not match["num"].strip() or match["num"].strip() in ("a", "an", "and"):
        return None
    value = _value(match, home, need_marker=False)
    if value is not None and re.search(r"约|約|大概|about|around|roughly|~|≈|左右|多", raw.casefold()):
        return Money(value.amount, value.currency, True, home)
    return value


ANCHOR_WORDS = ("元", "块", "塊", "¥", "￥", "$", "€", "£", "rmb", "cny", "usd", "twd", "hkd",
                "ntd", "eur", "gbp", "sgd", "myr", "美元", "美金", "人民币", "人民幣", "港币", "港幣",
                "港元", "台币", "台幣", "欧元", "歐元", "英镑", "英鎊", "dollar", "dollars", "bucks",
                "yuan", "euro", "euros", "pound", "pounds", "万", "萬", "千", "亿", "億", "thousand",
                "million", "grand")
"""Where an amount can be: amounts are read only around these (found by the spotter's
automaton)."""
_ANCHOR = re.compile("(?=(" + "|".join(re.escape(w) for w in sorted(ANCHOR_WORDS, key=len,
                                                                      reverse=True)) + "))")


def find_amounts(folded: str, home: str, anchors: list[tuple[int, int]] | None = None
                 ) -> list[tuple[int, int, Money]]:
    """Amounts in story text; only those with a currency or a 万/千-sized multiplier, so
    "3 times" or "10点" are never read as money."""
    if anchors is None:
        anchors = [m.span(1) for m in _ANCHOR.finditer(folded)]
    found: dict[int, tuple[int, int, Money]] = {}
    for low, high in anchors:
        position, stop = max(0, low - 24), min(len(folded), high + 24)
        while (match := AMOUNT.search(folded, position, stop)) is not None:
            position = max(match.end(), match.start() + 1)
            if match["num"].strip() in ("a", "an", "and"):  # "an $83 bill": the article is
                position = match.start() + len(match["num"])  # no number; read on after it
                continue
            if not (match.start() <= low and high <= match.end()) or match.start() in found:
                continue
            if not match["num"].strip():
                continue
            if match.start() > 0 and folded[match.start() - 1] in "几幾数數好":
                continue  # 几千块: some thousands, no amount to propose
            value = _value(match, home, need_marker=True)
            if value is not None:
                found[match.start()] = (match.start(), match.end(), value)
    return [found[key] for key in sorted(found)]


def show_money(money: Money) -> str:
    """"NT$200,000", "¥8,000", "≈$2,340.17", "3,000 MYR"."""
    amount = money.amount
    digits = f"{amount:,.0f}" if float(amount).is_integer() else f"{amount:,.2f}"
    symbol = SYMBOLS.get(money.currency)
    if money.currency == "USD" and money.home not in ("USD", ""):
        symbol = "US$"
    text = f"{symbol}{digits}" if symbol else f"{digits} {money.currency}"
    return ("≈" + text) if money.approx else text
