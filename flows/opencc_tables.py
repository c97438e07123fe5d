"""OpenCC's character tables, read as plain text from ``opencc-python-reimplemented``.

Why here: two parts of the engine need them — the validator's script checks
(flows/hantchecks.py) and the crisis check, which folds Traditional to Simplified before
matching (flows/safety/normalize.py). The package's own converter is pure Python and costs
milliseconds on a long message; one-character mappings as a ``str.translate`` table cost
microseconds, which is what a check in front of every typed message can afford.
"""

from __future__ import annotations

import functools
from importlib import resources


def table(name: str) -> dict[str, list[str]]:
    """One-character entries of an OpenCC dictionary file (``TSCharacters.txt``…)."""
    folder = resources.files("opencc") / "dictionary"
    found: dict[str, list[str]] = {}
    for line in (folder / name).read_text(encoding="utf-8").splitlines():
        key, _, values = line.partition("\t")
        if len(key) == 1 and values:
            found[key] = values.split()
    return found


@functools.cache
def to_simplified() -> dict[int, str]:
    """A ``str.translate`` map from Traditional (and Taiwan/Hong Kong variant) characters to
    Simplified ones: OpenCC's t2s for single characters, its first choice."""
    mapping = {key: forms[0] for key, forms in table("TSCharacters.txt").items()}
    for name in ("TWVariantsRev.txt", "HKVariantsRev.txt"):
        for variant, standard in table(name).items():
            mapping.setdefault(variant, mapping.get(standard[0], standard[0]))
    return str.maketrans({key: value for key, value in mapping.items() if key != value})
