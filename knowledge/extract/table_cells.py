"""Cells of the tables no other extractor models: each figure with its row label and column name.

The table's first header ("Región") is kept as the dimension its rows run over.
"Tabla 13 … por sexo" gives, for the row "Europa", the cells "Total: 3165", "Mujer: 1793",
"Mujer (%): 57%". Headers of two rows are joined; a "(%)" column is the percentage of the column
before it. Rows keyed by a code (OEI, AEI, AOI) are left to the structured extractors.
"""

from __future__ import annotations

import re
from typing import Any

from ..text import parse_number

CODE_LABEL = re.compile(r"\d|^(?:total|subtotal|n[°º.]?)$", re.I)
PERCENT_HEADER = re.compile(r"^\(?%\)?$|^\(%\)$")


def _is_header_row(row: list[str]) -> bool:
    return not (row[0] or "").strip() and all(parse_number(c) is None for c in row[1:] if c.strip())


def column_names(header: list[str], sub: list[list[str]]) -> list[str]:
    names, last = [], ""
    for i, h in enumerate(header):
        h = (h or "").strip() or last
        last = h
        parts = [h] + [(r[i] or "").strip() for r in sub if i < len(r)]
        names.append(" ".join(p for p in parts if p))
    out = []
    for i, name in enumerate(names):
        own = [(r[i] or "").strip() for r in sub if i < len(r)]
        if own and PERCENT_HEADER.match(own[-1]) and i > 0:
            base = out[i - 1]
            out.append(f"{base} (%)")
        else:
            out.append(" ".join(dict.fromkeys(name.split())))
    return out


def table_cells(file: str, table: Any, plan: str | None, period: str | None) -> list[dict[str, Any]]:
    rows = [list(r) for r in table.rows]
    lines = list(table.row_lines)
    sub = []
    while rows and _is_header_row(rows[0]) and len(sub) < 2:
        sub.append(rows.pop(0))
        lines.pop(0)
    names = column_names(list(table.header), sub)
    out: list[dict[str, Any]] = []
    for row, (start, end) in zip(rows, lines, strict=False):
        label = (row[0] or "").strip() if row else ""
        if not label or len(label) < 3 or CODE_LABEL.search(label) or parse_number(label) is not None:
            continue
        cells = [(names[i] if i < len(names) else "", c.strip()) for i, c in enumerate(row) if i > 0 and c.strip()]
        text = f"{label}: " + " · ".join(f"{n}: {c}" if n else c for n, c in cells)
        for name, cell in cells:
            value = parse_number(cell)
            if value is None or not name:
                continue
            out.append({"plan": plan, "period": period, "file": file, "line_start": start, "line_end": end,
                        "locator": table.caption or table.section or "tabla", "metric": "celda", "lead": label,
                        "noun": name, "raw": cell, "value": value, "unit": "%" if "%" in cell or "(%)" in name else "",
                        "sentence": text[:600], "role": "valor",
                        "indicator_name": (table.header[0] or "").strip() if table.header else ""})
    return out
