"""The lookups answers make over the facts go through an index (knowledge.facts.FACT_INDEXES and
the derived tables), never a scan of the whole facts table: checked with EXPLAIN QUERY PLAN on every
statement the assistant runs against ``facts`` while answering questions."""

from __future__ import annotations

import json

import pytest

from knowledge.facts import FACT_INDEXES
from queries.factbase import FactBase
from tests.conftest import CORPUS

DEV = CORPUS.parent / "eval" / "dev.jsonl"
QUESTIONS = ["¿Cuál es el avance del OEI.05 en 2024?", "¿Qué AEI tuvieron avance menor a 50 % en 2024?",
             "¿Cuántos connacionales se atendió en el primer semestre?", "¿Cómo varió el avance del OEI.02 "
             "entre el primer semestre y el año 2024?", "¿Qué indicador no varió entre 2019 y 2020?",
             "¿Cuál es la meta 2027 del indicador de la AEI.03.01 en el nuevo PEI?"]


def _full_scans(conn, sql: str) -> list[str]:
    plan = conn.execute(f"explain query plan {sql}").fetchall()
    return [row[-1] for row in plan if row[-1].startswith("SCAN facts") or row[-1] == "SCAN f"]


def test_fact_indexes_exist(store):
    indexed = {tuple(r["name"] for r in store.rows(f"pragma index_info('{i['name']}')"))
               for i in store.rows("pragma index_list('facts')")}
    assert set(FACT_INDEXES) <= indexed


def test_fact_base_lookups_use_indexes(store):
    statements: list[str] = []
    conn = store.conn
    conn.set_trace_callback(statements.append)
    try:
        fb = FactBase(conn)
        fb.of("OEI.05", "avance", period="2024", plan="PEI 2020-2027 ampliado")
        fb.of("OEI.05", "avance")
        fb.measured("avance", "2024")
        fb.measured("meta", None)
        fb.by_metric_period_all("valor_obtenido")
        fb.figures_with({"connacional", "atend"})
        list(fb.by_metric_period.items())[:1]
    finally:
        conn.set_trace_callback(None)
    facts_sql = [s for s in statements if " facts" in s and not s.lower().startswith("explain")]
    assert len(facts_sql) >= 6
    for sql in facts_sql:
        assert not _full_scans(conn, sql), sql


def test_answers_never_scan_the_facts_table(assistant):
    questions = list(QUESTIONS)
    if DEV.exists():
        questions += [json.loads(line)["question"] for line in DEV.open(encoding="utf-8") if line.strip()]
    statements: list[str] = []
    conn = assistant.store.conn
    conn.set_trace_callback(statements.append)
    try:
        for q in questions:
            assistant.ask(q)
    finally:
        conn.set_trace_callback(None)
    facts_sql = {s for s in statements if "facts" in s and not s.lower().startswith("explain")}
    if not facts_sql:
        pytest.skip("no question reached the facts")
    scans = {sql: _full_scans(conn, sql) for sql in facts_sql}
    assert not {sql: s for sql, s in scans.items() if s}


def test_a_scan_is_detected(store):
    """The check itself can fail: a lookup by an unindexed column is reported."""
    assert _full_scans(store.conn, "select * from facts where unit = '%'")
