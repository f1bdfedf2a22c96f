"""Building /api/ask responses: the answer text, table, cited sources and suggestions."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from knowledge.store import Store, excerpt

from .resolve import Resolver

METRIC_LABELS = {
    "avance": "avance del indicador (%)",
    "avance_corregido": "avance corregido [C] (%)",
    "avance_poi": "avance POI (%)",
    "avance_pei": "avance PEI (%)",
    "avance_tipo1": "avance tipo 1 (%)",
    "avance_tipo2": "avance tipo 2 (%)",
    "logro_esperado": "logro esperado",
    "valor_obtenido": "valor obtenido",
    "ejecucion_fisica": "ejecución física promedio de actividades (%)",
    "nivel": "nivel",
    "aei_alto": "AEI con avance alto",
    "aei_medio": "AEI con avance medio",
    "aei_bajo": "AEI con avance bajo",
    "aei_total": "AEI evaluadas",
}


def fmt(value: Any, raw: str | None = None) -> str:
    """A figure as the document printed it when possible; "sin dato" for non-values."""
    if value is None:
        return raw.strip() if raw and raw.strip() else "sin dato"
    if isinstance(value, float):
        if value.is_integer():
            return str(int(value))
        return f"{value:.4f}".rstrip("0").rstrip(".")
    return str(value)


@dataclass
class Answer:
    text: str
    found: bool = True
    intent: str = "busqueda"
    entities: dict[str, Any] = field(default_factory=dict)
    columns: list[str] | None = None
    rows: list[list[Any]] | None = None
    cited: list[dict[str, Any]] = field(default_factory=list)   # record rows or passages
    suggestions: list[str] = field(default_factory=list)
    brief_url: str | None = None
    reason: str | None = None  # why nothing was found, when another handler may still answer ("sin_informe")

    def cite(self, *rows: dict[str, Any]) -> Answer:
        self.cited.extend(r for r in rows if r and r.get("file"))
        return self

    def to_dict(self, store: Store, resolver: Resolver) -> dict[str, Any]:
        sources, seen = [], set()
        for r in self.cited:
            key = (r["file"], r.get("line_start"), r.get("line_end"))
            if key in seen:
                continue
            seen.add(key)
            start, end = r.get("line_start") or 1, r.get("line_end") or r.get("line_start") or 1
            where = r.get("locator") or r.get("caption") or r.get("section") or "texto"
            lines = f"líneas {start}-{end}" if end != start else f"línea {start}"
            page = store.page_of(r["file"], start)
            if page:  # a fact read from a PDF also cites its page
                lines = f"página {page}, {lines}"
            sources.append({
                "file": r["file"], "title": resolver.titles.get(r["file"], r["file"]),
                "locator": f"{where}, {lines}", "excerpt": r.get("text") or excerpt(store, r["file"], start, end),
                "line_start": start, "line_end": end,
            })
            if len(sources) >= 8:
                break
        table = None
        if self.columns and self.rows:
            table = {"columns": self.columns, "rows": [[fmt(c) if isinstance(c, float) else c for c in row]
                                                       for row in self.rows]}
        return {"answer": self.text, "found": self.found, "intent": self.intent, "entities": self.entities,
                "table": table, "sources": sources, "suggestions": self.suggestions[:4],
                "brief_url": self.brief_url}


def not_found(text: str, intent: str, entities: dict[str, Any] | None = None,
              suggestions: list[str] | None = None) -> Answer:
    return Answer(text, found=False, intent=intent, entities=entities or {}, suggestions=suggestions or [])
