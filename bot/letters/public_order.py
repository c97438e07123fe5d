"""Mainland China's public-order law changed on 2026-01-01: which version a contact falls under.

The old Art. 42 (2012 text) covers contacts before the revision took effect, the new Art. 50
(2025 revision) those from then on; a letter to the police cites the version in force on the
contacts' dates (cn_law.md §2).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from typing import Any, cast

from bot.letters.parties import write_date
from flows.letters import BLANK, PublicOrderGroup

PSL_REVISION = dt.date(2026, 1, 1)
"""The revised public-order law takes effect (cn_law.md §2: old Art. 42 becomes Art. 50)."""

_PUBLIC_ORDER: tuple[dict[str, Any], ...] = (
    {  # cn_law.md §2, 2012 text, [verified-from-source]
        "law": "《中华人民共和国治安管理处罚法》（2012年修正）", "article": "第四十二条",
        "item": "第（五）项", "quote": "多次发送淫秽、侮辱、恐吓或者其他信息，干扰他人正常生活的",
        "period": "2026年1月1日之前", "no_contact_order": False,
        "confidence": "verified-from-source",
    },
    {  # cn_law.md §2, 2025 revision in force 2026-01-01, [secondary] (verbatim third-party quote)
        "law": "《中华人民共和国治安管理处罚法》（2025年修订）", "article": "第五十条",
        "item": "第一款第（五）项",
        "quote": "多次发送淫秽、侮辱、恐吓等信息或者采取滋扰、纠缠、跟踪等方法，干扰他人正常生活的",
        "period": "2026年1月1日及以后", "no_contact_order": True, "confidence": "secondary",
    },
)


def public_order(days: Sequence[dt.date], today: dt.date,
                 lang: str) -> list[PublicOrderGroup]:
    """Which version of the public-order law was in force on each contact's date."""
    dates = sorted(days)
    periods = ([d for d in dates if d < PSL_REVISION], [d for d in dates if d >= PSL_REVISION])
    groups = [_group(data, days, lang)
              for data, days in zip(_PUBLIC_ORDER, periods, strict=True) if days]
    return groups or [_group(_PUBLIC_ORDER[today >= PSL_REVISION], [], lang)]


def _group(data: Mapping[str, Any], days: Sequence[dt.date], lang: str) -> PublicOrderGroup:
    first, last = ((write_date(days[0], lang), write_date(days[-1], lang)) if days
                   else (BLANK, BLANK))
    return cast(PublicOrderGroup, {**data, "count": len(days), "first": first, "last": last})
