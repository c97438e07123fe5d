"""Turn the engine's result into readable text, for any channel.

Channels pass an ``escape`` function (HTML escaping for Telegram, identity for the console)
and ``bold``; every piece of text that came from a user or an operator goes through
``escape``, so nothing a user typed can become markup.
"""

from __future__ import annotations

from collections.abc import Callable

from flows import CitationView, Result

Escape = Callable[[str], str]


def _plain(text: str) -> str:
    return text


def citation_line(citation: CitationView, result: Result, escape: Escape = _plain) -> str:
    parts = [citation.law]
    if citation.article:
        parts.append(citation.article)
    line = " ".join(parts)
    if citation.effective:  # the research gives no in-force date for some sources: show none
        line += " (" + result.headings["effective"].replace("{date}", citation.effective) + ")"
    return escape(line) + "\n" + escape(citation.url)


def result_sections(result: Result, escape: Escape = _plain,
                    bold: Callable[[str], str] = _plain) -> list[str]:
    """The result as paragraphs (a channel may split messages only between them)."""
    h = result.headings
    sections: list[str] = [bold(escape(h["findings_heading"]))]
    if not result.findings:
        sections.append(escape(h["no_findings"]))
    for index, finding in enumerate(result.findings, start=1):
        lines = [bold(escape(f"{index}. {finding.title}")), escape(finding.explanation)]
        lines += ["• " + citation_line(c, result, escape) for c in finding.citations]
        sections.append("\n".join(lines))
    for key, items in (("say_heading", result.say), ("do_heading", result.do)):
        if items:
            sections.append("\n".join([bold(escape(h[key]))] +
                                      [f"• {escape(item)}" for item in items]))
    if result.channels:
        lines = [bold(escape(h["channels_heading"]))]
        for channel in result.channels:
            line = f"• {escape(channel.title)}: {escape(channel.text)}"
            if channel.extra:
                line += f"\n  {escape(h['bring'])}: {escape(channel.extra)}"
            lines.append(line)
        sections.append("\n".join(lines))
    if result.letters:
        sections.append("\n".join([bold(escape(h["letters_heading"]))] +
                                  [f"• {escape(letter.title)}" for letter in result.letters]))
    sections.append(escape(result.disclaimer) + "\n" + escape(result.reviewed_on))
    return sections


def split_message(paragraphs: list[str], limit: int = 4096) -> list[str]:
    """Join paragraphs into messages of at most ``limit`` characters, breaking between them."""
    messages: list[str] = []
    current = ""
    for paragraph in paragraphs:
        while len(paragraph) > limit:  # a single huge paragraph: cut at a line break
            cut = _cut(paragraph, limit)
            if current:
                messages.append(current)
                current = ""
            messages.append(paragraph[:cut].rstrip(" "))
            paragraph = paragraph[cut:].lstrip("\n ")
        candidate = f"{current}\n\n{paragraph}" if current else paragraph
        if len(candidate) > limit:
            messages.append(current)
            current = paragraph
        else:
            current = candidate
    if current:
        messages.append(current)
    return messages


_SENTENCE_ENDS = (". ", "。", "！", "？", "! ", "? ", "; ", "；")


def _cut(paragraph: str, limit: int) -> int:
    """Where to cut a paragraph longer than ``limit``: the last line break, else the last
    sentence end, else the last space (never inside a word or an HTML entity when avoidable),
    in the second half of the window; else at the limit."""
    line = paragraph.rfind("\n", 0, limit)
    if line > 0:
        return line
    ends = [paragraph.rfind(end, 0, limit - len(end) + 1) for end in _SENTENCE_ENDS]
    best = max((at + len(end) for at, end in zip(ends, _SENTENCE_ENDS) if at > 0), default=-1)
    if best > limit // 2:
        return best
    space = paragraph.rfind(" ", 0, limit)
    return space if space > limit // 2 else limit
