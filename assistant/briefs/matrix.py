"""Recommendations followed from report to report: each recommendation's latest status, due
date, history (the status printed in each report and the updates made in the app), and the
recommendations brief built from them."""

from __future__ import annotations

import json
import math
from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from knowledge.stemming import content_tokens, stem
from knowledge.text import fold

from .data import Catalog, add_months, spanish_date
from .escape import shorten
from .model import Brief, Chart, Facts, Section, Source, Table, Text, safe_filename, source_of

# An app update: {"status": ..., "comment": ..., "user": ..., "at": "2025-03-01T10:00:00"}.
UpdatesFor = Callable[[dict[str, Any]], list[dict[str, Any]]]

STATUS_ORDER = ("no iniciado", "sin información", "en proceso", None, "ejecutado/culminado")
STATUS_LABELS = {
    "no iniciado": "No iniciado", "en proceso": "En proceso", "ejecutado/culminado": "Ejecutado o culminado",
    "sin información": "Sin información", None: "Sin seguimiento aún",
}
DONE = "ejecutado/culminado"


def units_of(value: Any) -> list[str]:
    """Responsible units stored as a JSON list or as plain text."""
    if not value:
        return []
    if isinstance(value, list):
        return [str(v) for v in value if v]
    text = str(value)
    if text.startswith("["):
        try:
            return [str(v) for v in json.loads(text) if v]
        except ValueError:
            pass
    return [text]


def status_label(status: str | None) -> str:
    return STATUS_LABELS.get(status, status or STATUS_LABELS[None])


def normalise_status(text: str | None) -> str | None:
    """An app update's status in the index's vocabulary."""
    key = fold(text or "")
    for status in ("no iniciado", "en proceso", "sin informacion"):
        if key.startswith(status):
            return "sin información" if status == "sin informacion" else status
    if key.startswith(("ejecutad", "culminad", "cumplid", "implementad")):
        return DONE
    return text or None


@dataclass
class Thread:
    """One recommendation as last seen, with what earlier reports and the app said about it."""
    row: dict[str, Any]
    history: list[dict[str, Any]] = field(default_factory=list)   # earlier rows, oldest first
    updates: list[dict[str, Any]] = field(default_factory=list)   # app updates, oldest first
    status: str | None = None
    due: date | None = None
    due_basis: str = ""
    overdue: bool = False
    period: str = ""

    @property
    def units(self) -> list[str]:
        return units_of(self.row.get("responsible"))

    def rows(self) -> list[dict[str, Any]]:
        return [*self.history, self.row]


def load_threads(cat: Catalog, today: date, updates_for: UpdatesFor | None = None,
                 files: list[str] | None = None) -> list[Thread]:
    """Every recommendation not followed up by a later report, with its history."""
    recs = cat.rows("select * from recommendations order by file, list_kind, number")
    if files is not None:
        wanted = set(files)
    by_id = {r["id"]: r for r in recs}
    successors: dict[int, list[int]] = defaultdict(list)
    predecessors: dict[int, list[int]] = defaultdict(list)
    for link in cat.rows("select from_id, to_id from recommendation_links"):
        if link["from_id"] in by_id and link["to_id"] in by_id:
            successors[link["from_id"]].append(link["to_id"])
            predecessors[link["to_id"]].append(link["from_id"])
    threads = []
    for rec in recs:
        if successors.get(rec["id"]) or (files is not None and rec["file"] not in wanted):
            continue
        history = _history(rec["id"], by_id, predecessors, cat)
        threads.append(_thread(cat, rec, history, today, updates_for))
    return threads


def _history(rec_id: int, by_id: dict, predecessors: dict, cat: Catalog) -> list[dict[str, Any]]:
    seen: set[int] = set()
    todo = list(predecessors.get(rec_id, []))
    while todo:
        rid = todo.pop()
        if rid in seen or rid == rec_id:
            continue
        seen.add(rid)
        todo.extend(predecessors.get(rid, []))
    rows = [by_id[i] for i in seen]
    return sorted(rows, key=lambda r: (cat.report_date(cat.by_file.get(r["file"], {})) or date.min, r["id"]))


def _thread(cat: Catalog, rec: dict, history: list[dict], today: date,
            updates_for: UpdatesFor | None) -> Thread:
    doc = cat.by_file.get(rec["file"], {})
    thread = Thread(row=rec, history=history, period=doc.get("period") or "")
    thread.status = rec.get("status") if rec.get("list_kind") != "nueva" else None
    if updates_for is not None:
        thread.updates = sorted(updates_for(rec) or [], key=lambda u: str(u.get("at") or ""))
        if thread.updates:
            thread.status = normalise_status(thread.updates[-1].get("status"))
    origin = history[0] if history else rec
    plazo = origin.get("plazo_meses") if origin.get("plazo_meses") is not None else rec.get("plazo_meses")
    origin_doc = cat.by_file.get(origin["file"], {})
    start = cat.report_date(origin_doc)
    if plazo is not None and start is not None:
        thread.due = add_months(start, plazo)
        thread.due_basis = f"plazo de {_months(plazo)} desde el informe {origin_doc.get('period') or ''}".strip()
        thread.overdue = thread.due < today and thread.status != DONE
    return thread


def _months(value: float) -> str:
    n = int(value) if float(value).is_integer() else value
    return f"{n} mes" if n == 1 else f"{n} meses"


def sort_key(t: Thread) -> tuple:
    order = STATUS_ORDER.index(t.status) if t.status in STATUS_ORDER else 3
    return (not t.overdue, order, t.due or date.max, t.period, t.row.get("number") or 0)


def aggregate_sources(cat: Catalog, rows: list[dict[str, Any]]) -> list[Source]:
    """One source per table/section a set of rows comes from, spanning their lines."""
    spans: dict[tuple[str, str], list[int]] = {}
    for r in rows:
        key = (r["file"], r.get("locator") or "")
        lo, hi = r.get("line_start") or 0, r.get("line_end") or r.get("line_start") or 0
        span = spans.setdefault(key, [lo, hi])
        span[0], span[1] = min(span[0], lo), max(span[1], hi)
    return [Source(f, cat.titles.get(f, f), loc, lo or None, hi or None) for (f, loc), (lo, hi) in spans.items()]


def history_text(t: Thread, cat: Catalog) -> str:
    steps = []
    for r in t.rows():
        period = cat.by_file.get(r["file"], {}).get("period") or r["file"]
        if r.get("list_kind") == "nueva":
            steps.append(f"{period}: nueva (n.° {r.get('number') or 's/n'})")
        else:
            steps.append(f"{period}: {r.get('status_raw') or status_label(r.get('status'))}")
    for u in t.updates:
        who = f" ({u['user']})" if u.get("user") else ""
        comment = f": {shorten(u.get('comment'), 80)}" if u.get("comment") else ""
        steps.append(f"app {str(u.get('at') or '')[:10]}{who}: {status_label(normalise_status(u.get('status')))}"
                     f"{comment}")
    return " → ".join(steps)


def recommendation_row(t: Thread, cat: Catalog, text_limit: int = 220) -> tuple[list[str | None], list[Source]]:
    r = t.row
    ref = f"{t.period} n.° {r.get('number') or 's/n'}"
    due = t.due.strftime("%d/%m/%Y") if t.due else None
    if due and t.overdue:
        due += " (vencida)"
    cells = [ref, shorten(r.get("text"), text_limit), "; ".join(t.units) or None, status_label(t.status), due,
             history_text(t, cat)]
    sources = [source_of(x, cat.titles) for x in t.rows()]
    return cells, sources


# ---- related recommendations (objective briefs) -------------------------------------------

def related(cat: Catalog, threads: list[Thread], texts: list[str], units: list[str],
            limit: int = 6) -> list[Thread]:
    """Recommendations that share distinctive words with an objective's titles and indicators,
    or name one of its responsible units; rare words weigh more than common ones."""
    if not threads:
        return []
    docs = [_stems(" ".join(filter(None, (t.row.get("text"), t.row.get("accion_clave"))))) for t in threads]
    df = Counter(s for d in docs for s in d)
    n = len(docs)
    target = _stems(" ".join(texts))
    wanted_units = {fold(u) for u in units if u}
    scored = []
    for t, stems_ in zip(threads, docs, strict=True):
        shared = target & stems_
        score = sum(math.log((n + 1) / df[s]) for s in shared)
        if wanted_units and wanted_units & {fold(u) for u in t.units}:
            score += 1.0
        if len(shared) >= 2 and score >= 2.5:
            scored.append((score, t))
    scored.sort(key=lambda x: -x[0])
    return [t for _, t in scored[:limit]]


def _stems(text: str) -> set[str]:
    return {stem(tok) for tok in content_tokens(text) if len(tok) > 3 and not tok.isdigit()}


# ---- the recommendations brief --------------------------------------------------------------

def recommendations_brief(cat: Catalog, today: date, updates_for: UpdatesFor | None = None,
                          periodo: str | None = None, estado: str | None = None,
                          unidad: str | None = None) -> Brief:
    threads = load_threads(cat, today, updates_for)
    filters = []
    if periodo:
        key = fold(periodo)
        threads = [t for t in threads if fold(t.period) == key]
        filters.append(f"período {periodo}")
    if estado:
        wanted = normalise_status(estado)
        threads = [t for t in threads if t.status == wanted or fold(status_label(t.status)).startswith(fold(estado))]
        filters.append(f"estado {estado}")
    if unidad:
        key = fold(unidad)
        threads = [t for t in threads if any(key in fold(u) for u in t.units)]
        filters.append(f"unidad «{unidad}»")
    threads.sort(key=sort_key)
    periods = sorted({t.period for t in threads if t.period})
    brief = Brief(
        kind="recomendaciones", title="Matriz de recomendaciones",
        subtitle=f"Informes: {', '.join(periods) or 'sin dato'} · estado al {spanish_date(today)}",
        filename=safe_filename("brief", "recomendaciones", today.isoformat()),
    )
    if filters:
        brief.notes.append("Filtro: " + ", ".join(filters) + ".")
    brief.notes.append("Cada recomendación aparece con su último estado: el que imprime el informe más reciente "
                       "que la sigue o, si existe, la última actualización registrada en la aplicación. "
                       "Vence al cierre del mes en que se cumple su plazo, contado desde la fecha del informe "
                       "que la formuló.")
    if not threads:
        brief.sections.append(Section("Recomendaciones", [Text("sin dato: no hay recomendaciones que cumplan "
                                                               "el filtro en el índice.")]))
        return brief
    sources = aggregate_sources(cat, [r for t in threads for r in t.rows()])
    brief.sections.append(_status_section(threads, sources))
    brief.sections.append(_units_section(threads, sources))
    table = Table(["Ref.", "Recomendación", "Responsable", "Estado", "Vence", "Historial"],
                  widths=[1.1, 3.4, 2.2, 1.2, 1.1, 2.6])
    for t in threads:
        cells, srcs = recommendation_row(t, cat)
        table.add(cells, srcs)
    brief.sections.append(Section("Recomendaciones, vencidas primero", [table]))
    return brief


def _status_section(threads: list[Thread], sources: list[Source]) -> Section:
    counts = Counter(t.status for t in threads)
    overdue = sum(t.overdue for t in threads)
    facts = Facts()
    present = [s for s in STATUS_ORDER if counts.get(s)] + [s for s in counts if s not in STATUS_ORDER]
    for status in present:
        facts.add(status_label(status), str(counts[status]), sources)
    facts.add("Total", str(len(threads)), sources)
    facts.add("Vencidas (sin culminar)", str(overdue), sources)
    done = counts.get(DONE, 0)
    facts.add("Ejecutadas o culminadas", f"{done} de {len(threads)} ({done / len(threads) * 100:.1f}%)", sources)
    chart = Chart("Recomendaciones por estado", [status_label(s) for s in present],
                  [("Recomendaciones", [float(counts[s]) for s in present])], unit="", sources=sources)
    return Section("Resumen por estado", [facts, chart])


def _units_section(threads: list[Thread], sources: list[Source]) -> Section:
    per_unit: dict[str, Counter] = defaultdict(Counter)
    for t in threads:
        for unit in t.units or ["sin dato"]:
            per_unit[unit][t.status] += 1
            per_unit[unit]["vencidas"] += t.overdue
    pending = lambda c: sum(v for k, v in c.items() if k not in (DONE, "vencidas"))  # noqa: E731
    units = sorted(per_unit, key=lambda u: (-per_unit[u]["vencidas"], -pending(per_unit[u]), u))[:15]
    table = Table(["Unidad responsable", "Pendientes", "Culminadas", "Vencidas", "Total"],
                  widths=[5, 1.2, 1.2, 1.2, 1])
    for unit in units:
        c = per_unit[unit]
        total = sum(v for k, v in c.items() if k != "vencidas")
        table.add([unit, str(pending(c)), str(c.get(DONE, 0)), str(c["vencidas"]), str(total)], sources)
    note = Text("Una recomendación a cargo de varias unidades cuenta para cada una.", style="note")
    return Section("Por unidad responsable", [table, note])
