"""GET /api/openapi.json: a hand-written OpenAPI 3.1 description of the JSON API.

tests/test_openapi.py keeps it honest: every path here must be a route of the app with these
methods, every /api route of the app must be here, and real responses must match the schemas.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, jsonify

openapi = Blueprint("openapi", __name__)


def ref(name: str) -> dict[str, str]:
    return {"$ref": f"#/components/schemas/{name}"}


def nullable(kind: str | list[str]) -> dict[str, Any]:
    kinds = [kind] if isinstance(kind, str) else kind
    return {"type": [*kinds, "null"]}


def obj(required: dict[str, Any], optional: dict[str, Any] | None = None) -> dict[str, Any]:
    return {"type": "object", "required": list(required), "properties": {**required, **(optional or {})}}


def json_response(description: str, schema: dict[str, Any], headers: dict | None = None) -> dict[str, Any]:
    out: dict[str, Any] = {"description": description, "content": {"application/json": {"schema": schema}}}
    if headers:
        out["headers"] = headers
    return out


def error(description: str) -> dict[str, Any]:
    return json_response(description, ref("Error"))


STR, INT, NUM, BOOL = {"type": "string"}, {"type": "integer"}, {"type": "number"}, {"type": "boolean"}
STR_LIST = {"type": "array", "items": STR}
CSRF = {"name": "X-CSRF-Token", "in": "header", "required": True, "schema": STR,
        "description": "El token de GET /api/session (la misma sesión)."}
KEY = {"name": "key", "in": "path", "required": True, "schema": STR,
       "description": "Identificador estable de la recomendación (o su id en el índice)."}
RETRY_AFTER = {"Retry-After": {"description": "Segundos de espera.", "schema": STR}}
COMMON_ERRORS = {"400": error("Entrada inválida."), "413": error("Solicitud demasiado grande.")}

SCHEMAS: dict[str, Any] = {
    "Error": obj({"error": obj({"code": STR, "message": STR})}),
    "Source": obj({"file": STR, "title": STR, "locator": STR, "excerpt": STR, "line_start": INT,
                   "line_end": INT}),
    "Answer": obj({
        "answer": STR, "found": BOOL, "intent": STR,
        "entities": {"type": "object"},
        "table": {"anyOf": [{"type": "null"}, obj({"columns": STR_LIST, "rows": {"type": "array", "items": {
            "type": "array"}}})]},
        "sources": {"type": "array", "items": ref("Source")},
        "suggestions": STR_LIST,
        "conversation_id": STR,
        "brief_url": nullable("string"),
    }),
    "SearchResult": obj({
        "file": STR, "title": STR, "locator": STR, "line_start": INT, "line_end": INT,
        "section": nullable("string"), "caption": nullable("string"), "snippet": STR, "text": STR,
        "score": NUM}),
    "SourceLink": obj({"file": STR, "line_start": nullable("integer"), "line_end": nullable("integer"),
                       "locator": nullable("string"), "url": STR}),
    "Report": obj({"kind": nullable("string"), "period": nullable("string"), "file": STR},
                  {"title": nullable("string"), "date": nullable("string"), "date_iso": nullable("string")}),
    "Update": obj({"type": {"enum": ["actualizacion"]}, "id": INT, "date": STR, "created_at": STR,
                   "user": STR, "status": STR, "status_label": STR, "comment": STR},
                  {"when": STR}),
    "ReportEvent": obj({"type": {"enum": ["informe"]}, "date": nullable("string"), "report": ref("Report"),
                        "source": ref("SourceLink"), "status": nullable("string"),
                        "status_label": nullable("string")},
                       {"list_kind": nullable("string"), "number": nullable("integer"),
                        "status_raw": nullable("string"), "comment": nullable("string"),
                        "accion_clave": nullable("string"), "responsible": nullable("array"),
                        "confidence": nullable("number")}),
    "Recommendation": obj({
        "id": STR, "url": STR, "report": ref("Report"), "list_kind": nullable("string"),
        "number": nullable("integer"), "text": STR, "status": nullable("string"),
        "status_label": nullable("string"), "status_source": nullable("string"),
        "status_text": STR, "overdue": nullable("boolean"), "updates_count": INT, "source": ref("SourceLink"),
        "last_update": {"anyOf": [{"type": "null"}, ref("Update")]},
    }, {
        "aspecto": nullable("string"), "accion_clave": nullable("string"), "responsible": nullable("array"),
        "plazo_meses": nullable("number"), "due_date": nullable("string"), "due_basis": nullable("string"),
        "status_date": nullable("string"),
    }),
    "RecommendationDetail": {"allOf": [ref("Recommendation"), obj({
        "history": {"type": "array", "items": {"oneOf": [ref("ReportEvent"), ref("Update")]}},
        "index_ids": {"type": "array", "items": INT},
    }, {"medio_verificacion": nullable("string")})]},
    "Session": obj({"authenticated": BOOL, "csrf_token": STR,
                    "user": {"anyOf": [{"type": "null"}, obj({"name": STR, "role": STR, "can_edit": BOOL})]}}),
}

PATHS: dict[str, Any] = {
    "/api/ask": {"post": {
        "summary": "Responder una pregunta en español, con cifras y fuentes citadas.",
        "requestBody": {"required": True, "content": {"application/json": {"schema": obj(
            {"question": {"type": "string", "minLength": 1, "maxLength": 2000}},
            {"conversation_id": {"type": ["string", "null"], "maxLength": 100}})}}},
        "responses": {"200": json_response("Respuesta.", ref("Answer")), **COMMON_ERRORS,
                      "429": {**error("Demasiadas preguntas desde esta dirección."), "headers": RETRY_AFTER}},
    }},
    "/api/search": {"get": {
        "summary": "Pasajes de los documentos ordenados por relevancia.",
        "parameters": [
            {"name": "q", "in": "query", "required": True, "schema": {"type": "string", "minLength": 1}},
            {"name": "limit", "in": "query", "schema": {"type": "integer", "minimum": 1, "maximum": 100}}],
        "responses": {"200": json_response("Pasajes.", obj({"query": STR, "results": {
            "type": "array", "items": ref("SearchResult")}})), **COMMON_ERRORS},
    }},
    "/api/brief": {"get": {
        "summary": "Un brief en PDF (objetivo o acción, informe, recomendaciones o respuesta).",
        "parameters": [
            {"name": "tipo", "in": "query", "required": True,
             "schema": {"enum": ["objetivo", "informe", "recomendaciones", "respuesta"]}},
            *({"name": n, "in": "query", "schema": {"type": "string", "maxLength": 200}}
              for n in ("codigo", "plan", "periodo", "estado", "unidad", "descarga")),
            {"name": "pregunta", "in": "query", "schema": {"type": "string", "maxLength": 2000}}],
        "responses": {
            "200": {"description": "El PDF.", "content": {"application/pdf": {
                "schema": {"type": "string", "contentMediaType": "application/pdf"}}}},
            **COMMON_ERRORS, "404": error("No hay datos para ese brief.")},
    }},
    "/api/recommendations": {"get": {
        "summary": "Recomendaciones de los informes con su estado actual.",
        "parameters": [{"name": n, "in": "query", "schema": STR}
                       for n in ("informe", "unidad", "estado", "vencidas", "q", "orden", "sentido")]
        + [{"name": "limit", "in": "query", "schema": {"type": "integer", "minimum": 1, "maximum": 1000}},
           {"name": "offset", "in": "query", "schema": {"type": "integer", "minimum": 0}}],
        "responses": {"200": json_response("Lista.", obj({
            "total": INT, "limit": INT, "offset": INT, "filters": {"type": "object"},
            "items": {"type": "array", "items": ref("Recommendation")}})), **COMMON_ERRORS},
    }},
    "/api/recommendations/{key}": {"get": {
        "summary": "Una recomendación con su historial (estados impresos y actualizaciones).",
        "parameters": [KEY],
        "responses": {"200": json_response("Detalle.", ref("RecommendationDetail")),
                      "404": error("No existe esa recomendación.")},
    }},
    "/api/recommendations/{key}/status": {"post": {
        "summary": "Registrar un nuevo estado (editores; se agrega al historial).",
        "parameters": [KEY, CSRF, {"name": "Idempotency-Key", "in": "header", "schema": {
            "type": "string", "pattern": "^[\\x21-\\x7e]{1,128}$"},
            "description": "Un reintento con la misma clave devuelve la actualización ya registrada."}],
        "requestBody": {"required": True, "content": {"application/json": {"schema": obj(
            {"status": {"enum": ["No iniciado", "En proceso", "Ejecutado/Culminado", "Sin información"]},
             "comment": {"type": "string", "minLength": 1, "maxLength": 2000}})}}},
        "responses": {
            "201": json_response("Registrada.", obj({"update": ref("Update"), "replayed": BOOL,
                                                     "recommendation": ref("Recommendation")})),
            "200": json_response("Reintento: la actualización ya estaba registrada.", obj({
                "update": ref("Update"), "replayed": BOOL, "recommendation": ref("Recommendation")})),
            "400": error("Entrada inválida."), "401": error("Debe iniciar sesión."),
            "403": error("Sin permiso o token CSRF inválido."), "404": error("No existe esa recomendación."),
            "409": error("Clave de idempotencia usada para otra actualización."),
            "422": error("Estado o comentario inválido.")},
    }},
    "/api/session": {
        "get": {"summary": "Quién inició sesión y el token CSRF.",
                "responses": {"200": json_response("Sesión.", ref("Session"))}},
        "post": {"summary": "Iniciar sesión (renueva el token CSRF).",
                 "parameters": [CSRF],
                 "requestBody": {"required": True, "content": {"application/json": {"schema": obj(
                     {"username": STR, "password": STR})}}},
                 "responses": {"200": json_response("Sesión iniciada.", ref("Session")),
                               "400": error("Entrada inválida."), "401": error("Credenciales incorrectas."),
                               "403": error("Token CSRF inválido."),
                               "429": {**error("Demasiados intentos fallidos."), "headers": RETRY_AFTER}}},
        "delete": {"summary": "Cerrar sesión.", "parameters": [CSRF],
                   "responses": {"200": json_response("Sesión cerrada.", ref("Session")),
                                 "403": error("Token CSRF inválido.")}},
    },
    "/api/openapi.json": {"get": {"summary": "Este documento.",
                                  "responses": {"200": json_response("OpenAPI 3.1.", {"type": "object"})}}},
    "/healthz": {"get": {"summary": "Vida del proceso (sin E/S).",
                         "responses": {"200": json_response("Vivo.", obj({"status": {"enum": ["ok"]}}))}}},
    "/readyz": {"get": {"summary": "Listo: el índice abre y tiene documentos.", "responses": {
        "200": json_response("Listo.", obj({"ready": BOOL, "documents": INT})),
        "503": json_response("No listo.", obj({"ready": BOOL, "documents": INT}))}}},
}

SPEC: dict[str, Any] = {
    "openapi": "3.1.0",
    "info": {"title": "Asistente de planes", "version": "1.0.0",
             "description": "Consultas sobre los planes y los informes de evaluación del MRE, con cifras "
                            "calculadas a la manera de CEPLAN y fuentes citadas. Los errores son JSON "
                            "{\"error\": {\"code\", \"message\"}} con mensaje en español."},
    "paths": PATHS,
    "components": {"schemas": SCHEMAS},
}


@openapi.get("/api/openapi.json")
def spec():
    return jsonify(SPEC)
