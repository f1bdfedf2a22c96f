"""The brief of an evaluation report: levels per objective, the actions' avance, the critical
actions with their reasons, and the status of the recommendations it follows up."""

from __future__ import annotations

from collections import Counter, defaultdict
from datetime import date
from pathlib import Path
from typing import Any

from ..tracker.status import CurrentStatuses
from .data import Catalog, level_rule, metric_label, metric_unit, resolve_period, rule_sources
from .escape import shorten
from .matrix import DONE, STATUS_ORDER, aggregate_sources, load_items, status_label, units_of
from .model import (
    GOAL,
    MISSING,
    Brief,
    Chart,
    Facts,
    Section,
    Source,
    Table,
    Text,
    fmt_number,
    safe_filename,
    source_of,
)

OBJECTIVE_METRICS = ("avance_tipo1", "avance_tipo2", "avance", "nivel", "aei_alto", "aei_medio", "aei_bajo",
                     "aei_total")
ACTION_METRICS = ("avance_pei", "avance_poi", "ejecucion_fisica", "avance_tipo1", "avance", "avance_corregido",
                  "avance_tipo2", "nivel")
LEVELS = ("aei_alto", "aei_medio", "aei_bajo")


def report_brief(cat: Catalog, period_wanted: str | None, today: date,
                 updates_db: Path | None = None) -> Brief:
    docs = resolve_period(cat, period_wanted)
    period = docs[0]["period"]
    files = [d["file"] for d in docs]
    plan = docs[0]["plan"]
    marks = ",".join("?" * len(files))
    measurements = cat.rows(f"select * from measurements where file in ({marks}) order by owner, line_start, id",
                            tuple(files))
    critical = cat.rows(f"select * from critical_actions where file in ({marks}) order by line_start", tuple(files))
    activities = cat.rows(f"select count(*) n, min(line_start) lo, max(line_end) hi, file, locator from activities"
                          f" where file in ({marks}) group by file, locator", tuple(files))
    titles = _entity_titles(cat, plan)
    brief = Brief(
        kind="informe", plan=plan, period=period,
        title=f"{(docs[0]['kind'] or 'informe')[:1].upper()}{(docs[0]['kind'] or 'informe')[1:]} {period}",
        subtitle=f"{docs[0]['title']} · {plan or MISSING} · período {period}",
        filename=safe_filename("brief", "informe", period),
    )
    brief.sections.append(_sheet(cat, docs, measurements, critical, activities))
    objectives = [m for m in measurements if m["owner"] and m["owner"][:1] == "O"]
    actions = [m for m in measurements if m["owner"] and m["owner"][:1] != "O"]
    if objectives:
        brief.sections.append(_objectives(cat, objectives, titles))
    brief.sections.append(_actions(cat, actions, titles, files[0]))
    brief.sections.append(_critical(cat, critical, period))
    brief.sections.append(_recommendations(cat, files, today, updates_db))
    return brief


def _entity_titles(cat: Catalog, plan: str | None) -> dict[str, str]:
    out: dict[str, str] = {}
    for e in cat.rows("select code, title from entities where plan = ? order by file, line_start", (plan,)):
        if e["title"]:
            out.setdefault(e["code"], e["title"])
    return out


def _doc_source(cat: Catalog, doc: dict[str, Any]) -> Source:
    return Source(doc["file"], cat.titles.get(doc["file"], doc["file"]), "documento completo")


def _sheet(cat: Catalog, docs: list[dict], measurements: list[dict], critical: list[dict],
           activities: list[dict]) -> Section:
    facts = Facts()
    for doc in docs:
        src = [_doc_source(cat, doc)]
        facts.add("Documento", doc["title"], src)
        facts.add("Tipo", doc["kind"], src)
        facts.add("Plan evaluado", doc["plan"], src)
        facts.add("Fecha del informe", doc["date"] or None, src)
    owners = {m["owner"] for m in measurements if m["owner"]}
    facts.add("Objetivos con mediciones", str(sum(o[:1] == "O" for o in owners)) if owners else None,
              aggregate_sources(cat, [m for m in measurements if (m["owner"] or "")[:1] == "O"])[:4])
    facts.add("Acciones estratégicas con mediciones", str(sum(o[:1] != "O" for o in owners)) if owners else None,
              aggregate_sources(cat, [m for m in measurements if (m["owner"] or "")[:1] != "O"])[:4])
    facts.add("Acciones críticas señaladas", str(len(critical)), aggregate_sources(cat, critical)[:2])
    if activities:
        total = sum(a["n"] for a in activities)
        srcs = [Source(a["file"], cat.titles.get(a["file"], a["file"]), a["locator"] or "", a["lo"], a["hi"])
                for a in activities][:3]
        facts.add("Actividades operativas con avance físico en tablas", str(total), srcs)
    note = Text("Conteos hechos sobre los registros extraídos del informe; las cifras que el informe declara "
                "figuran en las tablas siguientes con su fuente.", style="note")
    return Section("Ficha del informe", [facts, note])


def _pivot(rows: list[dict], metrics: tuple[str, ...]) -> tuple[dict[str, dict[str, dict]], list[str]]:
    """owner → metric → first row, and the metrics that have at least one row. A row of the
    period's own year (or without a year) wins over rows of earlier years of a series."""
    per: dict[str, dict[str, dict]] = defaultdict(dict)
    for m in sorted(rows, key=lambda m: not (m.get("year") is None or str(m["year"]) == str(m.get("period"))[:4])):
        if m["metric"] in metrics:
            per[m["owner"]].setdefault(m["metric"], m)
    present = [x for x in metrics if any(x in v for v in per.values())]
    return per, present


def _useful(per: dict[str, dict[str, dict]], present: list[str]) -> list[str]:
    """The indicator-level avance columns only where an action has no summary avance (avance PEI
    or tipo 1): elsewhere they repeat it in detail, and the action's own brief shows them."""
    summary = ("avance_pei", "avance_tipo1", "avance_tipo2")
    needed = {x for row in per.values() if not any(k in row for k in summary)
              for x in ("avance", "avance_corregido") if x in row}
    return [x for x in present if x not in ("avance", "avance_corregido") or x in needed]


def _cell(m: dict | None) -> str | None:
    if m is None:
        return None
    if m["metric"] == "nivel":
        return (m.get("raw") or "").strip() or None
    if m.get("value") is None:
        raw = (m.get("raw") or "").strip()
        return f"{MISSING} ({raw})" if raw and len(raw) <= 12 else None
    return fmt_number(m["value"], metric_unit(m["metric"]))


def _objectives(cat: Catalog, rows: list[dict], titles: dict[str, str]) -> Section:
    per, present = _pivot(rows, OBJECTIVE_METRICS)
    owners = sorted(per)
    table = Table(["Objetivo", *[metric_label(x) for x in present]], widths=[42, *[11] * len(present)],
                  levels=[1 + i for i, x in enumerate(present) if x == "nivel"])
    for owner in owners:
        name = f"{owner} {shorten(titles.get(owner, ''), 90)}".strip()
        table.add([name, *[_cell(per[owner].get(x)) for x in present]],
                  list(dict.fromkeys(source_of(m, cat.titles) for m in per[owner].values())))
    blocks: list = [table]
    if any(x in present for x in LEVELS):
        series = [(metric_label(x).replace("AEI con avance ", "").capitalize(),
                   [per[o][x]["value"] if x in per[o] else None for o in owners]) for x in LEVELS if x in present]
        sources = aggregate_sources(cat, [m for o in owners for x in LEVELS if (m := per[o].get(x))])
        blocks.append(Chart("Acciones estratégicas por nivel de avance, por objetivo", owners, series, unit="",
                            sources=sources, stacked=True))
        totals = {x: sum(per[o][x]["value"] or 0 for o in owners if x in per[o]) for x in LEVELS if x in present}
        facts = Facts()
        for x, v in totals.items():
            facts.add(f"{metric_label(x)} (suma de la tabla)", fmt_number(v), sources)
        blocks.append(facts)
    main = next((x for x in ("avance_tipo1", "avance_tipo2", "avance") if x in present), None)
    if main:
        values = [per[o][main]["value"] if main in per[o] else None for o in owners]
        if sum(v is not None for v in values) >= 2:
            blocks.append(Chart(f"{metric_label(main)} por objetivo (%)", owners, [(metric_label(main), values)],
                                sources=aggregate_sources(cat, [per[o][main] for o in owners if main in per[o]]),
                                reference=GOAL))
    return Section("Objetivos estratégicos", blocks)


def _actions(cat: Catalog, rows: list[dict], titles: dict[str, str], file: str) -> Section:
    section = Section("Acciones estratégicas")
    per, present = _pivot(rows, ACTION_METRICS)
    if not per:
        section.blocks.append(Text(f"{MISSING}: el índice no tiene mediciones por acción para este informe."))
        return section
    present = _useful(per, present)
    owners = sorted(per)
    main = next((x for x in ("avance_pei", "avance_tipo1", "avance", "avance_tipo2") if x in present), None)
    rule = level_rule(cat, file) if main else None
    computed = {o: rule.level(per[o][main]["value"]) for o in owners if main in per[o]} if rule else {}
    table = Table(["Acción", *[metric_label(x).split(" (")[0] for x in present],
                   *(["Nivel según la regla del informe"] if rule else [])],
                  widths=[80, *[21] * len(present), *([24] if rule else [])],
                  levels=[1 + i for i, x in enumerate(present) if x == "nivel"] + ([1 + len(present)] if rule else []))
    for owner in owners:
        name = f"{owner} {shorten(titles.get(owner, ''), 48)}".strip()
        cells = [name, *[_cell(per[owner].get(x)) for x in present]]
        if rule:
            cells.append(computed.get(owner))
        table.add(cells, list(dict.fromkeys(source_of(m, cat.titles) for x, m in per[owner].items() if x in present)))
    section.blocks.append(table)
    if rule:
        section.blocks.append(_level_note(cat, rule, main))
    if main:
        with_value = [o for o in owners if main in per[o]]
        values = [per[o][main]["value"] for o in with_value]
        section.blocks.append(Chart(f"{metric_label(main)} por acción estratégica (%)", with_value,
                                    [(metric_label(main), values)], reference=GOAL,
                                    sources=aggregate_sources(cat, [per[o][main] for o in with_value])))
        missing = [o for o in with_value if per[o][main]["value"] is None]
        if missing:
            section.blocks.append(Text(f"{MISSING} en el gráfico ({', '.join(missing)}): el informe no da un valor "
                                       "numérico.", style="note", chart_note=True))
    return section


def _level_note(cat: Catalog, rule, main: str) -> Text:
    """How the "Nivel según la regla del informe" column is computed (the levels themselves are in the
    table: no second chart of levels that could disagree with the objectives' level counts)."""
    return Text(f"Nivel calculado sobre el {metric_label(main).split(' (')[0].lower()} con la regla que declara el "
                f"informe: {rule.explain().split(' Fuente:')[0]}", rule_sources(cat, rule), style="note", keep=True)


def _critical(cat: Catalog, rows: list[dict], period: str) -> Section:
    section = Section("Acciones críticas")
    if not rows:
        section.blocks.append(Text(f"{MISSING}: el índice no registra acciones críticas para el período {period}."))
        return section
    table = Table(["Acción", "Priorizada", "Motivo según el informe", "AOI señaladas"], widths=[12, 10, 64, 19])
    for c in rows:
        pri = {1: "sí", 0: "no"}.get(c.get("priorizado"))
        table.add([c["owner"], pri, shorten(c.get("reason"), 320), ", ".join(units_of(c.get("aois"))) or None],
                  [source_of(c, cat.titles)])
    section.blocks.append(table)
    return section


def _recommendations(cat: Catalog, files: list[str], today: date, updates_db: Path | None) -> Section:
    section = Section("Recomendaciones")
    marks = ",".join("?" * len(files))
    rows = cat.rows(f"select * from recommendations where file in ({marks}) order by list_kind desc, line_start",
                    tuple(files))
    if not rows:
        section.blocks.append(Text(f"{MISSING}: el índice no tiene recomendaciones de este informe."))
        return section
    statuses = CurrentStatuses(load_items(cat, today, updates_db))
    followed = [r for r in rows if r.get("list_kind") != "nueva"]
    new = [r for r in rows if r.get("list_kind") == "nueva"]
    if followed:
        counts = Counter(r.get("status") for r in followed)
        present = [s for s in STATUS_ORDER if counts.get(s)] + [s for s in counts if s not in STATUS_ORDER]
        sources = aggregate_sources(cat, followed)
        facts = Facts()
        for s in present:
            facts.add(f"{status_label(s)} (según el informe)", str(counts[s]), sources)
        done = counts.get(DONE, 0)
        facts.add("Ejecutadas o culminadas", f"{done} de {len(followed)} ({done / len(followed) * 100:.1f}%)",
                  sources)
        section.blocks.append(facts)
        section.blocks.append(Chart("Recomendaciones en seguimiento por estado", [status_label(s) for s in present],
                                    [("Recomendaciones", [float(counts[s]) for s in present])], unit="",
                                    sources=sources))
        table = Table(["N.°", "Recomendación", "Responsable", "Estado en el informe", "Estado actual"],
                      widths=[6, 44, 24, 13, 18], caption="Recomendaciones en seguimiento")
        for r in followed:
            table.add([str(r.get("number") or "s/n"), shorten(r.get("text"), 200),
                       "; ".join(units_of(r.get("responsible"))) or None,
                       r.get("status_raw") or status_label(r.get("status")), _current(statuses, r)],
                      [source_of(r, cat.titles)])
        section.blocks.append(table)
    if new:
        table = Table(["N.°", "Recomendación nueva", "Responsable", "Plazo", "Estado actual"],
                      widths=[6, 46, 26, 9, 18], caption="Recomendaciones que formula el informe")
        for r in new:
            plazo = fmt_number(r.get("plazo_meses"))
            table.add([str(r.get("number") or "s/n"), shorten(r.get("text"), 220),
                       "; ".join(units_of(r.get("responsible"))) or None,
                       f"{plazo} meses" if plazo else None, _current(statuses, r)],
                      [source_of(r, cat.titles)])
        section.blocks.append(table)
    return section


def _current(statuses: CurrentStatuses, row: dict) -> str:
    """The status a later report or an app update gives this row's recommendation (the rule of
    assistant.tracker.status), or that nothing came after the report."""
    if statuses.item_of(row["id"]) is None:
        return MISSING
    current = statuses.for_row(row)
    if current.from_update or (current.status and current.printed_period != row.get("period")):
        return current.describe()
    return "sin seguimiento aún" if row.get("list_kind") == "nueva" else "sin cambios posteriores"
