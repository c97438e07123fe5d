"""The import direction: flows and storage never reach up into bot or Telegram."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from tests.conftest import ROOT

FORBIDDEN = {
    "flows": {"bot", "storage", "telegram", "aiosqlite"},
    "storage": {"bot", "flows", "telegram"},
}


def imported_roots(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    roots = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            roots.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            roots.add(node.module.split(".")[0])
    return roots


@pytest.mark.parametrize("package", sorted(FORBIDDEN))
def test_package_does_not_import_forbidden(package: str) -> None:
    files = sorted((ROOT / package).rglob("*.py"))
    assert files, f"no python files in {package}"
    for file in files:
        bad = imported_roots(file) & FORBIDDEN[package]
        assert not bad, f"{file.relative_to(ROOT)} imports {sorted(bad)}"


def test_only_bot_imports_telegram() -> None:
    for package in ("flows", "storage", "templates"):
        for file in (ROOT / package).rglob("*.py"):
            assert "telegram" not in imported_roots(file), file


def test_operator_folders_hold_no_python() -> None:
    for folder in (ROOT / "flows" / "packs", ROOT / "templates", ROOT / "tests" / "fixtures"):
        assert not list(folder.rglob("*.py")), f"python code in operator data folder {folder}"


def test_the_checker_catches_a_bad_import(tmp_path: Path) -> None:
    sample = tmp_path / "x.py"
    sample.write_text("import telegram.ext\nfrom storage.sqlite import SQLiteStore\n")
    assert imported_roots(sample) == {"telegram", "storage"}
