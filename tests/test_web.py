"""The web layer with Flask's test client: pages, the tracker API, sign-in, CSRF, cookies,
escaping and configuration."""

from __future__ import annotations

import csv
import io
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from assistant.tracker import db as tracker_db
from assistant.tracker.accounts import add_user
from assistant.web import create_app
from assistant.web.security import ConfigError

PASSWORD = "clave-de-prueba-1"
ROOT = Path(__file__).resolve().parents[1]
KEY = "informe-de-evaluacion-anual-2024-nueva-3"


@pytest.fixture(scope="module")
def accounts(tmp_path_factory) -> Path:
    """Accounts made once (hashing is slow on purpose); each test gets its own copy."""
    path = tmp_path_factory.mktemp("cuentas") / "editor.db"
    add_user(path, "editora", PASSWORD, "editor")
    add_user(path, "lectora", PASSWORD, "lector")
    tracker_db.close_all()
    return path


@pytest.fixture()
def updates(tmp_path, accounts) -> Path:
    path = tmp_path / "editor.db"
    shutil.copy(accounts, path)
    return path


@pytest.fixture()
def web(db_file, updates):
    return create_app({"PLANES_DB": str(db_file), "PLANES_UPDATES_DB": str(updates), "TESTING": True})


@pytest.fixture()
def client(web):
    return web.test_client()


def token(client) -> str:
    return client.get("/api/session").get_json()["csrf_token"]


def sign_in(client, name: str = "editora", password: str = PASSWORD):
    return client.post("/api/session", json={"username": name, "password": password},
                       headers={"X-CSRF-Token": token(client)})


def signed_in(client, name: str = "editora") -> str:
    r = sign_in(client, name)
    assert r.status_code == 200, r.get_json()
    return r.get_json()["csrf_token"]


def update(client, tok: str | None, status="en proceso", comment="Avance informado por la unidad.", key=KEY,
           idem: str | None = None):
    headers = {"X-CSRF-Token": tok} if tok else {}
    if idem:
        headers["Idempotency-Key"] = idem
    return client.post(f"/api/recommendations/{key}/status", json={"status": status, "comment": comment},
                       headers=headers)


def form_token(html: str) -> str:
    return re.search(r'name="csrf_token" value="([^"]+)"', html).group(1)


# ---- pages -----------------------------------------------------------------------------------------------

def page_paths(store) -> list[str]:
    file = store.documents()[0]["file"]
    return ["/", "/documentos", f"/documentos/{file}", "/recomendaciones", f"/recomendaciones/{KEY}",
            "/entrar",
            "/recomendaciones?estado=en+proceso&orden=vencimiento&sentido=desc"]


def test_pages_render_in_spanish_without_inline_script_or_style(client, store):
    for path in page_paths(store):
        r = client.get(path)
        assert r.status_code == 200, path
        html = r.get_data(as_text=True)
        assert '<html lang="es">' in html
        assert not re.search(r"<script(?![^>]*\bsrc=)", html), path
        assert not re.search(r"<style|\sstyle=|\son[a-z]+=", html, re.I), path
        assert "script-src 'self'" in r.headers["Content-Security-Policy"]
        assert r.headers["X-Content-Type-Options"] == "nosniff"


def test_chat_page_has_labelled_box_and_skip_link(client):
    html = client.get("/").get_data(as_text=True)
    assert '<label for="question">' in html and 'id="question"' in html
    assert 'class="skip" href="#main"' in html and 'aria-live="polite"' in html
    assert "chat.js" in html


def test_document_viewer_shows_clean_numbered_lines(client, store):
    file, n = next((d["file"], i) for d in store.documents()
                   for i, line in enumerate(store.lines(d["file"]), 1) if "<p>" in line or "<li>" in line)
    html = client.get(f"/documentos/{file}").get_data(as_text=True)
    line = re.search(rf'<li id="L{n}" value="{n}">(.*?)</li>', html, re.S).group(1)
    assert "&lt;p&gt;" not in line and "&lt;li&gt;" not in line and line.strip()
    assert html.count('<li id="L') == len(store.lines(file))
    assert "viewer.js" in html


def test_unknown_document_is_a_spanish_404_page(client):
    r = client.get("/documentos/no-existe.txt")
    assert r.status_code == 404 and "No se encontró" in r.get_data(as_text=True)


def test_user_text_is_escaped_in_pages(client):
    evil = '"><script>alert(1)</script>'
    html = client.get("/recomendaciones", query_string={"q": evil, "unidad": evil}).get_data(as_text=True)
    assert "<script>alert(1)" not in html and "&lt;script&gt;alert(1)" in html


def test_tracker_page_lists_filters_and_links_csv(client):
    html = client.get("/recomendaciones").get_data(as_text=True)
    assert html.count("<tr data-id=") == 25
    assert 'href="/recomendaciones.csv"' in html
    html = client.get("/recomendaciones?informe=2024&vencidas=1&orden=vencimiento").get_data(as_text=True)
    assert "recomendaciones.csv?" in html and "vencidas=1" in html
    assert 'aria-sort="ascending"' in html


# ---- API: reading ----------------------------------------------------------------------------------------

def test_api_list_and_filters(client):
    data = client.get("/api/recommendations").get_json()
    assert data["total"] == 25 and len(data["items"]) == 25
    first = data["items"][0]
    assert {"id", "report", "text", "responsible", "plazo_meses", "due_date", "overdue", "status",
            "last_update", "source", "url"} <= set(first)
    assert first["source"]["url"].startswith("/documentos/") and "#L" in first["source"]["url"]
    done = client.get("/api/recommendations?status=ejecutado/culminado").get_json()["items"]
    assert done and {i["status"] for i in done} == {"ejecutado/culminado"}
    same = client.get("/api/recommendations?estado=Culminado").get_json()["items"]
    assert [i["id"] for i in same] == [i["id"] for i in done]
    annual = client.get("/api/recommendations?report=2024").get_json()["items"]
    assert len(annual) == 12 and all(i["report"]["period"] == "2024" for i in annual)
    page = client.get("/api/recommendations?limit=5&offset=5").get_json()
    assert page["total"] == 25 and len(page["items"]) == 5
    assert client.get("/api/recommendations?q=botella").get_json()["total"] >= 1


@pytest.mark.parametrize("query, code", [
    ("estado=terminado", "filtro_invalido"), ("orden=color", "filtro_invalido"),
    ("limit=0", "filtro_invalido"), ("limit=abc", "filtro_invalido"), ("offset=-1", "filtro_invalido"),
])
def test_api_list_rejects_bad_filters_in_spanish(client, query, code):
    r = client.get(f"/api/recommendations?{query}")
    assert r.status_code == 400
    assert r.get_json()["error"]["code"] == code and r.get_json()["error"]["message"]


def test_api_detail_has_history_and_404(client):
    data = client.get("/api/recommendations/informe-de-evaluacion-semestral-2024-s1-nueva-2").get_json()
    kinds = [e["type"] for e in data["history"]]
    assert kinds[0] == "informe" and len(kinds) >= 3
    assert any(e["status"] == "en proceso" for e in data["history"])
    by_id = client.get(f"/api/recommendations/{data['index_ids'][0]}").get_json()
    assert by_id["id"] == data["id"]
    r = client.get("/api/recommendations/no-existe")
    assert r.status_code == 404 and r.get_json()["error"]["code"] == "recomendacion_no_encontrada"


# ---- API: updating -----------------------------------------------------------------------------------------

def test_update_refused_without_token_or_sign_in(client):
    r = update(client, None)
    assert r.status_code == 403 and r.get_json()["error"]["code"] == "csrf_invalido"
    r = update(client, token(client))
    assert r.status_code == 401 and r.get_json()["error"]["code"] == "no_autenticado"
    assert client.get(f"/api/recommendations/{KEY}").get_json()["updates_count"] == 0


def test_update_by_editor_is_appended_and_retries_apply_once(client):
    tok = signed_in(client)
    r = update(client, tok, idem="pedido-1")
    assert r.status_code == 201 and r.get_json()["replayed"] is False
    assert r.get_json()["recommendation"]["status"] == "en proceso"
    again = update(client, tok, idem="pedido-1")
    assert again.status_code == 200 and again.get_json()["replayed"] is True
    assert again.get_json()["update"]["id"] == r.get_json()["update"]["id"]
    conflict = update(client, tok, status="no iniciado", idem="pedido-1")
    assert conflict.status_code == 409
    update(client, tok, status="Ejecutado", comment="Lineamientos aprobados.")
    data = client.get(f"/api/recommendations/{KEY}").get_json()
    assert data["updates_count"] == 2 and data["status"] == "ejecutado/culminado"
    assert [e["user"] for e in data["history"] if e["type"] == "actualizacion"] == ["editora", "editora"]


@pytest.mark.parametrize("body, status, code", [
    ({"status": "terminado", "comment": "x"}, 422, "estado_invalido"),
    ({"status": "en proceso", "comment": ""}, 422, "comentario_requerido"),
    ({"status": "en proceso"}, 422, "comentario_requerido"),
    ({"status": 3, "comment": "x"}, 422, "estado_invalido"),
    ([], 400, "entrada_invalida"),
])
def test_update_validation_errors(client, body, status, code):
    tok = signed_in(client)
    r = client.post(f"/api/recommendations/{KEY}/status", json=body, headers={"X-CSRF-Token": tok})
    assert r.status_code == status and r.get_json()["error"]["code"] == code


def test_reader_account_cannot_update(client):
    tok = signed_in(client, "lectora")
    r = update(client, tok)
    assert r.status_code == 403 and r.get_json()["error"]["code"] == "sin_permiso"


def test_cross_origin_post_is_refused_even_with_a_token(client):
    tok = signed_in(client)
    r = client.post(f"/api/recommendations/{KEY}/status", json={"status": "en proceso", "comment": "x"},
                    headers={"X-CSRF-Token": tok, "Origin": "https://otro.example"})
    assert r.status_code == 403 and r.get_json()["error"]["code"] == "origen_no_permitido"
    r = client.post(f"/api/recommendations/{KEY}/status", json={"status": "en proceso", "comment": "x"},
                    headers={"X-CSRF-Token": tok, "Origin": "http://localhost"})
    assert r.status_code == 201


def test_token_rotates_at_sign_in_and_old_one_stops_working(client):
    before = token(client)
    after = signed_in(client)
    assert after != before
    assert update(client, before).status_code == 403
    assert update(client, after).status_code == 201


def test_sign_out_needs_the_token_and_ends_the_session(client):
    tok = signed_in(client)
    assert client.delete("/api/session").status_code == 403
    r = client.delete("/api/session", headers={"X-CSRF-Token": tok})
    assert r.get_json()["authenticated"] is False
    assert update(client, r.get_json()["csrf_token"]).status_code == 401


def test_ask_stays_open_without_a_token(client):
    r = client.post("/api/ask", json={"question": "¿cuál es el avance del OEI.05 en 2024?"})
    assert r.status_code == 200 and r.get_json()["answer"]


# ---- forms -----------------------------------------------------------------------------------------------

def test_form_sign_in_update_history_and_csv(client):
    html = client.get(f"/recomendaciones/{KEY}").get_data(as_text=True)
    assert 'id="update-form"' not in html and "inicie sesión" in html
    login = client.get(f"/entrar?siguiente=/recomendaciones/{KEY}").get_data(as_text=True)
    fields = {"usuario": "editora", "csrf_token": form_token(login), "siguiente": f"/recomendaciones/{KEY}"}
    r = client.post("/entrar", data={**fields, "contrasena": "mala-clave-xx"})
    assert r.status_code == 401 and "Usuario o contraseña incorrectos" in r.get_data(as_text=True)
    r = client.post("/entrar", data={**fields, "contrasena": PASSWORD})
    assert r.status_code == 303 and r.headers["Location"].endswith(f"/recomendaciones/{KEY}")
    html = client.get(f"/recomendaciones/{KEY}").get_data(as_text=True)
    assert 'id="update-form"' in html and "Sesión iniciada como editora" in html
    idem = re.search(r'name="idempotencia" value="([^"]+)"', html).group(1)
    data = {"csrf_token": form_token(html), "idempotencia": idem, "estado": "en proceso",
            "comentario": "Reunión de coordinación <b>realizada</b>."}
    r = client.post(f"/recomendaciones/{KEY}/estado", data=data)
    assert r.status_code == 303
    assert client.post(f"/recomendaciones/{KEY}/estado", data=data).status_code == 303  # double submit
    html = client.get(f"/recomendaciones/{KEY}").get_data(as_text=True)
    assert html.count("Reunión de coordinación &lt;b&gt;realizada&lt;/b&gt;.") == 1
    assert "actualización de <strong>editora</strong>" in html
    csv_text = client.get("/recomendaciones.csv").get_data(as_text=True)
    rows = {row[0]: row for row in csv.reader(io.StringIO(csv_text.lstrip("\ufeff")))}
    assert "Reunión de coordinación <b>realizada</b>." in rows[KEY] and "editora" in rows[KEY]


def test_form_errors_keep_the_typed_comment(client):
    signed_in(client)
    html = client.get(f"/recomendaciones/{KEY}").get_data(as_text=True)
    r = client.post(f"/recomendaciones/{KEY}/estado",
                    data={"csrf_token": form_token(html), "estado": "", "comentario": "Texto escrito"})
    assert r.status_code == 422
    page = r.get_data(as_text=True)
    assert "Estado no válido" in page and "Texto escrito" in page


def test_form_post_without_token_is_an_html_403(client):
    r = client.post(f"/recomendaciones/{KEY}/estado", data={"estado": "en proceso", "comentario": "x"},
                    headers={"Accept": "text/html"})
    assert r.status_code == 403 and "token CSRF" in r.get_data(as_text=True)
    assert r.mimetype == "text/html"


def test_form_update_without_sign_in_goes_to_sign_in(client):
    tok = token(client)
    r = client.post(f"/recomendaciones/{KEY}/estado", data={"csrf_token": tok, "estado": "en proceso",
                                                            "comentario": "x"})
    assert r.status_code == 303 and "/entrar" in r.headers["Location"]


def test_sign_in_redirect_stays_on_this_site(client):
    tok = token(client)
    for target in ("//malo.example/x", "https://malo.example", "/\\malo.example"):
        r = client.post("/entrar", data={"usuario": "editora", "contrasena": PASSWORD, "csrf_token": tok,
                                         "siguiente": target})
        assert r.status_code == 303 and r.headers["Location"] == "/recomendaciones"
        tok = token(client)


def test_csv_export_respects_filters_and_is_an_attachment(client):
    r = client.get("/recomendaciones.csv?informe=2024")
    assert r.mimetype == "text/csv" and "attachment" in r.headers["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(r.get_data(as_text=True).lstrip("\ufeff"))))
    assert len(rows) == 13 and all(row[2] == "2024" for row in rows[1:])


# ---- sign-in limit ---------------------------------------------------------------------------------------

def test_sign_in_is_rate_limited_across_app_instances(db_file, updates):
    config = {"PLANES_DB": str(db_file), "PLANES_UPDATES_DB": str(updates), "TESTING": True}
    workers = [create_app(config).test_client(), create_app(config).test_client()]
    for n in range(3):
        r = sign_in(workers[n % 2], password="mala-clave-00")
        assert r.status_code == 401 and r.get_json()["error"]["code"] == "credenciales_invalidas"
    r = sign_in(workers[1])  # the pair (account, address) now waits, whichever worker it reaches
    assert r.status_code == 429 and int(r.headers["Retry-After"]) > 0
    assert "Demasiados intentos" in r.get_json()["error"]["message"]
    login = workers[0].get("/entrar").get_data(as_text=True)
    r = workers[0].post("/entrar", data={"usuario": "editora", "contrasena": PASSWORD,
                                         "csrf_token": form_token(login)})
    assert r.status_code == 429 and "Demasiados intentos" in r.get_data(as_text=True)


# ---- configuration ---------------------------------------------------------------------------------

def test_session_cookie_flags_in_testing(client):
    r = sign_in(client)
    cookie = r.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie and "planes_sesion=" in cookie


def test_production_requires_a_secret_key_and_sets_secure_cookies(db_file, updates, monkeypatch):
    monkeypatch.setenv("PLANES_ENV", "production")
    monkeypatch.delenv("PLANES_SECRET_KEY", raising=False)
    monkeypatch.delenv("PLANES_COOKIE_SECURE", raising=False)
    config = {"PLANES_DB": str(db_file), "PLANES_UPDATES_DB": str(updates)}
    with pytest.raises(ConfigError, match="PLANES_SECRET_KEY"):
        create_app(config)
    monkeypatch.setenv("PLANES_SECRET_KEY", "corta")
    with pytest.raises(ConfigError):
        create_app(config)
    monkeypatch.setenv("PLANES_SECRET_KEY", "k" * 40)
    app = create_app(config)
    assert not app.debug
    client = app.test_client()
    client.environ_base["wsgi.url_scheme"] = "https"  # a Secure cookie only comes back over HTTPS
    r = sign_in(client)
    assert r.status_code == 200
    cookie = r.headers["Set-Cookie"]
    assert "Secure" in cookie and "HttpOnly" in cookie and "SameSite=Lax" in cookie


def test_development_is_the_default_environment(db_file, updates, monkeypatch):
    monkeypatch.delenv("PLANES_ENV", raising=False)
    monkeypatch.delenv("PLANES_SECRET_KEY", raising=False)
    app = create_app({"PLANES_DB": str(db_file), "PLANES_UPDATES_DB": str(updates)})
    assert len(app.config["SECRET_KEY"]) >= 32 and not app.debug


def test_development_key_is_shared_by_workers(db_file, updates, monkeypatch):
    monkeypatch.delenv("PLANES_SECRET_KEY", raising=False)
    monkeypatch.setenv("PLANES_ENV", "development")
    config = {"PLANES_DB": str(db_file), "PLANES_UPDATES_DB": str(updates)}
    first, second = create_app(config), create_app(config)
    assert first.config["SECRET_KEY"] == second.config["SECRET_KEY"] and len(first.config["SECRET_KEY"]) >= 32
    key_file = updates.with_name(".planes-clave-sesion")
    assert oct(key_file.stat().st_mode & 0o777) == "0o600"
    assert "Secure" not in sign_in(first.test_client()).headers["Set-Cookie"]


def test_private_reading_needs_sign_in(db_file, updates):
    app = create_app({"PLANES_DB": str(db_file), "PLANES_UPDATES_DB": str(updates), "TESTING": True,
                      "PLANES_PUBLIC_READ": False})
    client = app.test_client()
    r = client.get("/recomendaciones")
    assert r.status_code == 302 and "/entrar?siguiente=/recomendaciones" in r.headers["Location"]
    assert client.get("/api/recommendations").status_code == 401
    assert client.post("/api/ask", json={"question": "avance"}).status_code == 401
    assert client.get("/healthz").status_code == 200 and client.get("/entrar").status_code == 200
    signed_in(client, "lectora")
    assert client.get("/recomendaciones").status_code == 200
    assert client.get("/api/recommendations").status_code == 200


def test_public_read_flag_from_environment(db_file, updates, monkeypatch):
    monkeypatch.setenv("PLANES_PUBLIC_READ", "0")
    app = create_app({"PLANES_DB": str(db_file), "PLANES_UPDATES_DB": str(updates), "TESTING": True})
    assert app.test_client().get("/api/recommendations").status_code == 401


def test_no_database_connection_before_the_first_request(db_file, tmp_path):
    """gunicorn forks workers after loading the app: nothing may be open by then."""
    code = (
        "import sqlite3, sys\n"
        "opened = []\n"
        "real = sqlite3.connect\n"
        "sqlite3.connect = lambda *a, **k: opened.append(a) or real(*a, **k)\n"
        "import wsgi\n"
        "assert not opened, opened\n"
        "client = wsgi.app.test_client()\n"
        "assert client.get('/recomendaciones').status_code == 200\n"
        "assert opened\n"
    )
    env = {**os.environ, "PLANES_DB": str(db_file), "PLANES_UPDATES_DB": str(tmp_path / "e.db"),
           "PLANES_ENV": "development"}
    env.pop("PLANES_SECRET_KEY", None)
    r = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True,
                       timeout=60)
    assert r.returncode == 0, r.stderr


def test_users_command(tmp_path, monkeypatch, capsys):
    from assistant.cli import main

    path = tmp_path / "cuentas.db"
    monkeypatch.setattr(sys, "stdin", io.StringIO("clave-segura-99\n"))
    where = ["--updates-db", str(path)]
    assert main(["users", "add", "eva", "--role", "editor", "--password-stdin", *where]) == 0
    monkeypatch.setenv("PLANES_PASSWORD", "clave-segura-98")
    assert main(["users", "add", "leo", "--role", "lector", "--updates-db", str(path)]) == 0
    assert main(["users", "add", "eva", "--updates-db", str(path)]) == 1
    assert main(["users", "list", "--updates-db", str(path)]) == 0
    out = capsys.readouterr()
    assert "eva\teditor\tactivo" in out.out and "leo\tlector\tactivo" in out.out
    assert "Ya existe el usuario" in out.err
    assert main(["users", "disable", "leo", "--updates-db", str(path)]) == 0
    monkeypatch.delenv("PLANES_PASSWORD")
    monkeypatch.setattr(sys, "stdin", io.StringIO(""))
    assert main(["users", "add", "sin", "--updates-db", str(path)]) == 1  # no terminal, no password given


def test_readyz_checks_every_table(client, tmp_path):
    r = client.get("/readyz")
    assert r.status_code == 200 and r.get_json()["missing_tables"] == []
    import sqlite3

    from assistant.engine import Assistant

    broken = tmp_path / "roto.db"
    conn = sqlite3.connect(broken)
    conn.execute("create table documents (file text, kind text, plan text, period text, title text, date text, "
                 "line_count int)")
    conn.execute("insert into documents values ('a.txt', 'x', null, null, 'A', null, 1)")
    conn.commit()
    conn.close()
    info = Assistant(broken, tmp_path / "e.db").readiness()
    assert info["ready"] is False and "passages" in info["missing_tables"]


def test_flask_debug_does_not_relax_production(db_file, updates, monkeypatch):
    monkeypatch.setenv("PLANES_ENV", "production")
    monkeypatch.setenv("FLASK_DEBUG", "1")
    monkeypatch.delenv("PLANES_SECRET_KEY", raising=False)
    with pytest.raises(ConfigError):
        create_app({"PLANES_DB": str(db_file), "PLANES_UPDATES_DB": str(updates)})
