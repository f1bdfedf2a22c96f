"""Recommendation follow-up: counts by status, report and unit, share executed, deadlines, the
history of each recommendation across reports and its latest status — including status updates
made later in the application, which the web layer passes in as plain dicts.

A *recommendation* here is either a report's own ("nueva") recommendation, followed by the rows
of later reports' follow-up tables linked to it (``recommendation_links``: from the "nueva" row
to the "seguimiento" row), or a follow-up row whose origin is not in the corpus.

App updates (``updates``) are dicts: ``{"recommendation_id": int | None, "key": str | None,
"status": str, "comment": str, "author": str, "at": "2025-06-30T10:00:00"}``; ``recommendation_id``
is any index id of the recommendation's rows, ``key`` is ``recommendation_key(row)`` (stable across
re-ingests of the same file). ``status`` is one of ``knowledge.records.STATUSES`` (other spellings
are normalised).

Main entry points: ``build_views(recommendations, links, documents, updates, today)``,
``status_counts(rows, by)``, ``share_executed(rows)``, ``overdue(views, when)``, ``load_views(store)``.
"""

from __future__ import annotations

import calendar
import re
from collections import defaultdict
from dataclasses import asdict, dataclass, field
from datetime import date
from typing import Any

from knowledge.records import STATUSES, json_list
from knowledge.store import Store
from knowledge.text import fold

from .summaries import Row, Source, fmt, load, period_key

EXECUTED = "ejecutado/culminado"
# How far along a status is, to pick the least advanced when one recommendation has several rows.
PROGRESS = {"no iniciado": 0, "sin información": 1, "en proceso": 2, EXECUTED: 3}
_MONTH_NAMES = [
    "enero",
    "febrero",
    "marzo",
    "abril",
    "mayo",
    "junio",
    "julio",
    "agosto",
    "septiembre",
    "octubre",
    "noviembre",
    "diciembre",
]
_MONTHS = {m: i for i, m in enumerate(_MONTH_NAMES, 1)} | {"setiembre": 9}


# ---- small helpers ----------------------------------------------------------------------------


def normalise_status(text: str | None) -> str:
    """A status as written by a report or a user into one of STATUSES."""
    t = fold(text or "")
    if not t:
        return "sin información"
    if "ejecut" in t or "culmin" in t or "implementad" in t or "cumplid" in t:
        return EXECUTED
    if "proceso" in t or "curso" in t:
        return "en proceso"
    if "no inici" in t or "pendiente" in t:
        return "no iniciado"
    if t in STATUSES:
        return t
    return "sin información"


def parse_month_year(text: str | None) -> date | None:
    """ "Septiembre 2024" → 2024-09-01 (the first day of the month: the report gives no day)."""
    m = re.search(r"([a-záéíóú]+)\s*(?:de\s+|del\s+)?((?:19|20)\d\d)", fold(text or ""))
    if not m or m.group(1) not in _MONTHS:
        m2 = re.search(r"((?:19|20)\d\d)-(\d\d)-(\d\d)", text or "")
        return date(int(m2.group(1)), int(m2.group(2)), int(m2.group(3))) if m2 else None
    return date(int(m.group(2)), _MONTHS[m.group(1)], 1)


def add_months(start: date, months: float) -> date:
    """``start`` plus a plazo in months (a fraction of a month counts as days of 30)."""
    whole = int(months)
    y, m = divmod(start.month - 1 + whole, 12)
    year, month = start.year + y, m + 1
    day = min(start.day, calendar.monthrange(year, month)[1])
    result = date(year, month, day)
    extra = round((months - whole) * 30)
    return date.fromordinal(result.toordinal() + extra) if extra else result


def units(row: Row) -> list[str]:
    return [str(u) for u in json_list(row.get("responsible"))]


def recommendation_key(row: Row) -> str:
    """A key that survives re-ingesting the same file (index ids do not)."""
    number = row.get("number")
    tail = str(number) if number is not None else f"L{row.get('line_start')}"
    return f"{row.get('file')}#{row.get('list_kind')}#{tail}"


def report_dates(documents: list[Row]) -> dict[str, date | None]:
    return {d["file"]: parse_month_year(d.get("date")) for d in documents}


# ---- views ------------------------------------------------------------------------------------


@dataclass
class StatusEvent:
    status: str
    status_raw: str
    comment: str
    origin: str  # "informe" or "aplicación"
    period: str | None = None
    file: str | None = None
    at: str | None = None  # report date (YYYY-MM-DD) or the update's timestamp
    author: str | None = None
    source: Source | None = None
    units: list[str] = field(default_factory=list)


@dataclass
class RecommendationView:
    id: int | None
    key: str
    file: str
    period: str | None
    list_kind: str
    number: int | None
    text: str
    units: list[str]
    plazo_meses: float | None
    source: Source
    issued: str | None = None  # date the plazo is counted from (YYYY-MM-DD)
    issued_basis: str = ""  # why that date
    due: str | None = None
    history: list[StatusEvent] = field(default_factory=list)
    latest_status: str | None = None
    latest_statuses: list[str] = field(default_factory=list)
    overdue_today: bool | None = None
    overdue_at_followup: bool | None = None
    row_ids: list[int] = field(default_factory=list)
    explain: str = ""

    def as_dict(self) -> dict:
        return asdict(self)


def build_views(
    recommendations: list[Row],
    links: list[Row],
    documents: list[Row],
    updates: list[dict] | None = None,
    today: date | None = None,
) -> list[RecommendationView]:
    """One view per recommendation: its history across reports (the report that issued it, the
    follow-up rows of later reports linked to it) and app updates, its latest status and whether
    it is overdue (plazo counted from the issuing report's date) at the follow-up and today."""
    today = today or date.today()
    dates = report_dates(documents)
    by_id = {r["id"]: r for r in recommendations if r.get("id") is not None}
    followers: dict[int, list[Row]] = defaultdict(list)
    followed: set[int] = set()
    for link in links:
        src, dst = by_id.get(link.get("from_id")), by_id.get(link.get("to_id"))
        if src and dst:
            followers[src["id"]].append(dst)
            followed.add(dst["id"])
    views = []
    kind_order = {"seguimiento": 0, "nueva": 1}
    for r in sorted(
        recommendations,
        key=lambda r: (
            period_key(r.get("period")),
            r["file"],
            kind_order.get(r.get("list_kind"), 2),
            r.get("number") or 0,
            r["line_start"],
        ),
    ):
        if r.get("id") in followed:
            continue  # shown in the history of the recommendation it follows up
        views.append(_view(r, followers.get(r.get("id"), []), dates))
    _apply_updates(views, updates or [])
    for v in views:
        _deadlines(v, dates, today)
        v.explain = _view_text(v, today)
    return views


def _view(root: Row, later: list[Row], dates: dict[str, date | None]) -> RecommendationView:
    v = RecommendationView(
        root.get("id"),
        recommendation_key(root),
        root["file"],
        root.get("period"),
        root.get("list_kind") or "",
        root.get("number"),
        root.get("text") or "",
        units(root),
        root.get("plazo_meses"),
        Source.of(root),
        row_ids=[root["id"]] if root.get("id") else [],
    )
    if root.get("list_kind") == "seguimiento" or root.get("status"):
        v.history.append(_event(root, dates))
    for row in sorted(later, key=lambda r: (period_key(r.get("period")), r["line_start"])):
        v.history.append(_event(row, dates))
        if row.get("id") is not None:
            v.row_ids.append(row["id"])
    _latest(v)
    return v


def _event(row: Row, dates: dict[str, date | None]) -> StatusEvent:
    when = dates.get(row["file"])
    return StatusEvent(
        row.get("status") or "sin información",
        row.get("status_raw") or "",
        row.get("comment") or "",
        "informe",
        row.get("period"),
        row["file"],
        when.isoformat() if when else None,
        None,
        Source.of(row),
        units(row),
    )


def _latest(v: RecommendationView) -> None:
    if not v.history:
        v.latest_status, v.latest_statuses = None, []
        return
    last = v.history[-1]
    if last.origin == "aplicación":
        v.latest_status, v.latest_statuses = last.status, [last.status]
        return
    same_report = [e for e in v.history if e.origin == "informe" and e.file == last.file]
    statuses = [e.status for e in same_report]
    v.latest_statuses = statuses
    v.latest_status = min(statuses, key=lambda s: PROGRESS.get(s, 1))


def _apply_updates(views: list[RecommendationView], updates: list[dict]) -> None:
    by_id = {i: v for v in views for i in v.row_ids}
    by_key = {v.key: v for v in views}
    for u in sorted(updates, key=lambda u: str(u.get("at") or "")):
        v = by_id.get(u.get("recommendation_id")) or by_key.get(u.get("key") or "")
        if v is None:
            continue
        v.history.append(
            StatusEvent(
                normalise_status(u.get("status")),
                u.get("status") or "",
                u.get("comment") or "",
                "aplicación",
                at=str(u.get("at") or "") or None,
                author=u.get("author"),
            )
        )
        _latest(v)


def _deadlines(v: RecommendationView, dates: dict[str, date | None], today: date) -> None:
    issued = dates.get(v.file)
    if v.list_kind == "nueva":
        v.issued_basis = "fecha del informe que la emitió"
    else:
        v.issued_basis = (
            "la fecha de emisión no está en el corpus: se cuenta desde la fecha del informe que la lista"
        )
    if issued is None:
        v.issued_basis = "el informe no indica su fecha"
        return
    v.issued = issued.isoformat()
    if v.plazo_meses is None:
        return
    due = add_months(issued, v.plazo_meses)
    v.due = due.isoformat()
    done = v.latest_status == EXECUTED
    v.overdue_today = (due < today) and not done
    later = [e for e in v.history if e.origin == "informe" and e.file != v.file and e.at]
    if later:
        first_at = min(e.at for e in later)
        at_followup = [e for e in later if e.at == first_at]
        v.overdue_at_followup = date.fromisoformat(first_at) > due and any(
            e.status != EXECUTED for e in at_followup
        )


def _view_text(v: RecommendationView, today: date) -> str:
    label = f"Recomendación {v.number}" if v.number is not None else "Recomendación"
    text = (
        f"{label} ({v.period}, "
        f"{'propia del informe' if v.list_kind == 'nueva' else 'en seguimiento'}): «{v.text}»"
    )
    if v.units:
        text += f"; responsable: {', '.join(v.units)}"
    if v.plazo_meses is not None:
        text += f"; plazo {fmt(v.plazo_meses)} meses"
    if v.due:
        text += f" contados desde {v.issued} ({v.issued_basis}) → vence el {v.due}"
    text += f". Fuente: {v.source.cite()}."
    for e in v.history:
        where = (
            e.source.cite()
            if e.source
            else f"actualización en la aplicación del {e.at}" + (f" por {e.author}" if e.author else "")
        )
        comment = e.comment.strip().rstrip(".")
        text += f" Estado «{e.status_raw or e.status}» ({where})" + (f": {comment}" if comment else "") + "."
    if not v.history:
        text += " Aún no tiene seguimiento en un informe posterior ni en la aplicación."
    if v.latest_status:
        text += f" Último estado: {v.latest_status}"
        if len(set(v.latest_statuses)) > 1:
            text += (
                " (el último informe da estados distintos por unidad: "
                f"{', '.join(v.latest_statuses)}; se toma el menos avanzado)"
            )
        text += "."
    if v.overdue_at_followup is not None:
        text += (
            " Al informe de seguimiento ya había vencido sin ejecutarse."
            if v.overdue_at_followup
            else " Al informe de seguimiento aún estaba en plazo o ya ejecutada."
        )
    if v.overdue_today is not None:
        if v.overdue_today:
            text += f" Al {today.isoformat()} el plazo venció sin registro de ejecución."
        else:
            text += f" Al {today.isoformat()} no está vencida" + (
                " (está ejecutada)." if v.latest_status == EXECUTED else "."
            )
    return text


# ---- counts -----------------------------------------------------------------------------------


def status_counts(rows: list[Row], by: str = "status") -> dict[str, Any]:
    """Recommendations with a status (follow-up rows as each report prints them) counted by
    ``status`` ({status: n}), ``report`` or ``unit`` ({period or unit: {status: n}}; a row with two
    units counts for each). ``numbers`` has the recommendation numbers in the same shape."""
    rows = [r for r in rows if r.get("list_kind") == "seguimiento" or r.get("status")]
    counts: dict[str, dict[str, list]] = defaultdict(lambda: defaultdict(list))
    for r in rows:
        status = r.get("status") or "sin información"
        keys = {
            "status": [status],
            "report": [r.get("period") or r["file"]],
            "unit": units(r) or ["sin unidad"],
        }[by]
        for k in keys:
            counts[k][status].append(r.get("number"))
    table: dict[str, Any] = {k: {s: len(v) for s, v in d.items()} for k, d in counts.items()}
    numbers: dict[str, Any] = {k: dict(d) for k, d in counts.items()}
    text = "; ".join(f"{k}: " + ", ".join(f"{s} {n}" for s, n in d.items()) for k, d in table.items())
    if by == "status":  # one level is enough: status -> count / numbers
        table = {k: d[k] for k, d in table.items()}
        numbers = {k: d[k] for k, d in numbers.items()}
        text = ", ".join(
            f"{k}: {n} (n.° {', '.join(str(x) for x in numbers[k] if x is not None)})"
            for k, n in table.items()
        )
    sources = [Source.of(r) for r in rows]
    return {
        "by": by,
        "counts": table,
        "numbers": numbers,
        "total": len(rows),
        "sources": sources,
        "explain": (
            f"Recomendaciones en seguimiento ({len(rows)} filas de las tablas de seguimiento): {text}."
        ),
    }


def share_executed(rows: list[Row]) -> dict[str, Any]:
    """Executed / recommendations in follow-up × 100, per report."""
    out = {}
    for period, group in _by_report(rows).items():
        executed = [r for r in group if r.get("status") == EXECUTED]
        total = len(group)
        share = len(executed) / total * 100 if total else None
        src = Source.span(group)
        out[period] = {
            "executed": len(executed),
            "total": total,
            "share": share,
            "numbers": [r.get("number") for r in executed],
            "source": src,
            "explain": (
                f"{period}: {len(executed)} de {total} recomendaciones en seguimiento están "
                f"ejecutadas/culminadas = {fmt(round(share, 2)) if share is not None else 'sin dato'}%"
                f" (ejecutadas / total × 100; {src.cite() if src else ''})."
            ),
        }
    return out


def _by_report(rows: list[Row]) -> dict[str, list[Row]]:
    groups: dict[str, list[Row]] = defaultdict(list)
    for r in rows:
        if r.get("list_kind") == "seguimiento":
            groups[r.get("period") or r["file"]].append(r)
    return dict(sorted(groups.items(), key=lambda kv: period_key(kv[0])))


def overdue(views: list[RecommendationView], at_followup: bool = False) -> list[RecommendationView]:
    """Views overdue today (or, with ``at_followup``, already overdue at the next report)."""
    flag = "overdue_at_followup" if at_followup else "overdue_today"
    return [v for v in views if getattr(v, flag)]


def by_status(views: list[RecommendationView], status: str) -> list[RecommendationView]:
    wanted = normalise_status(status)
    return [v for v in views if v.latest_status == wanted]


# ---- store conveniences --------------------------------------------------------------------------


def load_views(
    store: Store, updates: list[dict] | None = None, today: date | None = None
) -> list[RecommendationView]:
    return build_views(
        load(store, "recommendations"),
        store.rows("select * from recommendation_links"),
        store.documents(),
        updates,
        today,
    )
