"""One source of status: after an editor marks a recommendation "Culminado" through the API, the
chat answer (/api/ask), the matrix and report briefs, the tracker API and its CSV all give the
current status the same way and say where it comes from (assistant.tracker.status)."""

from __future__ import annotations

import csv
import io
import shutil
from pathlib import Path

import pytest
from pypdf import PdfReader

from assistant.tracker import db as tracker_db
from assistant.tracker.accounts import add_user
from assistant.tracker.status import REPORT, UPDATE, CurrentStatus, CurrentStatuses, resolve
from assistant.web import create_app

PASSWORD = "clave-de-prueba-1"
# Formulated by the 2024-S1 report, followed up in the 2024 matrix under another number.
KEY = "informe-de-evaluacion-semestral-2024-s1-nueva-3"
QUESTION = "¿Qué recomendaciones siguen en proceso?"


@pytest.fixture(scope="module")
def accounts(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("cuentas-estado") / "editor.db"
    add_user(path, "editora", PASSWORD, "editor")
    tracker_db.close_all()
    return path


@pytest.fixture()
def client(db_file, accounts, tmp_path):
    updates = tmp_path / "editor.db"
    shutil.copy(accounts, updates)
    app = create_app({"PLANES_DB": str(db_file), "PLANES_UPDATES_DB": str(updates), "TESTING": True})
    return app.test_client()


def sign_in(client) -> str:
    tok = client.get("/api/session").get_json()["csrf_token"]
    r = client.post("/api/session", json={"username": "editora", "password": PASSWORD},
                    headers={"X-CSRF-Token": tok})
    assert r.status_code == 200, r.get_json()
    return r.get_json()["csrf_token"]


def mark_done(client) -> dict:
    tok = sign_in(client)
    r = client.post(f"/api/recommendations/{KEY}/status",
                    json={"status": "Culminado", "comment": "La unidad informó la sistematización."},
                    headers={"X-CSRF-Token": tok})
    assert r.status_code == 201, r.get_json()
    return r.get_json()


def ask(client, question: str = QUESTION) -> dict:
    r = client.post("/api/ask", json={"question": question})
    assert r.status_code == 200
    return r.get_json()


def followed_numbers(client) -> list[int]:
    """The 2024 matrix numbers under which KEY is followed up."""
    item = client.get(f"/api/recommendations/{KEY}").get_json()
    numbers = [e["number"] for e in item["history"] if e["type"] == "informe" and e["list_kind"] != "nueva"]
    assert numbers, "the recommendation should be followed up by a later report"
    return numbers


def test_chat_answer_follows_the_editors_update(client):
    numbers = followed_numbers(client)
    before = ask(client)
    assert before["found"]
    listed = {row[0] for row in before["table"]["rows"]}
    assert set(numbers) <= listed, "before the update the later report prints it as en proceso"

    mark_done(client)
    after = ask(client)
    assert after["found"]
    listed = {row[0] for row in after["table"]["rows"]}
    assert not set(numbers) & listed, "a culminated recommendation is no longer listed as en proceso"
    assert len(after["table"]["rows"]) == len(before["table"]["rows"]) - len(numbers)
    text = after["answer"]
    assert "Ya no figuran como en proceso" in text
    assert f"N.º {numbers[0]}: Ejecutado/Culminado, actualizado por editora el " in text
    assert "el informe 2024 imprimía En proceso" in text
    # and a question for culminated ones now includes it, saying it comes from the update
    done = ask(client, "¿Qué recomendaciones de la matriz del informe anual 2024 están culminadas?")
    assert set(numbers) <= {row[0] for row in done["table"]["rows"]}
    assert "actualizado por editora" in done["answer"]


def test_api_csv_and_briefs_agree_with_the_chat(client):
    mark_done(client)
    item = client.get(f"/api/recommendations/{KEY}").get_json()
    assert item["status"] == "ejecutado/culminado" and item["status_source"] == "actualizacion"
    assert item["status_text"].startswith("Ejecutado/Culminado, actualizado por editora el ")
    assert "el informe 2024 imprimía En proceso" in item["status_text"]

    rows = list(csv.DictReader(io.StringIO(client.get("/recomendaciones.csv").get_data(as_text=True)
                                           .lstrip("\ufeff"))))
    row = next(r for r in rows if r["id"] == KEY)
    assert row["estado"] == "Ejecutado/Culminado" and row["estado actual (de dónde viene)"] == item["status_text"]

    def pdf_text(query: str) -> str:
        r = client.get(f"/api/brief?{query}")
        assert r.status_code == 200, r.get_data(as_text=True)[:300]
        return " ".join(" ".join(p.extract_text() for p in PdfReader(io.BytesIO(r.data)).pages).split())

    matrix = pdf_text("tipo=recomendaciones&estado=culminado")
    assert "actualizado por editora" in matrix and "imprimía En proceso" in matrix
    report = pdf_text("tipo=informe&periodo=2024-S1")
    assert "actualizado por editora" in report
    answer = pdf_text("tipo=respuesta&pregunta=" + QUESTION)
    assert "Ya no figuran como en proceso" in answer


# ---- the resolver itself ------------------------------------------------------------------------------

def _item(printed: str | None, printed_date: str | None, update: dict | None) -> dict:
    events = [{"index_id": 1, "date": printed_date, "status": printed, "report": {"period": "2024"}}]
    return {"printed_status": printed, "printed_status_date": printed_date, "printed": events,
            "last_update": update, "index_ids": [1]}


UPD = {"status": "ejecutado/culminado", "date": "2025-06-01", "when": "2025-06-01 10:00", "user": "ana",
       "comment": "hecho"}


@pytest.mark.parametrize("printed, printed_date, update, source, status", [
    ("en proceso", "2025-04-01", UPD, UPDATE, "ejecutado/culminado"),  # update after the report
    ("en proceso", "2025-09-01", UPD, REPORT, "en proceso"),  # a newer report wins over the update
    (None, None, UPD, UPDATE, "ejecutado/culminado"),
    ("no iniciado", "2025-04-01", None, REPORT, "no iniciado"),
    (None, None, None, None, None),
])
def test_resolve_latest_of_printed_and_updates(printed, printed_date, update, source, status):
    current = resolve(_item(printed, printed_date, update))
    assert (current.source, current.status) == (source, status)


def test_describe_says_where_the_status_comes_from():
    current = resolve(_item("en proceso", "2025-04-01", UPD))
    assert current.describe() == "Ejecutado/Culminado, actualizado por ana el 01/06/2025; el informe 2024 imprimía En proceso"
    assert resolve(_item("en proceso", "2025-04-01", None)).describe() == "En proceso, según el informe 2024"
    assert "ningún informe" in CurrentStatus(None, None, None).describe()


def test_row_keeps_its_own_status_unless_superseded():
    """A report may print one row per unit with different statuses; each row keeps its own until an
    update or a later report supersedes it."""
    item = _item("en proceso", "2025-04-01", None)
    item["printed"].append({"index_id": 2, "date": "2025-04-01", "status": "ejecutado/culminado",
                            "report": {"period": "2024"}})
    item["index_ids"].append(2)
    statuses = CurrentStatuses([item])
    row = {"id": 2, "status": "Culminado", "period": "2024"}
    assert statuses.for_row(row).status == "ejecutado/culminado"
    item["last_update"] = UPD | {"status": "en proceso"}
    assert statuses.for_row(row).status == "en proceso" and statuses.for_row(row).from_update
