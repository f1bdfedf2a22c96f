"""Methodology: formulas (of the avance, of an indicator), thresholds and criteria, and "why"
questions about one action's figure, answered from the documents' own passages."""

from __future__ import annotations

import re

from knowledge.text import fold

from ..answer import Answer, not_found
from ..fallback import best_passages, coverage
from ..resolve import describe_period
from . import Context
from .plan_facts import find_indicators, target_plan


def answer_methodology(ctx: Context) -> Answer | None:
    q = ctx.q
    asks_formula = q.has("formula", "ficha tecnica", "como se calcula")
    sector_code = any(re.fullmatch(r"\d\.\d{1,2}", c) for c in q.codes)
    if asks_formula and (any(c.startswith("I") for c in q.codes) or q.has("indicador", "indice", "ficha")
                         or sector_code or (q.codes and not q.has("avance"))):
        found = _indicator_formula(ctx)
        if found is not None:
            return found
    if q.has("por que") and any(c.startswith(("AEI", "OEI")) for c in q.codes):
        return _why(ctx)
    if re.search(r"\b(umbral\w*|rangos?|cortes?|criterios?|clasific\w*)\b", q.text) and \
            re.search(r"\b(alto|medio|bajo)\b", q.text) and "prioriz" not in q.text:
        levels = _level_thresholds(ctx)
        if levels is not None:
            return levels
    asks_value = any(c.startswith(("AEI", "OEI", "AES", "OES")) for c in q.codes) and q.has(
        "corregido", "cual es el avance", "valor obtenido", "cuantos", "cuantas", "logro esperado")
    if asks_formula and not asks_value and q.has("avance", "sentido", "ascendente", "descendente", "permisible"):
        return _formula_table(ctx)
    if asks_value:
        return None
    return _from_passages(ctx)


def _from_passages(ctx: Context) -> Answer | None:
    """Methodological statements are prose: the best passage of the report or plan asked about."""
    from ..fallback import passage_answer

    doc = ctx.resolver.report_for(ctx.q)
    plan = ctx.resolver.plan_for_hint(ctx.q)
    files = [doc["file"]] if doc else ([d["file"] for d in ctx.resolver.documents if d["plan"] == plan] if plan
                                        else None)
    how = bool(re.search(r"\bcomo se\b|\bpor que\b|\ben que se (bas|sustent)", ctx.q.text))  # explained in prose
    answer = passage_answer(ctx.store, ctx.q.raw, files, intent="methodology", prefer_prose=how)
    return answer if answer.found else None


def _indicator_formula(ctx: Context) -> Answer | None:
    codes = [c for c in ctx.q.codes if c.startswith("I")] or [c for c in ctx.q.codes]
    plan, _ = target_plan(ctx, codes)
    if plan is None:
        plan = ctx.resolver.plan_for_hint(ctx.q)
    indicators = find_indicators(ctx, plan)
    if not indicators:
        if any(c.startswith("I") for c in codes):
            return not_found(f"El indicador {codes[0]} no figura en los documentos.", "methodology", ctx.entities())
        return None
    with_formula = [i for i in indicators if i.get("formula")]
    if not with_formula:
        i = indicators[0]
        return not_found(f"El texto del {i['plan']} no incluye la ficha técnica ni la fórmula de cálculo del "
                         f"indicador {i['code']} «{i['name']}»: el documento solo lo nombra "
                         f"({i['locator']}).", "methodology", ctx.entities(plan=i["plan"]))
    shown = with_formula[:6]
    text = "; ".join(f"{(i['code'] + ' ') if i.get('code') else ''}«{i['name']}» ({i['owner']}, {i['plan']}): "
                     f"{i['formula']}" for i in shown)
    answer = Answer(("Fórmula del indicador " if len(shown) == 1 else "Fórmulas de los indicadores: ") + text + ".",
                    intent="methodology", entities=ctx.entities(plan=shown[0]["plan"], code=shown[0]["owner"]),
                    columns=["Indicador", "Fórmula"] if len(shown) > 1 else None,
                    rows=[[i["name"], i["formula"]] for i in shown] if len(shown) > 1 else None)
    return answer.cite(*shown)


def _level_thresholds(ctx: Context) -> Answer | None:
    """The cut-offs for alto / medio / bajo as each report declares them (queries.levels)."""
    from queries.levels import effective_rule

    docs = [ctx.resolver.report_for(ctx.q)] if ctx.resolver.report_for(ctx.q) else ctx.resolver.report_docs
    parts, cited = [], []
    for doc in docs:
        rule = effective_rule(ctx.store, doc["file"])
        parts.append(f"Informe de {describe_period(doc['period'])}: {rule.explain()}")
        cited += [{"file": d.file, "line_start": d.line_start, "line_end": d.line_end, "locator": "umbrales de nivel"}
                  for d in rule.declarations]
    if not parts:
        return None
    return Answer(" ".join(parts), intent="methodology", entities=ctx.entities()).cite(*cited)


def _formula_table(ctx: Context) -> Answer | None:
    """Rows of the reports' formula tables (captions naming "fórmula"), best match first."""
    rows = ctx.store.rows("select p.*, d.period from passages p join documents d on d.file = p.file "
                          "where p.kind = 'row' and p.caption like '%rmula%'")
    if not rows:
        return None
    for r in rows:
        r["coverage"] = coverage(ctx.store, ctx.q.raw, f"{r['caption']} {r['text']}")
    sentido = re.search(r"\b(ascendente|descendente|maximo|minimo)\b", ctx.q.text)
    if sentido:
        rows = [r for r in rows if sentido.group(1) in fold(r["text"])] or rows
    rows.sort(key=lambda r: -r["coverage"])
    best = rows[0]
    same = [r for r in rows if fold(r["text"]).split("·")[0] == fold(best["text"]).split("·")[0]][:3]
    answer = Answer(f"Según la tabla de fórmulas de los informes («{best['caption']}»): {best['text']}.",
                    intent="methodology", entities=ctx.entities())
    return answer.cite(*same)


def _why(ctx: Context) -> Answer | None:
    code = next(c for c in ctx.q.codes if c.startswith(("AEI", "OEI")))
    doc = ctx.resolver.report_for(ctx.q) or ctx.resolver.latest_report()
    files = [doc["file"]] if doc else None
    number = code.split(".", 1)[1]
    hits = best_passages(ctx.store, ctx.q.raw, files, limit=12)
    relevant = [h for h in hits if h["coverage"] >= 0.5 or code in h["text"] or number in h["text"]]
    relevant.sort(key=lambda h: -h["coverage"])
    chosen = relevant[:2]
    measured = ctx.store.rows("select * from measurements where owner = ? and file = ? and sentido is not null",
                              (code, doc["file"])) if doc else []
    if not chosen and not measured:
        return None
    parts = []
    if measured:
        m = measured[0]
        parts.append(f"El indicador de {code} tiene sentido esperado «{m['sentido']}» y tipo de agregación "
                     f"«{m['agregacion']}»")
    parts += [h["text"][:600] for h in chosen]
    period = f" ({describe_period(doc['period'])})" if doc else ""
    answer = Answer(f"{code}{period}: " + " … ".join(parts), intent="methodology",
                    entities=ctx.entities(code=code))
    return answer.cite(*measured[:1], *chosen)
