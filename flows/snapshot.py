"""A pack as files: what a release stores, and the hash that names its content.

A snapshot holds every text file of the pack folder (YAML, conversation tests, golden letters,
README) and the letter templates its letters use (followed through includes). The content
hash covers only what users can meet — the pack's YAML outside ``tests/`` and those templates —
so a changed rule, option or template always changes the version that conversations record,
and a changed test or README does not.
"""

from __future__ import annotations

import hashlib
import json
import zlib
from dataclasses import dataclass, field
from pathlib import Path

from jinja2 import Environment, TemplateSyntaxError, nodes

from flows.schema import PackData

TEXT_SUFFIXES = (".yaml", ".yml", ".md", ".txt", ".j2")
HASH_LENGTH = 12


@dataclass(frozen=True, slots=True)
class PackFiles:
    """Paths (``/``-separated, relative) to UTF-8 text."""

    pack: dict[str, str] = field(default_factory=dict)
    templates: dict[str, str] = field(default_factory=dict)

    def to_bytes(self) -> bytes:
        raw = json.dumps({"pack": self.pack, "templates": self.templates},
                         ensure_ascii=False, sort_keys=True)
        return zlib.compress(raw.encode("utf-8"), 9)

    @classmethod
    def from_bytes(cls, blob: bytes) -> PackFiles:
        """ValueError when the blob is not a snapshot (a damaged row)."""
        try:
            raw = json.loads(zlib.decompress(blob).decode("utf-8"))
            return cls(dict(raw["pack"]), dict(raw["templates"]))
        except (zlib.error, UnicodeDecodeError, ValueError, KeyError, TypeError) as error:
            raise ValueError(f"not a pack snapshot ({type(error).__name__})") from error

    def write(self, target: Path) -> tuple[Path, Path]:
        """Write the files under ``target``; (pack folder, templates folder)."""
        pack_dir, templates_dir = target / "pack", target / "templates"
        for base, files in ((pack_dir, self.pack), (templates_dir, self.templates)):
            base.mkdir(parents=True, exist_ok=True)
            for relative, text in files.items():
                path = (base / relative).resolve()
                if base.resolve() not in path.parents:
                    raise ValueError(f"snapshot path {relative!r} leaves its folder")
                path.parent.mkdir(parents=True, exist_ok=True)
                path.write_text(text, encoding="utf-8", newline="")
        return pack_dir, templates_dir


def is_content(relative: str) -> bool:
    """A pack file users can meet: YAML outside ``tests/``."""
    parts = relative.split("/")
    return relative.endswith(".yaml") and "tests" not in parts[:-1]


def content_hash(files: PackFiles) -> str:
    """The version of a pack: a hash of its content files (names and text)."""
    digest = hashlib.sha256()
    for kind, table in (("pack", files.pack), ("templates", files.templates)):
        for relative in sorted(table):
            if kind == "templates" or is_content(relative):
                for part in (kind, relative, table[relative]):
                    data = part.encode("utf-8")
                    digest.update(len(data).to_bytes(8, "big"))
                    digest.update(data)
    return digest.hexdigest()[:HASH_LENGTH]


def template_closure(data: PackData, root: Path) -> set[str]:
    """The templates the pack's letters use, followed through include/import/extends."""
    env = Environment()
    found: set[str] = set()
    todo = [letter.template for letter in data.letters.values()]
    while todo:
        name = todo.pop()
        if name in found or not (root / name).is_file():
            continue
        found.add(name)
        try:
            tree = env.parse((root / name).read_text(encoding="utf-8"))
        except (TemplateSyntaxError, OSError, UnicodeDecodeError):
            continue
        for node in tree.find_all((nodes.Include, nodes.Import, nodes.FromImport,
                                   nodes.Extends)):
            if isinstance(node.template, nodes.Const) and isinstance(node.template.value, str):
                todo.append(node.template.value)
    return found


def read_files(folder: Path, templates_root: Path, data: PackData) -> PackFiles:
    """The snapshot of a pack folder and the templates it uses."""
    pack: dict[str, str] = {}
    for path in sorted(folder.rglob("*")):
        relative = path.relative_to(folder).as_posix()
        if path.is_file() and path.suffix in TEXT_SUFFIXES and not any(
                part.startswith(".") for part in relative.split("/")):
            pack[relative] = path.read_text(encoding="utf-8")
    templates = {name: (templates_root / name).read_text(encoding="utf-8")
                 for name in sorted(template_closure(data, templates_root))}
    return PackFiles(pack, templates)
