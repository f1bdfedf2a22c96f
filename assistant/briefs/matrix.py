"""Recommendations in briefs, read through the tracker (assistant.tracker.items) so that a brief
and the tracker page always agree: one item per recommendation with the status each report
printed, the updates made in the app, its due date and whether it is overdue."""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from datetime import date
from pathlib import Path
from typing import Any

from knowledge.stemming import content_tokens, stem
from knowledge.text import fold

from ..tracker import items as tracker
from .data import Catalog, spanish_date
from .escape import shorten
from .model import MISSING, Brief, Chart, Facts, Section, Source, Table, Text, safe_filename

DONE = tracker.DONE
STATUS_ORDER = ("no iniciado", "sin información", "en proceso", None, DONE)
units_of = tracker.units
status_label = tracker.status_label
# related(): a shared responsible unit adds UNIT_BONUS to the word score; MIN_SCORE keeps a match.
UNIT_BONUS = 1
MIN_SCORE = 3


def load_items(cat: Catalog, today: date, updates_db: Path | None = None,
               files: list[str] | None = None) -> list[dict[str, Any]]:
    """The tracker's items (with app updates when the editor database exists), optionally only
    those formulated or listed in ``files``."""
    db = updates_db if updates_db is not None and Path(updates_db).exists() else None
    items = tracker.load(cat.store, db, today)
    if db is not None:
        for item in items:
            item["app_updates"] = tracker.item_updates(item, items, db) if item["updates_count"] else []
    if files is not None:
        wanted = set(files)
        items = [i for i in items if i["report"]["file"] in wanted]
    return items


def item_sources(cat: Catalog, item: dict[str, Any]) -> list[Source]:
    out = []
    for event in item["printed"]:
        s = event["source"]
        out.append(Source(s["file"], cat.titles.get(s["file"], s["file"]), s.get("locator") or "",
                          s.get("line_start"), s.get("line_end")))
    return list(dict.fromkeys(out))


MAX_STEPS = 8


def history_text(item: dict[str, Any]) -> str:
    """"2024-S1: formulada (n.° 1) → 2024: En proceso → aplicación 2025-03-01 (ana): Ejecutado/Culminado"."""
    steps = []
    for event in tracker.history(item, item.get("app_updates") or []):
        if event.get("type") == "actualizacion":
            comment = f": {shorten(event.get('comment'), 80)}" if event.get("comment") else ""
            steps.append(f"aplicación {event['date']} ({event['user']}): {event['status_label']}{comment}")
            continue
        period = event["report"].get("period") or event["report"]["file"]
        if event.get("list_kind") == "nueva":
            steps.append(f"{period}: formulada (n.° {event.get('number') or 's/n'})")
        else:
            steps.append(f"{period}: {event.get('status_raw') or event.get('status_label') or MISSING}")
    if item.get("last_update") and not item.get("app_updates"):
        u = item["last_update"]
        steps.append(f"aplicación {u['date']} ({u['user']}): {u['status_label']}")
    if len(steps) > MAX_STEPS:
        # a cell taller than a page cannot be laid out: the printed statuses and the latest updates stay,
        # the full history is on the tracker's page
        hidden = len(steps) - MAX_STEPS
        steps = steps[:MAX_STEPS // 2] + [f"… {hidden} actualizaciones más (historial completo en /recomendaciones)"] \
            + steps[-(MAX_STEPS - MAX_STEPS // 2):]
    return " → ".join(steps)


def ref_of(item: dict[str, Any]) -> str:
    kind = "" if item.get("list_kind") == "nueva" else " (seguimiento)"
    return f"{item['report'].get('period') or MISSING} n.° {item.get('number') or 's/n'}{kind}"


def due_text(item: dict[str, Any]) -> str | None:
    if not item.get("due_date"):
        return None
    y, m, d = item["due_date"].split("-")
    return f"{d}/{m}/{y}" + (" (vencida)" if item.get("overdue") else "")


def current_text(item: dict[str, Any]) -> str:
    """The current status and where it comes from (assistant.tracker.status: the rule every surface
    uses): "Ejecutado/Culminado, actualizado por ana el 04/12/2026; el informe 2024 imprimía En proceso"."""
    return item.get("status_text") or item["status_label"]


def recommendation_row(cat: Catalog, item: dict[str, Any], text_limit: int = 220) -> tuple[list, list[Source]]:
    cells = [ref_of(item), shorten(item.get("text"), text_limit), "; ".join(item["responsible"]) or None,
             current_text(item), due_text(item), history_text(item)]
    return cells, item_sources(cat, item)


def sort_key(item: dict[str, Any]) -> tuple:
    status = item.get("status")
    order = STATUS_ORDER.index(status) if status in STATUS_ORDER else 3
    return (not item.get("overdue"), order, item.get("due_date") or "9999", item["report"].get("date_iso") or "",
            item.get("number") or 0)


def aggregate_sources(cat: Catalog, rows: list[dict[str, Any]]) -> list[Source]:
    """One source per table/section a set of rows comes from, spanning their lines."""
    spans: dict[tuple[str, str], list[int]] = {}
    for r in rows:
        key = (r["file"], r.get("locator") or "")
        lo = r.get("line_start") or 0
        hi = r.get("line_end") or lo
        span = spans.setdefault(key, [lo, hi])
        span[0], span[1] = min(span[0], lo), max(span[1], hi)
    return [Source(f, cat.titles.get(f, f), loc, lo or None, hi or None) for (f, loc), (lo, hi) in spans.items()]


# ---- related recommendations (objective briefs) -------------------------------------------

def related(items: list[dict[str, Any]], texts: list[str], units: list[str], limit: int = 6) -> list[dict]:
    """Recommendations that share distinctive words with an objective's titles and indicators,
    or name one of its responsible units; rare words weigh more than common ones."""
    if not items:
        return []
    docs = [_stems(" ".join(filter(None, (i.get("text"), i.get("accion_clave"))))) for i in items]
    df = Counter(s for d in docs for s in d)
    n = len(docs)
    target = _stems(" ".join(texts))
    wanted_units = {fold(u) for u in units if u}
    scored = []
    for item, stems_ in zip(items, docs, strict=True):
        shared = target & stems_
        score = sum(math.log((n + 1) / df[s]) for s in shared)
        if wanted_units and wanted_units & {fold(u) for u in item["responsible"]}:
            score += UNIT_BONUS
        if len(shared) >= 2 and score >= MIN_SCORE:
            scored.append((score, item))
    scored.sort(key=lambda x: -x[0])
    return [i for _, i in scored[:limit]]


def _stems(text: str) -> set[str]:
    return {stem(tok) for tok in content_tokens(text) if len(tok) > 3 and not tok.isdigit()}


# ---- the recommendations brief --------------------------------------------------------------

def recommendations_brief(cat: Catalog, today: date, updates_db: Path | None = None,
                          periodo: str | None = None, estado: str | None = None,
                          unidad: str | None = None) -> Brief:
    items = load_items(cat, today, updates_db)
    filters = []
    if periodo and periodo.strip():
        key = fold(periodo)
        items = [i for i in items if fold(i["report"].get("period") or "") == key]
        filters.append(f"recomendaciones del informe {periodo.strip()}")
    if estado and estado.strip():
        wanted = tracker.normalise_status(estado)
        items = [i for i in items if (i["status"] == wanted if wanted else
                                      fold(i["status_label"]).startswith(fold(estado)))]
        filters.append(f"estado {estado.strip()}")
    if unidad and unidad.strip():
        key = fold(unidad)
        items = [i for i in items if any(key in fold(u) for u in i["responsible"])]
        filters.append(f"unidad «{unidad.strip()}»")
    items.sort(key=sort_key)
    periods = sorted({e["report"].get("period") for i in items for e in i["printed"] if e["report"].get("period")})
    brief = Brief(
        kind="recomendaciones", title="Matriz de recomendaciones",
        subtitle=f"Informes: {', '.join(periods) or MISSING} · estado al {spanish_date(today)}",
        filename=safe_filename("brief", "recomendaciones", today.isoformat()),
    )
    if filters:
        brief.notes.append("Filtro: " + ", ".join(filters) + ".")
    brief.notes.append("Cada recomendación aparece una vez, con su último estado: el del informe más reciente que "
                       "la sigue o, si es posterior, la última actualización registrada en la aplicación. Vence al "
                       "cierre del mes en que se cumple su plazo, contado desde la fecha del informe que la formula "
                       "(o que la lista, si la formulación original no está en los documentos).")
    if not items:
        brief.sections.append(Section("Recomendaciones", [Text(f"{MISSING}: no hay recomendaciones que cumplan "
                                                               "el filtro en el índice.")]))
        return brief
    sources = aggregate_sources(cat, [e["source"] for i in items for e in i["printed"]])
    brief.sections.append(_status_section(items, sources))
    brief.sections.append(_units_section(items, sources))
    table = Table(["Ref.", "Recomendación", "Responsable", "Estado", "Vence", "Historial"],
                  widths=[12, 31, 20, 19, 11, 23])
    for item in items:
        cells, srcs = recommendation_row(cat, item)
        table.add(cells, srcs)
    brief.sections.append(Section("Recomendaciones, vencidas primero", [table]))
    return brief


def _status_section(items: list[dict], sources: list[Source]) -> Section:
    counts = Counter(i["status"] for i in items)
    present = [s for s in STATUS_ORDER if counts.get(s)] + [s for s in counts if s not in STATUS_ORDER]
    facts = Facts()
    for status in present:
        facts.add(status_label(status), str(counts[status]), sources)
    facts.add("Total", str(len(items)), sources)
    facts.add("Vencidas sin culminar", str(sum(bool(i.get("overdue")) for i in items)), sources)
    done = counts.get(DONE, 0)
    facts.add("Ejecutadas o culminadas", f"{done} de {len(items)} ({done / len(items) * 100:.1f}%)", sources)
    chart = Chart("Recomendaciones por estado actual", [status_label(s) for s in present],
                  [("Recomendaciones", [float(counts[s]) for s in present])], unit="", sources=sources)
    return Section("Resumen por estado", [facts, chart])


def _units_section(items: list[dict], sources: list[Source]) -> Section:
    per_unit: dict[str, Counter] = defaultdict(Counter)
    for item in items:
        for unit in item["responsible"] or [MISSING]:
            per_unit[unit]["total"] += 1
            per_unit[unit]["culminadas"] += item["status"] == DONE
            per_unit[unit]["vencidas"] += bool(item.get("overdue"))
    units = sorted(per_unit, key=lambda u: (-per_unit[u]["vencidas"],
                                            -(per_unit[u]["total"] - per_unit[u]["culminadas"]), fold(u)))[:15]
    table = Table(["Unidad responsable", "Pendientes", "Culminadas", "Vencidas", "Total"],
                  widths=[50, 12, 12, 12, 10])
    for unit in units:
        c = per_unit[unit]
        table.add([unit, str(c["total"] - c["culminadas"]), str(c["culminadas"]), str(c["vencidas"]),
                   str(c["total"])], sources)
    note = Text("Una recomendación a cargo de varias unidades cuenta para cada una"
                + (f"; se muestran las 15 con más pendientes de {len(per_unit)}." if len(per_unit) > 15 else "."),
                style="note")
    return Section("Por unidad responsable", [table, note])
