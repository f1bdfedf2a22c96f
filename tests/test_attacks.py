"""Hostile users: what a web service like this one is attacked with, one regression test per attack.

Open redirects through every ``siguiente``/``next`` parameter, CSRF, replayed cookies after sign-out
or after the account is disabled, rate limits against a spoofed X-Forwarded-For, markup in
questions and comments (HTML and PDF), path traversal in the document viewer, security headers on
every page, and owner-only files for every secret.
"""

from __future__ import annotations

import io
import os
import re
import shutil
import stat
from pathlib import Path
from urllib.parse import quote, unquote, urlsplit

import pytest
from pypdf import PdfReader

from assistant.tracker import db as tracker_db
from assistant.tracker.accounts import add_user, set_active, set_password
from assistant.web import create_app

PASSWORD = "clave-de-prueba-1"
KEY = "informe-de-evaluacion-anual-2024-nueva-3"
COOKIE = "planes_sesion"
EVIL = "evil.example"
# Each one leaves the site in some browser, or breaks the Location header, if passed through as is.
REDIRECTS = [f"//{EVIL}", f"///{EVIL}", f"/\\{EVIL}", f"\\\\{EVIL}", f"/\t/{EVIL}", f"/\n/{EVIL}",
             "/\r\nSet-Cookie: x=1", f"https://{EVIL}/", f"http:{EVIL}", f"HTTPS://{EVIL}",
             "javascript:alert(1)", f" //{EVIL}", f"/%2F{EVIL}", f"/%5C{EVIL}", f"/%09/{EVIL}",
             "/%0D%0ASet-Cookie:x=1", "data:text/html,<script>alert(1)</script>", f"//{EVIL}@x"]
# The same payloads as they arrive percent-encoded in a query string.
RAW_QUERIES = [f"/%09/{EVIL}", "/%0D%0ASet-Cookie:%20x=1", f"%2F%2F{EVIL}", f"/%5C{EVIL}", f"//{EVIL}",
               f"https:%2F%2F{EVIL}", f"/%E3%80%80/{EVIL}"]


@pytest.fixture(scope="module")
def accounts(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("ataques") / "editor.db"
    add_user(path, "editora", PASSWORD, "editor")
    add_user(path, "segunda", PASSWORD, "editor")
    tracker_db.close_all()
    return path


@pytest.fixture()
def updates(tmp_path, accounts) -> Path:
    path = tmp_path / "editor.db"
    shutil.copy(accounts, path)
    return path


def make_app(db_file: Path, updates: Path, **config):
    return create_app({"PLANES_DB": str(db_file), "PLANES_UPDATES_DB": str(updates), "TESTING": True,
                       "PLANES_ASK_RATE": "0", **config})


@pytest.fixture()
def web(db_file, updates):
    return make_app(db_file, updates)


def token(client) -> str:
    return client.get("/api/session").get_json()["csrf_token"]


def sign_in(client, name: str = "editora") -> str:
    r = client.post("/api/session", json={"username": name, "password": PASSWORD},
                    headers={"X-CSRF-Token": token(client)})
    assert r.status_code == 200, r.get_json()
    return r.get_json()["csrf_token"]


def form_token(html: str) -> str:
    return re.search(r'name="csrf_token" value="([^"]+)"', html).group(1)


def update(client, tok: str | None, comment: str = "Avance informado.", headers: dict | None = None):
    sent = {"X-CSRF-Token": tok} if tok else {}
    return client.post(f"/api/recommendations/{KEY}/status", json={"status": "en proceso", "comment": comment},
                       headers={**sent, **(headers or {})})


def assert_local(location: str) -> None:
    """A path on this site however a browser reads it (a path named like a host is still a path)."""
    assert location.startswith("/") and not location.startswith(("//", "/\\")), location
    assert all(0x20 < ord(c) < 0x7F for c in location), location  # nothing a browser would drop or decode
    parts = urlsplit(location)
    assert not parts.scheme and not parts.netloc and not unquote(parts.path).startswith("//"), location


# ---- open redirects ----------------------------------------------------------------------------------------

@pytest.mark.parametrize("param", ["siguiente", "next"])
@pytest.mark.parametrize("target", REDIRECTS)
def test_sign_in_never_redirects_off_the_site(web, param, target):
    client = web.test_client()
    page = client.get("/entrar", query_string={param: target})
    assert page.status_code == 200
    hidden = re.search(r'name="siguiente" value="([^"]*)"', page.get_data(as_text=True)).group(1)
    assert hidden == "" or assert_local(hidden) is None
    r = client.post("/entrar", data={"usuario": "editora", "contrasena": PASSWORD, param: target,
                                     "csrf_token": form_token(page.get_data(as_text=True))})
    assert r.status_code == 303
    assert_local(r.headers["Location"])


@pytest.mark.parametrize("raw", RAW_QUERIES)
def test_percent_encoded_targets_after_a_genuine_sign_in(web, raw):
    client = web.test_client()
    page = client.get(f"/entrar?siguiente={raw}")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    target = re.search(r'name="siguiente" value="([^"]*)"', html).group(1)
    r = client.post("/entrar", data={"usuario": "editora", "contrasena": PASSWORD, "siguiente": target,
                                     "csrf_token": form_token(html)})
    assert r.status_code == 303  # never a 500 after the user is signed in
    assert_local(r.headers["Location"])


def test_a_local_target_is_kept(web):
    client = web.test_client()
    page = client.get("/entrar?siguiente=/recomendaciones?estado=en%20proceso").get_data(as_text=True)
    r = client.post("/entrar", data={"usuario": "editora", "contrasena": PASSWORD, "csrf_token": form_token(page),
                                     "siguiente": "/recomendaciones?estado=en proceso"})
    assert r.headers["Location"] == "/recomendaciones?estado=en%20proceso"


@pytest.mark.parametrize("path", [f"//{EVIL}", f"/%2F{EVIL}", f"/%09/{EVIL}", "/recomendaciones"])
def test_private_reading_sends_to_sign_in_without_leaving(db_file, updates, path):
    client = make_app(db_file, updates, PLANES_PUBLIC_READ=False).test_client()
    r = client.get(path)
    if r.status_code in (301, 302, 303, 307, 308):
        assert_local(r.headers["Location"])
        follow = client.get(r.headers["Location"])
        assert follow.status_code == 200
        hidden = re.search(r'name="siguiente" value="([^"]*)"', follow.get_data(as_text=True)).group(1)
        assert hidden == "" or assert_local(hidden) is None
    else:
        assert r.status_code == 404


# ---- CSRF ----------------------------------------------------------------------------------------------------

def test_state_changes_need_this_sessions_token(web):
    victim, attacker = web.test_client(), web.test_client()
    victim_token = sign_in(victim)
    attacker_token = sign_in(attacker, "segunda")
    assert update(victim, None).status_code == 403
    assert update(victim, attacker_token).status_code == 403  # a valid token, of another session
    assert update(victim, "x" * 43).status_code == 403
    form = victim.post(f"/recomendaciones/{KEY}/estado", data={"estado": "en proceso", "comentario": "x",
                                                             "csrf_token": attacker_token})
    assert form.status_code == 403
    assert victim.delete("/api/session", headers={"X-CSRF-Token": attacker_token}).status_code == 403
    assert victim.get("/api/session").get_json()["authenticated"] is True  # the forged sign-out did nothing
    assert update(victim, victim_token).status_code == 201


@pytest.mark.parametrize("headers", [{"Origin": f"https://{EVIL}"}, {"Origin": "null"},
                                     {"Origin": "http://localhost.evil.example"},
                                     {"Sec-Fetch-Site": "cross-site"}])
def test_foreign_origin_is_refused_even_with_the_right_token(web, headers):
    client = web.test_client()
    tok = sign_in(client)
    r = update(client, tok, headers=headers)
    assert r.status_code == 403 and r.get_json()["error"]["code"] == "origen_no_permitido"
    login = client.post("/api/session", json={"username": "editora", "password": PASSWORD},
                        headers={"X-CSRF-Token": tok, **headers})
    assert login.status_code == 403


# ---- sessions that end ------------------------------------------------------------------------------------

def _cookie(client) -> str:
    return client.get_cookie(COOKIE).value


def _replay(web, cookie: str):
    thief = web.test_client()
    thief.set_cookie(COOKIE, cookie)
    return thief


def test_a_signed_out_cookie_is_worthless(web):
    client = web.test_client()
    tok = sign_in(client)
    old = _cookie(client)
    assert client.delete("/api/session", headers={"X-CSRF-Token": tok}).status_code == 200
    thief = _replay(web, old)
    assert thief.get("/api/session").get_json()["authenticated"] is False
    r = update(thief, tok)
    assert r.status_code == 401 and r.get_json()["error"]["code"] == "no_autenticado"


def test_a_form_sign_out_ends_the_session_too(web):
    client = web.test_client()
    sign_in(client)
    old = _cookie(client)
    page = client.get("/recomendaciones").get_data(as_text=True)
    assert client.post("/salir", data={"csrf_token": form_token(page)}).status_code == 303
    thief = _replay(web, old)
    tok = thief.get("/api/session").get_json()["csrf_token"]
    assert update(thief, tok).status_code == 401


@pytest.mark.parametrize("change", ["disable", "password"])
def test_disabling_or_a_new_password_ends_open_sessions(web, updates, change):
    client = web.test_client()
    tok = sign_in(client)
    old = _cookie(client)
    if change == "disable":
        set_active(updates, "editora", False)
    else:
        set_password(updates, "editora", "otra-clave-9999")
    thief = _replay(web, old)
    assert thief.get("/api/session").get_json()["authenticated"] is False
    assert update(thief, tok).status_code == 401
    if change == "disable":
        set_active(updates, "editora", True)  # enabling again does not revive the old session
        assert _replay(web, old).get("/api/session").get_json()["authenticated"] is False


def test_a_forged_session_id_is_refused(web):
    client = web.test_client()
    sign_in(client)
    with client.session_transaction() as s:
        s["sid"] = "inventado-" + "x" * 30
    assert client.get("/api/session").get_json()["authenticated"] is False


# ---- rate limits and the client address -----------------------------------------------------------------

def test_spoofed_forwarded_for_does_not_escape_the_question_limit(db_file, updates):
    client = make_app(db_file, updates, PLANES_ASK_RATE="3/3600").test_client()
    statuses = [client.post("/api/ask", json={"question": "hola"},
                            headers={"X-Forwarded-For": f"10.9.0.{n}", "X-Real-IP": f"10.8.0.{n}",
                                     "Forwarded": f"for=10.7.0.{n}"}).status_code for n in range(5)]
    assert statuses == [200, 200, 200, 429, 429]


def test_spoofed_forwarded_for_does_not_escape_the_sign_in_delay(web):
    client = web.test_client()
    codes = []
    for n in range(6):
        r = client.post("/api/session", json={"username": "editora", "password": "mala-clave-000"},
                        headers={"X-CSRF-Token": token(client), "X-Forwarded-For": f"10.9.1.{n}"})
        codes.append(r.status_code)
    assert codes[:3] == [401, 401, 401] and 429 in codes[3:]


def test_behind_a_trusted_proxy_the_proxys_hop_is_the_address(db_file, updates):
    client = make_app(db_file, updates, PLANES_ASK_RATE="2/3600", PLANES_PROXY_HOPS=1).test_client()
    # The client wrote the first entry itself; the proxy appended the address it saw.
    statuses = [client.post("/api/ask", json={"question": "hola"},
                            headers={"X-Forwarded-For": f"10.9.2.{n}, 198.51.100.4"}).status_code
                for n in range(3)]
    assert statuses == [200, 200, 429]


# ---- markup shown as text ------------------------------------------------------------------------------------

MARKUP = '<script>alert("x")</script><b>negrita</b><img src=x onerror=alert(1)> & <a href="http://evil.example">l</a>'


def _pdf_text(data: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


def test_markup_in_a_comment_is_text_in_html_csv_and_pdf(web):
    client = web.test_client()
    tok = sign_in(client)
    assert update(client, tok, comment=MARKUP).status_code == 201
    html = client.get(f"/recomendaciones/{KEY}").get_data(as_text=True)
    assert "&lt;script&gt;" in html and "<script>alert" not in html and "<b>negrita" not in html
    assert "<img src=x" not in html
    pdf = client.get("/api/brief?tipo=recomendaciones")
    assert pdf.status_code == 200 and pdf.mimetype == "application/pdf"
    text = _pdf_text(pdf.data)
    assert "<b>negrita</b>" in text.replace("\n", "")
    assert b"/URI" not in pdf.data  # no link made from the comment


def test_markup_in_a_question_is_text_in_the_pdf_and_the_json(web):
    client = web.test_client()
    question = "¿Cuál es el avance del OEI.05? " + MARKUP
    body = client.post("/api/ask", json={"question": question}).get_json()
    assert "<script>" not in body["answer"]
    pdf = client.get("/api/brief?tipo=respuesta&pregunta=" + quote(question))
    assert pdf.status_code == 200
    text = _pdf_text(pdf.data).replace("\n", "")
    assert '<script>alert("x")</script>' in text and "<b>negrita</b>" in text
    assert b"/URI" not in pdf.data


def test_the_chat_page_renders_answers_as_text():
    static = Path(__file__).resolve().parents[1] / "assistant" / "web" / "static"
    for script in static.glob("*.js"):
        code = script.read_text(encoding="utf-8")
        assert not re.search(r"\.(innerHTML|outerHTML)\s*\+?=|insertAdjacentHTML|document\.write|eval\(", code), script


# ---- path traversal ---------------------------------------------------------------------------------------------

TRAVERSALS = ["../../../../etc/passwd", "..%2F..%2F..%2Fetc%2Fpasswd", "%2e%2e/%2e%2e/%2e%2e/etc/passwd",
              "%252e%252e%252fetc%252fpasswd", "....//....//etc/passwd", "..\\..\\..\\etc\\passwd",
              "..%5c..%5cetc%5cpasswd", "/etc/passwd", "%2Fetc%2Fpasswd", "../var/planes.db",
              "../../shared/eval/grade.py", "../pyproject.toml", "000_12d072143d9db225.txt/../../../etc/passwd",
              "000_12d072143d9db225.txt%00.html", "..%c0%af..%c0%afetc/passwd", "~/.bashrc", "."]


@pytest.mark.parametrize("path", TRAVERSALS)
def test_document_viewer_serves_only_indexed_documents(web, path):
    client = web.test_client()
    r = client.get("/documentos/" + path)
    if r.status_code == 308:  # "//" merged into one slash: still a path here, and still not found
        assert_local(r.headers["Location"])
        r = client.get(r.headers["Location"])
    assert r.status_code in (400, 404), (path, r.status_code)
    body = r.get_data(as_text=True)
    assert "root:" not in body and "[project]" not in body and "import " not in body


# ---- security headers --------------------------------------------------------------------------------------------

def test_security_headers_on_every_response(web, store):
    client = web.test_client()
    tok = sign_in(client)
    file = store.documents()[0]["file"]
    responses = [client.get(p) for p in ("/", "/documentos", f"/documentos/{file}", "/recomendaciones",
                                         f"/recomendaciones/{KEY}", "/recomendaciones.csv", "/entrar",
                                         "/no-existe", "/documentos/no-existe.txt", "/static/style.css",
                                         "/static/chat.js", "/healthz", "/api/session", "/api/openapi.json",
                                         "/api/brief?tipo=informe", "/api/brief?tipo=nada")]
    responses += [client.post("/api/ask", json={"question": "hola"}), client.post("/api/ask", data="{"),
                  update(client, None), update(client, tok, headers={"Origin": f"https://{EVIL}"})]
    for r in responses:
        csp = r.headers.get("Content-Security-Policy", "")
        assert "frame-ancestors 'none'" in csp and "default-src 'self'" in csp, r.request.path
        assert "unsafe-inline" not in csp and "unsafe-eval" not in csp
        assert r.headers.get("X-Content-Type-Options") == "nosniff", r.request.path
        assert r.headers.get("X-Frame-Options") == "DENY"
        assert r.headers.get("Referrer-Policy")


def test_signed_in_pages_are_not_cached(web):
    client = web.test_client()
    sign_in(client)
    for path in (f"/recomendaciones/{KEY}", "/api/session"):
        assert "no-store" in client.get(path).headers.get("Cache-Control", ""), path


# ---- owner-only secrets ------------------------------------------------------------------------------------

def test_every_file_holding_secrets_is_owner_only(db_file, tmp_path, monkeypatch):
    monkeypatch.setenv("PLANES_ENV", "development")
    monkeypatch.delenv("PLANES_SECRET_KEY", raising=False)
    old = os.umask(0o022)  # the usual umask: files would be 0644 unless created private
    try:
        folder = tmp_path / "var"
        updates = folder / "planes-editor.db"
        add_user(updates, "editora", PASSWORD, "editor")
        app = create_app({"PLANES_DB": str(db_file), "PLANES_UPDATES_DB": str(updates)})
        client = app.test_client()
        sign_in(client)
        client.post("/api/ask", json={"question": "¿cuál es el avance del OEI.05?"})
        tracker_db.close_all()
    finally:
        os.umask(old)
    files = sorted(p for p in folder.iterdir() if p.is_file())
    names = {p.name for p in files}
    assert {"planes-editor.db", ".planes-clave-sesion", ".planes-conversaciones.db", ".planes-limites"} <= names
    loose = {p.name: oct(stat.S_IMODE(p.stat().st_mode)) for p in files if p.stat().st_mode & 0o077}
    assert loose == {}


def test_an_old_world_readable_editor_database_is_narrowed(tmp_path):
    updates = tmp_path / "editor.db"
    add_user(updates, "editora", PASSWORD, "editor")
    tracker_db.close_all()
    os.chmod(updates, 0o644)
    add_user(updates, "otra", PASSWORD, "editor")
    assert stat.S_IMODE(updates.stat().st_mode) == 0o600
