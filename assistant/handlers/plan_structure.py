"""A plan's structure: priorities in the ruta estratégica, objectives' texts, counts and lists of its objectives and actions."""

from __future__ import annotations

import re
from typing import Any

from rapidfuzz import fuzz

from knowledge.records import KIND_NAMES, KIND_PLURALS, json_list
from knowledge.text import fold

from ..answer import Answer, not_found
from . import Context
from .plan_facts import _plan_phrase, entity_codes, find_entity, same_unit, target_plan, units


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
