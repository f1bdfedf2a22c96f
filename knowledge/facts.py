"""One fact model: every figure a document states, as a row with subject, metric, period, value
and provenance. Built at ingest from the extracted records and from the figures of prose.

Metrics are the record metrics (avance, avance_pei, logro_esperado, valor_obtenido, nivel, ...)
plus ``meta`` (a plan's target for a year), ``linea_base`` and ``cifra`` (a number in a sentence,
with the noun phrase it counts in ``noun``).
"""

from __future__ import annotations

from typing import Any

from .document import Document
from .extract.prose_figures import content_stems, extract_prose_figures
from .extract.table_cells import table_cells
from .records import Records

FACT_COLUMNS: dict[str, type] = {
    "plan": str, "period": str, "subject": str, "indicator_code": str, "indicator_name": str,
    "metric": str, "year": int, "value": float, "raw": str, "unit": str, "role": str, "noun": str, "lead": str, "context": str,
    "sentence": str, "stems": str, "file": str, "line_start": int, "line_end": int, "locator": str,
}
# Lookups the answers make; each must be served by an index, never by a scan of the facts.
FACT_INDEXES = (("subject", "metric"), ("metric", "period"), ("plan", "metric"), ("indicator_code",))


def _year_of(period: str | None) -> int | None:
    return int(period[:4]) if period and period[:4].isdigit() else None


def record_facts(records: Records) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    for m in records.get("measurements", []):
        out.append({
            "plan": m.get("plan"), "period": m.get("period"), "subject": m.get("owner"),
            "indicator_code": m.get("indicator_code"), "indicator_name": m.get("indicator_name"),
            "metric": m.get("metric"), "year": m.get("year") or _year_of(m.get("period")),
            "value": m.get("value"), "raw": m.get("raw"), "role": "valor",
            **_provenance(m)})
    for t in records.get("targets", []):
        out.append({
            "plan": t.get("plan"), "subject": t.get("owner"), "indicator_code": t.get("indicator_code"),
            "indicator_name": t.get("indicator_name"), "metric": "meta", "year": t.get("year"),
            "value": t.get("value"), "raw": t.get("raw"), "role": "meta", **_provenance(t)})
    for i in records.get("indicators", []):
        if i.get("baseline_value") is None and not i.get("baseline_raw"):
            continue
        where = {"file": i.get("file"), "line_start": i.get("baseline_line_start") or i.get("line_start"),
                 "line_end": i.get("baseline_line_end") or i.get("line_end"),
                 "locator": i.get("baseline_locator") or i.get("locator")}
        out.append({
            "plan": i.get("plan"), "subject": i.get("owner"), "indicator_code": i.get("code"),
            "indicator_name": i.get("name"), "metric": "linea_base", "year": i.get("baseline_year"),
            "value": i.get("baseline_value"), "raw": i.get("baseline_raw"), "role": "valor", **where})
    return out


def prose_facts(doc: Document, passages: list[Any]) -> list[dict[str, Any]]:
    out = []
    for f in extract_prose_figures(doc.file, doc.lines, passages, doc.plan, doc.period):
        out.append({**f, "year": _year_of(doc.period),
                    "stems": " ".join(dict.fromkeys(content_stems(f["sentence"]))) if f["metric"] == "cifra" else None})
    return out


def cell_facts(doc: Document, tables: list[Any]) -> list[dict[str, Any]]:
    out = []
    for t in tables:
        for f in table_cells(doc.file, t, doc.plan, doc.period):
            out.append({**f, "year": _year_of(doc.period),
                        "stems": " ".join(dict.fromkeys(content_stems(f"{f['locator']} {f['noun']}")))})
    return out


def document_facts(doc: Document, records: Records, passages: list[Any], tables: list[Any] = ()) -> list[dict[str, Any]]:
    rows = record_facts(records) + prose_facts(doc, passages) + cell_facts(doc, list(tables))
    for r in rows:
        r.setdefault("file", doc.file)
        if r.get("file") is None:
            r["file"] = doc.file
    return [{k: r.get(k) for k in FACT_COLUMNS} for r in rows]


def _provenance(row: dict[str, Any]) -> dict[str, Any]:
    return {"file": row.get("file"), "line_start": row.get("line_start"), "line_end": row.get("line_end"),
            "locator": row.get("locator")}
