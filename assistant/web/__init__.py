"""Flask app factory: the chat page, the JSON API, the document viewer and the recommendation tracker."""

from __future__ import annotations

import os
from pathlib import Path

from flask import Flask, jsonify, render_template, session
from werkzeug.exceptions import HTTPException

from knowledge.config import db_path, updates_db_path
from knowledge.store import IndexMissing

from ..engine import Assistant
from ..errors import UserError

MAX_BODY = 64 * 1024


def create_app(config: dict | None = None) -> Flask:
    app = Flask(__name__)
    secret = os.environ.get("PLANES_SECRET_KEY")
    app.config.update(
        PLANES_DB=str(db_path()),
        SECRET_KEY=secret,  # required outside development: see security.init_security
        MAX_CONTENT_LENGTH=MAX_BODY,
        JSON_AS_ASCII=False,
    )
    if config:
        app.config.update(config)
    app.config.setdefault("PLANES_UPDATES_DB", str(updates_db_path(Path(app.config["PLANES_DB"]))))
    app.json.ensure_ascii = False
    # Werkzeug would answer "//x" with a redirect to an absolute URL built from the Host header.
    app.url_map.merge_slashes = False
    app.extensions["assistant"] = Assistant(Path(app.config["PLANES_DB"]),
                                            Path(app.config["PLANES_UPDATES_DB"]))

    from .api import api
    from .auth import auth
    from .briefs import briefs
    from .documents import init_documents
    from .ops import init_ops
    from .pages import pages
    from .security import init_security, wants_json
    from .tracker import tracker

    init_security(app)
    init_ops(app)  # request ids, /api/ask rate limit, answer cache, OpenAPI
    app.register_blueprint(api)
    app.register_blueprint(pages)
    app.register_blueprint(auth)
    app.register_blueprint(tracker)
    app.register_blueprint(briefs)
    init_documents(app)

    @app.errorhandler(UserError)
    def user_error(exc: UserError):
        if wants_json():
            return error_response(exc.code, exc.message, exc.status)
        return render_template("error.html", message=exc.message, status=exc.status), exc.status

    @app.errorhandler(IndexMissing)
    def index_missing(exc: IndexMissing):
        return error_response("indice_no_disponible",
                              "El índice aún no está construido. Ejecute «planes ingest».", 503)

    @app.errorhandler(HTTPException)
    def http_error(exc: HTTPException):
        messages = {
            400: "Solicitud inválida.", 401: "Debe iniciar sesión.", 403: "No tiene permiso para esta acción.",
            404: "No se encontró el recurso solicitado.", 405: "Método no permitido.",
            413: "La solicitud es demasiado grande.", 429: "Demasiadas solicitudes; intente más tarde.",
        }
        message = messages.get(exc.code or 400, "Solicitud inválida.")
        if wants_json():
            return error_response(f"http_{exc.code}", message, exc.code or 400)
        return render_template("error.html", message=message, status=exc.code or 400), exc.code or 400

    @app.errorhandler(Exception)
    def unexpected(exc: Exception):
        app.logger.exception("error no controlado")
        return error_response("error_interno", "Ocurrió un error interno; el equipo fue notificado.", 500)

    @app.after_request
    def security_headers(response):
        response.headers.setdefault(
            "Content-Security-Policy",
            "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
            "object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'")
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("Referrer-Policy", "same-origin")
        response.headers.setdefault("X-Frame-Options", "DENY")
        if session.get("sid"):  # a signed-in user's pages never go into a shared cache
            response.headers.setdefault("Cache-Control", "no-store")
            response.vary.add("Cookie")
        return response

    return app


def error_response(code: str, message: str, status: int):
    return jsonify({"error": {"code": code, "message": message}}), status
