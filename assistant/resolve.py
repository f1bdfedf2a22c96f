"""Resolving what a question refers to: the plan, the report period, and objectives, actions or
indicators named by code or by part of their title (rapidfuzz + Snowball stems against the store)."""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from functools import cached_property, lru_cache
from typing import Any

from rapidfuzz import fuzz

from knowledge.document import KIND_PEI, KIND_SECTOR_PLAN, is_evaluation
from knowledge.stemming import STOPWORDS, stem, tokens
from knowledge.store import Store
from knowledge.text import fold
from queries.factbase import FactBase
from queries.summaries import period_key  # one order of report periods for the whole project

from .understand import Question

# How a name in a question is matched to a title (weights in percent): the share of the question's
# informative words found (IDF-weighted), the share of the title they cover, and a fuzzy ratio for typos.
RECALL_WEIGHT, PRECISION_WEIGHT, FUZZY_WEIGHT = 60, 25, 15
MIN_NAME_SCORE = 35 / 100

# Words that say what is asked, not what it is about: ignored when matching titles.
QUESTION_WORDS = frozenset(["avance", "avanzo", "avanze", "meta", "metas", "logro", "logros", "esperado", "esperada", "valor", "obtenido", "obtuvo", "linea", "base", "lineas", "indicador", "indicadores", "responsable", "responsables", "cargo", "quien", "unidad", "unidades", "prioridad", "ruta", "estrategica", "estrategico", "estrategicos", "estrategicas", "institucional", "institucionales", "accion", "acciones", "objetivo", "objetivos", "aei", "oei", "oes", "aes", "pei", "pesem", "plan", "nuevo", "vigente", "informe", "reporte", "anual", "semestre", "semestral", "primer", "ano", "anos", "cual", "cuales", "cuanto", "cuantos", "cuanta", "cuantas", "codigo", "codigos", "mide", "miden", "medir", "como", "porcentaje", "numero", "tipo", "dentro", "segun", "evaluacion", "seguimiento", "mre", "ministerio", "relaciones", "exteriores", "tuvo", "tiene", "tienen", "fue", "dio", "dieron", "ver", "ve"])


@dataclass
class Match:
    row: dict[str, Any]
    score: float


class Resolver:
    """Per-index lookups, cached: built once per Store."""

    def __init__(self, store: Store):
        self.store = store

    @cached_property
    def facts(self) -> FactBase:
        """The figures of the index, looked up through its SQLite indexes."""
        return FactBase(self.store.conn)

    @cached_property
    def documents(self) -> list[dict[str, Any]]:
        return self.store.documents()

    @cached_property
    def vocabulary(self) -> frozenset[str]:
        """Every word the documents use (folded): such a word in a question is never a typo.
        Computed at ingest (knowledge.derived)."""
        return frozenset(word for (word,) in self.store.conn.execute("select word from vocabulary"))

    @cached_property
    def titles(self) -> dict[str, str]:
        return {d["file"]: d["title"] for d in self.documents}

    @cached_property
    def plans(self) -> list[str]:
        return list(dict.fromkeys(d["plan"] for d in self.documents if d["plan"]))

    @cached_property
    def report_docs(self) -> list[dict[str, Any]]:
        """Evaluation reports, oldest period first (2024-S1 before 2024 before 2025-S1)."""
        reports = [d for d in self.documents if is_evaluation(d["kind"]) and d["period"]]
        return sorted(reports, key=lambda d: period_key(d["period"]))

    @cached_property
    def entities(self) -> list[dict[str, Any]]:
        """One row per (plan, code), merged at ingest from every document (knowledge.derived)."""
        return self.store.rows("select * from entity_index order by id")

    @cached_property
    def measured(self) -> frozenset[tuple[str, str]]:
        """(plan, code) of everything a report measures."""
        rows = self.store.rows("select plan, owner from measured_codes")  # computed at ingest
        return frozenset((r["plan"], r["owner"]) for r in rows)

    @cached_property
    def codes_by_plan(self) -> dict[str, frozenset[str]]:
        """Every code each plan holds: objectives, actions, indicators and what its reports measure."""
        out: dict[str, set[str]] = {}
        for e in self.entities:
            out.setdefault(e["plan"], set()).add(e["code"])
        for i in self.indicators:
            out.setdefault(i["plan"], set()).update(c for c in (i.get("code"), i.get("owner")) if c)
        for plan, code in self.measured:
            out.setdefault(plan, set()).add(code)
        return {plan: frozenset(codes) for plan, codes in out.items()}

    @cached_property
    def known_codes(self) -> frozenset[str]:
        return frozenset().union(*self.codes_by_plan.values()) if self.codes_by_plan else frozenset()

    @cached_property
    def indicators(self) -> list[dict[str, Any]]:
        return self.store.rows("select * from indicators order by id")

    @cached_property
    def _idf(self) -> dict[str, float]:
        docs = [self._stems(e.get("title") or "") for e in self.entities]
        docs += [self._stems(i.get("name") or "") for i in self.indicators]
        n = len(docs) or 1
        df: dict[str, int] = {}
        for d in docs:
            for s in d:
                df[s] = df.get(s, 0) + 1
        return {s: math.log(1 + n / c) for s, c in df.items()}

    @staticmethod
    @lru_cache(maxsize=16384)
    def _stems(text: str) -> frozenset[str]:
        return frozenset(stem(t) for t in tokens(text) if t not in STOPWORDS and len(t) > 2 and not t.isdigit())

    def entity(self, code: str, plan: str | None = None) -> list[dict[str, Any]]:
        return [e for e in self.entities if e["code"] == code and (plan is None or e["plan"] == plan)]

    def plans_with_code(self, code: str) -> list[str]:
        plans = {e["plan"] for e in self.entities if e["code"] == code}
        plans |= {i["plan"] for i in self.indicators if i["owner"] == code or i["code"] == code}
        return [p for p in self.plans if p in plans]

    # ---- plan and period ---------------------------------------------------------------

    def plan_for_hint(self, q: Question) -> str | None:
        """The plan a question names ("nuevo PEI", "PEI 2025-2030", "PESEM", "hasta el 2030")."""
        if q.plan_name and q.plan_name in self.plans:
            return q.plan_name
        if q.span:
            for p in self.plans:
                if f"{q.span[0]}-{q.span[1]}" in p:
                    return p
        text = q.text
        if q.plan_hint == "pesem":
            return next((p for p in self.plans if fold(p).startswith("pesem")), None)
        if q.plan_hint == "sectorial":
            return next((d["plan"] for d in self.documents if d["kind"] == KIND_SECTOR_PLAN), None)
        if q.plan_hint == "nuevo":
            m = re.search(r"hasta (?:el )?(20\d\d)", text)
            pei = [d for d in self.documents if d["kind"] == KIND_PEI]
            if m:
                pei = [d for d in pei if m.group(1) in (d["plan"] or "")] or pei
            pei.sort(key=lambda d: d["plan"] or "")
            return pei[-1]["plan"] if pei else None
        return None

    def evaluated_plan(self) -> str | None:
        return self.report_docs[-1]["plan"] if self.report_docs else None

    def report_for(self, q: Question) -> dict[str, Any] | None:
        """The evaluation report a question is about, or None when it names none."""
        wanted_year = next((y for y in q.years if any(d["period"].startswith(str(y)) for d in self.report_docs)), None)
        candidates = self.report_docs
        if q.latest and not q.years and candidates:
            # "el año pasado" / "el último informe": relative to the latest report in the corpus
            latest = candidates[-1]
            if q.semester:
                sem = [d for d in candidates if d["period"].endswith(f"S{q.semester}")]
                return sem[-1] if sem else None
            annual = [d for d in candidates if re.fullmatch(r"\d{4}", d["period"])]
            return annual[-1] if annual else latest
        if wanted_year:
            candidates = [d for d in candidates if d["period"].startswith(str(wanted_year))]
        elif q.years and re.search(r"\b(informe|evaluacion|reporte|balance)\b", q.text):
            return None  # "el informe anual 2023" is not the 2024 report: no report of that year
        if q.semester:
            sem = [d for d in candidates if d["period"].endswith(f"S{q.semester}")]
            return sem[-1] if sem else None
        if re.search(r"\b(informe|evaluacion|reporte|seguimiento|balance) anual\b|\banual 20\d\d|\bal cierre del ano|"
                     r"\bano completo", q.text) or wanted_year:
            annual = [d for d in candidates if re.fullmatch(r"\d{4}", d["period"])]
            if annual:
                return annual[-1]
        return None

    def latest_report(self) -> dict[str, Any] | None:
        return self.report_docs[-1] if self.report_docs else None

    # ---- fuzzy names ----------------------------------------------------------------------

    def content_stems(self, q: Question) -> set[str]:
        words = [t for t in tokens(q.text) if t not in STOPWORDS and t not in QUESTION_WORDS and len(t) > 2
                 and not t.isdigit()]
        return {stem(t) for t in words}

    def score_text(self, wanted: set[str], text: str, raw_question: str) -> float:
        have = self._stems(text)
        if not wanted or not have:
            return 0.0
        idf = self._idf
        common = wanted & have
        if not common or (len(common) < 2 and len(wanted) > 1):
            return 0.0  # one shared word ("medio" in "Medio Oriente") is a coincidence, not a name
        weight = sum(idf.get(s, 1.0) for s in common)
        total = sum(idf.get(s, 1.0) for s in wanted)
        recall = weight / total
        precision = len(common) / len(have)
        fuzzy = fuzz.partial_ratio(fold(text)[:200], fold(raw_question)) / 100
        return (RECALL_WEIGHT * recall + PRECISION_WEIGHT * precision + FUZZY_WEIGHT * fuzzy) / 100

    def clearly_named(self, q: Question, names: set[str], margin: float = 0.05) -> str | None:
        """The one of ``names`` the question names by its words, ahead of every rival by ``margin``."""
        wanted = self.content_stems(q)
        scored = sorted(((self.score_text(wanted, n, q.raw), n) for n in names if n), reverse=True)
        if not scored or scored[0][0] < MIN_NAME_SCORE:
            return None
        if len(scored) > 1 and scored[0][0] - scored[1][0] < margin:
            return None
        return scored[0][1]

    def match_entities(self, q: Question, plan: str | None = None, kinds: tuple[str, ...] | None = None,
                       min_score: float = MIN_NAME_SCORE) -> list[Match]:
        wanted = self.content_stems(q)
        out = []
        for e in self.entities:
            if (plan and e["plan"] != plan) or (kinds and e["kind"] not in kinds):
                continue
            s = self.score_text(wanted, e.get("title") or "", q.raw)
            if s >= min_score:
                out.append(Match(e, s))
        return sorted(out, key=lambda m: -m.score)

    def match_indicators(self, q: Question, plan: str | None = None, owner_prefix: str | None = None,
                         min_score: float = MIN_NAME_SCORE) -> list[Match]:
        wanted = self.content_stems(q)
        out = []
        for i in self.indicators:
            if plan and i["plan"] != plan:
                continue
            if owner_prefix and not (i.get("owner") or "").startswith(owner_prefix):
                continue
            s = self.score_text(wanted, i.get("name") or "", q.raw)
            if s >= min_score:
                out.append(Match(i, s))
        return sorted(out, key=lambda m: -m.score)


def describe_period(period: str | None) -> str:
    if not period:
        return "sin período"
    m = re.fullmatch(r"(\d{4})-S(\d)", period)
    if m:
        return f"{'primer' if m.group(2) == '1' else 'segundo'} semestre de {m.group(1)} ({period})"
    return f"año {period}"
