"""Complaint letters as files: a plain model, a PDF and a DOCX renderer, and file names.

Nothing here knows about Telegram, templates or the engine. Call
``prepare_fonts()`` (in a thread) at start-up, or the first PDF of a process
pays for parsing the font (~0.4 s), and the first on a machine for building
the reduced font program (~12 s, see bot/documents/font_base.py).
"""

from .docx import render_docx
from .filenames import document_filename
from .fonts import FontNotFoundError
from .fonts import prepare as prepare_fonts
from .model import PAGE_SIZES, AnnexTable, LetterDocument, TextBlock
from .pdf import render_pdf

__all__ = [
    "AnnexTable",
    "FontNotFoundError",
    "LetterDocument",
    "PAGE_SIZES",
    "TextBlock",
    "document_filename",
    "prepare_fonts",
    "render_docx",
    "render_pdf",
]
