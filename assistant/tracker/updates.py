"""The tracker's write side: appending a status update (never overwriting one), idempotently."""

from __future__ import annotations

import hashlib
import re
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from ..errors import UserError
from .db import connect, write
from .items import UNRECORDED, normalise_status, update_dict

MAX_COMMENT = 2000
IDEMPOTENCY_RE = re.compile(r"[\x21-\x7e]{1,128}")
_CONTROL_RE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def clean_status(value: Any) -> str:
    status = normalise_status(value) if isinstance(value, str) else None
    if status is None or status == UNRECORDED:
        raise UserError("Estado no válido: use «No iniciado», «En proceso», «Ejecutado/Culminado» "
                        "o «Sin información».", "estado_invalido", 422)
    return status


def clean_comment(value: Any) -> str:
    comment = _CONTROL_RE.sub("", value).strip() if isinstance(value, str) else ""
    if not comment:
        raise UserError("Escriba un comentario que explique el cambio de estado.",
                        "comentario_requerido", 422)
    if len(comment) > MAX_COMMENT:
        raise UserError(f"El comentario es demasiado largo (máximo {MAX_COMMENT} caracteres).",
                        "comentario_muy_largo", 422)
    return comment


def clean_idempotency_key(value: str | None) -> str | None:
    if value is None or value == "":
        return None
    if not IDEMPOTENCY_RE.fullmatch(value):
        raise UserError("La clave de idempotencia debe tener de 1 a 128 caracteres ASCII visibles.",
                        "clave_idempotencia_invalida")
    return value


def record_update(db: Path, item: dict[str, Any], status: Any, comment: Any, user: str,
                  idempotency_key: str | None = None) -> tuple[dict[str, Any], bool]:
    """Append an update; returns it and whether it was new. A request repeated with the same
    idempotency key (a retry) returns the first update instead of applying twice; the same key
    with a different content is refused."""
    status, comment = clean_status(status), clean_comment(comment)
    idempotency_key = clean_idempotency_key(idempotency_key)
    digest = hashlib.sha256("\0".join((item["key"], status, comment)).encode()).hexdigest()
    conn = connect(db)
    with write(conn):
        if idempotency_key:
            prior = conn.execute("select * from status_updates where user_name = ? and idempotency_key = ?",
                                 (user, idempotency_key)).fetchone()
            if prior is not None:
                if prior["request_hash"] != digest:
                    raise UserError("Esa clave de idempotencia ya se usó para otra actualización.",
                                    "clave_idempotencia_reutilizada", 409)
                return update_dict(prior), False
        report = item["report"]
        cur = conn.execute(
            "insert into status_updates (rec_key, text_key, report_kind, report_period, list_kind, number,"
            " rec_text, status, comment, user_name, created_at, idempotency_key, request_hash)"
            " values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (item["key"], item["text_key"], report["kind"], report["period"], item["list_kind"],
             item["number"],              item["text"][:1000], status, comment, user, datetime.now(UTC).isoformat(timespec="microseconds"),
             idempotency_key, digest))
        row = conn.execute("select * from status_updates where id = ?", (cur.lastrowid,)).fetchone()
    return update_dict(row), True
