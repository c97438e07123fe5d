"""Golden files for letters: text byte for byte, page images by a pixel-difference threshold.

A golden changes only on purpose: ``CALLSHIELD_UPDATE_GOLDENS=1 .venv/bin/pytest tests/letters``
rewrites them; review ``git diff`` (and look at the PNGs) after.
PDF pages are rendered with PDFium (pypdfium2) at 50 dpi in greyscale, so a golden is a few
kilobytes; anti-aliasing may differ by a shade between PDFium builds, so two images match when
fewer than MAX_CHANGED of their pixels differ by more than a visible step (TOLERANCE).
"""

from __future__ import annotations

import io
import os
from pathlib import Path

import pypdfium2 as pdfium
from PIL import Image, ImageChops

UPDATE = os.environ.get("CALLSHIELD_UPDATE_GOLDENS") == "1"
DPI = 50
TOLERANCE = 64  # grey levels: below this a pixel counts as unchanged (anti-aliasing)
MAX_CHANGED = 0.002  # share of pixels that may change: a moved word changes far more


def check_text(path: Path, actual: str) -> None:
    if UPDATE:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(actual, encoding="utf-8", newline="\n")
        return  # not skipped here: a test may write several goldens
    assert path.is_file(), f"no golden {path}: create it with CALLSHIELD_UPDATE_GOLDENS=1"
    assert actual == path.read_text(encoding="utf-8"), (
        f"differs from {path}; if the change is intended, rewrite the goldens with "
        "CALLSHIELD_UPDATE_GOLDENS=1 and review git diff")


def page_image(pdf: bytes, index: int = 0) -> Image.Image:
    """One page of the PDF as PDFium draws it: greyscale, DPI dots per inch."""
    document = pdfium.PdfDocument(pdf)
    try:
        bitmap = document[index].render(scale=DPI / 72, grayscale=True)
        return bitmap.to_pil().convert("L")
    finally:
        document.close()


def changed_share(one: Image.Image, other: Image.Image) -> float:
    """The share of pixels whose grey level differs by more than TOLERANCE."""
    assert one.size == other.size, f"page size changed: {other.size} -> {one.size}"
    diff = ImageChops.difference(one, other).point(lambda v: 255 if v > TOLERANCE else 0)
    histogram = diff.histogram()
    return histogram[255] / (one.size[0] * one.size[1])


def check_image(path: Path, actual: Image.Image) -> None:
    if UPDATE:
        path.parent.mkdir(parents=True, exist_ok=True)
        buffer = io.BytesIO()
        actual.save(buffer, format="PNG", optimize=True)
        path.write_bytes(buffer.getvalue())
        return
    assert path.is_file(), f"no golden {path}: create it with CALLSHIELD_UPDATE_GOLDENS=1"
    with Image.open(path) as stored:
        share = changed_share(actual, stored.convert("L"))
    assert share <= MAX_CHANGED, (
        f"page 1 differs from {path} in {share:.2%} of its pixels (allowed {MAX_CHANGED:.2%}); "
        "if the change is intended, rewrite with CALLSHIELD_UPDATE_GOLDENS=1 and look at it")
