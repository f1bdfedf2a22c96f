"""Facts read by hand in the evaluation reports 000 (2024-S1) and 001 (2024), checked against the
records of knowledge/extract/evaluation_measures.py, plus a modified copy of 000 that stands in for
"the next report of the same family"."""

from __future__ import annotations

import pytest

from knowledge.document import read_document
from knowledge.extract.evaluation_measures import extract
from tests.records_helpers import ANUAL, CORPUS, SEMESTRAL, one, rows


@pytest.fixture(scope="module")
def sem():
    return extract(read_document(CORPUS / SEMESTRAL))


@pytest.fixture(scope="module")
def anual():
    return extract(read_document(CORPUS / ANUAL))




# ---- 000: semestral 2024-S1 -------------------------------------------------------------------


def test_every_row_carries_plan_period_and_provenance(sem, anual):
    for records, period in ((sem, "2024-S1"), (anual, "2024")):
        for table, found in records.items():
            for r in found:
                assert r["plan"] == "PEI 2020-2027 ampliado"
                assert r["file"] in (SEMESTRAL, ANUAL) and r["locator"]
                assert 1 <= r["line_start"] <= r["line_end"]
                if table != "entities":
                    assert r["period"] == period


def test_semestral_entities(sem):
    oei1 = one(sem, "entities", code="OEI.01")
    assert oei1["priority"] == 1 and oei1["line_start"] == 142 and oei1["kind"] == "OEI"
    assert oei1["title"].startswith("Fortalecer y ampliar las relaciones bilaterales")
    assert one(sem, "entities", code="OEI.04")["priority"] == 2
    assert one(sem, "entities", code="OEI.08")["priority"] == 8
    aei = one(sem, "entities", code="AEI.03.04")
    assert aei["parent"] == "OEI.03" and aei["kind"] == "AEI" and aei["source_file"] == SEMESTRAL
    assert aei["title"].startswith("Promover y gestionar nuevos convenios") and "AEI" not in aei["title"]
    # only named by its heading in the critical-actions section: tag "(no priorizado)" dropped
    aei73 = one(sem, "entities", code="AEI.07.03")
    assert aei73["title"].endswith("organización institucional") and aei73["line_start"] == 1607
    assert len(rows(sem, "entities", kind="OEI")) == 8
    assert len(rows(sem, "entities", kind="AEI")) == 27


def test_semestral_avance_poi_pei(sem):
    pei = rows(sem, "measurements", metric="avance_pei")
    poi = rows(sem, "measurements", metric="avance_poi")
    assert len(pei) == len(poi) == 23
    assert len({r["locator"] for r in pei}) == 4
    r = one(sem, "measurements", owner="AEI.03.04", metric="avance_pei")
    # the caption says "OEI 2" but the rows are OEI 3's actions: the owner comes from the row
    assert r["value"] == 50 and r["line_start"] == 893 and "Tabla 17" in r["locator"]
    nc = [r for r in pei if r["value"] is None]
    assert sorted(r["owner"] for r in nc) == ["AEI.01.11", "AEI.08.01"]
    assert all(r["raw"] == "NC" for r in nc)
    assert one(sem, "measurements", owner="AEI.03.01", metric="avance_poi")["value"] == pytest.approx(90.8)


def test_semestral_indicator_tables(sem):
    le = rows(sem, "measurements", metric="logro_esperado")
    assert len({r["locator"] for r in le}) == 27
    got = {r["metric"]: r for r in rows(sem, "measurements", owner="AEI.01.04")
           if r["locator"].startswith("Tabla 8.")}
    assert got["logro_esperado"]["value"] == 21.5 and got["valor_obtenido"]["value"] == 18
    assert got["avance"]["value"] == 0 and got["avance_corregido"]["value"] == pytest.approx(83.7)
    assert got["valor_obtenido"]["line_start"] == 496
    assert got["avance"]["sentido"] == "No Definido"
    assert got["avance"]["agregacion"] == "Mínimo permisible"
    assert got["avance"]["indicator_name"].startswith("Número de reuniones bilaterales y multilaterales")
    assert "Asia" in got["avance"]["indicator_name"]
    corrected = rows(sem, "measurements", metric="avance_corregido")
    assert sorted(r["owner"] for r in corrected) == [
        "AEI.01.03", "AEI.01.04", "AEI.01.09", "AEI.01.10", "AEI.01.12", "AEI.03.04", "AEI.05.04"]
    r = one(sem, "measurements", owner="AEI.05.01", metric="valor_obtenido")
    assert r["value"] == 7884 and r["line_start"] == 1110


def test_semestral_ejecucion_fisica(sem):
    r = one(sem, "measurements", owner="AEI.05.02", metric="ejecucion_fisica")
    assert r["value"] == pytest.approx(68.8) and r["line_start"] == 1154
    r = one(sem, "measurements", owner="AEI.08.02", metric="ejecucion_fisica")
    assert r["value"] == 33 and r["line_start"] == 1312
    # analysis and critical-actions sections disagree: both kept, each with its line
    both = rows(sem, "measurements", owner="AEI.01.02", metric="ejecucion_fisica")
    assert sorted((r["line_start"], r["value"]) for r in both) == [(420, 78.4), (1355, 78.6)]
    r = one(sem, "measurements", owner="AEI.07.02", metric="ejecucion_fisica")
    assert r["value"] == pytest.approx(72.6)
    assert sem["activities"] == []


# ---- 001: anual 2024 --------------------------------------------------------------------------


def test_anual_avance_tipo1_per_oei(anual):
    found = rows(anual, "measurements", metric="avance_tipo1", year=2024)
    oei = [r for r in found if r["owner"].startswith("OEI.")]
    assert len(oei) == 8
    r = one(anual, "measurements", owner="OEI.06", metric="avance_tipo1")
    assert r["value"] == pytest.approx(134.4) and r["line_start"] == 250 and "Tabla 6" in r["locator"]
    assert r["indicator_name"] == "Número de esquemas de cooperación internacional vigentes"
    # after the footnote and repeated header the table goes on
    assert one(anual, "measurements", owner="OEI.03", metric="avance_tipo1")["value"] == pytest.approx(123.5)
    assert one(anual, "measurements", owner="OEI.08", metric="avance_tipo1")["raw"] == "0.0"


def test_anual_aei_counts_per_level(anual):
    got = {r["metric"]: r["value"] for r in rows(anual, "measurements", owner="OEI.01")
           if r["metric"].startswith("aei_")}
    assert got == {"aei_total": 12, "aei_bajo": 3, "aei_medio": 0, "aei_alto": 8}
    assert sum(r["value"] for r in rows(anual, "measurements", metric="aei_total")) == 40
    assert one(anual, "measurements", owner="OEI.05", metric="aei_bajo")["line_start"] == 477


def test_anual_activities(anual):
    acts = anual["activities"]
    assert len(acts) >= 18
    r = one(anual, "activities", aoi="AOI00004500234")
    assert r["avance_fisico"] == pytest.approx(71.42) and r["raw"] == "71.42 (*)"
    assert r["owner"] == "AEI.01.03" and r["line_start"] == 537 and "Tabla 8" in r["locator"]
    assert r["description"].startswith("Fortalecimiento de las relaciones para la integración")
    # section heading 05.01 carries another action's title; its code still owns the table
    assert one(anual, "activities", aoi="AOI00004500758")["owner"] == "AEI.05.01"
    assert one(anual, "activities", aoi="AOI00004500084")["owner"] == "AEI.05.04"
    assert {r["avance_fisico"] for r in rows(anual, "activities", aoi="AOI00004500232")} == {100, 25}


def test_anual_entities_and_levels(anual):
    assert one(anual, "entities", code="OEI.05")["priority"] == 3
    aei = one(anual, "entities", code="AEI.05.01")
    assert aei["title"].startswith("Fortalecer el sistema de la asistencia legal")
    assert one(anual, "entities", code="AEI.01.03")["responsible"] == "Dirección General de América"
    medio = {r["owner"] for r in rows(anual, "measurements", metric="nivel", raw="medio")
             if r["owner"].startswith("OEI.")}
    assert medio == {"OEI.02", "OEI.04", "OEI.05", "OEI.07"}
    r = one(anual, "measurements", owner="AEI.05.01", metric="avance_tipo1")
    assert r["value"] == pytest.approx(90.7) and r["year"] == 2024


def test_other_kinds_are_ignored():
    for name in ("002_39527a248f4d2a14.txt", "003_b503b4a5473e071c.txt"):
        assert not any(extract(read_document(CORPUS / name)).values())


# ---- the next report of the family -------------------------------------------------------------


def test_modified_copy_picks_up_exactly_the_changes(tmp_path, sem):
    lines = (CORPUS / SEMESTRAL).read_text(encoding="utf-8").splitlines()
    title = next(i for i, ln in enumerate(lines) if "primer semestre del año 2024" in ln)
    lines[title] = lines[title].replace("2024", "2025")
    figure = next(i for i, ln in enumerate(lines) if ln.endswith("\t21.5\t18\t0.00\t83.70"))
    lines[figure] = lines[figure].replace("\t21.5\t18\t", "\t21.5\t19\t")
    inserted = ["Versión preliminar para revisión", "", ""]
    path = tmp_path / "informe_nuevo.txt"
    path.write_text("\n".join(inserted + lines) + "\n", encoding="utf-8")

    doc = read_document(path)
    assert doc.period == "2025-S1" and doc.kind == "informe de evaluación semestral"
    new = extract(doc)
    shift = len(inserted)

    def key(r):
        return (r.get("owner"), r.get("code"), r.get("aoi"), r.get("metric"), r["locator"])

    for table in ("entities", "measurements", "activities"):
        old_rows = {key(r): r for r in sem[table]}
        new_rows = {key(r): r for r in new[table]}
        assert old_rows.keys() == new_rows.keys()
        changed = []
        for k, old in old_rows.items():
            r = new_rows[k]
            assert r["line_start"] == old["line_start"] + shift and r["line_end"] == old["line_end"] + shift
            assert r["file"] == "informe_nuevo.txt"
            if table != "entities":
                assert r["period"] == "2025-S1"
            if (r.get("value"), r.get("raw")) != (old.get("value"), old.get("raw")):
                changed.append(r)
        if table == "measurements":
            assert len(changed) == 1
            r = changed[0]
            assert (r["owner"], r["metric"]) == ("AEI.01.04", "valor_obtenido")
            assert (r["value"], r["raw"]) == (19, "19")
            assert r["line_start"] == figure + 1 + shift
        else:
            assert changed == []


def test_table_with_two_indicators_across_a_page_break(tmp_path):
    text = "\n".join([
        "Informe de Evaluación Institucional",
        "correspondiente al segundo semestre del año 2026",
        "",
        "El Plan Estratégico Institucional (PEI) 2020-2027 ampliado orienta la política.",
        "",
        "Tabla 3. Avance semestral de indicadores - Acción estratégica 02.01",
        "",
        "Indicador\tSentido esperado\tTipo de agregación\tLogro esperado semestral\tValor obtenido semestral"
        "\tAvance semestral (%)",
        "Número de eventos de promoción\tAscendente\tAgregable\t10\t5\t50.0",
        "",
        "PERÚ",
        "",
        "Indicador\tSentido esperado\tTipo de agregación\tLogro esperado semestral\tValor obtenido semestral"
        "\tAvance semestral (%)",
        "Porcentaje de misiones atendidas\tAscendente\tNo agregable\t80\t---\tND",
        "",
        "Fuente: Elaboración propia",
    ])
    path = tmp_path / "x.txt"
    path.write_text(text, encoding="utf-8")
    doc = read_document(path)
    got = extract(doc)["measurements"]
    assert {r["owner"] for r in got} == {"AEI.02.01"}
    first = [r for r in got if r["line_start"] == 9]
    second = [r for r in got if r["line_start"] == 14]
    assert {r["metric"]: r["value"] for r in first} == {
        "logro_esperado": 10, "valor_obtenido": 5, "avance": 50}
    assert {r["metric"]: (r["value"], r["raw"]) for r in second} == {
        "logro_esperado": (80, "80"), "valor_obtenido": (None, "---"), "avance": (None, "ND")}
    assert second[0]["indicator_name"] == "Porcentaje de misiones atendidas"
    assert all(r["period"] == "2026-S2" for r in got)
