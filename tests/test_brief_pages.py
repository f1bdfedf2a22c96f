"""Briefs an official takes into a meeting: at most one page for an objective, an action or an
answer, two for a report; no internal labels; every chart agrees with a table or facts sheet of
its section (assistant.briefs.fit summarises a brief until it fits, and never alters a chart)."""

from __future__ import annotations

import io
import re
from datetime import datetime

import pytest
from pypdf import PdfReader

from assistant.briefs import build_brief, gather
from assistant.briefs.fit import LEVELS, page_count, summarised
from assistant.briefs.model import Chart, Facts, Table, Text
from assistant.briefs.render import level_colour
from knowledge.text import fold

NOW = datetime(2025, 6, 15, 10, 30)
QUESTIONS = ["¿Qué recomendaciones siguen en proceso?", "¿Qué AEI están críticas?",
             "¿Cuántas AEI tuvieron avance alto, medio y bajo?", "¿Cuál es el avance del OEI.05 en 2024?",
             "¿Cuál es la meta 2030 del indicador de la AEI.03.01 en el nuevo PEI?"]


def codes(store, plan_like: str, kind: str) -> list[str]:
    return [r["code"] for r in store.rows("select distinct code from entities where plan like ? and kind = ? "
                                          "order by code", (plan_like, kind))]


@pytest.fixture(scope="module")
def rendered(store, assistant) -> dict[str, object]:
    out = {}
    for code in codes(store, "PEI 2020%", "OEI") + codes(store, "PEI 2020%", "AEI")[:8]:
        out[f"objetivo {code}"] = build_brief(store, "objetivo", now=NOW, codigo=code, plan="anterior")
    for code in codes(store, "PEI 2025%", "OEI")[:6] + codes(store, "PEI 2025%", "AEI")[:4]:
        out[f"objetivo {code} nuevo"] = build_brief(store, "objetivo", now=NOW, codigo=code, plan="nuevo")
    for code in codes(store, "PESEM%", "OES"):
        out[f"objetivo {code}"] = build_brief(store, "objetivo", now=NOW, codigo=code)
    for period in ("2024-S1", "2024"):
        out[f"informe {period}"] = build_brief(store, "informe", now=NOW, periodo=period)
    for q in QUESTIONS:
        out[f"respuesta {q}"] = build_brief(store, "respuesta", now=NOW, pregunta=q, ask=assistant.ask)
    out["recomendaciones"] = build_brief(store, "recomendaciones", now=NOW)
    return out


def text_of(pdf: bytes) -> str:
    return " ".join(" ".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages).split())


def test_page_limits(rendered):
    counts = {name: len(PdfReader(io.BytesIO(b.pdf)).pages) for name, b in rendered.items()}
    assert len(counts) >= 25
    too_long = {n: c for n, c in counts.items()
                if c > (2 if n.startswith("informe") else 1) and not n.startswith("recomendaciones")}
    assert not too_long, too_long
    assert all(page_count(b.pdf) == counts[n] for n, b in rendered.items())


def test_no_internal_labels(rendered):
    for name, b in rendered.items():
        text = text_of(b.pdf)
        for label in ("intención:", "intent", "avance_", "aei_alto", "list_kind", "None"):
            assert label not in text, (name, label)


def test_summaries_say_so(rendered):
    summarised_ = [n for n, b in rendered.items() if any("Versión resumida" in x for x in b.brief.notes)]
    for name in summarised_:
        assert "Versión resumida para caber en" in text_of(rendered[name].pdf), name


def _numbers(value: float | None) -> set[str]:
    if value is None:
        return set()
    v = float(value)
    text = str(int(v)) if v.is_integer() else f"{v:.2f}".rstrip("0").rstrip(".")
    return {text, text.replace(".", ",")}


def _tokens(text: str) -> set[str]:
    return {t for t in re.findall(r"[a-z0-9]+(?:-s\d)?", fold(text)) if t not in ("lb", "de", "del", "la", "el")}


def _agrees(chart: Chart, blocks: list) -> list[str]:
    """Categories of the chart whose value no cell of a table (or facts sheet) of the section shows,
    in a row and column that name the category."""
    cells: list[tuple[str, str]] = []  # (what names the cell: its header and its row, the cell)
    for b in blocks:
        if isinstance(b, Table):
            for row in b.rows:
                row_text = " ".join(str(c or "") for c in row)
                cells += [(f"{b.columns[i] if i < len(b.columns) else ''} {row_text}", str(c or ""))
                          for i, c in enumerate(row)]
        elif isinstance(b, Facts):
            cells += [(label, value or "") for label, value, _ in b.items]
    wrong = []
    for i, category in enumerate(chart.categories):
        words = _tokens(category)
        for name, series in chart.series:
            value = series[i] if i < len(series) else None
            if value is None:
                continue
            if not any(words <= _tokens(context) and any(n in cell for n in _numbers(value))
                       for context, cell in cells):
                wrong.append(f"{chart.title}: {category} · {name} {value}")
    return wrong


def test_every_chart_agrees_with_a_table_of_its_section(rendered, store):
    """In the briefs as printed and in their full (not summarised) form."""
    briefs = {name: b.brief for name, b in rendered.items()}
    for code in ("OEI.01", "OEI.05", "AEI.01.03", "OES.02"):
        briefs[f"completo {code}"] = gather(store, "objetivo", codigo=code, now=NOW)
    briefs["completo AEI.03.01 nuevo"] = gather(store, "objetivo", codigo="AEI.03.01", plan="nuevo", now=NOW)
    for period in ("2024-S1", "2024"):
        briefs[f"completo informe {period}"] = gather(store, "informe", periodo=period, now=NOW)
    problems, charts = [], 0
    for name, brief in briefs.items():
        for section in brief.sections:
            for block in section.blocks:
                if isinstance(block, Chart):
                    charts += 1
                    problems += [f"{name}: {p}" for p in _agrees(block, section.blocks)]
    assert charts >= 15, charts
    assert not problems, problems


def test_report_has_one_count_of_actions_per_level(rendered):
    for period in ("2024-S1", "2024"):
        titles = [c.title for s in rendered[f"informe {period}"].brief.sections for c in s.blocks
                  if isinstance(c, Chart)]
        assert sum("nivel" in t.lower() for t in titles) <= 1, titles


def test_objective_without_plan_indicators_names_the_measured_one(rendered):
    text = text_of(rendered["objetivo OEI.05"].pdf)
    assert "no registra indicadores" not in text and "Los informes de evaluación miden OEI.05 con" in text


def test_summary_levels_cut_rows_and_say_so(store):
    brief = gather(store, "informe", periodo="2024-S1", now=NOW)
    full = next(b for s in brief.sections for b in s.blocks if isinstance(b, Table))
    assert full.rows
    shorter = summarised(brief, LEVELS[-1], 2)
    tables = [b for s in shorter.sections for b in s.blocks if isinstance(b, Table)]
    notes = [b.text for s in shorter.sections for b in s.blocks if isinstance(b, Text)]
    assert all(len(t.rows) <= LEVELS[-1].max_rows for t in tables)
    assert any(n.startswith("Se muestran ") for n in notes) or all(len(t.rows) <= LEVELS[-1].max_rows
                                                                     for t in tables)
    assert shorter.scale < 1 and brief.scale == 1


@pytest.mark.parametrize("text, coloured", [("alto", True), ("medio alto", True), ("bajo (2024-S1, regla)", True),
                                            ("bueno", True), ("sin dato", False), ("altos", False), (None, False)])
def test_level_colours(text, coloured):
    assert (level_colour(text) is not None) == coloured


def test_agreement_check_catches_a_chart_that_disagrees():
    table = Table(["Objetivo", "AEI con avance alto", "AEI con avance bajo"], [["OEI.01 título", "8", "3"]])
    good = Chart("Niveles", ["OEI.01"], [("Alto", [8.0]), ("Bajo", [3.0])], unit="")
    bad = Chart("Niveles", ["OEI.01"], [("Alto", [8.0]), ("Bajo", [4.0])], unit="")
    assert _agrees(good, [table]) == []
    assert _agrees(bad, [table]) == ["Niveles: OEI.01 · Bajo 4.0"]
