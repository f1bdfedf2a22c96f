"""PDF originals: read with pypdfium2 into the same lines as the text versions, with pages."""

from .reader import PdfText, PdfUnreadable, read_pdf

__all__ = ["PdfText", "PdfUnreadable", "read_pdf"]
