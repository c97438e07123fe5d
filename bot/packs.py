"""Load every pack the bot serves, refusing to start with a broken one."""

from __future__ import annotations

from pathlib import Path

from flows import Pack, PackInvalid, available_packs, load_pack

JURISDICTION_PACKS = {"cn": "cn", "us": "us", "elsewhere": "elsewhere"}
"""The jurisdictions a user can choose, and the pack that serves each."""


def load_all(extra: list[str | Path] | None = None) -> dict[str, Pack]:
    """Every shipped pack plus ``extra`` folders, keyed by pack id; PackInvalid on any error."""
    packs: dict[str, Pack] = {}
    issues = []
    for name in [*available_packs(), *(extra or [])]:
        try:
            pack = load_pack(name)
        except PackInvalid as error:
            issues.extend(error.issues)
            continue
        packs[pack.id] = pack
    if issues:
        raise PackInvalid(issues)
    return packs
