"""Figures that only prose states: the question's words are matched to the noun phrase a number
counts ("17 268 ciudadanos en el exterior") and to its sentence, through the stem index of the
fact base; the figure is stated exactly as printed, with the sentence and line it comes from."""

from __future__ import annotations

import re

from knowledge.extract.prose_figures import content_stems

from ..answer import Answer
from ..fallback import FILLER
from ..resolve import QUESTION_WORDS, describe_period
from ..understand import normalise
from . import Context
from .prose import question_parts

ASKS_QUANTITY = re.compile(r"\b(cuant[oa]s?|que cantidad|numero de|cifra|total de)\b")
ASKS_TARGET = re.compile(r"\b(meta|metas|programad\w*|esperab\w*|se esperaba|previst\w*|proyectad\w*)\b")
ASKS_PERCENT = re.compile(r"\b(porcentaje|por ciento|que %)|%")
# A figure must be named by at least this share of the question's informative weight, and its noun
# must hold at least one of the question's words.
MIN_SCORE = 0.55
IGNORED = FILLER | QUESTION_WORDS | {"cuant", "numer", "cantid", "total", "cifr", "hub", "tuv", "realiz", "lleg"}


def _score(fact: dict, wanted: set[str], weights: dict[str, float], wants_target: bool, wants_percent: bool) -> float:
    total = sum(weights.get(s, 1.0) for s in wanted)
    common = wanted & fact["stem_set"]
    if not total or not common:
        return 0.0
    noun = set(content_stems(f"{fact.get('lead') or ''} {fact.get('noun') or ''}"))
    if not (noun & wanted) and not (fact.get("unit") == "%" and wants_percent):
        return 0.0
    score = sum(weights.get(s, 1.0) for s in common) / total
    score += 0.3 * len(noun & wanted) / len(wanted)
    if fact.get("role") == "aprox":
        score *= 0.8
    if (fact.get("role") == "meta") != wants_target:
        score *= 0.5
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


def _best(ctx: Context, text: str, used: set[str]) -> tuple[dict, list[dict]] | None:
    """The figure a question (or one part of it) asks for, and rivals as good as it."""
    q = ctx.q
    wanted = {s for s in content_stems(text) if s not in IGNORED and len(s) > 2}
    if len(wanted) < 2:
        return None
    fb = ctx.resolver.facts
    report = ctx.resolver.report_for(q)
    plan = ctx.resolver.plan_for_hint(q)
    years = set(q.years)
    folded = normalise(text)
    wants_target, wants_percent = bool(ASKS_TARGET.search(folded)), bool(ASKS_PERCENT.search(folded))
    scored = []
    for f in fb.figures_with(wanted):
        if report and f["file"] != report["file"]:
            continue
        if plan and f.get("plan") != plan:
            continue
        if years and f.get("year") not in years and not any(str(y) in f["sentence"] for y in years):
            continue
        s = _score(f, wanted, fb.stem_weight, wants_target, wants_percent)
        if s >= MIN_SCORE:
            scored.append((s - (0.2 if f"{f['file']}:{f['raw']}:{f['sentence']}" in used else 0), f))
    if not scored:
        return None
    scored.sort(key=lambda x: -x[0])
    best_score, best = scored[0]
    if best.get("role") == "aprox":
        best = _exact_for(best, fb.figures_with(wanted), wanted) or best
    rivals = [f for sc, f in scored[1:] if sc >= best_score - 0.05 and f["value"] != best["value"]
              and f["sentence"] != best["sentence"]]
    return best, rivals


def answer_prose_figure(ctx: Context) -> Answer | None:
    q = ctx.q
    if not ASKS_QUANTITY.search(q.text) or q.codes or q.aois:
        return None
    parts = question_parts(q.raw)
    found, used = [], set()
    for part in parts:
        hit = _best(ctx, part, used)
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
