"""The OpenAPI document against the implementation: same routes and methods, and real responses
(success and error) that match the documented status codes and schemas."""

from __future__ import annotations

import json
import re

import pytest

from assistant.tracker import db as tracker_db
from assistant.tracker.accounts import add_user
from assistant.web import create_app
from assistant.web.openapi import SPEC
from tests.jsonschema_lite import validate

PASSWORD = "clave-de-prueba-1"
METHODS = {"get", "post", "put", "patch", "delete"}
OUTSIDE_API = {"/healthz", "/readyz"}


@pytest.fixture(scope="module")
def web(db_file, tmp_path_factory):
    updates = tmp_path_factory.mktemp("openapi") / "editor.db"
    add_user(updates, "editora", PASSWORD, "editor")
    tracker_db.close_all()
    return create_app({"PLANES_DB": str(db_file), "PLANES_UPDATES_DB": str(updates), "TESTING": True})


@pytest.fixture()
def client(web):
    return web.test_client()


def flask_rule(path: str) -> str:
    return re.sub(r"\{(\w+)\}", r"<\1>", path)


def documented_routes() -> set[tuple[str, str]]:
    return {(flask_rule(p), m.upper()) for p, ops in SPEC["paths"].items() for m in ops if m in METHODS}


def app_routes(app) -> set[tuple[str, str]]:
    out = set()
    for rule in app.url_map.iter_rules():
        if rule.rule.startswith("/api/") or rule.rule in OUTSIDE_API:
            out |= {(re.sub(r"<(?:\w+:)?(\w+)>", r"<\1>", rule.rule), m) for m in rule.methods - {"HEAD", "OPTIONS"}}
    return out


def test_document_is_served_and_is_openapi_3_1(client):
    response = client.get("/api/openapi.json")
    assert response.status_code == 200
    body = response.get_json()
    assert body["openapi"] == "3.1.0"
    assert body == json.loads(json.dumps(SPEC))


def test_every_documented_route_exists_with_its_methods(web):
    missing = documented_routes() - app_routes(web)
    assert not missing, f"en el documento pero no en la aplicación: {sorted(missing)}"


def test_every_api_route_is_documented(web):
    undocumented = app_routes(web) - documented_routes()
    assert not undocumented, f"rutas /api sin documentar: {sorted(undocumented)}"


def test_every_reference_resolves():
    refs = re.findall(r'"\$ref": "#/components/schemas/(\w+)"', json.dumps(SPEC))
    assert refs and set(refs) <= set(SPEC["components"]["schemas"])


def operation(path: str, method: str) -> dict:
    return SPEC["paths"][path][method]


def check(response, path: str, method: str) -> None:
    """The status must be documented for the operation, and a JSON body must match its schema."""
    responses = operation(path, method)["responses"]
    status = str(response.status_code)
    assert status in responses, f"{method.upper()} {path}: estado {status} no documentado"
    content = responses[status].get("content", {})
    if "application/json" in content:
        assert response.mimetype == "application/json"
        problems = validate(response.get_json(), content["application/json"]["schema"], SPEC)
        assert not problems, f"{method.upper()} {path} {status}: {problems[:5]}"
    else:
        assert response.mimetype in content, f"{method.upper()} {path}: tipo {response.mimetype}"


@pytest.mark.parametrize("question", [
    "¿Cuál es el avance del OEI.05 en 2024?",
    "¿Qué recomendaciones del informe anual 2024 están en proceso?",
    "¿Cuántas AEI tiene el PEI 2025-2030?",
    "¿Quién es el ministro de pesca de Marte?",
    "refugiados",
])
def test_ask_responses_match(client, question):
    check(client.post("/api/ask", json={"question": question}), "/api/ask", "post")


def test_ask_errors_match(client):
    for body in ({}, {"question": ""}, {"question": 5}, {"question": "x" * 2001},
                 {"question": "hola", "conversation_id": 7}, [1, 2]):
        check(client.post("/api/ask", json=body), "/api/ask", "post")
    check(client.post("/api/ask", data="x" * (70 * 1024), content_type="application/json"), "/api/ask", "post")


def test_search_responses_match(client):
    for query in ("q=refugiados&limit=3", "q=avance%20PEI", "q=", "q=hola&limit=0", "q=hola&limit=x"):
        check(client.get(f"/api/search?{query}"), "/api/search", "get")


def test_recommendation_responses_match(client):
    listing = client.get("/api/recommendations?limit=5")
    check(listing, "/api/recommendations", "get")
    check(client.get("/api/recommendations?estado=nada"), "/api/recommendations", "get")
    key = listing.get_json()["items"][0]["id"]
    check(client.get(f"/api/recommendations/{key}"), "/api/recommendations/{key}", "get")
    check(client.get("/api/recommendations/no-existe"), "/api/recommendations/{key}", "get")


def test_session_and_update_responses_match(client):
    path = "/api/recommendations/{key}/status"
    key = client.get("/api/recommendations?limit=1").get_json()["items"][0]["id"]
    url = f"/api/recommendations/{key}/status"
    session = client.get("/api/session")
    check(session, "/api/session", "get")
    token = session.get_json()["csrf_token"]
    check(client.post(url, json={"status": "En proceso", "comment": "x"}, headers={"X-CSRF-Token": token}),
          path, "post")  # 401: not signed in
    check(client.post("/api/session", json={"username": "editora", "password": "mala-clave"},
                      headers={"X-CSRF-Token": token}), "/api/session", "post")
    check(client.post("/api/session", json={"username": "editora"}, headers={"X-CSRF-Token": token}),
          "/api/session", "post")
    signed = client.post("/api/session", json={"username": "editora", "password": PASSWORD},
                         headers={"X-CSRF-Token": token})
    check(signed, "/api/session", "post")
    token = signed.get_json()["csrf_token"]
    headers = {"X-CSRF-Token": token, "Idempotency-Key": "openapi-1"}
    body = {"status": "En proceso", "comment": "revisado"}
    first = client.post(url, json=body, headers=headers)
    assert first.status_code == 201
    check(first, path, "post")
    check(client.post(url, json=body, headers=headers), path, "post")  # 200 replay
    check(client.post(url, json={**body, "comment": "otro"}, headers=headers), path, "post")  # 409
    check(client.post(url, json={"status": "Volando", "comment": "x"}, headers={"X-CSRF-Token": token}), path, "post")
    check(client.post(url, json=body, headers={"X-CSRF-Token": "falso"}), path, "post")  # 403
    check(client.post("/api/recommendations/no-existe/status", json=body, headers={"X-CSRF-Token": token}),
          path, "post")  # 404
    check(client.post(url, json=body, headers={"X-CSRF-Token": token, "Idempotency-Key": "con espacio"}),
          path, "post")  # 400
    detail = client.get(f"/api/recommendations/{key}")
    check(detail, "/api/recommendations/{key}", "get")
    assert any(e["type"] == "actualizacion" for e in detail.get_json()["history"])
    check(client.delete("/api/session", headers={"X-CSRF-Token": token}), "/api/session", "delete")
    check(client.delete("/api/session", headers={"X-CSRF-Token": "falso"}), "/api/session", "delete")


def test_brief_responses_match(client):
    pdf = client.get("/api/brief?tipo=recomendaciones")
    assert pdf.status_code == 200
    check(pdf, "/api/brief", "get")
    for query in ("", "tipo=otro", "tipo=objetivo", "tipo=objetivo&codigo=OEI.99", "tipo=informe&periodo=1999",
                  "tipo=respuesta", "tipo=objetivo&codigo=" + "x" * 300):
        check(client.get(f"/api/brief?{query}"), "/api/brief", "get")


def test_health_responses_match(client):
    check(client.get("/healthz"), "/healthz", "get")
    check(client.get("/readyz"), "/readyz", "get")
    check(client.get("/api/openapi.json"), "/api/openapi.json", "get")


def test_readyz_reports_503_without_an_index(tmp_path):
    app = create_app({"PLANES_DB": str(tmp_path / "no-existe.db"), "PLANES_UPDATES_DB": str(tmp_path / "e.db"),
                      "TESTING": True})
    response = app.test_client().get("/readyz")
    assert response.status_code == 503
    check(response, "/readyz", "get")
