"""Route a question to the handler of its intent; fall back to cited passages."""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

from knowledge.stemming import STOPWORDS, tokens
from knowledge.store import Store

from . import suggestions
from .answer import Answer, not_found
from .brief_links import brief_url_for
from .brief_links import url as brief_url
from .fallback import FILLER, QUANTITY_RE, passage_answer
from .handlers import (
    Context,
    cells,
    change,
    derived,
    figures,
    measures,
    methodology,
    named,
    plan_facts,
    plan_structure,
    prose,
    reports,
    trends,
)
from .intents import classify, is_follow_up
from .resolve import QUESTION_WORDS, Resolver, describe_period
from .understand import SPAN_RE, Question, parse

Handler = Callable[[Context], Answer | None]

HANDLERS: dict[str, list[Handler]] = {
    "person": [lambda ctx: not_found(
        "Los documentos del corpus no identifican por su nombre a las personas a cargo de las unidades u "
        "oficinas; nombran las unidades orgánicas responsables.", "persona", ctx.entities())],
    "budget": [prose.answer_budget],
    "methodology": [methodology.answer_methodology],
    "recommendation": [reports.answer_recommendations],
    "critical": [reports.answer_critical],
    "activity": [reports.answer_activity],
    "compare": [trends.answer_compare, trends.answer_trend, reports.answer_count_statement,
                measures.answer_avance],
    "trend": [trends.answer_trend, trends.answer_compare],
    "avance": [measures.answer_avance, reports.answer_ranking, reports.answer_level_count],
    "target": [plan_facts.answer_target],
    "baseline": [plan_facts.answer_baseline],
    "indicator": [plan_facts.answer_indicator],
    "responsible": [plan_facts.answer_responsible],
    "priority": [plan_structure.answer_priority],
    "objective": [plan_structure.answer_objective],
    "summary": [reports.answer_summary],
    "count": [plan_structure.answer_most_indicators, reports.answer_level_count, plan_structure.answer_structure,
              measures.answer_code_year,
              figures.answer_prose_figure, prose.answer_prose_figures, reports.answer_count_statement],
    "list": [plan_structure.answer_most_indicators, reports.answer_measure_list, reports.answer_ranking,
             plan_structure.answer_structure],
}

DERIVED: list[Handler] = [derived.answer_threshold, derived.answer_share, derived.answer_level_share,
                          derived.answer_most_children, derived.answer_unchanged, change.answer_change,
                          figures.answer_subject_figures, named.answer_named_compare, cells.answer_table_cells,
                          cells.answer_table_rank, cells.answer_table_codes]

_resolvers: dict[tuple[str, int], Resolver] = {}


def resolver_for(store: Store) -> Resolver:
    """One Resolver per index file version (its caches die with a re-ingest)."""
    stat = store.db_file.stat()
    key = (str(store.db_file), stat.st_mtime_ns)
    if key not in _resolvers:
        _resolvers.clear()
        _resolvers[key] = Resolver(store)
    return _resolvers[key]


# Words of a follow-up that point back or ask for a facet, not a new topic.
FOLLOW_UP_WORDS = frozenset("directas directos subsidiarias subsidiarios mismo misma dicho dicha ese esa esos esas "
                            "este esta respecto puntos porcentuales porcentual supone representa fija fijo establece "
                            "establecio diferencia variacion cambio sobre frente comparado".split())


def merge_follow_up(q: Question, previous: dict[str, Any]) -> Question:
    """A follow-up keeps what it does not restate from the previous question."""
    prev = previous.get("question")
    if not isinstance(prev, Question):
        return q
    prev_codes = prev.codes or list(previous.get("codes") or [])
    own_words = [t for t in tokens(q.text) if t not in FILLER and t not in STOPWORDS and t not in QUESTION_WORDS
                 and t not in FOLLOW_UP_WORDS and len(t) > 3 and not t.isdigit()]
    if len(own_words) >= 3 and not q.codes:
        prev_codes = []  # "¿cuántas tarjetas se emitieron ese año?" has its own topic; only the year carries over
    codes = q.codes
    bare = re.search(r"\b(\d{1,2})\.(\d{1,2})\b", q.text)
    if not codes and bare and prev_codes and prev_codes[0].count(".") == 2:
        codes = [f"{prev_codes[0].split('.')[0]}.{int(bare.group(1)):02d}.{int(bare.group(2)):02d}"]
    elif not codes and bare and prev_codes and re.fullmatch(r"\d\.\d{1,2}", prev_codes[0]):
        codes = [f"{int(bare.group(1))}.{int(bare.group(2))}"]  # the sector plan's "1.9"
    return dataclasses.replace(
        q,
        plan_name=q.plan_name or (None if q.plan_hint or q.span else previous.get("plan")),
        text=f"{prev.text} || {q.text}" if not classify(q) else q.text,
        codes=codes or prev_codes,
        aois=q.aois or prev.aois,
        years=q.years or prev.years,
        semester=q.semester if (q.semester or q.years) else prev.semester,
        plan_hint=q.plan_hint or prev.plan_hint,
        span=q.span or prev.span,
        statuses=q.statuses or ([] if q.years or q.codes else prev.statuses),
    )


# Intents that name a topic of their own: a question asking one the last turn did not is a new topic.
TOPIC_INTENTS = frozenset({"recommendation", "critical", "activity", "methodology", "summary", "budget", "person"})


def new_topic(intents: list[str], previous: dict[str, Any]) -> bool:
    """"¿qué recomendaciones siguen en proceso y quién las tiene?" after a target question starts
    fresh: it names its own topic, so nothing (year, plan, code) carries over."""
    before = set(previous.get("intents") or [])
    return any(i in TOPIC_INTENTS and i not in before for i in intents)


def strip_plan_words(question: str) -> str:
    """Once the search is limited to a plan's documents, the words naming the plan say nothing more."""
    return re.sub(r"\b(?:19|20)\d\d\s*[-–]\s*(?:19|20)\d\d\b|\b(nuevo|vigente|antiguo)\b|"
                  r"\b(?:de )?(?:inicios|principios|comienzos) de los (?:años |anos )?(?:19|20)\d0\b|"
                  r"\bde los (?:años |anos )?(?:19|20)\d0\b", " ", question, flags=re.I)


# Facts of a plan that a question often asks together ("línea de base y meta al 2030").
COMBINABLE = ("target", "baseline", "indicator", "responsible", "priority")


def add_companions(ctx: Context, answer: Answer) -> Answer:
    """Append the other plan facts the question also asks for, each with its own sources."""
    for intent in ctx.intents:
        if intent == answer.intent or intent not in COMBINABLE:
            continue
        extra = next((a for a in (h(ctx) for h in HANDLERS[intent]) if a is not None), None)
        if extra is None or not extra.found:
            continue
        answer.text += " " + extra.text
        answer.cited.extend(extra.cited)
        if extra.rows and not answer.rows:
            answer.columns, answer.rows = extra.columns, extra.rows
        elif extra.rows and answer.rows:
            answer.rows = answer.rows + [[*r, *([""] * (len(answer.columns or []) - len(r)))][:len(answer.columns or r)]
                                         for r in extra.rows]
    return answer


def unknown_codes(ctx: Context) -> Answer | None:
    """A code no document holds (OEI.12, AES.05.02) is answered as such, never with a neighbour's figures."""
    r = ctx.resolver
    known = r.known_codes
    missing = [c for c in ctx.q.codes if c not in known]
    plan = r.plan_for_hint(ctx.q)
    if not missing and plan and ctx.q.codes:
        # the code exists, but not in the plan the question names (AEI.08.03 is not in the PEI 2025-2030)
        in_plan = r.codes_by_plan.get(plan, frozenset())
        elsewhere = [c for c in ctx.q.codes if c not in in_plan]
        if in_plan and len(elsewhere) == len(ctx.q.codes):
            plans = [p for p in r.plans_with_code(elsewhere[0]) if p != plan]
            return not_found(f"{', '.join(elsewhere)} no figura en el {plan}"
                             + (f"; ese código existe en: {', '.join(plans)}." if plans else "."),
                             "codigo_inexistente", ctx.entities(plan=plan))
    if not missing or len(missing) < len(ctx.q.codes):
        return None
    similar = sorted({c for c in known if c and c.split(".")[0] == missing[0].split(".")[0]})
    hint = f" Códigos de ese tipo en los documentos: {', '.join(similar[:14])}{'…' if len(similar) > 14 else ''}." \
        if similar else ""
    return not_found(f"{', '.join(missing)} no figura en ninguno de los documentos del corpus.{hint}",
                     "codigo_inexistente", ctx.entities())


SEMESTER_OF_YEAR = re.compile(r"\bsemestre (?:de |del )?(?:ano )?((?:19|20)\d\d)\b|\b((?:19|20)\d\d)\s*-\s*(?:i|ii|s1|s2)\b")


def unreported_period(ctx: Context) -> Answer | None:
    """A quarter, or a semester no report evaluates ("el segundo semestre de 2024"), has no figures:
    said plainly, never answered with the figures of another period."""
    r, q = ctx.resolver, ctx.q
    periods = ", ".join(describe_period(d["period"]) for d in r.report_docs)
    if figures.UNREPORTED_PERIOD.search(q.text):
        return not_found(f"Los informes del corpus evalúan semestres y años, no trimestres ni meses; los disponibles "
                         f"son: {periods}.", "periodo_inexistente", ctx.entities())
    said = SEMESTER_OF_YEAR.search(q.text)  # the semester tied to its year, not a year said elsewhere
    year = next((g for g in said.groups() if g), None) if said else None
    if q.semester and year and not any(d["period"] == f"{year}-S{q.semester}" for d in r.report_docs):
        wanted = describe_period(f"{year}-S{q.semester}")
        return not_found(f"No hay un informe de evaluación del {wanted} en el corpus; los informes disponibles son: "
                         f"{periods}.", "periodo_inexistente", ctx.entities())
    return None


def brief_answer(ctx: Context, answer: Answer) -> Answer:
    """"Genera un brief del OEI.05 / del informe 2024-S1 / de la matriz": the answer offers the PDF."""
    report = ctx.resolver.report_for(ctx.q)
    if ctx.q.codes:
        url = brief_url_for("objective", answer.entities | ctx.entities(), ctx.q.raw, True)
        what = "de " + ", ".join(ctx.q.codes)
    elif re.search(r"recomendac|matriz", ctx.q.text):
        url, what = brief_url(tipo="recomendaciones"), "del seguimiento de recomendaciones"
    elif report:
        url, what = brief_url(tipo="informe", periodo=report["period"]), f"del informe {report['period']}"
    else:
        url, what = None, ""
    if url is None or not answer.text:
        return Answer("Indique de qué tema quiere el brief: un objetivo o acción (p. ej. OEI.05), un informe "
                      "(p. ej. informe 2024-S1) o la matriz de recomendaciones.", found=False, intent="brief",
                      entities=ctx.entities(), suggestions=["genera un brief del OEI.05",
                                                            "brief del informe anual 2024",
                                                            "brief de la matriz de recomendaciones"])
    answer.text = f"Brief en PDF {what} listo para descargar. " + answer.text
    answer.brief_url = url
    answer.intent = "brief"
    return answer


def strip_period_words(question: str) -> str:
    """Once the search is limited to one report, its year and semester say nothing more."""
    return re.sub(r"\b(?:19|20)\d\d(?:\s*-\s*(?:i|ii|s1|s2)\b)?|\b(primer|segundo|1er|2do)\s+semestre\b", " ",
                  question, flags=re.I)


def answer_in_context(ctx: Context, question: str) -> Answer:
    """The handlers, in order, for one understood question."""
    store, resolver, q, intents = ctx.store, ctx.resolver, ctx.q, ctx.intents
    answer = unknown_codes(ctx) or unreported_period(ctx)
    for handler in DERIVED if answer is None else []:
        answer = handler(ctx)  # an operation the question asks for (threshold, share, unchanged) comes first
        if answer is not None:
            break
    for intent in intents if answer is None else []:
        for handler in HANDLERS.get(intent, []):
            answer = handler(ctx)
            if answer is not None:
                break
        if answer is not None:
            break
    if answer is not None and answer.reason == "sin_informe":
        # no report of that year, but a later report may state figures about it ("el informe anual 2023 …")
        answer = figures.answer_prose_figure(ctx, strict_years=True) or answer
    if answer is not None and answer.found and answer.intent in COMBINABLE:
        answer = add_companions(ctx, answer)
    if answer is None and q.codes and not intents:
        # a code and a year with no other word: the value measured that year; a bare code: its text
        measured = measures.answer_avance(ctx) if q.years else None
        if measured is not None and measured.found:
            answer = measured
        elif all(c.startswith("I") for c in q.codes):
            answer = plan_facts.answer_indicator(ctx)
        elif len(q.text.split()) <= 5:
            answer = plan_structure.answer_objective(ctx)
    if answer is None and "brief" in intents:
        answer = (HANDLERS["avance"][0](ctx) if q.codes else None) or plan_structure.answer_objective(ctx) \
            or reports.answer_summary(ctx) if (q.codes or ctx.resolver.report_for(q)) else None
        if answer is None and re.search(r"recomendac", q.text):
            answer = reports.answer_recommendations(ctx)
        if answer is None:
            answer = Answer("", found=False, intent="brief")
    if answer is None and QUANTITY_RE.search(q.text):
        answer = figures.answer_prose_figure(ctx) or prose.answer_prose_figures(ctx)
    if answer is None:
        plan = resolver.plan_for_hint(q)
        report = resolver.report_for(q)
        files = [report["file"]] if report and not plan else (
            [d["file"] for d in resolver.documents if d["plan"] == plan] if plan else None)
        answer = passage_answer(store, strip_plan_words(question) if files else question, files)
        if report and not plan and not answer.found:
            answer = passage_answer(store, strip_period_words(question), files)
        answer.entities = ctx.entities()
    return answer


CODE_RE = re.compile(r"[AO]E[IS]\.\d\d(?:\.\d\d)?")
ORDINALS = {"primer": 0, "primera": 0, "primero": 0, "segunda": 1, "segundo": 1, "tercera": 2, "tercero": 2,
            "cuarta": 3, "cuarto": 3, "quinta": 4, "quinto": 4, "ultima": -1, "ultimo": -1}


def ordinal_pick(q: Question, state: dict | None) -> str | None:
    """"¿quién es responsable de la segunda?": an ordinal with no noun of its own picks from the list
    the last answer gave."""
    listed = (state or {}).get("listed") or []
    m = re.search(r"\b(?:de |a |en )?(?:la|el)\s+(" + "|".join(ORDINALS) + r")\b(?!\s+(?:semestre|informe|vez|lugar|ano))",
                  q.text)
    if not listed or not m or q.codes:
        return None
    i = ORDINALS[m.group(1)]
    return listed[i] if -len(listed) <= i < len(listed) else None


def named_plans(resolver: Resolver, q: Question) -> list[str]:
    """Plans the question names by their span ("el PEI 2020-2027 … el PEI 2025-2030")."""
    out = []
    for a, b in SPAN_RE.findall(q.text):
        out += [p for p in resolver.plans if f"{a}-{b}" in p and p not in out]
    return out


def per_plan(ctx: Context, question: str, plans: list[str]) -> Answer | None:
    """A question about two plans at once is answered for each, one after the other."""
    parts = []
    for plan in plans:
        q = dataclasses.replace(ctx.q, plan_name=plan, span=None, plan_hint=None)
        parts.append(answer_in_context(dataclasses.replace(ctx, q=q), question))
    if not all(p.found for p in parts):
        return None
    first = parts[0]
    first.text = " ".join(p.text for p in parts)
    for p in parts[1:]:
        first.cited.extend(p.cited)
        if first.rows and p.rows and first.columns == p.columns:
            first.rows = first.rows + p.rows
    return first


def answer_question(store: Store, question: str, state: dict | None,
                    updates_db: Path | None = None) -> tuple[dict[str, Any], dict]:
    resolver = resolver_for(store)
    q = parse(question, resolver.vocabulary)
    intents = classify(q)
    picked = ordinal_pick(q, state)
    if state and (is_follow_up(q) or picked) and not new_topic(intents, state):
        own_plan = resolver.plan_for_hint(q)
        q = merge_follow_up(q, state)
        if picked:
            q = dataclasses.replace(q, codes=[picked])  # "¿y la segunda?": the second item the last answer listed
        if own_plan and state.get("plan") and own_plan != state["plan"] and not parse(question).codes:
            # "¿y ese mismo indicador en el PESEM?": another plan's codes mean other things, so the
            # subject carries over by its words, never by its code
            q = dataclasses.replace(q, codes=[], plan_name=own_plan,
                                    text=f"{q.text} {state['question'].text}" if "||" not in q.text else q.text)
        own = classify(parse(question, resolver.vocabulary))
        previous_intents = list(state.get("intents") or [])
        if previous_intents[:1] == ["recommendation"] and not parse(question, resolver.vocabulary).codes:
            # "¿qué plazo tiene y quién es responsable?" after a recommendation is still about it
            q = dataclasses.replace(q, text=f"{state['question'].text} || {q.text}")
            own = ["recommendation"]
        intents = list(dict.fromkeys(own + previous_intents))
    ctx = Context(store, resolver, q, intents, state, updates_db)
    plans = named_plans(resolver, q) if not q.codes else []
    answer = (per_plan(ctx, question, plans) if len(plans) > 1 else None) or answer_in_context(ctx, question)
    if answer.intent == "brief" or "brief" in intents:
        answer = brief_answer(ctx, answer)
    result = answer.to_dict(store, resolver)
    result["suggestions"] = suggestions.for_answer(store, resolver, question, result, updates_db)
    if result["brief_url"] is None:
        result["brief_url"] = brief_url_for(result["intent"], result["entities"], question, result["found"])
    resolved = [c for c in [result["entities"].get("code")] if c] or q.codes
    listed = [row[0] for row in (result.get("table") or {}).get("rows") or []
              if row and isinstance(row[0], str) and CODE_RE.fullmatch(row[0])]
    new_state = {"question": q, "codes": resolved, "plan": result["entities"].get("plan"), "listed": listed,
                 "intents": [result["intent"]] + [i for i in intents if i != result["intent"]]}
    return result, new_state
