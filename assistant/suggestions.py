"""Follow-up suggestions the engine can answer.

Each suggestion is a question template whose slots are filled only from what the index holds: a
subject (an objective or action code, a report) that exists, in the plan the answer was about, and
a metric or fact the index has data for (an avance measured in that period, indicators, targets,
a responsible unit, a critical-action record, recommendations with that current status). A
template is never offered when its slot cannot be filled, so every suggestion is a question the
engine answers (tests/test_suggestions.py asks each one offered on the development set).

``for_answer(store, resolver, question, result)`` gives the suggestions of one /api/ask result;
``starters(store, resolver)`` the example questions of the chat page; ``subject_of(suggestion)``
the subject an answer to it must name.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from knowledge.document import is_evaluation
from knowledge.store import Store
from knowledge.text import fold

from .resolve import Resolver

MAX_SUGGESTIONS = 3
AVANCE_METRICS = ("avance_tipo1", "avance_pei", "avance")
CODE_RE = re.compile(r"\b(?:I?(?:OEI|AEI|OES|AES)\.\d{2}(?:\.\d{2}){0,2}|\d\.\d{1,2})\b")


# ---- phrasing -------------------------------------------------------------------------------------

def period_phrase(period: str) -> str:
    """"2024-S1" → "el primer semestre 2024"; "2024" → "2024"."""
    m = re.fullmatch(r"((?:19|20)\d\d)-S([12])", period or "")
    if m:
        return f"el {'primer' if m.group(2) == '1' else 'segundo'} semestre {m.group(1)}"
    return period


def report_phrase(doc: dict[str, Any]) -> str:
    """"el informe del primer semestre 2024", "el informe anual 2024"."""
    period = doc.get("period") or ""
    if re.fullmatch(r"(?:19|20)\d\d-S[12]", period):
        return f"el informe del {period_phrase(period)[3:]}"
    return f"el informe anual {period}" if "anual" in fold(doc.get("kind") or "") else f"el informe {period}"


def _the(code: str) -> str:
    """"el OEI.05", "la AEI.01.02", "el objetivo 1.4"."""
    if re.fullmatch(r"\d\.\d{1,2}", code):
        return f"el objetivo {code}"
    return f"la {code}" if code.startswith(("AEI", "AES")) else f"el {code}"


def _of(code: str) -> str:
    """"del OEI.05", "de la AEI.01.02", "del objetivo 1.4"."""
    the = _the(code)
    return "del" + the[2:] if the.startswith("el ") else "de " + the


def subject_of(suggestion: str) -> str:
    """What an answer to the suggestion must name: its code, else its report period, else its topic."""
    code = CODE_RE.search(suggestion)
    if code:
        return code.group(0)
    year = re.search(r"\b(?:19|20)\d\d\b", suggestion)
    if year:
        return year.group(0)
    folded = fold(suggestion)
    return "recomendaciones" if "recomendacion" in folded else ("critica" if "critic" in folded else "")


# ---- slots --------------------------------------------------------------------------------------------

class Slots:
    """Lookups over the index: what exists for a code in a plan."""

    def __init__(self, store: Store, resolver: Resolver):
        self.store, self.resolver = store, resolver

    def one(self, sql: str, params: tuple = ()) -> dict[str, Any] | None:
        rows = self.store.rows(sql + " limit 1", params)
        return rows[0] if rows else None

    def plan_of(self, code: str, plan: str | None) -> str | None:
        plans = self.resolver.plans_with_code(code)
        return plan if plan in plans else (plans[0] if len(plans) == 1 else plan)

    def plan_words(self, code: str, plan: str | None) -> str:
        """" del PEI 2025-2030" when the code names different things in different plans."""
        if plan and len(self.resolver.plans_with_code(code)) > 1:
            return " del " + re.sub(r"\s*\([^)]*\)", "", plan)  # "(sin período en el texto)" names no plan
        return ""

    def owner_of(self, code: str, plan: str | None) -> str:
        """An indicator code's objective or action (IAEI.03.01.01 → AEI.03.01)."""
        if not code.startswith("I"):
            return code
        row = self.one("select owner from indicators where code = ? and (plan = ? or ? is null)", (code, plan, plan))
        return row["owner"] if row and row.get("owner") else code

    def measured_periods(self, code: str, plan: str | None) -> list[dict[str, Any]]:
        """Report periods (or, for a sector plan's yearly series, years) with an avance of the code."""
        marks = ",".join("?" * len(AVANCE_METRICS))
        rows = self.store.rows(
            f"select distinct m.period, m.year, d.kind from measurements m join documents d on d.file = m.file "
            f"where m.owner = ? and (m.plan = ? or ? is null) and m.value is not null and m.metric in ({marks}) "
            f"order by m.period, m.year", (code, plan, plan, *AVANCE_METRICS))
        out, seen = [], set()
        for r in rows:
            when = r["period"] if is_evaluation(r["kind"]) else (str(r["year"]) if r["year"] else None)
            if when and when not in seen:
                seen.add(when)
                out.append({"when": when, "evaluation": is_evaluation(r["kind"])})
        return out

    def has(self, table: str, where: str, params: tuple) -> bool:
        return self.one(f"select 1 as x from {table} where {where}", params) is not None


# ---- suggestions for an answer ---------------------------------------------------------------------

def for_answer(store: Store, resolver: Resolver, question: str, result: dict[str, Any],
               updates_db: Path | None = None) -> list[str]:
    """Up to MAX_SUGGESTIONS questions about the answer's subject, each one the index can answer,
    none repeating the question just asked."""
    slots = Slots(store, resolver)
    entities = result.get("entities") or {}
    codes = [entities["code"]] if entities.get("code") else list(entities.get("codes") or [])
    intent = result.get("intent") or ""
    if codes:
        out = _about_code(slots, slots.owner_of(codes[0], entities.get("plan")), entities, intent, updates_db)
    elif intent in ("recommendation", "followup"):
        out = _about_recommendations(slots, entities, updates_db)
    else:
        out = _about_report(slots, entities, intent, updates_db)
    asked = fold(question).strip(" ¿?")
    unique = [s for s in dict.fromkeys(out) if fold(s).strip(" ¿?") != asked]
    return unique[:MAX_SUGGESTIONS]


def _about_code(slots: Slots, code: str, entities: dict[str, Any], intent: str,
                updates_db: Path | None = None) -> list[str]:
    plan = slots.plan_of(code, entities.get("plan"))
    in_plan = slots.plan_words(code, plan)
    of = _of(code)
    out: list[str] = []
    periods = slots.measured_periods(code, plan)
    answered = entities.get("period") if intent in ("avance", "compare", "trend") else None
    other = [p for p in periods if p["when"] != answered]
    if code.startswith("AEI") and intent != "critical" and slots.has(
            "critical_actions", "owner = ? and (plan = ? or ? is null)", (code, plan, plan)):
        out.append(f"¿Por qué {code} es crítica?")
    if other:
        when = other[-1]["when"]
        out.append(f"¿Cuál es el avance {of}{in_plan} en {period_phrase(when)}?")
    owned = (code, plan, plan)
    if intent not in ("indicator", "baseline", "target") and (
            slots.has("indicators", "owner = ? and (plan = ? or ? is null)", owned)
            or slots.has("measurements", "owner = ? and (plan = ? or ? is null) and indicator_name is not null",
                         owned)):
        out.append(f"¿Qué indicadores tiene {_the(code)}{in_plan}?")
    target = slots.one("select max(year) as year from targets where owner = ? and (plan = ? or ? is null) "
                       "and value is not null", (code, plan, plan))
    if intent != "target" and target and target["year"]:
        out.append(f"¿Cuál es la meta {target['year']} del indicador {of}{in_plan}?")
    if intent != "responsible" and slots.has(
            "entities", "code = ? and (plan = ? or ? is null) and coalesce(responsible, '') not in ('', '[]')",
            (code, plan, plan)):
        out.append(f"¿Quién es responsable {of}{in_plan}?")
    return out if len(out) >= 2 else out + _about_report(slots, entities, intent, updates_db)


def _about_recommendations(slots: Slots, entities: dict[str, Any], updates_db: Path | None) -> list[str]:
    from .tracker.status import current_statuses

    statuses = current_statuses(slots.store, updates_db)
    key = ("recommendations", tuple(sorted(entities.get("statuses") or [])), entities.get("list"))
    if key not in statuses.memo:
        statuses.memo[key] = _recommendation_questions(slots, statuses, entities)
    return list(statuses.memo[key])


def _recommendation_questions(slots: Slots, statuses: Any, entities: dict[str, Any]) -> list[str]:
    asked = set(entities.get("statuses") or [])
    latest = _latest_report_with(slots, "recommendations", "list_kind = 'seguimiento'")
    out = []
    if latest:
        rows = slots.store.rows("select * from recommendations where file = ? and list_kind = 'seguimiento'",
                                (latest["file"],))
        current = {statuses.for_row(r).status for r in rows}
        for status, question in (("en proceso", "¿Qué recomendaciones siguen en proceso?"),
                                 ("ejecutado/culminado", "¿Qué recomendaciones están culminadas?")):
            if status in current and status not in asked:
                out.append(question)
    if any(i.get("overdue") for i in statuses.items):
        out.append("¿Qué recomendaciones están vencidas?")
    new = [d for d in slots.resolver.report_docs
           if slots.has("recommendations", "file = ? and list_kind = 'nueva'", (d["file"],))]
    if new and entities.get("list") != "nueva":
        out.append(f"¿Qué recomendaciones nuevas formula {report_phrase(new[-1])}?")
    return out


def _about_report(slots: Slots, entities: dict[str, Any], intent: str, updates_db: Path | None) -> list[str]:
    from .tracker.status import current_statuses

    statuses = current_statuses(slots.store, updates_db)
    key = ("report", intent == "critical")
    if key not in statuses.memo:
        out = []
        critical = _latest_report_with(slots, "critical_actions")
        if critical and intent != "critical":
            out.append(f"¿Qué acciones estratégicas están críticas en {report_phrase(critical)}?")
        if critical and intent == "critical":
            first = slots.one("select owner from critical_actions where file = ? and owner is not null "
                              "order by id", (critical["file"],))
            if first:
                out.append(f"¿Por qué {first['owner']} es crítica?")
        statuses.memo[key] = out + _about_recommendations(slots, {}, updates_db)[:2]
    return list(statuses.memo[key])


def _latest_report_with(slots: Slots, table: str, extra: str = "") -> dict[str, Any] | None:
    for doc in reversed(slots.resolver.report_docs):
        if slots.has(table, "file = ?" + (f" and {extra}" if extra else ""), (doc["file"],)):
            return doc
    return None


# ---- example questions of the chat page -----------------------------------------------------------

def starters(store: Store, resolver: Resolver, updates_db: Path | None = None) -> list[str]:
    """Example questions built from the index: critical actions of the latest report that has them,
    the avance of the first objective measured in the latest report, the count of actions at a low
    level, and the recommendations still in process."""
    slots = Slots(store, resolver)
    out = []
    critical = _latest_report_with(slots, "critical_actions")
    if critical:
        out.append(f"¿Qué acciones estratégicas están críticas en {report_phrase(critical)}?")
    latest = _latest_report_with(slots, "measurements", "owner like 'OEI%' and metric = 'avance_tipo1'")
    if latest:
        first = slots.one("select owner from measurements where file = ? and owner like 'OEI%' and "
                          "metric = 'avance_tipo1' and value is not null order by owner", (latest["file"],))
        if first:
            out.append(f"¿Cuál es el avance del {first['owner']} en {period_phrase(latest['period'])}?")
    levels = _latest_report_with(slots, "measurements", "metric = 'aei_bajo'")
    if levels:
        out.append(f"¿Cuántas AEI tuvieron avance bajo en {report_phrase(levels)}?")
    out += [s for s in _about_recommendations(slots, {}, updates_db) if "proceso" in s]
    return out
