"""A result as short cards a frightened person can read on a phone, for any channel.

Why: one wall of 3,000+ characters (findings, citations, nine lines of "what to say") buries
the one thing to do now. A result here becomes a summary card (at most ``SUMMARY`` characters:
the one to three things to do now, safety first, and one sentence on the law), one card per
finding, and on demand: the law behind a finding (its citations, with official links), one
ordered script of what to say, and every step with where to complain. Channels pass
``escape`` (HTML for Telegram, identity for the console) and ``bold``; everything from a pack
or a user goes through ``escape``.
"""

from __future__ import annotations

import re
import zlib
from collections.abc import Callable
from dataclasses import dataclass, replace

from bot.formatting import citation_line, split_message
from bot.telegram.texts import t
from flows import FindingView, Result

Escape = Callable[[str], str]
SUMMARY = 600
"""Characters of the first card at most (the issue: about 600)."""
CARD = 1200
"""Characters of any other message at most."""
STEP_CHARS = 170
"""A step on the summary card is its first sentence, cut at a word when longer than this."""
HEDGES = ("据报道，", "据报道", "據報導，", "據報導", "Reportedly, ", "reportedly ")
"""Secondary-source hedges: said once per message, not on every line."""
SAFETY_WORDS = ("110", "911", "120", "danger", "危险", "危險", "safe", "安全")
"""A step naming one of these is a safety step: it goes before any legal one."""
_SENTENCE = re.compile(r"(?<=[。！？])[\u201d\u300d]*|(?<=[a-z0-9)\u201d\"][.!?])[\u201d\"]?\s+"
                       r"(?=[A-Z\u201c\"(])")
"""A sentence ends at 。！？, or at . ! ? after a small letter, a digit or a bracket and before a
capital ("15 U.S.C. § 1692k" and "Art. 15" are not ends)."""


def _plain(text: str) -> str:
    return text


def result_key(started_at: str) -> str:
    """A short id of one report (from when it started), carried by its cards' buttons, so a
    button from an earlier report is known as stale."""
    return format(zlib.crc32(started_at.encode()) & 0xFFFFFF, "06x")


def first_sentence(text: str, limit: int = STEP_CHARS) -> str:
    """The first sentence of a step (its gist), cut at a word boundary when still long."""
    text = " ".join(text.split())
    match = _SENTENCE.search(text)
    head = text[:match.end()].strip() if match and match.start() > 0 else text
    if len(head) <= limit:
        return head
    cut = head[:limit - 1]
    space = cut.rfind(" ")
    return (cut[:space] if space > limit // 2 else cut).rstrip(",;:，；：") + "…"


def is_safety_step(text: str) -> bool:
    lowered = text.lower()
    return any(word in lowered for word in SAFETY_WORDS)


def steps_now(result: Result, *, afraid: bool, safety_step: str = "") -> list[str]:
    """The one to three things to do now, most urgent first: a safety step comes before any
    legal one whenever there is one; for someone who was afraid or in danger during the
    report (``afraid``) always — the pack's own safety text (``safety_step``) when no step
    of the result is one."""
    steps = list(result.do)
    urgent = afraid or any(f.severity == "urgent" for f in result.findings)
    if urgent:
        steps.sort(key=lambda step: not is_safety_step(step))  # stable: pack order kept
    if afraid and safety_step and not (steps and is_safety_step(steps[0])):
        steps.insert(0, safety_step)
    return [first_sentence(step) for step in steps[:3]]


_HEDGE = re.compile("|".join(re.escape(h) for h in sorted(HEDGES, key=len, reverse=True)))


def without_repeated_hedges(lines: list[str]) -> list[str]:
    """The first hedge ("据报道", "Reportedly") is kept; every later one, on the same line or
    another, is dropped: said once, it covers what follows."""
    seen = [False]

    def once(match: re.Match[str]) -> str:
        if seen[0]:
            return ""
        seen[0] = True
        return match.group(0)

    return [_HEDGE.sub(once, line) for line in lines]


def law_sentence(result: Result, language: str, escape: Escape = _plain) -> str:
    """One sentence on what the law says: the most serious finding and the law it cites."""
    if not result.findings:
        return escape(result.headings.get("no_findings", ""))
    top = result.findings[0]
    law = ""
    if top.citations:
        c = top.citations[0]
        law = (f"{c.law}{c.article}" if language.startswith("zh") else
               f"{c.law} {c.article}").strip()
    key = "card_law" if law else "card_law_plain"
    more = len(result.findings) - 1
    text = t(language, key, title=top.title, law=law)
    if more:
        text += ("" if language.startswith("zh") else " ") + t(language, "card_more",
                                                               n=str(more))
    return escape(text)


def summary(result: Result, language: str, *, afraid: bool, safety_step: str = "",
            escape: Escape = _plain, bold: Callable[[str], str] = _plain) -> str:
    """The first card: what to do now (safety first), then one sentence on the law; fewer
    steps when the card would pass ``SUMMARY`` characters."""
    steps = steps_now(result, afraid=afraid, safety_step=safety_step)
    law = "\u2696\ufe0f " + law_sentence(result, language, escape)
    while True:
        lines = [bold(escape(t(language, "card_now")))]
        lines += [f"{i}. {escape(step)}" for i, step in enumerate(steps, start=1)]
        text = "\n".join(lines) + "\n\n" + law
        if len(text) <= SUMMARY or len(steps) <= 1:
            return text if len(text) <= SUMMARY else text[:SUMMARY - 1] + "…"
        steps = steps[:-1]


def finding_card(finding: FindingView, index: int, count: int, escape: Escape = _plain,
                 bold: Callable[[str], str] = _plain) -> list[str]:
    """One finding: its title and explanation (the citations come on demand)."""
    head = bold(escape(f"{index}/{count} · {finding.title}"))
    return split_message([head, escape(finding.explanation)], CARD)


def law_card(finding: FindingView, result: Result, language: str, escape: Escape = _plain,
             bold: Callable[[str], str] = _plain) -> list[str]:
    """The law behind one finding: each citation with its official link."""
    paragraphs = [bold(escape(t(language, "card_law_heading", title=finding.title)))]
    if not finding.citations:
        paragraphs.append(escape(t(language, "card_no_citation")))
    for citation in finding.citations:
        text = "• " + citation_line(citation, result, escape)
        if citation.quote and len(citation.quote) <= 400:
            text += "\n" + escape(f"“{citation.quote.strip()}”")
        paragraphs.append(text)
    paragraphs.append(escape(result.disclaimer) + "\n" + escape(result.reviewed_on))
    return split_message(paragraphs, CARD)


def script_card(result: Result, language: str, escape: Escape = _plain,
                bold: Callable[[str], str] = _plain) -> list[str]:
    """What to say on the next call: one script, numbered in the pack's order (the engine
    already dropped what another line supersedes); a line said twice is said once."""
    lines = without_repeated_hedges(list(dict.fromkeys(result.say)))
    paragraphs = [bold(escape(t(language, "card_say_heading")))]
    paragraphs += [f"{i}. {escape(line)}" for i, line in enumerate(lines, start=1)]
    return split_message(["\n".join(paragraphs)], CARD)


def steps_card(result: Result, language: str, escape: Escape = _plain,
               bold: Callable[[str], str] = _plain) -> list[str]:
    """Every step and where to complain (the summary card shows only the first ones)."""
    h = result.headings
    paragraphs = []
    if result.do:
        paragraphs.append("\n".join([bold(escape(h["do_heading"]))] + [
            f"{i}. {escape(step)}" for i, step in enumerate(result.do, start=1)]))
    if result.channels:
        lines = [bold(escape(h["channels_heading"]))]
        for channel in result.channels:
            line = f"• {escape(channel.title)}: {escape(channel.text)}"
            if channel.extra:
                line += f"\n  {escape(h['bring'])}: {escape(channel.extra)}"
            lines.append(line)
        paragraphs.append("\n".join(lines))
    return split_message(_lines_apart(paragraphs), CARD)


def _lines_apart(paragraphs: list[str]) -> list[str]:
    """A paragraph too long for one message is split at its lines (each step whole)."""
    out: list[str] = []
    for paragraph in paragraphs:
        out += [paragraph] if len(paragraph) <= CARD else paragraph.split("\n")
    return out


def closing(result: Result) -> str:
    """Not legal advice, and when the pack was reviewed: always in the chat."""
    return f"{result.disclaimer}\n{result.reviewed_on}"


@dataclass(frozen=True, slots=True)
class Walk:
    """Every card of one result, in the order a channel shows them."""

    summary: str
    findings: tuple[tuple[str, ...], ...]
    closing: str


def cards(result: Result, language: str, *, afraid: bool, safety_step: str = "",
          escape: Escape = _plain, bold: Callable[[str], str] = _plain) -> Walk:
    count = len(result.findings)
    explanations = without_repeated_hedges([f.explanation for f in result.findings])
    found = [replace(f, explanation=text) for f, text in zip(result.findings, explanations)]
    return Walk(
        summary=summary(result, language, afraid=afraid, safety_step=safety_step,
                        escape=escape, bold=bold),
        findings=tuple(tuple(finding_card(f, i, count, escape, bold))
                       for i, f in enumerate(found, start=1)),
        closing=escape(closing(result)),
    )
