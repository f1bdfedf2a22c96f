"""Facts of a plan: targets, baselines, indicators, responsible units, priorities, objective texts,
and lists/counts of objectives and actions."""

from __future__ import annotations

import re
from typing import Any

from rapidfuzz import fuzz

from knowledge.document import is_evaluation
from knowledge.records import json_list
from knowledge.text import fold

from ..answer import Answer, fmt, not_found
from . import Context


def same_unit(asked: str, printed: str) -> bool:
    """A unit named in a question against one printed in a document: containment or a near-identical
    spelling ("Direccion General de America" / "Dirección General de América"), never a shared prefix
    ("Dirección General de Europa" is not "Dirección General de Tratados")."""
    a, b = fold(asked).strip(" ."), fold(printed).strip(" .")
    return a in b or b in a or fuzz.ratio(a, b) >= 92


def units(entity: dict[str, Any]) -> list[str]:
    return [str(u) for u in json_list(entity.get("responsible")) if u]


def entity_codes(ctx: Context) -> list[str]:
    return [c for c in ctx.q.codes if not c.startswith("I")]


def target_plan(ctx: Context, codes: list[str]) -> tuple[str | None, list[str]]:
    """The plan a fact question refers to: named, or the only plan holding the code."""
    r = ctx.resolver
    hinted = r.plan_for_hint(ctx.q)
    plans = r.plans_with_code(codes[0]) if codes else []
    report = r.report_for(ctx.q)
    if not hinted and report and report["plan"] in plans:
        hinted = report["plan"]  # "en el informe semestral 2024": the plan that report evaluates
    if hinted:
        return hinted, [p for p in plans if p != hinted]
    if plans:
        # a plan document (not an evaluation) is where targets, baselines and indicators live
        plan_docs = {d["plan"] for d in r.documents if not is_evaluation(d["kind"])}
        ranked = sorted(plans, key=lambda p: (p not in plan_docs,))
        return ranked[0], ranked[1:]
    return None, []


def find_entity(ctx: Context, plan: str | None, kinds: tuple[str, ...] | None = None) -> tuple[dict | None, list]:
    """An entity by code, else by its title (fuzzy); returns it and close alternatives."""
    codes = entity_codes(ctx)
    r = ctx.resolver
    if codes:
        found = r.entity(codes[0], plan)
        return (found[0] if found else None), []
    matches = r.match_entities(ctx.q, plan, kinds)
    if not matches:
        return None, []
    best = matches[0]
    close = [m.row for m in matches[1:4] if m.score >= best.score - 0.05]
    return best.row, close


def find_indicators(ctx: Context, plan: str | None) -> list[dict[str, Any]]:
    """Indicators by indicator code, by owner code (narrowed by name words), or by name."""
    r = ctx.resolver
    q = ctx.q
    ind_codes = [c for c in q.codes if c.startswith("I")]
    pool = [i for i in r.indicators if plan is None or i["plan"] == plan]
    if ind_codes:
        return [i for i in pool if i["code"] in ind_codes]
    codes = entity_codes(ctx)
    if codes:
        owned = [i for i in pool if i["owner"] == codes[0]]
        if len(owned) > 1 and not re.search(r"\bindicadores\b", q.text):
            # a question that only restates the action's own title names none of its indicators
            title = next((e.get("title") or "" for e in r.entity(codes[0], plan)), "")
            wanted = r.content_stems(q)
            if not wanted - r._stems(title):
                return owned
            scored = sorted(((r.score_text(wanted, i["name"] or "", q.raw), i) for i in owned), key=lambda x: -x[0])
            if scored[0][0] > 3 / 10 and scored[0][0] - (scored[1][0] if len(scored) > 1 else 0) > 1 / 10:
                # every indicator the question names (it may name two), not only the best one
                return [i for score, i in scored if score >= max(3 / 10, scored[0][0] * 3 / 5)]
        return owned
    owner_prefix = "AEI" if re.search(r"\b(accion|aei)\b", q.text) else (
        "OEI" if re.search(r"\b(objetivo|oei)\b", q.text) and plan and "PEI" in plan else None)
    matches = r.match_indicators(q, plan, owner_prefix) if owner_prefix else []
    matches = matches or r.match_indicators(q, plan)
    if not matches:
        return []
    if re.search(r"\bindicadores\b", q.text):  # "¿con qué indicadores se mide el objetivo de …?": all of its owner
        owner = matches[0].row["owner"]
        return [i for i in pool if i["owner"] == owner]
    best = matches[0].score
    return [m.row for m in matches if m.score >= best - 0.02][:3]


def _plan_phrase(plan: str | None) -> str:
    return f" en el {plan}" if plan else ""


# ---- targets and baselines -----------------------------------------------------------------

def answer_target(ctx: Context) -> Answer | None:
    q = ctx.q
    if ctx.resolver.report_for(q) and not ctx.resolver.plan_for_hint(q):
        return None  # "la meta" of an evaluation report is its logro esperado: the avance handler says it
    if re.search(r"\b(valor obtenido|avance)\b", q.text) and q.plan_hint == "pesem":
        return None  # target next to the value and avance: the measures answer holds all three
    codes = entity_codes(ctx) or [c for c in q.codes if c.startswith("I")]
    plan, others = target_plan(ctx, codes)
    if plan is None and not codes:
        plan = ctx.resolver.plan_for_hint(q)
    indicators = find_indicators(ctx, plan)
    if not indicators:
        if codes and not ctx.resolver.plans_with_code(codes[0]):
            return not_found(f"{codes[0]} no figura en los documentos del corpus.", "target", ctx.entities())
        return None
    years = [y for y in q.years if y >= 2000]
    rows_out, cited, lines = [], [], []
    missing_years: list[int] = []
    for ind in indicators:
        targets = ctx.store.rows(
            "select * from targets where plan = ? and (indicator_code = ? or indicator_name = ?) and "
            "coalesce(owner, '') = coalesce(?, '') order by year", (ind["plan"], ind["code"], ind["name"], ind["owner"]))
        if years:
            chosen = [t for t in targets if t["year"] in years]
            missing_years += [y for y in years if y not in {t["year"] for t in targets}]
        else:
            chosen = targets
        for t in chosen:
            rows_out.append([ind["code"] or "", ind["name"], t["year"], t["value"] if t["value"] is not None else t["raw"]])
            cited.append(t)
        if chosen:
            label = f"{ind['code']} «{ind['name']}»" if ind.get("code") else f"«{ind['name']}»"
            lines.append(f"{label} ({ind['owner']}, {ind['plan']}): " + "; ".join(
                f"meta {t['year']} = {fmt(t['value'], t['raw'])}" for t in chosen))
    if not rows_out:
        ind = indicators[0]
        have = ctx.store.rows("select distinct year from targets where plan = ? and indicator_code = ? order by year",
                              (ind["plan"], ind["code"]))
        if have:
            span = f"{have[0]['year']}–{have[-1]['year']}"
            msg = (f"El {ind['plan']} no fija una meta para {', '.join(map(str, years))} del indicador "
                   f"{ind['code'] or ''} «{ind['name']}»: sus logros esperados cubren {span}.")
        else:
            msg = (f"El texto del {ind['plan']} no contiene metas (logros esperados) para el indicador "
                   f"{ind['code'] or ''} «{ind['name']}» ({ind['owner']}): el anexo de metas del documento "
                   f"no lo incluye.")
        return not_found(msg, "target", ctx.entities(plan=ind["plan"]))
    text = "Metas (logros esperados): " + " | ".join(lines) + "."
    base = indicators[0] if len(indicators) == 1 else None
    if base and base.get("baseline_value") is not None and len(cited) == 1 and re.search(
            r"\b(entre|diferencia|distancia|brecha|cuantos puntos|cuanto falta)\b", q.text):
        gap = round(cited[0]["value"] - base["baseline_value"], 4)
        text += (f" Línea de base {fmt(base['baseline_value'])} ({base.get('baseline_year') or 'año no indicado'}); "
                 f"distancia a la meta {cited[0]['year']}: {fmt(gap)} (cálculo: {fmt(cited[0]['value'])} − "
                 f"{fmt(base['baseline_value'])}).")
    if missing_years:
        text += f" Sin meta en el documento para: {', '.join(map(str, sorted(set(missing_years))))}."
    if others:
        text += f" El código {codes[0]} existe también en {', '.join(others)}."
    answer = Answer(text, intent="target", entities=ctx.entities(plan=indicators[0]["plan"],
                                                                 code=indicators[0].get("code") if len(indicators) == 1
                                                                 else indicators[0]["owner"]),
                    columns=["Indicador", "Nombre", "Año", "Meta"], rows=rows_out)
    return answer.cite(*cited[:6])


def answer_baseline(ctx: Context) -> Answer | None:
    codes = entity_codes(ctx) or [c for c in ctx.q.codes if c.startswith("I")]
    plan, _ = target_plan(ctx, codes)
    indicators = find_indicators(ctx, plan)
    if not indicators:
        return None
    with_base = [i for i in indicators if i.get("baseline_value") is not None or i.get("baseline_raw")]
    if not with_base:
        ind = indicators[0]
        return not_found(f"El {ind['plan']} no registra en su texto la línea de base del indicador "
                         f"{ind['code'] or ''} «{ind['name']}».", "baseline", ctx.entities(plan=ind["plan"]))
    parts, rows, cited = [], [], []
    for i in with_base:
        value = fmt(i["baseline_value"], i["baseline_raw"])
        year = i.get("baseline_year") or "año no indicado"
        parts.append(f"{i['code'] or ''} «{i['name']}» ({i['owner']}, {i['plan']}): línea de base {value} "
                     f"(año {year})")
        rows.append([i["code"] or "", i["name"], year, i["baseline_value"] if i["baseline_value"] is not None
                     else i["baseline_raw"]])
        cited.append({**i, "line_start": i.get("baseline_line_start") or i["line_start"],
                      "line_end": i.get("baseline_line_end") or i["line_end"],
                      "locator": i.get("baseline_locator") or i["locator"]})
    answer = Answer("; ".join(parts) + ".", intent="baseline",
                    entities=ctx.entities(plan=with_base[0]["plan"], code=with_base[0].get("code")
                                          if len(with_base) == 1 else with_base[0]["owner"]),
                    columns=["Indicador", "Nombre", "Año", "Línea de base"], rows=rows)
    return answer.cite(*cited)


# ---- indicators, responsibles, priorities, objectives ------------------------------------------

def answer_indicator(ctx: Context) -> Answer | None:
    codes = entity_codes(ctx) or [c for c in ctx.q.codes if c.startswith("I")]
    plan, others = target_plan(ctx, codes)
    if codes and not entity_codes(ctx):
        return _indicator_owners(ctx, codes[0], plan)
    if codes and plan and not any(i["plan"] == plan for i in ctx.resolver.indicators):
        return _measured_indicators(ctx, codes[0], plan)
    indicators = find_indicators(ctx, plan)
    if not indicators:
        entity, _ = find_entity(ctx, plan)
        if entity is None:
            return None
        indicators = [i for i in ctx.resolver.indicators if i["owner"] == entity["code"] and i["plan"] == entity["plan"]]
        if not indicators and not codes:
            return None  # a loose title match is no ground for "not in the documents"
        if not indicators:
            return not_found(f"El documento no registra indicadores para {entity['code']} ({entity['plan']}).",
                             "indicator", ctx.entities(plan=entity["plan"]))
    owner = indicators[0]["owner"]
    entity = (ctx.resolver.entity(owner, indicators[0]["plan"]) or [{}])[0]
    head = f"{owner}" + (f" — {entity['title']}" if entity.get("title") else "") + f" ({indicators[0]['plan']})"
    items = []
    for i in indicators:
        item = f"{i['code'] + ' ' if i.get('code') else ''}«{i['name']}»"
        if i.get("formula"):
            item += f"; fórmula: {i['formula']}"
        if i.get("fuente"):
            item += f"; fuente: {i['fuente']}"
        items.append(item)
    count = f"{len(indicators)} indicador{'es' if len(indicators) != 1 else ''}"
    text = f"{head} se mide con {count}: " + "; ".join(items) + "."
    if others:
        text += f" El código {owner} existe también en {', '.join(others)}."
    rows = [[i.get("code") or "", i["name"], i.get("formula") or "", ", ".join(units(i))] for i in indicators]
    answer = Answer(text, intent="indicator", entities=ctx.entities(plan=indicators[0]["plan"], code=owner),
                    columns=["Código", "Indicador", "Fórmula", "Responsable"], rows=rows)
    return answer.cite(*indicators[:6])


def _indicator_owners(ctx: Context, code: str, plan: str | None) -> Answer | None:
    rows = [i for i in ctx.resolver.indicators if i.get("code") == code and (plan is None or i["plan"] == plan)]
    if not rows:
        return None
    owners = list(dict.fromkeys(i["owner"] for i in rows))
    text = (f"El indicador {code} «{rows[0]['name']}» ({rows[0]['plan']}) figura bajo: {', '.join(owners)}.")
    if len(owners) > 1:
        text += " El documento usa el mismo código en más de una acción."
    answer = Answer(text, intent="indicator", entities=ctx.entities(plan=rows[0]["plan"], code=owners[0]),
                    columns=["Indicador", "Nombre", "Pertenece a"], rows=[[code, i["name"], i["owner"]] for i in rows])
    return answer.cite(*rows)


def _measured_indicators(ctx: Context, code: str, plan: str) -> Answer | None:
    """Plans known only through their evaluation reports: the indicator names the reports measure."""
    rows = ctx.store.rows("select * from measurements where owner = ? and plan = ? and indicator_name is not null "
                          "order by id", (code, plan))
    names = list(dict.fromkeys(r["indicator_name"] for r in rows))
    if not names:
        return not_found(f"Los documentos no nombran el indicador de {code} ({plan}).", "indicator",
                         ctx.entities(plan=plan, code=code))
    cited = [next(r for r in rows if r["indicator_name"] == n) for n in names]
    answer = Answer(f"{code} ({plan}) se mide con: " + "; ".join(f"«{n}»" for n in names) + " (según los informes "
                    "de evaluación).", intent="indicator", entities=ctx.entities(plan=plan, code=code),
                    columns=["Código", "Indicador"], rows=[[code, n] for n in names])
    return answer.cite(*cited)


def answer_responsible(ctx: Context) -> Answer | None:
    indicator_codes = [c for c in ctx.q.codes if c.startswith("I")]
    if indicator_codes and not entity_codes(ctx):
        rows = [i for i in ctx.resolver.indicators if i.get("code") in indicator_codes and units(i)]
        if rows:
            text = "; ".join(f"Responsable del indicador {i['code']} «{i['name']}» ({i['owner']}, {i['plan']}): "
                             f"{'; '.join(units(i))}" for i in rows) + "."
            answer = Answer(text, intent="responsible", entities=ctx.entities(plan=rows[0]["plan"], code=rows[0]["owner"]),
                            columns=["Indicador", "Nombre", "Responsable"],
                            rows=[[i["code"], i["name"], "; ".join(units(i))] for i in rows])
            return answer.cite(*rows)
    codes = entity_codes(ctx)
    plan, others = target_plan(ctx, codes)
    if plan is None:
        plan = ctx.resolver.plan_for_hint(ctx.q)
    if not codes and re.search(r"\b(indicador|indice|porcentaje|numero|tasa)\b", ctx.q.text):
        named = [m.row for m in ctx.resolver.match_indicators(ctx.q, plan, min_score=0.5) if units(m.row)]
        if named:
            i = named[0]
            answer = Answer(f"Responsable del indicador {i.get('code') or ''} «{i['name']}» ({i['owner']}, {i['plan']}): "
                            f"{'; '.join(units(i))}.", intent="responsible",
                            entities=ctx.entities(plan=i["plan"], code=i["owner"]))
            return answer.cite(i)
    entity, close = find_entity(ctx, plan)
    if entity is None:
        if codes:
            return not_found(f"{codes[0]} no figura{_plan_phrase(plan)}.", "responsible", ctx.entities())
        return None
    names = units(entity)
    if not names:
        owned = [i for i in ctx.resolver.indicators if i["owner"] == entity["code"] and i["plan"] == entity["plan"]]
        names = list(dict.fromkeys(u for i in owned for u in units(i)))
        cited = owned[:3]
    else:
        cited = [entity]
    if not names:
        # an evaluation report names the unit under the action's heading
        stated = [f for f in ctx.resolver.facts.of(entity["code"], "responsable", plan=entity["plan"])]
        names = list(dict.fromkeys(f["raw"] for f in stated))
        cited = stated[:2]
    if not names:
        return not_found(f"El documento no indica el responsable de {entity['code']} ({entity['plan']}).",
                         "responsible", ctx.entities(plan=entity["plan"]))
    text = (f"Responsable de {entity['code']} — {entity['title']} ({entity['plan']}): {'; '.join(names)}.")
    if close:
        text += " Otras coincidencias posibles: " + "; ".join(f"{c['code']} ({c['plan']})" for c in close) + "."
    if others:
        text += f" El código {entity['code']} existe también en {', '.join(others)}."
    answer = Answer(text, intent="responsible", entities=ctx.entities(plan=entity["plan"], code=entity["code"]),
                    columns=["Código", "Título", "Responsable"], rows=[[entity["code"], entity["title"], "; ".join(names)]])
    answer.suggestions = [f"¿Qué indicadores tiene {entity['code']}?"]
    return answer.cite(*cited)
