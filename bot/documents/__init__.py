"""Complaint letters as files: a plain model, a PDF and a DOCX renderer, and file names.

Nothing here knows about Telegram, templates or the engine.
"""

from .docx import render_docx
from .filenames import document_filename
from .fonts import FontNotFoundError
from .model import AnnexTable, LetterDocument
from .pdf import render_pdf

__all__ = [
    "AnnexTable",
    "FontNotFoundError",
    "LetterDocument",
    "document_filename",
    "render_docx",
    "render_pdf",
]
