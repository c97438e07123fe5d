"""Render a LetterDocument to a PDF (A4 or US Letter) with fpdf2 and the embedded CJK font.

The letter is laid out first (bot/documents/pdf_layout.py: every line a row, pages cut so
headings, paragraphs and the signature stay with what belongs to them), then drawn line by
line; the evidence annex follows on a new page as a table whose header row repeats on every
page. A letter longer than a page gets "page X of Y" at the foot of each page, drawn once the
page count is known, so the layout runs once. The font is embedded by
bot/documents/font_embed.py. Text is wrapped by bot/documents/linebreak.py: Chinese breaks
between ideographs, English words are hyphenated rather than cut, and long URLs or numbers
never run past the margin.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from fpdf import FPDF
from fpdf.enums import Align, TextMode, XPos, YPos
from fpdf.fonts import TTFFont

from . import fonts
from .font_embed import CJKFontProducer
from .linebreak import wrap_text
from .model import CREATOR, PAGE_SIZES, AnnexTable, LetterDocument, TextBlock
from .pdf_layout import PT, Row, letter_rows, line_height, paginate
from .pdf_table import TableStyle, draw_table

MARGINS = {"A4": 20.0, "Letter": 25.4}  # mm, left/right/top: 1 inch on US Letter
SMALL_PT = 8.5
ANNEX_PT = 9.5
TEXT = (25, 25, 25)
ACCENT = (31, 58, 95)  # headings: the font has no bold, so colour and size carry them
MUTED = (110, 110, 110)
FOOTER_SPACE = 14.0  # mm kept free above the bottom edge for the page label


class _LetterPDF(FPDF):
    """FPDF whose page footers ("page X of Y") are drawn once the page count is known."""

    def __init__(self, doc: LetterDocument) -> None:
        super().__init__(orientation="portrait", unit="mm", format=PAGE_SIZES[doc.page_size])
        self.letter = doc
        self.cjk_family = fonts.register_font(self)
        margin = MARGINS.get(doc.page_size, 20.0)
        self.set_margins(margin, margin, margin)
        self.c_margin = 0  # our own wrapping already keeps text inside the margins
        # We print the known page count instead: fpdf2's "{nb}" alias reserves
        # three digits' width, leaving gaps in a centred label, and would also
        # replace "{nb}" typed by a user.
        self.alias_nb_pages(None)  # type: ignore[arg-type]
        self.note_lines = self.wrap_for(fonts.printable(doc.footer_note), SMALL_PT, self.epw)
        footer_height = (len(self.note_lines) + 1) * line_height(SMALL_PT)
        self.set_auto_page_break(True, margin=max(FOOTER_SPACE, 8 + footer_height))
        font = self.fonts[self.cjk_family.lower()]
        assert isinstance(font, TTFFont)
        self.advances = font.cw

    def wrap_for(self, text: str, size_pt: float, width: float) -> list[str]:
        """Lines of ``text`` that each fit ``width`` mm at ``size_pt``.

        Widths come straight from the font's advance table, exactly as fpdf2
        measures unshaped text, without get_string_width's per-call overhead.
        """
        if not text:
            return []
        font = self.fonts[self.cjk_family.lower()]
        assert isinstance(font, TTFFont)
        advances = font.cw
        scale = size_pt * 0.001 / self.k
        return wrap_text(text, lambda char: advances[ord(char)] * scale, width - 0.05,
                         self.letter.language)

    def width_of(self, text: str, size_pt: float) -> float:
        return sum(self.advances[ord(char)] for char in text) * size_pt * 0.001 / self.k

    def footer(self) -> None:
        """fpdf2's per-page hook: nothing yet, see draw_footers()."""

    def draw_footers(self) -> None:
        """Go back to every page and draw its footer, now that the page count is known.

        One layout pass instead of two. Each footer sits in its own q/Q block
        and sets its own font and colour, since the page's last graphics
        state is not the one fpdf2 tracks (that is the last page's). The
        auto page break area already reserves the footer's height. A one-page
        letter carries no page label.
        """
        size, pages, last = SMALL_PT, self.pages_count, self.page
        self.in_footer = True  # as fpdf2 does for footers: never break a page here
        try:
            for number in range(1, pages + 1):
                label = self.letter.page_label.format(page=number, pages=pages)
                lines = [*self.note_lines, *([fonts.printable(label)] if pages > 1 else [])]
                if not lines:
                    continue
                self.page = number
                self.current_font_is_set_on_page = False  # emit Tf on this page's stream
                self.set_y(-(10 + len(lines) * line_height(size)))
                with self.local_context(text_color=MUTED):
                    self.set_font(self.cjk_family, size=size)
                    for line in lines:
                        self.cell(self.epw, line_height(size), line, align=Align.C,
                                  new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        finally:
            self.in_footer = False
            self.page = last

    @contextmanager
    def fake_bold(self, size_pt: float, color: tuple[int, int, int]) -> Iterator[None]:
        """Synthetic bold: stroke the glyph outlines in the text colour (no bold face exists)."""
        with self.local_context(text_mode=TextMode.FILL_STROKE, line_width=size_pt * 0.02 * PT,
                                draw_color=color, text_color=color):
            yield

    def draw_row(self, row: Row, top: float) -> None:
        x = self.l_margin + row.indent
        if row.align != "left":
            spare = row.width - self.width_of(row.text, row.size)
            x += spare if row.align == "right" else spare / 2
        baseline = top + 0.5 * row.height + 0.3 * row.size * PT
        if row.bullet:  # a drawn dot: the font's "•" is tiny, and would pollute copied text
            with self.local_context(fill_color=TEXT):
                self.circle(self.l_margin + 2.5, top + row.height / 2, 0.55, style="F")
        if not row.text:
            return
        self.set_font(self.cjk_family, size=row.size)
        if row.style == "text":
            self.text(x, baseline, row.text)
            return
        with self.fake_bold(row.size, ACCENT if row.style == "heading" else TEXT):
            self.text(x, baseline, row.text)


def render_pdf(doc: LetterDocument) -> bytes:
    """Render ``doc`` to PDF bytes; the same document always gives the same bytes."""
    try:
        pdf = _LetterPDF(doc)
        pdf.set_title(doc.title)
        pdf.set_lang(doc.language)
        if CREATOR:
            pdf.set_creator(CREATOR)
        pdf.set_creation_date(doc.created)
        pdf.set_text_color(*TEXT)
        rows = letter_rows(_printable(doc), pdf.wrap_for, pdf.epw)
        for page in paginate(rows, pdf.t_margin, pdf.page_break_trigger):
            pdf.add_page()
            for row, top in page:
                pdf.draw_row(row, top)
        if doc.annex is not None and doc.annex.printed:
            _annex(pdf, doc.annex)
        pdf.draw_footers()
        return bytes(pdf.output(output_producer_class=CJKFontProducer))
    finally:
        fonts.release()


def _printable(doc: LetterDocument) -> LetterDocument:
    """The document with characters the font lacks replaced (see fonts.printable)."""
    def blocks(items: tuple[TextBlock, ...]) -> tuple[TextBlock, ...]:
        return tuple(TextBlock(tuple(fonts.printable(line) for line in block.lines),
                               block.align, block.space_before) for block in items)

    return LetterDocument(
        title=fonts.printable(doc.title), language=doc.language,
        body=fonts.printable(doc.body), date_text=fonts.printable(doc.date_text),
        head=blocks(doc.head), front=blocks(doc.front), closing=blocks(doc.closing),
        page_size=doc.page_size, page_label=doc.page_label)


def _annex(pdf: _LetterPDF, annex: AnnexTable) -> None:
    pdf.add_page()
    title = pdf.wrap_for(fonts.printable(annex.title), 13.0, pdf.epw)
    for line in title:
        pdf.draw_row(Row(line, 13.0, line_height(13.0), width=pdf.epw, style="heading"),
                     pdf.get_y())
        pdf.set_y(pdf.get_y() + line_height(13.0))
    pdf.ln(2)
    style = TableStyle(
        family=pdf.cjk_family, size_pt=ANNEX_PT, line_height=line_height(ANNEX_PT) * 0.85,
        text_color=TEXT, header_color=ACCENT, header_fill=(228, 233, 241),
        rule_color=(150, 150, 150),
    )
    printable = AnnexTable(
        title=annex.title,
        columns=tuple(fonts.printable(cell) for cell in annex.columns),
        rows=tuple(tuple(fonts.printable(cell) for cell in row) for row in annex.rows),
        column_widths=annex.column_widths,
    )
    draw_table(pdf, printable, style, lambda text, width: pdf.wrap_for(text, ANNEX_PT, width))
