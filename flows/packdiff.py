"""What changed between two versions of a pack, in the pack's own terms.

``diff_packs(old, new)`` compares the parsed packs, not YAML lines: questions, rules, named
conditions, citations, advice, channels, letters (with their templates), cues, safety texts,
interface texts and the pack's own settings, each added, removed or changed field by field.
Conditions read as words (flows/condwords.py), texts as "before → after" in one language.
A pure function: release history, ``packs diff`` and the review gate all use it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from jinja2 import Environment, TemplateSyntaxError, nodes
from pydantic import BaseModel

from flows.conditions import AllOf, AnyOf, Not, Test, Use
from flows.condwords import describe
from flows.schema import Branch, PackData
from flows.texts import pick

REVIEWED_SECTIONS = ("rules", "conditions", "citations", "letters")
"""Changes here need a reviewer to publish: what the law says, when it applies, and the
letters that repeat it to a lender or a regulator."""
SECTIONS = ("pack", "questions", "rules", "conditions", "citations", "advice", "channels",
            "letters", "cues", "safety", "texts", "incident")
QUOTE = 120
_CONDITION = (Test, AllOf, AnyOf, Not, Use)


@dataclass(frozen=True, slots=True)
class Change:
    section: str  # one of SECTIONS
    item: str  # the id (a rule id, a question id, "unsafe", "en.back"...)
    kind: str  # added | removed | changed
    details: tuple[str, ...] = ()


Templates = Mapping[str, str]


def diff_packs(old: PackData | None, new: PackData, old_templates: Templates | None = None,
               new_templates: Templates | None = None, language: str | None = None,
               ) -> list[Change]:
    """Every change from ``old`` (None: nothing published yet) to ``new``."""
    lang = language or new.pack.default_language
    differ = _Differ(old, new, lang)
    before = old or new.model_copy(update={"nodes": {}, "rules": [], "conditions": {},
                                           "citations": {}, "advice": {}, "channels": {},
                                           "letters": {}, "cues": {}, "ui": {}, "incident": {}})
    changes: list[Change] = []
    if old is not None:  # the review itself is recorded by the release, not compared here
        review = {"reviewed_on": new.pack.reviewed_on, "reviewed_by": new.pack.reviewed_by}
        changes += differ.models("pack", {"pack": old.pack.model_copy(update=review)},
                                 {"pack": new.pack})
    changes += differ.models("questions", before.nodes, new.nodes)
    changes += differ.models("rules", {r.id: r for r in before.rules},
                             {r.id: r for r in new.rules})
    if old is not None and [r.id for r in old.rules if r.id in {x.id for x in new.rules}] != [
            r.id for r in new.rules if r.id in {x.id for x in old.rules}]:
        changes.append(Change("rules", "(order)", "changed", ("the order of the rules changed "
                                                              "(it decides ties in severity)",)))
    for section in ("conditions", "citations", "advice", "channels", "letters", "cues"):
        changes += differ.models(section, getattr(before, section), getattr(new, section))
    changes += _template_changes(before, new, old_templates or {}, new_templates or {},
                                 changes)
    if old is not None:
        changes += differ.models("safety", {"unsafe": old.safety},
                                 {"unsafe": new.safety})
        changes += differ.models("incident", {"mapping": old.incident},
                                 {"mapping": new.incident})
    flat_old = {f"{lg}.{k}": v for lg, texts in before.ui.items() for k, v in texts.items()}
    flat_new = {f"{lg}.{k}": v for lg, texts in new.ui.items() for k, v in texts.items()}
    changes += differ.models("texts", flat_old, flat_new)
    return changes


def needs_review(changes: list[Change]) -> list[str]:
    """The sections needing a reviewer that these changes touch."""
    return [s for s in REVIEWED_SECTIONS if any(c.section == s for c in changes)]


def summary(changes: list[Change]) -> str:
    """One line: ``rules +1 ~2; citations -1`` (empty when nothing changed)."""
    parts = []
    for section in SECTIONS:
        mine = [c for c in changes if c.section == section]
        if mine:
            counts = [(mark, sum(c.kind == kind for c in mine)) for mark, kind in
                      (("+", "added"), ("~", "changed"), ("-", "removed"))]
            parts.append(section + " " + " ".join(f"{m}{n}" for m, n in counts if n))
    return "; ".join(parts)


def as_text(changes: list[Change]) -> str:
    """Readable lines, grouped by section."""
    if not changes:
        return "no changes"
    lines: list[str] = []
    for section in SECTIONS:
        mine = [c for c in changes if c.section == section]
        if not mine:
            continue
        lines.append(f"{section}:")
        for change in mine:
            mark = {"added": "+", "removed": "-", "changed": "~"}[change.kind]
            lines.append(f"  {mark} {change.item}")
            lines += [f"      {line}" for detail in change.details
                      for line in detail.splitlines()]
    return "\n".join(lines)


def _quote(text: str) -> str:
    text = " ".join(str(text).split())
    return "\u201c" + (text if len(text) <= QUOTE else text[:QUOTE - 1] + "…") + "\u201d"


class _Differ:
    def __init__(self, old: PackData | None, new: PackData, language: str) -> None:
        self.old, self.new, self.language = old, new, language

    def models(self, section: str, before: Mapping[str, Any], after: Mapping[str, Any],
               ) -> list[Change]:
        changes = []
        for key in list(before) + [k for k in after if k not in before]:
            if key not in after:
                changes.append(Change(section, str(key), "removed", (self.brief(before[key]),)))
            elif key not in before:
                changes.append(Change(section, str(key), "added", (self.brief(after[key]),)))
            elif before[key] != after[key]:
                changes.append(Change(section, str(key), "changed",
                                      tuple(self.fields(before[key], after[key]))))
        return [c if c.details != ("",) else Change(c.section, c.item, c.kind) for c in changes]

    def brief(self, value: Any) -> str:
        for name in ("title", "text", "law", "name"):
            text = getattr(value, name, None)
            if isinstance(text, dict) and text:
                return _quote(pick(text, self.language, next(iter(text))))
        return _quote(value) if isinstance(value, str) else ""

    def fields(self, before: Any, after: Any) -> list[str]:
        if not isinstance(before, BaseModel):
            return [self.value("value", before, after)]
        out = []
        for name in type(before).model_fields:
            old, new = getattr(before, name), getattr(after, name)
            if old != new:
                out.append(self.value(name, old, new))
        return out

    def value(self, name: str, old: Any, new: Any) -> str:
        if isinstance(old, _CONDITION) or isinstance(new, _CONDITION):
            return f"{name}:\n  before: {self.words(old)}\n  after: {self.words(new)}"
        if _is_text(old) or _is_text(new):
            old, new = old or {}, new or {}
            langs = [lg for lg in dict.fromkeys([*old, *new]) if old.get(lg) != new.get(lg)]
            shown = self.language if self.language in langs else langs[0]
            others = [lg for lg in langs if lg != shown]
            also = f" (also changed in {', '.join(others)})" if others else ""
            return (f"{name} ({shown}): {_quote(old.get(shown, '—'))} → "
                    f"{_quote(new.get(shown, '—'))}{also}")
        if _is_id_list(old) and _is_id_list(new):
            added = [x for x in new if x not in old]
            removed = [x for x in old if x not in new]
            parts = [f"+{x}" for x in added] + [f"-{x}" for x in removed]
            return f"{name}: " + (" ".join(parts) if parts else "order changed")
        if name == "options":
            return self.options(old or [], new or [])
        if name == "next":
            return f"next:\n  before: {self.next(old)}\n  after: {self.next(new)}"
        return f"{name}: {old!r} → {new!r}"

    def words(self, condition: Any) -> str:
        if condition is None:
            return "(none)"
        return "; ".join(describe(condition, self.new, self.language).lines())

    def next(self, value: Any) -> str:
        if value is None or isinstance(value, str):
            return str(value)
        parts = [f"when {self.words(b.when)} → {b.goto}" if isinstance(b, Branch) and b.when
                 else f"otherwise → {b.goto}" for b in value]
        return " | ".join(parts)

    def options(self, old: list[Any], new: list[Any]) -> str:
        before, after = {o.id: o for o in old}, {o.id: o for o in new}
        parts = [f"+{i} {self.brief(o)}" for i, o in after.items() if i not in before]
        parts += [f"-{i}" for i in before if i not in after]
        parts += [f"~{i} ({'; '.join(self.fields(before[i], after[i]))})"
                  for i in before if i in after and before[i] != after[i]]
        if not parts:
            parts = ["order changed"]
        return "options: " + ", ".join(parts)


def _is_text(value: Any) -> bool:
    return isinstance(value, dict) and bool(value) and all(
        isinstance(k, str) and isinstance(v, str) for k, v in value.items())


def _is_id_list(value: Any) -> bool:
    return isinstance(value, list) and all(isinstance(v, str) for v in value)


def _closure(name: str, templates: Templates, seen: set[str] | None = None) -> set[str]:
    seen = seen if seen is not None else set()
    if name in seen or name not in templates:
        return seen
    seen.add(name)
    try:
        tree = Environment().parse(templates[name])
    except TemplateSyntaxError:
        return seen
    for node in tree.find_all((nodes.Include, nodes.Import, nodes.FromImport, nodes.Extends)):
        if isinstance(node.template, nodes.Const) and isinstance(node.template.value, str):
            _closure(node.template.value, templates, seen)
    return seen


def _template_changes(old: PackData, new: PackData, old_templates: Templates,
                      new_templates: Templates, known: list[Change]) -> list[Change]:
    """A letter whose template (or a template it includes) changed is a changed letter."""
    changes = []
    for letter_id, letter in new.letters.items():
        if letter_id not in old.letters or not old_templates:
            continue
        names = _closure(letter.template, new_templates) | _closure(
            old.letters[letter_id].template, old_templates)
        changed = sorted(n for n in names if old_templates.get(n) != new_templates.get(n))
        if not changed:
            continue
        detail = tuple("template " + name + ": " + _line_change(
            old_templates.get(name, ""), new_templates.get(name, "")) for name in changed)
        mine = [c for c in known if c.section == "letters" and c.item == letter_id]
        if mine:
            known.remove(mine[0])
            detail = mine[0].details + detail
        changes.append(Change("letters", letter_id, "changed", detail))
    return changes


def _line_change(old: str, new: str) -> str:
    before, after = old.splitlines(), new.splitlines()
    added = sum(1 for line in after if line not in before)
    removed = sum(1 for line in before if line not in after)
    return f"{added} line(s) added, {removed} removed"
