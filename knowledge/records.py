"""The schema of the structured records every extractor produces.

An extractor is a function ``extract(doc: Document) -> Records`` where ``Records`` maps a table
name below to a list of row dicts. Every row carries its provenance: ``file``, ``line_start``,
``line_end`` (1-based, inclusive, lines of the original file) and ``locator`` (table caption or
section heading, in the document's words). Values are typed (float for numbers, None for
non-values) and the printed text is kept in ``*_raw`` columns where it matters.
Lists (responsible units, AOI codes) are stored as JSON arrays.
"""

from __future__ import annotations

import json
from typing import Any

Row = dict[str, Any]
Records = dict[str, list[Row]]

PROVENANCE = {"file": str, "line_start": int, "line_end": int, "locator": str}

SCHEMA: dict[str, dict[str, type]] = {
    # Objectives and actions of a plan: OEI/AEI (PEI), OES/AES (PESEM), OEG/OEE (004: general 1.0,
    # specific 1.1). ``code`` is canonical: OEI.01, AEI.01.01, OES.01, AES.01.01, 1.0, 1.1.
    "entities": {
        "plan": str, "kind": str, "code": str, "title": str, "parent": str, "tipo": str,
        "priority": int, "responsible": str, "pgg": str, "source_file": str, "results": str,
        "responsible_direct": str, "responsible_subsidiary": str, "title_variants": str,
        # where the priority / PGG link was read (the ruta estratégica), when not the row's own lines
        "ruta_line_start": int, "ruta_line_end": int, "ruta_locator": str, **PROVENANCE,
    },
    # Indicators with their baseline; ``owner`` is the entity code they measure.
    "indicators": {
        "plan": str, "owner": str, "code": str, "name": str, "sentido": str, "agregacion": str,
        "unit": str, "responsible": str, "baseline_year": int, "baseline_value": float,
        "baseline_raw": str, "formula": str, "fuente": str, "ue": str,
        # where the baseline was read (an annex), when not the row's own lines
        "baseline_line_start": int, "baseline_line_end": int, "baseline_locator": str, **PROVENANCE,
    },
    # Logros esperados (targets) per year of a plan's indicators.
    "targets": {
        "plan": str, "owner": str, "indicator_code": str, "indicator_name": str, "year": int,
        "value": float, "raw": str, **PROVENANCE,
    },
    # Anything measured in a report for a period. ``metric`` is one of: logro_esperado,
    # valor_obtenido, avance, avance_corregido, avance_poi, avance_pei, avance_tipo1,
    # avance_tipo2, nivel, aei_alto, aei_medio, aei_bajo, aei_total ... ``value`` is typed,
    # ``raw`` is the printed text. ``year`` is the year the value belongs to when a table
    # holds several years (003).
    "measurements": {
        "plan": str, "period": str, "owner": str, "indicator_code": str, "indicator_name": str,
        "metric": str, "value": float, "raw": str, "year": int, "sentido": str,
        "agregacion": str, **PROVENANCE,
    },
    # Operational activities (AOI) and their physical progress in a report.
    "activities": {
        "plan": str, "period": str, "owner": str, "aoi": str, "description": str,
        "avance_fisico": float, "raw": str, **PROVENANCE,
    },
    # Actions a report names as critical, with the reason in the report's words.
    "critical_actions": {
        "plan": str, "period": str, "owner": str, "priorizado": int, "reason": str,
        "aois": str, "figures": str, **PROVENANCE,
    },
    # Recommendations: list_kind is "seguimiento" (status of earlier recommendations) or "nueva".
    "recommendations": {
        "period": str, "list_kind": str, "number": int, "aspecto": str, "text": str,
        "accion_clave": str, "medio_verificacion": str, "responsible": str, "plazo_meses": float,
        "plazo_raw": str, "status": str, "status_raw": str, "comment": str,
        # a matrix row whose empty cells were read as merged with the row numbered here
        "cells_from": int, **PROVENANCE,
    },
    # Figures stated in prose ("se atendió a 17 268 ciudadanos") that no table holds.
    "statements": {
        "plan": str, "period": str, "owner": str, "topic": str, "value": float, "raw": str,
        "sentence": str, **PROVENANCE,
    },
}

# CEPLAN's names for the kinds of objectives and actions (vocabulary of the method, used as labels).
KIND_NAMES = {"OEI": "objetivo estratégico institucional", "AEI": "acción estratégica institucional",
              "OES": "objetivo estratégico sectorial", "AES": "acción estratégica sectorial",
              "OEG": "objetivo estratégico general", "OEE": "objetivo específico"}
KIND_PLURALS = {"OEI": "objetivos estratégicos institucionales", "AEI": "acciones estratégicas institucionales",
                "OES": "objetivos estratégicos sectoriales", "AES": "acciones estratégicas sectoriales",
                "OEG": "objetivos estratégicos generales", "OEE": "objetivos específicos"}

STATUSES = ("no iniciado", "en proceso", "ejecutado/culminado", "sin información")


def empty_records() -> Records:
    return {name: [] for name in SCHEMA}


def merge(into: Records, other: Records) -> Records:
    for name, rows in other.items():
        if name not in SCHEMA:
            raise KeyError(f"unknown record table {name!r}")
        into.setdefault(name, []).extend(rows)
    return into


def json_list(value: Any) -> list:
    """A list stored as a JSON array (responsible units, AOI codes, figures); a plain string is a
    one-item list and an empty value an empty one."""
    if isinstance(value, list):
        return value
    if not value:
        return []
    try:
        parsed = json.loads(value)
    except (TypeError, ValueError):
        return [value]
    return parsed if isinstance(parsed, list) else [parsed]
