"""Facts of a plan: targets, baselines, indicators, responsible units, priorities, objective texts,
and lists/counts of objectives and actions."""

from __future__ import annotations

import re
from typing import Any

from rapidfuzz import fuzz

from knowledge.document import is_evaluation
from knowledge.records import KIND_NAMES, KIND_PLURALS, json_list
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


def answer_priority(ctx: Context) -> Answer | None:
    q = ctx.q
    codes = entity_codes(ctx)
    plan, others = target_plan(ctx, codes)
    if not codes:
        return None
    code = codes[0]
    entity = (ctx.resolver.entity(code, plan) or [None])[0]
    if entity is None:
        return not_found(f"{code} no figura{_plan_phrase(plan)}.", "priority", ctx.entities())
    children = [e for e in ctx.resolver.entities if e.get("parent") == code and e["plan"] == entity["plan"]]
    wanted = re.search(r"prioridad\s*(?:n[°o.]?\s*)?(\d{1,2})\b", q.text)
    pgg_filter = re.search(r"\bno priorizad", q.text)
    if children and pgg_filter:
        chosen = [c for c in children if "no prioriz" in fold(c.get("pgg") or "")]
        text = (f"En la ruta estratégica del {entity['plan']}, las acciones de {code} sin vinculación priorizada "
                f"con la PGG («No priorizado») son: " + (", ".join(c["code"] for c in chosen) or "ninguna") + ".")
        answer = Answer(text, intent="priority", entities=ctx.entities(plan=entity["plan"], code=code),
                        columns=["AEI", "Prioridad", "Vinculación PGG"],
                        rows=[[c["code"], c.get("priority"), c.get("pgg") or "sin dato"] for c in children])
        return answer.cite(*[_ruta(c) for c in (chosen or children)[:6]])
    if children and (wanted or code.startswith(("OEI", "OES")) and re.search(r"\b(accion|acciones|aei)\b", q.text)):
        ranked = sorted((c for c in children if c.get("priority") is not None), key=lambda c: c["priority"])
        if wanted:
            ranked = [c for c in ranked if c["priority"] == int(wanted.group(1))] or ranked
        if not ranked:
            return not_found(f"El documento no asigna prioridades a las acciones de {code}.", "priority",
                             ctx.entities(plan=entity["plan"]))
        lead = ranked[0]
        text = (f"En la ruta estratégica del {entity['plan']}, dentro de {code}, la acción con prioridad "
                f"{lead['priority']} es {lead['code']} — {lead['title']}.")
        rows = [[c["code"], c["priority"], c["title"], c.get("pgg") or ""] for c in ranked]
        answer = Answer(text, intent="priority", entities=ctx.entities(plan=entity["plan"], code=code),
                        columns=["AEI", "Prioridad", "Título", "Vinculación PGG"], rows=rows)
        return answer.cite(*[_ruta(c) for c in ranked[:4]])
    if entity.get("priority") is None:
        return not_found(f"El documento no asigna una prioridad a {code} ({entity['plan']}).", "priority",
                         ctx.entities(plan=entity["plan"]))
    scope = f" dentro de {entity['parent']}" if entity.get("parent") else ""
    text = f"{code} — {entity['title']} ({entity['plan']}) tiene prioridad {entity['priority']}{scope} en la ruta estratégica"
    if entity.get("pgg"):
        text += f"; vinculación con la PGG: {entity['pgg']}"
    text += "."
    if others:
        text += f" El código {code} existe también en {', '.join(others)}."
    answer = Answer(text, intent="priority", entities=ctx.entities(plan=entity["plan"], code=code),
                    columns=["Código", "Prioridad", "Vinculación PGG"],
                    rows=[[code, entity["priority"], entity.get("pgg") or "sin dato"]])
    return answer.cite(_ruta(entity))


def _ruta(e: dict[str, Any]) -> dict[str, Any]:
    if e.get("ruta_line_start"):
        return {**e, "line_start": e["ruta_line_start"], "line_end": e["ruta_line_end"], "locator": e["ruta_locator"]}
    return e


def answer_objective(ctx: Context) -> Answer | None:
    codes = entity_codes(ctx)
    if not codes and not re.search(r"\b(objetivo|objetivos|accion|acciones|aei|oei|oes|aes|plan|pei|pesem)\b",
                                   ctx.q.text):
        return None  # "¿cuál es la capital de…?" is not about an objective
    plan, others = target_plan(ctx, codes)
    entity, close = find_entity(ctx, plan)
    if entity is None:
        if codes:
            return not_found(f"{codes[0]} no figura{_plan_phrase(plan)} en los documentos.", "objective", ctx.entities())
        return None
    kind = KIND_NAMES.get(entity["kind"], entity["kind"])
    text = f"{entity['code']} ({kind}, {entity['plan']}): {entity['title']}"
    variants = [v.get("title") for v in json_list(entity.get("title_variants")) if isinstance(v, dict)
                and v.get("title") and fold(v["title"]) != fold(entity["title"])]
    if variants:
        text += f". Otra redacción en el documento: «{variants[0]}»"
    if entity.get("results"):
        text += f". Resultados esperados: {entity['results']}"
    names = units(entity)
    if names:
        text += f". Responsables: {'; '.join(names)}"
    text += "."
    if others:
        text += f" El código {entity['code']} existe también en {', '.join(others)}."
    if close:
        text += " Otras coincidencias: " + "; ".join(f"{c['code']} ({c['plan']})" for c in close) + "."
    answer = Answer(text, intent="objective", entities=ctx.entities(plan=entity["plan"], code=entity["code"]))
    answer.suggestions = [f"¿Qué indicadores tiene {entity['code']}?", f"¿Quién es responsable de {entity['code']}?"]
    return answer.cite(entity)


# ---- lists and counts over the plan structure -------------------------------------------------

def answer_most_indicators(ctx: Context) -> Answer | None:
    """"¿Qué acción tiene más indicadores?": indicators counted per objective or action of a plan."""
    q = ctx.q
    if not re.search(r"\b(mas|mayor numero de|mayor cantidad de) indicadores\b", q.text):
        return None
    r = ctx.resolver
    plan = r.plan_for_hint(q) or next((p for p in r.plans if any(i["plan"] == p for i in r.indicators)), None)
    kind = "OEI" if re.search(r"\b(objetivo|oei)\b", q.text) and not re.search(r"\b(accion|aei)\b", q.text) else "AEI"
    counts: dict[str, list[dict]] = {}
    for i in r.indicators:
        if i["plan"] == plan and (i["owner"] or "").startswith(kind if "PEI" in (plan or "") else ""):
            counts.setdefault(i["owner"], []).append(i)
    if not counts:
        return None
    ranked = sorted(counts.items(), key=lambda kv: (-len(kv[1]), kv[0]))
    top = len(ranked[0][1])
    leaders = [o for o, items in ranked if len(items) == top]
    answer = Answer(f"En el {plan}, {' y '.join(leaders)} {'tiene' if len(leaders) == 1 else 'tienen'} más indicadores: "
                    f"{top} cada una." if len(leaders) > 1 else
                    f"En el {plan}, {leaders[0]} tiene más indicadores: {top} ("
                    + ", ".join(i.get("code") or i["name"] for i in ranked[0][1]) + ").",
                    intent="count", entities=ctx.entities(plan=plan),
                    columns=["Código", "Indicadores"], rows=[[o, len(items)] for o, items in ranked[:15]])
    return answer.cite(*[i for o in leaders for i in counts[o]][:6])


def answer_structure(ctx: Context) -> Answer | None:
    """Counts and lists of objectives/actions: by plan, parent, tipo, unit in charge, with indicators."""
    q = ctx.q
    r = ctx.resolver
    plan = r.plan_for_hint(q)
    codes = entity_codes(ctx)
    kind = _asked_kind(q.text, codes)
    if plan is None and codes:
        plan, _ = target_plan(ctx, codes)
    if plan is None or kind is None or any(c.startswith(kind) and c.count(".") == kind.count("E") for c in codes):
        return None
    if kind in ("AEI", "AES") and any(c.startswith(kind) for c in codes):
        return None
    kinds_here = {e["kind"] for e in r.entities if e["plan"] == plan}
    if kind not in kinds_here:  # "objetivos" of the PESEM are OES, of the sector plan OEG/OEE
        kind = next((k for k in EQUIVALENT_KINDS.get(kind, ()) if k in kinds_here), kind)
    pool = [e for e in r.entities if e["plan"] == plan and e["kind"] == kind]
    parent = next((c for c in codes if c.startswith(("OEI", "OES")) or c.endswith(".0")), None)
    if parent is None and kind in ("AEI", "AES", "OEE") and re.search(r"\b(objetivo|oei|oes)\b", q.text):
        parents = r.match_entities(q, plan, ("OEI", "OES", "OEG"), min_score=0.45)
        if parents:
            parent = parents[0].row["code"]
    if parent and kind in ("AEI", "AES", "OEE"):
        pool = [e for e in pool if e.get("parent") == parent]
    quoted = re.search(r"[«\"'“]([^«»\"'“”]{12,})[»\"'”]", q.raw)
    if quoted:
        wanted_title = fold(quoted.group(1))
        titled = [e for e in pool if wanted_title in fold(e.get("title") or "")
                  or fuzz.partial_ratio(wanted_title, fold(e.get("title") or "")) >= 95]
        if titled:
            pool = titled
    unit = _unit_filter(q.raw, r, plan)
    if unit:
        pool = [e for e in pool if any(same_unit(unit, u) for u in units(e))]
    with_indicator = bool(re.search(r"\bindicad", q.text))
    if not pool:
        return None
    plural = re.search(r"\b(acciones|objetivos|aei|oei|aes|oes)\b", q.text) or re.search(r"\bcuant", q.text)
    if not plural and not unit and not parent:
        return None  # "¿bajo qué acción aparece el indicador X?" asks for one, not for the list of all
    pool.sort(key=lambda e: e["code"])
    owned = {i["owner"] for i in r.indicators if i["plan"] == plan}
    text_parts = [f"{len(pool)} {KIND_PLURALS[kind] if len(pool) != 1 else KIND_NAMES[kind]}"
                  f"{' de ' + parent if parent else ''}{' a cargo de ' + unit if unit else ''} en el {plan}"]
    tipos: dict[str, int] = {}
    for e in pool:
        if e.get("tipo"):
            tipos[e["tipo"]] = tipos.get(e["tipo"], 0) + 1
    if tipos and "tipo" in q.text:
        text_parts.append(", ".join(f"{n} de {t}" for t, n in sorted(tipos.items())))
    if with_indicator:
        having = [e["code"] for e in pool if e["code"] in owned]
        text_parts.append(f"{len(having)} con indicador: {', '.join(having) if having else 'ninguna'}")
    text = "; ".join(text_parts) + ": " + ", ".join(e["code"] for e in pool) + "."
    rows = [[e["code"], e["title"], e.get("tipo") or "", "; ".join(units(e)),
             "sí" if e["code"] in owned else "no"] for e in pool]
    answer = Answer(text, intent="list", entities=ctx.entities(plan=plan, kind=kind,
                                                               code=pool[0]["code"] if len(pool) == 1 else None),
                    columns=["Código", "Título", "Tipo", "Responsable", "Con indicador"], rows=rows)
    return answer.cite(*pool[:8])


EQUIVALENT_KINDS = {"OEI": ("OES", "OEG"), "AEI": ("AES", "OEE"), "OES": ("OEI", "OEG"), "AES": ("AEI", "OEE")}


def _asked_kind(text: str, codes: list[str]) -> str | None:
    # listing needs the plural: "el objetivo específico sobre…" is one objective, not a list
    if re.search(r"\bobjetivos (estrategicos )?especificos\b", text):
        return "OEE"
    if re.search(r"\bobjetivos (estrategicos )?generales\b", text):
        return "OEG"
    for kind, words in (("AEI", ("aei", "acciones estrategicas", "acciones", "accion estrategica", "accion")), ("OEI", ("oei", "objetivos")),
                        ("AES", ("aes",)), ("OES", ("oes",)), ("OEE", ("objetivos especificos",))):
        if kind == "OEI" and re.search(r"\bobjetivos especificos\b", text):
            continue
        if re.search(rf"\b(?:{'|'.join(words)})\b", text):
            if kind == "AEI" and any(c.startswith(("OES", "AES")) for c in codes):
                return "AES"
            if kind == "OEI" and any(c.startswith(("OES", "AES")) for c in codes):
                return "OES"
            return kind
    return None


def _unit_filter(raw: str, resolver: Any, plan: str) -> str | None:
    """A responsible unit named in the question ("a cargo de la Dirección General de América")."""
    m = re.search(r"(?:a cargo de|responsabilidad de|responsable|de la|del)\s+((?:la\s+)?(?:Direcci[oó]n|Oficina|"
                  r"Unidad|Academia|Secretar[ií]a|Viceministerio)[^?,;.]*)", raw, re.I)
    if not m:
        return None
    wanted = re.sub(r"^la\s+", "", m.group(1).strip(), flags=re.I)
    wanted = re.sub(r"\s+en el .*$", "", wanted, flags=re.I)
    return wanted
