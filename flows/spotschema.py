"""The ``spotter:`` section of a pack: how facts are drawn from a person's own story.

Operators extend it like the rest of a pack, as data. Patterns use a small, safe syntax
(:mod:`flows.patterns`), never raw regular expressions. The whole format, with an example, is
in the README's operator guide.
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field

Id = Annotated[str, Field(pattern=r"^[a-z][a-z0-9_]{0,31}$")]
"""lower_snake_case, at most 32 characters (as everywhere in a pack)."""
Language = Annotated[str, Field(pattern=r"^[a-z]{2,3}(-[A-Z][a-z]{3})?(-[A-Z]{2})?$")]


class Strict(BaseModel):
    """Unknown keys are errors, values immutable (as :class:`flows.schema.Strict`)."""

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)

Words = dict[Language, list[Annotated[str, Field(min_length=1, max_length=120)]]]
"""Words or phrases per language; every language's words are looked for in every story."""
Patterns = dict[Language, list[Annotated[str, Field(min_length=1, max_length=200)]]]

Take = Literal["count", "amount", "time", "name", "people", "channels"]


class Spot(Strict):
    """One fact to look for, and the answer it proposes to one question of the pack.

    - ``node``: the question it answers.
    - ``option``: for choice/multi questions, the option it ticks (yes/no questions: "yes",
      or "no" when the words are negated — "没有威胁我").
    - ``take``: what to take from the words around a match instead of a fixed option:
      ``count`` (number/tally questions), ``amount``, ``time``, ``name`` (the ``{name}`` slot
      of the pattern), ``people`` or ``channels`` (options named after the spotter's
      ``people:``/``channels:`` lists, for multi and tally questions).
    - ``speaker``: whose words count — ``them`` (the collector; the default), ``me``
      (the person: "I told them to stop") or ``any``.
    - ``pick``: when a story holds several values, the ``first`` or ``last`` told, or the
      ``max`` (the largest count or amount, the latest time).
    - ``without``: word lists whose words, next to a match or to what it takes, cancel it
      (calls to "my mother" are not calls to you: ``without: [people]``).
    - ``default``: the value a ``take`` proposes when the words hold none ("I asked them to
      stop" without a number: ``default: {at_least: 1}``).
    """

    node: Id
    option: Id | None = None
    take: Take | None = None
    speaker: Literal["them", "me", "any"] = "them"
    pick: Literal["first", "last", "max"] = "first"
    without: list[Id] = []
    default: int | str | dict[str, int | float | str] | None = None
    patterns: Patterns


class Negation(Strict):
    """Words that deny what follows them in the same clause ("没有", "never").

    ``except`` lists phrases that hold a negation word but deny nothing ("不停", "不断",
    "won't stop"); ``breakers`` end a negation's reach ("如果不还钱就打死你": 就).
    """

    words: Words
    except_: Words = Field(default={}, alias="except")
    breakers: Words = {}


class Speakers(Strict):
    """Phrases that say who is speaking from there to the end of the sentence."""

    me: Words = {}
    them: Words = {}


class Spotter(Strict):
    """``words``/``people``/``channels`` are named word lists (one namespace): a pattern uses
    them as ``<id>``; ``<people>`` and ``<channels>`` stand for every list of their kind."""

    words: dict[Id, Words] = {}
    people: dict[Id, Words] = {}
    channels: dict[Id, Words] = {}
    negation: Negation | None = None
    speakers: Speakers = Speakers()
    spots: dict[Id, Spot] = {}
