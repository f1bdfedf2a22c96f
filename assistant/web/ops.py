"""Operations: request ids in responses and logs, the cross-worker rate limit on /api/ask, the
answer cache, conversations shared by the workers, the client address behind a reverse proxy,
safe JSON parsing and the OpenAPI document.

Settings (app config, else environment):
- PLANES_ASK_RATE: questions per client address, "N/SEGUNDOS": a burst of N, then N per SEGUNDOS
  (default 1200/60); "0" turns it off.
- PLANES_RATE_FILE: the counters file shared by the workers (default next to the editor database).
- PLANES_ANSWER_CACHE: first-turn answers kept per worker (default 1024; 0 turns the cache off).
- PLANES_SHARED_CONVERSATIONS: 1 (default) keeps conversations in a SQLite file every worker reads
  (PLANES_CONVERSATIONS_DB, default next to the editor database), so a follow-up finds its
  conversation whichever worker answers; 0 keeps them in each process's memory.
- PLANES_PROXY_HOPS: trusted reverse proxies in front (default 0); their X-Forwarded-For and
  X-Forwarded-Proto then give the client address and scheme (rate limits count real clients).
"""

from __future__ import annotations

import logging
import os
import re
import secrets
from pathlib import Path
from typing import Any

from flask import Flask, g, has_request_context, jsonify, request
from flask.json.provider import DefaultJSONProvider
from werkzeug.middleware.proxy_fix import ProxyFix

from .answer_cache import DEFAULT_SIZE, CachedAssistant
from .ratelimit import SharedWindowLimiter, parse_rate
from .shared_conversations import SharedConversations

REQUEST_ID_HEADER = "X-Request-ID"
# A caller's id is kept only when it is short and harmless in a log line.
_CALLER_ID_RE = re.compile(r"[A-Za-z0-9._:-]{8,64}")
# A burst of 1200 questions (every evaluation set run as fast as it goes), then 20 a second: far more
# than a person asks, and about 3 % of what 2 cores answer uncached, so no address can starve the rest.
DEFAULT_ASK_RATE = "1200/60"
RATE_LIMITED = {"api.ask"}


def _setting(app: Flask, name: str, default: str) -> str:
    value = app.config.get(name)
    return str(value) if value is not None else os.environ.get(name, default)


def init_ops(app: Flask) -> None:
    hops = int(_setting(app, "PLANES_PROXY_HOPS", "0") or 0)
    if hops > 0:
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops)  # type: ignore[method-assign]
    # First in line, so even a request refused by an earlier check carries its id.
    app.before_request_funcs.setdefault(None, []).insert(0, _assign_request_id)
    app.after_request(_send_request_id)
    app.logger.addFilter(RequestIdFilter())
    provider = SafeJSONProvider(app)
    provider.ensure_ascii = app.json.ensure_ascii
    app.json = provider
    _init_rate_limit(app)
    if _setting(app, "PLANES_SHARED_CONVERSATIONS", "1") != "0":
        default_file = Path(app.config["PLANES_UPDATES_DB"]).with_name(".planes-conversaciones.db")
        path = Path(_setting(app, "PLANES_CONVERSATIONS_DB", str(default_file)))
        app.extensions["assistant"].conversations = SharedConversations(path)
    size = int(_setting(app, "PLANES_ANSWER_CACHE", str(DEFAULT_SIZE)) or 0)
    if size > 0:
        app.extensions["assistant"] = CachedAssistant(app.extensions["assistant"], size)

    from .openapi import openapi

    app.register_blueprint(openapi)


# ---- JSON bodies -------------------------------------------------------------------------------------

class SafeJSONProvider(DefaultJSONProvider):
    """Request bodies that the standard parser accepts but the app cannot use become plain invalid
    JSON (a 400, never a 500): nesting deep enough to exhaust the recursion limit, and lone UTF-16
    surrogates (\\ud800), which no UTF-8 database, log or response can hold."""

    def loads(self, s: str | bytes, **kwargs: Any) -> Any:
        try:
            value = super().loads(s, **kwargs)
        except RecursionError:
            raise ValueError("JSON demasiado anidado") from None
        if not _encodable(value):
            raise ValueError("JSON con sustitutos UTF-16 sueltos")
        return value


def _encodable(value: Any) -> bool:
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, str):
            try:
                item.encode("utf-8")
            except UnicodeEncodeError:
                return False
        elif isinstance(item, dict):
            stack.extend(item.keys())
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)
    return True


# ---- request ids ----------------------------------------------------------------------------------------

def request_id() -> str:
    """This request's id: the caller's X-Request-ID when well formed, else a new random one."""
    if "request_id" not in g:
        sent = request.headers.get(REQUEST_ID_HEADER, "")
        g.request_id = sent if _CALLER_ID_RE.fullmatch(sent) else secrets.token_hex(8)
    return g.request_id


def _assign_request_id() -> None:
    request_id()


def _send_request_id(response):
    response.headers[REQUEST_ID_HEADER] = request_id()
    return response


class RequestIdFilter(logging.Filter):
    """Prefixes the app's log lines written during a request with its id (gunicorn's access log
    shows the same id from the response header)."""

    def filter(self, record: logging.LogRecord) -> bool:
        if has_request_context() and not getattr(record, "request_id", None):
            record.request_id = request_id()
            record.msg = f"[{record.request_id}] {record.msg}"
        return True


# ---- rate limit ----------------------------------------------------------------------------------------

def _init_rate_limit(app: Flask) -> None:
    rate = parse_rate(_setting(app, "PLANES_ASK_RATE", DEFAULT_ASK_RATE), DEFAULT_ASK_RATE)
    if rate is None:
        return
    default_file = Path(app.config["PLANES_UPDATES_DB"]).with_name(".planes-limites")
    path = Path(_setting(app, "PLANES_RATE_FILE", str(default_file)))
    limiter = SharedWindowLimiter(path, *rate)
    app.extensions["ask_limiter"] = limiter

    @app.before_request
    def _limit_questions():
        if request.endpoint not in RATE_LIMITED:
            return None
        wait = limiter.hit(f"preguntas:{request.remote_addr or '-'}")
        if wait is None:
            return None
        response = jsonify({"error": {"code": "demasiadas_preguntas",
                                      "message": "Demasiadas preguntas seguidas desde esta dirección; "
                                                 "espere unos segundos e intente de nuevo."}})
        response.status_code = 429
        response.headers["Retry-After"] = limiter.retry_header(wait)
        return response
