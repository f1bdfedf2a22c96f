"""Which reader a corpus file needs, decided by its content (a PDF starts with ``%PDF-``)."""

from __future__ import annotations

import hashlib
from collections import OrderedDict
from pathlib import Path

from .document import Document, UnreadableDocument, identify, read_document
from .pdf import PdfText, PdfUnreadable, read_pdf

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


_CACHE: OrderedDict[str, PdfText] = OrderedDict()
CACHE_SIZE = 8  # a web upload is read for its preview, then again by the rebuild: read it once


def pdf_document(name: str, data: bytes) -> Document:
    digest = hashlib.sha256(data).hexdigest()
    text = _CACHE.get(digest)
    if text is None:
        try:
            text = read_pdf(data)
        except PdfUnreadable as exc:
            raise UnreadableDocument(f"{name}: {exc}") from None
        _CACHE[digest] = text
        while len(_CACHE) > CACHE_SIZE:
            _CACHE.popitem(last=False)
    doc = Document(file=name, lines=list(text.lines), pages=list(text.pages))
    identify(doc)
    return doc
