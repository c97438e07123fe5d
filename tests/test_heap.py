"""The runner's garbage-collector settings (bot/heap.py), checked in a fresh interpreter so
this test process keeps its own."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

PROBE = """
import gc, weakref
from bot.heap import YOUNG_THRESHOLD, settle_after_start
before = gc.get_threshold()
settle_after_start()
print(gc.get_freeze_count() > 0, gc.get_threshold() == (YOUNG_THRESHOLD, *before[1:]))
class Node:
    pass
a, b = Node(), Node()
a.other, b.other = b, a  # a cycle made after start-up...
gone = weakref.ref(a)
del a, b
gc.collect()
print(gone() is None)  # ...is still collected
"""


def test_start_up_objects_are_frozen_and_young_collections_are_rarer() -> None:
    done = subprocess.run([sys.executable, "-c", PROBE], cwd=ROOT, capture_output=True,
                          text=True, check=True)
    assert done.stdout.split() == ["True", "True", "True"]
