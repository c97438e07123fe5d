"""Shared fixtures: the demo pack and a fixed clock."""

from __future__ import annotations

import datetime as dt
import zoneinfo
from pathlib import Path
from typing import Any

import pytest

from flows import Pack, load_pack

ROOT = Path(__file__).resolve().parent.parent
DEMO = ROOT / "tests" / "fixtures" / "demo"
SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")


@pytest.fixture(scope="session")
def demo_pack() -> Pack:
    return load_pack(DEMO)


@pytest.fixture
def now() -> dt.datetime:
    return dt.datetime(2026, 11, 28, 15, 0, tzinfo=SHANGHAI)


# ---- the PostgreSQL leg (tests/pg.py): counted, and one line when it could not run ---------

_PG_OUTCOMES: dict[str, int] = {}


def pytest_runtest_logreport(report: pytest.TestReport) -> None:
    if "postgresql" not in report.keywords:
        return
    if report.when == "call" or (report.when == "setup" and report.outcome != "passed"):
        _PG_OUTCOMES[report.outcome] = _PG_OUTCOMES.get(report.outcome, 0) + 1


def pytest_terminal_summary(terminalreporter: Any) -> None:
    from tests.pg import SERVER, UNREACHABLE

    ran = _PG_OUTCOMES.get("passed", 0) + _PG_OUTCOMES.get("failed", 0)
    if not _PG_OUTCOMES:
        return
    line = (f"PostgreSQL tests run: {ran} ({_PG_OUTCOMES.get('passed', 0)} passed, "
            f"{_PG_OUTCOMES.get('failed', 0)} failed, {_PG_OUTCOMES.get('skipped', 0)} skipped)")
    terminalreporter.write_line(line)
    if UNREACHABLE:
        terminalreporter.write_line(
            f"PostgreSQL tests SKIPPED: no server at {SERVER} ({UNREACHABLE[0]}); set "
            "CALLSHIELD_REQUIRE_POSTGRES=1 to make that a failure")
