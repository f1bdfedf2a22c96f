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
        detail = {
            "entidades_por_tipo": _grouped(store, "select kind k, count(distinct code) n from entities where file = ? "
                                                  "group by kind", f),
            "entidades_con_prioridad": store.rows("select count(distinct code) n from entities where file = ? and "
                                                  "priority is not null", f)[0]["n"],
            "mediciones_por_medida": _grouped(store, "select metric k, count(*) n from measurements where file = ? "
                                                     "group by metric", f),
            "recomendaciones_por_lista": _grouped(store, "select list_kind k, count(*) n from recommendations "
                                                         "where file = ? group by list_kind", f),
            "indicadores_con_linea_de_base": store.rows("select count(*) n from indicators where file = ? and "
                                                        "baseline_value is not null", f)[0]["n"],
            "indicadores_con_metas": store.rows("select count(distinct coalesce(indicator_code, indicator_name) || owner)"
                                                " n from targets where file = ?", f)[0]["n"],
            "afirmaciones_por_tema": _grouped(store, "select topic k, count(*) n from statements where file = ? "
                                                     "group by topic", f),
        }
        docs.append({k: d[k] for k in ("file", "kind", "plan", "period", "title", "date")}
                    | {"counts": counts, "detalle": detail})
    meta = store.meta()
    plans = _grouped(store, "select plan k, count(distinct file) n from documents where ? = ? group by plan", (1, 1))
    return {"documents": docs, "plans": plans, "built_at": meta.get("built_at"), "skipped": meta.get("skipped")}


def _grouped(store: Store, sql: str, params: tuple) -> dict[str, int]:
    return {str(r["k"]): r["n"] for r in store.rows(sql, params)}
