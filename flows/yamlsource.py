"""Read a pack's YAML files, remembering where every key came from.

PyYAML gives data but forgets line numbers, and it silently keeps the last of two duplicate
keys. Operators need both: ``file:line`` in every error, and a duplicate reported, not hidden.
We compose the node tree once, construct the data from it, and walk the same tree to build a
map from data paths (``("nodes", "who_called", "next")``) to ``(file, line)``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from flows.issues import PackIssue
from flows.schema import ALL_SECTIONS, SECTIONS_LIST, SECTIONS_MAPPING

Location = tuple[str, int]
_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
"""libyaml's loader when PyYAML has it (its wheels do): the same nodes and marks, 4x faster."""
DataPath = tuple[Any, ...]


class SourceMap:
    """Data path -> (file, line); the nearest known ancestor answers for unknown paths."""

    def __init__(self) -> None:
        self._places: dict[DataPath, Location] = {}

    def add(self, path: DataPath, place: Location) -> None:
        self._places.setdefault(path, place)

    def find(self, path: DataPath) -> Location:
        path = tuple(path)
        while path:
            if path in self._places:
                return self._places[path]
            path = path[:-1]
        return self._places.get((), ("<pack>", 1))


def _walk(node: yaml.Node, path: DataPath, file: str, places: SourceMap,
          issues: list[PackIssue]) -> None:
    places.add(path, (file, node.start_mark.line + 1))
    if isinstance(node, yaml.MappingNode):
        seen: set[str] = set()
        for key_node, value_node in node.value:
            key = key_node.value
            line = key_node.start_mark.line + 1
            if key in seen:
                issues.append(PackIssue(file, line, f"duplicate key '{key}': keep only one"))
            seen.add(key)
            places.add((*path, key), (file, line))
            _walk(value_node, (*path, key), file, places, issues)
    elif isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            _walk(item, (*path, index), file, places, issues)


def read_yaml(path: Path, display: str, issues: list[PackIssue]) -> tuple[Any, SourceMap]:
    """One YAML file's data and source map; syntax errors become issues."""
    places = SourceMap()
    try:
        text = path.read_text(encoding="utf-8")
        loader = _LOADER(text)
        try:
            node = loader.get_single_node()
            data = loader.construct_document(node) if node is not None else None
        finally:
            loader.dispose()
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        line = mark.line + 1 if mark else 1
        issues.append(PackIssue(display, line, f"YAML syntax: {error.problem}; check "
                                "indentation and quoting (quote text that contains ': ' or '#')"))
        return None, places
    except (OSError, UnicodeDecodeError) as error:
        issues.append(PackIssue(display, 1, f"cannot read the file ({error}); save it as UTF-8"))
        return None, places
    if node is not None:
        _walk(node, (), display, places, issues)
    return data, places


def read_pack_files(folder: Path) -> tuple[dict[str, Any], SourceMap, list[PackIssue]]:
    """Merge every ``*.yaml`` of a pack folder (tests/ excluded) into one document."""
    issues: list[PackIssue] = []
    merged: dict[str, Any] = {}
    places = SourceMap()
    files = sorted(
        p for p in folder.rglob("*.yaml")
        if "tests" not in p.relative_to(folder).parts[:-1]
    )
    if not files:
        issues.append(PackIssue(str(folder), 1, "no .yaml files found: is this a pack folder?"))
    for file in files:
        display = str(file)
        data, file_places = read_yaml(file, display, issues)
        if data is None:
            continue
        if not isinstance(data, dict):
            issues.append(PackIssue(display, 1, "a pack file must be a mapping of sections "
                                    f"({', '.join(ALL_SECTIONS)})"))
            continue
        places.add((), (display, 1))
        for section, value in data.items():
            where = file_places.find((section,))
            if section not in ALL_SECTIONS:
                issues.append(PackIssue(*where, f"unknown section '{section}'; sections are: "
                                        f"{', '.join(ALL_SECTIONS)}"))
                continue
            _merge(section, value, merged, places, file_places, where, issues)
    return merged, places, issues


def _merge(section: str, value: Any, merged: dict[str, Any], places: SourceMap,
           file_places: SourceMap, where: Location, issues: list[PackIssue]) -> None:
    if section in SECTIONS_MAPPING and isinstance(value, dict):
        target = merged.setdefault(section, {})
        places.add((section,), where)
        for key, item in value.items():
            if key in target:
                issues.append(PackIssue(*file_places.find((section, key)),
                                        f"'{key}' is defined twice in '{section}'"))
                continue
            target[key] = item
            _copy_places(file_places, places, (section, key), (section, key), item)
    elif section in SECTIONS_LIST and isinstance(value, list):
        target_list = merged.setdefault(section, [])
        places.add((section,), where)
        for index, item in enumerate(value):
            _copy_places(file_places, places, (section, index), (section, len(target_list)), item)
            target_list.append(item)
    else:
        if section in merged:
            issues.append(PackIssue(*where, f"section '{section}' appears in two files"))
            return
        merged[section] = value
        _copy_places(file_places, places, (section,), (section,), value)


def _copy_places(source: SourceMap, target: SourceMap, old: DataPath, new: DataPath,
                 value: Any) -> None:
    target.add(new, source.find(old))
    if isinstance(value, dict):
        for key, item in value.items():
            _copy_places(source, target, (*old, key), (*new, key), item)
    elif isinstance(value, list):
        for index, item in enumerate(value):
            _copy_places(source, target, (*old, index), (*new, index), item)
