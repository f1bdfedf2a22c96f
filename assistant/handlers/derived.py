"""Derived figures: counts under a threshold, shares, and indicators that did not change.

Each handler selects facts by slot (subjects, plan, period, metric), hands them to an operation of
``queries.operations`` and phrases the result with its arithmetic and sources.
"""

from __future__ import annotations

import re
from collections import defaultdict

from knowledge.records import KIND_PLURALS
from queries.operations import COMPARATOR_WORDS, number, share, threshold, unchanged
from queries.summaries import period_key

from ..answer import METRIC_LABELS, Answer
from ..resolve import describe_period
from ..slots import read_slots
from . import Context

# The avance measures an action or objective list is filtered on, in the order a report states them.
DEFAULT_AVANCE = ("avance_pei", "avance", "avance_tipo1")


def _scope(ctx: Context) -> tuple[str | None, str]:
    """(child-code prefix, kind) of the subjects asked: "AEI del OEI.01" → ("AEI.01.", "AEI")."""
    text = ctx.q.text
    parent = next((c for c in ctx.q.codes if re.fullmatch(r"O[EI][SI]\.\d\d", c)), None)
    if parent:
        child = "AES" if parent.startswith("OES") else "AEI"
        if re.search(r"\b(indicador|indicadores)\b", text) and not re.search(r"\b(aei|aes|acciones)\b", text):
            return parent, parent[:3]
        return f"{child}.{parent.split('.')[1]}.", child
    if re.search(r"\b(oei|objetivos)\b", text):
        return "OEI.", "OEI"
    if re.search(r"\b(oes)\b", text):
        return "OES.", "OES"
    if re.search(r"\b(aes)\b", text):
        return "AES.", "AES"
    return "AEI.", "AEI"


def _periods(ctx: Context, metric: str) -> list[str | None]:
    report = ctx.resolver.report_for(ctx.q)
    if report:
        return [report["period"]]
    periods = {p for (m, p) in ctx.resolver.facts.by_metric_period if m == metric}
    return sorted(periods, key=lambda p: period_key(p or ""), reverse=True)


def answer_threshold(ctx: Context) -> Answer | None:
    slots = read_slots(ctx.q)
    if slots.operation != "threshold" or slots.comparator is None or slots.limit is None:
        return None
    if len(re.findall(r"\d+(?:[.,]\d+)?\s*(?:%|por ciento)", ctx.q.text)) > 1:
        return None  # two thresholds in one question: the ranking handlers split it
    prefix, kind = _scope(ctx)
    plan = ctx.resolver.plan_for_hint(ctx.q)
    metrics = (slots.metric,) if slots.metric not in (None, "avance") else DEFAULT_AVANCE
    for metric in metrics:
        for period in _periods(ctx, metric):
            facts = [f for f in ctx.resolver.facts.measured(metric, period)
                     if (f.get("subject") or "").startswith(prefix or kind)
                     and (plan is None or f.get("plan") == plan)]
            if facts:
                return _threshold_answer(ctx, facts, metric, period, kind, prefix, slots.comparator, slots.limit)
    return None  # nothing measured to filter: the list and count handlers say what the report states


def _threshold_answer(ctx: Context, facts: list[dict], metric: str, period: str | None, kind: str,
                      prefix: str | None, comparator: str, limit: float) -> Answer:
    result = threshold(facts, comparator, limit)
    subjects = sorted({f["subject"] for f in result.kept})
    measured = sorted({f["subject"] for f in facts if f.get("value") is not None})
    label = METRIC_LABELS.get(metric, metric).replace(" (%)", "")
    scope = f" del {prefix.rstrip('.').replace('AEI.', 'OEI.').replace('AES.', 'OES.')}" \
        if prefix and prefix.count(".") == 2 else ""
    plan = facts[0].get("plan")
    part = share(len(subjects), len(measured))
    article = "las" if kind.startswith("A") else "los"
    head = (f"{part.arithmetic} de {article} {KIND_PLURALS.get(kind, kind)}{scope} ({plan}, "
            f"{describe_period(period)}) tuvieron {label} {COMPARATOR_WORDS[comparator]} {number(limit)} %")
    listing = ", ".join(f"{f['subject']} ({number(f['value'])} %)" for f in sorted(result.kept, key=lambda f: f["subject"]))
    text = head + (f": {listing}." if listing else ".")
    if result.without_value:
        text += " Sin valor numérico (no se cuentan): " + ", ".join(sorted({f["subject"] for f in result.without_value})) + "."
    kept = sorted(result.kept, key=lambda f: f["subject"])
    named = any(f.get("indicator_name") for f in kept)
    rows = [[f["subject"], *([f.get("indicator_name") or ""] if named else []), number(f["value"])] for f in kept]
    columns = ["Código", *(["Indicador"] if named else []), f"{label} (%)"]
    answer = Answer(text, intent="umbral", entities=ctx.entities(plan=plan, period=period, metric=metric),
                    columns=columns if rows else None, rows=rows or None)
    return answer.cite(*(result.kept or facts[:3]))


STATUS_LABELS = {"en proceso": "en proceso", "ejecutado/culminado": "ejecutada/culminada",
                 "no iniciado": "no iniciada", "sin información": "sin información"}


def answer_share(ctx: Context) -> Answer | None:
    """"¿Qué porcentaje de las recomendaciones figura como ejecutado?": part over the list, per report."""
    slots = read_slots(ctx.q)
    if slots.operation != "share" or "recomend" not in ctx.q.text or not ctx.q.statuses:
        return None
    status = ctx.q.statuses[0]
    report = ctx.resolver.report_for(ctx.q)
    rows = ctx.store.rows("select * from recommendations where list_kind = 'seguimiento' and status is not null "
                          "order by period, number")
    by_period: dict[str, list[dict]] = defaultdict(list)
    for r in rows:
        if report is None or r["period"] == report["period"]:
            by_period[r["period"]].append(r)
    if not by_period:
        return None
    parts, table, cited = [], [], []
    for period in sorted(by_period, key=period_key):
        recs = by_period[period]
        hit = [r for r in recs if r["status"] == status]
        s = share(len(hit), len(recs))
        numbers = ", ".join(str(r["number"]) for r in hit)
        parts.append(f"en el informe del {describe_period(period)}, {s.arithmetic} de las recomendaciones de "
                     f"seguimiento figuran como {STATUS_LABELS.get(status, status)}"
                     + (f" (n.º {numbers})" if numbers else ""))
        table.append([period, len(hit), len(recs), f"{number(s.percent, 1)} %" if s.percent is not None else "—"])
        cited.extend(hit or recs[:1])
    text = "; ".join(parts)
    answer = Answer(text[0].upper() + text[1:] + ".", intent="porcentaje",
                    entities=ctx.entities(status=status), columns=["Informe", "Con ese estado", "Total", "Porcentaje"],
                    rows=table)
    return answer.cite(*cited)


def answer_unchanged(ctx: Context) -> Answer | None:
    """"¿Qué indicador no varió entre 2019 y 2020?": equal values in both years, same indicator."""
    slots = read_slots(ctx.q)
    years = sorted(set(ctx.q.years))
    if len(years) < 2 and ctx.q.span and not any(f"{ctx.q.span[0]}-{ctx.q.span[1]}" in p for p in ctx.resolver.plans):
        years = list(ctx.q.span)
    if slots.operation != "unchanged" or len(years) != 2:
        return None
    metric = slots.metric or "valor_obtenido"
    series: dict[tuple, dict[int, dict]] = defaultdict(dict)
    for (m, _), facts in ctx.resolver.facts.by_metric_period.items():
        if m != metric:
            continue
        for f in facts:
            if f.get("year") in years:
                series[(f.get("plan"), f.get("subject"), f.get("indicator_code"), f.get("indicator_name"))][f["year"]] = f
    pairs = [(key, (v.get(years[0]) or {}).get("value"), (v.get(years[1]) or {}).get("value"))
             for key, v in series.items()]
    if not any(a is not None and b is not None for _, a, b in pairs):
        return None
    same = unchanged(pairs)
    label = METRIC_LABELS.get(metric, metric)
    if not same:
        return Answer(f"Ningún indicador repite su {label} entre {years[0]} y {years[1]}.", intent="variacion",
                      entities=ctx.entities(metric=metric)).cite(*[series[k][years[1]] for k, *_ in pairs[:3]
                                                                   if years[1] in series[k]])
    rows, cited = [], []
    for key in same:
        plan, subject, code, name = key
        a, b = series[key][years[0]], series[key][years[1]]
        rows.append([subject, name or code or "", number(a["value"]), number(b["value"])])
        cited += [a, b]
    listing = "; ".join(f"«{r[1]}» ({r[0]}): {r[2]} en {years[0]} y {r[3]} en {years[1]}" for r in rows)
    many = len(rows) > 1
    text = (f"{len(rows)} indicador{'es' if many else ''} no {'variaron' if many else 'varió'} su {label} entre "
            f"{years[0]} y {years[1]} ({same[0][0]}): {listing}.")
    return Answer(text, intent="variacion", entities=ctx.entities(metric=metric),
                  columns=["Código", "Indicador", str(years[0]), str(years[1])], rows=rows).cite(*cited)


LEVEL_RE = re.compile(r"\b(?:nivel|avance|desempeno|cumplimiento)\s+(alto|medio|bajo)\b|\b(alto|medio|bajo)\s+nivel\b")


def answer_level_share(ctx: Context) -> Answer | None:
    """"¿Qué porcentaje de las AEI del OEI.07 alcanzó nivel alto en 2024?": the report's count per
    level over its count of actions, per objective named (or all objectives added up)."""
    slots = read_slots(ctx.q)
    level = LEVEL_RE.search(ctx.q.text)
    if slots.operation != "share" or not level or "recomend" in ctx.q.text:
        return None
    name = level.group(1) or level.group(2)
    parents = [c for c in ctx.q.codes if re.fullmatch(r"OEI\.\d\d", c)]
    fb = ctx.resolver.facts
    for period in _periods(ctx, f"aei_{name}"):
        part = [f for f in fb.measured(f"aei_{name}", period) if not parents or f["subject"] in parents]
        whole = [f for f in fb.measured("aei_total", period) if not parents or f["subject"] in parents]
        if not part or not whole or any(f.get("value") is None for f in part + whole):
            continue
        s = share(int(sum(f["value"] for f in part)), int(sum(f["value"] for f in whole)))
        scope = ", ".join(parents) if parents else "todos los objetivos (suma de la tabla)"
        text = (f"En el informe del {describe_period(period)} ({part[0].get('plan')}), {s.arithmetic} de las acciones "
                f"estratégicas de {scope} tuvieron nivel {name}.")
        rows = [[f["subject"], number(f["value"]), number(w["value"])] for f in part for w in whole
                if w["subject"] == f["subject"]]
        return Answer(text, intent="porcentaje", entities=ctx.entities(period=period, level=name),
                      columns=["Objetivo", f"AEI con nivel {name}", "AEI evaluadas"], rows=rows).cite(*part, *whole)
    return None


MOST_CHILDREN_RE = re.compile(r"\b(?:que|cual)\s+(?:objetivo|oei|oes)\w*\b.{0,40}\b(mas|menos)\s+(?:acciones|aei|aes)\b|"
                              r"\b(?:que|cual)\s+(?:objetivo|oei|oes)\w*\b.{0,40}\b(mayor|menor)\s+(?:numero|cantidad)\s+de\s+"
                              r"(?:acciones|aei|aes)\b")


def answer_most_children(ctx: Context) -> Answer | None:
    """"¿Qué objetivo agrupa más acciones estratégicas?": actions counted per objective, per plan."""
    m = MOST_CHILDREN_RE.search(ctx.q.text)
    if not m:
        return None
    most = (m.group(1) or m.group(2)) in ("mas", "mayor")
    plan = ctx.resolver.plan_for_hint(ctx.q)
    counts: dict[tuple[str, str], list[dict]] = defaultdict(list)
    for e in ctx.resolver.entities:
        if e["kind"] in ("AEI", "AES") and e.get("parent") and (plan is None or e["plan"] == plan):
            counts[(e["plan"], e["parent"])].append(e)
    if not counts:
        return None
    parts, rows, cited = [], [], []
    for p in sorted({k[0] for k in counts}):
        mine = {k: v for k, v in counts.items() if k[0] == p}
        edge = (max if most else min)(len(v) for v in mine.values())
        winners = sorted(k[1] for k, v in mine.items() if len(v) == edge)
        parts.append(f"en el {p}, {', '.join(winners)} con {edge} acciones estratégicas")
        rows += [[p, k[1], len(v)] for k, v in sorted(mine.items())]
        cited += [mine[(p, w)][0] for w in winners]
    word = "más" if most else "menos"
    text = f"Objetivo con {word} acciones estratégicas: " + "; ".join(parts) + " (conteo de las acciones de cada objetivo)."
    return Answer(text, intent="ranking", entities=ctx.entities(plan=plan), columns=["Plan", "Objetivo", "Acciones"],
                  rows=rows).cite(*cited)
