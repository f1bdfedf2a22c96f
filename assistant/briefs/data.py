"""Shared lookups for gathering a brief's figures from the Store: documents, plans, periods,
codes, metric names. Everything is read from the index; nothing about a document is assumed."""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date
from typing import Any

from knowledge.store import Store
from knowledge.text import fold
from queries.levels import LevelRule, effective_rule

from ..errors import UserError
from .model import Source

RECORD_TABLES_WITH_OWNER = ("entities", "indicators", "targets", "measurements", "activities",
                            "critical_actions")

METRIC_LABELS = {
    "logro_esperado": "Logro esperado",
    "valor_obtenido": "Valor obtenido",
    "avance": "Avance del indicador",
    "avance_corregido": "Avance corregido [C]",
    "avance_tipo1": "Avance tipo 1",
    "avance_tipo2": "Avance tipo 2",
    "avance_poi": "Avance POI (ejecución operativa)",
    "avance_pei": "Avance PEI (implementación)",
    "ejecucion_fisica": "Ejecución física promedio",
    "nivel": "Nivel",
    "aei_alto": "AEI con avance alto",
    "aei_medio": "AEI con avance medio",
    "aei_bajo": "AEI con avance bajo",
    "aei_total": "AEI evaluadas",
}

MONTHS = ("enero", "febrero", "marzo", "abril", "mayo", "junio", "julio", "agosto", "septiembre",
          "octubre", "noviembre", "diciembre")


def metric_label(metric: str) -> str:
    return METRIC_LABELS.get(metric) or metric.replace("_", " ").capitalize()


def metric_unit(metric: str) -> str:
    """Avances and executions are percentages; counts and indicator values carry no unit."""
    return "%" if metric.startswith(("avance", "ejecucion")) else ""


def plan_start(plan: str | None) -> int:
    """The first year in a plan's name (for "nuevo" / "anterior"); 0 when it has none."""
    m = re.search(r"(19|20)\d\d", plan or "")
    return int(m.group(0)) if m else 0


def spanish_date(d: date) -> str:
    return f"{d.day} de {MONTHS[d.month - 1]} de {d.year}"


@dataclass
class Catalog:
    """The index's documents and titles, read once per brief."""
    store: Store

    def __post_init__(self) -> None:
        self.documents: list[dict[str, Any]] = self.store.documents()
        self.titles: dict[str, str] = {d["file"]: d["title"] or d["file"] for d in self.documents}
        self.by_file: dict[str, dict[str, Any]] = {d["file"]: d for d in self.documents}

    def rows(self, sql: str, params: tuple = ()) -> list[dict[str, Any]]:
        return self.store.rows(sql, params)

    def plans(self) -> list[str]:
        found = [d["plan"] for d in self.documents if d["plan"]]
        for r in self.rows("select distinct plan from entities where plan is not null"):
            found.append(r["plan"])
        return list(dict.fromkeys(found))

    def files_of_plan(self, plan: str) -> list[str]:
        return [d["file"] for d in self.documents if d["plan"] == plan]

    def report_documents(self) -> list[dict[str, Any]]:
        """Documents that evaluate or follow up a plan over a period (not the plans themselves)."""
        return [d for d in self.documents if d["period"] and not _is_plan_kind(d["kind"])]

    def report_date(self, doc: dict[str, Any]) -> date | None:
        return report_date(doc)


def level_rule(cat: Catalog, file: str) -> LevelRule | None:
    """A report's level cut-offs (queries.levels: what it declares, gaps filled from its plan),
    when both cut-offs are known; None otherwise (then no level is computed)."""
    try:
        rule = effective_rule(cat.store, file)
    except Exception:  # noqa: BLE001 - a brief without computed levels beats no brief
        return None
    return rule if rule is not None and rule.complete else None


def rule_sources(cat: Catalog, rule: LevelRule) -> list[Source]:
    return [Source(d.file, cat.titles.get(d.file, d.file), "regla de niveles declarada en el texto",
                   d.line_start, d.line_end) for d in rule.declarations]


def _is_plan_kind(kind: str | None) -> bool:
    k = fold(kind or "")
    return k.startswith("plan ")


def report_date(doc: dict[str, Any]) -> date | None:
    """The month a report is dated ("Septiembre 2024" → 30/09/2024), else the end of its period."""
    text = fold(doc.get("date") or "")
    m = re.search(r"(" + "|".join(MONTHS) + r")\w*\s+(?:de(?:l)?\s+)?((?:19|20)\d\d)", text)
    if m:
        month = MONTHS.index(m.group(1)) + 1
        year = int(m.group(2))
        return date(year, month, calendar.monthrange(year, month)[1])
    return period_end(doc.get("period"))


def period_end(period: str | None) -> date | None:
    m = re.fullmatch(r"((?:19|20)\d\d)(?:-S([12]))?", period or "")
    if not m:
        return None
    year = int(m.group(1))
    return date(year, 6, 30) if m.group(2) == "1" else date(year, 12, 31)


def add_months(d: date, months: float) -> date:
    """End of the month ``months`` after ``d`` (plazos are given in months)."""
    total = d.year * 12 + (d.month - 1) + round(months)
    year, month = divmod(total, 12)
    return date(year, month + 1, calendar.monthrange(year, month + 1)[1])


# ---- codes, plans and periods ---------------------------------------------------------------

def child_prefix(code: str) -> str | None:
    """Codes of the actions under an objective: OEI.05 → AEI.05., OES.02 → AES.02., 1.0 → 1."""
    m = re.fullmatch(r"O(EI|ES)\.(\d\d)", code)
    if m:
        return f"A{m.group(1)}.{m.group(2)}."
    m = re.fullmatch(r"(\d)\.0", code)
    if m:
        return f"{m.group(1)}."
    return None


def plans_for_code(cat: Catalog, code: str) -> dict[str, int]:
    """Plans in which ``code`` appears in any record table, with how many measurements each has
    for the code or its actions (the plan a report evaluated has them)."""
    prefix = child_prefix(code)
    like = f"{prefix}%" if prefix else code
    found: dict[str, int] = {}
    for table in RECORD_TABLES_WITH_OWNER:
        column = "code" if table == "entities" else "owner"
        sql = f"select plan, count(*) n from {table} where ({column} = ? or {column} like ?) group by plan"
        for r in cat.rows(sql, (code, like)):
            if not r["plan"]:
                continue
            found.setdefault(r["plan"], 0)
            if table == "measurements":
                found[r["plan"]] += r["n"]
    return found


def resolve_plan(cat: Catalog, code: str, wanted: str | None) -> tuple[str, list[str], str]:
    """(plan, other plans holding the code, why this plan). ``wanted`` is a plan name, a span
    ("2025-2030"), or "nuevo"/"vigente"/"actual" / "anterior"."""
    candidates = plans_for_code(cat, code)
    if not candidates:
        raise UserError(f"No hay datos para «{code}» en el índice.", "codigo_no_encontrado", 404)
    ordered = sorted(candidates, key=plan_start)
    if wanted and wanted.strip():
        key = fold(wanted)
        if key in ("nuevo", "vigente", "actual", "ultimo", "reciente"):
            plan = max(cat.plans() or ordered, key=plan_start)
            if plan not in candidates:
                raise UserError(f"«{code}» no figura en el plan más reciente ({plan}). Planes con ese código: "
                                f"{', '.join(ordered)}.", "plan_no_encontrado", 404)
            reason = "el plan más reciente"
        elif key in ("anterior", "evaluado", "previo"):
            evaluated = [p for p in ordered if candidates[p]]
            plan = (evaluated or ordered)[0]
            reason = "el plan anterior, evaluado por los informes"
        else:
            matches = [p for p in candidates if fold(p) == key] or [p for p in candidates if key in fold(p)]
            if not matches:
                known = ", ".join(ordered)
                raise UserError(f"«{code}» no figura en el plan «{wanted.strip()[:80]}». Planes con ese código: "
                                f"{known}.", "plan_no_encontrado", 404)
            plan = matches[0]
            reason = "el plan indicado"
    else:
        measured = [p for p in ordered if candidates[p]]
        if measured:
            plan = max(measured, key=lambda p: (candidates[p], plan_start(p)))
            reason = "el plan que tiene mediciones para el código"
        else:
            plan = ordered[-1]
            reason = "el plan más reciente que contiene el código (ninguno tiene mediciones)"
    others = [p for p in ordered if p != plan]
    return plan, others, reason


def resolve_period(cat: Catalog, wanted: str | None) -> list[dict[str, Any]]:
    """Report documents of a period: "2024-S1", "2024-I", "primer semestre 2024", "2024", "anual 2024"."""
    reports = cat.report_documents()
    if not reports:
        raise UserError("El índice no tiene informes de evaluación.", "periodo_no_encontrado", 404)
    key = fold(wanted or "").strip()
    if not key:
        latest = max(reports, key=lambda d: (cat.report_date(d) or date.min, d["period"]))
        return [d for d in reports if d["period"] == latest["period"]]
    year = re.search(r"(19|20)\d\d", key)
    semester = None
    if re.search(r"\b(s1|s-1|-i|primer|1er|i semestre|semestre i)\b|-s1\b|\b20\d\d-i\b", key):
        semester = "1"
    elif re.search(r"\b(s2|segundo|2do|semestre ii)\b|-s2\b|\b20\d\d-ii\b", key):
        semester = "2"
    if not year:
        raise UserError("Indique el período del informe, por ejemplo «2024-S1» o «2024».",
                        "periodo_invalido", 400)
    period = year.group(0) + (f"-S{semester}" if semester else "")
    chosen = [d for d in reports if d["period"] == period]
    if not chosen:
        known = ", ".join(sorted({d["period"] for d in reports}))
        raise UserError(f"No hay informe para el período «{period}». Períodos disponibles: {known}.",
                        "periodo_no_encontrado", 404)
    return chosen
