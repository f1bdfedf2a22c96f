"""What evaluation reports say: critical actions, recommendations, operational activities, counts
stated in prose, and lists of actions by level or printed value."""

from __future__ import annotations

import re
from typing import Any

from rapidfuzz import fuzz

from knowledge.document import is_evaluation
from knowledge.records import json_list
from knowledge.stemming import STOPWORDS, stem, tokens
from knowledge.store import excerpt
from knowledge.text import fold
from queries.summaries import action_statuses, poi_pei_gaps

from ..answer import METRIC_LABELS, Answer, fmt, not_found
from ..resolve import QUESTION_WORDS, describe_period, period_key
from ..tracker.status import current_statuses
from ..understand import STATUS_WORDS
from . import Context
from .plan_facts import same_unit

# A recommendation is "named" by a question holding most (three fifths) of its information.
NAMED_RECOMMENDATION_COVERAGE = 3 / 5

STATUS_LABELS = {"en proceso": "en proceso", "ejecutado/culminado": "ejecutada/culminada",
                 "no iniciado": "no iniciada", "sin información": "sin información"}


def _report(ctx: Context, table: str, extra: str = "") -> dict[str, Any] | None:
    """The report asked for, or the latest report that has rows in ``table``."""
    chosen = ctx.resolver.report_for(ctx.q)
    if chosen:
        return chosen
    for doc in reversed(ctx.resolver.report_docs):
        if ctx.store.rows(f"select 1 from {table} where file = ? {extra} limit 1", (doc["file"],)):
            return doc
    return None


def _no_report(ctx: Context, intent: str) -> Answer | None:
    if ctx.q.years and not any(d["period"].startswith(str(y)) for d in ctx.resolver.report_docs for y in ctx.q.years):
        periods = ", ".join(describe_period(d["period"]) for d in ctx.resolver.report_docs)
        answer = not_found(f"No hay un informe de evaluación de {', '.join(map(str, ctx.q.years))} en el corpus; "
                           f"los informes disponibles son: {periods}.", intent, ctx.entities())
        answer.reason = "sin_informe"
        return answer
    return None


NOT_PRIORITISED = re.compile(r"\bno (?:son |es |fueron |fue |estan |esta )?priorizad")


# ---- critical actions -------------------------------------------------------------------------

def answer_critical(ctx: Context) -> Answer | None:
    missing = _no_report(ctx, "critical")
    if missing:
        return missing
    doc = _report(ctx, "critical_actions")
    if doc is None:
        return not_found("Los informes del corpus no identifican acciones críticas.", "critical", ctx.entities())
    rows = ctx.store.rows("select * from critical_actions where file = ? order by id", (doc["file"],))
    if not rows:
        others = [d for d in ctx.resolver.report_docs
                  if ctx.store.rows("select 1 from critical_actions where file = ? limit 1", (d["file"],))]
        where = (" Sí las identifica el informe de " + ", ".join(describe_period(d["period"]) for d in others) + ".") \
            if others else ""
        return not_found(f"El informe de {describe_period(doc['period'])} no identifica acciones críticas.{where}",
                         "critical", ctx.entities(), suggestions=[f"acciones críticas del informe {d['period']}"
                                                                  for d in others])
    codes = [c for c in ctx.q.codes if c.startswith("AEI")]
    text = ctx.q.text
    if codes:
        rows = [r for r in rows if r["owner"] in codes]
        if not rows:
            return not_found(f"{', '.join(codes)} no figura entre las acciones críticas del informe de "
                             f"{describe_period(doc['period'])}.", "critical", ctx.entities(period=doc["period"]))
    elif NOT_PRIORITISED.search(text):
        rows = [r for r in rows if not r["priorizado"]]
    elif re.search(r"\bpriorizad", text):
        rows = [r for r in rows if r["priorizado"]]
    period = describe_period(doc["period"])
    table = [[r["owner"], "sí" if r["priorizado"] else "no", r["reason"], ", ".join(json_list(r["aois"]))] for r in rows]
    if len(rows) == 1:
        r = rows[0]
        figures = "; ".join(f"{f.get('context', '')}: {f.get('raw')}" for f in json_list(r["figures"]) if isinstance(f, dict))
        aois = ", ".join(json_list(r["aois"]))
        block = excerpt(ctx.store, r["file"], r["line_start"], r["line_end"], limit=3000)
        answer_text = (f"{r['owner']} ({'priorizada' if r['priorizado'] else 'no priorizada'}; objetivo "
                       f"{'priorizado' if r['priorizado'] else 'no priorizado'}) figura como acción "
                       f"crítica en el informe de {period}. Motivo: {block or r['reason']}")
        if figures:
            answer_text += f" Cifras citadas: {figures}."
        if aois:
            answer_text += f" Actividades operativas analizadas: {aois}."
    else:
        which = " no priorizadas" if NOT_PRIORITISED.search(text) else ""
        every = ctx.store.rows("select priorizado from critical_actions where file = ?", (doc["file"],))
        yes = sum(1 for x in every if x["priorizado"])
        answer_text = (f"El informe de {period} identifica {len(every)} acciones críticas ({yes} de objetivos "
                       f"priorizados y {len(every) - yes} de objetivos no priorizados). ")
        answer_text += (f"Acciones críticas{which}: "
                       + ", ".join(f"{r['owner']} ({'priorizada' if r['priorizado'] else 'no priorizada'})"
                                   for r in rows) + ".")
    answer = Answer(answer_text, intent="critical", entities=ctx.entities(period=doc["period"]),
                    columns=["AEI", "Priorizada", "Motivo", "Actividades (AOI)"], rows=table)
    answer.suggestions = [f"¿Por qué {rows[0]['owner']} es crítica?", "¿Qué recomendaciones siguen en proceso?"]
    return answer.cite(*rows)


# ---- recommendations ----------------------------------------------------------------------------

def _same_number_other_list(ctx: Context, doc: dict, kind: str, number: re.Match) -> list[dict]:
    if re.search(r"\b(nuevas?|seguimiento|matriz|implementacion)\b", ctx.q.text):
        return []  # the question names the list
    other = "nueva" if kind == "seguimiento" else "seguimiento"
    return ctx.store.rows("select * from recommendations where file = ? and list_kind = ? and number = ?",
                          (doc["file"], other, int(number.group(1))))


def answer_recommendations(ctx: Context) -> Answer | None:
    if ctx.q.plan_hint in ("pesem", "sectorial"):
        return None  # the follow-up matrices belong to the institutional evaluation reports
    missing = _no_report(ctx, "recommendation")
    if missing:
        return missing
    q = ctx.q
    text = q.text
    named = _named_recommendation(ctx)
    if named is not None:
        return named
    wants_new = bool(re.search(r"\bnuevas?\b|\bformula|\bpropone|\brecomienda el informe|\bque recomienda", text))
    kind = "nueva" if wants_new and not q.statuses else "seguimiento"
    doc = _report(ctx, "recommendations", f"and list_kind = '{kind}'")
    if doc is None:
        return not_found("Los informes del corpus no contienen recomendaciones.", "recommendation", ctx.entities())
    rows = ctx.store.rows("select * from recommendations where file = ? and list_kind = ? order by number, id",
                          (doc["file"], kind))
    if not rows:
        return not_found(f"El informe de {describe_period(doc['period'])} no tiene recomendaciones de ese tipo.",
                         "recommendation", ctx.entities(period=doc["period"]))
    if re.search(r"\bvencid|\batrasad|\bfuera de plazo", text):
        return _overdue(ctx)
    # current statuses — printed statuses and editors' updates — by the rule every surface uses
    current = current_statuses(ctx.store, ctx.updates_db)
    rows = current.overlay(rows)
    unit = _unit_in(ctx.q.raw, rows)
    if not unit and not q.statuses:
        other = "nueva" if kind == "seguimiento" else "seguimiento"
        others = current.overlay(ctx.store.rows(
            "select * from recommendations where file = ? and list_kind = ? order by number, id", (doc["file"], other)))
        unit = _unit_in(ctx.q.raw, others)
        if unit:
            kind, rows = other, others
    if unit:
        rows = [r for r in rows if any(same_unit(unit, u) for u in json_list(r["responsible"]))]
    total, listed = len(rows), rows
    statuses = q.statuses if kind == "seguimiento" else []
    if statuses:
        rows = [r for r in rows if r["status"] in statuses]
    period = describe_period(doc["period"])
    label = "de seguimiento (matriz de implementación)" if kind == "seguimiento" else "nuevas"
    status_text = " o ".join(STATUS_LABELS.get(s, s) for s in statuses)
    numbers = [str(r["number"]) for r in rows if r["number"] is not None]
    if statuses:
        head = (f"En el informe de {period}, {len(rows)} de {total} recomendaciones {label} figuran como "
                f"{status_text}")
    else:
        counts: dict[str, int] = {}
        for r in rows:
            counts[r["status"] or "sin estado"] = counts.get(r["status"] or "sin estado", 0) + 1
        head = f"El informe de {period} tiene {len(rows)} recomendaciones {label}"
        if kind == "seguimiento":
            head += " (" + ", ".join(f"{n} {STATUS_LABELS.get(s, s)}" for s, n in counts.items()) + ")"
    if unit:
        head += f" a cargo de {unit}"
    number = re.search(r"\brecomendaci[oó]n\s*(?:n[°º.o]*\s*)?(\d{1,2})\b", ctx.q.raw, re.I)
    if number and any(r["number"] == int(number.group(1)) for r in rows):
        rows = [r for r in rows if r["number"] == int(number.group(1))]
    body = ": " + "; ".join(
        f"N.º {r['number']}: {r['text'][:220]}"
        + (f" ({'; '.join(json_list(r['responsible']))})" if r["responsible"] else "")
        + (f", plazo {fmt(r['plazo_meses'])} meses" if r["plazo_meses"] is not None else "")
        + (f", estado {STATUS_LABELS.get(r['status'], r['status'])}" if r["status"] else "")
        + (f", comentario: {r['comment'][:200]}" if len(rows) <= 3 and r.get("comment") else "")
        for r in rows) if rows else ""
    answer_text = head + (f" (números {', '.join(numbers)})" if numbers and statuses else "") + body + "."
    twins = _same_number_other_list(ctx, doc, kind, number) if number and not statuses else []
    if twins:
        # "la recomendación N.º 4" of a report that has a N.º 4 in both lists: both are stated
        answer_text += " El mismo informe tiene además, en su otra lista, " + "; ".join(
            f"la recomendación {'nueva' if r['list_kind'] == 'nueva' else 'de seguimiento'} N.º {r['number']}: "
            f"{r['text'][:220]} ({'; '.join(json_list(r['responsible']))})"
            + (f", plazo {fmt(r['plazo_meses'])} meses" if r["plazo_meses"] is not None else "") for r in twins) + "."
        rows = rows + twins
    columns = ["N.º", "Recomendación", "Responsable", "Plazo (meses)", "Estado"]
    table = [[r["number"], r["text"], "; ".join(json_list(r["responsible"])), r["plazo_meses"],
              r["status"] or ("sin estado (recomendación nueva)" if kind == "nueva" else "sin dato")] for r in rows]
    answer_text += current.note(listed, statuses)
    answer = Answer(answer_text, intent="recommendation", entities=ctx.entities(period=doc["period"], list=kind),
                    columns=columns, rows=table)
    answer.suggestions = ["¿Qué recomendaciones están culminadas?", "¿Qué recomendaciones nuevas formula el informe anual?"]
    return answer.cite(*rows[:8])


REC_WORDS = frozenset("recomendacion recomendaciones quien quienes tiene tienen plazo estado esta encarga "
                      "responsable responsables matriz informe seguimiento vuelve recomendar nueva nuevas unidad "
                      "cargo hacer entre cumplimiento comentario reporte situacion estaba estado paso "
                      "enero febrero marzo abril mayo junio julio agosto septiembre setiembre octubre noviembre "
                      "diciembre".split())  # the words of a status and a date say when, not which


def _named_recommendation(ctx: Context) -> Answer | None:
    """A recommendation named by its content ("la de fortalecer el aplicativo MAPCE"): its rows in every
    report, with status, responsible units and plazo."""
    from ..fallback import FILLER, coverage

    status_words = {w for words in STATUS_WORDS.values() for phrase in words for w in phrase.split()}
    kept = [t for t in tokens(ctx.q.text) if t not in REC_WORDS and t not in FILLER and t not in STOPWORDS
            and not t.isdigit() and not any(t.startswith(w) for w in status_words) and len(t) > 3]
    if len(kept) < 3:
        return None
    words = " ".join(kept)
    rows = ctx.store.rows("select r.*, d.period as doc_period from recommendations r join documents d "
                          "on d.file = r.file order by r.id")
    scored = sorted(((coverage(ctx.store, words, f"{r['aspecto'] or ''} {r['text']} {r['accion_clave'] or ''}"), r)
                     for r in rows), key=lambda x: -x[0])
    if not scored or scored[0][0] < NAMED_RECOMMENDATION_COVERAGE:
        return None
    best = scored[0][0]
    current = current_statuses(ctx.store, ctx.updates_db)
    chosen = current.overlay([r for score, r in scored if score >= best - 0.1][:4])
    parts = []
    for r in chosen:
        kind = "nueva" if r["list_kind"] == "nueva" else "en la matriz de seguimiento"
        status = f", estado: {STATUS_LABELS.get(r['status'], r['status'])}" if r["status"] else ""
        plazo = f", plazo: {fmt(r['plazo_meses'])} meses" if r["plazo_meses"] is not None else ""
        comment = f"; comentario: {r['comment']}" if r.get("comment") else ""
        parts.append(f"Informe de {describe_period(r['period'])}, recomendación {kind} N.º {r['number']}: "
                     f"«{r['text'][:300]}»; responsable: {'; '.join(json_list(r['responsible'])) or 'sin dato'}"
                     f"{plazo}{status}{comment}")
    answer = Answer(". ".join(parts) + ".", intent="recommendation", entities=ctx.entities(),
                    columns=["Informe", "Lista", "N.º", "Recomendación", "Responsable", "Plazo (meses)", "Estado"],
                    rows=[[describe_period(r["period"]), r["list_kind"], r["number"], r["text"],
                           "; ".join(json_list(r["responsible"])), r["plazo_meses"], r["status"] or "—"] for r in chosen])
    answer.text += current.note(chosen)
    return answer.cite(*chosen)


def _tracked(ctx: Context) -> list[dict]:
    return current_statuses(ctx.store, ctx.updates_db).items


def _overdue(ctx: Context) -> Answer:
    """Recommendations past their due date (report date + plazo) and not executed, as of today."""
    items = [i for i in _tracked(ctx) if i.get("overdue")]
    if not items:
        return Answer("Ninguna recomendación figura vencida a la fecha (fecha del informe + plazo, sin culminar).",
                      intent="recommendation", entities=ctx.entities())
    text = (f"{len(items)} recomendaciones están vencidas a la fecha y no figuran como culminadas "
            "(vencimiento = fecha del informe que la formula + plazo en meses): " + "; ".join(
                f"N.º {i['number']} del informe de {describe_period(i['report'].get('period'))} (venció el "
                f"{i['due_date']}, estado: {i.get('status_label') or 'sin información'})" for i in items[:12]) + ".")
    rows = [[i["number"], describe_period(i["report"].get("period")), i["text"], "; ".join(i["responsible"]),
             i["plazo_meses"], i["due_date"], i.get("status_label") or "sin información"] for i in items]
    answer = Answer(text, intent="recommendation", entities=ctx.entities(),
                    columns=["N.º", "Informe", "Recomendación", "Responsable", "Plazo (meses)", "Vence", "Estado"],
                    rows=rows)
    return answer.cite(*[i["source"] | {"file": i["source"].get("file") or i["report"]["file"]} for i in items[:6]])


def _unit_in(raw: str, rows: list[dict]) -> str | None:
    names = {u for r in rows for u in json_list(r["responsible"])}
    text = fold(raw)
    best = max(names, key=lambda n: fuzz.partial_ratio(fold(n), text), default=None)
    if best and len(best) > 12 and fuzz.partial_ratio(fold(best), text) >= 92 and fold(best).split()[0] in text:
        return best
    return None


# ---- operational activities ---------------------------------------------------------------------

def answer_activity(ctx: Context) -> Answer | None:
    q = ctx.q
    if q.aois:
        rows = ctx.store.rows(f"select * from activities where aoi in ({','.join('?' * len(q.aois))}) order by id",
                              tuple(q.aois))
        asked = ctx.resolver.report_for(q)
        if asked and q.years and not [r for r in rows if r["file"] == asked["file"]]:
            return not_found(f"El informe de {describe_period(asked['period'])} no reporta el avance físico de "
                             f"{', '.join(q.aois)}." + (" Sí figura en: " + ", ".join(
                                 describe_period(r["period"]) for r in rows) + "." if rows else ""), "activity",
                             ctx.entities(period=asked["period"]))
        if not rows:
            crit = ctx.store.rows("select * from critical_actions where " +
                                  " or ".join("aois like ?" for _ in q.aois), tuple(f"%{a}%" for a in q.aois))
            if crit:
                r = crit[0]
                answer = Answer(f"{', '.join(q.aois)} se cita entre las actividades de la acción crítica {r['owner']} "
                                f"({describe_period(r['period'])}): {r['reason']}", intent="activity",
                                entities=ctx.entities(period=r["period"]))
                return answer.cite(r)
            return not_found(f"No encontré la actividad operativa {', '.join(q.aois)} en los documentos.", "activity",
                             ctx.entities())
        lead = rows[0]
        answer_text = "; ".join(f"{r['aoi']} — {r['description']} ({r['owner']}): avance físico "
                                f"{fmt(r['avance_fisico'], r['raw'])}% en {describe_period(r['period'])}"
                                for r in rows) + "."
        if "(*)" in (lead.get("raw") or ""):
            answer_text += " El valor está marcado con (*) en el informe."
        answer = Answer(answer_text, intent="activity", entities=ctx.entities(period=lead["period"]),
                        columns=["AOI", "Descripción", "AEI", "Avance físico (%)", "Período"],
                        rows=[[r["aoi"], r["description"], r["owner"], r["avance_fisico"], r["period"]] for r in rows])
        return answer.cite(*rows)
    codes = [c for c in q.codes if c.startswith("AEI")]
    if not codes:
        return None
    code = codes[0]
    doc = ctx.resolver.report_for(q)

    def of_code(sql: str) -> list[dict]:
        """Rows of one action, in the report asked for when the question names one."""
        scope = " and file = ?" if doc else ""
        return ctx.store.rows(f"{sql}{scope} order by id", (code, doc["file"]) if doc else (code,))

    rows = of_code("select * from activities where owner = ?")
    averages = of_code("select * from measurements where owner = ? and metric = 'ejecucion_fisica'")
    crit = of_code("select * from critical_actions where owner = ?")
    if not rows and not averages and not crit:
        return None
    parts = []
    if averages:
        parts.append("; ".join(f"ejecución física promedio de las actividades operativas de {code} en "
                               f"{describe_period(a['period'])}: {fmt(a['value'], a['raw'])}%" + (
                                   f" ({a['locator']})" if len(averages) > 1 else "") for a in averages))
    if rows:
        parts.append("actividades: " + "; ".join(f"{r['aoi']} {r['description']} {fmt(r['avance_fisico'], r['raw'])}%"
                                                 for r in rows))
    answer = Answer((". ".join(parts) + ".") if parts else f"{code}:", intent="activity", entities=ctx.entities(code=code),
                    columns=["AOI", "Descripción", "Avance físico (%)", "Período"],
                    rows=[[r["aoi"], r["description"], r["avance_fisico"], r["period"]] for r in rows] or None)
    if len(averages) > 1 and len({a["value"] for a in averages}) > 1:
        answer.text += " Atención: el informe da cifras distintas en dos lugares; se muestran ambas con su fuente."
    if crit:
        c = crit[0]
        aois = ", ".join(json_list(c["aois"]))
        answer.text += (f" {code} figura como acción crítica ({'objetivo priorizado' if c['priorizado'] else 'objetivo no priorizado'})"
                        f" en el informe de {describe_period(c['period'])}"
                        + (f"; actividades operativas analizadas: {aois}" if aois else "") + ": "
                        f"{excerpt(ctx.store, c['file'], c['line_start'], c['line_end'], limit=3000)}")
    return answer.cite(*averages, *rows, *crit[:1])


# ---- counts stated in prose ----------------------------------------------------------------------

def _noun_after(sentence: str, raw: str) -> str:
    i = sentence.find(raw)
    if i < 0:
        return ""
    return " ".join(sentence[i + len(raw):].split()[:6])


def _question_stems(ctx: Context) -> list[str]:
    return [t for t in tokens(ctx.q.text) if t not in STOPWORDS and t not in QUESTION_WORDS and len(t) > 2
            and not t.isdigit() and t not in ("cuantos", "cuantas", "evaluacion", "mitad", "informe")]


def _overlap(words: list[str], text: str) -> float:
    have = tokens(text)
    have_stems = {stem(t) for t in have}
    score = 0.0
    for w in words:
        if stem(w) in have_stems:
            score += 1
        elif any(fuzz.ratio(w, h) >= 85 for h in have if len(h) > 3):
            score += 0.8
    return score / max(len(words), 1)


def answer_level_count(ctx: Context) -> Answer | None:
    """"¿Cuántas AEI del OEI.05 quedaron en nivel bajo en 2024?": the report's counts per level."""
    levels = [w for w in LEVEL_WORDS if re.search(
        rf"\b(nivel|desempeno|avance|cumplimiento)( de (avance|cumplimiento|desempeno|implementacion))? {w}s?\b"
        rf"|\by (cuantas |cuantos )?(en |con )?(nivel )?{w}s?\b", ctx.q.text)]
    owners = [c for c in ctx.q.codes if c.startswith("OEI")]
    if not levels:
        return None
    if len(levels) > 1:
        answers = [a for a in (_level_count(ctx, w, owners) for w in levels) if a]
        if not answers:
            return None
        first = answers[0]
        for other in answers[1:]:
            first.text += " " + other.text
            first.rows = (first.rows or []) + (other.rows or [])
            first.cited += other.cited
        first.columns = ["OEI", "AEI por nivel"]
        return first
    return _level_count(ctx, levels[0], owners)


def _level_count(ctx: Context, level: str, owners: list[str]) -> Answer | None:
    missing = _no_report(ctx, "count")
    if missing:
        return missing
    doc = ctx.resolver.report_for(ctx.q) or ctx.resolver.latest_report()
    if doc is None:
        return None
    sql = "select * from measurements where file = ? and metric = ?"
    params: list[Any] = [doc["file"], f"aei_{level}"]
    if owners:
        sql += f" and owner in ({','.join('?' * len(owners))})"
        params += owners
    rows = ctx.store.rows(sql + " order by owner", tuple(params))
    if not rows:
        return _stated_level_count(ctx, doc, level, owners)
    totals = {r["owner"]: r for r in ctx.store.rows(
        "select * from measurements where file = ? and metric = 'aei_total'", (doc["file"],))}
    total = sum(r["value"] or 0 for r in rows)
    scope = ", ".join(owners) if owners else "todos los OEI"
    answer = Answer(f"En el informe de {describe_period(doc['period'])}, acciones estratégicas con nivel {level} "
                    f"({scope}): {fmt(total)}. " + "; ".join(
                        f"{r['owner']}: {fmt(r['value'], r['raw'])}"
                        + (f" de {fmt(totals[r['owner']]['value'])} acciones evaluadas" if r["owner"] in totals else "")
                        for r in rows)
                    + ".", intent="count", entities=ctx.entities(period=doc["period"]),
                    columns=["OEI", f"AEI con nivel {level}"], rows=[[r["owner"], r["value"]] for r in rows])
    return answer.cite(*rows[:6])


def _stated_level_count(ctx: Context, doc: dict, level: str, owners: list[str]) -> Answer | None:
    """Reports that give the counts per level only in prose ("21 acciones estratégicas (52.5%) tienen un
    nivel de cumplimiento alto"): the sentence, quoted, with the count and share it states."""
    rows = ctx.store.rows("select * from statements where file = ? and topic = 'acciones_por_nivel' order by line_start",
                          (doc["file"],))
    rows = [r for r in rows if (r["raw"] or "").split("|")[0] == level
            and ((r["owner"] in owners) if owners else r["owner"] is None)]
    if not rows:
        return None
    r = rows[0]
    count = (r["raw"] or "").split("|")[1] if "|" in (r["raw"] or "") else fmt(r["value"])
    share = re.search(r"\((\d+(?:[.,]\d+)?)\s*%\)", r["sentence"])
    text = (f"En el informe de {describe_period(doc['period'])}, acciones estratégicas con nivel {level}"
            f"{' de ' + ', '.join(owners) if owners else ''}: {count}"
            + (f" ({share.group(1)}% del total)" if share else "") + f". El informe lo dice así: «{r['sentence']}».")
    return Answer(text, intent="count", entities=ctx.entities(period=doc["period"])).cite(r)


def answer_count_statement(ctx: Context) -> Answer | None:
    """"¿Cuántos X …?" answered from a count the report states in prose."""
    words = _question_stems(ctx)
    if not words:
        return None
    docs = ctx.resolver.report_docs
    wanted = [d for d in docs if (ctx.q.semester and d["period"].endswith(f"S{ctx.q.semester}"))]
    if "anual" in ctx.q.text:
        wanted += [d for d in docs if re.fullmatch(r"\d{4}", d["period"])]
    if not wanted:
        single = ctx.resolver.report_for(ctx.q)
        wanted = [single] if single else []
    files = [d["file"] for d in wanted] or None
    sql = "select * from statements where topic = 'conteo'"
    rows = ctx.store.rows(sql + (f" and file in ({','.join('?' * len(files))})" if files else ""), tuple(files or ()))
    best: dict[str, tuple[float, dict]] = {}
    for r in rows:
        noun = _noun_after(r["sentence"], r["raw"])
        score = (7 * _overlap(words[:6], noun) + 3 * _overlap(words, r["sentence"])) / 10
        if score >= 0.45 and (r["file"] not in best or score > best[r["file"]][0]):
            best[r["file"]] = (score, r)
    if not best:
        return None
    chosen = [best[f][1] for f in sorted(best, key=lambda f: period_key(next(
        (d["period"] for d in docs if d["file"] == f), "")))]
    parts = [f"{fmt(r['value'], r['raw'])} según el informe de {describe_period(r['period'])} («{r['sentence'][:240]}»)"
             for r in chosen]
    answer = Answer("; ".join(parts) + ".", intent="count", entities=ctx.entities(),
                    columns=["Informe", "Cifra", "Texto"],
                    rows=[[describe_period(r["period"]), r["value"], r["sentence"]] for r in chosen])
    return answer.cite(*chosen)


# ---- lists of actions/objectives by level or printed value ---------------------------------------

LEVEL_WORDS = ("alto", "medio", "bajo", "bueno")


RANK_RE = re.compile(r"\b(mayor|mas alto|maximo|mejor|menor|mas bajo|minimo|peor|(?:avanz\w+|creci\w+) mas|"
                     r"mas negati[vb]\w*|mas positi[vb]\w*|mas abajo|mas arriba|mas (?:avanzad|rezagad)\w*)\b")
LOWEST_RE = re.compile(r"menor|mas bajo|minimo|peor|negati[vb]|rezagad|abajo")
COMPARE_RE = re.compile(r"\b(?:de|igual a|menor (?:a|que)|mayor (?:a|que)|por debajo de(?:l)?|por encima de(?:l)?|"
                        r"inferior a|superior a)\s+(-?\d+(?:[.,]\d+)?)\s*%?")


def _metric_in(text: str, default: str) -> str:
    for metric, words in (("avance_pei", ("avance pei", " pei")), ("avance_poi", ("avance poi", " poi")),
                          ("ejecucion_fisica", ("ejecucion fisica",)), ("avance_tipo2", ("tipo 2",)),
                          ("avance_corregido", ("corregido",))):
        if any(w in f" {text}" for w in words):
            return metric
    return default


def answer_ranking(ctx: Context) -> Answer | None:
    """Highest/lowest, or above/below/equal to a value, among the actions or objectives of a report
    (within one objective when the question names it), the POI–PEI gap, or the PESEM's AES/OES."""
    text = ctx.q.text
    rank = RANK_RE.search(text)
    cmp = COMPARE_RE.search(text)
    if not rank and not cmp:
        return None
    pesem = ctx.q.plan_hint == "pesem" or bool(re.search(r"\b(aes|oes)\b", text))
    if pesem:
        return _pesem_ranking(ctx, rank, cmp)
    missing = _no_report(ctx, "list")
    if missing:
        return missing
    kind = "OEI" if re.search(r"\b(objetivos?|oei)\b", text) and not re.search(r"\b(aei|acciones|accion)\b", text) \
        else "AEI"
    parent = next((c for c in ctx.q.codes if c.startswith("OEI")), None) if kind == "AEI" else None
    doc = ctx.resolver.report_for(ctx.q) or ctx.resolver.latest_report()
    if doc is None:
        return None
    prefix = f"AEI.{parent.split('.')[1]}.%" if parent else f"{kind}%"
    if re.search(r"\b(brecha|distancia|diferencia|gap)\b", text) and "poi" in text and "pei" in text:
        return _gap_ranking(ctx, doc, prefix, rank)
    default = "avance_tipo1" if kind == "OEI" else "avance_pei"
    metric = _metric_in(text, default)
    rows = ctx.store.rows("select * from measurements where file = ? and metric = ? and owner like ? order by owner",
                          (doc["file"], metric, prefix))
    if not rows and metric == "avance_pei":
        metric = "avance_tipo1"
        rows = ctx.store.rows("select * from measurements where file = ? and metric = ? and owner like ? "
                              "order by owner", (doc["file"], metric, prefix))
    scope = f" dentro de {parent}" if parent else ""
    return _ranked(ctx, rows, metric, f"En el informe de {describe_period(doc['period'])}{scope}", rank, cmp,
                   doc["period"])


def _ranked(ctx: Context, rows: list[dict], metric: str, where: str, rank: re.Match | None,
            cmp: re.Match | None, period: str | None, label_of=lambda r: r["owner"]) -> Answer | None:
    valued = [r for r in rows if r["value"] is not None]
    if not valued:
        return None
    label = METRIC_LABELS.get(metric, metric)
    if cmp:
        value = float(cmp.group(1).replace(",", "."))
        word = cmp.group(0)
        if re.match(r"(menor|por debajo|inferior)", word):
            chosen = [r for r in valued if r["value"] < value]
        elif re.match(r"(mayor|por encima|superior)", word):
            chosen = [r for r in valued if r["value"] > value]
        else:
            chosen = [r for r in valued if abs(r["value"] - value) < 1e-9]
        head = f"{where}, con {label} {word.strip()}: "
    else:
        lowest = bool(LOWEST_RE.search(rank.group(0)))
        valued = sorted(valued, key=lambda r: r["value"], reverse=not lowest)
        top = valued[0]["value"]
        chosen = [r for r in valued if r["value"] == top]
        head = f"{where}, {'el menor' if lowest else 'el mayor'} {label} es {fmt(top)}: "
    if not chosen:
        return not_found(f"{where}, ninguno cumple esa condición en el {label}.", "list", ctx.entities(period=period))
    answer = Answer(head + ", ".join(f"{label_of(r)} ({fmt(r['value'], r['raw'])})" for r in chosen) + ".",
                    intent="list", entities=ctx.entities(period=period, metric=metric),
                    columns=["Código", label], rows=[[label_of(r), r["value"]] for r in (chosen if cmp else valued)])
    return answer.cite(*chosen[:6])


def _gap_ranking(ctx: Context, doc: dict, prefix: str, rank: re.Match | None) -> Answer | None:
    """Largest (or smallest) difference between avance POI and avance PEI, in percentage points
    (queries.summaries computes the gaps)."""
    rows = ctx.store.rows("select * from measurements where file = ? and metric in ('avance_poi', 'avance_pei') "
                          "and owner like ? order by owner", (doc["file"], prefix))
    gaps = [s for s in poi_pei_gaps(action_statuses(rows))
            if s.pei.metric == "avance_pei" and s.poi.metric == "avance_poi"]
    if not gaps:
        return None
    lowest = bool(rank and LOWEST_RE.search(rank.group(0)))
    gaps.sort(key=lambda s: abs(s.gap), reverse=not lowest)
    top = gaps[0]
    answer = Answer(f"En el informe de {describe_period(doc['period'])}, la {'menor' if lowest else 'mayor'} distancia "
                    f"entre avance POI y avance PEI es la de {top.owner}: POI {fmt(top.poi.value)} frente a PEI "
                    f"{fmt(top.pei.value)}, {fmt(round(abs(top.gap), 2))} puntos porcentuales.", intent="compare",
                    entities=ctx.entities(period=doc["period"]),
                    columns=["AEI", "Avance POI (%)", "Avance PEI (%)", "Diferencia (p.p.)"],
                    rows=[[s.owner, s.poi.value, s.pei.value, round(abs(s.gap), 2)] for s in gaps])
    return answer.cite(*(vars(f.source) for f in (top.poi, top.pei)))


def _pesem_ranking(ctx: Context, rank: re.Match | None, cmp: re.Match | None) -> Answer | None:
    text = ctx.q.text
    kind = "OES" if re.search(r"\boes\b|objetivos", text) and not re.search(r"\baes\b|acciones", text) else "AES"
    metric = "avance_tipo2" if "tipo 2" in text else ("valor_obtenido" if "valor" in text else "avance_tipo1")
    year = next(iter(ctx.q.years), None)
    rows = ctx.store.rows("select * from measurements where metric = ? and owner like ? and year is not null "
                          "order by owner", (metric, f"{kind}%"))
    if not rows:
        return None
    year = year if year in {r["year"] for r in rows} else max(r["year"] for r in rows)
    rows = [r for r in rows if r["year"] == year]
    plan = rows[0]["plan"]
    return _ranked(ctx, rows, metric, f"En el {plan}, año {year}", rank, cmp, str(year),
                   label_of=lambda r: f"{r['owner']} «{r['indicator_name']}»" if r.get("indicator_name") else r["owner"])


def answer_measure_list(ctx: Context) -> Answer | None:
    q = ctx.q
    text = q.text
    level = next((w for w in LEVEL_WORDS if re.search(
        rf"\b(desempeno|nivel|avance|cumplimiento)( de (avance|cumplimiento|desempeno|implementacion))?\s+{w}s?\b",
        text)), None)
    non_value = re.search(r"\b(nc|nd)\b", text)
    if not level and not non_value:
        return None
    none_at = re.search(r"\b(ninguna|sin|cero|no tuvieron|no tiene|no tienen)\b.*\b(aei|acciones|accion)\b", text)
    if level and none_at and re.search(r"\b(objetivos?|oei)\b", text):
        doc = ctx.resolver.report_for(q) or ctx.resolver.latest_report()
        rows = ctx.store.rows("select * from measurements where file = ? and metric = ? and owner like 'OEI%' "
                              "order by owner", (doc["file"], f"aei_{level}")) if doc else []
        zero = [r for r in rows if r["value"] == 0]
        if rows:
            answer = Answer(f"En el informe de {describe_period(doc['period'])}, objetivos sin acciones estratégicas con "
                            f"nivel {level}: {', '.join(r['owner'] for r in zero) or 'ninguno'}.", intent="list",
                            entities=ctx.entities(period=doc["period"]), columns=["OEI", f"AEI con nivel {level}"],
                            rows=[[r["owner"], r["value"]] for r in rows])
            return answer.cite(*(zero or rows)[:6])
    kind = "OEI" if re.search(r"\b(objetivos?|oei)\b", text) else "AEI"
    doc = ctx.resolver.report_for(q) or ctx.resolver.latest_report()
    if doc is None:
        return None
    if non_value:
        metric = "avance_pei" if "pei" in text else ("avance_poi" if "poi" in text else None)
        sql = "select * from measurements where file = ? and upper(raw) = ? and owner like ?"
        params: list[Any] = [doc["file"], non_value.group(1).upper(), f"{kind}%"]
        if metric:
            sql += " and metric = ?"
            params.append(metric)
        rows = ctx.store.rows(sql + " order by owner", tuple(params))
        what = f"«{non_value.group(1).upper()}»" + (f" en el {METRIC_LABELS[metric]}" if metric else "")
    else:
        rows = ctx.store.rows("select * from measurements where file = ? and metric = 'nivel' and owner like ? "
                              "order by owner", (doc["file"], f"{kind}%"))
        rows = [r for r in rows if level in fold(r["raw"] or "")]
        what = f"nivel/desempeño {level}"
    if not rows:
        return None
    codes = list(dict.fromkeys(r["owner"] for r in rows))
    # each one's main avance in the same report, so "¿cuál fue su avance?" is answered too
    main = {}
    for code in codes:
        found = ctx.store.rows("select * from measurements where file = ? and owner = ? and metric in "
                               "('avance_tipo1', 'avance_pei', 'avance') and value is not null order by "
                               "case metric when 'avance_tipo1' then 0 when 'avance_pei' then 1 else 2 end limit 1",
                               (doc["file"], code))
        if found:
            main[code] = found[0]
    text = f"En el informe de {describe_period(doc['period'])}, figuran con {what}: " + ", ".join(
        f"{c} ({METRIC_LABELS.get(main[c]['metric'], main[c]['metric'])} {fmt(main[c]['value'], main[c]['raw'])})"
        if c in main else c for c in codes) + "."
    rank = RANK_RE.search(text_q := q.text)
    if rank and len(main) > 1:
        lowest = bool(LOWEST_RE.search(rank.group(0)))
        pick = (min if lowest else max)(main.values(), key=lambda m: m["value"])
        text += (f" El de {'menor' if lowest else 'mayor'} avance entre ellos es {pick['owner']} "
                 f"({fmt(pick['value'], pick['raw'])}).") if text_q else ""
    answer = Answer(text, intent="list", entities=ctx.entities(period=doc["period"]),
                    columns=["Código", "Medida", "Valor impreso"],
                    rows=[[r["owner"], METRIC_LABELS.get(r["metric"], r["metric"]), r["raw"]] for r in rows]
                    + [[c, METRIC_LABELS.get(m["metric"], m["metric"]), m["raw"]] for c, m in main.items()])
    return answer.cite(*rows, *main.values())



# ---- summary of a document --------------------------------------------------------------------------

def answer_summary(ctx: Context) -> Answer | None:
    """What a report (or plan) holds, in figures, with its executive summary's opening."""
    r = ctx.resolver
    plan = r.plan_for_hint(ctx.q)
    doc = r.report_for(ctx.q)
    if doc is None and plan:
        doc = next((d for d in r.documents if d["plan"] == plan and not is_evaluation(d["kind"])), None)
    if doc is None:
        doc = r.latest_report()
    if doc is None:
        return None
    f = (doc["file"],)
    parts, rows, cited = [], [], []
    oei = ctx.store.rows("select * from measurements where file = ? and metric = 'avance_tipo1' and owner like 'OEI%' "
                         "order by owner", f)
    if oei:
        parts.append("avance tipo 1 por OEI: " + ", ".join(f"{m['owner']} {fmt(m['value'], m['raw'])}%" for m in oei))
        rows += [[m["owner"], "avance tipo 1 (%)", m["value"]] for m in oei]
        cited += oei[:2]
    pei = ctx.store.rows("select * from measurements where file = ? and metric = 'avance_pei' order by owner", f)
    if pei:
        parts.append(f"{len(pei)} AEI con avance PEI reportado")
    crit = ctx.store.rows("select * from critical_actions where file = ? order by id", f)
    if crit:
        parts.append(f"{len(crit)} acciones críticas ({', '.join(c['owner'] for c in crit)})")
        cited.append(crit[0])
    recs = ctx.store.rows("select * from recommendations where file = ? order by id", f)
    if recs:
        follow = [x for x in recs if x["list_kind"] == "seguimiento"]
        new = [x for x in recs if x["list_kind"] == "nueva"]
        counts: dict[str, int] = {}
        for x in follow:
            counts[x["status"] or "sin estado"] = counts.get(x["status"] or "sin estado", 0) + 1
        if follow:
            parts.append(f"{len(follow)} recomendaciones en seguimiento (" + ", ".join(
                f"{n} {STATUS_LABELS.get(k, k)}" for k, n in counts.items()) + ")")
        if new:
            parts.append(f"{len(new)} recomendaciones nuevas")
    ents = ctx.store.rows("select kind, count(distinct code) n from entities where file = ? group by kind", f)
    if ents and not oei:
        parts.append(", ".join(f"{e['n']} {e['kind']}" for e in ents))
    opening = ctx.store.rows("select * from passages where file = ? and kind = 'paragraph' and lower(section) like "
                             "'%resumen%' order by line_start limit 2", f)
    head = f"{doc['title']} ({doc['kind']}, {doc['plan']}" + (f", {describe_period(doc['period'])}" if doc["period"]
                                                               else "") + ")"
    text = head + ". " + ("; ".join(parts) + "." if parts else "")
    if opening:
        text += " Resumen ejecutivo: " + " ".join(p["text"] for p in opening)[:900]
        cited = opening + cited
    answer = Answer(text, intent="summary", entities=ctx.entities(period=doc["period"]),
                    columns=["Código", "Medida", "Valor"] if rows else None, rows=rows or None)
    answer.suggestions = ["¿Qué acciones son críticas?", "¿Qué recomendaciones siguen en proceso?"]
    return answer.cite(*(cited or [{"file": doc["file"], "line_start": 1, "line_end": 1, "locator": doc["title"]}]))
