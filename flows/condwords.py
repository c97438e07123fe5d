"""Conditions in words, for lawyers and translators who review a pack without reading YAML.

``{fact: who_called, equals: agency}`` reads "the answer to “Who contacted you?” is “A
collection agency”" (or in Chinese), using the pack's own question texts and option labels.
Combinations become nested lists: :func:`describe` returns a line, or a line with sub-items.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from flows.conditions import AllOf, AnyOf, Condition, Not, Test, Use
from flows.pack import YESNO_OPTIONS, fact_name
from flows.schema import PackData
from flows.texts import pick
from flows.uitext import BUILTIN


@dataclass(frozen=True, slots=True)
class Words:
    """A sentence, and the sentences it groups (for all/any/not/named conditions)."""

    text: str
    items: tuple[Words, ...] = ()

    def lines(self, depth: int = 0) -> list[str]:
        """As indented text lines (``- `` before each sub-item)."""
        out = [("  " * (depth - 1) + "- " if depth else "") + self.text]
        for item in self.items:
            out += item.lines(depth + 1)
        return out


_EN = {
    "answer": "the answer to \u201c{q}\u201d", "hour": "the hour of the answer to \u201c{q}\u201d",
    "minute": "the minute of the answer to \u201c{q}\u201d",
    "date": "the date of the answer to \u201c{q}\u201d",
    "weekday": "the weekday (1 = Monday) of the answer to \u201c{q}\u201d",
    "count": "how many options were ticked for \u201c{q}\u201d",
    "length": "the length of the text typed for \u201c{q}\u201d",
    "language": "the conversation's language", "cues": "the words found in what the user typed",
    "equals": "{f} is {v}", "not_equals": "{f} is not {v}", "gt": "{f} is more than {v}",
    "gte": "{f} is {v} or more", "lt": "{f} is less than {v}", "lte": "{f} is {v} or less",
    "gt_date": "{f} is after {v}", "gte_date": "{f} is on or after {v}",
    "lt_date": "{f} is before {v}", "lte_date": "{f} is on or before {v}",
    "in": "{f} is one of {v}", "not_in": "{f} is none of {v}", "contains": "{f} includes {v}",
    "contains_any": "{f} includes any of {v}", "contains_all": "{f} includes all of {v}",
    "known": "{f} is known (not \u201cI don't know\u201d)", "not_known": "{f} is not known",
    "answered": "{f} was asked and answered", "not_answered": "{f} was not answered",
    "all": "all of these hold:", "any": "at least one of these holds:",
    "not_all": "not all of these hold:", "not_any": "none of these holds:",
    "not": "this does not hold:", "use": "the condition \u201c{name}\u201d holds:",
    "and": ", ", "or": " or ",
}
_HANS = {
    "answer": "\u201c{q}\u201d的回答", "hour": "\u201c{q}\u201d中的小时", "minute": "\u201c{q}\u201d中的分钟",
    "date": "\u201c{q}\u201d中的日期", "weekday": "\u201c{q}\u201d中的星期（1=星期一）",
    "count": "\u201c{q}\u201d选中的项数", "length": "\u201c{q}\u201d所填文字的字数",
    "language": "对话语言", "cues": "用户输入的文字中发现的关键词",
    "equals": "{f}为{v}", "not_equals": "{f}不是{v}", "gt": "{f}大于{v}", "gte": "{f}不少于{v}",
    "lt": "{f}小于{v}", "lte": "{f}不超过{v}", "gt_date": "{f}在{v}之后",
    "gte_date": "{f}在{v}当天或之后", "lt_date": "{f}在{v}之前", "lte_date": "{f}在{v}当天或之前",
    "in": "{f}是{v}之一", "not_in": "{f}不是{v}中的任何一个", "contains": "{f}包括{v}",
    "contains_any": "{f}包括{v}中的任何一项", "contains_all": "{f}包括{v}的全部",
    "known": "{f}有明确回答（不是“我不知道”）", "not_known": "{f}没有明确回答",
    "answered": "{f}已回答", "not_answered": "{f}未回答",
    "all": "以下全部成立：", "any": "以下至少一项成立：", "not_all": "以下并非全部成立：",
    "not_any": "以下都不成立：", "not": "以下不成立：", "use": "条件“{name}”成立：",
    "and": "、", "or": "或",
}
_HANT = {
    "answer": "\u201c{q}\u201d的回答", "hour": "\u201c{q}\u201d中的小時", "minute": "\u201c{q}\u201d中的分鐘",
    "date": "\u201c{q}\u201d中的日期", "weekday": "\u201c{q}\u201d中的星期（1=星期一）",
    "count": "\u201c{q}\u201d選中的項數", "length": "\u201c{q}\u201d所填文字的字數",
    "language": "對話語言", "cues": "使用者輸入的文字中發現的關鍵詞",
    "equals": "{f}為{v}", "not_equals": "{f}不是{v}", "gt": "{f}大於{v}", "gte": "{f}不少於{v}",
    "lt": "{f}小於{v}", "lte": "{f}不超過{v}", "gt_date": "{f}在{v}之後",
    "gte_date": "{f}在{v}當天或之後", "lt_date": "{f}在{v}之前", "lte_date": "{f}在{v}當天或之前",
    "in": "{f}是{v}之一", "not_in": "{f}不是{v}中的任何一個", "contains": "{f}包括{v}",
    "contains_any": "{f}包括{v}中的任何一項", "contains_all": "{f}包括{v}的全部",
    "known": "{f}有明確回答（不是「我不知道」）", "not_known": "{f}沒有明確回答",
    "answered": "{f}已回答", "not_answered": "{f}未回答",
    "all": "以下全部成立：", "any": "以下至少一項成立：", "not_all": "以下並非全部成立：",
    "not_any": "以下都不成立：", "not": "以下不成立：", "use": "條件「{name}」成立：",
    "and": "、", "or": "或",
}
PHRASES = {"en": _EN, "zh-Hans": _HANS, "zh-Hant": _HANT}
NEGATION = {"equals": "not_equals", "not_equals": "equals", "in": "not_in", "not_in": "in",
            "gt": "lte", "gte": "lt", "lt": "gte", "lte": "gt"}


def _phrases(language: str) -> dict[str, str]:
    if language in PHRASES:
        return PHRASES[language]
    return PHRASES["zh-Hant" if "Hant" in language else "zh-Hans"] if language.startswith(
        "zh") else _EN


class _Describer:
    def __init__(self, data: PackData, language: str) -> None:
        self.data = data
        self.language = language
        self.words = _phrases(language)
        self.nodes = {}
        for node_id, node in data.nodes.items():
            name = fact_name(node_id, node)
            if name is not None:
                self.nodes.setdefault(name, node)

    def text(self, value: Mapping[str, str] | None) -> str:
        return pick(value, self.language, self.data.pack.default_language) if value else ""

    def fact(self, fact: str) -> str:
        base, _, attribute = fact.partition(".")
        if base in ("language", "cues") and not attribute:
            return self.words[base]
        return self.words.get(attribute or "answer", self.words["answer"]).format(
            q=self.question(base))

    def question(self, fact: str) -> str:
        """The question that asks for a fact: its first sentence, which names it."""
        node = self.nodes.get(fact)
        text = " ".join(self.text(node.text).split()) if node else fact
        sentences = re.findall(r".+?(?:[?？。!！]|\.(?=\s)|$)", text)
        asked = [x.strip() for x in sentences if x.strip().endswith(("?", "？"))]
        text = asked[0] if asked else (sentences[0].strip() if sentences else text)
        return text if len(text) <= 90 else text[:89] + "…"

    def value(self, fact: str, value: Any) -> str:
        base, _, attribute = fact.partition(".")
        if isinstance(value, (dt.date, int, float)) or attribute:
            return str(value)
        node = self.nodes.get(base)
        if base == "cues" and value in self.data.cues:
            words = self.data.cues[value].words
            first = pick({k: v[0] for k, v in words.items() if v}, self.language,
                         self.data.pack.default_language) if words else value
            return f"\u201c{first}\u201d ({value})"
        if node is not None and node.kind == "yesno" and value in YESNO_OPTIONS:
            ui = BUILTIN.get(self.language, BUILTIN["en"])
            label = self.data.ui.get(self.language, {}).get(value) or ui.get(value, value)
            return f"\u201c{label}\u201d"
        for option in (node.options or []) if node is not None else []:
            if option.id == value:
                return f"\u201c{self.text(option.label)}\u201d"
        return f"\u201c{value}\u201d"

    def test(self, test: Test, negate: bool = False) -> str:
        op = test.operator
        if op in ("known", "answered"):
            key = op if bool(test.value) != negate else f"not_{op}"
            base, _, attribute = test.fact.partition(".")
            subject = self.fact(test.fact) if attribute or not self.language.startswith("zh") \
                else f"\u201c{self.question(base)}\u201d"
            return self.words[key].format(f=subject)
        if negate and op in NEGATION:
            op = NEGATION[op]
        values = test.value if isinstance(test.value, tuple) else (test.value,)
        joiner = self.words["or"] if op in ("in", "contains_any") else self.words["and"]
        shown = joiner.join(self.value(test.fact, v) for v in values)
        is_date = isinstance(test.value, dt.date)
        key = f"{op}_date" if is_date and f"{op}_date" in self.words else op
        sentence = self.words[key].format(f=self.fact(test.fact), v=shown)
        if negate and op not in NEGATION:  # contains…: no direct opposite
            return self.words["not"] + " " + sentence
        return sentence

    def describe(self, condition: Condition, negate: bool = False,
                 seen: frozenset[str] = frozenset()) -> Words:
        if isinstance(condition, Test):
            return Words(self.test(condition, negate))
        if isinstance(condition, Not):
            return self.describe(condition.item, not negate, seen)
        if isinstance(condition, (AllOf, AnyOf)):
            key = ("all" if isinstance(condition, AllOf) else "any")
            key = f"not_{key}" if negate else key
            return Words(self.words[key], tuple(self.describe(i, False, seen)
                                                for i in condition.items))
        name = condition.name
        inner = self.data.conditions.get(name)
        if inner is None or name in seen:
            return Words(self.words["use"].format(name=name))
        head = self.words["use"].format(name=name)
        if negate:
            head = self.words["not"] + " " + head
        return Words(head, (self.describe(inner, False, seen | {name}),))


def describe(condition: Condition, data: PackData, language: str) -> Words:
    """A condition as sentences in ``language`` (en, zh-Hans, zh-Hant; others read English)."""
    return _Describer(data, language).describe(condition)


def describe_text(condition: Condition, data: PackData, language: str) -> str:
    """The same, as indented text lines."""
    return "\n".join(describe(condition, data, language).lines())
