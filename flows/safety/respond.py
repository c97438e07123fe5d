"""What to say to someone in crisis or danger: the right numbers for where they are, first.

Pure text building from the shared data (responses.yaml, lines.yaml); channels add buttons.
"""

from __future__ import annotations

from flows.opencc_tables import to_simplified
from flows.safety.lexicon import SafetyData
from flows.safety.normalize import is_cjk
from flows.safety.recognise import Verdict
from flows.safety.schema import Line, Region

FALLBACK = "INTL"


def language_of(text: str | None, fallback: str) -> str:
    """The language to answer a crisis in: the one the person wrote in. Chinese characters
    (Traditional when converting them changes them) or Latin letters decide; else the user's
    interface language."""
    if not text:
        return fallback
    cjk = sum(1 for c in text if is_cjk(c))
    latin = sum(1 for c in text if c.isascii() and c.isalpha())
    if cjk and cjk * 3 >= latin:
        if fallback in ("zh-Hans", "zh-Hant"):
            return fallback
        return "zh-Hant" if text.translate(to_simplified()) != text else "zh-Hans"
    if latin and not cjk:
        return "en"
    return fallback


def regions_for(data: SafetyData, region: str | None, locale: str | None = None,
                language: str | None = None) -> tuple[str, ...]:
    """Whose lines to show. A region the user chose (their pack's) wins; before one is chosen,
    or for "elsewhere", the Telegram language guesses (zh-TW → Taiwan, zh-HK → Hong Kong,
    zh-CN → mainland China, en → United States), and the answer always says where to find
    other lines."""
    known = data.regions
    if region in known and region != FALLBACK:
        return (region,)
    code = (locale or "").lower().replace("_", "-")
    guess: tuple[str, ...]
    if code in ("zh-hk", "zh-mo") or code.startswith("zh-hant-hk"):
        guess = ("HK",)
    elif code == "zh-tw" or code.startswith("zh-hant-tw"):
        guess = ("TW",)
    elif code.startswith("zh-hant") or (not code and language == "zh-Hant"):
        guess = ("HK", "TW")
    elif region == FALLBACK:
        guess = (FALLBACK,)
    elif code.startswith("zh") or (not code and language == "zh-Hans"):
        guess = ("CN",)
    elif code in ("en", "en-us") or not code:
        guess = ("US",)
    else:
        guess = (FALLBACK,)
    return tuple(r for r in guess if r in known) or (FALLBACK,)


def _say(data: SafetyData, key: str, language: str) -> str:
    text = data.responses[key]
    return text.get(language) or text["en"]


def _numbers(data: SafetyData, regions: tuple[str, ...], use: str, language: str) -> str:
    found = []
    for code in regions:
        numbers = [line.number for line in data.regions[code].lines if use in line.use]
        if numbers:
            name = _name(data.regions[code], language)
            found.append(numbers[0] + (f" ({name})" if len(regions) > 1 else ""))
    return " / ".join(found) or _say(data, "local_emergency", language)


def _name(region: Region, language: str) -> str:
    return region.name.get(language) or region.name["en"]


def _lines(data: SafetyData, regions: tuple[str, ...], language: str,
           uses: tuple[str, ...]) -> str:
    blocks = []
    for code in regions:
        region = data.regions[code]
        rows = [_row(line, language) for line in region.lines if set(uses) & set(line.use)]
        if rows:
            title = f"{_name(region, language)}:\n" if len(regions) > 1 else ""
            blocks.append(title + "\n".join(rows))
    return "\n".join(blocks)


def _row(line: Line, language: str) -> str:
    return f"• {line.number} — {line.name.get(language) or line.name['en']}"


def _fill(data: SafetyData, key: str, regions: tuple[str, ...], language: str) -> str:
    police = _numbers(data, regions, "police", language)
    if key == "emergency" and police == _numbers(data, regions, "ambulance", language):
        key = "emergency_one"  # one number for both (911, 999): say it once
    return (_say(data, key, language)
            .replace("{police}", _numbers(data, regions, "police", language))
            .replace("{ambulance}", _numbers(data, regions, "ambulance", language)))


def _tail(data: SafetyData, regions: tuple[str, ...], language: str) -> list[str]:
    return [] if FALLBACK in regions else [_say(data, "elsewhere", language)]


def response(data: SafetyData, verdict: Verdict, regions: tuple[str, ...],
             language: str) -> list[str]:
    """The paragraphs to show for a verdict (empty when there is nothing to say)."""
    if not verdict:
        return []
    lines = _lines(data, regions, language, ("crisis",))
    emergency = _fill(data, "emergency", regions, language)
    if verdict.self_harm:
        first = "act" if "act" in verdict.kinds else "intent"
        parts = [_fill(data, first, regions, language)]
        if "danger" in verdict.kinds:
            parts.append(_fill(data, "danger", regions, language))
        parts += [lines, *([] if first == "act" else [emergency]), *_tail(data, regions, language),
                  _say(data, "hold", language)]
        return [p for p in parts if p]
    parts = []
    if "danger" in verdict.kinds:
        parts.append(_fill(data, "danger", regions, language))
    if "threat" in verdict.kinds:
        parts += [_fill(data, "threat", regions, language), lines,
                  *_tail(data, regions, language)]
    parts.append(_say(data, "keep", language))
    return [p for p in parts if p]


def talk(data: SafetyData, regions: tuple[str, ...], language: str) -> list[str]:
    """"Talk to someone now": every line we know for the region, then emergency numbers."""
    return [p for p in (_say(data, "talk", language),
                        _lines(data, regions, language, ("crisis", "more")),
                        _fill(data, "emergency", regions, language),
                        *_tail(data, regions, language)) if p]


def results_preface(data: SafetyData, regions: tuple[str, ...], language: str) -> str:
    """The crisis lines again, at the top of the results of someone who was in crisis."""
    parts = [_say(data, "results", language), _lines(data, regions, language, ("crisis",)),
             _fill(data, "emergency", regions, language), *_tail(data, regions, language)]
    return "\n\n".join(p for p in parts if p)
