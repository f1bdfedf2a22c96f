"""The PEI 2025-2030 extractor against the real plan text (facts read by hand in the document)."""

from __future__ import annotations

import json
import os
from dataclasses import replace
from pathlib import Path

import pytest

from knowledge.document import read_document
from knowledge.extract import pei

CORPUS = Path(os.environ.get("PLANES_CORPUS", Path(__file__).parents[1].parent / "shared" / "corpus"))
PEI_FILE = "002_39527a248f4d2a14.txt"


@pytest.fixture(scope="module")
def doc():
    return read_document(CORPUS / PEI_FILE)


@pytest.fixture(scope="module")
def rec(doc):
    return pei.extract(doc)


def _entity(rec, code):
    rows = [e for e in rec["entities"] if e["code"] == code]
    assert len(rows) == 1, code
    return rows[0]


def _indicators(rec, code):
    return [i for i in rec["indicators"] if i["code"] == code]


def _target(rec, code, year):
    rows = [t for t in rec["targets"] if t["indicator_code"] == code and t["year"] == year]
    assert len(rows) == 1, (code, year, rows)
    return rows[0]


def test_other_kinds_give_nothing():
    for name in ("000_12d072143d9db225.txt", "003_b503b4a5473e071c.txt"):
        assert not any(pei.extract(read_document(CORPUS / name)).values())


def test_objectives_and_actions(rec):
    oeis = [e for e in rec["entities"] if e["kind"] == "OEI"]
    aeis = [e for e in rec["entities"] if e["kind"] == "AEI"]
    assert [e["code"] for e in oeis] == [f"OEI.{n:02d}" for n in range(1, 12)]
    assert sum(e["tipo"] == "Tipo I" for e in oeis) == 10
    assert _entity(rec, "OEI.11")["tipo"] == "Tipo II"
    assert len(aeis) == 49
    assert all(e["parent"] == "OEI." + e["code"].split(".")[1] for e in aeis)
    # OEI title continued after a page break (lines 715 and 720)
    oei4 = _entity(rec, "OEI.04")
    assert oei4["title"].endswith("en el territorio y población extranjera")
    assert oei4["line_start"] == 715 and oei4["line_end"] == 720
    assert "Tabla 10" in oei4["locator"]


def test_action_only_in_the_ruta(rec):
    aei = _entity(rec, "AEI.08.01")
    assert aei["title"] == "Protección oportuna a las personas solicitantes de refugio"
    assert aei["priority"] == 1
    assert aei["ruta_line_start"] == 1087
    assert json.loads(aei["responsible"]) == ["Dirección General para Asuntos Multilaterales y Globales"]


def test_responsibles(rec):
    assert json.loads(_entity(rec, "AEI.11.03")["responsible"]) == ["Unidad Funcional de Integridad Institucional"]
    america = [e["code"] for e in rec["entities"]
               if e["kind"] == "AEI" and "Dirección General de América" in json.loads(e["responsible"])]
    assert america == ["AEI.01.02", "AEI.03.01", "AEI.03.02", "AEI.03.03"]
    # three units printed in one cell (line 910)
    units = json.loads(_indicators(rec, "IAEI.11.07.01")[0]["responsible"])
    assert len(units) == 3 and units[1] == "Oficina de Asuntos Legales"
    # a unit split by a page break in the ruta (lines 1049 and 1055)
    assert "Dirección General de Protocolo y Ceremonial del Estado" in json.loads(
        _entity(rec, "AEI.01.10")["responsible"])
    oei8 = _entity(rec, "OEI.08")
    assert json.loads(oei8["responsible"]) == ["Dirección General para Asuntos Multilaterales y Globales"]


def test_indicators(rec):
    codes = [i["code"] for i in rec["indicators"]]
    assert sum(c.startswith("IOEI") for c in codes) == 22
    assert sum(c.startswith("IAEI") for c in codes) == 81
    ioei8 = _indicators(rec, "IOEI.08.01")[0]
    assert "solicitudes de renovación de residencia" in ioei8["name"] and ioei8["line_start"] == 727
    owners_08 = {i["code"]: i["owner"] for i in rec["indicators"] if i["code"].startswith("IAEI.08.")}
    assert [c for c, o in owners_08.items() if o == "AEI.08.02"] == ["IAEI.08.02.01", "IAEI.08.02.02",
                                                                       "IAEI.08.02.03"]
    assert owners_08["IAEI.08.01.01"] == "AEI.08.01"
    # codes that do not match their AEI are kept as the table prints them
    assert {i["owner"] for i in _indicators(rec, "IAEI.11.11.01")} == {"AEI.11.08"}
    assert {i["owner"] for i in _indicators(rec, "IAEI.11.03.01")} == {"AEI.11.03", "AEI.11.11"}
    # a continuation row finishes the indicator name (lines 820 and 823)
    i = _indicators(rec, "IAEI.02.02.01")[0]
    assert i["name"].endswith("promoción económica en el exterior") and i["line_end"] == 823


def test_baselines(rec):
    i = _indicators(rec, "IAEI.01.10.01")[0]
    assert (i["baseline_year"], i["baseline_value"], i["baseline_line_end"]) == (2024, 105.0, 1251)
    i = _indicators(rec, "IAEI.04.01.01")[0]
    assert (i["baseline_year"], i["baseline_value"], i["baseline_raw"]) == (2023, 7.83, "7.83")
    # two indicators sharing one annex row (line 1264)
    a, b = _indicators(rec, "IAEI.02.02.02")[0], _indicators(rec, "IAEI.02.02.03")[0]
    assert (a["baseline_year"], a["baseline_value"], a["baseline_line_end"]) == (2023, 100.0, 1264)
    assert (b["baseline_year"], b["baseline_value"]) == (2024, 1.0)
    # values on the row before the name (1259/1260) and on the row after it (1273/1274)
    assert _indicators(rec, "IOEI.02.03")[0]["baseline_value"] == 83.3
    assert _indicators(rec, "IOEI.03.02")[0]["baseline_value"] == 45.0
    # a name printed without values keeps no baseline
    assert _indicators(rec, "IAEI.02.05.02")[0].get("baseline_value") is None


def test_targets(rec):
    t = _target(rec, "IAEI.03.01.01", 2028)
    assert t["value"] == 46.5 and t["owner"] == "AEI.03.01" and t["line_end"] == 1282
    assert t["line_start"] == 1279  # the year header sits lines above
    assert _target(rec, "IAEI.02.02.01", 2027)["value"] == 92
    assert _target(rec, "IAEI.01.04.01", 2029)["value"] == 0.315
    assert not [t for t in rec["targets"] if t["indicator_code"] == "IAEI.01.04.01" and t["year"] == 2030]
    assert _target(rec, "IAEI.01.02.01", 2030)["value"] == 0.632  # shifted last column
    assert _target(rec, "IOEI.05.01", 2027)["value"] == 35
    assert _target(rec, "IAEI.02.02.03", 2030)["value"] == 3
    assert _target(rec, "IOEI.01.02", 2025)["value"] == 12  # interleaved year labels
    assert _target(rec, "IAEI.01.01.01", 2030)["raw"] == "96.15"


def test_nothing_beyond_the_annex(rec):
    covered = {t["indicator_code"] for t in rec["targets"]}
    assert "IAEI.05.01.02" in covered  # last row of the text
    for code in ("IAEI.05.02.01", "IOEI.06.01", "IOEI.11.01", "IAEI.11.12.01"):
        assert code not in covered
        assert all(i.get("baseline_value") is None for i in _indicators(rec, code))
    assert all(i.get("formula") is None for i in rec["indicators"])


def test_ruta(rec):
    oei6 = [e for e in rec["entities"] if e["parent"] == "OEI.06" and e["priority"] == 1]
    assert [e["code"] for e in oei6] == ["AEI.06.02"]
    aei = _entity(rec, "AEI.01.05")
    assert (aei["priority"], aei["pgg"]) == (5, "No priorizado")
    assert _entity(rec, "AEI.01.07")["priority"] == 7  # printed as "AEI.01.7"
    oei11 = _entity(rec, "OEI.11")  # its code is not printed in the ruta
    assert (oei11["priority"], oei11["pgg"]) == (11, "Eje 6 Lin. 6.1")
    assert _entity(rec, "OEI.09")["pgg"] == "Eje 10 Lin. 10.3"
    assert _entity(rec, "AEI.10.02")["priority"] == 2
    assert _entity(rec, "AEI.09.01")["priority"] is None  # not in the ruta


def test_provenance(rec, doc):
    for table, rows in rec.items():
        for row in rows:
            assert row["file"] == doc.file and row["plan"] == "PEI 2025-2030", table
            assert 1 <= row["line_start"] <= row["line_end"] <= len(doc.lines), (table, row)
            assert row["locator"], (table, row)


def test_next_edition_same_shape(doc):
    """Shifted lines and changed figures are followed, nothing is remembered."""
    lines = ["", "Presentación", ""] + list(doc.lines)
    n = lines.index(next(x for x in lines if x.startswith("AEI.03.01\t\tMecanismos")))
    lines[n] = lines[n].replace("\t46.5\t", "\t47.5\t")
    shifted = pei.extract(replace(doc, lines=lines))
    assert _target(shifted, "IAEI.03.01.01", 2028)["value"] == 47.5
    assert _target(shifted, "IAEI.03.01.01", 2028)["line_end"] == 1285
    assert _entity(shifted, "AEI.08.01")["ruta_line_start"] == 1090
