"""Build the replies a user sees: the current question and the end-of-interview result."""

from __future__ import annotations

from typing import Any

from flows.conditions import Facts
from flows.facts import display, show_count
from flows.pack import YESNO_OPTIONS, Pack
from flows.schema import Rule
from flows.replies import Choice, CitationView, FindingView, NamedText, Question, Result
from flows.state import State
from flows.texts import fill, placeholders

SEVERITY_ORDER = {"urgent": 0, "high": 1, "medium": 2, "low": 3}


def text_for(pack: Pack, state: State, text: dict[str, str] | None, facts: Facts) -> str:
    """An operator text in the state's language, with ``{fact}`` placeholders filled."""
    value = pack.text(text, state.language)
    if placeholders(value):
        return fill(value, display(pack, state, dict(facts)),
                    lambda name: unknown_text(pack, state.language, name))
    return value


def unknown_text(pack: Pack, language: str, name: str) -> str:
    """How an unknown fact reads: the node's ``unknown:`` text, else the pack's
    ``unknown_value`` interface text (never an invented value)."""
    own = pack.unknown_texts.get(name.partition(".")[0])
    return pack.text(own, language) if own else pack.ui("unknown_value", language)


def option_labels(pack: Pack, node_id: str) -> dict[str, list[str]]:
    """Every way a user may name each option when typing (labels in all languages)."""
    node = pack.nodes[node_id].node
    if node.kind == "yesno":
        return {key: [pack.ui(key, lang) for lang in pack.languages] + [key]
                for key in YESNO_OPTIONS}
    return {o.id: list(o.label.values()) for o in node.options or []}


def question(pack: Pack, state: State, node_id: str, facts: Facts, can_go_back: bool) -> Question:
    node = pack.nodes[node_id].node
    lang = state.language
    choices: tuple[Choice, ...] = ()
    if node.kind == "yesno":
        choices = tuple(Choice(key, pack.ui(key, lang)) for key in YESNO_OPTIONS)
    elif node.options:
        selected = set(state.pending.get(node_id, ()))
        counts = state.pending_counts.get(node_id, {})
        choices = tuple(Choice(o.id, _with_count(pack, lang, pack.text(o.label, lang),
                                                 counts.get(o.id)), o.id in selected)
                        for o in node.options)
    hints = {"story": ("story_tap", "story_type"), "tally": ("tally_tap", "tally_type")}
    tap, typed = hints.get(node.kind, ("", ""))
    return Question(
        node=node_id, kind=node.kind, text=text_for(pack, state, node.text, facts),
        choices=choices, can_skip=not node.required, can_go_back=can_go_back,
        skip_label=pack.ui("skip_story" if node.kind == "story" else "dont_know", lang),
        back_label=pack.ui("back", lang),
        done_label=pack.ui("done", lang) if node.kind in ("multi", "tally") else "",
        why_label=pack.ui("why_we_ask", lang), unsafe_label=pack.ui("unsafe", lang),
        tap_hint=pack.ui(tap, lang) if tap else "", type_hint=pack.ui(typed, lang) if typed else "",
    )


def _with_count(pack: Pack, language: str, label: str, count: Any) -> str:
    """A tally button: "Family · 30" once a count is known."""
    if count is None:
        return label
    return f"{label} · {show_count(pack, language, count)}"


def findings(pack: Pack, state: State, facts: Facts) -> tuple[FindingView, ...]:
    """Rules that hold, most serious first; the same facts always give the same findings."""
    lang = state.language
    hits = [(SEVERITY_ORDER[rule.severity], index, rule)
            for index, (rule, predicate) in enumerate(pack.rules) if predicate(facts)]
    views = []
    for _, _, rule in sorted(hits, key=lambda hit: (hit[0], hit[1])):
        citations = tuple(
            CitationView(
                law=pack.text(c.law, lang), article=pack.text(c.article, lang),
                effective=c.effective.isoformat() if c.effective else "", url=c.url,
                quote=c.quote, confidence=c.confidence, kind=c.kind, id=cid,
            )
            for cid, c in ((cid, pack.data.citations[cid]) for cid in rule.citations)
        )
        views.append(FindingView(
            rule=rule.id, severity=rule.severity, title=text_for(pack, state, rule.title, facts),
            explanation=text_for(pack, state, rule.explanation, facts), citations=citations,
            letters=tuple(rule.letters),
        ))
    return tuple(views)


def _ordered(items: list[str]) -> list[str]:
    return list(dict.fromkeys(items))


def advice_ids(pack: Pack, rules: list[Rule], facts: Facts, kind: str) -> list[str]:
    """Advice of one kind: named by the findings (in their order), then ``always`` items and
    those whose ``when`` holds (in pack order); items with an ``order`` come first, lowest
    first, so a pack can put the most useful script at the top whatever fired. An item
    another shown item ``supersedes`` is left out: one script, no contradictions."""
    named = [a for rule in rules for a in getattr(rule, kind)]
    extra = [advice_id for advice_id, advice in pack.data.advice.items() if advice.kind == kind
             and (advice.always or (advice_id in pack.advice_when
                                    and pack.advice_when[advice_id](facts)))]
    ids = _ordered(named + extra)
    dropped = {other for advice_id in ids for other in pack.data.advice[advice_id].supersedes}
    ids = [advice_id for advice_id in ids if advice_id not in dropped]
    big = 10_000

    def key(item: tuple[int, str]) -> tuple[int, int]:
        order = pack.data.advice[item[1]].order
        return (order if order is not None else big, item[0])

    return [advice_id for _, advice_id in sorted(enumerate(ids), key=key)]


def result(pack: Pack, state: State, facts: Facts) -> Result:
    lang = state.language
    found = findings(pack, state, facts)
    rules = {rule.id: rule for rule, _ in pack.rules}
    chosen = [rules[f.rule] for f in found]
    say = advice_ids(pack, chosen, facts, "say")
    do = advice_ids(pack, chosen, facts, "do")
    channel_ids = _ordered([c for r in chosen for c in r.channels])
    letter_ids = _ordered([x for r in chosen for x in r.letters])
    channels = tuple(
        NamedText(cid, pack.text(ch.name, lang), pack.text(ch.contact, lang),
                  pack.text(ch.bring, lang))
        for cid, ch in ((cid, pack.data.channels[cid]) for cid in channel_ids)
    )
    letters = tuple(NamedText(lid, pack.text(pack.data.letters[lid].title, lang))
                    for lid in letter_ids)
    headings: dict[str, Any] = {key: pack.ui(key, lang) for key in (
        "findings_heading", "no_findings", "say_heading", "do_heading", "channels_heading",
        "letters_heading", "effective", "bring")}
    reviewed = pack.data.pack.reviewed_on.isoformat()
    return Result(
        findings=found,
        say=tuple(text_for(pack, state, pack.data.advice[a].text, facts) for a in say),
        do=tuple(text_for(pack, state, pack.data.advice[a].text, facts) for a in do),
        channels=channels, letters=letters,
        disclaimer=pack.text(pack.data.pack.disclaimer, lang),
        reviewed_on=pack.ui("reviewed_on", lang).replace("{date}", reviewed),
        pack=pack.id, headings=headings,
    )
