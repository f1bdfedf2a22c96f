"""JSON API: /api/ask, /api/search, health."""

from __future__ import annotations

from flask import Blueprint, current_app, jsonify, request

from ..errors import UserError

api = Blueprint("api", __name__)

MAX_QUESTION = 2000


def assistant():
    return current_app.extensions["assistant"]


@api.get("/healthz")
def healthz():
    return jsonify({"status": "ok"})


@api.get("/readyz")
def readyz():
    info = assistant().readiness()
    return jsonify(info), (200 if info["ready"] else 503)


@api.post("/api/ask")
def ask():
    body = request.get_json(silent=True)
    if not isinstance(body, dict):
        raise UserError("El cuerpo debe ser un objeto JSON con el campo «question».")
    question = body.get("question")
    conversation = body.get("conversation_id")
    if not isinstance(question, str) or not question.strip():
        raise UserError("Escriba una pregunta en el campo «question».")
    if len(question) > MAX_QUESTION:
        raise UserError(f"La pregunta es demasiado larga (máximo {MAX_QUESTION} caracteres).",
                        "pregunta_muy_larga", 413)
    if conversation is not None and (not isinstance(conversation, str) or len(conversation) > 100):
        raise UserError("«conversation_id» debe ser un texto corto o null.")
    return jsonify(assistant().ask(question, conversation))


@api.get("/api/search")
def search():
    q = request.args.get("q", "")
    if not q.strip():
        raise UserError("Indique el texto a buscar en el parámetro «q».")
    if len(q) > 10_000:
        raise UserError("El texto de búsqueda es demasiado largo (máximo 10 000 caracteres).", status=413)
    try:
        limit = int(request.args.get("limit", "10"))
    except ValueError:
        raise UserError("«limit» debe ser un número entero.") from None
    if not 1 <= limit <= 100:
        raise UserError("«limit» debe estar entre 1 y 100.")
    return jsonify({"query": q, "results": assistant().search(q, limit)})
