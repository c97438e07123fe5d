"""The Bot API specification, loaded once from the machine-readable JSON.

The fake reads the list of methods, their parameters (with the ``required`` flag and types) and
return types from the spec rather than from a hand-written table, so that what the fake accepts
or rejects follows the real API and not our memory of it.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

SPEC_FILE = "bot-api-10.1.json"
SPEC_ENV = "CALLSHIELD_BOT_API_SPEC"

# Types whose values travel as plain scalars; anything else is a JSON-serialized object/array.
SCALAR_TYPES = frozenset({"String", "Integer", "Float", "Boolean", "InputFile"})


@dataclass(frozen=True)
class Param:
    """One parameter of a method, as the spec lists it."""

    name: str
    types: tuple[str, ...]
    required: bool

    @property
    def structured(self) -> bool:
        """True when the value is a JSON object or array (sent as a JSON string in forms)."""
        return any(t not in SCALAR_TYPES for t in self.types)


@dataclass(frozen=True)
class Method:
    """One Bot API method: its canonical name, parameters and return types."""

    name: str
    params: dict[str, Param]
    returns: tuple[str, ...]

    @property
    def returns_true(self) -> bool:
        """The spec writes "Returns True on success" as a return type of plain Boolean."""
        return self.returns == ("Boolean",)

    @property
    def required(self) -> list[Param]:
        return [p for p in self.params.values() if p.required]


def _candidate_paths() -> list[Path]:
    here = Path(__file__).resolve()
    repo_root = here.parents[2]
    paths = []
    if os.environ.get(SPEC_ENV):
        paths.append(Path(os.environ[SPEC_ENV]))
    # shared/ sits beside the repository clone, both on developer machines and in CI.
    paths.append(repo_root.parent / "shared" / "telegram" / SPEC_FILE)
    paths.append(Path("/work/shared/telegram") / SPEC_FILE)
    return paths


class Spec:
    """Case-insensitive lookup of methods, as Telegram matches method names."""

    def __init__(self, raw: dict) -> None:
        self.version: str = raw.get("version", "")
        self.methods: dict[str, Method] = {}
        self.types: dict[str, dict] = raw.get("types", {})
        for name, body in raw["methods"].items():
            params = {
                f["name"]: Param(f["name"], tuple(f["types"]), bool(f["required"]))
                for f in body.get("fields", [])
            }
            method = Method(name, params, tuple(body.get("returns", [])))
            self.methods[name.lower()] = method

    def find(self, name: str) -> Method | None:
        return self.methods.get(name.lower())


@lru_cache(maxsize=1)
def load_spec() -> Spec:
    """Load the spec from the first path that exists (env override, then shared/)."""
    for path in _candidate_paths():
        if path.is_file():
            return Spec(json.loads(path.read_text(encoding="utf-8")))
    tried = ", ".join(str(p) for p in _candidate_paths())
    raise FileNotFoundError(f"Bot API spec not found; tried: {tried} (set {SPEC_ENV})")
