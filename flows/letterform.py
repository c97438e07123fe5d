"""A letter's layout keys, checked with the pack, and its web form filled from the context.

A regulator's web form (12378, the CFPB, a state attorney general) asks its questions in its
own order. A letter's ``form:`` lists those fields; each takes a context value
(``sender.full_name``) or a ``{% block %}`` of the letter's own template, so the text pasted
into "What happened" is the very paragraph the letter prints.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from jinja2 import TemplateSyntaxError, nodes
from jinja2.sandbox import ImmutableSandboxedEnvironment

from flows.issues import PackIssue
from flows.schema import Letter
from flows.yamlsource import SourceMap


def check_channel(letter_id: str, letter: Letter, data: Any, places: SourceMap
                  ) -> list[PackIssue]:
    """An addressee ``channel:`` must name the pack's channels: each ``{fact}`` a question's
    choice fact, and a channel for every option (else that user's letter has no addressee)."""
    if letter.addressee is None or not letter.addressee.channel:
        return []
    import re

    from flows.pack import fact_name

    where = places.find(("letters", letter_id, "addressee", "channel"))
    pattern = letter.addressee.channel
    names = re.findall(r"{(\w+)}", pattern)
    if not names:
        if pattern not in data.channels:
            return [PackIssue(*where, f"letter '{letter_id}' names channel '{pattern}', which "
                              "is not defined under channels:", "error", "reference")]
        return []
    if len(names) > 1:
        return [PackIssue(*where, f"letter '{letter_id}': a channel pattern may fill one fact, "
                          f"not {len(names)}", "error", "reference")]
    options = {o.id for node_id, node in data.nodes.items()
               if fact_name(node_id, node) == names[0] for o in node.options or []}
    if not options:
        return [PackIssue(*where, f"letter '{letter_id}': '{{{names[0]}}}' in its channel is "
                          "not a choice fact of this pack", "error", "reference")]
    missing = sorted(o for o in options if pattern.replace(f"{{{names[0]}}}", o)
                     not in data.channels and o not in ("other", "unknown"))
    if missing:
        return [PackIssue(*where, f"letter '{letter_id}': no channel "
                          f"'{pattern}' for {', '.join(missing[:5])}"
                          + (" …" if len(missing) > 5 else "") + "; those users' letter "
                          "would ask the addressee's name", "warning", "reference")]
    return []


def check_layout(letter_id: str, letter: Letter, places: SourceMap) -> list[PackIssue]:
    """Warnings for a letter that would print the chat's menu label or no addressee."""
    here = ("letters", letter_id)
    issues = []
    if letter.addressee is None:
        issues.append(PackIssue(*places.find(here), f"letter '{letter_id}' declares no "
                                "addressee: add addressee: {type: collector|lender|regulator|"
                                "police|telecom_authority}, so the bot asks for the party's "
                                "name and address and scope rules can test it", "warning",
                                "reference"))
    if letter.formal_title is None:
        issues.append(PackIssue(*places.find(here), f"letter '{letter_id}' has no "
                                "formal_title: the menu label is printed as the letter's "
                                "title", "warning", "reference"))
    return issues


def check_form(letter_id: str, letter: Letter, env: ImmutableSandboxedEnvironment, root: Path,
               places: SourceMap, context_keys: frozenset[str],
               dict_keys: Mapping[str, frozenset[str]], facts: frozenset[str]) -> list[PackIssue]:
    """Every form field names a context value that exists, or a block of the template."""
    if letter.form is None:
        return []
    issues = []
    blocks = _template_blocks(env, root, letter.template)
    for index, field in enumerate(letter.form.fields):
        where = places.find(("letters", letter_id, "form", "fields", index))
        if field.block is not None and blocks is not None and field.block not in blocks:
            known = ", ".join(sorted(blocks)) or "none"
            issues.append(PackIssue(*where, f"form field block '{field.block}' is not a "
                                    f"{{% block %}} of {letter.template} (it has: {known})",
                                    "error", "template"))
        if field.value is not None:
            owner, _, key = field.value.partition(".")
            keys = facts if owner in ("facts", "labels") else dict_keys.get(owner)
            if owner not in context_keys or (key and (keys is None or key not in keys)):
                issues.append(PackIssue(*where, f"form field value '{field.value}' is not in "
                                        "the letter context; use e.g. sender.full_name, "
                                        "addressee.name, lender or today", "error",
                                        "reference"))
    return issues


def _template_blocks(env: ImmutableSandboxedEnvironment, root: Path,
                     name: str) -> set[str] | None:
    try:
        source = (root / name).read_text(encoding="utf-8")
        tree = env.parse(source)
    except (OSError, UnicodeDecodeError, TemplateSyntaxError):
        return None  # reported by the template checks
    return {block.name for block in tree.find_all(nodes.Block)}


def form_values(env: ImmutableSandboxedEnvironment, letter: Letter,
                context: Mapping[str, Any]) -> list[str]:
    """Each form field's text, in order (labels are the caller's, in the chat's language)."""
    assert letter.form is not None
    template = env.get_template(letter.template)
    values = []
    for field in letter.form.fields:
        if field.block is not None:
            render = template.blocks[field.block]
            text = "".join(render(template.new_context(dict(context))))
        else:
            owner, _, key = (field.value or "").partition(".")
            value = context.get(owner)
            if key:
                value = value.get(key) if isinstance(value, Mapping) else None
            text = "" if value is None else str(value)
        values.append(text.strip())
    return values
