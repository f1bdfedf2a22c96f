"""Extractive answers from the best passages when no intent covers a question.

Rule for ``found``: the best passage (never a bare heading or caption) must
- contain question words carrying at least ``MIN_COVERAGE`` of the question's information
  (IDF-weighted share of its content stems: words every document uses weigh little);
- mention every year the question names (in its text, or as its document's period);
- hold a figure when the question asks for a quantity ("cuánto", "cuántos", "qué porcentaje").
Otherwise the passages are offered as reading, with ``found: false``.
"""

from __future__ import annotations

import math
import re
from functools import lru_cache

from knowledge.extract.prose_figures import counted_stem, states_count_of
from knowledge.stemming import STOPWORDS, stem, stem_set, tokens
from knowledge.store import Store, locator
from knowledge.text import fold

from .answer import Answer
from .understand import DECADE_RE, years_in

MIN_COVERAGE = 0.5
# Connective words of a question that no answer needs to repeat.
# Words of a question that no answering passage needs to repeat: connectives, interrogatives and
# the words that only name which document is meant (the search is already limited to it).
FILLER = frozenset("""
respecto considerando teniendo cuenta acerca relacion referente mencionado indica dice hay puedes podria
quiero saber explica explicame menciona mencionan nombra incluye cual cuales cuanto cuanta cuantos cuantas que como donde cuando segun tuvo
tiene tienen fue fueron era eran dio dieron pei pesem plan informe reporte documento mre ministerio
relaciones exteriores nuevo vigente anual semestre semestral primer segundo ano anos evaluacion
""".split())
YEAR_RE = re.compile(r"\b(?:19|20)\d\d\b")
REPORT_PERIOD_RE = re.compile(r"(?:19|20)\d\d(?:-S\d)?")
QUANTITY_RE = re.compile(r"\b(cuanto|cuanta|cuantos|cuantas|que porcentaje|que cantidad|cual fue el (valor|monto))\b")
ANSWER_KINDS = ("paragraph", "list", "row", "footnote")


class _PassageFrequencies:
    """How many passages hold a stem, read from the index (computed at ingest, table ``stem_df``)
    one stem at a time and remembered: a question costs what it asks, not what the corpus holds."""

    MAX_CACHED = 50_000

    def __init__(self, store: Store):
        self.store = store
        row = store.conn.execute("select value from meta where key = 'passages'").fetchone()
        self.passages = int(row[0]) if row else 0
        self._cache: dict[str, int] = {}

    def get(self, stem_: str, default: int = 0) -> int:
        if stem_ not in self._cache:
            if len(self._cache) >= self.MAX_CACHED:
                self._cache.clear()
            row = self.store.conn.execute("select passages from stem_df where stem = ?", (stem_,)).fetchone()
            self._cache[stem_] = row[0] if row else default
        return self._cache[stem_]


@lru_cache(maxsize=4)
def _frequencies(db_key: tuple[str, int, int], store: Store) -> _PassageFrequencies:
    return _PassageFrequencies(store)


def _idf(store: Store) -> tuple[_PassageFrequencies, int]:
    stat = store.db_file.stat()
    freq = _frequencies((str(store.db_file), stat.st_ino, stat.st_mtime_ns), store)
    return freq, freq.passages


@lru_cache(maxsize=4096)
def question_stems(question: str) -> tuple[str, ...]:
    question = DECADE_RE.sub(" ", fold(question))
    return tuple(dict.fromkeys(stem(t) for t in tokens(question)
                              if t not in STOPWORDS and t not in FILLER and (len(t) > 2 or len(t) == 4 and t.isdigit())))


def coverage(store: Store, question: str, text: str) -> float:
    # years are checked apart (answers_constraints); as words they would outweigh the topic
    wanted = [s for s in question_stems(question) if not YEAR_RE.fullmatch(s)]
    if not wanted:
        return 0.0
    df, n = _idf(store)
    have = stem_set(text)

    def weight(s: str) -> float:
        return math.log(1 + n / (1 + df.get(s, 0)))

    total = sum(weight(s) for s in wanted)
    prefixes = {h[:5] for h in have if len(h) >= 5}

    def credit(s: str) -> float:
        # "venezolanos" and "Venezuela" stem apart; a shared 5-letter start is most of a match
        return 1.0 if s in have else (0.8 if len(s) >= 5 and s[:5] in prefixes else 0.0)

    return sum(weight(s) * credit(s) for s in wanted) / total if total else 0.0


def answers_constraints(store: Store, question: str, passage: dict) -> bool:
    folded = fold(question)
    doc = store.document(passage["file"]) or {}
    # a report's own period counts as the passage's date; a plan's horizon ("2025-2030") does not
    period = doc.get("period") or ""
    dated = period if REPORT_PERIOD_RE.fullmatch(period) else ""
    context = f"{passage['text']} {dated}"
    for year in map(str, years_in(folded)):
        if year not in context:
            return False
    if re.search(r"\b(en que ano|que ano|en que fecha|que fecha|cuando)\b", folded) and \
            not re.search(r"\b(19|20)\d\d\b", passage["text"]):
        return False  # a question about when needs a date in the answer
    if QUANTITY_RE.search(folded):
        numbers = [n for n in re.findall(r"\d+(?:[.,]\d+)?", passage["text"]) if n not in folded]
        if not numbers:
            return False
        counted = counted_stem(question)
        if counted and passage.get("kind") != "row" and not states_count_of(passage["text"], counted):
            return False  # "¿cuántos pasaportes…?" needs a figure of pasaportes, not any number
    # one shared word is a coincidence, not an answer ("gracias", "¿quién ganó el mundial?")
    wanted = {s for s in question_stems(question) if not YEAR_RE.fullmatch(s)}
    have = stem_set(f"{passage.get('section') or ''} {passage.get('caption') or ''} {passage['text']}")
    return len(wanted & have) >= min(2, len(wanted)) and len(wanted) >= 2


def best_passages(store: Store, question: str, files: list[str] | None = None, limit: int = 3,
                  prefer_prose: bool = False) -> list[dict]:
    focus = " ".join(t for t in tokens(question) if t not in FILLER and not (t.isdigit() and len(t) < 4)) or question
    hits = store.search(focus, limit=20, files=files)
    seen = {h["id"] for h in hits}
    hits += [h for h in store.search(focus, limit=60, files=files, require_all=False) if h["id"] not in seen]
    # long headings state things too ("Planteamiento de medidas … - Backcasting")
    answers = [h for h in hits if (h["kind"] in ANSWER_KINDS and len(h["text"].split()) >= 6)
               or (h["kind"] == "heading" and len(h["text"].split()) >= 8)]
    pool = answers or hits
    wanted = {stem(t) for t in tokens(question) if t not in STOPWORDS and len(t) > 2}
    for h in pool:
        h["coverage"] = coverage(store, question, f"{h.get('section') or ''} {h.get('caption') or ''} {h['text']}")
        # how well the table caption or section heading alone describes the question (all its words count)
        label = stem_set(h.get("caption") or h.get("section") or "")
        h["label_match"] = len(wanted & label) / len(wanted) if wanted else 0.0
    if prefer_prose:
        prose = [h for h in pool if h["kind"] != "row"]
        if prose and max(h["coverage"] for h in prose) >= MIN_COVERAGE:
            pool = prose
    # bm25 order, nudged by how much of the question each passage holds, then by its caption
    ranked = sorted(enumerate(pool), key=lambda x: (-round(x[1]["coverage"], 1),
                                                    x[1]["kind"] == "heading",  # a heading answers only alone
                                                    prefer_prose and x[1]["kind"] == "row",
                                                    -round(x[1]["label_match"], 2), x[0]))
    return [h for _, h in ranked[:limit]]


def passage_answer(store: Store, question: str, files: list[str] | None = None, intent: str = "busqueda",
                   min_coverage: float = MIN_COVERAGE, prefer_prose: bool = False) -> Answer:
    shown = best_passages(store, question, files, prefer_prose=prefer_prose)
    if not shown:
        return Answer("No encontré en los documentos un pasaje que responda a la pregunta.", found=False,
                      intent=intent)
    found = shown[0]["coverage"] >= min_coverage and answers_constraints(store, question, shown[0])
    lead = "Según los documentos:" if found else (
        "No encontré en los documentos una respuesta precisa; estos son los pasajes más cercanos:")
    body = "\n".join(f"• {p['text'][:700]} ({locator(p)}, {p['file']})" for p in shown)
    answer = Answer(f"{lead}\n{body}", found=found, intent=intent)
    if found:
        whole_table(store, question, shown[0], answer)
    return answer.cite(*shown)


def whole_table(store: Store, question: str, best: dict, answer: Answer) -> None:
    """When the best passage is a row of a table whose caption the question describes ("¿qué OEI se
    priorizaron para la evaluación semestral?"), the whole table is the answer: show all its rows."""
    if best.get("kind") != "row" or not best.get("table_id") or not best.get("caption"):
        return
    if coverage(store, question, best["caption"]) < 0.5:
        return
    table = store.table(best["table_id"])
    if not table or not table["rows"] or len(table["rows"]) > 40:
        return
    width = max(len(table["header"]), *(len(r) for r in table["rows"]))
    header = [h or f"Columna {i + 1}" for i, h in enumerate(table["header"] + [""] * (width - len(table["header"])))]
    answer.columns = header
    answer.rows = [row + [""] * (width - len(row)) for row in table["rows"]]
    answer.text += f"\nLa tabla completa («{table['caption']}», líneas {table['line_start']}-{table['line_end']}) va abajo."
