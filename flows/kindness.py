"""Kind words: one short line of acknowledgement when a person says they are afraid, ashamed or
desperate, shown before the next question (issue 14). The words and the lines are pack data
(``kindness:``); crisis is not handled here — the crisis check (flows/safety) comes first, and
a kind line is shown only when it found nothing.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from flows.pack import Pack

_DENIED = re.compile(r"(?:\bnot|\bdont|\bdidnt|\bdoesnt|\bnever|\bno longer|\bisnt|\barent|"
                     r"\bwasnt|\bwerent|\bnor|不|没|沒|并不|並不|从不|從不)\s*(?:\S+\s*)?$")
"""A denial just before a word ("I'm not scared", "我不怕"): no kind line for it. Texts are
normalised first (apostrophes dropped: "don't" reads "dont")."""


def kind_line(pack: Pack, folded: str) -> int | None:
    """The first ``kindness`` item (in pack order) whose words the normalised text says and
    does not deny, or ``None``."""
    for index, word in pack.kind_words:
        at = folded.find(word)
        while at >= 0:
            latin = word[:1].isascii() and word[:1].isalnum()
            end = at + len(word)
            bounded = not latin or ((at == 0 or not folded[at - 1].isalnum()) and (
                end >= len(folded) or not folded[end].isalnum() or folded[end] in "sd"))
            if bounded and not _DENIED.search(folded[max(0, at - 14):at]):
                return index
            at = folded.find(word, at + 1)
    return None
