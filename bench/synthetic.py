"""Synthetic corpora for the growth benchmark: the real documents plus copies of the two 2024
evaluation reports with their year changed, so each copy identifies from its own text as an older,
distinct report (a semestral copy is «primer semestre del año Y», an annual one «año Y»).

The copies are generated into a temporary folder and never committed.
"""

from __future__ import annotations

import re
import shutil
from collections.abc import Iterator
from pathlib import Path

from knowledge.document import EVALUATION_KINDS, read_document

REPORT_YEAR = 2024  # the year the real reports evaluate, checked against their identification


def report_sources(corpus: Path) -> list[Path]:
    """The corpus's evaluation reports of ``REPORT_YEAR``, identified from their content."""
    found = []
    for path in sorted(corpus.glob("*.txt")):
        doc = read_document(path)
        if doc.kind in EVALUATION_KINDS and (doc.period or "").startswith(str(REPORT_YEAR)):
            found.append(path)
    if not found:
        raise SystemExit(f"el corpus {corpus} no tiene informes de evaluación de {REPORT_YEAR}")
    return found


def copy_with_year(source: Path, year: int) -> str:
    return re.sub(rf"\b{REPORT_YEAR}\b", str(year), source.read_text(encoding="utf-8"))


def _copies(sources: list[Path]) -> Iterator[tuple[int, Path]]:
    """(year, source) pairs, newest first: every source for 2023, then for 2022, ..."""
    year = REPORT_YEAR - 1
    while year >= 1900:
        for source in sources:
            yield year, source
        year -= 1


def copy_name(year: int, source: Path) -> str:
    return f"syn_{year}_{source.stem}.txt"


def build_corpus(corpus: Path, target: Path, size: int) -> list[Path]:
    """Fill ``target`` with the real documents and copies until it holds ``size`` documents."""
    target.mkdir(parents=True, exist_ok=True)
    real = sorted(p for p in corpus.iterdir() if p.is_file() and p.suffix in (".txt", ".md"))
    written = []
    for p in real[:size]:
        shutil.copy(p, target / p.name)
        written.append(target / p.name)
    sources = report_sources(corpus)
    copies = _copies(sources)
    while len(written) < size:
        year, source = next(copies)
        path = target / copy_name(year, source)
        path.write_text(copy_with_year(source, year), encoding="utf-8")
        written.append(path)
    return written


def extra_report(corpus: Path, target: Path, size: int) -> Path:
    """One more report, the next copy after a corpus of ``size`` documents (not yet written)."""
    real = len([p for p in corpus.iterdir() if p.is_file() and p.suffix in (".txt", ".md")])
    copies = _copies(report_sources(corpus))
    for _ in range(max(0, size - real)):
        next(copies)
    year, source = next(copies)
    path = target / copy_name(year, source)
    path.write_text(copy_with_year(source, year), encoding="utf-8")
    return path
