"""The early sector plan (004): de-columnised matrix read back into objectives and indicators."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from knowledge.document import Document, read_document
from knowledge.extract import sector_plan

CORPUS = Path(os.environ.get("PLANES_CORPUS", Path(__file__).parents[1].parent / "shared" / "corpus"))


@pytest.fixture(scope="module")
def recs():
    for path in sorted(CORPUS.glob("*.txt")):
        doc = read_document(path)
        if doc.kind == sector_plan.KIND:
            return sector_plan.extract(doc)
    pytest.skip("no sector plan in corpus")


@pytest.fixture(scope="module")
def ents(recs):
    return {e["code"]: e for e in recs["entities"]}


def _inds(recs, owner):
    return [i for i in recs["indicators"] if i["owner"] == owner]


def test_other_kinds_are_ignored():
    doc = Document(file="x.txt", lines=["Objetivo General 1.0", "Texto."],
                   kind="informe de evaluación anual")
    assert sector_plan.extract(doc) == {}


def test_objectives(ents):
    general = sorted(c for c, e in ents.items() if e["kind"] == "OEG")
    specific = [c for c, e in ents.items() if e["kind"] == "OEE"]
    assert general == ["1.0", "2.0", "3.0"]
    assert len(specific) == 23
    assert ents["1.13"]["parent"] == "1.0" and ents["2.3"]["parent"] == "2.0"
    assert ents["1.0"]["parent"] is None
    # three specific objectives share one title
    assert ents["1.13"]["title"] == ents["2.7"]["title"] == ents["3.3"]["title"]


def test_objective_text_continued_after_the_results(ents):
    e = ents["1.4"]
    assert "asociación con autonomía" in e["title"] and "financiero, comercial" in e["title"]
    assert e["title"].endswith("derechos humanos.") and 530 <= e["line_start"] <= 536
    assert not any("financiero" in r for r in json.loads(e["results"]))


def test_heading_variant(ents):
    e = ents["2.3"]
    assert e["locator"] == "Objetivo Específico 2.3"
    assert "promoción de exportaciones" in e["title"] and "Plan Nacional de Exportaciones" in e["title"]
    # the opening list words the general objective 1.0 differently: kept as a variant
    [variant] = json.loads(ents["1.0"]["title_variants"])
    assert "a escala global" in variant["title"] and 85 <= variant["line"] <= 95


def test_responsible_units(ents):
    e = ents["3.2"]
    assert json.loads(e["responsible"]) == ["SCP-DGC", "Oficinas Consulares del Perú", "ADP"]
    assert json.loads(e["responsible_direct"]) == ["SCP-DGC", "Oficinas Consulares del Perú"]
    assert json.loads(e["responsible_subsidiary"]) == ["ADP"]
    assert "SCP-DAL" in json.loads(ents["1.6"]["responsible"])  # acronym split at a line end


def test_indicators_and_formulas(recs):
    assert all(i["formula"] for i in recs["indicators"])
    [cand] = [i for i in _inds(recs, "1.7") if i["name"].startswith("Candidaturas del Perú en cargos")]
    assert "candidaturas peruanas exitosas" in cand["formula"] and cand["line_end"] >= 1047
    [can] = [i for i in _inds(recs, "2.1") if "controversias de la CAN" in i["name"]]
    assert "casos resueltos" in can["formula"] and "satisfactoriamente" in can["formula"]
    # one indicator, two formulas
    [tlc] = [i for i in _inds(recs, "1.4") if i["name"].startswith("Avances en el proceso")]
    assert tlc["formula"].count(" | ") == 1 and "arancel promedio" in tlc["formula"]
    assert len(_inds(recs, "1.2")) == 10 and len(_inds(recs, "1.0")) == 5


def test_pieces_continued_across_page_breaks(recs):
    cebaf = [i for i in _inds(recs, "1.2") if "Centros Binacionales de Atención en Frontera" in i["formula"]]
    assert len(cebaf) == 1
    [study] = [i for i in _inds(recs, "2.3") if i["name"].startswith("Realización de análisis")]
    assert study["name"].endswith("productos de interés actual o potencial")
    assert study["formula"] == ("Número de análisis de mercado y estudios de inteligencia comercial en "
                                "relación al período precedente")
    [ligas] = [i for i in _inds(recs, "1.4") if i["name"] == "Ligas Parlamentarias de Amistad"]
    assert ligas["formula"].startswith("Número de gestiones positivas")
