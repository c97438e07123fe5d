"""Golden letter texts kept with each pack: every letter, rendered for the sample case.

``<pack>/tests/letters/<letter id>.txt`` holds what the letter said when someone last read and
approved it. ``callshield flows test`` (and so ``packs publish``) fails when a letter's text
differs from its golden, or when a letter has none: a new or changed letter is read before it
reaches a user. ``callshield flows goldens PACK --update`` (or CALLSHIELD_UPDATE_GOLDENS=1 with
pytest) writes them; review them with ``git diff``. These are text only; the PDF/DOCX goldens
of the document renderer live in tests/documents/golden/.
"""

from __future__ import annotations

from pathlib import Path

from bot.operators.samples import sample_letter
from flows import Pack

FOLDER = Path("tests") / "letters"


def golden_dir(pack: Pack) -> Path:
    if pack.folder is None:
        raise ValueError(f"pack '{pack.id}' was not loaded from a folder; it has no goldens")
    return pack.folder / FOLDER


def check_goldens(pack: Pack) -> list[str]:
    """What differs from the goldens (empty: every letter matches its golden text)."""
    problems = []
    folder = golden_dir(pack)
    for letter_id in pack.data.letters:
        path = folder / f"{letter_id}.txt"
        text = sample_letter(pack, letter_id)
        if not path.is_file():
            problems.append(f"letter '{letter_id}' has no golden text ({path}): write it with "
                            f"`callshield flows goldens {pack.id} --update`, read it, commit it")
        elif path.read_text(encoding="utf-8") != text:
            problems.append(f"letter '{letter_id}' differs from its golden text {path}: if the "
                            f"change is intended, run `callshield flows goldens {pack.id} "
                            "--update` and review the diff")
    if folder.is_dir():
        for path in sorted(folder.glob("*.txt")):
            if path.stem not in pack.data.letters:
                problems.append(f"golden {path} belongs to no letter of '{pack.id}'; delete it")
    return problems


def write_goldens(pack: Pack) -> list[Path]:
    """Write every letter's golden text (and delete goldens of letters that are gone)."""
    folder = golden_dir(pack)
    written = []
    for letter_id in pack.data.letters:
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / f"{letter_id}.txt"
        text = sample_letter(pack, letter_id)
        if not path.is_file() or path.read_text(encoding="utf-8") != text:
            path.write_text(text, encoding="utf-8", newline="\n")
            written.append(path)
    if folder.is_dir():
        for path in folder.glob("*.txt"):
            if path.stem not in pack.data.letters:
                path.unlink()
                written.append(path)
    return written
