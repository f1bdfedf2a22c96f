"""The recommendation tracker without the web layer: items built from the index, due dates,
status updates (append-only, idempotent, concurrent), accounts and the sign-in limit, CSV safety,
and updates surviving a re-ingest."""

from __future__ import annotations

import contextlib
import csv
import io
import multiprocessing
import shutil
import sqlite3
import threading
from datetime import date
from pathlib import Path

import pytest

from assistant.errors import UserError
from assistant.tracker import db as tracker_db
from assistant.tracker import items as model
from assistant.tracker.accounts import (
    AccountError,
    TooManyAttempts,
    add_user,
    authenticate,
    get_user,
    set_active,
    set_password,
)
from assistant.tracker.export import safe_cell, to_csv
from assistant.tracker.updates import record_update
from knowledge.index import build_index
from knowledge.store import Store

TODAY = date(2025, 6, 15)
SEMESTRAL_NEW_1 = "informe-de-evaluacion-semestral-2024-s1-nueva-1"


@pytest.fixture()
def updates(tmp_path) -> Path:
    return tmp_path / "editor.db"


@pytest.fixture(scope="module")
def items(db_file) -> list[dict]:
    return model.load(Store(db_file), None, TODAY)


def by_key(items: list[dict], key: str) -> dict:
    found = model.find(items, key)
    assert found is not None, key
    return found


# ---- pure helpers -----------------------------------------------------------------------------------

@pytest.mark.parametrize("text, expected", [
    ("Abril 2025", date(2025, 4, 1)), ("Septiembre 2024", date(2024, 9, 1)),
    ("setiembre de 2024", date(2024, 9, 1)), ("Lima, diciembre del año 2023", date(2023, 12, 1)),
    ("2025-04", date(2025, 4, 1)), ("", None), (None, None), ("sin fecha", None),
])
def test_parse_report_date(text, expected):
    assert model.parse_report_date(text) == expected


@pytest.mark.parametrize("start, months, expected", [
    (date(2025, 4, 1), 3, date(2025, 7, 31)), (date(2024, 9, 1), 6, date(2025, 3, 31)),
    (date(2024, 9, 1), 12.0, date(2025, 9, 30)), (date(2024, 12, 1), 2, date(2025, 2, 28)),
    (date(2024, 9, 1), None, None), (None, 3, None),
])
def test_due_date_counts_whole_months_to_the_end_of_the_month(start, months, expected):
    assert model.due_date(start, months) == expected


@pytest.mark.parametrize("raw, expected", [
    ("Ejecutado", "ejecutado/culminado"), ("Culminado", "ejecutado/culminado"), ("En proceso", "en proceso"),
    ("NO INICIADO", "no iniciado"), ("Sin información", "sin información"),
    ("sin informacion", "sin información"),
    ("ejecutado/culminado", "ejecutado/culminado"), ("otra cosa", None), ("", None),
])
def test_normalise_status(raw, expected):
    assert model.normalise_status(raw) == expected


def test_combine_statuses_of_one_report():
    assert model.combine_statuses(["en proceso", "en proceso"]) == "en proceso"
    assert model.combine_statuses(["ejecutado/culminado", "sin información"]) == "ejecutado/culminado"
    mixed = ["ejecutado/culminado", "en proceso", "ejecutado/culminado"]
    assert model.combine_statuses(mixed) == "en proceso"
    assert model.combine_statuses([None, None]) is None


def test_fingerprint_ignores_case_accents_markup_and_spacing():
    assert model.fingerprint("Realizar  mejoras en la <b>programación</b>") == model.fingerprint(
        "realizar mejoras en la programacion")
    assert model.fingerprint("uno") != model.fingerprint("dos")


@pytest.mark.parametrize("value, expected", [
    ("=1+1", "'=1+1"), ("+51 999", "'+51 999"), ("-2", "'-2"), ("@SUM(A1)", "'@SUM(A1)"),
    ("\tx", "'\tx"), ("\rx", "'\rx"), ("  =cmd", "'  =cmd"), ("＝1", "'＝1"),
    ("normal", "normal"), ("a=b", "a=b"), (None, ""), (12, "12"),
])
def test_csv_cells_cannot_start_a_formula(value, expected):
    assert safe_cell(value) == expected


# ---- items from the real index -------------------------------------------------------------------------

def test_every_recommendation_is_an_item_or_in_an_items_history(items, store):
    total = store.rows("select count(*) as n from recommendations")[0]["n"]
    assert sum(len(i["index_ids"]) for i in items) == total
    keys = [i["key"] for i in items]
    assert len(keys) == len(set(keys))
    # 000 (first semester 2024): 6 followed-up + 7 new; 001 (year 2024): 12 new, its matrix rows are history.
    assert sum(1 for i in items if i["report"]["period"] == "2024-S1") == 13
    assert sum(1 for i in items if i["report"]["period"] == "2024" and i["list_kind"] == "nueva") == 12


def test_new_recommendation_carries_the_status_printed_by_the_next_report(items):
    item = by_key(items, "informe-de-evaluacion-semestral-2024-s1-nueva-2")
    assert "cuellos de botella" in item["text"]
    assert item["report"]["date"] == "Septiembre 2024"
    assert item["plazo_meses"] == 6
    assert item["due_date"] == "2025-03-31"
    reports = [e["report"]["period"] for e in item["printed"]]
    assert reports[0] == "2024-S1" and "2024" in reports[1:]
    later = [e for e in item["printed"] if e["report"]["period"] == "2024"]
    assert {e["status"] for e in later} == {"en proceso", "sin información"}
    assert item["status"] == "en proceso" and item["status_source"] == "informe"
    assert item["overdue"] is True  # 2025-03-31 passed on TODAY and not done


def test_followed_up_item_from_an_earlier_report(items):
    item = by_key(items, "informe-de-evaluacion-semestral-2024-s1-seguimiento-1")
    assert item["status"] == "ejecutado/culminado"
    assert item["printed"][0]["status_raw"] == "Ejecutado"
    assert item["overdue"] is False
    assert item["source"]["locator"].startswith("Tabla 39")
    assert 1670 <= item["source"]["line_start"] <= 1690


def test_new_recommendations_of_the_latest_report_have_no_status_yet(items):
    item = by_key(items, "informe-de-evaluacion-anual-2024-nueva-3")
    assert item["status"] is None and item["status_label"] == "Sin registrar"
    assert item["report"]["date"] == "Abril 2025" and item["plazo_meses"] == 12
    assert item["due_date"] == "2026-04-30" and item["overdue"] is False


def test_find_by_index_id_as_well_as_key(items):
    item = by_key(items, SEMESTRAL_NEW_1)
    assert model.find(items, str(item["index_ids"][-1])) is item
    assert model.find(items, "no-existe") is None


def test_filters_and_sort(items):
    assert {i["report"]["period"] for i in model.filter_items(items, report="2024")} == {"2024"}
    in_process = model.filter_items(items, status="En proceso")
    assert in_process and all(i["status"] == "en proceso" for i in in_process)
    unrecorded = model.filter_items(items, status="sin registrar")
    assert len(unrecorded) == 12
    ogpp = model.filter_items(items, unit="planeamiento y presupuesto")
    assert ogpp and all(any("Planeamiento" in u for u in i["responsible"]) for i in ogpp)
    assert all(i["overdue"] for i in model.filter_items(items, overdue=True))
    assert [i["key"] for i in model.filter_items(items, q="CUELLOS botella")]
    by_due = [i["due_date"] for i in model.sort_items(items, "vencimiento") if i["due_date"]]
    assert by_due == sorted(by_due)


def test_index_without_links_table_still_lists_items(tmp_path, db_file):
    copy = tmp_path / "sin-vinculos.db"
    shutil.copy(db_file, copy)
    with sqlite3.connect(copy) as conn:
        conn.execute("drop table recommendation_links")
    plain = model.load(Store(copy), None, TODAY)
    assert len(plain) == sum(len(i["index_ids"]) for i in plain)
    assert by_key(plain, "informe-de-evaluacion-anual-2024-seguimiento-1")["status"] == "en proceso"


# ---- updates --------------------------------------------------------------------------------------------

def test_updates_append_and_set_the_current_status(db_file, updates):
    store = Store(db_file)
    items = model.load(store, updates, TODAY)
    item = by_key(items, "informe-de-evaluacion-anual-2024-nueva-3")
    first, created = record_update(updates, item, "En proceso", "La unidad envió su plan de trabajo.", "ana")
    assert created and first["status"] == "en proceso"
    second, _ = record_update(updates, item, "ejecutado", "Lineamientos aprobados.", "beto")
    items = model.load(store, updates, TODAY)
    item = by_key(items, "informe-de-evaluacion-anual-2024-nueva-3")
    assert item["status"] == "ejecutado/culminado" and item["status_source"] == "actualizacion"
    assert item["updates_count"] == 2 and item["last_update"]["user"] == "beto"
    events = model.history(item, model.item_updates(item, items, updates))
    assert [e["type"] for e in events] == ["informe", "actualizacion", "actualizacion"]
    assert [e.get("user") for e in events[1:]] == ["ana", "beto"]
    assert events[1]["comment"] == "La unidad envió su plan de trabajo."


def test_update_validation(db_file, updates, items):
    item = items[0]
    with pytest.raises(UserError) as err:
        record_update(updates, item, "terminado", "x", "ana")
    assert err.value.code == "estado_invalido"
    with pytest.raises(UserError) as err:
        record_update(updates, item, "en proceso", "   ", "ana")
    assert err.value.code == "comentario_requerido"
    with pytest.raises(UserError):
        record_update(updates, item, "en proceso", "x" * 2001, "ana")
    with pytest.raises(UserError):
        record_update(updates, item, "en proceso", "ok", "ana", "clave con espacios")


def test_retried_update_applies_once_and_a_reused_key_is_refused(updates, items):
    item = items[0]
    a, created_a = record_update(updates, item, "en proceso", "Avance informado.", "ana", "reintento-1")
    b, created_b = record_update(updates, item, "en proceso", "Avance informado.", "ana", "reintento-1")
    assert created_a and not created_b and a["id"] == b["id"]
    with pytest.raises(UserError) as err:
        record_update(updates, item, "no iniciado", "Otra cosa.", "ana", "reintento-1")
    assert err.value.status == 409
    # Keys belong to a user: another editor's identical key is a different request.
    _, created_c = record_update(updates, item, "en proceso", "Avance informado.", "beto", "reintento-1")
    assert created_c
    n = tracker_db.connect(updates).execute("select count(*) from status_updates").fetchone()[0]
    assert n == 2


def _write_many(args: tuple[str, dict, int, int]) -> int:
    path, item, worker, count = args
    for n in range(count):
        record_update(Path(path), item, "en proceso", f"trabajador {worker} actualización {n}", f"u{worker}",
                      f"w{worker}-{n}")
        record_update(Path(path), item, "en proceso", f"trabajador {worker} actualización {n}", f"u{worker}",
                      f"w{worker}-{n}")  # a retry: must not add a row
    return count


def test_concurrent_writers_in_separate_processes_lose_and_duplicate_nothing(updates, items):
    item = items[1]
    tracker_db.connect(updates)  # create the schema first, then let the children race
    tracker_db.close_all()
    ctx = multiprocessing.get_context("fork")
    with ctx.Pool(6) as pool:
        done = sum(pool.map(_write_many, [(str(updates), item, w, 25) for w in range(6)]))
    rows = tracker_db.connect(updates).execute("select comment from status_updates").fetchall()
    comments = [r[0] for r in rows]
    assert done == 150 and len(comments) == 150 and len(set(comments)) == 150
    assert tracker_db.connect(updates).execute("pragma integrity_check").fetchone()[0] == "ok"
    assert tracker_db.connect(updates).execute("pragma journal_mode").fetchone()[0] == "wal"


def test_same_idempotency_key_from_many_threads_applies_once(updates, items):
    item = items[2]
    results: list[bool] = []

    def send():
        results.append(record_update(updates, item, "no iniciado", "Mismo pedido.", "ana", "carrera")[1])

    threads = [threading.Thread(target=send) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(results) == [False] * 7 + [True]


def test_an_update_wins_over_an_older_report_but_not_over_a_newer_one(items):
    item = dict(by_key(items, "informe-de-evaluacion-semestral-2024-s1-seguimiento-3"))
    item["last_update"] = {"date": "2025-01-10", "status": "ejecutado/culminado", "id": 1}
    model._current_status(item)
    assert item["status"] == "ejecutado/culminado" and item["status_source"] == "actualizacion"
    item["printed_status"], item["printed_status_date"] = "en proceso", "2025-04-01"  # a newer report
    model._current_status(item)
    assert item["status"] == "en proceso" and item["status_source"] == "informe"


# ---- updates survive a re-ingest -------------------------------------------------------------------------

def test_updates_survive_reingest_even_when_files_lines_and_ids_move(tmp_path, corpus, updates):
    work = tmp_path / "corpus"
    shutil.copytree(corpus, work)
    index = tmp_path / "planes.db"
    build_index(work, index)
    items = model.load(Store(index), updates, TODAY)
    target = by_key(items, "informe-de-evaluacion-anual-2024-nueva-5")
    record_update(updates, target, "en proceso", "Se inició el fortalecimiento del aplicativo.", "ana")
    before_ids = target["index_ids"]

    build_index(work, index)  # the same corpus again
    again = by_key(model.load(Store(index), updates, TODAY), "informe-de-evaluacion-anual-2024-nueva-5")
    assert again["status"] == "en proceso" and again["updates_count"] == 1

    # The annual report renamed so it sorts first (new autoincrement ids) and shifted by blank lines.
    annual = next(p for p in work.iterdir() if p.name.startswith("001_"))
    lines = annual.read_text(encoding="utf-8").split("\n")
    annual.unlink()
    shifted = lines[:40] + ["", "", ""] + lines[40:]
    (work / "0000_renombrado.txt").write_text("\n".join(shifted), encoding="utf-8")
    build_index(work, index)
    moved = model.load(Store(index), updates, TODAY)
    item = by_key(moved, "informe-de-evaluacion-anual-2024-nueva-5")
    assert item["index_ids"] != before_ids
    assert item["source"]["line_start"] == target["source"]["line_start"] + 3
    assert item["status"] == "en proceso" and item["status_source"] == "actualizacion"
    assert item["last_update"]["comment"] == "Se inició el fortalecimiento del aplicativo."
    assert sum(i["updates_count"] for i in moved) == 1


def test_update_follows_its_text_when_the_numbering_changes(items):
    item = by_key(items, SEMESTRAL_NEW_1)
    other = by_key(items, "informe-de-evaluacion-semestral-2024-s1-nueva-2")
    by_k, by_t = model._indexes(items)
    assert model.resolve(item["key"], item["text_key"], by_k, by_t) is item
    # Stored under the key that now names another recommendation, with this one's text: follows the text.
    assert model.resolve(other["key"], item["text_key"], by_k, by_t) is item
    # Text cleaned differently by a better extractor: the key still finds it.
    assert model.resolve(item["key"], "0" * 16, by_k, by_t) is item
    assert model.resolve("desconocida", "0" * 16, by_k, by_t) is None


def test_csv_export_has_every_item_and_escapes_formulas(db_file, updates):
    items = model.load(Store(db_file), updates, TODAY)
    record_update(updates, items[0], "en proceso", '=HYPERLINK("http://x","clic")', "ana")
    items = model.load(Store(db_file), updates, TODAY)
    text = to_csv(items)
    assert text.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(text[1:])))
    assert rows[0][0] == "id" and len(rows) == len(items) + 1
    first = dict(zip(rows[0], rows[1], strict=True))
    assert first["comentario"] == "'=HYPERLINK(\"http://x\",\"clic\")"
    assert first["estado"] == "En proceso" and first["actualizado por"] == "ana"
    assert not any(cell.startswith(("=", "+", "-", "@")) for row in rows for cell in row)


# ---- accounts --------------------------------------------------------------------------------------------

def test_accounts_hash_passwords_and_check_them(updates):
    add_user(updates, "ana", "clave-segura-1")
    stored = tracker_db.connect(updates).execute("select password_hash from users").fetchone()[0]
    assert "clave-segura-1" not in stored and stored.startswith(("scrypt:", "pbkdf2:"))
    assert authenticate(updates, "ana", "clave-segura-1", "c1").name == "ana"
    assert authenticate(updates, "ANA", "clave-segura-1", "c1").name == "ana"  # names ignore case
    assert authenticate(updates, "ana", "otra-clave-xx", "c1") is None
    assert authenticate(updates, "nadie", "clave-segura-1", "c1") is None
    with pytest.raises(AccountError):
        add_user(updates, "Ana", "clave-segura-2")
    with pytest.raises(AccountError):
        add_user(updates, "b", "clave-segura-2")
    with pytest.raises(AccountError):
        add_user(updates, "beto", "corta")
    with pytest.raises(AccountError):
        add_user(updates, "beto", "clave-segura-2", role="jefe")


def test_password_change_and_disable_end_sessions(updates):
    add_user(updates, "ana", "clave-segura-1")
    epoch = get_user(updates, "ana").session_epoch
    set_password(updates, "ana", "clave-segura-2")
    assert get_user(updates, "ana").session_epoch == epoch + 1
    assert authenticate(updates, "ana", "clave-segura-1", "c") is None
    assert authenticate(updates, "ana", "clave-segura-2", "c") is not None
    set_active(updates, "ana", False)
    assert authenticate(updates, "ana", "clave-segura-2", "c") is None
    assert not get_user(updates, "ana").can_edit


def test_sign_in_delays_grow_per_account_and_address_pair(updates):
    add_user(updates, "ana", "clave-segura-1")
    t = 1000.0
    for _ in range(3):  # the first failures are free
        assert authenticate(updates, "ana", "mala-clave-000", "10.0.0.1", now=t) is None
    waits = []
    for _ in range(4):  # then each failure doubles the wait before the next try
        with pytest.raises(TooManyAttempts) as err:
            authenticate(updates, "ana", "mala-clave-000", "10.0.0.1", now=t)
        waits.append(err.value.retry_after)
        t += err.value.retry_after
        assert authenticate(updates, "ana", "mala-clave-000", "10.0.0.1", now=t) is None
    assert waits == [1, 2, 4, 8]


def test_an_attacker_cannot_lock_the_owner_out(updates):
    add_user(updates, "ana", "clave-segura-1")
    t = 1000.0
    for n in range(40):  # the attacker, from one address, as fast as the throttle lets it
        with contextlib.suppress(TooManyAttempts):
            authenticate(updates, "ana", "mala-clave-000", "203.0.113.7", now=t + n)
    with pytest.raises(TooManyAttempts):
        authenticate(updates, "ana", "clave-segura-1", "203.0.113.7", now=t + 40)  # that pair waits
    assert authenticate(updates, "ana", "clave-segura-1", "10.0.0.2", now=t + 40) is not None  # the owner does not
    for n in range(25):  # and guessing at many accounts from one address never touches their owners
        with contextlib.suppress(TooManyAttempts):
            authenticate(updates, f"otro{n}", "mala-clave-000", "203.0.113.7", now=t + 41)
    assert authenticate(updates, "ana", "clave-segura-1", "10.0.0.2", now=t + 42) is not None


def test_success_clears_the_pair_failures(updates):
    add_user(updates, "ana", "clave-segura-1")
    for _ in range(2):
        authenticate(updates, "ana", "mala-clave-000", "c", now=10.0)
    assert authenticate(updates, "ana", "clave-segura-1", "c", now=10.0) is not None
    for _ in range(3):
        assert authenticate(updates, "ana", "mala-clave-000", "c", now=10.0) is None  # counter started again


def test_failures_are_forgotten_after_a_quiet_day(updates):
    add_user(updates, "ana", "clave-segura-1")
    for _ in range(3):
        authenticate(updates, "ana", "mala-clave-000", "c", now=10.0)
    with pytest.raises(TooManyAttempts):
        authenticate(updates, "ana", "mala-clave-000", "c", now=10.5)
    assert authenticate(updates, "ana", "mala-clave-000", "c", now=10.0 + 24 * 3600 + 1) is None


def test_sign_in_delay_holds_across_processes(updates):
    add_user(updates, "ana", "clave-segura-1")
    tracker_db.close_all()
    ctx = multiprocessing.get_context("fork")
    with ctx.Pool(4) as pool:
        outcomes = pool.map(_guess, [str(updates)] * 12)
    assert outcomes.count("refused") == 3 and outcomes.count("limited") == 9


def _guess(path: str) -> str:
    try:
        refused = authenticate(Path(path), "ana", "mala-clave-000", "c", now=5000.0) is None
        return "refused" if refused else "in"
    except TooManyAttempts:
        return "limited"

