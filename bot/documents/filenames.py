"""Safe, readable download names such as "投诉信-惠今金融-2026-11-28.pdf".

Names come from user input (the company name), end up on Windows, macOS and
Android file systems, and are shown truncated by Telegram, so they are cleaned
and capped while keeping Chinese characters intact.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import date

MAX_LENGTH = 80  # characters, extension included
SEPARATOR = "-"
# Path separators and characters Windows forbids in file names.
_FORBIDDEN = re.compile(r'[\\/:*?"<>|]')
_SPACES = re.compile(r"\s+")
_EXTENSION = re.compile(r"[A-Za-z0-9]{1,10}")


def _clean(part: str) -> str:
    """Drop control/format characters and forbidden ones; collapse whitespace."""
    part = _SPACES.sub(" ", unicodedata.normalize("NFC", part))  # newlines, tabs too
    # Cc: control characters; Cf: invisible format characters such as the
    # right-to-left override, which can disguise "fdp.exe" as "exe.pdf".
    part = "".join(ch for ch in part if unicodedata.category(ch) not in ("Cc", "Cf"))
    part = _SPACES.sub(" ", _FORBIDDEN.sub(" ", part)).strip()
    return part.strip(" .")  # Windows drops trailing dots and spaces; leading dots hide files


def document_filename(title: str, party: str | None, date_iso: str, ext: str) -> str:
    """Build "<title>-<party>-<date>.<ext>", at most 80 characters, cutting the party first."""
    try:
        day = date.fromisoformat(date_iso).isoformat()
    except ValueError as exc:
        raise ValueError(
            f"date_iso {date_iso!r} is not an ISO date: pass date.isoformat(), e.g. '2026-11-28'."
        ) from exc
    extension = ext.lstrip(".")
    if not _EXTENSION.fullmatch(extension):
        raise ValueError(f"ext {ext!r} is not a plain file extension: pass e.g. 'pdf' or 'docx'.")
    clean_title = _clean(title)
    if not clean_title:
        raise ValueError(
            f"title {title!r} has no usable characters for a file name: pass the letter title."
        )
    clean_party = _clean(party or "")

    suffix = f"{SEPARATOR}{day}.{extension}"
    budget = MAX_LENGTH - len(suffix)  # room for title and party
    clean_title = clean_title[:budget].rstrip(" .")
    room_for_party = budget - len(clean_title) - len(SEPARATOR)
    clean_party = clean_party[: max(room_for_party, 0)].rstrip(" .")
    stem = SEPARATOR.join(p for p in (clean_title, clean_party) if p)
    return f"{stem}{suffix}"
