"""Validator checks of a pack's legal sources: official links, dates, kinds, and no research
notes in what users read.

Why here and not in tests: an operator runs ``callshield flows validate`` before publishing,
and a wrong citation harms a real person, so these rules must hold for every pack, every time,
with ``file:line`` and a way to fix each problem.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any, Protocol
from urllib.parse import urlsplit

from flows.schema import PackData
from flows.textchecks import texts

URL = re.compile(r"https?://[^\s<>\"'）)，。、]+")
RESEARCH_NOTES = re.compile(
    r"\[(?:H|M|L|V|S|U|secondary|unverified|verify)\]|\bTODO\b|\bTBD\b|\bFIXME\b|"
    r"secondary sources?|unverified|not verified|check the (?:web)?site|older [A-Z]{2,} toolkit|"
    r"\bresearch (?:notes?|file|says)\b|cn_law\.md|us_law\.md|us_states\.md|"
    r"二手资料|二手資料|待核实|待核實|未核实|未核實|研究资料|研究資料",
    re.IGNORECASE)
"""Words that belong in an engineer's notes, never in a text shown to a frightened person."""


class LawChecker(Protocol):
    """What these checks need from :class:`flows.validator._Checker`."""

    data: PackData

    def error(self, path: tuple[Any, ...], check: str, message: str) -> None: ...


def official_host(url: str, domains: list[str]) -> bool:
    """Whether ``url`` is on one of ``domains`` or a subdomain of one."""
    host = (urlsplit(url).hostname or "").lower()
    return any(host == domain or host.endswith("." + domain) for domain in domains)


def _links(data: PackData) -> Iterator[tuple[tuple[Any, ...], str]]:
    for citation_id, citation in data.citations.items():
        yield ("citations", citation_id, "url"), citation.url
    for channel_id, channel in data.channels.items():
        if channel.url:
            yield ("channels", channel_id, "url"), channel.url


def check_sources(c: LawChecker) -> None:
    """Every link a user can see goes to an official text (pack.official_domains)."""
    domains = c.data.pack.official_domains
    allowed = ", ".join(domains) or "none listed yet"
    places: list[tuple[tuple[Any, ...], str]] = list(_links(c.data))
    for path, text in texts(c):  # type: ignore[arg-type]
        for language, value in text.items():
            places += [((*path, language), url) for url in URL.findall(value)]
    for path, url in places:
        if not official_host(url, domains):
            c.error(path, "source", f"{url} is not an official source for this pack. Link the "
                    "official text (a legislature, government, regulator or court site listed "
                    f"under pack.official_domains: {allowed}); record any copy you checked the "
                    "wording against under the citation's checked_against.")


def check_citations(c: LawChecker) -> None:
    """Dates are given or explained; nothing is cited as hearsay."""
    for citation_id, citation in c.data.citations.items():
        path = ("citations", citation_id)
        if citation.effective is None and not citation.undated_reason:
            c.error((*path, "effective"), "date", f"citation '{citation_id}' has no effective "
                    "date: give the in-force date of the provision cited, or say under "
                    "undated_reason why none can be given (it is then shown without a date)")
        if citation.effective is not None and citation.undated_reason:
            c.error((*path, "undated_reason"), "date", f"citation '{citation_id}' has both an "
                    "effective date and an undated_reason; keep one")
        if citation.confidence != "verified-from-source":
            kind = citation.kind.replace("_", " ")
            c.error((*path, "confidence"), "confidence", f"citation '{citation_id}' ({kind}) "
                    "is only secondary: read the official text (or a faithful copy, recorded "
                    "under checked_against) and mark it verified-from-source, or turn the "
                    "point into advice — a point found only in secondary sources is not a "
                    "citation of law")


def check_research_notes(c: LawChecker) -> None:
    """No engineer's or researcher's notes in texts users read."""
    for path, text in texts(c):  # type: ignore[arg-type]
        for language, value in text.items():
            found = RESEARCH_NOTES.search(value)
            if found:
                c.error((*path, language), "wording", f"'{found.group(0)}' reads like a "
                        "research note; users must not see notes about our sources. Say it "
                        "plainly, or leave it out")
