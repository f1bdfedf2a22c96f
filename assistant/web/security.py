"""Web security: the session key and cookie flags, CSRF on every state change, sign-in state and
the optional "reading needs an account" guard (PLANES_PUBLIC_READ=0)."""

from __future__ import annotations

import hmac
import os
import secrets
import sqlite3
from pathlib import Path
from urllib.parse import urlsplit

from flask import Flask, current_app, g, request, session, url_for

from ..errors import UserError
from ..tracker.accounts import User
from ..tracker.sessions import LIFETIME_SECONDS, close_session, open_session, session_user
from .redirects import local_redirect

DEV_ENVS = ("development", "desarrollo", "testing", "test")
SAFE_METHODS = ("GET", "HEAD", "OPTIONS")
# Stateless endpoints anyone may call without a token: they read, they do not change anything.
CSRF_EXEMPT = {"api.ask", "api.search", "api.healthz", "api.readyz"}
# Reachable without an account even when reading needs one.
OPEN_ENDPOINTS = {"static", "auth.login", "auth.login_post", "auth.session_get", "auth.session_post",
                  "api.healthz", "api.readyz"}


class ConfigError(RuntimeError):
    """The app cannot start with this configuration (message in Spanish)."""


def is_development(app: Flask) -> bool:
    """Development unless PLANES_ENV says otherwise; FLASK_DEBUG alone never relaxes production."""
    if os.environ.get("PLANES_ENV", "development").lower() not in DEV_ENVS and not app.testing:
        app.debug = False  # debug off in production, whatever FLASK_DEBUG says
        return False
    return True


def _flag(value: str | None, default: bool) -> bool:
    if value is None or value.strip() == "":
        return default
    return value.strip().lower() not in ("0", "no", "false", "falso", "off")


def init_security(app: Flask) -> None:
    dev = is_development(app)
    _secret_key(app, dev)
    if app.config.get("SESSION_COOKIE_NAME") in (None, "session"):  # Flask's default name says nothing
        app.config["SESSION_COOKIE_NAME"] = "planes_sesion"
    app.config.update(
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        PERMANENT_SESSION_LIFETIME=LIFETIME_SECONDS,
    )
    # Secure cookies need HTTPS; plain-HTTP development keeps them off (PLANES_COOKIE_SECURE overrides).
    app.config["SESSION_COOKIE_SECURE"] = _flag(os.environ.get("PLANES_COOKIE_SECURE"), not dev)
    app.config.setdefault("PLANES_PUBLIC_READ", _flag(os.environ.get("PLANES_PUBLIC_READ"), True))
    app.config.setdefault("PLANES_TZ", os.environ.get("PLANES_TZ", "America/Lima"))
    app.extensions.setdefault("csrf_exempt", set(CSRF_EXEMPT))
    app.before_request(_csrf_protect)
    app.before_request(_read_guard)
    app.jinja_env.globals["csrf_token"] = csrf_token
    app.context_processor(_template_user)


def _secret_key(app: Flask, dev: bool) -> None:
    if app.config.get("SECRET_KEY"):
        if not dev and len(app.config["SECRET_KEY"]) < 32:
            raise ConfigError("PLANES_SECRET_KEY es demasiado corta: use al menos 32 caracteres aleatorios.")
        return
    if not dev:
        raise ConfigError("Falta PLANES_SECRET_KEY (clave de sesión). Defínala con al menos 32 caracteres "
                          "aleatorios, p. ej. `python -c 'import secrets; print(secrets.token_hex(32))'`, "
                          "o use PLANES_ENV=development para desarrollo local.")
    if app.testing:
        app.config["SECRET_KEY"] = secrets.token_hex(32)
        return
    # Development under gunicorn: every worker must sign sessions with the same key, so it is kept
    # in a file next to the editor database (created once, readable only by its owner).
    path = Path(app.config["PLANES_UPDATES_DB"]).with_name(".planes-clave-sesion")
    app.config["SECRET_KEY"] = _shared_dev_key(path)


def _shared_dev_key(path: Path) -> str:
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        key = path.read_text().strip()
        if len(key) >= 32:
            return key
        fd = os.open(path, os.O_WRONLY | os.O_TRUNC, 0o600)
    key = secrets.token_hex(32)
    with os.fdopen(fd, "w") as fh:
        fh.write(key)
    return key


# ---- CSRF --------------------------------------------------------------------------------------------

def csrf_token() -> str:
    """This session's token (forms carry it as csrf_token, scripts as the X-CSRF-Token header)."""
    token = session.get("csrf")
    if not token:
        token = session["csrf"] = secrets.token_urlsafe(32)
    return token


def rotate_session() -> None:
    """A fresh session (and CSRF token) at sign-in and sign-out, against session fixation."""
    session.clear()
    session["csrf"] = secrets.token_urlsafe(32)


def _csrf_protect():
    if request.method in SAFE_METHODS or request.endpoint in current_app.extensions["csrf_exempt"]:
        return None
    origin = request.headers.get("Origin")
    if origin and urlsplit(origin).netloc != request.host:
        raise UserError("Origen de la solicitud no permitido.", "origen_no_permitido", 403)
    if request.headers.get("Sec-Fetch-Site") == "cross-site":
        raise UserError("Origen de la solicitud no permitido.", "origen_no_permitido", 403)
    sent = request.headers.get("X-CSRF-Token") or request.form.get("csrf_token") or ""
    expected = session.get("csrf") or ""
    if not expected or not hmac.compare_digest(sent.encode(), expected.encode()):
        raise UserError("Falta el token CSRF o no es válido; recargue la página e intente de nuevo.",
                        "csrf_invalido", 403)
    return None


# ---- who is signed in -----------------------------------------------------------------------------------

def _updates_db() -> Path:
    return Path(current_app.config["PLANES_UPDATES_DB"])


def current_user() -> User | None:
    """The signed-in user: the cookie's session id must name a live server-side session of an
    active account (sign-out, disabling the account or a new password end it)."""
    if "user" in g:
        return g.user
    user = None
    if session.get("sid"):
        user = session_user(_updates_db(), session.get("sid"))
        if user is None:
            session.pop("sid", None)
    g.user = user
    return user


def sign_in(user: User) -> None:
    rotate_session()
    session.permanent = True
    session["sid"] = open_session(_updates_db(), user)
    g.user = user


def sign_out() -> None:
    close_session(_updates_db(), session.get("sid"))
    rotate_session()
    g.user = None


def _template_user() -> dict:
    try:
        return {"current_user": current_user()}
    except sqlite3.Error:  # an error page must render even when the editor database is the problem
        current_app.logger.exception("no se pudo leer la sesión")
        return {"current_user": None}


def wants_json() -> bool:
    return request.path.startswith("/api/") or request.accept_mimetypes.best == "application/json"


def _read_guard():
    if current_app.config["PLANES_PUBLIC_READ"] or request.endpoint in OPEN_ENDPOINTS:
        return None
    if current_user() is not None:
        return None
    if wants_json():
        raise UserError("Debe iniciar sesión para consultar este servicio.", "no_autenticado", 401)
    return local_redirect(url_for("auth.login", siguiente=request.full_path.rstrip("?")), url_for("auth.login"), 302)
