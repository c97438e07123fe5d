"""Counts, lower bounds and money as people type or tell them."""

from __future__ import annotations

import pytest

from flows.counts import find_counts, parse_count
from flows.money import find_amounts, parse_amount, show_money
from flows.quantity import AtLeast, Money, chinese_number, english_number


@pytest.mark.parametrize(("text", "value"), [
    ("0", 0), ("15", 15), ("三十多次", AtLeast(30)), ("十几个", AtLeast(10)),
    ("数不清", AtLeast(10)), ("too many to count", AtLeast(10)), ("dozens", AtLeast(20)),
    ("a dozen", 12), ("4 times", 4), ("about 30", 30), ("more than 30 calls", AtLeast(31)),
    ("30+", AtLeast(30)), ("大概二十次", 20), ("every hour", AtLeast(8)), ("没有", 0),
    ("一共15次", 15), ("twenty five", 25), ("一直在打", AtLeast(10)), ("several", AtLeast(3)),
])
def test_counts_typed(text: str, value: object) -> None:
    assert parse_count(text) == value


@pytest.mark.parametrize("text", ["hello", "2026-11-20", "", "call me"])
def test_not_counts(text: str) -> None:
    assert parse_count(text) is None


def test_an_article_before_a_currency_sign_is_no_amount() -> None:
    found = find_amounts("they are after me for an $83 credit card balance, a $1,200 bill", "USD")
    assert [(m.amount, m.currency) for _, _, m in found] == [(83, "USD"), (1200, "USD")]


def test_a_range_in_a_story_is_its_low_end() -> None:
    text = "they call me 3 or 4 times a day, sometimes 5-6 calls, 打了3到5次. 4 times."
    found = [(text[s:e], v) for s, e, v in find_counts(text)]
    assert found == [("3 or 4 times", AtLeast(3)), ("5-6 calls", AtLeast(5)),
                     ("3到5次", AtLeast(3)), ("4 times", 4)]


def test_countless_is_never_one() -> None:
    for words in ("数不清", "too many to count", "countless", "不计其数", "lost count"):
        value = parse_count(words)
        assert isinstance(value, AtLeast) and value.n >= 10, words


def test_counts_in_a_story_keep_their_place() -> None:
    text = ("从下午1点开始一直在打，数不清。昨天给我妈打了三十多次电话，还给十几个同事发了短信。"
            "i have told them 4 times to stop. they call every hour, a dozen calls, sometimes")
    found = [(text[s:e], v) for s, e, v in find_counts(text)]
    assert found == [("一直在打", AtLeast(10)), ("数不清", AtLeast(10)), ("三十多次", AtLeast(30)),
                     ("十几个", AtLeast(10)), ("4 times", 4), ("every hour", AtLeast(8)),
                     ("a dozen calls", 12)]


@pytest.mark.parametrize(("text", "number"), [
    ("两万五", 25000), ("三千五", 3500), ("3万5千", 35000), ("一万零五", 10005), ("八千", 8000),
    ("2.5万", 25000), ("十五", 15), ("一百二", 120), ("壹仟", 1000),
])
def test_chinese_numbers(text: str, number: float) -> None:
    assert chinese_number(text) == number


def test_english_numbers() -> None:
    assert english_number("two thousand five hundred") == 2500
    assert english_number("a hundred") == 100
    assert english_number("banana") is None


@pytest.mark.parametrize(("text", "amount", "currency", "approx"), [
    ("大概八千", 8000, "CNY", True), ("$2,340.17", 2340.17, "USD", False),
    ("NT$20萬", 200000, "TWD", False), ("3k USD", 3000, "USD", False),
    ("两万五", 25000, "CNY", False), ("5000元", 5000, "CNY", False), ("¥3,000", 3000, "CNY", False),
    ("€50", 50, "EUR", False), ("八千左右", 8000, "CNY", True), ("1.5万", 15000, "CNY", False),
    ("HK$1,200", 1200, "HKD", False),
])
def test_amounts_keep_their_currency(text: str, amount: float, currency: str,
                                     approx: bool) -> None:
    money = parse_amount(text, "CNY")
    assert money == Money(amount, currency, approx, "CNY")


def test_a_bare_dollar_follows_the_question_currency() -> None:
    assert parse_amount("$500", "USD") == Money(500, "USD", False, "USD")
    assert parse_amount("$500", "HKD") == Money(500, "HKD", False, "HKD")
    assert parse_amount("500", "USD") == Money(500, "USD", False, "USD")


def test_not_amounts() -> None:
    assert parse_amount("hello", "CNY") is None
    assert parse_amount("3 times", "CNY") is None


def test_amounts_in_a_story_need_a_currency_or_a_multiplier() -> None:
    text = "我在闪电借借了3000元，10点前要还，打了3次。they want $2,340.17; i borrowed nt$20萬"
    found = [(text[s:e], m.amount, m.currency) for s, e, m in find_amounts(text, "CNY")]
    assert found == [("3000元", 3000, "CNY"), ("$2,340.17", 2340.17, "USD"),
                     ("nt$20萬", 200000, "TWD")]


def test_money_reads_as_written() -> None:
    assert show_money(Money(200000, "TWD", False, "CNY")) == "NT$200,000"
    assert show_money(Money(8000, "CNY", True, "CNY")) == "≈¥8,000"
    assert show_money(Money(2340.17, "USD", False, "CNY")) == "US$2,340.17"
    assert show_money(Money(2340.17, "USD", False, "USD")) == "$2,340.17"
    assert show_money(Money(10, "MYR", False, "CNY")) == "10 MYR"
