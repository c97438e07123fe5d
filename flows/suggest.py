""""Did you mean …?" for ids an operator mistyped.

Every message about an unknown id (a node, fact, option, citation, advice, channel, letter,
named condition, template key) ends with the closest existing ids, found with difflib, so a
typo is fixed in seconds instead of by reading the whole list.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable


def close_matches(name: str, choices: Iterable[str], limit: int = 3) -> list[str]:
    """The existing ids most like ``name`` (best first), if any is reasonably close."""
    pool = sorted({str(choice) for choice in choices})
    found = difflib.get_close_matches(str(name), pool, n=limit, cutoff=0.6)
    if not found:  # a prefix typed in full (``third`` for ``third_parties``) is close too
        found = [c for c in pool if c.startswith(str(name)) or str(name).startswith(c)][:limit]
    return found


def did_you_mean(name: str, choices: Iterable[str]) -> str:
    """`` — did you mean 'x'?`` (or ``'x' or 'y'``), or "" when nothing is close."""
    found = close_matches(name, choices)
    if not found:
        return ""
    quoted = [f"'{item}'" for item in found]
    listed = quoted[0] if len(quoted) == 1 else ", ".join(quoted[:-1]) + " or " + quoted[-1]
    return f" — did you mean {listed}?"
