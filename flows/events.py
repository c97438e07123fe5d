"""What a user can do, as plain data the engine understands (channels build these)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Start:
    """Begin an interview (or show the current question of one already under way)."""


@dataclass(frozen=True, slots=True)
class Say:
    """Typed text: an answer to the current question."""

    text: str


@dataclass(frozen=True, slots=True)
class Pick:
    """A tapped option. ``node`` is the question the button belonged to (stale detection)."""

    node: str
    option: str


@dataclass(frozen=True, slots=True)
class Done:
    """Finish a multiple-choice question with the options toggled so far."""

    node: str


@dataclass(frozen=True, slots=True)
class DontKnow:
    """'I don't know' for the current question (refused when it is required)."""

    node: str


@dataclass(frozen=True, slots=True)
class Back:
    """Go back one question, replaying the answers through the graph."""


@dataclass(frozen=True, slots=True)
class Restart:
    """Forget this interview's answers and start again."""


@dataclass(frozen=True, slots=True)
class Cancel:
    """Stop the interview."""


@dataclass(frozen=True, slots=True)
class SetLanguage:
    language: str


@dataclass(frozen=True, slots=True)
class WhyAsk:
    """Explain why the current question is asked."""


@dataclass(frozen=True, slots=True)
class Unsafe:
    """The user feels unsafe: show the safety resources, keep everything else."""


@dataclass(frozen=True, slots=True)
class Repeat:
    """Show the current question again (after a sticker, a restart of the process...)."""


Event = Start | Say | Pick | Done | DontKnow | Back | Restart | Cancel | SetLanguage | WhyAsk | Unsafe | Repeat
