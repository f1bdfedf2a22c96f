"""Hostile input: generated requests (hypothesis) and a hand-written list of bad payloads against
every endpoint → never a 5xx; every /api answer is JSON (an error always {"error": {code, message}})
with a status the OpenAPI document lists.

PLANES_HOSTILE_EXAMPLES sets the examples per endpoint (default 300 here; `make fault` runs 10 000,
not derandomised). The fast suite is derandomised so CI always runs the same requests.
"""

from __future__ import annotations

import json
import os
import re
from urllib.parse import quote, urlencode

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from assistant.tracker import db as tracker_db
from assistant.tracker.accounts import add_user
from assistant.web import create_app
from assistant.web.openapi import SPEC

EXAMPLES = int(os.environ.get("PLANES_HOSTILE_EXAMPLES", "300"))
FULL = "PLANES_HOSTILE_EXAMPLES" in os.environ
PASSWORD = "clave-de-prueba-1"
SETTINGS = settings(max_examples=EXAMPLES, deadline=None, derandomize=not FULL, database=None,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
# Briefs render a PDF when the input is valid: fewer of them keep the fast suite fast.
BRIEF_SETTINGS = settings(SETTINGS, max_examples=EXAMPLES if FULL else max(50, EXAMPLES // 4))


@pytest.fixture(scope="module")
def web(db_file, tmp_path_factory):
    updates = tmp_path_factory.mktemp("hostil") / "editor.db"
    add_user(updates, "editora", PASSWORD, "editor")
    tracker_db.close_all()
    # No rate limit on questions here (a test of it is in test_ops.py); sign-in keeps its own.
    return create_app({"PLANES_DB": str(db_file), "PLANES_UPDATES_DB": str(updates), "TESTING": True,
                       "PLANES_ASK_RATE": "0"})


@pytest.fixture(scope="module")
def client(web):
    return web.test_client()


@pytest.fixture(scope="module")
def editor(web):
    """A signed-in editor client and its CSRF token."""
    c = web.test_client()
    token = c.get("/api/session").get_json()["csrf_token"]
    signed = c.post("/api/session", json={"username": "editora", "password": PASSWORD},
                    headers={"X-CSRF-Token": token})
    assert signed.status_code == 200
    return c, signed.get_json()["csrf_token"]


@pytest.fixture(scope="module")
def rec_key(client) -> str:
    return client.get("/api/recommendations?limit=1").get_json()["items"][0]["id"]


def spec_statuses(path: str, method: str) -> set[int]:
    return {int(s) for s in SPEC["paths"][path][method]["responses"]}


def assert_sane(response, path: str | None = None, method: str = "get") -> None:
    assert response.status_code < 500, (response.status_code, response.data[:300])
    if path is None or response.status_code == 308:  # werkzeug's redirect for a doubled slash in a path
        return
    if path in SPEC["paths"]:
        assert response.status_code in spec_statuses(path, method) | {405}, \
            f"{method.upper()} {path}: estado {response.status_code} no documentado"
    if response.status_code == 200 and response.mimetype == "application/pdf":
        return
    assert response.mimetype == "application/json", (response.status_code, response.mimetype)
    body = response.get_json()
    if response.status_code >= 400:
        assert isinstance(body["error"]["code"], str) and body["error"]["message"].strip()


# ---- generated requests -------------------------------------------------------------------------------

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=40),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=10), inner, max_size=4),
    max_leaves=12)
# Text officials might type plus what an attacker would: FTS/SQL syntax, markup, control characters.
nasty_words = st.sampled_from(['"', "'", "*", "(", ")", "NEAR(", "AND", "OR", "NOT", "^", ":", "--", ";",
                               "<script>", "</para>", "<img src='/etc/passwd'/>", "%", "\\", "\x00", "\u202e",
                               "OEI.05", "AEI.01.07", "2024", "avance", "¿", "ñ", "𝔘", "\r\n", "{}", "[]"])
questions = st.one_of(
    st.text(max_size=300),
    st.lists(nasty_words | st.text(max_size=8), max_size=30).map(" ".join),
    st.text(min_size=1900, max_size=2100),
)
bodies = st.one_of(
    st.fixed_dictionaries({"question": questions}, optional={"conversation_id": json_values | st.text(max_size=120)}),
    st.dictionaries(st.text(max_size=12), json_values, max_size=5),
    json_values,
)
raw_bytes = st.binary(max_size=300)


@SETTINGS
@given(body=bodies)
def test_generated_ask_json(client, body):
    assert_sane(client.post("/api/ask", json=body), "/api/ask", "post")


@SETTINGS
@given(data=raw_bytes, content_type=st.sampled_from(["application/json", "text/plain", "application/json; "
                                                     "charset=latin-1", "", "multipart/form-data"]))
def test_generated_ask_bytes(client, data, content_type):
    assert_sane(client.post("/api/ask", data=data, content_type=content_type), "/api/ask", "post")


@SETTINGS
@given(q=questions, limit=st.one_of(st.none(), st.text(max_size=6), st.integers(-10**6, 10**6).map(str)))
def test_generated_search(client, q, limit):
    params = {"q": q} if limit is None else {"q": q, "limit": limit}
    assert_sane(client.get("/api/search?" + urlencode(params)), "/api/search", "get")


recommendation_params = st.dictionaries(
    st.sampled_from(["informe", "report", "unidad", "unit", "estado", "status", "vencidas", "overdue", "q",
                     "orden", "sort", "sentido", "order", "limit", "offset", "otro"]),
    st.text(max_size=30) | st.integers(-10**9, 10**9).map(str), max_size=6)


@SETTINGS
@given(params=recommendation_params)
def test_generated_recommendation_list(client, params):
    assert_sane(client.get("/api/recommendations?" + urlencode(params)), "/api/recommendations", "get")


@SETTINGS
@given(key=st.text(min_size=1, max_size=200))
def test_generated_recommendation_detail(client, key):
    response = client.get("/api/recommendations/" + quote(key, safe=""))
    assert_sane(response, "/api/recommendations/{key}", "get")


@SETTINGS
@given(body=st.one_of(st.fixed_dictionaries({"status": json_values | st.sampled_from(
    ["En proceso", "No iniciado", "Ejecutado/Culminado", "Sin información", "ejecutado", "EN PROCESO"]),
    "comment": json_values | st.text(max_size=2100)}), json_values),
    key=st.none() | st.text(max_size=140), bad_token=st.booleans())
def test_generated_status_updates(editor, rec_key, body, key, bad_token):
    client, token = editor
    headers = {"X-CSRF-Token": "no-vale" if bad_token else token}
    if key is not None and not re.search(r"[\r\n\x00]", key):
        headers["Idempotency-Key"] = key.encode("utf-8").decode("latin-1")
    response = client.post(f"/api/recommendations/{rec_key}/status", json=body, headers=headers)
    assert_sane(response, "/api/recommendations/{key}/status", "post")


@SETTINGS
@given(body=st.one_of(st.fixed_dictionaries({"username": json_values, "password": json_values}), json_values))
def test_generated_sign_in(web, body):
    client = web.test_client()
    token = client.get("/api/session").get_json()["csrf_token"]
    response = client.post("/api/session", json=body, headers={"X-CSRF-Token": token})
    assert_sane(response, "/api/session", "post")
    assert response.status_code != 200  # nothing generated is the right password


@BRIEF_SETTINGS
@given(params=st.dictionaries(
    st.sampled_from(["tipo", "codigo", "plan", "periodo", "pregunta", "estado", "unidad", "descarga", "x"]),
    st.one_of(st.sampled_from(["objetivo", "informe", "recomendaciones", "respuesta", "OEI.05", "AEI.01.07",
                               "2024", "2024-S1", "PEI 2025-2030", "<b>x</b>", "<font size=90>X</font>"]),
              st.text(max_size=60)), max_size=5))
def test_generated_brief(client, params):
    assert_sane(client.get("/api/brief?" + urlencode(params)), "/api/brief", "get")


@SETTINGS
@given(path=st.text(max_size=80))
def test_generated_pages(client, path):
    for url in ("/documentos/" + quote(path), "/recomendaciones?" + urlencode({"q": path, "estado": path})):
        assert_sane(client.get(url))


# ---- hand-written bad payloads ------------------------------------------------------------------------

DEEP = "[" * 40_000
BAD_ASK_BODIES = [
    "", "{", "}", "[", "null", "true", "0", "-1", "1e999", "NaN", '"texto"', "[]", "{}", '{"question":}',
    '{"question": null}', '{"question": 12}', '{"question": true}', '{"question": []}', '{"question": {}}',
    '{"question": ""}', '{"question": "   "}', '{"question": "\\u0000"}', '{"question": "\\ud800"}',
    '{"question": "ok", "conversation_id": "\\udfff"}', '{"question": "ok", "conversation_id": 5}',
    '{"question": "ok", "conversation_id": {"a": 1}}', '{"question": "ok", "conversation_id": "' + "c" * 101 + '"}',
    '{"question": "' + "x" * 2001 + '"}', '{"question": "' + "ñ" * 2001 + '"}', DEEP, '{"a":' * 20_000,
    '{"question": "a", "question": "b"}', "\ufeff{\"question\": \"hola\"}", '{"question": "\\"\\"\\"*^:()"}',
    '{"question": "\' OR 1=1; DROP TABLE passages; --"}', '{"question": "NEAR(avance OEI) AND NOT *"}',
    '{"question": "<script>alert(1)</script>"}', '{"question": "\\u202eevil"}', '{"question": "' + "🙂" * 500 + '"}',
    '{"question": "OEI.' + "9" * 500 + '"}', '{"question": "año ' + "2024 " * 300 + '"}',
]


@pytest.mark.parametrize("raw", BAD_ASK_BODIES, ids=range(len(BAD_ASK_BODIES)))
def test_bad_ask_bodies(client, raw):
    assert_sane(client.post("/api/ask", data=raw.encode("utf-8", "surrogatepass"),
                            content_type="application/json"), "/api/ask", "post")


def test_bad_bytes_and_sizes(client):
    for data, ctype in ((b"\xff\xfe\x00", "application/json"), (b"\xc3\x28", "application/json"),
                        (b'{"question": "hola"}', "text/plain"), (b"question=hola", "application/x-www-form-urlencoded"),
                        (b"x" * (65 * 1024), "application/json"),
                        (json.dumps({"question": "a" * 70_000}).encode(), "application/json")):
        assert_sane(client.post("/api/ask", data=data, content_type=ctype), "/api/ask", "post")
    too_big = client.post("/api/ask", data=b"x" * (65 * 1024), content_type="application/json")
    assert too_big.status_code == 413
    long_question = client.post("/api/ask", json={"question": "x" * 2001})
    assert long_question.status_code == 413 and long_question.get_json()["error"]["code"] == "pregunta_muy_larga"


BAD_QUERIES = [
    ("/api/search", ""), ("/api/search", "q="), ("/api/search", "q=%00"), ("/api/search", "q=%ED%A0%80"),
    ("/api/search", "q=%22%22%22"), ("/api/search", "q=*"), ("/api/search", "q=NEAR(a%20b)"),
    ("/api/search", "q=a&limit=0"), ("/api/search", "q=a&limit=101"), ("/api/search", "q=a&limit=1e3"),
    ("/api/search", "q=a&limit=" + "9" * 100), ("/api/search", "q=a&limit=-1"), ("/api/search", "q=" + "a" * 10_001),
    ("/api/search", "q=a&q=b&limit=NaN"),
    ("/api/recommendations", "limit=0"), ("/api/recommendations", "limit=100000"),
    ("/api/recommendations", "offset=-1"), ("/api/recommendations", "offset=" + "9" * 40),
    ("/api/recommendations", "estado=%3Cscript%3E"), ("/api/recommendations", "orden=drop"),
    ("/api/recommendations", "vencidas=quizas&sentido=%00"), ("/api/recommendations", "q=%25%25%25&informe=%27"),
    ("/api/brief", ""), ("/api/brief", "tipo=%00"), ("/api/brief", "tipo=objetivo&codigo=%3Cimg%20src=x%3E"),
    ("/api/brief", "tipo=objetivo&codigo=OEI.05&plan=%27%22"), ("/api/brief", "tipo=informe&periodo=..%2F..%2F"),
    ("/api/brief", "tipo=respuesta&pregunta=" + "x" * 2001),
    ("/api/brief", "tipo=respuesta&pregunta=%3Cpara%3E%3Cfont%20size%3D99%3EX%3C%2Ffont%3E"),
    ("/api/brief", "tipo=recomendaciones&estado=%3Cb%3E&unidad=" + "u" * 201),
    ("/api/brief", "tipo=recomendaciones&descarga=%ff"),
]


@pytest.mark.parametrize("path,query", BAD_QUERIES, ids=range(len(BAD_QUERIES)))
def test_bad_queries(client, path, query):
    assert_sane(client.get(f"{path}?{query}"), path, "get")


BAD_PATHS = ["/api/recommendations/" + "x" * 5000, "/api/recommendations/..%2F..%2Fetc%2Fpasswd",
             "/api/recommendations/%00", "/api/recommendations/%F0%9F%99%82", "/documentos/..%2F..%2Fetc%2Fpasswd",
             "/documentos/%00", "/recomendaciones/%00", "/api/no-existe", "/api/ask/../search"]


@pytest.mark.parametrize("path", BAD_PATHS, ids=range(len(BAD_PATHS)))
def test_bad_paths(client, path):
    response = client.get(path)
    assert_sane(response)
    if path.startswith("/api/"):
        assert response.mimetype == "application/json"


@pytest.mark.parametrize("method", ["GET", "PUT", "PATCH", "DELETE"])
def test_wrong_methods_are_json_errors(client, method):
    response = client.open("/api/ask", method=method)
    # GET is refused by the route; the other methods change state, so the CSRF check refuses them first
    assert response.status_code == (405 if method == "GET" else 403) and response.mimetype == "application/json"


UPDATE_CASES = [
    ({"status": "En proceso", "comment": "x"}, {}),  # no token
    ({"status": "En proceso", "comment": "x"}, {"X-CSRF-Token": ""}),
    ({"status": "En proceso", "comment": "x"}, {"Origin": "https://atacante.example"}),
    ({"status": "En proceso", "comment": "x"}, {"Sec-Fetch-Site": "cross-site"}),
    ({"status": None, "comment": "x"}, None), ({"status": ["En proceso"], "comment": "x"}, None),
    ({"status": "Volando", "comment": "x"}, None), ({"status": "En proceso"}, None),
    ({"status": "En proceso", "comment": "\x00\x01\x02"}, None), ({"status": "En proceso", "comment": "x" * 2001}, None),
    ({"status": "En proceso", "comment": 5}, None), ("no es un objeto", None), ([1, 2], None),
    ({"status": "En proceso", "comment": "x"}, {"Idempotency-Key": "x" * 129}),
    ({"status": "En proceso", "comment": "x"}, {"Idempotency-Key": "con espacios"}),
    ({"status": "En proceso", "comment": "x"}, {"Idempotency-Key": "ñandú"}),
]


@pytest.mark.parametrize("body,headers", UPDATE_CASES, ids=range(len(UPDATE_CASES)))
def test_bad_status_updates(editor, rec_key, body, headers):
    client, token = editor
    if headers is None:
        sent = {"X-CSRF-Token": token}
    elif not headers or "X-CSRF-Token" in headers:
        sent = dict(headers)  # no token at all, or the one given
    else:
        sent = {"X-CSRF-Token": token, **headers}
    response = client.post(f"/api/recommendations/{rec_key}/status", json=body, headers=sent)
    assert_sane(response, "/api/recommendations/{key}/status", "post")
    assert response.status_code >= 400


def test_bad_sign_ins(web):
    client = web.test_client()
    token = client.get("/api/session").get_json()["csrf_token"]
    for body in ({"username": ["editora"], "password": PASSWORD}, {"username": "editora\x00", "password": PASSWORD},
                 {"username": "editora", "password": "x" * 60_000}, {"username": "' OR 1=1 --", "password": "x"},
                 {"username": "EDITORA ", "password": PASSWORD + " "}):
        response = client.post("/api/session", json=body, headers={"X-CSRF-Token": token})
        assert_sane(response, "/api/session", "post")
        assert response.status_code != 200


def test_hand_written_list_is_long_enough():
    total = (len(BAD_ASK_BODIES) + 6 + len(BAD_QUERIES) + len(BAD_PATHS) + 4 + len(UPDATE_CASES) + 5)
    assert total >= 60
