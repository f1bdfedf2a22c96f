"""The recommendation tracker: list, detail with history, CSV export, status updates (pages and
JSON API)."""

from __future__ import annotations

import secrets
from datetime import datetime
from pathlib import Path
from typing import Any

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    flash,
    jsonify,
    render_template,
    request,
    url_for,
)

from ..errors import UserError
from ..tracker import items as model
from ..tracker.export import to_csv
from ..tracker.updates import record_update
from .redirects import local_redirect
from .security import current_user

tracker = Blueprint("tracker", __name__)

MAX_LIMIT = 1000
# Query parameters: the Spanish names of the pages, with English aliases for API clients.
PARAMS = {"informe": ("informe", "report"), "unidad": ("unidad", "unit"), "estado": ("estado", "status"),
          "vencidas": ("vencidas", "overdue"), "q": ("q",), "orden": ("orden", "sort"),
          "sentido": ("sentido", "order")}


def _store():
    return current_app.extensions["assistant"].store


def _updates_db() -> Path:
    return Path(current_app.config["PLANES_UPDATES_DB"])


def _zone():
    return model.local_zone(current_app.config.get("PLANES_TZ"))


def _load() -> list[dict[str, Any]]:
    today = datetime.now(_zone()).date()
    return model.load(_store(), _updates_db(), today, _zone())


def _arg(name: str) -> str:
    for alias in PARAMS[name]:
        value = request.args.get(alias)
        if value is not None:
            return value.strip()[:500]
    return ""


def _filters() -> dict[str, str]:
    return {name: _arg(name) for name in PARAMS}


def _overdue(value: str) -> bool | None:
    if value.lower() in ("1", "si", "sí", "true", "yes"):
        return True
    if value.lower() in ("0", "no", "false"):
        return False
    return None


def _select(items: list[dict], f: dict[str, str]) -> list[dict]:
    if f["estado"] and model.normalise_status(f["estado"]) is None:
        raise UserError("Estado desconocido en el filtro «estado».", "filtro_invalido")
    if f["orden"] and f["orden"] not in model.SORTS:
        raise UserError(f"«orden» debe ser uno de: {', '.join(model.SORTS)}.", "filtro_invalido")
    chosen = model.filter_items(items, f["informe"] or None, f["unidad"] or None, f["estado"] or None,
                                _overdue(f["vencidas"]), f["q"] or None)
    return model.sort_items(chosen, f["orden"] or "informe", f["sentido"] == "desc")


def _find(items: list[dict], ident: str) -> dict:
    item = model.find(items, ident)
    if item is None:
        raise UserError("No existe esa recomendación.", "recomendacion_no_encontrada", 404)
    return item


def _source_url(source: dict) -> str:
    start = source.get("line_start") or 1
    end = source.get("line_end") or start
    return url_for("pages.document", name=source["file"]) + f"#L{start}-{end}"


# ---- JSON shapes ----------------------------------------------------------------------------------------

SUMMARY_FIELDS = ("report", "list_kind", "number", "aspecto", "text", "accion_clave", "responsible",
                  "plazo_meses", "due_date", "due_basis", "overdue", "status", "status_label",
                  "status_source", "status_text", "status_date", "last_update", "updates_count")


def summary(item: dict) -> dict[str, Any]:
    out = {"id": item["key"], **{k: item[k] for k in SUMMARY_FIELDS}}
    out["source"] = {**item["source"], "url": _source_url(item["source"])}
    out["url"] = url_for("tracker.detail", key=item["key"])
    return out


def detail_json(item: dict, events: list[dict]) -> dict[str, Any]:
    out = summary(item)
    out["medio_verificacion"] = item["medio_verificacion"]
    out["index_ids"] = item["index_ids"]
    out["history"] = [_event_json(e) for e in events]
    return out


def _event_json(event: dict) -> dict[str, Any]:
    if event["type"] != "informe":
        return {k: event[k] for k in ("type", "id", "date", "created_at", "user", "status", "status_label",
                                       "comment")}
    keep = ("type", "date", "list_kind", "number", "status", "status_label", "status_raw", "comment",
            "accion_clave", "responsible", "confidence")
    return {**{k: event[k] for k in keep}, "report": event["report"],
            "source": {**event["source"], "url": _source_url(event["source"])}}


def _events(item: dict, items: list[dict]) -> list[dict]:
    return model.history(item, model.item_updates(item, items, _updates_db(), _zone()))


# ---- pages ------------------------------------------------------------------------------------------------

@tracker.get("/recomendaciones")
def recommendations():
    items = _load()
    f = _filters()
    chosen = _select(items, f)
    query = {k: v for k, v in f.items() if v}
    return render_template("recommendations.html", items=chosen, total=len(items), facets=model.facets(items),
                           f=f, query=query, sorts=SORT_LABELS, source_url=_source_url,
                           counts=status_counts(_select(items, f | {"estado": ""})))


SORT_LABELS = {"informe": "Informe", "numero": "Número", "vencimiento": "Vencimiento", "estado": "Estado",
               "unidad": "Unidad responsable", "actualizacion": "Última actualización"}


def status_counts(items: list[dict]) -> dict[str, Any]:
    """How many of the listed recommendations (every filter but the status one) are in each current
    status, for the counts above the list."""
    statuses = [s for s in model.facets(items)["statuses"]]
    counts = [{"value": s["value"], "label": s["label"], "n": sum(1 for i in items if (i["status"] or
                                                                                        model.UNRECORDED) == s["value"])}
              for s in statuses]
    return {"total": len(items), "statuses": [c for c in counts if c["n"]],
            "overdue": sum(1 for i in items if i["overdue"])}


@tracker.get("/recomendaciones.csv")
def export_csv():
    chosen = _select(_load(), _filters())
    stamp = datetime.now(_zone()).strftime("%Y%m%d-%H%M")
    return Response(to_csv(chosen), mimetype="text/csv",
                    headers={"Content-Disposition": f'attachment; filename="recomendaciones-{stamp}.csv"',
                             "Cache-Control": "no-store"})


@tracker.get("/recomendaciones/<key>")
def detail(key: str):
    items = _load()
    item = model.find(items, key)
    if item is None:
        abort(404)
    if item["key"] != key:
        return local_redirect(url_for("tracker.detail", key=item["key"]), "/recomendaciones", 302)  # not 301
    return _detail_page(item, items)


def _detail_page(item: dict, items: list[dict], error: str | None = None, form: dict | None = None,
                 status: int = 200):
    return render_template("recommendation.html", item=item, events=_events(item, items), error=error,
                           form=form or {}, statuses=model.facets(items)["statuses"][:-1],
                           idempotency=secrets.token_urlsafe(18), source_url=_source_url), status


@tracker.post("/recomendaciones/<key>/estado")
def update_form(key: str):
    user = current_user()
    if user is None:
        flash("Inicie sesión como editor para actualizar el estado.")
        return local_redirect(url_for("auth.login", siguiente=url_for("tracker.detail", key=key)), "/entrar")
    items = _load()
    item = _find(items, key)
    if not user.can_edit:
        return _detail_page(item, items, "Su cuenta no tiene permiso para actualizar estados.", status=403)
    try:
        form = request.form
        _, created = record_update(_updates_db(), item, form.get("estado"), form.get("comentario"), user.name,
                                   form.get("idempotencia"))
    except UserError as exc:
        return _detail_page(item, items, exc.message, dict(request.form), exc.status)
    flash("Estado actualizado." if created else "Esta actualización ya estaba registrada.")
    return local_redirect(url_for("tracker.detail", key=item["key"]) + "#historial", "/recomendaciones")


# ---- JSON API -------------------------------------------------------------------------------------------

def _int_arg(name: str, default: int, low: int, high: int) -> int:
    raw = request.args.get(name)
    if raw is None or raw == "":
        return default
    try:
        value = int(raw)
    except ValueError:
        raise UserError(f"«{name}» debe ser un número entero.", "filtro_invalido") from None
    if not low <= value <= high:
        raise UserError(f"«{name}» debe estar entre {low} y {high}.", "filtro_invalido")
    return value


@tracker.get("/api/recommendations")
def api_list():
    items = _load()
    f = _filters()
    chosen = _select(items, f)
    limit, offset = _int_arg("limit", 100, 1, MAX_LIMIT), _int_arg("offset", 0, 0, 10**6)
    return jsonify({"total": len(chosen), "limit": limit, "offset": offset,
                    "filters": {k: v for k, v in f.items() if v},
                    "items": [summary(i) for i in chosen[offset:offset + limit]]})


@tracker.get("/api/recommendations/<key>")
def api_detail(key: str):
    items = _load()
    item = _find(items, key)
    return jsonify(detail_json(item, _events(item, items)))


@tracker.post("/api/recommendations/<key>/status")
def api_update(key: str):
    user = current_user()
    if user is None:
        raise UserError("Debe iniciar sesión como editor para actualizar el estado.", "no_autenticado", 401)
    if not user.can_edit:
        raise UserError("Su cuenta no tiene permiso para actualizar estados.", "sin_permiso", 403)
    body = request.get_json(silent=True)
    if not isinstance(body, dict):
        raise UserError("El cuerpo debe ser un objeto JSON con «status» y «comment».")
    items = _load()
    item = _find(items, key)
    update, created = record_update(_updates_db(), item, body.get("status"), body.get("comment"), user.name,
                                    request.headers.get("Idempotency-Key"))
    fresh = _find(_load(), item["key"])
    response = jsonify({"update": update, "replayed": not created, "recommendation": summary(fresh)})
    response.headers["Location"] = url_for("tracker.api_detail", key=item["key"])
    if not created:
        response.headers["Idempotent-Replayed"] = "true"
    return response, 201 if created else 200
