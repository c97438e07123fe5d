"""Render every letter against sample contexts, and say where a rendering failed.

The same function names the place of a failure at validation time (an issue at the template's
``file:line``) and at run time (:class:`LetterFailed`, which carries the template, the line and
the error's class — never its message, which may quote what a user typed).
"""

from __future__ import annotations

import re
import traceback
from pathlib import Path

from jinja2 import TemplateNotFound, nodes

from flows.issues import PackIssue
from flows.letters import (
    AddresseeContext,
    CitationContext,
    Counts,
    EnclosureContext,
    FindingContext,
    IncidentContext,
    LetterInfo,
    PublicOrderGroup,
    Sender,
    environment,
)
from flows.lettersamples import sample_contexts
from flows.schema import PackData
from flows.suggest import did_you_mean
from flows.yamlsource import SourceMap

ITEM_KEYS = frozenset(key for typed in (CitationContext, FindingContext, IncidentContext,
                                        PublicOrderGroup, LetterInfo, Sender, Counts,
                                        AddresseeContext, EnclosureContext)
                      for key in typed.__annotations__)
"""Every key a dict in a letter context can have (for "did you mean" on a mistyped one)."""
_MISSING_ATTRIBUTE = re.compile(r"has no attribute '([^']+)'")


class LetterFailed(Exception):
    """A letter that could not be rendered; safe to log (no user data in it)."""

    def __init__(self, letter_id: str, template: str, line: int, error_class: str) -> None:
        super().__init__(f"letter '{letter_id}' failed in template {template} line {line}: "
                         f"{error_class}")
        self.letter_id = letter_id
        self.template = template
        self.line = line
        self.error_class = error_class


def failure_place(error: BaseException, default: str) -> tuple[str, int]:
    """(template file, line) of the innermost template frame of a rendering error."""
    if isinstance(error, TemplateNotFound):
        return default, 1
    place = (default, 1)
    for frame in traceback.extract_tb(error.__traceback__):
        if frame.filename.endswith((".j2", ".jinja", ".txt", ".html")) and frame.lineno:
            place = (frame.filename, frame.lineno)
    return place


def _tested_facts(root: Path, name: str, seen: set[str] | None = None) -> set[str]:
    """Facts the template (and what it includes) reads as ``facts.x`` or ``labels.x``."""
    seen = seen if seen is not None else set()
    if name in seen:
        return set()
    seen.add(name)
    env = environment(root)
    try:
        tree = env.parse((root / name).read_text(encoding="utf-8"))
    except Exception:  # noqa: BLE001 - reported by the syntax check already
        return set()
    found: set[str] = set()
    for node in tree.find_all((nodes.Getattr, nodes.Getitem)):
        if isinstance(node.node, nodes.Name) and node.node.name in ("facts", "labels"):
            key = node.attr if isinstance(node, nodes.Getattr) else getattr(node.arg, "value",
                                                                             None)
            if isinstance(key, str):
                found.add(key)
    for node in tree.find_all((nodes.Include, nodes.Import, nodes.FromImport, nodes.Extends)):
        if isinstance(node.template, nodes.Const) and isinstance(node.template.value, str):
            found |= _tested_facts(root, node.template.value, seen)
    return found


def check_letters_render(data: PackData, places: SourceMap, root: Path) -> list[PackIssue]:
    """Every letter rendered in every sample case; each failing place reported once."""
    root = Path(root).resolve()
    env = environment(root)
    issues: list[PackIssue] = []
    reported: set[tuple[str, int]] = set()
    for letter_id, letter in data.letters.items():
        template = env.get_template(letter.template)
        for case, context in sample_contexts(data, letter_id,
                                             _tested_facts(root, letter.template)):
            try:
                template.render(context)
            except Exception as error:  # noqa: BLE001 - every failure becomes an issue
                file, line = failure_place(error, str(root / letter.template))
                if (file, line) in reported:
                    continue
                reported.add((file, line))
                issues.append(PackIssue(file, line, _message(letter_id, case, error),
                                        "error", "template"))
    return issues


def _message(letter_id: str, case: str, error: Exception) -> str:
    detail = str(error).splitlines()[0] if str(error) else ""
    hint = ""
    missing = _MISSING_ATTRIBUTE.search(detail)
    if missing:
        hint = did_you_mean(missing[1], ITEM_KEYS) or (
            "; see flows/letters.py (LetterContext) for the keys each item has")
    return (f"letter '{letter_id}' cannot be rendered when {case}: "
            f"{type(error).__name__}: {detail}{hint}")
