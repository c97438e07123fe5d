"""Shared fixtures: the demo pack and a fixed clock."""

from __future__ import annotations

import datetime as dt
import zoneinfo
from pathlib import Path

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
