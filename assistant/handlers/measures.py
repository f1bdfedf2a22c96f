"""Avance and measured values: evaluation reports (per period) and the PESEM follow-up (per year)."""

from __future__ import annotations

import re
from typing import Any

from ..answer import METRIC_LABELS, Answer, fmt, not_found
from ..resolve import describe_period, period_key
from . import Context

# Which metrics a wording asks for; the first that has data leads the answer.
METRIC_WORDS = [
    ("avance_tipo2", ("tipo 2", "tipo ii")),
    ("avance_pei", ("avance pei", "pei del", "avance del pei")),
    ("avance_poi", ("avance poi", "poi", "ejecucion poi")),
    ("ejecucion_fisica", ("ejecucion fisica", "avance fisico")),
    ("valor_obtenido", ("valor obtenido", "obtuvo", "dieron", "dio ", "cuanto", "ejecutaron", "se ejecut",
                        "realizaron", "se realiz", "registr")),
    ("logro_esperado", ("logro esperado",)),
    ("avance_corregido", ("corregido", "[c]")),
    ("avance_tipo1", ("tipo 1", "tipo i ")),
]
DEFAULT_ORDER = ["avance_tipo1", "avance", "avance_pei", "avance_poi", "avance_corregido", "logro_esperado",
                 "valor_obtenido", "avance_tipo2", "ejecucion_fisica", "nivel"]


def wanted_metrics(ctx: Context) -> list[str]:
    text = ctx.q.text + " "
    asked = [m for m, words in METRIC_WORDS if any(w in text for w in words)]
    return asked + [m for m in DEFAULT_ORDER if m not in asked]


def measurements(ctx: Context, code: str, plan: str | None) -> list[dict[str, Any]]:
    sql = "select * from measurements where (owner = ? or indicator_code = ?)"
    params: list[Any] = [code, code]
    if plan:
        sql += " and plan = ?"
        params.append(plan)
    return ctx.store.rows(sql + " order by id", tuple(params))


def pick_plan(ctx: Context, code: str) -> tuple[str | None, list[str]]:
    """The plan a code refers to, and the other plans where the same code exists."""
    r = ctx.resolver
    plans = r.plans_with_code(code)
    hinted = r.plan_for_hint(ctx.q)
    report = r.report_for(ctx.q)
    if not hinted and report and report["plan"] in plans:
        hinted = report["plan"]  # the period named is evaluated against one plan: its codes mean that plan's
    if hinted:
        return hinted, [p for p in plans if p != hinted]
    measured = [p for p in plans if (p, code) in r.measured]
    chosen = measured[0] if measured else (plans[0] if plans else None)
    return chosen, [p for p in plans if p != chosen]


def name_to_code(ctx: Context) -> tuple[str, str] | None:
    """An action or objective named by part of its title ("la de refugiados"), among the measured
    ones; the note names close alternatives so the choice is never silent."""
    r = ctx.resolver
    measured = {owner for _, owner in r.measured}
    report = r.report_for(ctx.q)
    hint = r.plan_for_hint(ctx.q) or (report["plan"] if report else None)  # a semester names the evaluated plan
    plan = hint or r.evaluated_plan()
    matches = [m for m in r.match_entities(ctx.q, plan, min_score=0.4) if m.row["code"] in measured]
    # indicators by name: the plans' indicator tables and the names the reports measure
    named = [m.row for m in r.match_indicators(ctx.q, hint, min_score=0.45)
             if (m.row["plan"], m.row["owner"]) in r.measured]  # same code, other plan: another thing
    if report:  # "informe anual 2024: avance del indicador X" — the indicators that report measures
        named += ctx.store.rows("select distinct owner, indicator_name as name, plan from measurements "
                                "where indicator_name is not null and file = ?", (report["file"],))
    else:
        named += ctx.store.rows("select distinct owner, indicator_name as name, plan from measurements "
                                "where indicator_name is not null" + (" and plan = ?" if hint else ""),
                                (hint,) if hint else ())
    wanted = r.content_stems(ctx.q)
    scored = sorted(((r.score_text(wanted, n["name"] or "", ctx.q.raw), n) for n in named), key=lambda x: -x[0])
    if scored and scored[0][0] >= 0.45 and (not matches or scored[0][0] > matches[0].score):
        best = scored[0][1]
        return best["owner"], f" Entendí el indicador «{best['name']}» de {best['owner']} ({best['plan']})."
    if not matches:
        return None
    best = matches[0]
    close = [m.row["code"] for m in matches[1:3] if m.score >= best.score - 0.05]
    note = f" Entendí «{best.row['code']}» por su título" + (
        f"; otras coincidencias: {', '.join(close)}." if close else ".")
    return best.row["code"], note


def answer_avance(ctx: Context) -> Answer | None:
    q = ctx.q
    codes = [c for c in q.codes if not c.startswith("I")] or q.codes
    note = ""
    if not codes:
        named = name_to_code(ctx)
        if named is None:
            return None
        codes, note = [named[0]], named[1]
    code = codes[0]
    plan, others = pick_plan(ctx, code)
    if plan is None:
        return not_found(f"El código {code} no figura en ninguno de los documentos del corpus.", "avance",
                         ctx.entities())
    rows = measurements(ctx, code, plan)
    report = ctx.resolver.report_for(q)
    asks_avance = re.search(r"\b(avance|avanz\w*|desempeno|cumplimiento|como le fue|como va|nivel)\b", q.text)
    if report and asks_avance and code.count(".") == 1 and not any(r["period"] == report["period"] for r in rows):
        by_actions = actions_answer(ctx, code, plan, report)
        if by_actions is not None:
            return by_actions
    if not rows:
        measured_plans = {r["plan"] for r in ctx.store.rows("select plan from measurements")}
        reports = ", ".join(sorted(measured_plans)) or "ninguno"
        where = f" El código figura también en: {', '.join(others)}." if others else ""
        return not_found(f"Los documentos no registran valores medidos ni avance para {code} en el {plan}; "
                         f"los informes de seguimiento del corpus miden: {reports}.{where}", "avance",
                         ctx.entities(plan=plan))
    if any(r["year"] and not r["period"] for r in rows) or all(r["year"] for r in rows if r["metric"] != "nivel") \
            and any(r["metric"] == "avance_tipo2" or r["metric"] == "valor_obtenido" for r in rows) \
            and not any((r["period"] or "").endswith(("S1", "S2")) for r in rows):
        result = yearly_answer(ctx, code, plan, rows, others)
    else:
        result = period_answer(ctx, code, plan, rows, others)
    result.text += note
    return result


ACTION_AVANCE = ("avance_pei", "avance", "avance_tipo1")


def actions_answer(ctx: Context, code: str, plan: str, report: dict) -> Answer | None:
    """A semester report evaluates an objective through its actions: "avance del OEI.05 en el primer
    semestre" is answered with the avance of each of its AEI, and says so."""
    prefix = code.replace("OEI.", "AEI.").replace("OES.", "AES.") + "."
    fb = ctx.resolver.facts
    for metric in ACTION_AVANCE:
        facts = [f for f in fb.measured(metric, report["period"])
                 if (f.get("subject") or "").startswith(prefix) and f.get("plan") == plan and f["file"] == report["file"]]
        if facts:
            label = METRIC_LABELS.get(metric, metric)
            listing = "; ".join(f"{f['subject']}: {fmt(f['value'], f.get('raw'))}" for f in facts)
            text = (f"El informe del {describe_period(report['period'])} no da un avance de {code} ({plan}) como "
                    f"objetivo: lo evalúa por sus acciones estratégicas. {label[0].upper() + label[1:]}: {listing}.")
            rows = [[f["subject"], label, fmt(f["value"], f.get("raw"))] for f in facts]
            return Answer(text, intent="avance", entities=ctx.entities(plan=plan, period=report["period"], code=code),
                          columns=["Acción", "Medida", "Valor"], rows=rows).cite(*facts)
    return None


def period_answer(ctx: Context, code: str, plan: str, rows: list[dict], others: list[str]) -> Answer:
    q = ctx.q
    periods = sorted({r["period"] for r in rows if r["period"]}, key=period_key)
    report = ctx.resolver.report_for(q)
    if q.semester and report is None:
        available = ", ".join(describe_period(d["period"]) for d in ctx.resolver.report_docs)
        ordinal = "primer" if q.semester == 1 else "segundo"
        year = f" de {q.years[0]}" if q.years else ""
        return not_found(f"No hay en el corpus un informe del {ordinal} semestre{year}; los informes disponibles son: "
                         f"{available}.", "avance", ctx.entities(plan=plan, code=code))
    if q.years and not any(p.startswith(str(y)) for p in periods for y in q.years):
        years = ", ".join(map(str, q.years))
        return not_found(f"No hay mediciones de {code} ({plan}) para {years} en los documentos. "
                         f"Los informes del corpus cubren: {', '.join(describe_period(p) for p in periods)}.",
                         "avance", ctx.entities(plan=plan))
    if report and report["period"] not in periods:
        return not_found(f"El informe de {describe_period(report['period'])} no registra mediciones de {code}. "
                         f"Hay datos de {code} para: {', '.join(describe_period(p) for p in periods)}.", "avance",
                         ctx.entities(plan=plan, code=code))
    if report and report["period"] in periods:
        period = report["period"]
    elif q.years:
        period = [p for p in periods if any(p.startswith(str(y)) for y in q.years)][-1]
    else:
        period = periods[-1]
    chosen = [r for r in rows if r["period"] == period]
    order = wanted_metrics(ctx)
    chosen.sort(key=lambda r: (order.index(r["metric"]) if r["metric"] in order else 99, r["id"]))
    entity = (ctx.resolver.entity(code, plan) or [{}])[0]
    title = entity.get("title") or ""
    lead = chosen[0]
    label = METRIC_LABELS.get(lead["metric"], lead["metric"])
    indicator = next((r["indicator_name"] for r in chosen if r.get("indicator_name")), None)
    text = (f"{code}{' — ' + title if title else ''} ({plan}), {describe_period(period)}: "
            f"{label} {fmt(lead['value'], lead['raw'])}")
    text += "%" if "%" in label and lead["value"] is not None else ""
    if indicator:
        text += f". Indicador: {indicator}"
    sentido = next((r for r in chosen if r.get("sentido")), None)
    if sentido:
        text += f" (sentido esperado: {sentido['sentido']}; tipo de agregación: {sentido['agregacion'] or 'sin dato'})"
    extras = [r for r in chosen[1:] if r["metric"] not in ("aei_total",)]
    if extras:
        text += ". También: " + "; ".join(
            f"{METRIC_LABELS.get(r['metric'], r['metric'])} {fmt(r['value'], r['raw'])}" for r in extras[:8])
    text += "."
    said = _owner_statements(ctx, code, chosen[0]["file"])
    if said:
        text += " El informe lo detalla: " + " ".join(f"«{x['sentence'][:300]}»" for x in said)
    other_periods = [p for p in periods if p != period]
    if other_periods:
        text += f" Hay datos también para {', '.join(describe_period(p) for p in other_periods)}."
    if others:
        text += f" Ojo: {code} existe también en {', '.join(others)}, con otro contenido."
    table_rows = [[METRIC_LABELS.get(r["metric"], r["metric"]), r["value"] if r["value"] is not None else
                   (r["raw"] or "sin dato"), r.get("indicator_name") or "", describe_period(r["period"])]
                  for r in chosen]
    answer = Answer(text, intent="avance", entities=ctx.entities(plan=plan, period=period, code=code),
                    columns=["Medida", "Valor", "Indicador", "Período"], rows=table_rows)
    answer.cite(*chosen, *said)
    answer.suggestions = [f"¿Por qué {code} tuvo ese avance?", f"¿Qué actividades operativas tiene la {code}?"
                          if code.startswith("AEI") else f"¿Qué AEI del {code} tienen avance bajo?"]
    return answer


def _named_first(ctx: Context, rows: list[dict]) -> str | None:
    """The indicator the question names by its words, when it clearly names one of the subject's."""
    return ctx.resolver.clearly_named(ctx.q, {r.get("indicator_name") for r in rows})


def yearly_answer(ctx: Context, code: str, plan: str, rows: list[dict], others: list[str]) -> Answer:
    """PESEM-style: values per year for each indicator."""
    q = ctx.q
    years = sorted({r["year"] for r in rows if r["year"]})
    wanted_years = [y for y in q.years if y in years]
    if q.years and not wanted_years:
        return not_found(f"No hay valores de {code} ({plan}) para {', '.join(map(str, q.years))}; "
                         f"los años disponibles son {', '.join(map(str, years))}.", "avance",
                         ctx.entities(plan=plan))
    target_years = wanted_years or years[-1:]
    text = ctx.q.text + " "
    yearly_order = ["valor_obtenido", "avance_tipo1", "avance_tipo2", "logro_esperado"]
    asked = [m for m, words in METRIC_WORDS if any(w in text for w in words)
             and m in ("avance_tipo1", "avance_tipo2", "valor_obtenido", "logro_esperado")
             and not (m == "valor_obtenido" and not re.search(
                 r"valor obtenido|obtuvo|obtenido|ejecut\w*|realiz\w*|registr\w*|alcanz\w*", text))]
    if asked and not wanted_years:
        # no year named: the latest year that states the measure asked, said in the answer
        latest = sorted({r["year"] for r in rows if r["metric"] in asked and r["year"]})[-1:]
        target_years = latest or target_years
    if asked and not any(r["metric"] in asked and r["year"] in target_years for r in rows):
        have = sorted({r["year"] for r in rows if r["metric"] in asked})
        label = METRIC_LABELS.get(asked[0], asked[0])
        where = f"lo presenta para {', '.join(map(str, have))}" if have else "no lo presenta"
        return not_found(f"El {plan} no registra el {label} de {code} para {', '.join(map(str, target_years))}: "
                         f"el reporte {where}.", "avance", ctx.entities(plan=plan))
    asked_any = [m for m, words in METRIC_WORDS if any(w in text for w in words)]
    order = wanted_metrics(ctx) if asked_any else yearly_order
    chosen = [r for r in rows if r["year"] in target_years]
    named = _named_first(ctx, chosen)
    chosen.sort(key=lambda r: (r.get("indicator_name") != named, order.index(r["metric"]) if r["metric"] in order else 99,
                               r["id"]))
    lead = chosen[0]
    entity = (ctx.resolver.entity(code, plan) or [{}])[0]
    label = METRIC_LABELS.get(lead["metric"], lead["metric"])
    text = (f"{code}{' — ' + entity['title'] if entity.get('title') else ''} ({plan}), "
            f"{', '.join(map(str, target_years))}: {label} {fmt(lead['value'], lead['raw'])}")
    if lead.get("indicator_name"):
        text += f" (indicador: {lead['indicator_name']})"
    text += "."
    extras = chosen[1:9]
    if extras:
        text += " También: " + "; ".join(
            f"{METRIC_LABELS.get(r['metric'], r['metric'])} {r['year']} {fmt(r['value'], r['raw'])}"
            + (f" ({r['indicator_name']})" if r.get("indicator_name") and r.get("indicator_name") != lead.get(
                "indicator_name") else "") for r in extras) + "."
    table_rows = [[r.get("indicator_name") or "", METRIC_LABELS.get(r["metric"], r["metric"]), r["year"],
                   r["value"] if r["value"] is not None else (r["raw"] or "sin dato")] for r in chosen]
    answer = Answer(text, intent="avance", entities=ctx.entities(plan=plan, code=code),
                    columns=["Indicador", "Medida", "Año", "Valor"], rows=table_rows)
    return answer.cite(*chosen)


def _owner_statements(ctx: Context, code: str, file: str) -> list[dict]:
    """Sentences of the same report stating the counts behind an action's avance ("8 de 25 reuniones")."""
    rows = ctx.store.rows("select * from statements where owner = ? and file = ? and topic = 'porcentaje_con_conteo' "
                          "order by line_start", (code, file))
    said = [r for r in rows if "|" in (r["raw"] or "") and any(p for p in r["raw"].split("|")[1:])][:2]
    if re.search(r"\bmeta\b", ctx.q.text):
        # "¿cuál era la meta anual?": the sentence that states the target in the report's words
        said += [r for r in ctx.store.rows("select * from statements where owner = ? and file = ? and topic = 'conteo' "
                                           "and sentence like '%meta%' order by line_start", (code, file))
                 if r["sentence"] not in {x["sentence"] for x in said}][:1]
    return said


def answer_code_year(ctx: Context) -> Answer | None:
    """"¿Cuántos X en 2020 (AES 2.5)?": a code (or an indicator named by its words) with a year or a
    semester is a value question."""
    q = ctx.q
    if not (q.years or q.semester):
        return None
    if q.codes:
        return answer_avance(ctx)
    if re.search(r"\b(esperab\w*|meta|logro|realiz\w*|ejecut\w*|obtuv\w*|alcanz\w*)\b", q.text) and name_to_code(ctx):
        return answer_avance(ctx)
    return None
