"""The PESEM follow-up extractor on the real report (003) and on a small synthetic table."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from knowledge.document import Document, read_document
from knowledge.extract import pesem

CORPUS = Path(os.environ.get("PLANES_CORPUS", Path(__file__).parents[1].parent / "shared" / "corpus"))


def _doc(kind: str) -> Document:
    for path in sorted(CORPUS.glob("*.txt")):
        doc = read_document(path)
        if doc.kind == kind:
            return doc
    pytest.skip(f"no {kind} in corpus")


@pytest.fixture(scope="module")
def recs():
    return pesem.extract(_doc(pesem.KIND))


def _meas(recs, owner, metric, year, name_part=""):
    return [m for m in recs["measurements"] if m["owner"] == owner and m["metric"] == metric
            and m["year"] == year and name_part.lower() in m["indicator_name"].lower()]


def test_other_kinds_are_ignored():
    doc = Document(file="x.txt", lines=["| a | b |"], kind="plan estratégico sectorial")
    assert pesem.extract(doc) == {}


def test_entities(recs):
    ents = {e["code"]: e for e in recs["entities"]}
    assert sorted(c for c in ents if c.startswith("OES")) == ["OES.01", "OES.02", "OES.03", "OES.04"]
    assert len([c for c in ents if c.startswith("AES")]) == 30
    assert [c for c, e in ents.items() if e["parent"] == "OES.04"] == [f"AES.04.0{i}" for i in range(1, 7)]
    assert ents["AES.01.08"]["title"].startswith("Coordinar e impulsar el proceso de adhesión")
    assert ents["AES.01.08"]["kind"] == "AES" and ents["OES.02"]["kind"] == "OES"
    assert json.loads(ents["OES.01"]["responsible"]) == ["DGA", "DGE", "DAO", "DAM"]
    # the annex prints another wording of the same action: kept as a variant
    variants = json.loads(ents["AES.01.06"]["title_variants"])
    assert "funcionamiento" in variants[0]["title"] and 850 <= variants[0]["line"] <= 860


def test_indicators(recs):
    oes = [i for i in recs["indicators"] if i["owner"].startswith("OES")]
    assert len(oes) == 7
    assert {i["code"] for i in oes} == {"1.1", "1.2", "2.1", "2.2", "2.3", "3.1", "4.1"}
    with_ind = {i["owner"] for i in recs["indicators"] if i["owner"].startswith("AES.03")}
    assert with_ind == {"AES.03.01", "AES.03.04"}
    assert {i["owner"] for i in recs["indicators"] if i["owner"].startswith("AES.04")} == {"AES.04.01"}
    antartida = next(i for i in recs["indicators"]
                     if i["owner"] == "AES.01.10" and "expediciones" in i["name"])
    assert antartida["baseline_year"] == 1988 and antartida["baseline_value"] == 1
    assert antartida["fuente"].startswith("PEI 2017-2019")
    # a cell with two "Fuente:" holds two merged indicators
    assert len([i for i in recs["indicators"] if i["owner"] == "AES.04.01"]) == 2


def test_oes_values_and_alignment(recs):
    [m] = _meas(recs, "OES.02", "valor_obtenido", 2018, "promoción económica")
    assert m["value"] == 11.35 and 90 <= m["line_start"] <= 95 and m["period"] == "2020"
    [m] = _meas(recs, "OES.02", "valor_obtenido", 2016, "UNESCO")
    assert m["value"] == 0.33
    # the year row of the summary table is shifted one column: 0.33 is the 2016 target, not 2014
    [le] = _meas(recs, "OES.01", "logro_esperado", 2016, "Intensidad")
    assert le["value"] == 0.33
    assert not _meas(recs, "OES.01", "logro_esperado", 2014)


def test_annex_targets(recs):
    [t] = [t for t in recs["targets"] if t["owner"] == "OES.03" and t["year"] == 2021]
    assert t["value"] == 1.58 and 880 <= t["line_start"] <= 890 and t["indicator_code"] == "3.1"


def test_avance_cells(recs):
    [m] = _meas(recs, "AES.03.04", "avance_tipo2", 2020)
    assert m["value"] == 738 and m["raw"] == "738%"
    [m] = _meas(recs, "AES.02.01", "avance_tipo2", 2020, "económica")
    assert m["value"] == -1652 and m["raw"] == "-1652%"
    [m] = _meas(recs, "OES.03", "avance_tipo1", 2020)
    assert m["value"] is None and "valores esperados" in m["raw"]
    # section table and annex disagree: both kept with their own lines
    both = _meas(recs, "AES.01.03", "avance_tipo1", 2020)
    assert sorted((m["raw"], m["line_start"] > 800) for m in both) == [("26%", True), ("28%", False)]


def test_series_without_pure_duplicates(recs):
    series = {m["year"]: m["value"] for m in _meas(recs, "AES.02.05", "valor_obtenido", 2018)}
    assert series == {2018: 2303}
    vo = [m for m in recs["measurements"] if m["owner"] == "AES.02.05" and m["metric"] == "valor_obtenido"]
    assert sorted(m["year"] for m in vo) == [2016, 2017, 2018, 2019, 2020]


SHIFTED = """Tabla 1. OES.01

| OES. 1. Objetivo de prueba | | | | | | | | |
|--|--|--|--|--|--|--|--|--|
| Indicador | LB | LOGROS ESPERADOS | | VALOR OBTENIDO | | Avance Tipo 1 (%) | Avance Tipo 2 (%) | UE |
| | | 2020 | 2022 | 2023 | 2022 | 2023 | 2023 | |
| 1.1 Indicador de prueba | 5 | 7 | 9 | 6 | 8 | 89% | 75% | UE 1 |
""".splitlines()


def test_shifted_year_row_is_realigned():
    doc = Document(file="t.txt", lines=SHIFTED, kind=pesem.KIND, plan="PESEM 2022-2030", period="2023")
    recs = pesem.extract(doc)
    got = {(m["metric"], m["year"]): m["value"] for m in recs["measurements"]}
    assert got[("logro_esperado", 2022)] == 7 and got[("logro_esperado", 2023)] == 9
    assert got[("valor_obtenido", 2022)] == 6 and got[("valor_obtenido", 2023)] == 8
    assert got[("avance_tipo1", 2023)] == 89 and got[("avance_tipo2", 2023)] == 75
    [ind] = recs["indicators"]
    assert ind["baseline_year"] == 2020 and ind["baseline_value"] == 5 and ind["owner"] == "OES.01"
