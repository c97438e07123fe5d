"""The whole record as files to hand over: a PDF evidence report (a chart of contacts per day,
then the timeline table and the files with their SHA-256) and a CSV of the same rows.

The PDF is drawn with fpdf2 primitives and the letters' embedded CJK font
(bot/documents/): no plotting library. Rendering is CPU work: channels run it in a thread.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Sequence

from fpdf import FPDF
from fpdf.fonts import TTFFont

from bot.diary import record as rec
from bot.diary.texts import d
from bot.documents import AnnexTable, fonts
from bot.documents.font_embed import CJKFontProducer
from bot.documents.linebreak import wrap_text
from bot.documents.pdf_layout import line_height
from bot.documents.pdf_table import TableStyle, draw_table
from flows import Pack
from storage import DiaryEntryRow

TEXT = (25, 25, 25)
ACCENT = (31, 58, 95)
BAR = (70, 110, 160)
NIGHT_BAR = (150, 60, 60)
MUTED = (110, 110, 110)


def rows(entries: Sequence[DiaryEntryRow], pack: Pack | None,
         language: str) -> list[dict[str, str]]:
    """One row per entry, oldest first, as both files print it."""
    found = []
    for entry in entries:
        hour = rec.local_hour(entry)
        said = rec.option_labels(pack, "said", entry.said_json, language)
        what = "; ".join(x for x in (", ".join(said), " ".join((entry.note or "").split()))
                         if x)
        files = "; ".join(
            f"{a.kind} {a.file_name or ''} {a.mime_type or ''} {a.size or ''} B "
            f"sha256={a.sha256 or '(not fetched)'} received {a.received_at[:10]}".replace(
                "  ", " ") for a in entry.attachments)
        found.append({
            "date": entry.occurred_day or "",
            "time": entry.occurred_at[11:16] if hour is not None and entry.occurred_at else "",
            "channel": rec.channel_label(pack, entry.channel, language),
            "who": " ".join(x for x in (entry.caller_number, entry.caller_name) if x),
            "contacts": "" if entry.source == "file" else str(entry.contacts),
            "night": "yes" if rec.is_night(hour, pack) else "",
            "others": ", ".join(rec.option_labels(pack, "third_parties",
                                                  entry.third_parties_json, language)),
            "what": what,
            "files": files,
            "source": entry.source,
            "recorded": entry.created_at[:19].replace("T", " ") + " UTC",
        })
    return found


def to_csv(entries: Sequence[DiaryEntryRow], pack: Pack | None, language: str) -> bytes:
    """UTF-8 with a byte-order mark, so spreadsheet programs read Chinese correctly."""
    out = io.StringIO()
    table = rows(entries, pack, language)
    names = ["date", "time", "channel", "who", "contacts", "night", "others", "what", "files",
             "source", "recorded"]
    writer = csv.DictWriter(out, fieldnames=names, lineterminator="\r\n")
    writer.writeheader()
    writer.writerows(_defused(row) for row in table)
    return out.getvalue().encode("utf-8-sig")


def _defused(row: dict[str, str]) -> dict[str, str]:
    """A cell a spreadsheet would run as a formula (=, +, -, @) starts with ' instead."""
    return {k: ("'" + v if v[:1] in ("=", "+", "-", "@") else v) for k, v in row.items()}


class _ReportPDF(FPDF):
    def __init__(self, language: str, page: str) -> None:
        super().__init__(orientation="portrait", unit="mm", format=page)
        self.language = language
        self.family = fonts.register_font(self)
        self.set_margins(15, 15, 15)
        self.set_auto_page_break(True, margin=15)
        self.c_margin = 0
        font = self.fonts[self.family.lower()]
        assert isinstance(font, TTFFont)
        self.advances = font.cw

    def wrap(self, text: str, size_pt: float, width: float) -> list[str]:
        scale = size_pt * 0.001 / self.k
        return wrap_text(fonts.printable(text), lambda c: self.advances[ord(c)] * scale,
                         width - 0.05, self.language)

    def para(self, text: str, size_pt: float, color: tuple[int, int, int] = TEXT) -> None:
        self.set_font(self.family, size=size_pt)
        self.set_text_color(*color)
        for line in self.wrap(text, size_pt, self.epw):
            self.cell(self.epw, line_height(size_pt), line, new_x="LMARGIN", new_y="NEXT")


def to_pdf(entries: Sequence[DiaryEntryRow], pack: Pack | None, language: str, *,
           today: dt.date, zone: str) -> bytes:
    """The evidence report: title, what it is, the counts, the chart, the table."""
    page = pack.data.pack.paper if pack is not None else "A4"
    record = rec.count(entries, pack)
    try:
        pdf = _ReportPDF(language, "Letter" if page == "Letter" else "A4")
        pdf.set_title(d(language, "pdf_title"))
        pdf.set_lang(language)
        pdf.set_creation_date(dt.datetime.combine(today, dt.time(), dt.UTC))
        pdf.add_page()
        pdf.para(d(language, "pdf_title"), 16, ACCENT)
        pdf.ln(1)
        pdf.para(d(language, "pdf_intro", zone=zone), 9.5, MUTED)
        pdf.ln(2)
        from bot.diary.view import summary  # one wording for the chat and the report

        pdf.para(summary(record, language), 10.5)
        pdf.ln(3)
        _chart(pdf, record, entries, pack, language)
        pdf.ln(4)
        _table(pdf, entries, pack, language)
        pdf.ln(3)
        pdf.para(d(language, "generated", date=today.isoformat()), 8.5, MUTED)
        return bytes(pdf.output(output_producer_class=CJKFontProducer))
    finally:
        fonts.release()


def _chart(pdf: _ReportPDF, record: rec.Record, entries: Sequence[DiaryEntryRow],
           pack: Pack | None, language: str) -> None:
    """Bars of contacts per day, every day from the first to the last (quiet days show as
    gaps), the night-time part of each bar in red, the busiest count on the axis."""
    pdf.para(d(language, "pdf_chart"), 11, ACCENT)
    if not record.per_day:
        return
    first, last = min(record.per_day), max(record.per_day)
    days = [first + dt.timedelta(days=i) for i in range((last - first).days + 1)][-120:]
    night: dict[dt.date, int] = {}
    for entry in entries:
        if entry.occurred_day and rec.is_night(rec.local_hour(entry), pack):
            day = dt.date.fromisoformat(entry.occurred_day)
            night[day] = night.get(day, 0) + 1
    top = max(record.per_day.values())
    x0, y0 = pdf.l_margin + 10, pdf.get_y() + 2
    width, height = pdf.epw - 12, 45.0
    step = width / len(days)
    pdf.set_draw_color(*MUTED)
    pdf.set_line_width(0.2)
    pdf.line(x0, y0 + height, x0 + width, y0 + height)
    pdf.line(x0, y0, x0, y0 + height)
    pdf.set_font(pdf.family, size=7)
    pdf.set_text_color(*MUTED)
    for value in sorted({0, top, (top + 1) // 2}):
        y = y0 + height - height * value / top
        pdf.text(pdf.l_margin, y + 1, str(value))
    label_every = max(1, len(days) // 8)
    for index, day in enumerate(days):
        n = record.per_day.get(day, 0)
        bar_width = min(step * 0.7, 8.0)
        x = x0 + index * step + (step - bar_width) / 2
        if n:
            bar = height * n / top
            pdf.set_fill_color(*BAR)
            pdf.rect(x, y0 + height - bar, bar_width, bar, style="F")
            red = height * min(night.get(day, 0), n) / top
            if red:
                pdf.set_fill_color(*NIGHT_BAR)
                pdf.rect(x, y0 + height - red, bar_width, red, style="F")
        if index % label_every == 0 or index == len(days) - 1:
            pdf.text(x, y0 + height + 4, day.strftime("%m-%d"))
    pdf.set_y(y0 + height + 6)


def _table(pdf: _ReportPDF, entries: Sequence[DiaryEntryRow], pack: Pack | None,
           language: str) -> None:
    table = rows(entries, pack, language)
    columns = tuple(d(language, key) for key in ("col_date", "col_time", "col_channel",
                                                "col_who", "col_n", "col_others", "col_what",
                                                "col_files"))
    body = tuple((r["date"], r["time"], r["channel"], r["who"], r["contacts"], r["others"],
                  r["what"], r["files"]) for r in table)
    if not body:
        return
    size = 8.0
    style = TableStyle(family=pdf.family, size_pt=size, line_height=line_height(size) * 0.85,
                       text_color=TEXT, header_color=ACCENT, header_fill=(228, 233, 241),
                       rule_color=(150, 150, 150))
    annex = AnnexTable(title="", columns=columns, rows=body,
                       column_widths=(1.4, 0.8, 1.0, 1.8, 0.8, 1.3, 3.0, 2.4))
    draw_table(pdf, annex, style, lambda text, width: pdf.wrap(text, size, width))
