"""The tracker's read side: every recommendation of the index as one tracked item, with the
status each report printed for it, the updates made in the app, its due date and whether it is
overdue.

An item is a recommendation row that no later row follows up (``recommendation_links`` points
from a new recommendation to the rows of a later report's follow-up matrix that report on it).
Items are keyed by what survives a re-ingest — report kind, period, list and number — plus a
fingerprint of the normalised text; never by the index's autoincrement ids.
"""

from __future__ import annotations

import calendar
import hashlib
import re
import sqlite3
from collections import defaultdict
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from knowledge.records import STATUSES, json_list
from knowledge.store import Store
from knowledge.text import clean, fold

from .db import connect
from .status import resolve as resolve_status

DONE = "ejecutado/culminado"
UNRECORDED = "sin registrar"
STATUS_LABELS = {"no iniciado": "No iniciado", "en proceso": "En proceso", DONE: "Ejecutado/Culminado",
                 "sin información": "Sin información", UNRECORDED: "Sin registrar"}
# How a printed or typed status reads once folded (lower case, no accents).
_STATUS_WORDS = {"no iniciado": "no iniciado", "no iniciada": "no iniciado", "en proceso": "en proceso",
                 "en curso": "en proceso", "ejecutado": DONE, "ejecutada": DONE, "culminado": DONE,
                 "culminada": DONE, "ejecutado/culminado": DONE, "ejecutado / culminado": DONE,
                 "implementado": DONE, "implementada": DONE, "sin informacion": "sin información",
                 "sin registrar": UNRECORDED}
_MONTHS = {"enero": 1, "febrero": 2, "marzo": 3, "abril": 4, "mayo": 5, "junio": 6, "julio": 7,
           "agosto": 8, "septiembre": 9, "setiembre": 9, "octubre": 10, "noviembre": 11, "diciembre": 12}
_DATE_RE = re.compile(r"\b(" + "|".join(_MONTHS) + r")\b\W*(?:del?\s+)?(?:ano\s+)?((?:19|20)\d\d)\b")
_ISO_MONTH_RE = re.compile(r"\b((?:19|20)\d\d)-(\d\d)\b")

SORTS = ("informe", "numero", "vencimiento", "estado", "unidad", "actualizacion")


# ---- small pure helpers -------------------------------------------------------------------------

def normalise_status(text: str | None) -> str | None:
    """One of knowledge.records.STATUSES (or UNRECORDED) for a printed or typed status; None if unknown."""
    if not text:
        return None
    folded = fold(text).strip(" .")
    if folded in _STATUS_WORDS:
        return _STATUS_WORDS[folded]
    return next((s for s in STATUSES if fold(s) == folded), None)


def status_label(status: str | None) -> str:
    return STATUS_LABELS.get(status or UNRECORDED, status or STATUS_LABELS[UNRECORDED])


def parse_report_date(text: str | None) -> date | None:
    """First day of the month a report is dated ("Abril 2025", "setiembre de 2024", "2025-04")."""
    if not text:
        return None
    folded = fold(text)
    m = _DATE_RE.search(folded)
    if m:
        return date(int(m.group(2)), _MONTHS[m.group(1)], 1)
    m = _ISO_MONTH_RE.search(folded)
    if m and 1 <= int(m.group(2)) <= 12:
        return date(int(m.group(1)), int(m.group(2)), 1)
    return None


def due_date(start: date | None, months: float | None) -> date | None:
    """Last day of the month ``months`` after ``start``: a plazo counts whole months from the report."""
    if start is None or months is None or months < 0:
        return None
    total = start.month - 1 + round(months)
    year, month = start.year + total // 12, total % 12 + 1
    return date(year, month, calendar.monthrange(year, month)[1])


def fingerprint(text: str | None) -> str:
    """A short hash of the text with case, accents, markup, spacing and punctuation removed."""
    letters = re.sub(r"[^a-z0-9]", "", fold(clean(text or "")))
    return hashlib.sha1(letters.encode()).hexdigest()[:16]


def slug(text: str | None) -> str:
    return re.sub(r"[^a-z0-9]+", "-", fold(text or "")).strip("-")


def combine_statuses(statuses: list[str | None]) -> str | None:
    """One status for the rows a report prints for one recommendation (one row per unit): all the
    same → that one; "sin información" yields to any known status; otherwise it is partly done."""
    known = {s for s in statuses if s}
    if len(known) > 1:
        known.discard("sin información")
    if not known:
        return None
    return known.pop() if len(known) == 1 else "en proceso"


def units(value: Any) -> list[str]:
    """Responsible units stored as a JSON array (or a plain string)."""
    return [str(v) for v in json_list(value) if v]


def local_zone(name: str | None) -> ZoneInfo | None:
    try:
        return ZoneInfo(name or "America/Lima")
    except (ZoneInfoNotFoundError, ValueError):
        return None


def local_time(iso: str, zone: ZoneInfo | None) -> str:
    """"2025-05-02 09:14" in the service's time zone (UTC when the zone is unknown)."""
    moment = datetime.fromisoformat(iso)
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    if zone is not None:
        return moment.astimezone(zone).strftime("%Y-%m-%d %H:%M")
    return moment.astimezone(UTC).strftime("%Y-%m-%d %H:%M UTC")


# ---- items from the index -----------------------------------------------------------------------

_BUILT: dict[tuple, list[dict[str, Any]]] = {}


def index_items(store: Store) -> list[dict[str, Any]]:
    """The tracked items of the index, with the status printed in each report; no app updates.

    Built once per index file (a re-ingest swaps the file, which changes the key) and handed out
    as fresh top-level dicts: the caller's status fields never leak into the next request."""
    try:
        st = store.db_file.stat()
        key: tuple | None = (str(store.db_file), st.st_ino, st.st_mtime_ns, st.st_size)
    except OSError:
        key = None
    built = _BUILT.get(key) if key else None
    if built is None:
        built = _build_index_items(store)
        if key:
            _BUILT.clear()
            _BUILT[key] = built
    return [dict(item) for item in built]


def _build_index_items(store: Store) -> list[dict[str, Any]]:
    docs = {d["file"]: d for d in store.documents()}
    recs = store.rows("select * from recommendations order by file, id")
    try:
        links = store.rows("select from_id, to_id, confidence from recommendation_links")
    except sqlite3.OperationalError:  # an index built before links existed
        links = []
    by_id = {r["id"]: r for r in recs}
    parent: dict[int, tuple[int, float | None]] = {}
    for link in sorted(links, key=lambda x: -(x["confidence"] or 0)):
        a, b = link["from_id"], link["to_id"]
        if a in by_id and b in by_id and a != b and b not in parent:
            parent[b] = (a, link["confidence"])
    follow: dict[int, list[tuple[dict, float | None]]] = defaultdict(list)
    roots = []
    for r in recs:
        root_id = _root(r["id"], parent)
        if root_id == r["id"]:
            roots.append(r)
        else:
            follow[root_id].append((r, parent[r["id"]][1]))
    items = [_item(r, follow[r["id"]], docs) for r in roots]
    _assign_keys(items)
    return items


def _root(rec_id: int, parent: dict[int, tuple[int, float | None]]) -> int:
    seen = {rec_id}
    while rec_id in parent:
        rec_id = parent[rec_id][0]
        if rec_id in seen:  # a cycle would be an extractor bug: stop where it closes
            break
        seen.add(rec_id)
    return rec_id


def _report(doc: dict[str, Any], file: str) -> dict[str, Any]:
    when = parse_report_date(doc.get("date"))
    return {"file": file, "title": doc.get("title") or file, "kind": doc.get("kind"),
            "period": doc.get("period"), "date": doc.get("date"),
            "date_iso": when.isoformat() if when else None}


def _printed(row: dict[str, Any], docs: dict[str, dict], confidence: float | None) -> dict[str, Any]:
    report = _report(docs.get(row["file"], {}), row["file"])
    status = normalise_status(row.get("status")) or normalise_status(row.get("status_raw"))
    return {
        "type": "informe", "date": report["date_iso"], "report": report, "index_id": row["id"],
        "list_kind": row.get("list_kind"), "number": row.get("number"), "status": status,
        "status_label": status_label(status) if status else None, "status_raw": row.get("status_raw"),
        "comment": row.get("comment"), "accion_clave": row.get("accion_clave"),
        "responsible": units(row.get("responsible")), "text": row.get("text"),
        "confidence": confidence, "source": _source(row),
    }


def _source(row: dict[str, Any]) -> dict[str, Any]:
    return {"file": row["file"], "line_start": row.get("line_start"), "line_end": row.get("line_end"),
            "locator": row.get("locator")}


def _item(root: dict[str, Any], follow: list[tuple[dict, float | None]],
          docs: dict[str, dict]) -> dict[str, Any]:
    printed = [_printed(root, docs, None)]
    printed += sorted((_printed(r, docs, c) for r, c in follow),
                      key=lambda e: (e["date"] or "", e["report"]["file"], e["source"]["line_start"] or 0))
    report = printed[0]["report"]
    all_units = list(dict.fromkeys(u for e in printed for u in e["responsible"]))
    plazo = root.get("plazo_meses")
    if plazo is None:
        plazo = next((r.get("plazo_meses") for r, _ in follow if r.get("plazo_meses") is not None), None)
    due = due_date(parse_report_date(report["date"]), plazo)
    status, status_date = None, None
    for file in dict.fromkeys(e["report"]["file"] for e in printed):  # reports in date order
        combined = combine_statuses([e["status"] for e in printed if e["report"]["file"] == file])
        if combined:
            status = combined
            status_date = next(e["date"] for e in printed if e["report"]["file"] == file)
    return {
        "key": "", "text_key": fingerprint(root.get("text")), "index_ids": [e["index_id"] for e in printed],
        "report": report, "list_kind": root.get("list_kind"), "number": root.get("number"),
        "aspecto": root.get("aspecto"), "text": root.get("text") or "",
        "accion_clave": root.get("accion_clave") or next((r.get("accion_clave") for r, _ in follow
                                                          if r.get("accion_clave")), None),
        "medio_verificacion": root.get("medio_verificacion"), "responsible": all_units,
        "plazo_meses": plazo, "due_date": due.isoformat() if due else None,
        "due_basis": "informe que la formula" if root.get("list_kind") == "nueva" else
                     "informe que la lista (la formulación original no está en los documentos)",
        "printed_status": status, "printed_status_date": status_date, "printed": printed,
        "source": _source(root), "last_update": None, "updates_count": 0,
    }


def _assign_keys(items: list[dict[str, Any]]) -> None:
    """kind-period-list-number, e.g. "informe-de-evaluacion-anual-2024-nueva-3"; the text
    fingerprint breaks a tie (a repeated or missing number)."""
    for item in items:
        r = item["report"]
        number = item["number"] if item["number"] is not None else f"t{item['text_key'][:8]}"
        item["key"] = "-".join(slug(str(x)) for x in (r["kind"] or "informe", r["period"] or "sin-periodo",
                                                         item["list_kind"] or "lista", number))
    counts: dict[str, int] = defaultdict(int)
    for item in items:
        counts[item["key"]] += 1
    for item in items:
        if counts[item["key"]] > 1:
            item["key"] += f"-{item['text_key'][:6]}"


# ---- app updates ----------------------------------------------------------------------------------

def resolve(rec_key: str, text_key: str, by_key: dict[str, dict],
            by_text: dict[str, list[dict]]) -> dict | None:
    """The item an update belongs to: same key and text; else the only item with that text (its
    number changed); else the same key (its text was cleaned differently); else none."""
    item = by_key.get(rec_key)
    if item is not None and item["text_key"] == text_key:
        return item
    same_text = by_text.get(text_key, [])
    if len(same_text) == 1:
        return same_text[0]
    return item


def _indexes(items: list[dict]) -> tuple[dict[str, dict], dict[str, list[dict]]]:
    by_text: dict[str, list[dict]] = defaultdict(list)
    for item in items:
        by_text[item["text_key"]].append(item)
    return {i["key"]: i for i in items}, by_text


def update_dict(row: sqlite3.Row | dict, zone: ZoneInfo | None = None) -> dict[str, Any]:
    return {"type": "actualizacion", "id": row["id"], "date": row["created_at"][:10],
            "created_at": row["created_at"], "when": local_time(row["created_at"], zone),
            "user": row["user_name"], "status": row["status"], "status_label": status_label(row["status"]),
            "comment": row["comment"]}


def attach_updates(items: list[dict], updates_db: Path | None, zone: ZoneInfo | None = None) -> None:
    """Each item's latest app update and count, then its current status."""
    if updates_db is not None:
        by_key, by_text = _indexes(items)
        rows = connect(updates_db).execute(
            "select u.*, g.n from status_updates u join (select max(id) as last_id, count(*) as n"
            " from status_updates group by rec_key, text_key) g on u.id = g.last_id").fetchall()
        for row in rows:
            item = resolve(row["rec_key"], row["text_key"], by_key, by_text)
            if item is None:
                continue
            item["updates_count"] += row["n"]
            if item["last_update"] is None or row["id"] > item["last_update"]["id"]:
                item["last_update"] = update_dict(row, zone)
    for item in items:
        _current_status(item)


def _current_status(item: dict[str, Any]) -> None:
    """The item's current status, decided by assistant.tracker.status.resolve (the one rule every
    surface uses), with the sentence that says where it comes from."""
    current = resolve_status(item)
    item["status"], item["status_date"], item["status_source"] = current.status, current.date, current.source
    item["status_label"] = status_label(current.status)
    item["status_text"] = current.describe()
    item["current"] = current.as_dict()


def item_updates(item: dict, items: list[dict], updates_db: Path, zone: ZoneInfo | None = None) -> list[dict]:
    """Every app update of one item, oldest first."""
    by_key, by_text = _indexes(items)
    rows = connect(updates_db).execute(
        "select * from status_updates where rec_key = ? or text_key = ? order by id",
        (item["key"], item["text_key"])).fetchall()
    mine = [r for r in rows if resolve(r["rec_key"], r["text_key"], by_key, by_text) is item]
    return [update_dict(r, zone) for r in mine]


def history(item: dict, updates: list[dict]) -> list[dict]:
    """Printed statuses and app updates in the order they happened."""
    events = [(e["date"] or "", 0, n, e) for n, e in enumerate(item["printed"])]
    events += [(u["date"], 1, u["id"], u) for u in updates]
    return [e for *_, e in sorted(events, key=lambda x: x[:3])]


def load(store: Store, updates_db: Path | None, today: date, zone: ZoneInfo | None = None) -> list[dict]:
    """All items with their current status and whether they are overdue on ``today``."""
    items = index_items(store)
    attach_updates(items, updates_db, zone)
    for item in items:
        item["overdue"] = bool(item["due_date"] and today.isoformat() > item["due_date"]
                               and item["status"] != DONE)
    return items


def find(items: list[dict], ident: str) -> dict | None:
    """An item by its key, or by the index id of any of its rows (ids change on re-ingest; keys don't)."""
    for item in items:
        if item["key"] == ident:
            return item
    if ident.isascii() and ident.isdigit():  # "¹".isdigit() is true too
        return next((i for i in items if int(ident) in i["index_ids"]), None)
    return None


# ---- filters and order ------------------------------------------------------------------------------

def filter_items(items: list[dict], report: str | None = None, unit: str | None = None,
                 status: str | None = None, overdue: bool | None = None, q: str | None = None) -> list[dict]:
    out = items
    if report:
        out = [i for i in out if report in (i["report"]["file"], i["report"]["period"])]
    if unit:
        wanted = fold(unit)
        out = [i for i in out if any(wanted in fold(u) for u in i["responsible"])]
    if status:
        wanted_status = normalise_status(status)
        if wanted_status == UNRECORDED:
            out = [i for i in out if i["status"] is None]
        else:
            out = [i for i in out if i["status"] == wanted_status]
    if overdue is not None:
        out = [i for i in out if i["overdue"] == overdue]
    if q and q.strip():
        words = fold(q).split()
        out = [i for i in out if all(w in _haystack(i) for w in words)]
    return out


def _haystack(item: dict) -> str:
    parts = [item["key"], item["text"], item["aspecto"] or "", item["accion_clave"] or "",
             item["medio_verificacion"] or "", " ".join(item["responsible"]), str(item["number"] or "")]
    parts += [e.get("comment") or "" for e in item["printed"]]
    if item["last_update"]:
        parts.append(item["last_update"]["comment"])
    return fold(" ".join(parts))


_STATUS_ORDER = {"no iniciado": 0, "sin información": 1, "en proceso": 2, DONE: 3, None: -1}


def sort_items(items: list[dict], by: str = "informe", descending: bool = False) -> list[dict]:
    def natural(i: dict) -> tuple:
        return (i["report"]["date_iso"] or "", i["report"]["file"], i["list_kind"] != "nueva",
                i["number"] if i["number"] is not None else 10**6)

    keys = {
        "informe": natural,
        "numero": lambda i: (i["number"] if i["number"] is not None else 10**6, natural(i)),
        "vencimiento": lambda i: (i["due_date"] or "9999", natural(i)),
        "estado": lambda i: (_STATUS_ORDER.get(i["status"], -1), natural(i)),
        "unidad": lambda i: (fold(i["responsible"][0]) if i["responsible"] else "~", natural(i)),
        "actualizacion": lambda i: ((i["last_update"] or {}).get("created_at", ""), natural(i)),
    }
    return sorted(items, key=keys.get(by, natural), reverse=descending)


def facets(items: list[dict]) -> dict[str, list]:
    """Values offered by the filter form."""
    reports = {}
    for i in items:
        r = i["report"]
        reports.setdefault(r["file"], {"file": r["file"], "title": r["title"], "period": r["period"]})
    unit_names = sorted({u for i in items for u in i["responsible"]}, key=fold)
    statuses = [{"value": s, "label": status_label(s)} for s in (*STATUSES, UNRECORDED)]
    return {"reports": list(reports.values()), "units": unit_names, "statuses": statuses}
