"""Reading corpus files and identifying each document from its content (never its name)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from .text import clean, fold

MONTHS = ["enero", "febrero", "marzo", "abril", "mayo", "junio", "julio", "agosto", "septiembre", "setiembre", "octubre", "noviembre", "diciembre"]


# The kinds of document the identification recognises; extractors and the assistant test these.
KIND_SEMESTRAL = "informe de evaluación semestral"
KIND_ANNUAL = "informe de evaluación anual"
EVALUATION_KINDS = (KIND_SEMESTRAL, KIND_ANNUAL)
KIND_PEI = "plan estratégico institucional"
KIND_PESEM_REPORT = "reporte de seguimiento del PESEM"
KIND_SECTOR_PLAN = "plan estratégico sectorial"


def is_evaluation(kind: str | None) -> bool:
    return kind in EVALUATION_KINDS


class UnreadableDocument(Exception):
    """A corpus file that cannot be ingested; the message is for the user, in Spanish."""


@dataclass
class Document:
    file: str
    lines: list[str]  # raw lines; line n of the file is lines[n - 1]
    kind: str = "desconocido"
    plan: str | None = None
    period: str | None = None
    title: str = ""
    date: str | None = None
    extra: dict = field(default_factory=dict)
    pages: list[int] = field(default_factory=list)  # page of each line, for documents read from a PDF

    def page(self, number: int) -> int | None:
        return self.pages[number - 1] if self.pages and 0 < number <= len(self.pages) else None

    def line(self, number: int) -> str:
        return self.lines[number - 1]

    @property
    def text(self) -> str:
        return "\n".join(self.lines)


def read_document(path: Path) -> Document:
    data = path.read_bytes()
    if not data.strip():
        raise UnreadableDocument(f"{path.name}: el archivo está vacío")
    if b"\x00" in data[:4096]:
        raise UnreadableDocument(f"{path.name}: parece un archivo binario, no texto")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise UnreadableDocument(
            f"{path.name}: no está codificado en UTF-8 (byte inválido en la posición {exc.start})"
        ) from None
    doc = Document(file=path.name, lines=text.lstrip("\ufeff").splitlines())
    identify(doc)
    return doc


def _head(doc: Document, n: int = 60) -> list[str]:
    return [clean(line) for line in doc.lines[:n] if clean(line)]


_SPAN = r"((?:19|20)\d\d)\s*[-–—]\s*((?:19|20)\d\d)"


def _find_pei_span(text: str) -> tuple[str, bool] | None:
    """The PEI horizon a text talks about, and whether it is the 'ampliado' version."""
    m = re.search(r"plan estrat[eé]gico institucional[^.\n]{0,60}?" + _SPAN + r"(\s*ampliado)?", text, re.I)
    if m:
        ampliado = bool(m.group(3)) or "ampliad" in m.group(0).lower()
        return f"{m.group(1)}-{m.group(2)}", ampliado
    return None


def identify(doc: Document) -> None:
    """Kind, plan, period, title and date, read from the first page and the body."""
    head = _head(doc)
    head_text = "\n".join(head)
    folded = fold(head_text)
    body = doc.text
    date = None
    for line in head:
        m = re.fullmatch(r"(" + "|".join(MONTHS) + r")\s*,?\s*(?:de\s+)?((?:19|20)\d\d)", fold(line))
        if m:
            date = f"{m.group(1).capitalize()} {m.group(2)}"
    doc.date = date

    if "informe de evaluacion" in folded:
        m = re.search(r"(primer|segundo)\s+semestre\s+del\s+a[nñ]o\s+((?:19|20)\d\d)", folded)
        year = re.search(r"a[nñ]o\s+((?:19|20)\d\d)", folded)
        if m:
            doc.kind = KIND_SEMESTRAL
            doc.period = f"{m.group(2)}-S{1 if m.group(1) == 'primer' else 2}"
        else:
            doc.kind = KIND_ANNUAL
            doc.period = year.group(1) if year else None
        span = _find_pei_span(body)
        if span:
            doc.plan = f"PEI {span[0]}" + (" ampliado" if span[1] else "")
        title_lines = [ln for ln in head if fold(ln).startswith(("informe de evaluacion", "correspondiente"))]
        doc.title = " ".join(title_lines[:2])
    elif fold(KIND_PESEM_REPORT) in folded:
        doc.kind = KIND_PESEM_REPORT
        m = re.search(r"pesem\s+" + _SPAN, folded)
        doc.plan = f"PESEM {m.group(1)}-{m.group(2)}" if m else "PESEM"
        year = re.search(r"^a[nñ]o\s+((?:19|20)\d\d)$", folded, re.M)
        doc.period = year.group(1) if year else None
        sector = next((ln for ln in head if fold(ln).startswith("sector ")), "")
        doc.title = " ".join(x for x in (f"Reporte de seguimiento del {doc.plan}",
                                          f"año {doc.period}" if doc.period else "", sector) if x)
    elif fold(KIND_PEI) in folded:
        doc.kind = KIND_PEI
        m = re.search(_SPAN, head_text)
        doc.plan = f"PEI {m.group(1)}-{m.group(2)}" if m else "PEI"
        doc.period = f"{m.group(1)}-{m.group(2)}" if m else None
        doc.title = f"Plan Estratégico Institucional {doc.period or ''}".strip()
    elif re.search(r"objetivo\s+estrat[eé]gico\s+general", fold(body)):
        # The early sector plan never states its own name or period: say only what it is.
        doc.kind = KIND_SECTOR_PLAN
        doc.plan = "Plan estratégico sectorial (sin período en el texto)"
        doc.title = "Plan estratégico del sector (el texto no indica título ni período)"
    else:
        doc.title = head[0] if head else doc.file
    if not doc.title:
        doc.title = doc.file


def iter_corpus(corpus: Path) -> list[Path]:
    return sorted(p for p in corpus.rglob("*") if p.is_file() and p.suffix.lower() in (".txt", ".md", ".pdf"))
