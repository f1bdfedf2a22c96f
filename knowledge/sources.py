"""Which reader a corpus file needs, decided by its content (a PDF starts with ``%PDF-``)."""

from __future__ import annotations

from pathlib import Path

from .document import Document, UnreadableDocument, identify, read_document
from .pdf import PdfUnreadable, read_pdf

SUFFIXES = (".txt", ".md", ".pdf")
PDF_MAGIC = b"%PDF-"


def is_pdf(data: bytes) -> bool:
    return data[:1024].lstrip()[:5] == PDF_MAGIC


def read_source(path: Path) -> Document:
    """A corpus file as a Document: text files as today, PDFs through knowledge.pdf."""
    with path.open("rb") as fh:
        head = fh.read(1024)
    if not is_pdf(head):
        if path.suffix.lower() == ".pdf":
            raise UnreadableDocument(f"{path.name}: tiene extensión .pdf pero su contenido no es un PDF")
        return read_document(path)
    return pdf_document(path.name, path.read_bytes())


def pdf_document(name: str, data: bytes) -> Document:
    try:
        text = read_pdf(data)
    except PdfUnreadable as exc:
        raise UnreadableDocument(f"{name}: {exc}") from None
    doc = Document(file=name, lines=text.lines, pages=text.pages)
    identify(doc)
    return doc
