"""The console's words: "type" where Telegram's texts say "tap".

Why: the packs and the shared texts are written for Telegram's buttons ("tap “I don't know”",
"请点“完成”"); a console has no buttons, so it tells the person what to type instead. Only the
tap phrases are rewritten (never "10点", a time), and a button's label gets the console's key
for it ("?" for "I don't know" / "Skip", "ok" for "Done").
"""

from __future__ import annotations

import re

KEYS = {"I don't know": "?", "Skip": "?", "Done": "ok", "我不知道": "?", "跳过": "?", "略過": "?",
        "完成": "ok", "I feel unsafe": "/unsafe", "我感到不安全": "/unsafe"}
"""Button labels and what to type for them in the console."""

_EN = [
    (re.compile(r"\b[Tt]ap one of the buttons\b"), "type the number of one of the choices"),
    (re.compile(r"\b[Tt]ap a button\b"), "type the number of a choice"),
    (re.compile(r"\bthe buttons\b"), "the numbered choices"),
    (re.compile(r"\bbuttons\b"), "numbered choices"),
    (re.compile(r"\bTap\b"), "Type"),
    (re.compile(r"\btap\b"), "type"),
    (re.compile(r"\bTapping\b"), "Typing"),
    (re.compile(r"\btapping\b"), "typing"),
]
_ZH = [
    (re.compile(r"请点选一个按钮"), "请输入一个选项的编号"),
    (re.compile(r"請點選一個按鈕"), "請輸入一個選項的編號"),
    (re.compile(r"点选"), "输入编号选择"),
    (re.compile(r"點選"), "輸入編號選擇"),
    (re.compile(r"点击"), "输入"),
    (re.compile(r"點擊"), "輸入"),
    (re.compile(r"点(?=[“「])"), "输入"),
    (re.compile(r"點(?=[「“])"), "輸入"),
    (re.compile(r"按钮"), "选项"),
    (re.compile(r"按鈕"), "選項"),
]
_LABEL = re.compile(r"([Tt]ype|输入|輸入)\s?([“「\"])([^”」\"]{1,20})([”」\"])")


def typed_words(text: str, language: str | None = None) -> str:
    """``text`` as the console says it (every language's phrases: a pack may mix them)."""
    if not text:
        return text
    for pattern, words in _EN + _ZH:
        text = pattern.sub(words, text)

    def key(match: re.Match[str]) -> str:
        label = match.group(3)
        typed = KEYS.get(label)
        if typed is None:
            return match.group(0)
        quoted = f"{match.group(2)}{label}{match.group(4)}"
        return f"{match.group(1)} {typed} ({quoted})"

    return _LABEL.sub(key, text)
