"""Render a LetterDocument to an A4 PDF with fpdf2 and the embedded, subset CJK font.

Layout: date top right, centred title, body (headings, paragraphs, bullets),
then the evidence annex on a new page as a table whose header row repeats on
every page. Each page's footer carries the footer note and the page label
("page X of Y"), drawn once layout is done and the page count known, so the
layout runs once. The font is embedded by bot/documents/font_embed.py.
Text is wrapped by bot/documents/linebreak.py so that Chinese breaks between
ideographs and long URLs or blanks never run past the margin.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from fpdf import FPDF
from fpdf.enums import Align, TextMode, WrapMode, XPos, YPos
from fpdf.fonts import TTFFont

from . import fonts
from .font_embed import CJKFontProducer
from .linebreak import wrap_text
from .markup import BulletList, Heading, Paragraph, parse_body
from .model import CREATOR, AnnexTable, LetterDocument
from .pdf_table import TableStyle, draw_table

MARGIN = 20.0  # mm, left/right/top
BODY_PT = 11.0
HEADING_PT = 13.0
TITLE_PT = 17.0
SMALL_PT = 8.5
ANNEX_PT = 9.5
LINE_FACTOR = 1.55  # line height / font size: CJK needs more air than Latin
PT = 25.4 / 72  # mm per point
BULLET_INDENT = 6.0
TEXT = (25, 25, 25)
ACCENT = (31, 58, 95)  # headings: the font has no bold, so colour and size carry them
MUTED = (110, 110, 110)


class _LetterPDF(FPDF):
    """FPDF whose page footers ("page X of Y") are drawn once the page count is known."""

    def __init__(self, doc: LetterDocument) -> None:
        super().__init__(orientation="portrait", unit="mm", format="A4")
        self.letter = doc
        self.cjk_family = fonts.register_font(self)
        self.set_margins(MARGIN, MARGIN, MARGIN)
        self.c_margin = 0  # our own wrapping already keeps text inside the margins
        # We print the known page count instead: fpdf2's "{nb}" alias reserves
        # three digits' width, leaving gaps in a centred label, and would also
        # replace "{nb}" typed by a user.
        self.alias_nb_pages(None)  # type: ignore[arg-type]
        self.note_lines = self.wrap_for(fonts.printable(doc.footer_note), SMALL_PT, self.epw)
        footer_height = len(self.note_lines) * self.line_height_for(SMALL_PT)
        self.set_auto_page_break(True, margin=14 + footer_height)

    @staticmethod
    def line_height_for(size_pt: float) -> float:
        return size_pt * PT * LINE_FACTOR

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
        return wrap_text(text, lambda char: advances[ord(char)] * scale, width - 0.05)

    def footer(self) -> None:
        """fpdf2's per-page hook: nothing yet, see draw_footers()."""

    def draw_footers(self) -> None:
        """Go back to every page and draw its footer, now that the page count is known.

        One layout pass instead of two. Each footer sits in its own q/Q block
        and sets its own font and colour, since the page's last graphics
        state is not the one fpdf2 tracks (that is the last page's). The
        auto page break area already reserves the footer's height.
        """
        size, pages, last = SMALL_PT, self.pages_count, self.page
        self.in_footer = True  # as fpdf2 does for footers: never break a page here
        try:
            for number in range(1, pages + 1):
                self.page = number
                self.current_font_is_set_on_page = False  # emit Tf on this page's stream
                label = self.letter.page_label.format(page=number, pages=pages)
                lines = [*self.note_lines, fonts.printable(label)]
                self.set_y(-(10 + len(lines) * self.line_height_for(size)))
                with self.local_context(text_color=MUTED):
                    self.set_font(self.cjk_family, size=size)
                    for line in lines:
                        self.cell(self.epw, self.line_height_for(size), line, align=Align.C,
                                  new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        finally:
            self.in_footer = False
            self.page = last

    def text_block(self, text: str, size_pt: float, *, indent: float = 0.0,
                   align: Align = Align.L) -> None:
        """Wrapped text starting at the left margin + ``indent``."""
        width = self.epw - indent
        lines = self.wrap_for(text, size_pt, width)
        self.set_font(self.cjk_family, size=size_pt)
        self.set_x(self.l_margin + indent)
        self.multi_cell(width, self.line_height_for(size_pt), "\n".join(lines), align=align,
                        wrapmode=WrapMode.CHAR, new_x=XPos.LMARGIN, new_y=YPos.NEXT)

    @contextmanager
    def fake_bold(self, size_pt: float, color: tuple[int, int, int]) -> Iterator[None]:
        """Synthetic bold: stroke the glyph outlines in the text colour (no bold face exists)."""
        with self.local_context(text_mode=TextMode.FILL_STROKE, line_width=size_pt * 0.02 * PT,
                                draw_color=color, text_color=color):
            yield


def render_pdf(doc: LetterDocument) -> bytes:
    """Render ``doc`` to PDF bytes; the same document always gives the same bytes."""
    try:
        pdf = _LetterPDF(doc)
        pdf.set_title(doc.title)
        pdf.set_lang(doc.language)
        pdf.set_creator(CREATOR)
        pdf.set_creation_date(doc.created)
        pdf.set_text_color(*TEXT)
        pdf.add_page()
        _letterhead(pdf, doc)
        _body(pdf, doc)
        if doc.annex is not None and doc.annex.printed:
            _annex(pdf, doc.annex)
        pdf.draw_footers()
        return bytes(pdf.output(output_producer_class=CJKFontProducer))
    finally:
        fonts.release()


def _letterhead(pdf: _LetterPDF, doc: LetterDocument) -> None:
    if doc.date_text.strip():
        pdf.text_block(fonts.printable(doc.date_text), BODY_PT, align=Align.R)
        pdf.ln(2)
    with pdf.fake_bold(TITLE_PT, TEXT):
        pdf.text_block(fonts.printable(doc.title), TITLE_PT, align=Align.C)
    pdf.ln(4)


def _body(pdf: _LetterPDF, doc: LetterDocument) -> None:
    line = pdf.line_height_for(BODY_PT)
    for block in parse_body(fonts.printable(doc.body)):
        if isinstance(block, Heading):
            _heading(pdf, block.text)
        elif isinstance(block, Paragraph):
            pdf.text_block("\n".join(block.lines), BODY_PT)
            pdf.ln(line * 0.45)
        elif isinstance(block, BulletList):
            for item in block.items:
                if pdf.will_page_break(line):
                    pdf.add_page()
                # A drawn dot: the font's "•" is tiny, and it would pollute copied text.
                with pdf.local_context(fill_color=TEXT):
                    pdf.circle(pdf.l_margin + 2.5, pdf.get_y() + line / 2, 0.55, style="F")
                pdf.text_block(item, BODY_PT, indent=BULLET_INDENT)
            pdf.ln(line * 0.45)


def _heading(pdf: _LetterPDF, text: str) -> None:
    """A heading never ends a page: it moves down with the two lines that follow it."""
    lines = pdf.wrap_for(text, HEADING_PT, pdf.epw)
    needed = len(lines) * pdf.line_height_for(HEADING_PT) + 2 * pdf.line_height_for(BODY_PT) + 3
    if pdf.get_y() > pdf.t_margin + 1 and pdf.will_page_break(needed):
        pdf.add_page()
    elif pdf.get_y() > pdf.t_margin + 1:
        pdf.ln(2)
    with pdf.fake_bold(HEADING_PT, ACCENT):
        pdf.text_block(text, HEADING_PT)
    pdf.ln(1)


def _annex(pdf: _LetterPDF, annex: AnnexTable) -> None:
    pdf.add_page()
    _heading(pdf, fonts.printable(annex.title))
    pdf.ln(1)
    style = TableStyle(
        family=pdf.cjk_family, size_pt=ANNEX_PT, line_height=pdf.line_height_for(ANNEX_PT) * 0.85,
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
