"""Golden letter texts kept with each pack: every letter, rendered for the sample case.

For each letter, in the language it ships in, ``<pack>/tests/letters/`` holds what it said
when someone last read and approved it:

* ``<letter>.<language>.letter.txt`` — the whole letter as the PDF and DOCX print it (sender,
  addressee, date, title, body, signature, enclosures, the record of contacts);
* ``<letter>.<language>.preview.txt`` — the text the chat shows and a web form takes.

This is the one golden of a letter's words. ``callshield flows test`` (and so ``packs
publish``) and pytest fail when a letter differs from its goldens or has none, so a new or
changed letter is read before it reaches a user; the goldens travel with the pack (and its
releases), so a pack an operator adds gets them too. ``callshield flows goldens PACK --update``
(or CALLSHIELD_UPDATE_GOLDENS=1 with pytest) writes them; review them with ``git diff``.
How the shipped letters *look* (page 1 of the PDF as a PNG, the DOCX structure) is checked
against tests/letters/golden/shipped/, from the same sample case (bot/operators/samples.py).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from bot.operators.samples import sample_letter, sample_whole_letter
from flows import Pack

FOLDER = Path("tests") / "letters"
KINDS: dict[str, Callable[[Pack, str], str]] = {
    "letter": sample_whole_letter,
    "preview": sample_letter,
}
"""Golden kind -> how its text is made for the sample case."""


def golden_dir(pack: Pack) -> Path:
    if pack.folder is None:
        raise ValueError(f"pack '{pack.id}' was not loaded from a folder; it has no goldens")
    return pack.folder / FOLDER


def golden_names(pack: Pack, letter_id: str) -> dict[str, str]:
    """Golden kind -> its file name, for one letter."""
    language = pack.data.letters[letter_id].language
    return {kind: f"{letter_id}.{language}.{kind}.txt" for kind in KINDS}


def _expected(pack: Pack) -> dict[str, tuple[str, str]]:
    """File name -> (letter id, kind) of every golden the pack should have."""
    return {name: (letter_id, kind) for letter_id in pack.data.letters
            for kind, name in golden_names(pack, letter_id).items()}


def check_goldens(pack: Pack) -> list[str]:
    """What differs from the goldens (empty: every letter matches its golden texts)."""
    problems = []
    folder = golden_dir(pack)
    expected = _expected(pack)
    for name, (letter_id, kind) in expected.items():
        path = folder / name
        if not path.is_file():
            problems.append(f"letter '{letter_id}' has no golden {kind} text ({path}): write "
                            f"it with `callshield flows goldens {pack.id} --update`, read it, "
                            "commit it")
        elif path.read_text(encoding="utf-8") != KINDS[kind](pack, letter_id):
            problems.append(f"letter '{letter_id}' differs from its golden {kind} text {path}: "
                            f"if the change is intended, run `callshield flows goldens {pack.id}"
                            " --update` and review the diff")
    if folder.is_dir():
        for path in sorted(folder.glob("*.txt")):
            if path.name not in expected:
                problems.append(f"golden {path} belongs to no letter of '{pack.id}'; delete it")
    return problems


def write_goldens(pack: Pack) -> list[Path]:
    """Write every letter's golden texts (and delete goldens of letters that are gone)."""
    folder = golden_dir(pack)
    expected = _expected(pack)
    written = []
    for name, (letter_id, kind) in expected.items():
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / name
        text = KINDS[kind](pack, letter_id)
        if not path.is_file() or path.read_text(encoding="utf-8") != text:
            path.write_text(text, encoding="utf-8", newline="\n")
            written.append(path)
    if folder.is_dir():
        for path in folder.glob("*.txt"):
            if path.name not in expected:
                path.unlink()
                written.append(path)
    return written
