"""A small run of bench/fuzz.py: hostile and malformed updates of every kind against the real
bot; no crash, no traceback, every expected reply, no content in the log."""

from __future__ import annotations

import importlib.util
import os
import sys

from tests.conftest import ROOT


def load_fuzz() -> object:
    spec = importlib.util.spec_from_file_location("callshield_fuzz", ROOT / "bench" / "fuzz.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up there
    spec.loader.exec_module(module)
    return module


async def test_three_hundred_hostile_updates() -> None:
    fuzz = load_fuzz()
    slow = max(1.0, float(os.environ.get("TG_TEST_SLOW", "1") or 1))
    figures = await fuzz.run(updates=300, chats=12, seed=3, wait=30.0 * slow)  # type: ignore[attr-defined]
    assert figures["updates"] == 300
    assert figures["expected replies"] > 100  # most updates deserve a reply: they were checked
    assert figures["crashes"] == 0, figures
    assert figures["tracebacks"] == 0, figures
    assert figures["unanswered expected replies"] == 0, figures
    assert figures["content in logs"] == 0, figures
    kinds = {name for name in figures if name.startswith("kind ")}
    assert {"kind text", "kind callback", "kind edit", "kind group", "kind poll",
            "kind garbage", "kind unknown_type"} <= kinds, kinds
