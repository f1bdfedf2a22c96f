"""The brief of one objective or action of a plan: what it is, its indicators with baseline and
targets, what the reports measured per period (with the level they state), whether it was
critical and why, and the recommendations related to it."""

from __future__ import annotations

import json
import re
from collections import defaultdict
from datetime import date
from pathlib import Path
from typing import Any

from knowledge.records import KIND_NAMES, KIND_PLURALS
from knowledge.text import fold

from .data import Catalog, child_prefix, level_rule, metric_label, metric_unit, report_date, resolve_plan, rule_sources
from .escape import shorten
from .matrix import load_items, recommendation_row, related, units_of
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
    fmt_value,
    safe_filename,
    source_of,
)

# Columns of the per-indicator table, in order; other metrics go to the implementation table.
INDICATOR_METRICS = ("logro_esperado", "valor_obtenido", "avance", "avance_corregido", "avance_tipo1",
                     "avance_tipo2", "nivel")
# The figure that summarises an action in a period, best first.
SUMMARY_METRICS = ("avance_pei", "avance_tipo1", "avance_corregido", "avance", "avance_tipo2")



def kind_name(code: str) -> str:
    if re.fullmatch(r"\d\.0", code):
        return "Objetivo general"
    if re.fullmatch(r"\d\.\d{1,2}", code):
        return "Objetivo específico"
    name = KIND_NAMES.get(code[:3])
    return name.title().replace(" De ", " de ") if name else "Objetivo o acción"


class Gather:
    """The rows of one code in one plan."""

    def __init__(self, cat: Catalog, code: str, plan: str):
        self.cat, self.code, self.plan = cat, code, plan
        self.prefix = child_prefix(code)
        like = f"{self.prefix}%" if self.prefix else "\x00"
        q = cat.rows
        self.entities = q("select * from entities where plan = ? and code = ? order by file, line_start", (plan, code))
        self.children = q("select * from entities where plan = ? and (parent = ? or code like ?) and code != ?"
                          " order by code, file, line_start", (plan, code, like, code))
        self.measurements = q("select * from measurements where plan = ? and owner = ?"
                              " order by period, year, line_start, id", (plan, code))
        self.child_measurements = q("select * from measurements where plan = ? and owner like ?"
                                    " order by owner, period, line_start, id", (plan, like))
        self.indicators = q("select * from indicators where plan = ? and owner = ? order by code, line_start",
                            (plan, code))
        self.targets = q("select * from targets where plan = ? and owner = ? order by indicator_code, year",
                         (plan, code))
        self.critical = q("select * from critical_actions where plan = ? and (owner = ? or owner like ?)"
                          " order by period, owner, line_start", (plan, code, like))
        # periods whose report names critical actions at all: elsewhere "not critical" is unknown
        self.critical_periods = {r["period"] for r in q(
            "select distinct period from critical_actions where plan = ?", (plan,))}
        self.activities = q("select * from activities where plan = ? and owner = ?"
                            " order by avance_fisico is null, avance_fisico, aoi", (plan, code))
        parent = next((e["parent"] for e in self.entities if e.get("parent")), None)
        self.parent = parent
        self.parent_rows = q("select * from entities where plan = ? and code = ? order by file, line_start",
                             (plan, parent)) if parent else []

    def src(self, row: dict[str, Any]) -> Source:
        return source_of(row, self.cat.titles)

    def ruta_src(self, row: dict[str, Any]) -> Source:
        """Where the priority was read (the ruta estratégica), when the extractor kept it apart."""
        if row.get("ruta_line_start"):
            return source_of({"file": row["file"], "locator": row.get("ruta_locator"),
                              "line_start": row["ruta_line_start"], "line_end": row.get("ruta_line_end")},
                             self.cat.titles)
        return self.src(row)

    def baseline_src(self, row: dict[str, Any]) -> Source | None:
        if row.get("baseline_line_start"):
            return source_of({"file": row["file"], "locator": row.get("baseline_locator"),
                              "line_start": row["baseline_line_start"], "line_end": row.get("baseline_line_end")},
                             self.cat.titles)
        return None

    def periods(self) -> list[str]:
        periods = {m["period"] for m in self.measurements + self.child_measurements if m.get("period")}
        periods |= {c["period"] for c in self.critical if c.get("period")}
        return sorted(periods, key=self.period_key)

    def period_key(self, period: str) -> tuple:
        docs = [d for d in self.cat.documents if d["period"] == period]
        when = max((report_date(d) or date.min for d in docs), default=date.min)
        return (when, period)


def objective_brief(cat: Catalog, code: str, plan_wanted: str | None, today: date,
                    updates_db: Path | None = None) -> Brief:
    plan, others, reason = resolve_plan(cat, code, plan_wanted)
    g = Gather(cat, code, plan)
    periods = g.periods()
    title = _first(g.entities, "title")
    brief = Brief(
        kind="objetivo", plan=plan, period=periods[-1] if periods else None,
        title=f"{code} — {title}" if title else code,
        subtitle=f"{kind_name(code)} · {plan} · "
                 + (f"períodos evaluados: {', '.join(periods)}" if periods else "sin mediciones en el índice"),
        filename=safe_filename("brief", code, periods[-1] if periods else _plan_span(plan)),
    )
    brief.notes.append(f"Plan: {plan} ({reason}).")
    if others:
        brief.notes.append(f"El código {code} también existe en {', '.join(others)}, donde designa otro "
                           "objetivo o acción; indique el plan para obtener ese brief.")
    brief.sections.append(_sheet(g))
    brief.sections.append(_indicators(g))
    brief.sections.append(_progress(g, periods))
    if g.prefix and g.children:
        brief.sections.append(_children(g, periods))
    brief.sections.append(_critical(g, periods))
    recs = _recommendations(g, today, updates_db)
    if recs:
        brief.sections.append(recs)
    return brief


def _plan_span(plan: str) -> str:
    m = re.search(r"(19|20)\d\d\s*-\s*(19|20)\d\d", plan)
    return m.group(0).replace(" ", "") if m else ""


def _first(rows: list[dict], key: str) -> Any:
    return next((r[key] for r in rows if r.get(key) not in (None, "")), None)


def _sheet(g: Gather) -> Section:
    facts = Facts()
    titles: dict[str, list[Source]] = {}
    for e in g.entities:
        if e.get("title"):
            titles.setdefault(_title_key(e["title"]), []).append(g.src(e))
    shown = {}
    for e in g.entities:
        if e.get("title") and _title_key(e["title"]) not in shown:
            shown[_title_key(e["title"])] = e["title"]
    for e in g.entities:
        for text, src in _variants(g, e):
            shown.setdefault(_title_key(text), text)
            titles.setdefault(_title_key(text), []).append(src)
    if not shown:
        facts.add("Denominación", None)
    for i, (key, text) in enumerate(shown.items()):
        facts.add("Denominación" if i == 0 else "Denominación (otra redacción)", text, titles[key])
    facts.add("Plan", g.plan)
    if g.parent:
        parent_title = _first(g.parent_rows, "title")
        facts.add("Objetivo al que contribuye", f"{g.parent} — {parent_title}" if parent_title else g.parent,
                  [g.src(r) for r in g.parent_rows[:1]] or [g.src(e) for e in g.entities if e.get("parent")][:1])
    for key, label in (("priority", "Prioridad (ruta estratégica)"), ("tipo", "Tipo"),
                       ("pgg", "Vinculación con la Política General de Gobierno")):
        rows = [e for e in g.entities if e.get(key) not in (None, "")]
        if rows or key == "priority":
            srcs = ([g.ruta_src(rows[0])] if key in ("priority", "pgg") else [g.src(rows[0])]) if rows else []
            facts.add(label, str(rows[0][key]) if rows else None, srcs)
    for key, label in (("responsible", "Unidad(es) responsable(s)"),
                       ("responsible_direct", "Responsables directos"),
                       ("responsible_subsidiary", "Responsables subsidiarios")):
        rows = [e for e in g.entities if e.get(key)]
        if rows or key == "responsible":
            facts.add(label, "; ".join(units_of(rows[0][key])) if rows else None, [g.src(rows[0])] if rows else [])
    if g.prefix:
        codes = sorted({c["code"] for c in g.children}, key=code_key)
        facts.add(f"{children_label(g.code)} en el índice",
                  f"{len(codes)}: {', '.join(codes)}" if codes else None,
                  _distinct([g.src(c) for c in g.children])[:3])
    return Section("Ficha", [facts])


def _variants(g: Gather, entity: dict[str, Any]) -> list[tuple[str, Source]]:
    """Other wordings of a title the extractor kept (with the line each was read at)."""
    raw = entity.get("title_variants")
    if not raw:
        return []
    try:
        items = json.loads(raw) if isinstance(raw, str) else raw
    except ValueError:
        items = [raw]
    out = []
    for v in items if isinstance(items, list) else [items]:
        if isinstance(v, dict) and v.get("title"):
            line = v.get("line") or entity.get("line_start")
            out.append((str(v["title"]), g.src({"file": v.get("file") or entity["file"],
                                                "locator": v.get("locator") or entity.get("locator"),
                                                "line_start": line, "line_end": line})))
        elif isinstance(v, str) and v.strip():
            out.append((v, g.src(entity)))
    return out


def children_label(code: str) -> str:
    """What the entries under an objective are called in its plan's vocabulary."""
    if code.startswith("OES"):
        return KIND_PLURALS["AES"].capitalize()
    if re.fullmatch(r"\d\.0", code):
        return "Objetivos específicos"
    return "Acciones estratégicas"


def code_key(code: str) -> tuple:
    """Natural order: 1.2 before 1.10."""
    return tuple(int(x) if x.isdigit() else x for x in re.split(r"(\d+)", code))


def _title_key(title: str) -> str:
    return re.sub(r"[^a-z0-9]+", "", fold(title))


def _distinct(sources: list[Source]) -> list[Source]:
    return list(dict.fromkeys(sources))


# ---- indicators, baseline and targets --------------------------------------------------------

def _indicators(g: Gather) -> Section:
    section = Section("Indicadores, línea de base y metas")
    by_code: dict[str, dict[str, Any]] = {}
    for ind in g.indicators:
        key = ind.get("code") or ind.get("name") or ""
        by_code.setdefault(key, {"row": ind, "targets": {},
                                 "sources": [x for x in (g.src(ind), g.baseline_src(ind)) if x]})
    for t in g.targets:
        key = t.get("indicator_code") or t.get("indicator_name") or ""
        entry = by_code.setdefault(key, {"row": {"code": t.get("indicator_code"), "name": t.get("indicator_name")},
                                         "targets": {}, "sources": []})
        if t.get("year") is not None:
            entry["targets"].setdefault(int(t["year"]), t)
        entry["sources"].append(g.src(t))
    if not by_code:
        named = {m.get("indicator_name"): g.src(m) for m in g.measurements if m.get("indicator_name")}
        if named:  # the plan's own table is not in the corpus, but the reports name what they measure
            section.blocks.append(Text(f"Los informes de evaluación miden {g.code} con: "
                                       + "; ".join(f"«{n}»" for n in named)
                                       + f". Su línea de base y sus metas no figuran en los documentos de {g.plan}.",
                                       list(dict.fromkeys(named.values()))))
        else:
            section.blocks.append(Text(f"{MISSING}: el índice no registra indicadores ni metas de {g.code} "
                                       f"en {g.plan}."))
        return section
    years = sorted({y for e in by_code.values() for y in e["targets"]})[-8:]
    table = Table(["Indicador", "Línea de base", *[f"Meta {y}" for y in years]],
                  widths=[42, 14, *[10] * len(years)])
    charts = []
    for key, entry in by_code.items():
        ind = entry["row"]
        name = " ".join(x for x in (ind.get("code"), ind.get("name")) if x) or key
        extra = [x for x in (ind.get("unit"), ind.get("sentido") and f"sentido {ind['sentido']}") if x]
        if extra:
            name += f" ({'; '.join(extra)})"
        if ind.get("formula"):
            name += f". Fórmula: {shorten(ind['formula'], 160)}"
        base = fmt_value(ind.get("baseline_value"), ind.get("baseline_raw"))
        if base and ind.get("baseline_year"):
            base += f" ({ind['baseline_year']})"
        cells = [name, base]
        for y in years:
            t = entry["targets"].get(y)
            cells.append(fmt_value(t.get("value"), t.get("raw")) if t else None)
        table.add(cells, _distinct(entry["sources"]))
        series = [(f"LB {ind['baseline_year']}" if ind.get("baseline_year") else "LB", ind.get("baseline_value"))]
        series += [(str(y), entry["targets"][y].get("value")) for y in years if y in entry["targets"]]
        if sum(v is not None for _, v in series) >= 2 and len(charts) < 3:
            charts.append(Chart(f"Línea de base y metas — {ind.get('code') or shorten(ind.get('name'), 60)}",
                                [c for c, _ in series], [("Valor", [v for _, v in series])], unit="",
                                sources=_distinct(entry["sources"]), horizontal=False))
    section.blocks.append(table)
    if len(years) < 1:
        section.blocks.append(Text(f"{MISSING}: no hay metas anuales de {g.code} en el texto del plan indexado.",
                                   style="note"))
    section.blocks.extend(charts)
    return section


# ---- measurements per period ------------------------------------------------------------------

def _period_label(m: dict[str, Any]) -> str:
    period = m.get("period") or MISSING
    year = m.get("year")
    return f"{period} (año {year})" if year and str(year) != period else period


def _measure_text(m: dict[str, Any]) -> str | None:
    if m["metric"] == "nivel":
        return (m.get("raw") or "").strip() or None
    return fmt_value(m.get("value"), m.get("raw"), metric_unit(m["metric"]))


def _progress(g: Gather, periods: list[str]) -> Section:
    section = Section("Avance por período")
    if not g.measurements:
        if g.child_measurements:
            section.blocks.append(Text(f"Los informes miden {g.code} a través de sus acciones estratégicas "
                                       "(ver la sección siguiente).", style="note"))
        else:
            section.blocks.append(Text(f"{MISSING}: no hay mediciones de {g.code} en los informes del índice "
                                       f"para {g.plan}."))
        return section
    section.blocks.extend(_indicator_table(g))
    section.blocks.extend(_document_notes(g))
    other = [m for m in g.measurements if m["metric"] not in INDICATOR_METRICS]
    levels = _computed_levels(g, g.code, g.measurements)
    if other or levels:
        table = Table(["Período", "Concepto", "Valor"], widths=[16, 45, 14])
        for m in other:
            table.add([_period_label(m), metric_label(m["metric"]), _measure_text(m)], [g.src(m)])
        for period, (level, m, sources) in levels.items():
            table.add([period, f"Nivel según la regla del informe (sobre el {metric_label(m['metric']).lower()})",
                       level], sources)
        section.blocks.append(table)
    section.blocks.extend(_yearly_charts(g))
    chart = _progress_chart(g, periods)
    if chart:
        section.blocks.append(chart)
    return section


def _yearly_charts(g: Gather, limit: int = 2) -> list[Chart]:
    """Logro esperado and valor obtenido year by year, where a report gives a yearly series."""
    series: dict[str, dict[str, dict[int, dict]]] = defaultdict(lambda: defaultdict(dict))
    for m in g.measurements:
        if m["metric"] in ("logro_esperado", "valor_obtenido") and m.get("year"):
            name = m.get("indicator_name") or m.get("indicator_code") or ""
            series[name][m["metric"]].setdefault(int(m["year"]), m)
    charts = []
    for name, by_metric in series.items():
        years = sorted({y for rows in by_metric.values() for y in rows})
        if len(years) < 3 or len(charts) >= limit:
            continue
        data = [(metric_label(metric), [rows[y].get("value") if y in rows else None for y in years])
                for metric, rows in sorted(by_metric.items(), key=lambda x: x[0] != "logro_esperado")]
        sources = _distinct([g.src(m) for rows in by_metric.values() for m in rows.values()])
        charts.append(Chart(f"Logro esperado y valor obtenido por año — {shorten(name, 70)}", [str(y) for y in years],
                            data, unit="", sources=sources, horizontal=False))
    return charts


def _indicator_table(g: Gather) -> list[Table]:
    groups: dict[tuple, dict[str, dict]] = defaultdict(dict)
    for m in g.measurements:
        if m["metric"] not in INDICATOR_METRICS:
            continue
        key = (m.get("period") or "", m.get("year") or 0, m.get("indicator_code") or m.get("indicator_name") or "")
        groups[key].setdefault(m["metric"], m)
    if not groups:
        return []
    _merge_unnamed(groups)
    metrics = [x for x in INDICATOR_METRICS if any(x in row for row in groups.values())]
    table = Table(["Período", "Indicador", *[metric_label(x) for x in metrics]],
                  widths=[13, 36, *[11] * len(metrics)])
    for key in sorted(groups, key=lambda k: (g.period_key(k[0]), k[1], k[2])):
        row = groups[key]
        first = next(iter(row.values()))
        name = " ".join(x for x in (first.get("indicator_code"), first.get("indicator_name")) if x)
        sentido = first.get("sentido")
        if sentido:
            name = f"{name} (sentido: {sentido})" if name else f"sentido: {sentido}"
        cells = [_period_label(first), name or "indicador no indicado en la fuente"]
        cells += [_measure_text(row[x]) if x in row else None for x in metrics]
        table.add(cells, _distinct([g.src(m) for m in row.values()]))
    return [table]


def _summary(rows: list[dict]) -> dict | None:
    """The figure that stands for an action in a period (avance PEI first), with a value."""
    ranked = [m for m in rows if m["metric"] in SUMMARY_METRICS and m.get("value") is not None]
    return min(ranked, key=lambda m: SUMMARY_METRICS.index(m["metric"]), default=None)


def _computed_levels(g: Gather, code: str, rows: list[dict]) -> dict[str, tuple[str | None, dict, list[Source]]]:
    """period → (level by the report's own cut-offs, the figure used, sources), for actions."""
    if code[:1] == "O":
        return {}  # the reports declare their cut-offs for actions
    by_period: dict[str, list[dict]] = defaultdict(list)
    for m in rows:
        if m.get("year") is None or str(m["year"]) == str(m.get("period"))[:4]:
            by_period[m.get("period") or ""].append(m)
    out = {}
    for period in sorted(by_period, key=g.period_key):
        m = _summary(by_period[period])
        rule = level_rule(g.cat, m["file"]) if m else None
        if m and rule:
            out[period] = (rule.level(m["value"]), m, [g.src(m), *rule_sources(g.cat, rule)])
    return out


def _document_notes(g: Gather) -> list[Text]:
    """What a document printed instead of a value, when it is an explanation rather than "NC"."""
    seen: dict[str, list[Source]] = {}
    for m in g.measurements:
        raw = (m.get("raw") or "").strip()
        if m.get("value") is None and m["metric"] != "nivel" and len(raw) > 12:
            seen.setdefault(raw, []).append(g.src(m))
    return [Text(f"En lugar de un valor, el documento dice: «{shorten(raw, 400)}»", _distinct(srcs), style="note")
            for raw, srcs in list(seen.items())[:3]]


def _merge_unnamed(groups: dict[tuple, dict[str, dict]]) -> None:
    """A level or avance stated in prose names no indicator; when the period has exactly one
    named indicator, it is that indicator's row (each value keeps its own source)."""
    for key in [k for k in groups if not k[2]]:
        named = [k for k in groups if k[:2] == key[:2] and k[2]]
        if len(named) == 1:
            target = groups[named[0]]
            for metric, row in groups[key].items():
                target.setdefault(metric, row)
            if all(metric in target and target[metric] is row for metric, row in groups[key].items()):
                del groups[key]


def _progress_chart(g: Gather, periods: list[str]) -> Chart | None:
    """Every percentage the reports give for the code, period by period."""
    labels, values, sources = [], [], []
    for m in sorted(g.measurements, key=lambda m: (g.period_key(m.get("period") or ""), m.get("year") or 0)):
        if metric_unit(m["metric"]) != "%" or m.get("value") is None:
            continue
        label = f"{_period_label(m)} · {metric_label(m['metric']).split(' (')[0]}"
        if label in labels:
            continue
        labels.append(label)
        values.append(float(m["value"]))
        sources.append(g.src(m))
    if len(values) < 2:
        return None
    return Chart(f"Avances de {g.code} por período (%)", labels, [("Avance", values)], unit="%",
                 sources=_distinct(sources), reference=GOAL)


# ---- the actions of an objective ---------------------------------------------------------------

def _children(g: Gather, periods: list[str]) -> Section:
    section = Section(f"{children_label(g.code)} del objetivo")
    titles: dict[str, tuple[str, dict]] = {}
    for c in g.children:
        titles.setdefault(c["code"], (c.get("title") or "", c))
    codes = sorted(set(titles) | {m["owner"] for m in g.child_measurements}, key=code_key)
    per: dict[str, dict[str, dict]] = defaultdict(dict)
    levels: dict[str, dict] = {}
    for m in g.child_measurements:
        if m["metric"] == "nivel":
            levels[m["owner"]] = m
            continue
        current = per[m["owner"]].get(m["period"])
        if m["metric"] in SUMMARY_METRICS and (
                current is None or SUMMARY_METRICS.index(m["metric"]) < SUMMARY_METRICS.index(current["metric"])):
            per[m["owner"]][m["period"]] = m
    critical = defaultdict(list)
    for c in g.critical:
        critical[c["owner"]].append(c.get("period") or "")
    measured_periods = [p for p in periods if any(p in per[c] for c in codes)]
    table = Table(["Acción", *[f"Avance {p}" for p in measured_periods], "Nivel", "Crítica en"],
                  widths=[44, *[12] * len(measured_periods), 13, 12], levels=[1 + len(measured_periods)],
                  more="; todas en el brief de cada acción")
    for code in codes:
        title, row = titles.get(code, ("", None))
        sources = [g.src(row)] if row else []
        cells = [f"{code} {shorten(title, 110)}".strip()]
        for p in measured_periods:
            m = per[code].get(p)
            if m:
                label = metric_label(m["metric"]).split(" (")[0]
                text = _measure_text(m)
                cells.append(f"{text} ({label.lower()})" if text else None)
                sources.append(g.src(m))
            else:
                cells.append(None)
        level = levels.get(code)
        if level and level.get("raw"):
            cells.append(f"{level['raw']} ({level.get('period')}, declarado)")
            sources.append(g.src(level))
        else:
            computed = _computed_levels(g, code, [m for m in g.child_measurements if m["owner"] == code])
            if computed:
                period, (lv, _m, srcs) = list(computed.items())[-1]
                cells.append(f"{lv} ({period}, regla del informe)" if lv else None)
                sources.extend(srcs)
            else:
                cells.append(None)
        said = [p for p in measured_periods if p in g.critical_periods]
        cells.append(", ".join(sorted(set(critical[code]), key=g.period_key)) or ("no" if said else None))
        table.add(cells, _distinct(sources))
    section.blocks.append(table)
    if measured_periods:
        series = []
        for p in measured_periods:
            series.append((p, [per[c][p]["value"] if p in per[c] else None for c in codes]))
        chart_sources = _distinct([g.src(per[c][p]) for c in codes for p in measured_periods if p in per[c]])
        section.blocks.append(Chart(f"Avance de las acciones de {g.code} por período (%)", codes, series,
                                    unit="%", sources=chart_sources, reference=GOAL))
    return section


# ---- critical status and related recommendations -------------------------------------------------

def _critical(g: Gather, periods: list[str]) -> Section:
    section = Section("Estado crítico")
    if g.critical:
        table = Table(["Acción", "Período", "Priorizada", "Motivo según el informe", "AOI señaladas"],
                      widths=[13, 10, 10, 56, 19])
        for c in g.critical:
            pri = {1: "sí", 0: "no"}.get(c.get("priorizado"))
            aois = ", ".join(units_of(c.get("aois"))) or None
            table.add([c["owner"], c.get("period"), pri, shorten(c.get("reason"), 300), aois], [g.src(c)])
        section.blocks.append(table)
    elif [p for p in periods if p in g.critical_periods]:
        said = [p for p in periods if p in g.critical_periods]
        section.blocks.append(Text(f"{g.code} no figura entre las acciones críticas que señalan los informes "
                                   f"de {', '.join(said)}."))
    elif periods:
        section.blocks.append(Text(f"{MISSING}: los informes de {', '.join(periods)} no señalan acciones críticas "
                                   "en el índice."))
    else:
        section.blocks.append(Text(f"{MISSING}: no hay informes de evaluación de {g.plan} en el índice."))
    if g.activities:
        shown = g.activities[:10]
        table = Table(["AOI", "Actividad operativa", "Período", "Avance físico"], widths=[18, 52, 10, 12],
                      caption=f"Actividades operativas de {g.code}, de menor a mayor avance físico "
                              f"({len(shown)} de {len(g.activities)})")
        for a in shown:
            table.add([a.get("aoi"), shorten(a.get("description"), 160), a.get("period"),
                       fmt_value(a.get("avance_fisico"), a.get("raw"), "%")], [g.src(a)])
        section.blocks.append(table)
    return section


def _recommendations(g: Gather, today: date, updates_db: Path | None) -> Section | None:
    files = [d["file"] for d in g.cat.documents if d["plan"] == g.plan]
    if not files:
        return None
    items = load_items(g.cat, today, updates_db, files=files)
    if not items:
        return None
    texts = [e.get("title") or "" for e in g.entities + g.children]
    texts += [i.get("name") or "" for i in g.indicators]
    texts += [m.get("indicator_name") or "" for m in g.measurements]
    units = [u for e in g.entities for u in units_of(e.get("responsible"))]
    found = related(items, texts, units, limit=4)
    section = Section("Recomendaciones relacionadas", optional=True)
    if not found:
        section.blocks.append(Text("Ninguna recomendación de los informes comparte términos distintivos con "
                                   f"{g.code}.", style="note"))
        return section
    table = Table(["Ref.", "Recomendación", "Estado actual", "Vence"], widths=[14, 48, 27, 11],
                  more="; todas, con su historial, en /recomendaciones")
    for item in found:
        cells, sources = recommendation_row(g.cat, item, 180)
        table.add([cells[0], cells[1], cells[3], cells[4]], sources)
    section.blocks.append(table)
    section.blocks.append(Text("Relación estimada por coincidencia de términos entre la recomendación y la "
                               "denominación o los indicadores del objetivo; los informes no las vinculan por código.",
                               style="note"))
    return section
