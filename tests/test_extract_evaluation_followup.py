"""Critical actions, recommendations and prose statements read by hand in the evaluation reports
000 (2024-S1) and 001 (2024), checked against knowledge/extract/evaluation_followup.py, plus a
modified copy of 000 standing in for "the next report of the same family"."""

from __future__ import annotations

import json

import pytest

from knowledge.document import read_document
from knowledge.extract.evaluation_followup import (
    extract,
    link_recommendations,
    normalise_status,
    period_key,
    split_units,
)
from tests.records_helpers import ANUAL, CORPUS, SEMESTRAL, one, rows

PEI_NUEVO = "002_39527a248f4d2a14.txt"


@pytest.fixture(scope="module")
def sem():
    return extract(read_document(CORPUS / SEMESTRAL))


@pytest.fixture(scope="module")
def anual():
    return extract(read_document(CORPUS / ANUAL))




# ---- critical actions ---------------------------------------------------------------------------


def test_critical_actions_of_the_semester(sem):
    critical = sem["critical_actions"]
    assert [r["owner"] for r in critical] == [
        "AEI.01.02", "AEI.01.03", "AEI.01.10", "AEI.03.03", "AEI.03.04", "AEI.04.01", "AEI.04.02",
        "AEI.05.03", "AEI.07.02", "AEI.07.03", "AEI.08.03",
    ]
    not_prioritised = sorted(r["owner"] for r in critical if r["priorizado"] == 0)
    assert not_prioritised == ["AEI.04.01", "AEI.04.02", "AEI.07.02", "AEI.07.03"]
    assert all(r["plan"] == "PEI 2020-2027 ampliado" and r["period"] == "2024-S1" for r in critical)
    assert all(r["locator"].endswith("Identificación de acciones críticas") for r in critical)


def test_critical_action_reason_figures_and_lines(sem):
    row = one(sem, "critical_actions", owner="AEI.07.02")
    assert (row["line_start"], row["line_end"]) == (1546, 1605)
    assert row["reason"].startswith("Esta AEI fue identificada como un caso crítico")
    assert "72.6%" in row["reason"]
    figures = json.loads(row["figures"])
    assert {"raw": "72.6%", "value": 72.6, "context": "ejecución física promedio"} in figures
    assert json.loads(row["aois"]) == ["AOI00004500222", "AOI00004500864", "AOI00004500865"]


def test_critical_action_aois_and_footnotes(sem):
    row = one(sem, "critical_actions", owner="AEI.07.03")
    assert json.loads(row["aois"]) == ["AOI00004500765", "AOI00004500833"]
    assert (row["line_start"], row["line_end"]) == (1607, 1654)
    first = one(sem, "critical_actions", owner="AEI.01.02")
    # the footnote marker glued to "fronteriza³³" is gone, the figures are both there
    assert "fronteriza activos" in first["reason"]
    assert [f["value"] for f in json.loads(first["figures"])] == [20.0, 78.6]
    assert json.loads(first["aois"])[:3] == ["AOI00004500800", "AOI00004500802", "AOI00004500805"]


def test_annual_report_names_no_critical_action_section(anual):
    assert anual["critical_actions"] == []


# ---- recommendations ----------------------------------------------------------------------------


def test_semester_followup_numbers_come_from_prose_headings(sem):
    follow = rows(sem, "recommendations", list_kind="seguimiento")
    assert [r["number"] for r in follow] == [1, 2, 3, 4, 5, 6]
    in_process = [r for r in follow if r["status"] == "en proceso"]
    assert [r["number"] for r in in_process] == [3, 6]
    assert "Hidrografía" in in_process[0]["text"] and in_process[0]["line_start"] == 1680
    assert "oficinas consulares" in in_process[1]["text"] and in_process[1]["line_start"] == 1713
    assert in_process[0]["plazo_meses"] == 3 and in_process[0]["status_raw"] == "En proceso"
    first = one(sem, "recommendations", list_kind="seguimiento", number=1)
    assert (first["status"], first["status_raw"]) == ("ejecutado/culminado", "Ejecutado")
    assert "Biblioteca Nacional" in first["comment"]
    assert first["locator"].startswith("Tabla 39.")


def test_semester_followup_empty_cells(sem):
    # empty unit cell = the unit above (confirmed by the prose); empty plazo stays unknown
    fourth = one(sem, "recommendations", list_kind="seguimiento", number=4)
    assert json.loads(fourth["responsible"]) == ["Dirección General de Soberanía, Límites y Asuntos Antárticos"]
    assert fourth["plazo_meses"] is None
    assert (fourth["status"], fourth["status_raw"]) == ("no iniciado", "No iniciado")
    sixth = one(sem, "recommendations", list_kind="seguimiento", number=6)
    assert json.loads(sixth["responsible"]) == [
        "Dirección General de Comunidades Peruanas en el Exterior y Asuntos Culturales"]
    assert "A modo de síntesis" not in sixth["comment"]


def test_semester_new_recommendations_skip_a_number(sem):
    new = rows(sem, "recommendations", list_kind="nueva")
    assert [r["number"] for r in new] == [1, 2, 3, 4, 5, 7, 8]
    assert all(r["status"] is None and r["period"] == "2024-S1" for r in new)
    assert json.loads(new[2]["responsible"]) == [
        "Dirección General de Asuntos Multilaterales", "Dirección General de Asuntos Económicos"]
    assert json.loads(new[1]["responsible"])[1].startswith("Dirección General de Comunidades Peruanas")
    assert new[0]["plazo_meses"] == 12 and new[0]["line_start"] == 1753


def test_annual_matrix_statuses(anual):
    matrix = rows(anual, "recommendations", list_kind="seguimiento")
    assert [r["number"] for r in matrix] == [1, 2, 3, 4, 5, 6, 7, 8, 10, 11, 12]
    assert all(r["status"] in ("no iniciado", "en proceso", "ejecutado/culminado", "sin información")
               for r in matrix)
    assert [r["number"] for r in matrix if r["status"] == "sin información"] == [6, 7]
    assert [r["number"] for r in matrix if r["status"] == "ejecutado/culminado"] == [3, 4, 11]
    assert one(anual, "recommendations", list_kind="seguimiento", number=11)["status_raw"] == "Culminado"


def test_annual_matrix_continuation_rows(anual):
    fifth = one(anual, "recommendations", list_kind="seguimiento", number=5)
    assert (fifth["line_start"], fifth["line_end"]) == (1094, 1097)
    assert json.loads(fifth["responsible"]) == ["Dirección General de Asuntos Multilaterales y Globales"]
    assert fifth["text"].endswith("cuellos de botella en la provisión de los servicios prioritarios del "
                                  "Ministerio de Relaciones Exteriores, así como los recursos necesarios "
                                  "para su atención")
    assert fifth["comment"].startswith("Se viene efectuando reuniones mensuales de coordinación")
    tenth = one(anual, "recommendations", list_kind="seguimiento", number=10)
    assert json.loads(tenth["responsible"]) == [
        "Dirección General de Asuntos Económicos", "Dirección de Cooperación Internacional"]
    assert tenth["accion_clave"].endswith("formatos establecidos por la alta dirección")
    assert tenth["medio_verificacion"] == "Minutas"
    second = one(anual, "recommendations", list_kind="seguimiento", number=2)
    assert second["cells_from"] == 1 and second["status"] == "en proceso"


def test_annual_new_recommendations(anual):
    new = rows(anual, "recommendations", list_kind="nueva")
    assert [r["number"] for r in new] == list(range(1, 13))
    tenth = new[9]
    assert (tenth["line_start"], tenth["line_end"]) == (1147, 1150)
    assert json.loads(tenth["responsible"]) == [
        "Oficina General de Planeamiento y Presupuesto", "Dirección General de América",
        "Dirección General de Asia y Oceanía", "Dirección General de Europa",
        "Dirección General de África, Medio Oriente y Países del Golfo"]
    assert new[11]["plazo_meses"] == 3 and new[11]["locator"] == "8. Recomendaciones"


def test_link_new_recommendations_to_later_followup(sem, anual):
    recs = anual["recommendations"] + sem["recommendations"]
    links = link_recommendations(recs)
    pairs = {(recs[d["from_index"]]["period"], recs[d["from_index"]]["number"],
              recs[d["to_index"]]["period"], recs[d["to_index"]]["number"]): d["confidence"] for d in links}
    assert pairs[("2024-S1", 4, "2024", 8)] == 100
    assert ("2024-S1", 7, "2024", 2) in pairs
    assert ("2024-S1", 2, "2024", 5) in pairs and ("2024-S1", 2, "2024", 6) in pairs
    assert all(recs[d["from_index"]]["list_kind"] == "nueva" for d in links)
    # 000's follow-up list looks back at a report that is not in the corpus: nothing links to it
    assert not any(recs[d["to_index"]]["period"] == "2024-S1" for d in links)
    assert all(0 <= d["confidence"] <= 100 for d in links)


# ---- statements -----------------------------------------------------------------------------------


def test_statements_semester(sem):
    poi = one(sem, "statements", owner="AEI.01.06", topic="avance_poi_prosa")
    assert (poi["value"], poi["line_start"]) == (84.6, 592)  # the table says 84.1
    recs = one(sem, "statements", topic="recomendaciones_implementacion")
    assert (recs["value"], recs["raw"], recs["line_start"]) == (66.0, "66%||", 1733)
    share = one(sem, "statements", owner="AEI.01.02", topic="porcentaje_con_conteo")
    assert share["raw"] == "28.6%|2|7"
    ten = one(sem, "statements", topic="conteo", raw="diez (10)", line_start=1365)
    assert ten["value"] == 10 and ten["owner"] == "AEI.01.02" and "reuniones pendientes" in ten["sentence"]
    assert one(sem, "statements", topic="conteo", value=439.0)["line_start"] == 22
    summary = rows(sem, "statements", topic="porcentaje_con_conteo", line_start=22)
    assert [r["raw"] for r in summary][:3] == ["52,5%||40", "15%||40", "25%||40"]


def test_statements_annual(anual):
    vinc = one(anual, "statements", owner="AEI.05.04", topic="porcentaje_con_conteo")
    assert (vinc["value"], vinc["raw"], vinc["line_start"]) == (94.0, "94%|468|706", 1037)
    assert "Se desarrollaron 468 eventos" in vinc["sentence"]
    hemis = one(anual, "statements", owner="AEI.01.03", topic="porcentaje_con_conteo")
    assert hemis["raw"] == "33%|8|25"
    asia = one(anual, "statements", owner="AEI.01.04", topic="porcentaje_con_conteo")
    assert (asia["line_start"], asia["line_end"], asia["raw"]) == (617, 621, "100%|55|43")
    citizens = one(anual, "statements", topic="conteo", value=17268.0, line_start=438)
    assert citizens["raw"] == "17 268" and citizens["owner"] == "OEI.05"
    assert {r["value"] for r in rows(anual, "statements", topic="conteo", line_start=326)} >= {116.0, 54.0}
    assert one(anual, "statements", owner="OEI.06", topic="avance_pei_prosa")["value"] == 134.4
    assert all(r["period"] == "2024" for r in anual["statements"])


def test_other_documents_are_ignored():
    assert extract(read_document(CORPUS / PEI_NUEVO)) == {}


# ---- helpers ------------------------------------------------------------------------------------


def test_helpers():
    assert normalise_status("Culminado") == normalise_status("Ejecutado") == "ejecutado/culminado"
    assert normalise_status("En proceso") == "en proceso"
    assert normalise_status("No iniciado") == "no iniciado"
    assert normalise_status("Sin información") == normalise_status("") == "sin información"
    assert split_units("Dirección General de Asuntos Culturales - Dirección de Política Cultural") == [
        "Dirección General de Asuntos Culturales", "Dirección de Política Cultural"]
    assert split_units("Oficina General de Planeamiento y Presupuesto Dirección General de América") == [
        "Oficina General de Planeamiento y Presupuesto", "Dirección General de América"]
    assert period_key("2024-S1") < period_key("2024-S2") < period_key("2024") < period_key("2025-S1")


# ---- the next report of the family ----------------------------------------------------------------


def test_next_report_with_shifted_lines_and_changed_values(tmp_path):
    lines = (CORPUS / SEMESTRAL).read_text(encoding="utf-8").splitlines()
    text = "\n".join(["", "", ""] + lines)
    text = text.replace("ejecución física promedio de 72.6% en sus", "ejecución física promedio de 64.2% en sus")
    text = text.replace("Marina de Guerra del Perú\t3 meses\tEn proceso", "Marina de Guerra del Perú\t3 meses\tCulminado")
    text = text.replace("gestión del presupuesto por resultados en el MRE (no priorizado)",
                        "gestión del presupuesto por resultados en el MRE (priorizado)")
    path = tmp_path / "next.txt"
    path.write_text(text, encoding="utf-8")
    records = extract(read_document(path))
    row = one(records, "critical_actions", owner="AEI.07.02")
    assert (row["line_start"], row["priorizado"]) == (1549, 1)
    assert json.loads(row["figures"])[0]["value"] == 64.2
    third = one(records, "recommendations", list_kind="seguimiento", number=3)
    assert (third["status"], third["status_raw"], third["line_start"]) == ("ejecutado/culminado", "Culminado", 1683)
