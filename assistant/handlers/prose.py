"""Figures stated only in prose ("se emitieron 301 Tarjetas…"): each part of a question is matched
to the sentence of the documents that states it, and the sentence is quoted with its source."""

from __future__ import annotations

import re

from knowledge.extract.prose_figures import counted_stem, states_count_of
from knowledge.stemming import STOPWORDS, stem, tokens

from ..answer import Answer
from ..fallback import FILLER, best_passages, coverage
from ..understand import parse
from . import Context

# A sentence must hold a third of the part's words; a passage a bit more of the question's information.
MIN_SENTENCE_SCORE = 1 / 3
MIN_CANDIDATE_COVERAGE = 35 / 100

PART_SPLIT = re.compile(r"\s*(?:[;?]|\by\s+(?=(?:cu[aá]nt|cu[aá]l|qu[eé]|con cu[aá]nt|en cu[aá]nt|a cu[aá]nt)))\s*",
                        re.I)
NUMBER = re.compile(r"(?<![\w.,])\d{1,3}(?:[  ]\d{3})+(?![\d])|(?<![\w.])\d+(?:[.,]\d+)?\s*%?")
IDENTIFIER_BEFORE = re.compile(r"(?:N[°º.o]|Nro\.?|art[íi]culo|Ley|Decreto|Resoluci[óo]n)\s*$", re.I)
SENTENCE = re.compile(r"(?<=[.;])\s+(?=[A-ZÁÉÍÓÚ¿(•-])")  # not at ":", which introduces the figure


def question_parts(raw: str) -> list[str]:
    parts = [p.strip(" ,.¿?") for p in PART_SPLIT.split(raw) if p and len(p.strip()) > 3]
    return parts or [raw]


def scope_files(ctx: Context) -> list[str] | None:
    r = ctx.resolver
    plan = r.plan_for_hint(ctx.q)
    report = r.report_for(ctx.q)
    if report and not plan:
        return [report["file"]]
    if plan:
        return [d["file"] for d in r.documents if d["plan"] == plan]
    return None


def best_sentence(text: str, part: str, years: set[str]) -> tuple[float, str | None]:
    """The sentence stating a figure about the part's words; a figure followed by those words
    ("439 actividades operativas") counts double."""
    wanted = {stem(t) for t in tokens(part) if t not in FILLER and t not in STOPWORDS and len(t) > 2}
    if len(wanted) < 2:
        return 0.0, None  # a single content word cannot tell which figure is meant
    best, best_score = None, 0.0
    for sentence in SENTENCE.split(text):
        figures = [m for m in NUMBER.finditer(sentence) if m.group().strip(" %") not in years
                   and not IDENTIFIER_BEFORE.search(sentence[:m.start()]) and not sentence[m.end():].startswith("-")]
        if not figures:
            continue
        have = {stem(t) for t in tokens(sentence)}
        score = len(wanted & have) / max(len(wanted), 1)
        base = score
        for m in figures:
            after = {stem(t) for t in tokens(sentence[m.end():m.end() + 60])[:4]}
            bonus = len(wanted & after) / max(len(wanted), 1)
            if re.match(r"\s*de\s+\d", sentence[m.end():]) or re.search(r"\d\s+de\s*$", sentence[:m.start()]):
                bonus /= 2  # "1 de 2 actividades" is a part of a total, not the total asked for
            score = max(score, base + bonus)
        if score > best_score:
            best, best_score = sentence, score
    return (best_score, best) if best_score >= MIN_SENTENCE_SCORE else (0.0, None)


def _stated_sentences(ctx: Context, query: str, files: list[str] | None) -> list[dict]:
    """Sentences the extractor recorded as stating a count, as extra candidates: bm25 ranks
    long paragraphs low even when one of their sentences is the answer."""
    sql = "select * from statements where topic = 'conteo'"
    rows = ctx.store.rows(sql + (f" and file in ({','.join('?' * len(files))})" if files else ""), tuple(files or ()))
    out = []
    for r in rows:
        hit = {**r, "text": r["sentence"], "kind": "paragraph", "caption": None, "section": r["locator"]}
        hit["coverage"] = coverage(ctx.store, query, r["sentence"])
        if hit["coverage"] >= MIN_CANDIDATE_COVERAGE:
            out.append(hit)
    return out


def _years_fit(ctx: Context, hit: dict, years: set[str]) -> bool:
    """A figure "en 2025" must come from a passage or a report about 2025."""
    doc = ctx.store.document(hit["file"]) or {}
    context = f"{hit['text']} {doc.get('period') or ''}"
    return all(y in context for y in years)


def answer_prose_figures(ctx: Context) -> Answer | None:
    parts = question_parts(ctx.q.raw)
    context_words = " ".join(str(y) for y in ctx.q.years)
    files = scope_files(ctx)
    years = {str(y) for y in ctx.q.years}
    found_parts, cited = [], []
    first_nouns = " ".join(t for t in tokens(parts[0]) if t not in FILLER and len(t) > 3 and not t.isdigit())
    for part in parts:
        own = [t for t in tokens(part) if t not in FILLER and len(t) > 3 and not t.isdigit()
               and t not in ("evaluacion", "informe", "reporte", "cuantas", "cuantos")]
        if len(own) < 2 and part is not parts[0]:
            part = f"{first_nouns} {part}"  # "¿y cuántas en la evaluación anual?" keeps the noun of the first part
        report = ctx.resolver.report_for(parse(part))
        part_files = [report["file"]] if report and len(parts) > 1 else files
        if part_files and len(part_files) == 1:
            query = re.sub(r"\b(?:19|20)\d\d\b", " ", part)  # the report already fixes the year
        else:
            query = part if any(y in part for y in years) else f"{part} {context_words}".strip()
        scored = []
        candidates = best_passages(ctx.store, query, part_files, limit=8)
        candidates += _stated_sentences(ctx, query, part_files)
        for hit in candidates:
            if hit["coverage"] < MIN_CANDIDATE_COVERAGE or not _years_fit(ctx, hit, years):
                continue
            score, sentence = best_sentence(hit["text"], part, years)
            if sentence:
                scored.append((score + 0.5 * hit["coverage"], sentence, hit))
        used = {fp[1] for fp in found_parts}
        scored = [x for x in scored if x[1] not in used] or scored  # each part its own sentence when possible
        if scored:
            _, sentence, hit = max(scored, key=lambda x: x[0])
            counted = counted_stem(part)
            if counted and not states_count_of(sentence, counted):
                continue  # the sentence does not count what the part asks ("¿cuántos peruanos…?")
            found_parts.append((part, sentence, hit))
            cited.append(hit)
    if not found_parts or len(found_parts) < max(1, len(parts) - 1):
        return None
    text = " ".join(f"«{sentence.strip()}» ({hit['file']}, líneas {hit['line_start']}-{hit['line_end']})."
                    for _, sentence, hit in found_parts)
    missing = [p for p in parts if not any(p in fp[0] for fp in found_parts)]
    if missing:
        text += f" No encontré en los documentos la cifra de: {'; '.join(missing)}."
    answer = Answer("Según los documentos: " + text, intent="count", entities=ctx.entities())
    return answer.cite(*cited)


AMOUNT_RE = re.compile(r"S/\.?\s?\d|\bsoles\b|\bPIM\b|\bPIA\b|\bdevengad|\bmillones de soles|\bpresupuesto (institucional )?"
                       r"(de apertura|modificado|ejecutado)", re.I)


def answer_budget(ctx: Context) -> Answer:
    """Budget amounts: only a passage that states an amount answers; these plans and reports
    rarely do, and the answer says so instead of quoting an unrelated figure."""
    from ..fallback import passage_answer

    answer = passage_answer(ctx.store, ctx.q.raw, scope_files(ctx), intent="presupuesto", min_coverage=3 / 4)
    if answer.found and not any(AMOUNT_RE.search(p.get("text") or "") for p in answer.cited[:1]):
        answer.found = False
        answer.text = ("Los documentos no registran el monto de presupuesto que pide la pregunta. "
                       "Estos son los pasajes más cercanos:\n" + answer.text.split("\n", 1)[-1])
    return answer
