"""Keep compiled lexicons on disk, so a process starts in milliseconds, not half a second.

Compiling expands every pattern and builds an automaton of some 20,000 words (about half a
second on the development machine, seconds when it is busy); loading the saved automaton takes
a few tens of milliseconds. The file name is a hash of everything that shapes the result (the
patterns, word lists, spellings and this code's version), so a changed lexicon never meets a
stale file. No pickle: the automaton is pyahocorasick's own format of integers, the rest JSON.
A folder that cannot be read or written only costs the compile.

Folder: ``CALLSHIELD_SAFETY_CACHE`` (``off`` disables), else ``$XDG_CACHE_HOME/callshield``
(else ``~/.cache/callshield``).
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import tempfile
from pathlib import Path
from typing import Any

import ahocorasick

from flows.safety.matcher import Matcher

logger = logging.getLogger(__name__)
FORMAT = "safety-lexicon-7"
"""Bump when the compiled form or the normalisation changes (the hash covers the data)."""


def folder() -> Path | None:
    chosen = os.environ.get("CALLSHIELD_SAFETY_CACHE")
    if chosen is not None:
        return None if chosen.strip().lower() in ("", "off", "0", "no") else Path(chosen)
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "callshield"


def key_of(parts: Any) -> str:
    text = json.dumps([FORMAT, _code_version(), parts], ensure_ascii=False, sort_keys=True)
    return hashlib.sha256(text.encode()).hexdigest()[:32]


def _code_version() -> str:
    """The matcher's and the normaliser's source: a change to either makes new files."""
    here = Path(__file__).parent
    digest = hashlib.sha256()
    for name in ("normalize.py", "patterns.py", "matcher.py"):
        digest.update((here / name).read_bytes())
    return digest.hexdigest()[:16]


def load(key: str) -> Matcher | None:
    """The matcher saved under ``key``, if there is a readable one."""
    where = folder()
    if where is None:
        return None
    try:
        state = json.loads((where / f"lexicon-{key}.json").read_text(encoding="utf-8"))
        automaton = ahocorasick.load(str(where / f"lexicon-{key}.automaton"), bytes)
        return Matcher.restore(state, automaton)
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return None  # not there yet, or damaged: compile it again


def save(key: str, matcher: Matcher) -> None:
    """Keep ``matcher`` for the next process (best effort)."""
    where = folder()
    if where is None:
        return
    try:
        where.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryDirectory(dir=where) as scratch:
            automaton, state = Path(scratch) / "a", Path(scratch) / "s"
            matcher.save_automaton(str(automaton))
            state.write_text(json.dumps(matcher.state()), encoding="utf-8")
            os.replace(automaton, where / f"lexicon-{key}.automaton")  # the JSON, written
            os.replace(state, where / f"lexicon-{key}.json")  # last, marks the pair complete
    except OSError as error:
        logger.info("crisis lexicon not cached (%s): compiled in each process",
                    type(error).__name__)
