"""Two indicators named by their words, side by side: "promoción económica vs promoción cultural
por órgano de servicio exterior, valores 2020". Each side is told apart by the words the other
side lacks; the value is the one each indicator has for the year or report asked."""

from __future__ import annotations

from knowledge.extract.prose_figures import content_stems
from queries.operations import number

from ..answer import METRIC_LABELS, Answer
from ..fallback import FILLER
from ..resolve import QUESTION_WORDS, describe_period
from ..slots import read_slots
from . import Context
from .figures import SIDES

IGNORED = FILLER | QUESTION_WORDS | {"valor", "valores", "pesem", "pei"}


def _stems(text: str) -> set[str]:
    return {s for s in content_stems(text) if s not in IGNORED}


def _pick(names: dict[str, set[str]], own: set[str], everything: set[str]) -> str | None:
    scored = sorted(((len(own & stems), len(everything & stems), name) for name, stems in names.items()
                     if own & stems), reverse=True)
    if not scored or (len(scored) > 1 and scored[0][:2] == scored[1][:2]):
        return None
    return scored[0][2]


def answer_named_compare(ctx: Context) -> Answer | None:
    q = ctx.q
    if q.codes:
        return None
    sides = SIDES.split(q.raw)
    if len(sides) != 2:
        return None
    metric = read_slots(q).metric or "valor_obtenido"
    plan = ctx.resolver.plan_for_hint(q)
    year = q.years[-1] if q.years else None
    report = ctx.resolver.report_for(q)
    facts = [f for f in ctx.resolver.facts.by_metric_period_all(metric) if f.get("indicator_name")
             and f.get("value") is not None and (plan is None or f.get("plan") == plan)
             and (report is None or f.get("period") == report["period"])
             and (year is None or report is not None or f.get("year") == year)]
    names = {}
    for f in facts:
        names.setdefault(f["indicator_name"], _stems(f["indicator_name"]))
    a, b = (_stems(s) for s in sides)
    everything = a | b
    left, right = _pick(names, a - b, everything), _pick(names, b - a, everything)
    if not left or not right or left == right:
        return None
    chosen = []
    for name in (left, right):
        found = sorted((f for f in facts if f["indicator_name"] == name), key=lambda f: -(f.get("year") or 0))
        chosen.append(found[0])
    when = describe_period(report["period"]) if report else str(chosen[0].get("year") or "")
    label = METRIC_LABELS.get(metric, metric)
    text = (f"{label.capitalize()} ({chosen[0].get('plan')}, {when}): "
            + "; ".join(f"«{f['indicator_name']}» ({f.get('subject')}) = {number(f['value'])}" for f in chosen) + ".")
    rows = [[f.get("subject"), f["indicator_name"], str(f.get("year") or f.get("period")), number(f["value"])] for f in chosen]
    return Answer(text, intent="compare", entities=ctx.entities(plan=chosen[0].get("plan")),
                  columns=["Código", "Indicador", "Año", label], rows=rows).cite(*chosen)
