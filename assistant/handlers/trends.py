"""Comparisons of subjects and series over years: differences, trends, the best and worst year."""

from __future__ import annotations

import re
from typing import Any

from knowledge.text import fold

from ..answer import METRIC_LABELS, Answer, fmt, not_found
from ..resolve import describe_period, period_key
from . import Context
from .measures import DEFAULT_ORDER, METRIC_WORDS, measurements, pick_plan


def answer_compare(ctx: Context) -> Answer | None:
    """Two figures of one action: avance PEI vs POI (gap in percentage points), or one metric
    across two periods."""
    q = ctx.q
    codes = [c for c in q.codes if not c.startswith("I")]
    if not codes:
        return None
    code = codes[0]
    plan, _ = pick_plan(ctx, code)
    rows = measurements(ctx, code, plan) if plan else []
    if not rows:
        return None
    text = q.text
    report = ctx.resolver.report_for(q)
    asked = [m for m, words in METRIC_WORDS if any(w in text for w in words)]
    if "pei" in text and "poi" in text:
        asked = ["avance_pei", "avance_poi"]
    if len(asked) >= 2:
        periods = sorted({r["period"] for r in rows if r["metric"] in asked[:2]}, key=period_key)
        if not periods:
            return None
        period = report["period"] if report and report["period"] in periods else periods[-1]
        year = next((y for y in ctx.q.years), None)

        def pick(metric: str) -> dict | None:
            options = [r for r in rows if r["metric"] == metric and r["period"] == period
                       and (year is None or r["year"] in (None, year))]
            return next((r for r in options if r["value"] is not None), options[0] if options else None)

        a, b = pick(asked[0]), pick(asked[1])
        if not a or not b:
            return None
        la, lb = METRIC_LABELS.get(a["metric"], a["metric"]), METRIC_LABELS.get(b["metric"], b["metric"])
        extra = [x for x in (pick(m) for m in asked[2:4]) if x]
        also = "".join(f"; {METRIC_LABELS.get(x['metric'], x['metric'])} {fmt(x['value'], x['raw'])}" for x in extra)
        if a["value"] is None or b["value"] is None:
            return Answer(f"{code}, {describe_period(period)}: {la} {fmt(a['value'], a['raw'])} y {lb} "
                          f"{fmt(b['value'], b['raw'])}{also}; la diferencia no es calculable.", intent="compare",
                          entities=ctx.entities(plan=plan, period=period, code=code)).cite(a, b, *extra)
        gap = round(a["value"] - b["value"], 2)
        percent = "%" in la and "%" in lb
        unit = "puntos porcentuales" if percent else "unidades"
        answer = Answer(
            f"{code} ({plan}), {describe_period(period)}: {la} {fmt(a['value'])} frente a {lb} {fmt(b['value'])}; "
            f"diferencia {fmt(abs(gap))} {unit} ({la} {'mayor' if gap > 0 else 'menor'}; "
            f"cálculo: {fmt(a['value'])} − {fmt(b['value'])} = {fmt(gap)}){also}.",
            intent="compare", entities=ctx.entities(plan=plan, period=period, code=code),
            columns=["Medida", "Valor"],
            rows=[[la, a["value"]], [lb, b["value"]], *[[METRIC_LABELS.get(x["metric"], x["metric"]),
                                                          x["value"] if x["value"] is not None else x["raw"]]
                                                         for x in extra],
                  [f"Diferencia ({'p.p.' if percent else 'unidades'})", gap]])
        return answer.cite(a, b, *extra)
    if len(codes) >= 2:
        return _compare_codes(ctx, codes, asked)
    metric = asked[0] if asked else None
    periods = sorted({r["period"] for r in rows if r["period"]}, key=period_key)
    two_periods = len(set(q.years)) >= 2 or (q.semester and re.search(
        r"\banual|\bano( 20\d\d)? completo|\bcierre|\btodo el ano|\bano 20\d\d", text))
    if len(periods) < 2 or not two_periods:
        return None  # one period: the avance answer (with the report's own counts) says it
    table, cited = [], []
    for period in periods:
        candidates = [r for r in rows if r["period"] == period and (metric is None or r["metric"] == metric)
                      and r["metric"] in DEFAULT_ORDER and r["metric"] != "nivel"]
        candidates.sort(key=lambda r: DEFAULT_ORDER.index(r["metric"]))
        for r in candidates[:3]:
            table.append([describe_period(period), METRIC_LABELS.get(r["metric"], r["metric"]),
                          r["value"] if r["value"] is not None else r["raw"]])
            cited.append(r)
    if not table:
        return None
    answer = Answer(f"{code} ({plan}) en los distintos informes: " + "; ".join(
        f"{t[0]}: {t[1]} {fmt(t[2]) if isinstance(t[2], float) else t[2]}" for t in table) + ".",
        intent="compare", entities=ctx.entities(plan=plan, code=code), columns=["Período", "Medida", "Valor"],
        rows=table)
    return answer.cite(*cited)


def _compare_codes(ctx: Context, codes: list[str], asked: list[str]) -> Answer | None:
    """The same measures of two or more actions in one report period ("Europa vs África")."""
    report = ctx.resolver.report_for(ctx.q) or ctx.resolver.latest_report()
    metrics = asked or ["valor_obtenido", "logro_esperado", "avance_pei", "avance_tipo1", "avance"]
    table, cited, parts = [], [], []
    for code in codes:
        rows = [r for r in ctx.store.rows("select * from measurements where owner = ? and file = ? order by id",
                                          (code, report["file"])) if r["metric"] in metrics] if report else []
        rows.sort(key=lambda r: metrics.index(r["metric"]))
        if not rows:
            parts.append(f"{code}: sin mediciones en ese informe")
            continue
        parts.append(f"{code}: " + ", ".join(f"{METRIC_LABELS.get(r['metric'], r['metric'])} {fmt(r['value'], r['raw'])}"
                                             for r in rows[:3]))
        table += [[code, METRIC_LABELS.get(r["metric"], r["metric"]), r["value"] if r["value"] is not None else r["raw"]]
                  for r in rows]
        cited += rows[:2]
    if not cited:
        return None
    answer = Answer(f"Informe de {describe_period(report['period'])}: " + "; ".join(parts) + ".", intent="compare",
                    entities=ctx.entities(period=report["period"]), columns=["Código", "Medida", "Valor"], rows=table)
    return answer.cite(*cited)


def answer_trend(ctx: Context) -> Answer | None:
    """Values per year (PESEM-style): year-on-year change, largest fall/rise, best or worst year."""
    q = ctx.q
    text = q.text
    if q.plan_hint == "sectorial" or q.semester or ctx.resolver.report_for(q):
        return None  # yearly series are the PESEM's; a report period is answered by the report's figures
    codes = [c for c in q.codes if not c.startswith("I")]
    metric = "avance_tipo2" if "tipo 2" in text else ("avance_tipo1" if "tipo 1" in text else "valor_obtenido")
    indicator_name = None
    matches = ctx.resolver.match_indicators(q, None, min_score=0.45)
    if matches and (not codes or matches[0].row["owner"] in codes):
        indicator_name = matches[0].row["name"]
        codes = codes or [matches[0].row["owner"]]
    sql = "select * from measurements where metric = ? and year is not null"
    params: list[Any] = [metric]
    if codes:
        sql += f" and owner in ({','.join('?' * len(codes))})"
        params += codes
    else:
        scope = "OES" if re.search(r"\boes\b|objetivos estrategicos sectoriales", text) else (
            "AES" if re.search(r"\baes\b|acciones estrategicas sectoriales", text) else None)
        if scope is None:
            return None
        sql += " and owner like ?"
        params.append(f"{scope}%")
    rows = ctx.store.rows(sql + " order by id", tuple(params))
    if indicator_name:
        rows = [r for r in rows if fold(r["indicator_name"] or "") == fold(indicator_name)] or rows
    if not rows:
        return None
    series: dict[tuple[str, str], dict[int, dict]] = {}
    for r in rows:
        slot = series.setdefault((r["owner"], r["indicator_name"] or ""), {})
        if r["year"] not in slot or (slot[r["year"]]["value"] is None and r["value"] is not None):
            slot[r["year"]] = r
    years = sorted({y for s in series.values() for y in s})
    asked = [y for y in q.years if y in years]
    if q.years and not asked:
        return not_found(f"No hay valores para {', '.join(map(str, q.years))}; los años disponibles son "
                         f"{years[0]}–{years[-1]}.", "trend", ctx.entities())
    span = [y for y in years if (min(asked) <= y <= max(asked))] if len(asked) >= 2 else years
    if re.search(r"en que ano|que ano", text):
        return _best_year(ctx, series, span, metric, lowest=bool(re.search(r"\b(menor|minimo|peor)\b", text)))
    if len(series) <= 3 and not re.search(r"\bmayor\b|\bmenor\b|\bcual\b", text):
        return _series(ctx, series, span, metric)
    y1, y2 = (span[-2], span[-1]) if len(span) >= 2 else (years[-2], years[-1])
    changes = []
    for (owner, name), by_year in series.items():
        a, b = by_year.get(y1), by_year.get(y2)
        if a and b and a["value"] not in (None, 0) and b["value"] is not None:
            changes.append(((b["value"] - a["value"]) / abs(a["value"]) * 100, owner, name, a, b))
    if not changes:
        return None
    if re.search(r"\bcuant[oa]s\b", text):
        return _count_changes(ctx, changes, y1, y2, len(series), metric)
    rising = bool(re.search(r"\b(aumento|subio|crecio|mayor alza|mejor)\b", text))
    changes.sort(key=lambda c: -c[0] if rising else c[0])
    pct, owner, name, a, b = changes[0]
    label = METRIC_LABELS.get(metric, metric)
    answer_text = (f"{'Mayor aumento' if rising else 'Mayor caída'} entre {y1} y {y2}: «{name}» ({owner}), "
                   f"{label} de {fmt(a['value'], a['raw'])} a {fmt(b['value'], b['raw'])}: "
                   f"{'sube' if pct > 0 else 'cae'} {abs(pct):.1f}% (cálculo: ({fmt(b['value'])} − "
                   f"{fmt(a['value'])}) / {fmt(a['value'])} × 100 = {pct:+.1f}%).")
    said = _document_says(ctx, name, y2, a["file"])
    if said:
        answer_text += f" El reporte lo expresa así: «{said['text'][:300]}»"
    table = [[o, n, fmt(x["value"], x["raw"]), fmt(y["value"], y["raw"]), round(p, 1)] for p, o, n, x, y in changes]
    answer = Answer(answer_text, intent="trend", entities=ctx.entities(),
                    columns=["Código", "Indicador", str(y1), str(y2), "Variación (%)"], rows=table)
    return answer.cite(a, b, *([said] if said else []))


def _count_changes(ctx: Context, changes: list, y1: int, y2: int, total: int, metric: str) -> Answer:
    """"¿Con cuántos indicadores … y cuántos cayeron?": indicators counted, falls and rises between two years."""
    falls = [c for c in changes if c[0] < 0]
    rises = [c for c in changes if c[0] > 0]
    label = METRIC_LABELS.get(metric, metric)
    text = (f"Se miden con {total} indicadores; entre {y1} y {y2} ({label}) {len(falls)} cayeron, {len(rises)} subieron"
            f" y {len(changes) - len(falls) - len(rises)} no cambiaron. Cayeron: "
            + "; ".join(f"«{n}» ({o}) {abs(p):.1f}%" for p, o, n, _, _ in sorted(falls)) + ".")
    answer = Answer(text, intent="trend", entities=ctx.entities(),
                    columns=["Código", "Indicador", str(y1), str(y2), "Variación (%)"],
                    rows=[[o, n, a["value"], b["value"], round(p, 1)] for p, o, n, a, b in changes])
    return answer.cite(*[c[4] for c in falls[:6]])


def _series(ctx: Context, series: dict, span: list[int], metric: str) -> Answer:
    """Each indicator's values over the years, with the change from one year to the next."""
    lines, table, cited = [], [], []
    for (owner, name), by_year in series.items():
        points = [(y, by_year[y]) for y in span if y in by_year]
        shown = []
        previous = None
        for y, row in points:
            change = ""
            if previous is not None and previous["value"] not in (None, 0) and row["value"] is not None:
                pct = (row["value"] - previous["value"]) / abs(previous["value"]) * 100
                change = f" ({'cae' if pct < 0 else 'sube'} {abs(pct):.1f}%)" if round(pct, 1) else " (sin cambio)"
                table.append([owner, name, y, row["value"], round(pct, 1)])
            else:
                table.append([owner, name, y, row["value"] if row["value"] is not None else row["raw"], None])
            shown.append(f"{y}: {fmt(row['value'], row['raw'])}{change}")
            previous = row
            cited.append(row)
        lines.append(f"«{name}» ({owner}): " + "; ".join(shown))
        said = _document_says(ctx, name, span[-1], points[-1][1]["file"]) if points else None
        if said:
            lines[-1] += f". El reporte comenta: «{said['text'][:300]}»"
            cited.append(said)
    label = METRIC_LABELS.get(metric, metric)
    answer = Answer(f"Evolución ({label}, {span[0]}–{span[-1]}): " + " | ".join(lines) + ".", intent="trend",
                    entities=ctx.entities(), columns=["Código", "Indicador", "Año", "Valor", "Variación (%)"],
                    rows=table)
    return answer.cite(*cited[:8])


def _best_year(ctx: Context, series: dict, span: list[int], metric: str, lowest: bool) -> Answer:
    lines, table, cited = [], [], []
    for (owner, name), by_year in series.items():
        points = [(y, by_year[y]) for y in span if y in by_year and by_year[y]["value"] is not None]
        if not points:
            continue
        year, row = (min if lowest else max)(points, key=lambda p: p[1]["value"])
        lines.append(f"«{name}» ({owner}): {'menor' if lowest else 'mayor'} valor en {year}, "
                     f"{fmt(row['value'], row['raw'])}")
        table += [[owner, name, y, r["value"]] for y, r in points]
        cited.append(row)
    answer = Answer(f"Entre {span[0]} y {span[-1]} ({METRIC_LABELS.get(metric, metric)}): " + "; ".join(lines) + ".",
                    intent="trend", entities=ctx.entities(), columns=["Código", "Indicador", "Año", "Valor"],
                    rows=table)
    return answer.cite(*cited)


def _document_says(ctx: Context, name: str, year: int, file: str) -> dict | None:
    """A sentence of the same report that comments the change, when there is one."""
    hits = ctx.store.search(f"{name} {year}", limit=5, files=[file])
    return next((h for h in hits if h["kind"] in ("paragraph", "list") and str(year) in h["text"]), None)
