"""Validator checks of a pack's wording: every text in every declared language, within
Telegram's limits, naming only facts that exist.

Kept apart from :mod:`flows.validator` (the graph, conditions and rules) so each module stays
one concept; the checks use the same checker (its data, its facts and ``error`` with
``file:line``).
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterator
from typing import Any, Protocol

from flows.pack import ATTRIBUTES
from flows.schema import PackData
from flows.suggest import did_you_mean
from flows.texts import placeholders
from flows.uitext import BUILTIN, UI_KEYS


class TextChecker(Protocol):
    """What these checks need from :class:`flows.validator._Checker`."""

    data: PackData
    facts: dict[str, str]

    def error(self, path: tuple[Any, ...], check: str, message: str) -> None: ...


MESSAGE_LIMIT = 4096
CALLBACK_LIMIT = 64
LABEL_COLUMNS = 40
PLACEHOLDER_BUDGET = 200


def callback_payload(node_id: str, option_id: str) -> str:
    """The button payload channels use for an option; kept here so the validator can size it."""
    return f"c:{node_id}:{option_id}"


def display_columns(text: str) -> int:
    """Screen columns of a label: wide (CJK) characters count twice."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def texts(c: TextChecker) -> Iterator[tuple[tuple[Any, ...], dict[str, str]]]:
    data = c.data
    for key in ("name", "disclaimer", "description"):
        value = getattr(data.pack, key)
        if value:
            yield ("pack", key), value
    for node_id, node in data.nodes.items():
        for key in ("text", "help", "reprompt", "unknown", "summary"):
            value = getattr(node, key)
            if value:
                yield ("nodes", node_id, key), value
        for index, option in enumerate(node.options or []):
            yield ("nodes", node_id, "options", index, "label"), option.label
    for index, rule in enumerate(data.rules):
        yield ("rules", index, "title"), rule.title
        yield ("rules", index, "explanation"), rule.explanation
    sections: list[tuple[str, dict[str, Any], tuple[str, ...]]] = [
        ("citations", data.citations, ("law", "article")), ("advice", data.advice, ("text",)),
        ("channels", data.channels, ("name", "contact", "bring")),
        ("letters", data.letters, ("title", "recipient", "formal_title")),
    ]
    for section, table, keys in sections:
        for item_id, item in table.items():
            for key in keys:
                value = getattr(item, key)
                if value:
                    yield (section, item_id, key), value
    for letter_id, letter in data.letters.items():
        if letter.addressee is not None and letter.addressee.name:
            yield ("letters", letter_id, "addressee", "name"), letter.addressee.name
        if letter.form is not None:
            yield ("letters", letter_id, "form", "name"), letter.form.name
            for index, field in enumerate(letter.form.fields):
                yield ("letters", letter_id, "form", "fields", index, "label"), field.label
    yield ("safety", "unsafe"), data.safety.unsafe
    for index, trigger in enumerate(data.safety.triggers):
        yield ("safety", "triggers", index, "text"), trigger.text
    for index, item in enumerate(data.kindness):
        yield ("kindness", index, "text"), item.text


def check_languages(c: TextChecker) -> None:
    languages = c.data.pack.languages
    for path, text in texts(c):
        missing = [lang for lang in languages if lang not in text]
        extra = [lang for lang in text if lang not in languages]
        if missing:
            c.error(path, "language", f"text missing in {', '.join(missing)}; add a "
                    f"translation for every declared language")
        if extra:
            c.error(path, "language", f"text in {', '.join(extra)}, which the pack does not "
                    "declare in pack.languages")
    for lang in languages:
        override = c.data.ui.get(lang, {})
        builtin = BUILTIN.get(lang, {})
        missing = [key for key in UI_KEYS if key not in override and key not in builtin]
        if missing:
            c.error(("pack", "languages"), "language", f"no built-in interface texts for "
                    f"'{lang}'; give them under ui: {lang}: ({', '.join(missing)})")
    for lang, override in c.data.ui.items():
        for key in override:
            if key not in UI_KEYS:
                c.error(("ui", lang, key), "reference", f"unknown interface text '{key}'"
                        + did_you_mean(key, UI_KEYS))


def check_limits(c: TextChecker) -> None:
    for path, text in texts(c):
        for lang, value in text.items():
            budget = len(value) + PLACEHOLDER_BUDGET * len(placeholders(value))
            if budget > MESSAGE_LIMIT:
                c.error(path, "telegram", f"the {lang} text may exceed Telegram's {MESSAGE_LIMIT}"
                        f"-character message limit ({budget} with placeholders); shorten it")
    for node_id, node in c.data.nodes.items():
        for index, option in enumerate(node.options or []):
            payload = callback_payload(node_id, option.id).encode("utf-8")
            if len(payload) > CALLBACK_LIMIT:
                c.error(("nodes", node_id, "options", index, "id"), "telegram",
                        f"button payload '{payload.decode()}' is {len(payload)} bytes; Telegram "
                        f"allows {CALLBACK_LIMIT}: shorten the node or option id")
            for lang, label in option.label.items():
                if display_columns(label) > LABEL_COLUMNS:
                    c.error(("nodes", node_id, "options", index, "label"), "telegram",
                            f"the {lang} button label is too long to read on a phone "
                            f"({display_columns(label)} columns, at most {LABEL_COLUMNS}; "
                            "Chinese characters count as two)")


def check_placeholders(c: TextChecker) -> None:
    for path, text in texts(c):
        for value in text.values():
            for name in placeholders(value):
                base, _, attribute = name.partition(".")
                if base not in c.facts:
                    c.error(path, "reference", f"text names '{{{name}}}', which is not a fact"
                            + did_you_mean(base, c.facts))
                elif attribute and attribute not in ATTRIBUTES.get(c.facts[base], ()) and \
                        c.facts[base] != "tally":
                    c.error(path, "reference", f"text names '{{{name}}}': fact '{base}' has no "
                            f"attribute '{attribute}'")
