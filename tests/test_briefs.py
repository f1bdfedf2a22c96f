"""Briefing PDFs: the text of one brief of each kind holds the expected figures and their sources,
pages render to non-blank images, markup in a question is printed literally, and the HTTP, CLI
and link entry points behave."""

from __future__ import annotations

import io
import re
import subprocess
from datetime import datetime

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pypdf import PdfReader
from reportlab.platypus import Paragraph

from assistant.brief_links import brief_url_for, parse_topic
from assistant.briefs import build_brief, gather
from assistant.briefs.escape import escape, plain, shorten
from assistant.briefs.model import Facts, Table
from assistant.briefs.render import STYLES
from assistant.errors import UserError

NOW = datetime(2025, 6, 15, 10, 30)
E0, E1, P2 = "000_12d072143d9db225.txt", "001_49b03c25a9da4437.txt", "002_39527a248f4d2a14.txt"
MARKUP = '¿Avance del OEI.05? <b>negrita</b> <img src=x> A & B <a href="javascript:alert(1)">clic</a>'


def text_of(pdf: bytes) -> str:
    """The PDF's text with whitespace collapsed (extraction breaks lines inside cells)."""
    reader = PdfReader(io.BytesIO(pdf))
    return " ".join(" ".join(page.extract_text() for page in reader.pages).split())


def page_count(pdf: bytes) -> int:
    return len(PdfReader(io.BytesIO(pdf)).pages)


@pytest.fixture(scope="module")
def briefs(store, assistant):
    def make(kind: str, **params):
        return build_brief(store, kind, now=NOW, **params)

    return {
        "oei05": make("objetivo", codigo="OEI.05"),
        "oei05_nuevo": make("objetivo", codigo="oei 5", plan="nuevo"),
        "aei0301_nuevo": make("objetivo", codigo="AEI.03.01", plan="2025-2030"),
        "aei0103": make("objetivo", codigo="AEI.01.03"),
        "informe_s1": make("informe", periodo="2024-S1"),
        "informe_2024": make("informe", periodo="2024"),
        "recomendaciones": make("recomendaciones"),
        "respuesta": make("respuesta", pregunta=MARKUP, ask=assistant.ask),
    }


@pytest.fixture(scope="module")
def texts(briefs):
    return {name: text_of(b.pdf) for name, b in briefs.items()}


# ---- objective / action -----------------------------------------------------------------------------

def test_objective_defaults_to_the_plan_with_measurements(briefs, texts):
    b, t = briefs["oei05"], texts["oei05"]
    assert b.filename == "brief-OEI.05-2024.pdf"
    assert b.brief.plan == "PEI 2020-2027 ampliado"
    assert "Plan: PEI 2020-2027 ampliado" in t and "también existe en PEI 2025-2030" in t
    # the annual avance tipo 1 with its table and line
    assert "Número de connacionales protegidos y asistidos" in t and "90.7%" in t
    assert "Tabla 6. Avance Tipo 1, por Objetivo Estratégico Institucional (%): " in t
    assert re.search(r"\[\d+\] línea 248", t)
    assert f"Informe de Evaluación Institucional Correspondiente al año 2024 ({E1})" in t
    # its actions by period, the critical one with the report's reason, the level stated in prose
    assert "AEI.05.01" in t and "82.86%" in t and "medio alto (2024, declarado)" in t
    assert "bajo (2024-S1, regla del informe)" in t  # AEI.05.02: 0% avance PEI
    assert "AEI.05.03" in t and "2024-S1" in t and "caso crítico" in t
    assert "Identificación de acciones críticas" in t
    # the prose level has no indicator name: it joins the one indicator of its period
    table = next(blk for s in b.brief.sections if s.title == "Avance por período" for blk in s.blocks
                 if isinstance(blk, Table))
    row = next(r for r in table.rows if r[0] == "2024")
    assert row[-1] == "medio" and "90.7%" in row


def test_objective_of_the_new_plan_shows_baseline_and_targets(briefs, texts):
    b, t = briefs["oei05_nuevo"], texts["oei05_nuevo"]
    assert b.filename == "brief-OEI.05-2025-2030.pdf"
    assert b.brief.plan == "PEI 2025-2030"
    assert "Mejorar los servicios de asistencia legal y humanitaria" in t
    assert "IOEI.05.01" in t and "0 (2023)" in t
    assert "Meta 2030" in t and " 50 " in t
    assert "Anexo B-3" in t and "líneas 1290-1295" in t
    assert "sin dato: no hay mediciones de OEI.05" in t


def test_action_of_the_new_plan(texts):
    t = texts["aei0301_nuevo"]
    assert "IAEI.03.01.01" in t and "20 (2023)" in t
    for target in ("26.6", "33.3", "46.5", "53", "60"):
        assert f" {target} " in t
    assert "líneas 1279-1282" in t and f"({P2})" in t


def test_missing_data_reads_sin_dato(briefs, texts):
    sheet = briefs["aei0103"].brief.sections[0].blocks[0]
    assert isinstance(sheet, Facts)
    priority = next(v for label, v, _ in sheet.items if label.startswith("Prioridad"))
    assert priority is None
    t = texts["aei0103"]
    assert "Prioridad (ruta estratégica) sin dato" in t
    assert "12.5" in t and "Tabla 7. Avance semestral de indicadores - Acción estratégica 01.03" in t
    assert "33%" in t and "bajo" in t


def test_plan_choice_and_unknown_codes(store):
    assert gather(store, "objetivo", codigo="OEI.05", plan="anterior", now=NOW).plan == "PEI 2020-2027 ampliado"
    assert gather(store, "objetivo", codigo="OEI.05", plan="PEI 2025-2030", now=NOW).plan == "PEI 2025-2030"
    with pytest.raises(UserError) as err:
        gather(store, "objetivo", codigo="OEI.05", plan="PESEM", now=NOW)
    assert err.value.status == 404 and "PEI 2025-2030" in err.value.message
    with pytest.raises(UserError) as err:
        gather(store, "objetivo", codigo="OEI.99", now=NOW)
    assert err.value.status == 404
    with pytest.raises(UserError):
        gather(store, "objetivo", codigo="hola", now=NOW)


# ---- report, recommendations ----------------------------------------------------------------------

def test_semestral_report(briefs, texts):
    b, t = briefs["informe_s1"], texts["informe_s1"]
    assert b.filename == "brief-informe-2024-S1.pdf"
    assert "Informe de evaluación semestral 2024-S1" in t
    assert "AEI.01.02" in t and "28.6%" in t and "78.4%" in t
    assert "sin dato (NC)" in t  # a printed NC is not a zero
    assert "alrededor del 20% de avance" in t and "AOI00004500800" in t
    assert "líneas 1353-1385" in t
    assert "Tabla 39" in t and "Hidrografía" in t and "No iniciado" in t
    assert "Página 1 de" in t and "Generado el 15 de junio de 2025, 10:30" in t


def test_annual_report_levels(texts):
    t = texts["informe_2024"]
    assert "OEI.01" in t and "203.5%" in t and "bueno" in t
    assert "AEI con avance alto (suma de la tabla) 25" in t
    assert "AEI con avance medio (suma de la tabla) 3" in t
    assert "AEI con avance bajo (suma de la tabla) 11" in t
    assert "Tabla 7. Avance Tipo 1 de las Acciones Estratégicas" in t
    # levels computed with the cut-offs the report declares, cited
    assert "Nivel según la regla del informe" in t and "alto si el avance es ≥95%" in t.replace("≥ ", "≥")
    assert "regla de niveles declarada en el texto: " in t
    assert "6.3. Implementación de la matriz de recomendaciones" in t


def test_recommendations_overdue_first_with_history(briefs, texts):
    b, t = briefs["recomendaciones"], texts["recomendaciones"]
    assert b.filename == "brief-recomendaciones-2025-06-15.pdf"
    table = b.brief.sections[-1].blocks[0]
    overdue = ["(vencida)" in (row[4] or "") for row in table.rows]
    assert any(overdue) and not all(overdue)
    assert overdue == sorted(overdue, reverse=True)  # every overdue one comes first
    assert any("→" in row[5] for row in table.rows)  # followed from one report to the next
    assert "En proceso" in t and "Hidrografía" in t
    assert "formulada (n.° 1) → 2024:" in t


def test_recommendation_filters(store):
    b = gather(store, "recomendaciones", estado="en proceso", now=NOW)
    table = b.sections[-1].blocks[0]
    assert table.rows and {row[3].split(",")[0] for row in table.rows} == {"En proceso"}
    assert all(row[3].startswith("En proceso, según el informe ") for row in table.rows)
    b = gather(store, "recomendaciones", unidad="nadie-con-este-nombre", now=NOW)
    assert "sin dato" in b.sections[0].blocks[0].text


# ---- answers and escaping -----------------------------------------------------------------------

def test_question_markup_is_printed_literally(briefs, texts):
    pdf, t = briefs["respuesta"].pdf, texts["respuesta"]
    for piece in ("<b>negrita</b>", "<img src=x>", "A & B", '<a href="javascript:alert(1)">clic</a>'):
        assert piece in t
    reader = PdfReader(io.BytesIO(pdf))
    assert all("/Annots" not in page for page in reader.pages)  # no link was made
    assert b"/URI" not in pdf and b"/JavaScript" not in pdf and b"/JS" not in pdf


def test_answer_text_table_and_sources_are_escaped(store):
    def ask(_q):
        return {"answer": "Valor <font color=red>90.7</font> & más\nsegunda línea", "found": True,
                "intent": "avance", "entities": {},
                "table": {"columns": ["<i>col</i>", "valor"], "rows": [["<br/>", None], ["x", 3]]},
                "sources": [{"file": E1, "title": "Informe <anual>", "locator": "Tabla 6, línea 248",
                             "excerpt": "<script>alert(1)</script>"}]}

    result = build_brief(store, "respuesta", pregunta="¿<u>x</u>?", ask=ask, now=NOW)
    t = text_of(result.pdf)
    for piece in ("¿<u>x</u>?", "<font color=red>90.7</font> & más", "segunda línea", "<i>col</i>", "<br/>",
                  "Informe <anual>", "<script>alert(1)</script>", "sin dato", "línea 248"):
        assert piece in t


def test_escape_emits_no_markup():
    assert escape('<b>&"x"</b>') == "&lt;b&gt;&amp;&quot;x&quot;&lt;/b&gt;"
    assert escape("a\x00b\x1f c") == "ab c"
    assert escape("uno\ndos", breaks=True) == "uno<br/>dos"
    assert escape("uno\ndos") == "uno dos"
    assert escape(None) == ""
    assert shorten("una frase bastante larga", 12) == "una frase…"


@settings(max_examples=150, deadline=None)
@given(st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=60))
def test_any_text_parses_to_itself(text):
    """Whatever the text, the markup parser gives back exactly its characters: nothing is read
    as a tag or an entity."""
    para = Paragraph(escape(text), STYLES["body"])
    assert para.getPlainText() == " ".join(plain(text).split())


# ---- rendering ----------------------------------------------------------------------------------


def test_pages_render_to_non_blank_images(briefs, tmp_path):
    from PIL import Image

    for name in ("oei05", "informe_2024", "recomendaciones", "respuesta"):
        pdf = tmp_path / f"{name}.pdf"
        pdf.write_bytes(briefs[name].pdf)
        subprocess.run(["pdftoppm", "-r", "30", "-png", str(pdf), str(tmp_path / name)], check=True, timeout=30)
        pages = sorted(tmp_path.glob(f"{name}-*.png"))
        assert len(pages) == page_count(briefs[name].pdf)
        for png in pages:
            gray = Image.open(png).convert("L")
            dark = sum(gray.histogram()[:200])
            assert dark / (gray.width * gray.height) > 0.005, png.name


def test_every_kind_has_header_and_sources(texts):
    for name, t in texts.items():
        assert "Generado el 15 de junio de 2025" in t, name
        assert "Página 1 de" in t, name
        assert "Fuentes" in t, name


# ---- HTTP, CLI, links ------------------------------------------------------------------------------

def test_api_brief_returns_a_pdf(client):
    r = client.get("/api/brief?tipo=objetivo&codigo=OEI.05")
    assert r.status_code == 200 and r.mimetype == "application/pdf"
    assert r.data.startswith(b"%PDF")
    assert 'filename="brief-OEI.05-2024.pdf"' in r.headers["Content-Disposition"]
    assert r.headers["X-Brief-Plan"] == "PEI%202020-2027%20ampliado"
    r = client.get("/api/brief", query_string={"tipo": "respuesta", "pregunta": MARKUP})
    assert r.status_code == 200 and MARKUP.split()[-1] in text_of(r.data)


@pytest.mark.parametrize("query,status,code", [
    ("", 400, "tipo_invalido"),
    ("tipo=grafico", 400, "tipo_invalido"),
    ("tipo=objetivo", 400, "codigo_invalido"),
    ("tipo=objetivo&codigo=OEI.99", 404, "codigo_no_encontrado"),
    ("tipo=objetivo&codigo=OEI.05&plan=1990-1995", 404, "plan_no_encontrado"),
    ("tipo=informe&periodo=1999", 404, "periodo_no_encontrado"),
    ("tipo=informe&periodo=semestre", 400, "periodo_invalido"),
    ("tipo=respuesta", 400, "pregunta_vacia"),
    ("tipo=respuesta&pregunta=" + "a" * 2001, 413, "parametro_muy_largo"),
])
def test_api_brief_errors_are_spanish_json(client, query, status, code):
    r = client.get(f"/api/brief?{query}")
    assert r.status_code == status
    body = r.get_json()
    assert body["error"]["code"] == code
    assert re.search(r"[áéíóúñ«]|Indique|Escriba|No hay", body["error"]["message"])


def test_cli_brief(db_file, tmp_path, capsys):
    from assistant.cli import main

    out = tmp_path / "oei05.pdf"
    assert main(["brief", "OEI.05", "-o", str(out), "--db", str(db_file)]) == 0
    assert out.read_bytes().startswith(b"%PDF")
    assert "Plan: PEI 2020-2027 ampliado" in capsys.readouterr().out
    out = tmp_path / "informe.pdf"
    assert main(["brief", "informe 2024-S1", "-o", str(out), "--db", str(db_file)]) == 0
    assert "Informe de evaluación semestral 2024-S1" in text_of(out.read_bytes())
    assert main(["brief", "OEI.99", "-o", str(tmp_path / "x.pdf"), "--db", str(db_file)]) == 2
    assert "No hay datos" in capsys.readouterr().err


@pytest.mark.parametrize("topic,expected", [
    ("OEI.05", {"kind": "objetivo", "codigo": "OEI.05"}),
    ("aei 3.1", {"kind": "objetivo", "codigo": "AEI.03.01"}),
    ("1.1", {"kind": "objetivo", "codigo": "1.1"}),
    ("informe 2024-S1", {"kind": "informe", "periodo": "2024-s1"}),
    ("2024", {"kind": "informe", "periodo": "2024"}),
    ("recomendaciones", {"kind": "recomendaciones", "periodo": None}),
    ("¿Cuál es el avance del OEI.05?", {"kind": "respuesta", "pregunta": "¿Cuál es el avance del OEI.05?"}),
])
def test_parse_topic(topic, expected):
    assert parse_topic(topic) == expected


def test_brief_url_for(client):
    url = brief_url_for("avance", {"code": "OEI.05", "codes": ["OEI.05"], "plan": "PEI 2020-2027 ampliado",
                                   "period": "2024"}, "¿avance del OEI.05?")
    assert url == "/api/brief?tipo=objetivo&codigo=OEI.05&plan=PEI%202020-2027%20ampliado"
    assert client.get(url).status_code == 200
    assert brief_url_for("recommendation", {"period": "2024-S1"}, "x") == "/api/brief?tipo=informe&periodo=2024-S1"
    assert brief_url_for("recommendation", {}, "x") == "/api/brief?tipo=recomendaciones"
    assert brief_url_for("critical", {"period": "2024-S1"}, "x") == "/api/brief?tipo=informe&periodo=2024-S1"
    assert brief_url_for("busqueda", {}, "¿visión?") == "/api/brief?tipo=respuesta&pregunta=%C2%BFvisi%C3%B3n%3F"
    assert brief_url_for("busqueda", {}, "¿visión?", found=False) is None
    assert brief_url_for(None, None, "") is None


def test_matrix_with_a_long_history_still_fits_the_page(store, tmp_path):
    from assistant.tracker import items as tracker
    from assistant.tracker.updates import record_update
    from knowledge.store import Store

    updates = tmp_path / "editor.db"
    item = tracker.load(Store(store.db_file), None, NOW.date())[0]
    for n in range(45):
        record_update(updates, item, "en proceso" if n % 2 else "no iniciado", f"Seguimiento n.° {n}: " + "x" * 150,
                      "ana", f"clave-{n}")
    pdf = build_brief(store, "recomendaciones", now=NOW, updates_db=updates).pdf
    text = text_of(pdf)
    assert "actualizaciones más" in text and "Seguimiento n.° 44" in text
