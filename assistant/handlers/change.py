"""Change of one subject between two moments: a semester and the year, or two years.

"¿Cuántos puntos cambió el avance de la AEI.05.01 entre el primer semestre y el año 2024?" takes
the subject's avance in each report; "¿cuánto subió el indicador X de 2019 a 2020?" takes the
indicator's value in each year. The arithmetic comes from ``queries.operations.change``.
"""

from __future__ import annotations

import re

from queries.operations import change, number

from ..answer import METRIC_LABELS, Answer
from ..resolve import describe_period
from ..slots import read_slots
from . import Context

# Points between two moments; "¿cuánto cayó?" alone asks a rate, which the trend answers with the report's words.
POINTS_RE = re.compile(r"\b(cuantos puntos|en puntos|diferencia absoluta|como (?:vario|cambio|evoluciono)|diferencia (?:de|del|entre)(?! (?:la|el|los|las) (?:aei|oei|aes|oes)))")
VERB_RE = re.compile(r"\b(cambio|subio|bajo|aumento|disminuyo|vario|cayo|crecio|mejoro|empeoro|se redujo|se incremento)\b")
RANK_RE = re.compile(r"\b(en que ano|cual (?:fue )?(?:el )?ano|mas (?:bajo|alto)|mayor|menor)\b")
# The avance a report states for an action or objective, the annual measure first.
AVANCE_FAMILY = ("avance_tipo1", "avance", "avance_corregido", "avance_pei")
YEAR_VALUE_FAMILY = ("valor_obtenido",)
PERCENT_METRICS = {"avance", "avance_tipo1", "avance_tipo2", "avance_corregido", "avance_pei", "avance_poi"}


def _moments(ctx: Context) -> list[tuple[str, str | int]]:
    """Two (kind, key) moments: ("period", "2024-S1") or ("year", 2019)."""
    q = ctx.q
    years = sorted(set(q.years))
    if re.search(r"\blinea (de )?base\b", q.text) and len(years) == 1:
        return [("baseline", 0), ("target", years[0])]  # "¿cuántos puntos supone la meta 2030 sobre la línea de base?"
    if len(years) < 2 and q.span and not any(f"{q.span[0]}-{q.span[1]}" in p for p in ctx.resolver.plans):
        years = list(q.span)  # "2019-2020" is two years; "PESEM 2015-2021" is a plan, not a span of values
    reports = {d["period"] for d in ctx.resolver.report_docs}
    if len(years) == 2:
        return [("year", years[0]), ("year", years[1])]
    if re.search(r"\bsemestre\b", q.text) and re.search(r"\b(ano|anual|cierre|final)\b", q.text):
        year = years[0] if years else None
        pairs = [(p, p[:4]) for p in reports if p.endswith("-S1") and (year is None or p.startswith(str(year)))]
        for semester, y in sorted(pairs, reverse=True):
            if y in reports:
                return [("period", semester), ("period", y)]
    return []


def _value(ctx: Context, subject: str | None, name: str | None, moment: tuple[str, str | int],
           metrics: tuple[str, ...], like: dict | None = None) -> dict | None:
    """The value at one moment; ``like``: the other moment's fact, whose plan (and, for a plan's
    baseline and target, indicator) this one must share."""
    fb = ctx.resolver.facts
    kind, key = moment
    for metric in metrics:
        if kind in ("baseline", "target"):
            which = "linea_base" if kind == "baseline" else "meta"
            facts = [f for f in (fb.of(subject, which) if subject else []) if kind == "baseline" or f.get("year") == key]
        elif kind == "period":
            facts = fb.of(subject, metric, period=str(key)) if subject else []
        else:
            facts = [f for f in (fb.of(subject, metric) if subject else fb.by_metric_period_all(metric))
                     if f.get("year") == key]
        if name:
            facts = [f for f in facts if f.get("indicator_name") == name]
        facts = [f for f in facts if f.get("value") is not None]
        plan = ctx.resolver.plan_for_hint(ctx.q)
        if plan:
            facts = [f for f in facts if f.get("plan") == plan]
        if like is not None:
            facts = [f for f in facts if f.get("plan") == like.get("plan") and (
                kind not in ("baseline", "target") or f.get("indicator_code") == like.get("indicator_code"))]
        if facts:
            return facts[0]
    return None


def _named_indicator(ctx: Context, metric: str, subject: str | None) -> str | None:
    """An indicator named by its words (within the subject, if one is given), clearly ahead of its rivals."""
    fb = ctx.resolver.facts
    facts = fb.of(subject, metric) if subject else fb.by_metric_period_all(metric)
    return ctx.resolver.clearly_named(ctx.q, {f.get("indicator_name") for f in facts})


def _label(fact: dict, moment: tuple[str, str | int]) -> str:
    kind, key = moment
    if kind == "baseline":
        return f"línea de base ({fact.get('year') or 'sin año'})"
    if kind == "target":
        return f"meta {key}"
    if kind == "period":
        return f"{METRIC_LABELS.get(fact['metric'], fact['metric'])} en el {describe_period(str(key))}"
    return f"{METRIC_LABELS.get(fact['metric'], fact['metric'])} en {key}"


def answer_change(ctx: Context) -> Answer | None:
    q = ctx.q
    if len(q.codes) > 1 or RANK_RE.search(q.text):
        return None
    moments = _moments(ctx)
    if not moments:
        return None
    if not (POINTS_RE.search(q.text) or (moments[0][0] != "year" and VERB_RE.search(q.text))):
        return None
    slots = read_slots(q)
    by_period = moments[0][0] != "year"
    generic = slots.metric in (None, "avance")  # "el avance" of an action: whatever avance each report states
    metrics = (AVANCE_FAMILY if by_period else YEAR_VALUE_FAMILY) if generic else (slots.metric,)
    subject = q.codes[0] if q.codes else None
    name = _named_indicator(ctx, metrics[0], subject)
    if subject is None and name is None:
        return None
    start = _value(ctx, subject, name, moments[0], metrics)
    end = _value(ctx, subject, name, moments[1], metrics, like=start) if start else None
    if start is None or end is None:
        return None
    percent = start["metric"] in PERCENT_METRICS and end["metric"] in PERCENT_METRICS
    result = change(start["value"], end["value"], percent_points=percent)
    what = subject or f"«{name}»"
    if subject and name is None and start.get("indicator_name"):
        what += f" (indicador: {start['indicator_name']})"
    labels = [_label(f, m) for f, m in ((start, moments[0]), (end, moments[1]))]
    plan = start.get("plan")
    text = (f"{what} ({plan}): {result.arithmetic}. Es decir, {labels[0]} = {number(start['value'])} y "
            f"{labels[1]} = {number(end['value'])}; diferencia = {number(end['value'])} − {number(start['value'])} "
            f"= {number(result.points)}.")
    rows = [[_label(f, m), f.get("indicator_name") or "", number(f["value"])] for f, m in ((start, moments[0]), (end, moments[1]))]
    answer = Answer(text, intent="variacion", entities=ctx.entities(plan=plan, code=subject),
                    columns=["Momento", "Indicador", "Valor"], rows=rows)
    return answer.cite(start, end)
