"""The first evaluation of the new plan (test data from tests/newreport.py): its codes belong to the
PEI 2025-2030 because its own text says so — the file name says nothing — and the answers about the
old plan's 2024 reports do not change."""

from __future__ import annotations

import shutil

import pytest

from knowledge.index import build_index
from knowledge.store import Store
from tests import newreport, pdfbuild


@pytest.fixture(scope="module")
def index(tmp_path_factory, corpus):
    tmp = tmp_path_factory.mktemp("nuevo-plan")
    folder = tmp / "corpus"
    folder.mkdir()
    for p in corpus.glob("*.txt"):
        shutil.copy(p, folder / p.name)
    lines = newreport.semester_report(next(corpus.glob("002_*.txt")))
    pdfbuild.render(lines, folder / "zz_documento_sin_pistas.pdf")  # a name that says nothing
    db = tmp / "planes.db"
    assert not build_index(folder, db).skipped
    return db


def test_the_report_is_identified_from_its_text(index):
    doc = Store(index).document("zz_documento_sin_pistas.pdf")
    assert (doc["kind"], doc["plan"], doc["period"]) == ("informe de evaluación semestral", "PEI 2025-2030",
                                                        "2025-S1")


def test_its_oei05_actions_are_the_new_plans(index):
    store = Store(index)
    new = {r["code"]: r["title"] for r in store.rows(
        "select code, title from entities where file like '002_%' and code like 'AEI.05.%'")}
    rows = store.rows("select owner, plan, period from measurements where file = 'zz_documento_sin_pistas.pdf' "
                      "and owner like 'AEI.05.%'")
    assert rows and {r["plan"] for r in rows} == {"PEI 2025-2030"} and {r["period"] for r in rows} == {"2025-S1"}
    assert {r["owner"] for r in rows} == set(new)
    titles = {r["code"]: r["title"] for r in store.rows(
        "select code, title from entities where file = 'zz_documento_sin_pistas.pdf' and code like 'AEI.05.%'")}
    assert titles == new
    old = store.rows("select title from entities where file like '000_%' and code = 'AEI.05.01'")
    assert old and old[0]["title"] != new["AEI.05.01"]


def test_answers_about_the_old_plan_are_unchanged(index, assistant):
    from assistant.engine import Assistant

    with_new = Assistant(index, index.with_name("editor.db"))
    for question in ("¿cuál es el avance del OEI.05 en 2024?", "¿qué AEI están críticas en el primer semestre 2024?"):
        assert with_new.ask(question)["answer"] == assistant.ask(question)["answer"]
    critical = with_new.ask("¿qué AEI están críticas en el primer semestre 2025?")
    assert critical["found"] and any(s["file"] == "zz_documento_sin_pistas.pdf" for s in critical["sources"])


def test_its_recommendations_reach_the_tracker_and_the_brief(index):
    from datetime import date

    from assistant.tracker.items import load
    from knowledge.store import Store

    items = [i for i in load(Store(index), None, date(2025, 10, 1)) if i["report"]["period"] == "2025-S1"]
    assert len(items) == len(newreport.RECOMMENDATIONS), [i.get("key") for i in items]
    from assistant.web import create_app

    app = create_app({"PLANES_DB": str(index), "PLANES_UPDATES_DB": str(index.with_name("ed.db")), "TESTING": True})
    response = app.test_client().get("/api/brief?tipo=recomendaciones&periodo=2025-S1")
    assert response.status_code == 200 and response.mimetype == "application/pdf"


def test_an_objective_of_the_new_plan_is_answered_from_its_first_evaluation(index):
    from assistant.engine import Assistant

    body = Assistant(index, index.with_name("editor-oei05.db")).ask("avance del OEI.05 en el primer semestre 2025")
    assert body["found"], body["answer"]
    assert "PEI 2025-2030" in body["answer"] and "AEI.05.01" in body["answer"]
    assert {s["file"] for s in body["sources"]} == {"zz_documento_sin_pistas.pdf"}
