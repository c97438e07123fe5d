"""What the engine answers with: plain data that every channel renders its own way."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal


@dataclass(frozen=True, slots=True)
class Choice:
    id: str
    label: str
    selected: bool = False


@dataclass(frozen=True, slots=True)
class Message:
    """A text to show. ``tone`` lets channels mark warnings and safety messages."""

    text: str
    tone: Literal["info", "notice", "warning", "safety"] = "info"


@dataclass(frozen=True, slots=True)
class Question:
    """The question to answer now. ``choices`` are buttons; empty for typed answers."""

    node: str
    kind: str
    text: str
    choices: tuple[Choice, ...] = ()
    can_skip: bool = False
    can_go_back: bool = False
    skip_label: str = ""
    back_label: str = ""
    done_label: str = ""
    why_label: str = ""
    unsafe_label: str = ""
    tap_hint: str = ""
    """How to answer with buttons (Telegram shows it under the question)."""
    type_hint: str = ""
    """How to answer by typing (the console shows it instead)."""


@dataclass(frozen=True, slots=True)
class CitationView:
    law: str
    article: str
    effective: str
    url: str
    quote: str | None
    confidence: str
    id: str = ""  # the citation's id in the pack (for conversation tests and analytics)
    kind: str = ""
    """statute, regulation, … (flows.schema.CitationKind): channels may word law and
    guidance differently; the confidence wording is never shown for primary law."""


@dataclass(frozen=True, slots=True)
class NamedText:
    id: str
    title: str
    text: str = ""
    extra: str = ""


@dataclass(frozen=True, slots=True)
class FindingView:
    rule: str
    severity: str
    title: str
    explanation: str
    citations: tuple[CitationView, ...]
    letters: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Result:
    """The end of an interview: findings first, then what to say, do, and where to complain."""

    findings: tuple[FindingView, ...]
    say: tuple[str, ...]
    do: tuple[str, ...]
    channels: tuple[NamedText, ...]
    letters: tuple[NamedText, ...]
    disclaimer: str
    reviewed_on: str
    pack: str
    headings: dict[str, str] = field(default_factory=dict)


Reply = Message | Question | Result
