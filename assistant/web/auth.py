"""Sign-in and sign-out: the form pages and the JSON session API."""

from __future__ import annotations

from pathlib import Path

from flask import Blueprint, current_app, flash, jsonify, redirect, render_template, request, url_for

from ..errors import UserError
from ..tracker.accounts import MAX_PER_ACCOUNT, MAX_PER_CLIENT, WINDOW_SECONDS, TooManyAttempts, authenticate
from .security import csrf_token, current_user, safe_next, sign_in, sign_out

auth = Blueprint("auth", __name__)

WRONG = "Usuario o contraseña incorrectos."


def _attempt(name: str, password: str):
    config = current_app.config
    client = request.remote_addr or "desconocido"
    return authenticate(Path(config["PLANES_UPDATES_DB"]), name, password, client,
                        config.get("PLANES_SIGNIN_MAX", MAX_PER_ACCOUNT),
                        config.get("PLANES_SIGNIN_MAX_CLIENT", MAX_PER_CLIENT),
                        config.get("PLANES_SIGNIN_WINDOW", WINDOW_SECONDS))


def _wait_message(seconds: int) -> str:
    minutes = max(1, round(seconds / 60))
    return f"Demasiados intentos fallidos. Intente de nuevo en {minutes} minuto{'s' if minutes > 1 else ''}."


def user_json(user) -> dict | None:
    return {"name": user.name, "role": user.role, "can_edit": user.can_edit} if user else None


@auth.get("/entrar")
def login():
    return render_template("login.html", siguiente=safe_next(request.args.get("siguiente"), ""))


@auth.post("/entrar")
def login_post():
    target = safe_next(request.form.get("siguiente"), url_for("tracker.recommendations"))
    name = request.form.get("usuario", "")
    try:
        user = _attempt(name, request.form.get("contrasena", ""))
    except TooManyAttempts as exc:
        response = current_app.make_response((render_template(
            "login.html", error=_wait_message(exc.retry_after), usuario=name, siguiente=target), 429))
        response.headers["Retry-After"] = str(exc.retry_after)
        return response
    if user is None:
        return render_template("login.html", error=WRONG, usuario=name, siguiente=target), 401
    sign_in(user)
    flash(f"Sesión iniciada como {user.name}.")
    return redirect(target, 303)


@auth.post("/salir")
def logout():
    sign_out()
    flash("Sesión cerrada.")
    return redirect(url_for("pages.chat"), 303)


@auth.get("/api/session")
def session_get():
    """Who is signed in, and the CSRF token a script sends as X-CSRF-Token."""
    user = current_user()
    return jsonify({"authenticated": user is not None, "user": user_json(user), "csrf_token": csrf_token()})


@auth.post("/api/session")
def session_post():
    body = request.get_json(silent=True)
    if not isinstance(body, dict) or not isinstance(body.get("username"), str) \
            or not isinstance(body.get("password"), str):
        raise UserError("El cuerpo debe ser un objeto JSON con «username» y «password».")
    try:
        user = _attempt(body["username"], body["password"])
    except TooManyAttempts as exc:
        message = _wait_message(exc.retry_after)
        response = jsonify({"error": {"code": "demasiados_intentos", "message": message}})
        response.headers["Retry-After"] = str(exc.retry_after)
        return response, 429
    if user is None:
        raise UserError(WRONG, "credenciales_invalidas", 401)
    sign_in(user)
    return jsonify({"authenticated": True, "user": user_json(user), "csrf_token": csrf_token()})


@auth.delete("/api/session")
def session_delete():
    sign_out()
    return jsonify({"authenticated": False, "user": None, "csrf_token": csrf_token()})
