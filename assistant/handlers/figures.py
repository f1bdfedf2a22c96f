"""Figures that only prose states: the question's words are matched to the noun phrase a number
counts ("17 268 ciudadanos en el exterior") and to its sentence, through the stem index of the
fact base; the figure is stated exactly as printed, with the sentence and line it comes from."""

from __future__ import annotations

import re

from knowledge.extract.prose_figures import content_stems
from knowledge.stemming import stem

from ..answer import Answer
from ..fallback import FILLER
from ..resolve import QUESTION_WORDS, describe_period
from ..understand import normalise
from . import Context
from .prose import question_parts

ASKS_QUANTITY = re.compile(r"\b(cuant[oa]s?|que cantidad|numero de|cifra|total de)\b")
# Periods no report of the method covers: a semester or a year figure is not theirs.
UNREPORTED_PERIOD = re.compile(r"\b(trimestre|trimestral|trimestres|bimestre|bimestral|cuatrimestre|mensual)\b")
COUNTED = re.compile(r"\bcuant[oa]s\s+(?:de\s+(?:las|los)\s+)?([a-z]{4,})")  # the thing a "¿cuántos …?" counts
ASKS_TARGET = re.compile(r"\b(meta|metas|programad\w*|esperab\w*|se esperaba|previst\w*|proyectad\w*)\b")
ASKS_PERCENT = re.compile(r"\b(porcentaje|por ciento|que %)|%")
# A figure must be named by at least this share of the question's informative weight, and its noun
# must hold at least one of the question's words.
MIN_SCORE = 0.55
# How a figure's score is shaped (weights of the ranking, not figures of the documents): the words it
# counts matching the question's; a rounding, a target when an achievement is asked (or the reverse) and
# another thing counted weigh less; a figure already used for another part of the question yields.
NOUN_BONUS, ROUNDING_FACTOR, OTHER_THING_FACTOR, ROLE_FACTOR, USED_PENALTY = 3 / 10, 8 / 10, 3 / 10, 1 / 2, 2 / 10
IGNORED = FILLER | QUESTION_WORDS | {"cuant", "numer", "cantid", "total", "cifr", "hub", "tuv", "realiz", "lleg"}
IGNORED |= {stem(w) for w in IGNORED}  # compared with stems
# Light verbs say nothing of what is counted ("¿cuántas hizo?", "¿cuántas tenían…?").
LIGHT_VERBS = {"hiz", "hic", "hac", "ten", "tien", "tuv", "tuvier", "hab", "dio", "dier", "fuer", "estab", "esta"}
QUESTION_NUMBER = re.compile(r"(?<![\d.,])(\d+(?:[.,]\d+)?)(?![\d.,]*\d)")


def _score(fact: dict, wanted: set[str], weights: dict[str, float], wants_target: bool, wants_percent: bool,
           counted: str | None = None) -> float:
    total = sum(weights.get(s, 1.0) for s in wanted)
    common = wanted & fact["stem_set"]
    if not total or not common:
        return 0.0
    noun = set(content_stems(f"{fact.get('lead') or ''} {fact.get('noun') or ''}"))
    if not (noun & wanted) and not (fact.get("unit") == "%" and wants_percent):
        return 0.0
    score = sum(weights.get(s, 1.0) for s in common) / total
    score += NOUN_BONUS * len(noun & wanted) / len(wanted)
    if fact.get("role") == "aprox":
        score *= ROUNDING_FACTOR
    if counted and counted not in noun:
        score *= OTHER_THING_FACTOR  # "¿cuántos ciudadanos…?" is not answered by a count of countries
    if (fact.get("role") == "meta") != wants_target:
        score *= ROLE_FACTOR
    if (fact.get("unit") == "%") != wants_percent:
        score *= 0.4
    return score


def _exact_for(rounded: dict, candidates: list[dict], wanted: set[str]) -> dict | None:
    """The exact figure a rounding stands for ("más de 17,000" → 17 268): same document, same kind
    of thing counted, a value within a tenth of the rounding."""
    target = rounded["value"]
    best = None
    for f in candidates:
        if f["file"] != rounded["file"] or f.get("role") != "valor" or f["value"] == target or not target:
            continue
        if abs(f["value"] - target) / target > 0.1 or (f.get("unit") == "%") != (rounded.get("unit") == "%"):
            continue
        context = set(content_stems(f"{f.get('lead') or ''} {f.get('noun') or ''}"))
        if context & (wanted | set(content_stems(rounded.get("noun") or ""))):
            best = f
            break
    return best


def _best(ctx: Context, text: str, used: set[str], inherited: str | None = None,
          strict_years: bool = False) -> tuple[dict, list[dict]] | None:
    """The figure a question (or one part of it) asks for, and rivals as good as it. A part that
    does not say what it counts ("¿y cuántas tenían plazo de 12 meses?") counts what the first part did."""
    q = ctx.q
    wanted = {s for s in content_stems(text) if s not in IGNORED and s not in LIGHT_VERBS and len(s) > 2}
    folded = normalise(text)
    asked = COUNTED.search(folded)
    counted = next(iter(s for s in content_stems(asked.group(1)) if s not in LIGHT_VERBS), None) if asked else None
    counted = counted or inherited
    if counted:
        wanted.add(counted)
    if len(wanted) < 2:
        return None
    # numbers the question itself names ("plazo de 12 meses") must be in the sentence, and are not the answer
    named = {m for m in QUESTION_NUMBER.findall(folded) if not re.fullmatch(r"(?:19|20)\d\d", m)}
    fb = ctx.resolver.facts
    report = ctx.resolver.report_for(q)
    plan = ctx.resolver.plan_for_hint(q)
    years = set(q.years)
    wants_target, wants_percent = bool(ASKS_TARGET.search(folded)), bool(ASKS_PERCENT.search(folded))
    scored = []
    for f in fb.figures_with(wanted):
        if report and f["file"] != report["file"]:
            continue
        if plan and f.get("plan") != plan:
            continue
        if years and not any(str(y) in f["sentence"] for y in years) and (
                strict_years or (f.get("year") not in years and not any(str(y) in (f.get("context") or "") for y in years))):
            continue
        if named and (f["raw"] in named or not all(re.search(rf"(?<![\d.,]){re.escape(n)}(?![\d])", f["sentence"])
                                                    for n in named)):
            continue
        s = _score(f, wanted, fb.stem_weight, wants_target, wants_percent, counted)
        if s >= MIN_SCORE:
            scored.append((s - (USED_PENALTY if f"{f['file']}:{f['raw']}:{f['sentence']}" in used else 0), f))
    if not scored:
        return None
    scored.sort(key=lambda x: -x[0])
    best_score, best = scored[0]
    if best.get("role") == "aprox":
        best = _exact_for(best, fb.figures_with(wanted), wanted) or best
    rivals = [f for sc, f in scored[1:] if sc >= best_score - 0.05 and f["value"] != best["value"]
              and f["sentence"] != best["sentence"]]
    return best, rivals


def answer_prose_figure(ctx: Context, strict_years: bool = False) -> Answer | None:
    """``strict_years``: the year must be in the figure's own sentence (a year no report covers)."""
    q = ctx.q
    if not ASKS_QUANTITY.search(q.text) or q.codes or q.aois or UNREPORTED_PERIOD.search(q.text):
        return None
    parts = question_parts(q.raw)
    found, used = [], set()
    first = COUNTED.search(normalise(parts[0]))
    inherited = next(iter(s for s in content_stems(first.group(1)) if s not in LIGHT_VERBS), None) if first else None
    for part in parts:
        hit = _best(ctx, part, used, inherited, strict_years)
        if hit is None:
            return None  # a part this index cannot name: the passage handler quotes what it finds
        found.append(hit)
        used.add(f"{hit[0]['file']}:{hit[0]['raw']}:{hit[0]['sentence']}")
    pieces, cited = [], []
    for best, rivals in found:
        period = f" ({describe_period(best.get('period'))})" if best.get("period") else ""
        piece = (f"{best['raw']} {best['noun']}".strip() + f", según {ctx.resolver.titles.get(best['file'], best['file'])}"
                 f"{period}: «{best['sentence']}»")
        if rivals and len(parts) == 1:
            r = rivals[0]
            piece += f" Otra cifra cercana en los documentos: {r['raw']} {r['noun']} («{r['sentence'][:160]}»)."
            cited.append({**r, "text": r["sentence"]})
        pieces.append(piece)
        cited.insert(0, {**best, "text": best["sentence"]})
    first = found[0][0]
    answer = Answer(" ".join(pieces), intent="cifra", entities=ctx.entities(period=first.get("period"), plan=first.get("plan")))
    return answer.cite(*cited)


# --- figures under an action's part of a report -----------------------------------------------

SIDES = re.compile(r"\s+(?:vs\.?|versus|frente a(?:l)?|comparad[oa] con|contra)\s+")
ASKS_DONE = re.compile(r"\b(se (?:hicieron|hizo|ejecutaron|ejecuto|realizaron|realizo|lograron|logro|alcanzaron|"
                       r"celebraron|atendieron|atendio|emitieron|desarrollaron)|hubo|ejecutad\w*|realizad\w*|al final)\b")
# A question that also asks one of these needs the handlers that state them.
OTHER_MEASURES = re.compile(r"\b(avance|avanzo|por que|porque|actividad|actividades|corregid\w*|(?<!alto )nivel|formula|"
                            r"indicador|porcentaje|razon|motivo)\b")
# Words of a question that name the measure, not the thing counted.
MEASURE_WORDS = {"meta", "program", "previst", "esper", "logr", "ejecut", "realiz", "hic", "hiz", "final", "alcanz",
                 "cual", "era", "fue", "hub", "frent", "vers"}


def _subjects(ctx: Context, report: dict | None) -> list[str]:
    """Actions or objectives the question names: its codes, or each side's name ("Asia vs Europa"),
    matched to the words of their titles and of the unit the report names in charge."""
    if ctx.q.codes:
        return [c for c in ctx.q.codes if re.fullmatch(r"[AO]EI\.\d\d(\.\d\d)?", c)]
    if report is None:
        return []
    names: dict[str, set[str]] = {}
    for e in ctx.resolver.entities:
        if e["plan"] == report["plan"] and e["kind"] in ("AEI", "OEI"):
            names[e["code"]] = set(content_stems(e.get("title") or ""))
    for code in names:  # one indexed lookup per action of the report, not a pass over every fact
        names[code] |= {s for f in ctx.resolver.facts.of(code, "responsable") if f["file"] == report["file"]
                        for s in content_stems(f["raw"])}
    df: dict[str, int] = {}
    for stems in names.values():
        for s in stems:
            df[s] = df.get(s, 0) + 1
    out = []
    for side in SIDES.split(ctx.q.raw):
        words = {s for s in content_stems(side) if df.get(s, 99) <= 2}  # only words that tell actions apart
        scored = sorted(((len(words & stems), code) for code, stems in names.items() if words & stems), reverse=True)
        if scored and (len(scored) == 1 or scored[0][0] > scored[1][0]):
            out.append(scored[0][1])
    return list(dict.fromkeys(out))


def _pick(facts: list[dict], wanted: set[str], role: str) -> dict | None:
    best, best_score = None, 0.0
    for f in facts:
        if (f.get("role") == "meta") != (role == "meta") or f.get("unit") == "%":
            continue
        noun = set(content_stems(f"{f.get('lead') or ''} {f.get('noun') or ''}"))
        score = len(noun & wanted) + 0.5 * len(f["stem_set"] & wanted) / max(len(wanted), 1)
        if score > best_score:
            best, best_score = f, score
    return best if best_score >= 1 else None


def answer_subject_figures(ctx: Context) -> Answer | None:
    """"Reuniones con Asia en 2024: ¿cuál era la meta y cuántas se hicieron?": the figures the report
    states in the action's own part, by the role asked (target, achieved) and the thing counted."""
    q = ctx.q
    wants_target, wants_done = bool(ASKS_TARGET.search(q.text)), bool(ASKS_DONE.search(q.text) or ASKS_QUANTITY.search(q.text))
    follow_up = bool(ctx.previous) and not q.codes and wants_done
    if not (wants_target or follow_up) or q.aois or OTHER_MEASURES.search(q.text):
        return None  # a plain "¿cuántos X?" is answered part by part; an avance or a reason by their handlers
    report = ctx.resolver.report_for(q)
    plan = ctx.resolver.plan_for_hint(q)
    if report is None or (plan and plan != report["plan"]):
        return None  # the plan or period asked is a hard constraint: no report of it, no figure from another
    subjects = _subjects(ctx, report)
    if not subjects and ctx.previous and report is not None:
        # "¿y cuántas reuniones se hicieron al final?": a thing counted in the last turn's action
        subjects = [c for c in ctx.previous.get("codes") or [] if re.fullmatch(r"[AO]EI\.\d\d(\.\d\d)?", c)][:1]
    if not subjects or report is None:
        return None
    titles = set()
    for code in subjects:
        for e in ctx.resolver.entity(code, report["plan"]):
            titles |= set(content_stems(e.get("title") or ""))
    wanted = {s for s in content_stems(q.raw) if s not in IGNORED and s not in MEASURE_WORDS and s not in titles}
    if not wanted:
        return None
    roles = [r for r, asked in (("meta", wants_target), ("valor", wants_done)) if asked]
    pieces, rows, cited = [], [], []
    for code in subjects:
        facts = [f for f in ctx.resolver.facts.of(code, "cifra") if f["file"] == report["file"]]
        for role in roles:
            f = _pick(facts, wanted, role)
            if f is None:
                continue
            label = "meta" if role == "meta" else "logrado"
            pieces.append(f"{code}, {label}: {f['raw']} {f['noun']} («{f['sentence'][:220]}»)")
            rows.append([code, label, f["raw"], f["noun"]])
            cited.append({**f, "text": f["sentence"]})
    if len(rows) < len(subjects) * len(roles):
        return None  # a part not stated in the action's text: other handlers say what there is
    text = f"Según el informe del {describe_period(report['period'])} ({report['plan']}): " + "; ".join(pieces) + "."
    answer = Answer(text, intent="cifra", entities=ctx.entities(period=report["period"], plan=report["plan"],
                                                                code=subjects[0]),
                    columns=["Código", "Cifra", "Valor", "Qué cuenta"], rows=rows)
    return answer.cite(*cited)
