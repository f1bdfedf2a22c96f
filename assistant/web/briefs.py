"""GET /api/brief: a briefing PDF for an objective or action, a report, the recommendation
matrix or a chat answer (parameters in docs/briefs.md)."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import quote

from flask import Blueprint, Response, current_app, request

from ..briefs import KINDS, MAX_QUESTION, build_brief
from ..errors import UserError

briefs = Blueprint("briefs", __name__)

PARAMS = ("tipo", "codigo", "plan", "periodo", "pregunta", "estado", "unidad", "descarga")
MAX_PARAM = 200


def _params() -> dict[str, str | None]:
    values: dict[str, str | None] = {}
    for name in PARAMS:
        value = request.args.get(name)
        limit = MAX_QUESTION if name == "pregunta" else MAX_PARAM
        if value is not None and len(value) > limit:
            raise UserError(f"El parámetro «{name}» es demasiado largo (máximo {limit} caracteres).",
                            "parametro_muy_largo", 413)
        values[name] = value.strip() if value is not None else None
    return values


@briefs.get("/api/brief")
def brief():
    p = _params()
    if not p["tipo"]:
        raise UserError(f"Indique el «tipo» de brief: {', '.join(KINDS)}.", "tipo_invalido")
    assistant = current_app.extensions["assistant"]
    updates = current_app.config.get("PLANES_UPDATES_DB") or assistant.updates_db
    result = build_brief(
        assistant.store, p["tipo"], codigo=p["codigo"], plan=p["plan"], periodo=p["periodo"],
        pregunta=p["pregunta"], estado=p["estado"], unidad=p["unidad"],
        ask=lambda question: assistant.ask(question), updates_db=Path(updates) if updates else None,
    )
    response = Response(result.pdf, mimetype="application/pdf")
    disposition = "inline" if (p["descarga"] or "").lower() in ("0", "no") else "attachment"
    response.headers["Content-Disposition"] = f'{disposition}; filename="{result.filename}"'
    response.headers["Cache-Control"] = "no-store"
    if result.brief.plan:  # which plan a code was read in (codes repeat across plans)
        response.headers["X-Brief-Plan"] = quote(result.brief.plan)
    return response
