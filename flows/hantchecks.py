"""Validator checks of Chinese script and regional usage: zh-Hant texts read as Taiwan and Hong
Kong Chinese, zh-Hans texts as Simplified Chinese.

Why a check and not a review habit: Traditional text converted from Simplified keeps mainland
words in Traditional characters (聯繫, 信息, 短信, 合同, 賬戶, 網絡), and hand edits slip
Simplified characters into zh-Hant or Traditional ones into zh-Hans. A reader in Taipei or Hong
Kong notices at once, and a letter with mixed scripts looks forged. ``callshield flows
validate`` reports each case at ``file:line`` with the word to write instead.

Which characters exist only in one script comes from OpenCC's character tables (the
``opencc-python-reimplemented`` package ships them as text): a character is Simplified-only
when OpenCC maps it to Traditional forms that never include itself and no Traditional text uses
it; Traditional-only likewise. Word lists that match what users type (cue words, safety
triggers) are not checked: they should hold every spelling people use.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any, Protocol

from flows.issues import PackIssue
from flows.opencc_tables import table as _table
from flows.schema import PackData
from flows.textchecks import texts

MAINLAND_TERMS: dict[str, str] = {
    "聯繫": "聯絡",
    "聯系": "聯絡",
    "信息": "訊息 (a message) or 資訊 (information)",
    "短信": "簡訊",
    "合同": "合約 (or 契約)",
    "賬": "帳 (帳戶, 帳號, 轉帳)",
    "網絡": "網路",
    "網上": "網路上",
    "報道": "報導",
    "視頻": "影片",
    "鏈接": "連結",
    "軟件": "軟體",
    "渠道": "管道",
    "二維碼": "QR code",
    "打印": "列印",
    "登錄": "登入",
    "質量": "品質",
    "“": "「",
    "”": "」",
}
"""Mainland words (in Traditional characters) and what Taiwan and Hong Kong write instead."""

OFFICIAL_NAMES: tuple[str, ...] = (
    "個人信息保護法", "個人信息處理者", "侵犯公民個人信息", "網絡不良與垃圾信息舉報受理中心",
    "違法和不良信息舉報中心", "網絡安全法", "反電信網絡詐騙法",
)
"""Official mainland titles and defined legal terms that keep their wording in zh-Hant, as a
law's name does (any text inside 《》 is also left as written)."""

HARMLESS = ("官網",)
"""Words that contain a listed term only by accident (官網上 is "on the official website")."""

TITLE = re.compile(r"《[^》]*》")
INCLUDE = re.compile(r"""\{%-?\s*include\s+["']([^"']+)["']""")


class ScriptChecker(Protocol):
    """What these checks need from :class:`flows.validator._Checker`."""

    data: PackData

    def error(self, path: tuple[Any, ...], check: str, message: str) -> None: ...



@functools.cache
def script_tables() -> tuple[dict[str, str], dict[str, str]]:
    """(Simplified-only character → its Traditional form, Traditional-only → Simplified).

    Taiwan's and Hong Kong's standard forms count as Traditional (群 beside OpenCC's 羣)."""
    to_traditional, to_simplified = _table("STCharacters.txt"), _table("TSCharacters.txt")
    regional = {c for name in ("TWVariants.txt", "HKVariants.txt")
                for forms in _table(name).values() for c in forms}
    traditional_forms = {c for forms in to_traditional.values() for c in forms} | regional
    simplified_forms = {c for forms in to_simplified.values() for c in forms}
    simplified_only = {key: "/".join(forms) for key, forms in to_traditional.items()
                       if key not in forms and key not in to_simplified
                       and key not in traditional_forms}
    traditional_only = {key: "/".join(forms) for key, forms in to_simplified.items()
                        if key not in forms and key not in to_traditional
                        and key not in simplified_forms}
    return simplified_only, traditional_only


def _blank_exempt(text: str, exempt_names: bool) -> str:
    """The text with titles in 《》 (and official names) blanked, keeping offsets."""
    text = TITLE.sub(lambda m: " " * len(m.group(0)), text)
    if exempt_names:
        for name in (*OFFICIAL_NAMES, *HARMLESS):
            text = text.replace(name, " " * len(name))
    return text


def hant_problems(text: str, *, law_name: bool = False) -> Iterator[str]:
    """Why a zh-Hant text is not Taiwan/Hong Kong Chinese, one sentence per problem."""
    simplified_only, _ = script_tables()
    for char in dict.fromkeys(c for c in text if c in simplified_only):
        yield (f"'{char}' is a Simplified character in a zh-Hant text; write "
               f"'{simplified_only[char]}'")
    if law_name:
        return  # an official title keeps its mainland wording, in Traditional characters
    usage = _blank_exempt(text, exempt_names=True)
    for term, instead in MAINLAND_TERMS.items():
        if term in usage:
            yield (f"'{term}' is mainland usage in a zh-Hant text; Taiwan and Hong Kong write "
                   f"{instead} (a law's official title may stay as it is, inside 《》)")


def hans_problems(text: str) -> Iterator[str]:
    """Traditional characters slipped into a zh-Hans text."""
    _, traditional_only = script_tables()
    for char in dict.fromkeys(c for c in text if c in traditional_only):
        yield (f"'{char}' is a Traditional character in a zh-Hans text; write "
               f"'{traditional_only[char]}'")


def check_scripts(c: ScriptChecker) -> None:
    """Every zh-Hant text of the pack in Taiwan/Hong Kong usage, every zh-Hans one Simplified."""
    for path, text in texts(c):  # type: ignore[arg-type]
        law_name = path[0] == "citations" and path[-1] == "law"
        if "zh-Hant" in text:
            for problem in hant_problems(text["zh-Hant"], law_name=law_name):
                c.error((*path, "zh-Hant"), "script", problem)
        if "zh-Hans" in text:
            for problem in hans_problems(text["zh-Hans"]):
                c.error((*path, "zh-Hans"), "script", problem)
    for key, value in c.data.ui.get("zh-Hant", {}).items():
        for problem in hant_problems(value):
            c.error(("ui", "zh-Hant", key), "script", problem)
    for key, value in c.data.ui.get("zh-Hans", {}).items():
        for problem in hans_problems(value):
            c.error(("ui", "zh-Hans", key), "script", problem)


def _template_files(root: Path, name: str, seen: set[str]) -> Iterator[Path]:
    """A template and every file it includes (each once)."""
    if name in seen or not (root / name).is_file():
        return
    seen.add(name)
    yield root / name
    for other in INCLUDE.findall((root / name).read_text(encoding="utf-8")):
        yield from _template_files(root, other, seen)


def check_template_scripts(data: PackData, root: Path) -> list[PackIssue]:
    """A letter's template (and what it includes) written in the letter's own script."""
    issues: list[PackIssue] = []
    checked: set[tuple[str, str]] = set()
    for letter in data.letters.values():
        language = letter.language
        if language not in ("zh-Hant", "zh-Hans"):
            continue
        for file in _template_files(root, letter.template, set()):
            if (str(file), language) in checked:
                continue
            checked.add((str(file), language))
            for number, line in enumerate(file.read_text(encoding="utf-8").splitlines(), 1):
                found = (hant_problems(line) if language == "zh-Hant"
                         else hans_problems(line))
                issues += [PackIssue(str(file), number, f"{problem} (the letter is {language})",
                                     "error", "script") for problem in found]
    return issues
