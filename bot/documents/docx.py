"""Render a LetterDocument to an editable Word file with python-docx.

Same content and paper (A4 or US Letter) as the PDF, but built from real Word
structures so the user can edit it: Title/Heading 1/List Bullet styles, the
address, date and signature blocks as paragraphs (the signature kept on the
page of the body's last paragraph with "keep with next"), blanks ("________")
as ordinary text to type over, the annex as a Word table whose header row
repeats on each page, and PAGE/NUMPAGES fields in the footer. The font is named, not
embedded: Noto Sans for Latin text and Noto Sans CJK SC for Chinese; Word
substitutes a similar font where they are not installed.
"""

from __future__ import annotations

import functools
import string
from datetime import UTC
from io import BytesIO
from xml.sax.saxutils import escape

from docx import Document
from docx.document import Document as WordDocument
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement, parse_xml
from docx.oxml.ns import nsdecls, qn
from docx.shared import Emu, Length, Mm, Pt, RGBColor
from docx.styles.style import BaseStyle
from docx.text.paragraph import Paragraph as WordParagraph

from .markup import BulletList, Heading, Paragraph, normalise, parse_body
from .model import CREATOR, PAGE_SIZES, AnnexTable, LetterDocument, TextBlock

MARGINS = {"A4": Mm(20), "Letter": Mm(25.4)}  # as the PDF: 1 inch on US Letter
END_COLUMN = 0.55  # "end" blocks (the signature) start at this fraction of the text width
LINE_PT = 11 * 1.3
LATIN_FONT = "Noto Sans"
EAST_ASIAN_FONT = "Noto Sans CJK SC"  # the family the PDF embeds
ACCENT = RGBColor(0x1F, 0x3A, 0x5F)
HEADER_FILL = "E4E9F1"
ANNEX_CELL_STYLE = "Annex Cell"
_FIELDS = {"page": "PAGE", "pages": "NUMPAGES"}
_THEME_FONT_ATTRS = ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme")


def render_docx(doc: LetterDocument) -> bytes:
    """Render ``doc`` to .docx bytes."""
    document = Document(BytesIO(_template(doc.language, doc.page_size)))
    width = _text_width(doc.page_size)
    _properties(document, doc)
    for block in doc.head:
        _text_block(document, block, width)
    if doc.date_text.strip() and not doc.head:
        date = document.add_paragraph(_xml_safe(doc.date_text))
        date.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    _styled(document, _xml_safe(doc.title), "Title")
    for block in doc.front:
        _text_block(document, block, width)
    body: list[WordParagraph] = []
    for part in parse_body(_xml_safe(doc.body)):
        if isinstance(part, Heading):
            body.append(_styled(document, part.text, "Heading1"))
        elif isinstance(part, Paragraph):
            body.append(document.add_paragraph("\n".join(part.lines)))  # "\n": a line break
        elif isinstance(part, BulletList):
            body += [_styled(document, item, "ListBullet") for item in part.items]
    closing = [_text_block(document, block, width) for block in doc.closing]
    if closing:  # the signature never starts a page alone: it comes with the closing words
        for paragraph in [*body[-2:], *closing[:-1]]:  # ("Sincerely,") and the text before
            paragraph.paragraph_format.keep_with_next = True
    if doc.annex is not None and doc.annex.printed:
        _annex(document, doc.annex, width)
    _footer(document, doc)
    out = BytesIO()
    document.save(out)
    return out.getvalue()


def _styled(document: WordDocument, text: str, style_id: str) -> WordParagraph:
    """A paragraph of a style given by its id (python-docx's style= looks the style up and
    then scans every style for the default one: ~5 ms a paragraph)."""
    paragraph = document.add_paragraph(text)
    paragraph._p.style = style_id  # noqa: SLF001 - sets w:pPr/w:pStyle
    return paragraph


def _text_block(document: WordDocument, block: TextBlock, width: int) -> WordParagraph:
    """One paragraph, its lines joined by line breaks, never split across pages."""
    paragraph = document.add_paragraph(_xml_safe("\n".join(block.lines)))
    fmt = paragraph.paragraph_format
    fmt.keep_together = True
    fmt.space_after = Pt(0)
    fmt.space_before = Pt(round(block.space_before * LINE_PT, 1))
    if block.align == "end":
        fmt.left_indent = Length(int(width * END_COLUMN))
    else:
        paragraph.alignment = {"left": WD_ALIGN_PARAGRAPH.LEFT, "right": WD_ALIGN_PARAGRAPH.RIGHT,
                               "center": WD_ALIGN_PARAGRAPH.CENTER}[block.align]
    return paragraph


def _xml_safe(text: str) -> str:
    """Drop characters XML (and so Word) cannot store: controls, surrogates, U+FFFE/F."""
    return "".join(
        ch for ch in normalise(text)
        if ch == "\n" or (ch >= " " and ch != "\x7f" and not "\ud800" <= ch <= "\udfff"
                          and ch not in "\ufffe\uffff")
    )


@functools.lru_cache(maxsize=8)
def _template(language: str, page_size: str) -> bytes:
    """An empty document with our paper and styles, built once per language and paper:
    setting up styles walks python-docx's whole styles part, half of a letter's time."""
    document = Document()
    _page_setup(document, page_size)
    _styles(document, language)
    out = BytesIO()
    document.save(out)
    return out.getvalue()


def _text_width(page_size: str) -> int:
    return int(Mm(PAGE_SIZES[page_size][0]) - 2 * MARGINS.get(page_size, Mm(20)))


def _page_setup(document: WordDocument, page_size: str) -> int:
    """The paper and margins; returns the text width (EMU)."""
    section = document.sections[0]
    width, height = PAGE_SIZES[page_size]
    margin = MARGINS.get(page_size, Mm(20))
    section.page_width, section.page_height = Mm(width), Mm(height)
    section.left_margin = section.right_margin = margin
    section.top_margin = section.bottom_margin = margin
    section.footer_distance = Mm(10)
    return int(Mm(width) - 2 * margin)


def _word_lang(language: str) -> tuple[str, str]:
    """(Latin, East Asian) language ids for w:lang, so Word proofs the right language."""
    tag = language.replace("_", "-")
    lower = tag.lower()
    if lower.startswith("zh"):
        traditional = any(part in lower for part in ("hant", "-tw", "-hk", "-mo"))
        return "en-US", "zh-TW" if traditional else "zh-CN"
    return tag, "zh-CN"


def _set_fonts(style: BaseStyle) -> None:
    """Name our fonts explicitly; theme font attributes would otherwise win in Word."""
    rpr = style.element.get_or_add_rPr()
    fonts = rpr.get_or_add_rFonts()
    for attr in _THEME_FONT_ATTRS:
        fonts.attrib.pop(qn(attr), None)
    fonts.set(qn("w:ascii"), LATIN_FONT)
    fonts.set(qn("w:hAnsi"), LATIN_FONT)
    fonts.set(qn("w:eastAsia"), EAST_ASIAN_FONT)


def _styles(document: WordDocument, language: str) -> None:
    styles = document.styles
    normal = styles["Normal"]
    _set_fonts(normal)
    normal.font.size = Pt(11)
    normal.paragraph_format.space_after = Pt(6)
    normal.paragraph_format.line_spacing = 1.3
    lang = OxmlElement("w:lang")
    latin, east_asian = _word_lang(language)
    lang.set(qn("w:val"), latin)
    lang.set(qn("w:eastAsia"), east_asian)
    normal.element.get_or_add_rPr().append(lang)

    title = styles["Title"]
    _set_fonts(title)
    title.font.size, title.font.bold = Pt(17), True
    title.font.color.rgb = RGBColor(0x19, 0x19, 0x19)
    title.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.CENTER
    title.paragraph_format.space_after = Pt(12)
    # The template draws a blue rule under titles; a complaint letter looks plainer.
    ppr = title.element.pPr
    if ppr is not None and ppr.find(qn("w:pBdr")) is not None:
        ppr.remove(ppr.find(qn("w:pBdr")))

    heading = styles["Heading 1"]
    _set_fonts(heading)
    heading.font.size, heading.font.bold = Pt(13), True
    heading.font.color.rgb = ACCENT
    heading.paragraph_format.space_before = Pt(10)
    heading.paragraph_format.space_after = Pt(4)

    bullet = styles["List Bullet"]
    _set_fonts(bullet)
    bullet.paragraph_format.space_after = Pt(2)

    cell = styles.add_style(ANNEX_CELL_STYLE, WD_STYLE_TYPE.PARAGRAPH)
    cell.base_style = normal
    cell.font.size = Pt(9.5)
    cell.paragraph_format.space_after = Pt(0)
    cell.paragraph_format.line_spacing = 1.1


def _properties(document: WordDocument, doc: LetterDocument) -> None:
    props = document.core_properties
    created = doc.created.astimezone(UTC).replace(tzinfo=None)  # stored as "...Z"
    props.title = doc.title
    props.language = doc.language
    props.author = props.last_modified_by = CREATOR
    props.comments = doc.footer_note  # replaces "generated by python-docx"
    props.subject = props.keywords = props.category = ""
    props.created = props.modified = created
    props.revision = 1


def _annex(document: WordDocument, annex: AnnexTable, usable: int) -> None:
    heading = _styled(document, _xml_safe(annex.title), "Heading1")
    heading.paragraph_format.page_break_before = True
    weights = annex.column_widths or (1.0,) * len(annex.columns)
    widths = [int(usable * w / sum(weights)) for w in weights]
    table = document.add_table(rows=0, cols=len(widths))
    table.style = document.styles["Table Grid"]
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False
    for column, width in zip(table.columns, widths, strict=True):
        column.width = width
    # Rows are built as one XML string and parsed once: python-docx's
    # add_row() and cell API cost ~1 ms per row.
    cell_style = document.styles[ANNEX_CELL_STYLE].style_id
    twips = [Emu(width).twips for width in widths]
    rows = [_row_xml(annex.columns, twips, cell_style, header=True)]
    rows += [_row_xml(row, twips, cell_style, header=False) for row in annex.rows]
    holder = parse_xml(f"<w:tbl {nsdecls('w')}>{''.join(rows)}</w:tbl>")
    for row in list(holder):
        table._tbl.append(row)


def _row_xml(cells: tuple[str, ...], twips: list[int], style_id: str, *, header: bool) -> str:
    """One table row; the header row repeats on each page, other rows never split."""
    row_props = "<w:tblHeader/>" if header else "<w:cantSplit/>"
    shading = f'<w:shd w:val="clear" w:color="auto" w:fill="{HEADER_FILL}"/>' if header else ""
    run_props = f'<w:rPr><w:b/><w:color w:val="{ACCENT}"/></w:rPr>' if header else ""
    out = [f"<w:tr><w:trPr>{row_props}</w:trPr>"]
    for text, width in zip(cells, twips, strict=True):
        runs = "<w:br/>".join(
            f'<w:t xml:space="preserve">{escape(line)}</w:t>'
            for line in _xml_safe(text).split("\n")
        )
        out.append(
            f'<w:tc><w:tcPr><w:tcW w:w="{width}" w:type="dxa"/>{shading}</w:tcPr>'
            f'<w:p><w:pPr><w:pStyle w:val="{style_id}"/></w:pPr>'
            f"<w:r>{run_props}{runs}</w:r></w:p></w:tc>"
        )
    out.append("</w:tr>")
    return "".join(out)


def _footer(document: WordDocument, doc: LetterDocument) -> None:
    footer = document.sections[0].footer
    note = footer.paragraphs[0]
    if doc.footer_note:
        note.add_run(_xml_safe(doc.footer_note))
    label = footer.add_paragraph() if doc.footer_note else note
    for paragraph in (note, label):
        paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
        paragraph.paragraph_format.space_after = Pt(0)
        for run in paragraph.runs:
            run.font.size = Pt(8.5)
    for literal, field, _spec, _conversion in string.Formatter().parse(doc.page_label):
        if literal:
            label.add_run(_xml_safe(literal)).font.size = Pt(8.5)
        if field is not None:
            _add_field(label, _FIELDS[field])


def _add_field(paragraph: WordParagraph, instruction: str) -> None:
    """A simple field (PAGE, NUMPAGES) that Word and LibreOffice update when showing the page."""
    field = OxmlElement("w:fldSimple")
    field.set(qn("w:instr"), f" {instruction} ")
    run = OxmlElement("w:r")
    rpr = OxmlElement("w:rPr")
    size = OxmlElement("w:sz")
    size.set(qn("w:val"), "17")  # half-points: 8.5 pt
    rpr.append(size)
    text = OxmlElement("w:t")
    text.text = "1"
    run.append(rpr)
    run.append(text)
    field.append(run)
    paragraph._p.append(field)
