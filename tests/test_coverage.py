"""`planes coverage`: counts per document and record kind match what a person counts in the documents."""

from __future__ import annotations

import json

from assistant.cli import main
from knowledge.coverage import coverage


def by_prefix(store) -> dict[str, dict]:
    return {d["file"][:3]: d for d in coverage(store)["documents"]}


def test_counts_match_the_documents(store):
    docs = by_prefix(store)
    e0, e1, p2, s3, o4 = (docs[k]["detalle"] for k in ("000", "001", "002", "003", "004"))
    # 000: 23 AEI rows of the four "Avance de implementación" tables, 27 per-AEI indicator tables
    assert e0["mediciones_por_medida"]["avance_pei"] == 23
    assert e0["mediciones_por_medida"]["avance_poi"] == 23
    assert e0["mediciones_por_medida"]["avance"] == 27
    assert docs["000"]["counts"]["critical_actions"] == 11
    assert e0["recomendaciones_por_lista"] == {"nueva": 7, "seguimiento": 6}
    assert e0["entidades_con_prioridad"] == 8  # the 8 OEIs of Tabla 1 (ruta)
    # 001: 8 OEI avances, counts per level per OEI, AOI rows, the 11-row matrix and 12 new ones
    oei = store.rows("select count(*) n from measurements where file like '001%' and metric = 'avance_tipo1' "
                     "and owner like 'OEI%'")[0]["n"]
    assert oei == 8
    assert e1["mediciones_por_medida"]["aei_total"] == 8
    assert docs["001"]["counts"]["activities"] >= 18
    assert e1["recomendaciones_por_lista"] == {"nueva": 12, "seguimiento": 11}
    # 002: 11 OEIs, 49 AEIs (AEI.08.01 only in the ruta), 81 AEI indicators
    assert p2["entidades_por_tipo"] == {"AEI": 49, "OEI": 11}
    aei_indicators = store.rows("select count(*) n from indicators where file like '002%' and code like 'IAEI%'")
    assert aei_indicators[0]["n"] == 81
    # 003: 4 OES with 7 indicators, 30 AES
    assert s3["entidades_por_tipo"] == {"AES": 30, "OES": 4}
    oes_ind = store.rows("select count(*) n from indicators where file like '003%' and owner like 'OES%'")[0]["n"]
    assert oes_ind == 7
    # 004: 3 general and 23 specific objectives
    assert o4["entidades_por_tipo"] == {"OEE": 23, "OEG": 3}


def test_identification_in_coverage(store):
    docs = by_prefix(store)
    assert docs["002"]["plan"] == "PEI 2025-2030"
    assert docs["004"]["period"] is None


def test_cli_coverage_json(db_file, capsys):
    assert main(["coverage", "--json", "--db", str(db_file)]) == 0
    data = json.loads(capsys.readouterr().out)
    assert len(data["documents"]) == 5
    assert all(d["counts"]["pasajes"] > 0 for d in data["documents"])
