"""CSV export of the tracker, safe to open in a spreadsheet."""

from __future__ import annotations

import csv
import io
from typing import Any

# A cell starting with one of these is run as a formula by spreadsheet programs (OWASP "CSV
# injection"); the full-width forms are included because some programs fold them.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "\n", "＝", "＋", "－", "＠")

COLUMNS = ("id", "informe", "período", "lista", "número", "aspecto", "recomendación", "unidades responsables",
           "plazo (meses)", "vencimiento", "vencida", "estado", "estado actual (de dónde viene)", "origen del estado", "última actualización",
           "actualizado por", "comentario", "archivo", "líneas")

ORIGINS = {"actualizacion": "actualización en la aplicación", "informe": "informe"}


def safe_cell(value: Any) -> str:
    """The cell as text, with a leading apostrophe when a spreadsheet would read it as a formula
    (also when only spaces come before the formula sign)."""
    text = "" if value is None else str(value)
    if text.startswith(FORMULA_START) or text.lstrip(" ").startswith(FORMULA_START):
        return "'" + text
    return text


def _row(item: dict[str, Any]) -> list[Any]:
    update = item.get("last_update") or {}
    plazo = item["plazo_meses"]
    if isinstance(plazo, float) and plazo.is_integer():
        plazo = int(plazo)
    source = item["source"]
    origin = ORIGINS.get(item["status_source"], "")
    return [item["key"], item["report"]["title"], item["report"]["period"], item["list_kind"], item["number"],
            item["aspecto"], item["text"], "; ".join(item["responsible"]), plazo, item["due_date"],
            "sí" if item["overdue"] else "no", item["status_label"], item["status_text"], origin, update.get("when"),
            update.get("user"), _comment(item), source["file"],
            f"{source['line_start']}-{source['line_end']}"]


def _comment(item: dict[str, Any]) -> str:
    """The comment behind the current status: the app update's, or those the latest report printed
    (one per responsible unit)."""
    if item["status_source"] == "actualizacion":
        return item["last_update"]["comment"]
    dated = [e for e in item["printed"] if e["status"] and e["date"] == item["status_date"]]
    return " | ".join(dict.fromkeys(e["comment"] for e in dated if e.get("comment")))


def to_csv(items: list[dict[str, Any]]) -> str:
    """UTF-8 text with a byte-order mark, so spreadsheet programs read the accents right."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(COLUMNS)
    for item in items:
        writer.writerow([safe_cell(v) for v in _row(item)])
    return "\ufeff" + out.getvalue()
