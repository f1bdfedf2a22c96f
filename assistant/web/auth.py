"""Sign-in and sign-out: the form pages and the JSON session API."""

from __future__ import annotations

from pathlib import Path

from flask import Blueprint, current_app, flash, jsonify, render_template, request, url_for

from ..errors import UserError
from ..tracker.accounts import TooManyAttempts, authenticate
from ..tracker.throttle import FREE_FAILURES
from .redirects import local_redirect, safe_target
from .security import csrf_token, current_user, sign_in, sign_out

auth = Blueprint("auth", __name__)

WRONG = "Usuario o contraseña incorrectos."


def _attempt(name: str, password: str):
    # remote_addr is the socket peer, or with PLANES_PROXY_HOPS the address the trusted proxy saw:
    # a client's own X-Forwarded-For never reaches it.
    client = request.remote_addr or "desconocido"
    return authenticate(Path(current_app.config["PLANES_UPDATES_DB"]), name, password, client,
                        int(current_app.config.get("PLANES_SIGNIN_FREE", FREE_FAILURES)))


def _wait_message(seconds: int) -> str:
    if seconds < 90:
        return f"Demasiados intentos fallidos. Intente de nuevo en {seconds} segundo{'s' if seconds > 1 else ''}."
    minutes = round(seconds / 60)
    return f"Demasiados intentos fallidos. Intente de nuevo en {minutes} minutos."


def _next_arg(values) -> str | None:
    """The page to return to after signing in: ``siguiente`` (or ``next``)."""
    return values.get("siguiente") or values.get("next")


def user_json(user) -> dict | None:
    return {"name": user.name, "role": user.role, "can_edit": user.can_edit} if user else None


@auth.get("/entrar")
def login():
    return render_template("login.html", siguiente=safe_target(_next_arg(request.args), ""))


@auth.post("/entrar")
def login_post():
    target = safe_target(_next_arg(request.form), url_for("tracker.recommendations"))
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
    return local_redirect(target, url_for("tracker.recommendations"))


@auth.post("/salir")
def logout():
    sign_out()
    flash("Sesión cerrada.")
    return local_redirect(url_for("pages.chat"), "/")


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
