"""queries.audit and `planes audit`: the known inconsistencies of the corpus are reported, every
printed avance of the semestral indicator tables is reproduced, and each check is explained."""

from __future__ import annotations

import json

import pytest

from assistant.cli import main
from knowledge.extract.claims import claims_from_lines
from queries.audit import (
    DIFFERS,
    NOT_COMPUTABLE,
    OK,
    ROUNDED,
    check_indicator_tables,
    check_level_totals,
    check_recommendation_shares,
    check_shares,
    compare,
    run_audit,
    split_share,
)

SEMESTRAL = "informe de evaluación semestral"
ANNUAL = "informe de evaluación anual"


@pytest.fixture(scope="module")
def report(store):
    return run_audit(store)


def _file(store, kind):
    return next(d["file"] for d in store.documents() if d["kind"] == kind)


def _find(report, kind, subject, file=None):
    return [
        c
        for c in report.checks
        if c.kind == kind and c.subject == subject and (file is None or c.file == file)
    ]


# ---- the pinned findings ------------------------------------------------------------------------------


def test_annual_aei_05_04_94_percent_vs_468_of_706(report, store):
    (c,) = [
        c
        for c in _find(report, "porcentaje_de_conteos", "AEI.05.04", _file(store, ANNUAL))
        if c.printed == 94
    ]
    assert c.status == DIFFERS and c.mismatch
    assert c.other == pytest.approx(66.29, abs=0.01)
    assert c.other_raw == "468 de 706"
    assert c.printed_at.line_start == 1037 and c.other_at.line_start == 1037
    assert "468 / 706 × 100 = 66.29%" in c.explain
    assert "el nivel sería bajo, no medio" in c.explain
    assert c.formula.startswith("conteo / total")


def test_semestral_66_percent_of_recommendations_vs_3_of_6(report, store):
    (c,) = _find(report, "porcentaje_recomendaciones", "recomendaciones", _file(store, SEMESTRAL))
    assert c.status == DIFFERS
    assert (c.printed, c.other) == (66.0, pytest.approx(50.0))
    assert c.other_raw == "3 de 6 ejecutadas"
    assert c.printed_at.line_start == 1733
    assert (c.other_at.line_start, c.other_at.line_end) == (1678, 1713)
    assert "5 de 6 ejecutadas o en proceso = 83.33%" in c.explain


def test_annual_aei_01_03_33_percent_vs_8_of_25(report, store):
    (c,) = _find(report, "porcentaje_de_conteos", "AEI.01.03", _file(store, ANNUAL))
    assert c.status == DIFFERS
    assert (c.printed, c.other) == (33.0, pytest.approx(32.0))
    assert c.other_raw == "8 de 25"
    assert c.printed_at.line_start == 509


def test_same_aei_poi_figure_table_vs_prose(report, store):
    sem = _file(store, SEMESTRAL)
    poi = [
        c for c in report.findings if c.kind == "mismo_dato" and c.file == sem and "avance POI" in c.formula
    ]
    pairs = {(c.subject, c.other, c.printed) for c in poi}
    assert ("AEI.01.06", 84.1, 84.6) in pairs  # Tabla 4 vs the action's prose
    assert ("AEI.03.04", 0.0, 100.0) in pairs  # Tabla 17 vs the critical-actions prose
    assert ("AEI.01.02", 78.4, 78.6) in pairs
    c = next(c for c in poi if c.subject == "AEI.01.06")
    assert c.other_at.locator.startswith("Tabla 4") and c.other_at.line_start == 328
    assert c.printed_at.line_start == 592
    assert "84.1%" in c.explain and "84.6%" in c.explain
    # the single-activity 0% of AEI.04.02 is not an average and is not compared
    assert not any(c.subject == "AEI.04.02" for c in poi)


def test_other_inconsistencies_are_reported(report, store):
    ann, sem = _file(store, ANNUAL), _file(store, SEMESTRAL)
    totals = {c.subject: c for c in report.findings if c.kind == "total_de_partes"}
    assert totals["OEI.01"].printed == 12 and totals["OEI.01"].other == 11
    assert totals["acciones evaluadas"].printed == 39 and totals["acciones evaluadas"].other == 40
    (caption,) = [c for c in report.findings if c.kind == "leyenda_tabla"]
    assert caption.subject == "OEI.02" and caption.other_raw == "OEI.03" and caption.file == sem
    (level,) = [c for c in report.findings if c.kind == "nivel_impreso"]
    assert level.subject == "OEI.02" and level.file == ann and level.other_raw == "bajo"
    prose_pei = [c for c in report.findings if c.subject == "AEI.01.02" and c.printed == 20.0]
    assert prose_pei and prose_pei[0].other == 28.6


def test_every_semestral_indicator_avance_is_reproduced(report, store):
    sem = _file(store, SEMESTRAL)
    recomputed = [c for c in report.checks if c.kind == "avance_recalculado" and c.file == sem]
    assert len(recomputed) >= 30  # every avance and avance corregido [C] of the per-AEI tables
    assert all(c.status in (OK, ROUNDED) for c in recomputed), [c.explain for c in recomputed if c.mismatch]
    c = next(c for c in recomputed if c.subject == "AEI.01.03" and c.printed_raw == "0.00")
    assert "mínimo permisible" in c.formula and "VO = 5, LE = 12.5" in c.explain
    truncated = next(c for c in recomputed if c.subject == "AEI.04.02")
    assert truncated.status == ROUNDED and "truncado" in truncated.explain


def test_pesem_avances_are_recomputed(report, store):
    pesem = next(d["file"] for d in store.documents() if d["kind"] == "reporte de seguimiento del PESEM")
    checks = [c for c in report.checks if c.kind == "avance_recalculado" and c.file == pesem]
    assert checks
    tipo2 = next(c for c in checks if c.subject == "AES.03.04" and "tipo 2" in c.formula)
    assert tipo2.status in (OK, ROUNDED) and "LB = 15147" in tipo2.explain
    uncapped = next(c for c in checks if c.subject == "AES.03.04" and "tipo 1" in c.formula)
    assert "sin el tope" in uncapped.explain


def test_report_serialises_and_summarises(report):
    d = report.as_dict()
    json.dumps(d, ensure_ascii=False, default=str)
    assert d["total"] == len(report.checks) and len(d["findings"]) == len(report.findings) >= 10
    assert all(f["printed_at"]["file"] for f in d["findings"])
    assert all(c.explain for c in report.checks)
    assert report.summary()["avance_recalculado"]


# ---- the command ------------------------------------------------------------------------------------------


def test_planes_audit_text(db_file, capsys):
    assert main(["audit", "--db", str(db_file)]) == 0
    out = capsys.readouterr().out
    assert out.startswith("Auditoría de las cifras del corpus")
    assert "468 de 706 = 66.29%" in out
    assert "3 de 6 ejecutadas = 50%" in out
    assert "8 de 25 = 32%" in out
    assert "Dice: 84.6%" in out and "Frente a: 84.1%" in out
    assert "Fórmula:" in out and "Umbrales de nivel usados" in out


def test_planes_audit_json(db_file, capsys):
    assert main(["audit", "--json", "--db", str(db_file)]) == 0
    data = json.loads(capsys.readouterr().out)
    subjects = {(f["kind"], f["subject"]) for f in data["findings"]}
    assert ("porcentaje_de_conteos", "AEI.05.04") in subjects
    assert ("porcentaje_recomendaciones", "recomendaciones") in subjects


def test_planes_audit_without_index(tmp_path, capsys):
    assert main(["audit", "--db", str(tmp_path / "nada.db")]) == 1
    assert "planes ingest" in capsys.readouterr().err


# ---- building blocks ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("printed", "raw", "other", "qualifier", "status"),
    [
        (28.6, "28.60", 28.6021, "", ROUNDED),
        (83.9, "83.9", 83.9827, "", ROUNDED),  # truncated
        (82.9, "82.90", 82.8586, "", ROUNDED),  # trailing zero: one significant decimal
        (33.0, "33%", 32.0, "", DIFFERS),
        (90.0, "90%", 90.74, "aprox", ROUNDED),
        (20.0, "20%", 28.6, "aprox", DIFFERS),
        (60.0, "60%", 62.5, "more", OK),
        (60.0, "60%", 55.0, "more", DIFFERS),
        (100.0, "100", 100.0, "", OK),
        (None, "NC", 0.0, "", NOT_COMPUTABLE),
    ],
)
def test_compare(printed, raw, other, qualifier, status):
    assert compare(printed, raw, other, qualifier)[0] == status


def test_split_share():
    assert split_share("94%|468|706") == ("94%", 468, 706)
    assert split_share("33%|Se ejecutaron ocho (8)|meta correspondía a veinticinco (25)") == ("33%", 8, 25)
    assert split_share("90.7%|17 268|19 030") == ("90.7%", 17268, 19030)
    assert split_share("66%||") == ("66%", None, None)


def _stmt(**kw):
    return {
        "file": "r.txt",
        "line_start": 5,
        "line_end": 5,
        "locator": "Sección",
        "period": "2030",
        "plan": "P",
    } | kw


def test_checks_on_synthetic_rows():
    shares = check_shares(
        [
            _stmt(
                topic="porcentaje_con_conteo",
                owner="AEI.01.01",
                value=50.0,
                raw="50%|3|7",
                sentence="Se tuvo un avance de 50% con 3 de 7 reuniones.",
            ),
            _stmt(
                topic="porcentaje_con_conteo",
                owner=None,
                value=25.0,
                raw="25%|10|40",
                line_start=9,
                sentence="10 acciones (25%) de las 40 acciones.",
            ),
            _stmt(
                topic="porcentaje_con_conteo",
                owner=None,
                value=50.0,
                raw="50%|20|",
                line_start=9,
                sentence="20 acciones (50%).",
            ),
        ]
    )
    assert [c.status for c in shares] == [DIFFERS, OK, OK]
    assert "total tomado de la misma oración" in shares[2].explain
    capped = check_shares(
        [
            _stmt(
                topic="porcentaje_con_conteo",
                value=100.0,
                raw="100%|55|43",
                sentence="Se tuvo un avance de 100%.",
            )
        ]
    )
    assert capped[0].status == OK and capped[0].other == 100.0
    recs = [
        {
            "file": "r.txt",
            "list_kind": "seguimiento",
            "status": s,
            "line_start": i,
            "line_end": i,
            "locator": "Tabla 9",
        }
        for i, s in enumerate(["ejecutado/culminado", "en proceso", "no iniciado"], 1)
    ]
    (rec,) = check_recommendation_shares(
        [_stmt(topic="recomendaciones_implementacion", value=33.0, raw="33%||")], recs
    )
    assert rec.status == ROUNDED and rec.other == pytest.approx(33.333, abs=1e-3)
    totals = check_level_totals(
        [
            {
                "file": "r.txt",
                "owner": "OEI.01",
                "line_start": 3,
                "metric": m,
                "value": v,
                "raw": str(v),
                "locator": "T",
            }
            for m, v in (("aei_total", 5.0), ("aei_alto", 2.0), ("aei_medio", 2.0), ("aei_bajo", 1.0))
        ]
    )
    assert totals[0].status == OK
    table = [
        {
            "file": "r.txt",
            "owner": "AEI.02.01",
            "line_start": 8,
            "line_end": 8,
            "locator": "Tabla 3",
            "indicator_name": "N",
            "metric": m,
            "value": v,
            "raw": r,
            "sentido": "Descendente",
            "agregacion": None,
        }
        for m, v, r in (("logro_esperado", 4.0, "4"), ("valor_obtenido", 5.0, "5"), ("avance", 90.0, "90"))
    ]
    (avance,) = check_indicator_tables(table)
    assert avance.status == DIFFERS and avance.other == pytest.approx(80.0)
    assert "LE / VO" in avance.formula


def test_claims_extractor_on_the_reports(store):
    ann = _file(store, ANNUAL)
    claims = claims_from_lines(ann, ANNUAL, None, "2024", store.lines(ann))
    levels = {c["raw"].split("|")[0]: c["value"] for c in claims if c["topic"] == "acciones_por_nivel"}
    assert levels == {"alto": 25, "medio": 3, "bajo": 11}
    sem = _file(store, SEMESTRAL)
    oei1 = [
        c
        for c in claims_from_lines(sem, SEMESTRAL, None, "2024-S1", store.lines(sem))
        if c["owner"] == "OEI.01"
    ]
    assert {(c["raw"].split("|")[0], c["value"]) for c in oei1} >= {
        ("total", 12),
        ("alto", 5),
        ("medio", 2),
        ("bajo", 4),
        ("no medible", 1),
    }
    assert (
        claims_from_lines("p.txt", "plan estratégico institucional", None, None, ["3 acciones de nivel alto"])
        == []
    )
