"""Find, read and check packs: the only way the rest of the system gets a :class:`Pack`."""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from flows.issues import PackInvalid, PackIssue
from flows.pack import Pack, compile_pack
from flows.safety.lexicon import safety_data
from flows.schema import PackData
from flows.snapshot import content_hash, read_files
from flows.validator import validate_data
from flows.yamlsource import SourceMap, read_pack_files

PACKS_DIR = Path(__file__).parent / "packs"
TEMPLATES_DIR = Path(__file__).parent.parent / "templates"


def packs_dir() -> Path:
    """Where pack folders live (``CALLSHIELD_PACKS`` overrides the shipped ones)."""
    return Path(os.environ.get("CALLSHIELD_PACKS") or PACKS_DIR)


def templates_dir() -> Path:
    """Where letter templates live (``CALLSHIELD_TEMPLATES`` overrides)."""
    return Path(os.environ.get("CALLSHIELD_TEMPLATES") or TEMPLATES_DIR)


def resolve_pack(name_or_path: str | os.PathLike[str]) -> Path:
    """A pack folder from an id (``cn``) or a path to a folder."""
    candidate = Path(name_or_path)
    if candidate.is_dir():
        return candidate
    named = packs_dir() / str(name_or_path)
    if named.is_dir():
        return named
    available = ", ".join(available_packs()) or "none"
    raise FileNotFoundError(f"no pack '{name_or_path}': give a pack id ({available}) or the path "
                            "of a pack folder")


def available_packs() -> list[str]:
    """Ids of the pack folders in :func:`packs_dir`."""
    root = packs_dir()
    if not root.is_dir():
        return []
    return sorted(p.name for p in root.iterdir() if p.is_dir() and not p.name.startswith(("_", ".")))


def schema_issues(error: ValidationError, places: SourceMap) -> list[PackIssue]:
    """Pydantic's errors as issues at ``file:line`` (packs and the shared crisis data)."""
    issues = []
    for item in error.errors():
        loc = tuple(item["loc"])
        file, line = places.find(loc)
        where = ".".join(str(part) for part in loc)
        kind = item["type"]
        if kind == "missing":
            message = f"'{loc[-1]}' is missing at {where}; add it"
        elif kind == "extra_forbidden":
            message = f"unknown key '{loc[-1]}' at {where}; remove it or check its spelling"
        else:
            text = item["msg"].removeprefix("Value error, ")
            message = f"{where}: {text}"
        issues.append(PackIssue(file, line, message, "error", "schema"))
    return issues


def inspect_pack(folder: str | os.PathLike[str], templates: Path | None = None, *,
                 today: dt.date | None = None) -> tuple[Pack | None, list[PackIssue]]:
    """Load a pack folder and report every issue; the pack is None when any error remains.
    ``today`` is the date dates are checked against (default: today on the pack's calendar)."""
    folder = Path(folder)
    raw, places, issues = read_pack_files(folder)
    if any(issue.level == "error" for issue in issues):
        return None, issues
    languages: list[Any] = []
    meta = raw.get("pack")
    if isinstance(meta, dict) and isinstance(meta.get("languages"), list):
        languages = meta["languages"]
    try:
        data = PackData.model_validate(raw, context={"languages": languages})
    except ValidationError as error:
        return None, issues + schema_issues(error, places)
    issues += validate_data(data, places, today)
    from flows.folderchecks import check_folder
    from flows.hantchecks import check_template_scripts
    from flows.letterchecks import check_letters_render  # letters need the checked data
    from flows.letters import check_letter_templates

    root = Path(templates or templates_dir()).resolve()
    template_issues = check_letter_templates(data, places, root)
    if not any(issue.level == "error" for issue in template_issues):
        template_issues += check_letters_render(data, places, root)
    issues += template_issues
    issues += check_template_scripts(data, root)
    issues += check_folder(data, places, folder, root)
    issues += safety_data().for_pack(data.safety.lexicon, places)[1]
    if any(issue.level == "error" for issue in issues):
        return None, issues
    pack = compile_pack(data, folder)
    pack.warnings = [issue for issue in issues if issue.level == "warning"]
    pack.templates = root
    pack.content_hash = content_hash(read_files(folder, root, data))
    return pack, issues


def load_pack(name_or_path: str | os.PathLike[str], templates: Path | None = None) -> Pack:
    """A usable pack, or :class:`PackInvalid` listing every error."""
    pack, issues = inspect_pack(resolve_pack(name_or_path), templates)
    if pack is None:
        raise PackInvalid(issues)
    return pack
