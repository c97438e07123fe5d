"""The stats as a PNG: three panels of horizontal bars, drawn with Pillow (fpdf2 brings it).

Labels are ids (questions, rules, letters), so the font Pillow ships is enough; nothing here
draws user text, because the event log holds none.
"""

from __future__ import annotations

import io

from PIL import Image, ImageDraw, ImageFont

from bot.operators.stats import Report

WIDTH, BAR_H, GAP, LABEL_W, MARGIN, TOP = 1000, 18, 6, 330, 20, 34
COLOURS = ("#d9534f", "#2c7fb8", "#41ab5d")


def _font(size: int) -> ImageFont.ImageFont | ImageFont.FreeTypeFont:
    try:
        return ImageFont.load_default(size)
    except (TypeError, OSError):  # a Pillow without FreeType: the small bitmap font
        return ImageFont.load_default()


def _panels(report: Report) -> list[tuple[str, list[tuple[str, float, str]]]]:
    drop = [(f"{q.pack}/{q.node}", q.drop_off * 100, f"{q.drop_off:.0%} of {q.reached}")
            for q in report.questions if q.reached]
    drop.sort(key=lambda item: -item[1])
    rules = [(f"{p}/{r} {rel}", float(n), str(n)) for p, r, rel, n in report.rules]
    letters = [(f"{p}/{letter}", float(n), str(n)) for p, letter, _, n in report.letters]
    return [("Drop-off per question (share of interviews that stopped there)", drop[:20]),
            ("Findings per rule and release", rules[:20]),
            ("Letters drafted per template", letters[:20])]


def render_png(report: Report) -> bytes:
    """The PNG file's bytes."""
    panels = _panels(report)
    height = MARGIN + sum(TOP + max(1, len(rows)) * (BAR_H + GAP) + MARGIN
                          for _, rows in panels) + 24
    image = Image.new("RGB", (WIDTH, height), "white")
    draw = ImageDraw.Draw(image)
    title, small = _font(16), _font(12)
    where = report.pack or "all packs"
    draw.text((MARGIN, 6), f"CallShield stats since {report.since or 'the start'} ({where}): "
              f"{report.started} started, {report.finished} finished", fill="#222", font=small)
    y = MARGIN + 12
    for (heading, rows), colour in zip(panels, COLOURS, strict=True):
        draw.text((MARGIN, y), heading, fill="#222", font=title)
        y += TOP
        if not rows:
            draw.text((MARGIN, y), "no events yet", fill="#777", font=small)
            y += BAR_H + GAP
        top = max((value for _, value, _ in rows), default=1.0) or 1.0
        span = WIDTH - LABEL_W - 2 * MARGIN - 90
        for name, value, shown in rows:
            draw.text((MARGIN, y + 2), name[:48], fill="#333", font=small)
            length = max(1, round(span * value / top))
            draw.rectangle((LABEL_W, y, LABEL_W + length, y + BAR_H), fill=colour)
            draw.text((LABEL_W + length + 6, y + 2), shown, fill="#333", font=small)
            y += BAR_H + GAP
        y += MARGIN
    out = io.BytesIO()
    image.save(out, "PNG")
    return out.getvalue()
