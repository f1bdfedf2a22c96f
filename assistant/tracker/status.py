"""The one place that decides a recommendation's current status.

A recommendation's status is printed by every report that follows it up (a 2024-S1
recommendation is followed in the 2024 matrix, possibly under another number and once per
responsible unit) and updated by editors in the app. Every surface — chat answers, briefs, the
tracker page, its CSV and the API — reads the status through ``resolve`` (one tracked item) or
``CurrentStatuses.for_row`` (one printed row of a report), so they cannot disagree, and each says
where the status comes from: "Ejecutado/Culminado, actualizado por ana el 04/12/2026; el informe
2024 imprimía En proceso".

Rule: the latest app update wins over a report printed before (or in the month of) the update;
a report dated after the update — a newer report ingested later — wins over it. Among reports,
the latest one that prints a status for the recommendation wins (its rows combined with
``combine_statuses``).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from knowledge.store import Store

UPDATE = "actualizacion"
REPORT = "informe"


def label_of(status: str | None) -> str:
    from .items import status_label

    return status_label(status)


@dataclass(frozen=True)
class CurrentStatus:
    """A current status and its origin. ``status`` is one of knowledge.records.STATUSES or None."""

    status: str | None
    source: str | None  # UPDATE, REPORT or None (nothing recorded)
    date: str | None  # ISO date of the update, or of the report that printed it
    user: str | None = None  # editor who recorded the update
    comment: str | None = None
    printed_status: str | None = None  # what the latest report printed (the row's own, for a row)
    printed_period: str | None = None  # that report's period ("2024", "2024-S1")

    @property
    def label(self) -> str:
        return label_of(self.status)

    @property
    def printed_label(self) -> str | None:
        return label_of(self.printed_status) if self.printed_status else None

    @property
    def from_update(self) -> bool:
        return self.source == UPDATE

    @property
    def changed_by_update(self) -> bool:
        """An editor's update gives a status other than the one the latest report printed."""
        return self.from_update and self.status != self.printed_status

    def origin(self) -> str:
        """Where the status comes from, without the status itself."""
        if self.source == UPDATE:
            text = f"actualizado por {self.user or 'un editor'} el {spanish_day(self.date)}"
            if self.printed_status:
                text += f"; el informe {self.printed_period or ''} imprimía {self.printed_label}".replace("  ", " ")
            else:
                text += "; ningún informe le daba estado"
            return text
        if self.source == REPORT:
            return f"según el informe {self.printed_period}" if self.printed_period else "según el informe"
        return "ningún informe le da estado y no tiene actualizaciones en la aplicación"

    def describe(self) -> str:
        """"Ejecutado/Culminado, actualizado por ana el 04/12/2026; el informe 2024 imprimía En proceso"."""
        return f"{self.label}, {self.origin()}"

    def as_dict(self) -> dict[str, Any]:
        return {"status": self.status, "label": self.label, "source": self.source, "date": self.date,
                "user": self.user, "comment": self.comment, "printed_status": self.printed_status,
                "printed_period": self.printed_period, "origin": self.origin(), "text": self.describe()}


def spanish_day(iso: str | None) -> str:
    """"2026-12-04" → "04/12/2026"."""
    if not iso or len(iso) < 10:
        return iso or "fecha sin registrar"
    y, m, d = iso[:10].split("-")
    return f"{d}/{m}/{y}"


def _latest_printed(item: dict[str, Any]) -> tuple[str | None, str | None]:
    """The period of the latest report that printed a status for the item (its rows combined)."""
    date_ = item.get("printed_status_date")
    periods = [e["report"].get("period") for e in item.get("printed", [])
               if e.get("status") and e.get("date") == date_]
    return (periods[-1] if periods else None), date_


def resolve(item: dict[str, Any]) -> CurrentStatus:
    """The current status of one tracked item (assistant.tracker.items: ``printed_status``,
    ``printed_status_date``, ``printed`` and ``last_update``)."""
    update = item.get("last_update")
    printed, printed_date = item.get("printed_status"), item.get("printed_status_date")
    period, _ = _latest_printed(item)
    if update and (printed is None or printed_date is None or _update_day(update) >= printed_date):
        return CurrentStatus(update["status"], UPDATE, _update_day(update), update.get("user"),
                             update.get("comment"), printed, period)
    if printed:
        return CurrentStatus(printed, REPORT, printed_date, printed_status=printed, printed_period=period)
    return CurrentStatus(None, None, None)


def _update_day(update: dict[str, Any]) -> str:
    """The update's day in the service's time zone ("when" is local), else its UTC day."""
    when = update.get("when") or ""
    return when[:10] if len(when) >= 10 and when[4] == "-" else update["date"]


class CurrentStatuses:
    """Current statuses of every tracked item, looked up by item key or by a printed row."""

    def __init__(self, items: list[dict[str, Any]]):
        self.items = items
        self.memo: dict[Any, Any] = {}  # derived results that live as long as these statuses
        self._by_row = {rid: item for item in items for rid in item["index_ids"]}

    def item_of(self, row_id: int) -> dict[str, Any] | None:
        return self._by_row.get(row_id)

    def for_item(self, item: dict[str, Any]) -> CurrentStatus:
        return resolve(item)

    def for_row(self, row: dict[str, Any]) -> CurrentStatus:
        """The current status of a recommendation as one report's row shows it: the item's when an
        update or a later report supersedes the row; otherwise the status the row itself printed (a
        report may print one row per responsible unit, each with its own status)."""
        item = self._by_row.get(row.get("id"))
        own = normalise(row.get("status"))
        period = row.get("period")
        if item is None:
            return CurrentStatus(own, REPORT if own else None, None, printed_status=own, printed_period=period)
        current = resolve(item)
        event = next((e for e in item["printed"] if e["index_id"] == row.get("id")), None)
        row_date = (event or {}).get("date") or ""
        later_report = current.source == REPORT and (current.date or "") > row_date
        if current.source == UPDATE:
            return CurrentStatus(current.status, UPDATE, current.date, current.user, current.comment,
                                 own if own else current.printed_status, period if own else current.printed_period)
        if later_report or not own:
            return current
        return CurrentStatus(own, REPORT, row_date or None, printed_status=own, printed_period=period)

    # ---- for answers that list a report's rows ------------------------------------------------

    def overlay(self, rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
        """Copies of recommendation rows whose ``status`` is the current one; ``printed_status``
        keeps what the report printed and ``current`` the CurrentStatus."""
        out = []
        for row in rows:
            current = self.for_row(row)
            out.append(row | {"status": current.status, "printed_status": normalise(row.get("status")),
                              "current": current})
        return out

    @staticmethod
    def note(rows: list[dict[str, Any]], statuses: list[str] | None = None) -> str:
        """A sentence on the rows (from ``overlay``) whose current status an editor's update set:
        those that no longer have an asked status first, then the others."""
        changed = [r for r in rows if isinstance(r.get("current"), CurrentStatus) and r["current"].from_update]
        if not changed:
            return ""
        wanted = set(statuses or [])
        left = [r for r in changed if wanted and r["printed_status"] in wanted and r["status"] not in wanted]
        rest = [r for r in changed if r not in left]
        parts = []
        if left:
            asked = " o ".join(label_of(s).lower() for s in statuses or [])
            parts.append(f"Ya no figuran como {asked} por una actualización registrada en la aplicación: "
                         + "; ".join(_ref(r) for r in left) + ".")
        if rest:
            parts.append("Estado actual según las actualizaciones registradas en la aplicación: "
                         + "; ".join(_ref(r) for r in rest) + ".")
        return " " + " ".join(parts)


def _ref(row: dict[str, Any]) -> str:
    number = f"N.º {row['number']}" if row.get("number") is not None else "Recomendación sin número"
    return f"{number}: {row['current'].describe()}"


def normalise(status: Any) -> str | None:
    from .items import normalise_status

    return normalise_status(status) if isinstance(status, str) else None


_cache: dict[tuple, CurrentStatuses] = {}


def current_statuses(store: Store, updates_db: Path | None, today: date | None = None) -> CurrentStatuses:
    """Every tracked item with its printed statuses and the editors' updates, ready for lookups
    (shared: do not modify the items). Kept while the index file, the last update and the day stay
    the same. A missing or unreadable editor database leaves the printed statuses."""
    from .db import connect
    from .items import load

    db = updates_db if updates_db is not None and Path(updates_db).exists() else None
    today = today or date.today()
    try:
        last = connect(db).execute("select max(id) from status_updates").fetchone()[0] if db else None
    except Exception:  # noqa: BLE001 - an unreadable editor DB must not stop answers; printed statuses stand
        db, last = None, None
    stat = Path(store.db_file).stat()
    key = (str(store.db_file), stat.st_ino, stat.st_mtime_ns, stat.st_size, str(db), last, today)
    found = _cache.get(key)
    if found is None:
        try:
            found = CurrentStatuses(load(store, db, today))
        except Exception:  # noqa: BLE001 - as above
            found = CurrentStatuses(load(store, None, today))
        _cache.clear()
        _cache[key] = found
    return found
