"""Structured extraction: one module per document family, each ``extract(doc) -> Records``.

Every extractor looks at ``doc.kind`` and returns empty records for documents it does not handle,
so a new report of a known family is picked up without code changes.
"""

from __future__ import annotations

from importlib import import_module

from ..document import Document
from ..records import Records, empty_records, merge

MODULES = ("evaluation_measures", "evaluation_followup", "claims", "pei", "pesem", "sector_plan")


def extract_all(doc: Document, errors: list[str] | None = None) -> Records:
    """Records of every family module. A module that fails on a document is reported in
    ``errors`` (Spanish) and skipped, so one odd report never stops the whole ingest."""
    records = empty_records()
    for name in MODULES:
        try:
            module = import_module(f"{__name__}.{name}")
        except ModuleNotFoundError as exc:
            if exc.name != f"{__name__}.{name}":
                raise
            continue  # family not implemented yet
        try:
            merge(records, module.extract(doc))
        except Exception as exc:  # noqa: BLE001 - reported to the user, ingest goes on
            if errors is None:
                raise
            errors.append(f"{doc.file}: la extracción «{name}» falló ({type(exc).__name__}: {exc})")
    return records
