"""Load the shared crisis data (lexicon, lines, responses), check it like a pack, compile it.

The shared data lives in ``flows/safety/data/`` (not under ``flows/packs/``, so the loader never
takes it for a pack): ``lexicon-*.yaml`` (patterns), ``lines.yaml`` (numbers by region) and
``responses.yaml`` (what the bot says). A pack's ``safety.lexicon`` extends the shared lexicon
for that pack. Every problem is reported at ``file:line``, as for packs.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ValidationError

from flows.issues import PackInvalid, PackIssue
from flows.safety import cache
from flows.safety.matcher import Matcher
from flows.safety.patterns import PatternError, parse
from flows.safety.recognise import Verdict, judge
from flows.safety.schema import LANGUAGES, LexiconFile, LinesFile, Region, ResponsesFile
from flows.schema import SafetyLexicon
from flows.yamlsource import SourceMap, read_yaml

DATA_DIR = Path(__file__).parent / "data"


@dataclass(frozen=True, slots=True)
class Entry:
    """One pattern as written, and where."""

    kind: str
    text: str
    file: str
    line: int


@dataclass(slots=True)
class LexiconSource:
    """Patterns and word lists before compiling (the shared ones plus a pack's)."""

    entries: list[Entry] = field(default_factory=list)
    sets: dict[str, list[str]] = field(default_factory=dict)
    spellings: dict[str, list[str]] = field(default_factory=dict)
    fuzzy: list[str] = field(default_factory=list)
    gap_breaks: list[str] = field(default_factory=list)

    def add(self, lexicon: SafetyLexicon, places: SourceMap, root: tuple[Any, ...],
            issues: list[PackIssue]) -> None:
        for name, words in lexicon.sets.items():
            if name in self.sets:
                issues.append(PackIssue(*places.find((*root, "sets", name)),
                                        f"word list '{name}' is defined twice; rename one"))
                continue
            self.sets[name] = list(words)
        for word, others in lexicon.spellings.items():
            self.spellings.setdefault(word, []).extend(others)
        self.fuzzy += lexicon.fuzzy
        self.gap_breaks += lexicon.gap_breaks
        for kind, patterns in lexicon.signals.items():
            for index, text in enumerate(patterns):
                file, line = places.find((*root, "signals", kind, index))
                self.entries.append(Entry(kind, text, file, line))

    def merged(self, other: LexiconSource) -> LexiconSource:
        sets = {**self.sets, **other.sets}
        spellings = {k: [*self.spellings.get(k, []), *other.spellings.get(k, [])]
                     for k in {*self.spellings, *other.spellings}}
        return LexiconSource([*self.entries, *other.entries], sets, spellings,
                             [*self.fuzzy, *other.fuzzy], [*self.gap_breaks, *other.gap_breaks])


class Lexicon:
    """A compiled lexicon: ``check(text)`` gives the :class:`Verdict` in one pass."""

    def __init__(self, source: LexiconSource) -> None:
        self.source = source
        self.issues: list[PackIssue] = []
        self.entries: list[Entry] = list(source.entries)
        key = cache.key_of([[[e.kind, e.text] for e in source.entries], source.sets,
                            source.spellings, source.fuzzy, source.gap_breaks])
        matcher = cache.load(key)
        if matcher is None:
            patterns, kept = [], []
            for entry in source.entries:
                try:
                    patterns.append(parse(entry.text, source.sets))
                    kept.append(entry)
                except PatternError as error:
                    self.issues.append(PackIssue(entry.file, entry.line, str(error)))
            self.entries = kept
            matcher = Matcher(patterns, breaks=source.gap_breaks,
                              spellings={k: tuple(v) for k, v in source.spellings.items()},
                              fuzzy=source.fuzzy)
            if not self.issues:
                cache.save(key, matcher)
        self.matcher = matcher
        self.kinds = [entry.kind for entry in self.entries]

    def check(self, text: str) -> Verdict:
        return judge(self.matcher, self.kinds, text)


@dataclass(frozen=True, slots=True)
class SafetyData:
    """The shared crisis data, checked and compiled."""

    lexicon: Lexicon
    regions: dict[str, Region]
    responses: dict[str, dict[str, str]]

    def for_pack(self, extension: SafetyLexicon | None, places: SourceMap | None = None,
                 ) -> tuple[Lexicon, list[PackIssue]]:
        """The shared lexicon plus a pack's ``safety.lexicon`` (issues at the pack's lines)."""
        if extension is None:
            return self.lexicon, []
        issues: list[PackIssue] = []
        extra = LexiconSource()
        extra.add(extension, places or SourceMap(), ("safety", "lexicon"), issues)
        lexicon = Lexicon(self.lexicon.source.merged(extra))
        return lexicon, issues + lexicon.issues


def _read(file: Path, model: type[BaseModel], issues: list[PackIssue],
          ) -> tuple[Any, SourceMap]:
    from flows.loader import schema_issues  # the loader imports the pack machinery

    raw, places = read_yaml(file, str(file), issues)
    if raw is None:
        return None, places
    try:
        return model.model_validate(raw, context={"languages": LANGUAGES}), places
    except ValidationError as error:
        issues.extend(schema_issues(error, places))
        return None, places


def inspect_safety(folder: Path = DATA_DIR) -> tuple[SafetyData | None, list[PackIssue]]:
    """Read and check the shared data; None with the issues when anything is wrong."""
    issues: list[PackIssue] = []
    source = LexiconSource()
    files = sorted(folder.glob("lexicon-*.yaml"))
    if not files:
        issues.append(PackIssue(str(folder), 1, "no lexicon-*.yaml files: the crisis lexicon "
                                "is missing"))
    for file in files:
        data, places = _read(file, LexiconFile, issues)
        if data is not None:
            source.add(data, places, (), issues)
    lines, places = _read(folder / "lines.yaml", LinesFile, issues)
    responses, said = _read(folder / "responses.yaml", ResponsesFile, issues)
    if responses is not None:
        issues += _check_texts(((("responses", key), text)
                                for key, text in responses.responses.items()), said)
    if lines is not None:
        issues += _check_texts(((("regions", r, "lines", i, "name"), line.name)
                                for r, region in lines.regions.items()
                                for i, line in enumerate(region.lines)), places)
        for code in ("INTL",):
            if code not in lines.regions:
                issues.append(PackIssue(*places.find(("regions",)),
                                        f"region {code} is missing: it is the fallback"))
    lexicon = Lexicon(source)
    issues += lexicon.issues
    if any(issue.level == "error" for issue in issues) or lines is None or responses is None:
        return None, issues
    return SafetyData(lexicon, dict(lines.regions), dict(responses.responses)), issues


def _check_texts(texts: Iterable[tuple[tuple[Any, ...], dict[str, str]]],
                 places: SourceMap) -> list[PackIssue]:
    return [PackIssue(*places.find(path), f"{'.'.join(map(str, path))}: give it in "
                      f"{', '.join(sorted(set(LANGUAGES) - set(text)))} too")
            for path, text in texts if set(LANGUAGES) - set(text)]


@lru_cache(maxsize=4)
def safety_data(folder: Path = DATA_DIR) -> SafetyData:
    """The shared data, loaded once per process; :class:`PackInvalid` lists every problem."""
    data, issues = inspect_safety(folder)
    if data is None:
        raise PackInvalid(issues)
    return data
