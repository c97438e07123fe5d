"""The shape of the crisis data files (lines.yaml, responses.yaml), checked like pack data."""

from __future__ import annotations

import datetime as dt
from typing import Literal

from pydantic import Field, field_validator

from flows.schema import SafetyLexicon, Strict, Text, Url

LANGUAGES = ["en", "zh-Hans", "zh-Hant"]
"""Every crisis text exists in each of these (the bot's interface languages)."""
Use = Literal["police", "ambulance", "crisis", "more"]


class Line(Strict):
    """One number to call (or site to open), with where the research read it."""

    number: str = Field(min_length=2, max_length=40)
    use: list[Use]
    name: Text
    source: Url
    tag: Literal["V", "S"]
    checked: dt.date

    @field_validator("use", mode="before")
    @classmethod
    def _one_or_many(cls, value: object) -> object:
        return [value] if isinstance(value, str) else value


class Region(Strict):
    name: Text
    lines: list[Line] = Field(min_length=1)


class LinesFile(Strict):
    regions: dict[str, Region]


ResponseKey = Literal["act", "intent", "danger", "threat", "talk", "emergency", "emergency_one",
                      "hold", "keep", "elsewhere", "local_emergency", "results"]


class ResponsesFile(Strict):
    responses: dict[ResponseKey, Text]


class LexiconFile(SafetyLexicon):
    """One file of the shared lexicon (flows/safety/data/lexicon-*.yaml)."""
