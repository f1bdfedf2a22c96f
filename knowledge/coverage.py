"""What was extracted, per document and record type (`planes coverage`)."""

from __future__ import annotations

from typing import Any

from .records import SCHEMA
from .store import Store


def coverage(store: Store) -> dict[str, Any]:
    docs = []
    for d in store.documents():
        f = (d["file"],)
        counts = {
            "lineas": d["line_count"],
            "secciones": store.rows("select count(*) n from sections where file = ?", f)[0]["n"],
            "pasajes": store.rows("select count(*) n from passages where file = ?", f)[0]["n"],
            "tablas": store.rows("select count(*) n from tables where file = ?", f)[0]["n"],
            "filas_de_tabla": store.rows("select count(*) n from passages where file = ? and kind = 'row'", f)[0]["n"],
        }
        for name in SCHEMA:
            counts[name] = store.rows(f"select count(*) n from {name} where file = ?", f)[0]["n"]
        docs.append({k: d[k] for k in ("file", "kind", "plan", "period", "title", "date")} | {"counts": counts})
    meta = store.meta()
    return {"documents": docs, "built_at": meta.get("built_at"), "skipped": meta.get("skipped")}
