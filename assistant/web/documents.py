"""The «Documentos» page's writes: an editor uploads a PDF, TXT or MD, sees what the service
identified and extracted, and confirms (or discards); earlier versions can be restored."""

from __future__ import annotations

import time
from pathlib import Path

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for

from knowledge.config import corpus_dir
from knowledge.uploads import MAX_BYTES

from .. import intake
from ..errors import UserError
from .security import current_user

documents = Blueprint("documents", __name__)


def _corpus() -> Path:
    return Path(current_app.config.get("PLANES_CORPUS") or corpus_dir())


def _db() -> Path:
    return Path(current_app.config["PLANES_DB"])


def _editor():
    user = current_user()
    if user is None:
        raise UserError("Debe iniciar sesión como editor para agregar documentos.", "no_autenticado", 401)
    if not user.can_edit:
        raise UserError("Su cuenta no tiene permiso para agregar documentos.", "sin_permiso", 403)
    return user


def listing(message: str | None = None, status: int = 200):
    store = current_app.extensions["assistant"].store
    return render_template("documents.html", documents=store.documents(), history=intake.history(_corpus()),
                           user=current_user(), error=message), status


def init_documents(app) -> None:
    """Register the blueprint; its upload may be 30 MB, so the body limit is raised for that one
    endpoint before any other hook (the CSRF check) reads the form."""
    app.register_blueprint(documents)
    app.before_request_funcs.setdefault(None, []).insert(0, _allow_large_upload)


def _allow_large_upload() -> None:
    if request.endpoint == "documents.upload":
        request.max_content_length = MAX_BYTES + 64 * 1024  # the file plus the form fields


@documents.post("/documentos/subir")
def upload():
    try:
        _editor()
        sent = request.files.get("archivo")
        if sent is None or not sent.filename:
            raise UserError("Elija un archivo PDF, TXT o MD.", "sin_archivo", 400)
        started = time.perf_counter()
        preview = intake.inspect(sent.filename, sent.read(MAX_BYTES + 1), _corpus(),
                                 current_app.extensions["assistant"].store)
        preview["seconds"] = round(time.perf_counter() - started, 2)
    except UserError as exc:
        return listing(exc.message, exc.status)
    return render_template("document_preview.html", p=preview)


@documents.post("/documentos/confirmar")
def confirm():
    try:
        user = _editor()
        token = request.form.get("carga", "")
        if request.form.get("accion") == "descartar":
            intake.discard(_corpus(), token)
            flash("Carga descartada; no se cambió nada.")
            return redirect(url_for("pages.documents"), 303)
        result = intake.confirm(_corpus(), _db(), token, user.name)
    except UserError as exc:
        return listing(exc.message, exc.status)
    flash(f"Documento agregado como {result['indexed_as']}; índice reconstruido en {result['seconds']} s.")
    return redirect(url_for("pages.documents"), 303)


@documents.post("/documentos/restaurar")
def restore():
    try:
        user = _editor()
        result = intake.restore(_corpus(), _db(), request.form.get("version", ""), user.name)
    except UserError as exc:
        return listing(exc.message, exc.status)
    flash(f"Versión restaurada ({result['file']}); índice reconstruido en {result['seconds']} s.")
    return redirect(url_for("pages.documents"), 303)
