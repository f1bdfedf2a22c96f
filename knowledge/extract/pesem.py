"""Objectives, indicators, targets and measurements of a PESEM follow-up report (CEPLAN).

The report prints markdown pipe tables with two header rows: a row of group labels
("Línea de Base", "Logros esperados", "Valor obtenido", "Avance Tipo 1 (%)", "UE" …) and a row
of years / sub-labels ("Valor", "Año", 2016 … 2021, "Tipo 1 (%)"). Either header row may carry
one blank cell too many (or too few), which shifts every label after it by one column, so the
column map of each header block is *chosen*: every way of dropping or adding one blank cell in
each header row is scored for header consistency (years increasing inside a group, years only
under year groups) and for agreement with the data rows under it (text under text labels,
numbers under numeric labels, nothing under unlabelled columns).

Rows come in three shapes: an OES title row ("OES. 1. Posicionar…") followed by indicator rows
("1.1 Intensidad…"), AES/OES rows with the code in the first column, and continuation rows
(empty code cell) that add a second indicator to the entity above. An indicator cell "---"
means the action has no indicator. Indicator cells carry their source ("… Fuente: PEI
2017-2019; y PEI 2020-2022"); a cell holding two "Fuente:" holds two indicators whose rows were
merged: the printed values go to the first one (they match it wherever the report prints the two
separately).

Each OES/AES table is printed up to three times (summary, section, annex). Records are
de-duplicated: an entity or indicator is one row (indicator provenance: the appearance with most
fields filled, normally the annex; entity provenance: the first row that prints its title); a
target or measurement is one row per (owner, indicator, metric, year, printed text), with the
provenance of its first appearance. When two appearances print different text for the same
figure both rows are kept, each with its own provenance. Entity titles printed differently in
another place are listed in the extra column ``title_variants`` (JSON).

Measurements (``period`` = the report's period, ``year`` = column year): ``valor_obtenido``,
``logro_esperado`` (also stored in ``targets``), ``avance_tipo1``, ``avance_tipo2``. An avance
cell left blank in a table that is followed by an asterisk note (the report explains there why
the avance cannot be computed) becomes a row with value None and the note as ``raw``.

Extra columns: indicators.fuente (source plan of a proxy indicator), indicators.ue (unidad
ejecutora as printed), entities.title_variants. ``responsible`` is a JSON list of the
"unidad orgánica responsable" acronyms, filled down over continuation rows of the same entity.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from functools import lru_cache
from itertools import product

from rapidfuzz import fuzz

from ..document import KIND_PESEM_REPORT, Document
from ..records import Records, Row, empty_records
from ..text import clean as _clean_text
from ..text import fold, leading_code, parse_number

KIND = KIND_PESEM_REPORT

clean = lru_cache(maxsize=8192)(_clean_text)

_YEAR_RE = re.compile(r"^(?:19|20)\d\d$")
_SEP_RE = re.compile(r"^:?-{2,}:?$")
_CAPTION_RE = re.compile(r"^(?:tabla|cuadro|anexo|gr[aá]fico)\s+\d+(?:\.\d+)*\b", re.I)
_ENTITY_HEAD_RE = re.compile(r"^\W*(?:OES|AES)\s*[.\s]?\s*\d{1,2}(?:\s*\.\s*\d{1,2})?\s*[.:\-–]?\s*", re.I)
_IND_CODE_RE = re.compile(r"^(\d{1,2}(?:\.\d{1,2})+)\.?\s+(?=\S)")
_FUENTE_RE = re.compile(r"\bfuente\s*:", re.I)
_SOURCE_THEN_NAME_RE = re.compile(
    r"^(.*?\b(?:19|20)\d\d\s*-\s*(?:(?:19|20)\d\d)?)\s+(?=[A-ZÁÉÍÓÚÑ])(.+)$")
_GROUP_ROW_RE = re.compile(r"^acciones\s+estrat", re.I)
_PROSE_ACTION_RE = re.compile(r"^acci[oó]n\s+estrat[eé]gica\s+(\d{1,2})\s*\.\s*(\d{1,2})\s*:\s*(.+)$", re.I)
_NON_VALUE_CELLS = {"---", "--", "-", "—", "–"}

# Roles a column can play, read from its two header labels.
TEXT_ROLES = {"code", "desc", "name", "ue", "unit"}
NUM_ROLES = {"lb_value", "le", "vo", "av1", "av2"}
Role = tuple[str | None, int | None, bool]  # (role, year label, consistent with its labels)


# ---- tables -------------------------------------------------------------------------------------


@dataclass
class Table:
    start: int  # first line (1-based)
    end: int
    rows: list[tuple[int, list[str]]]  # (line number, cleaned cells), separator rows dropped
    locator: str = ""
    note: str | None = None  # asterisk note printed after the table


def _cells(line: str) -> list[str]:
    if "\t" in line and not line.lstrip().startswith("|"):
        return [clean(c) for c in line.rstrip("\n").split("\t")]
    text = line.strip()
    if text.startswith("|"):
        text = text[1:]
    if text.endswith("|"):
        text = text[:-1]
    return [clean(c) for c in text.split("|")]


def _find_tables(doc: Document) -> list[Table]:
    tables: list[Table] = []
    current: Table | None = None
    for number, line in enumerate(doc.lines, start=1):
        if line.lstrip().startswith("|") or ("\t" in line and line.strip()):  # pipe rows, or tab rows (PDF)
            cells = _cells(line)
            if current is None:
                current = Table(number, number, [])
                tables.append(current)
            current.end = number
            if not all(_SEP_RE.match(c) or not c for c in cells) or not any(cells):
                current.rows.append((number, cells))
        else:
            current = None
    for i, table in enumerate(tables):
        table.locator = _locator(doc, tables, i)
        limit = tables[i + 1].start if i + 1 < len(tables) else len(doc.lines) + 1
        table.note = _note_after(doc, table, limit)
    return tables


def _locator(doc: Document, tables: list[Table], i: int) -> str:
    """The caption above a table; a table with no caption and no prose since the previous one
    is that table continued after a page break."""
    low = tables[i - 1].end if i else 0
    gap = [clean(doc.line(n)) for n in range(tables[i].start - 1, low, -1)]
    for text in gap:
        if _CAPTION_RE.match(text):
            return text
    if i and not any(len(t) > 100 for t in gap):
        return tables[i - 1].locator
    for text in gap:
        if text and len(text) <= 100 and not text.startswith(("-", "•", "✓")):
            return text
    return "Tabla sin título"


def _note_after(doc: Document, table: Table, limit: int) -> str | None:
    """An asterisk note in the stretch between a table and the next table, caption or heading."""
    for n in range(table.end + 1, limit):
        raw = doc.line(n).strip()
        text = clean(raw)
        if _CAPTION_RE.match(text) or raw.startswith(("•", "#")):
            return None
        bold_only = raw.startswith("**" + text + "**")
        if raw.startswith("*") and raw.endswith("*") and not bold_only and len(text) >= 30:
            return text.strip("* ")
    return None


# ---- header alignment ---------------------------------------------------------------------------


def _is_year(text: str) -> bool:
    return bool(_YEAR_RE.match(text))


def _is_header_row(cells: list[str]) -> bool:
    words = [fold(c) for c in cells if c]
    keys = ("indicador", "linea de base", "logros esperados", "valor obtenido", "avance", "codigo")
    return sum((w.startswith(keys) and len(w) < 40) or w in ("lb", "ue") for w in words) >= 2


def _is_year_row(cells: list[str]) -> bool:
    return sum(_is_year(c) for c in cells) >= 2 and not any(len(c) > 30 for c in cells)


@lru_cache(maxsize=4096)
def _role(group: str, sub: str) -> Role:
    """(role, year, consistent) of a column with group label ``group`` and sub label ``sub``."""
    g, s = fold(group), fold(sub)
    year = int(s) if _is_year(s) else None
    both = f"{g} | {s}"
    if not g and not s:
        return None, None, True
    if re.search(r"tipo\s*1\b", both):
        return "av1", year, True
    if re.search(r"tipo\s*2\b", both):
        return "av2", year, True
    if "logro" in g:
        return "le", year, year is not None
    if "valor obtenido" in g:
        return "vo", year, year is not None
    if "linea de base" in g or g == "lb":
        if s in ("ano", "año"):
            return "lb_year", None, True
        return "lb_value", year, year is not None or s in ("", "valor")
    if g.startswith("ue") or "ejecutora" in g:
        return "ue", None, year is None
    if "unidad" in g or "responsable" in g:
        return "unit", None, year is None
    if "codigo" in s:
        return "code", None, True
    if "descripcion" in s:
        return "desc", None, True
    if "indicador" in g:
        return "name", None, year is None
    if "oes" in g or "aes" in g:
        return "code", None, year is None
    return None, year, year is None


def _roles(h1: tuple[str, ...], h2: tuple[str, ...]) -> list[Role]:
    """Column roles: a column takes the group label above it, or the one to its left when its
    own sub label shows it is part of that group."""
    out = []
    group = ""
    for j in range(len(h1)):
        sub = h2[j] if j < len(h2) else ""
        if h1[j]:
            group = h1[j]
            out.append(_role(group, sub))
        elif sub:
            out.append(_role(group, sub))
        else:
            out.append((None, None, True))
    return out


def _cell_kind(cell: str) -> str:
    if not cell:
        return "empty"
    if cell in _NON_VALUE_CELLS or fold(cell) in ("nd", "nc", "s"):
        return "none"
    if _is_year(cell):
        return "year"
    if parse_number(cell) is not None:
        return "num"
    return "text"


_FIT = {  # score of a data cell kind under a column role
    "text": {"text": 1, "num": -2, "year": -2},
    "num": {"num": 1, "year": 1, "text": -2},
    "lb_year": {"year": 1, "num": -1, "text": -2},
    None: {"text": -1, "num": -1, "year": -1, "none": -1},
}


def _header_score(roles: list[Role], profile: list[dict[str, int]]) -> float:
    score = 0.0
    last: dict[str, int] = {}
    previous_role = None
    for j, (role, year, ok) in enumerate(roles):
        if not ok:
            score -= 3
        if role in ("le", "vo") and year is not None:
            if role == previous_role and year <= last.get(role, 0):
                score -= 3
            last[role] = year
        previous_role = role
        fit = _FIT["text"] if role in TEXT_ROLES else _FIT["num"] if role in NUM_ROLES else _FIT.get(role, {})
        if role is None:
            fit = _FIT[None]
        for kind, count in profile[j].items() if j < len(profile) else ():
            score += fit.get(kind, 0) * count
    return score


def _variants(row: list[str], width: int) -> list[tuple[tuple[str, ...], int]]:
    """The header row as printed, and with one blank cell dropped or added (cost 1)."""
    base = tuple((row + [""] * width)[:width])
    out = {base: 0}
    for i in range(1, width):
        if not base[i]:
            out.setdefault(base[:i] + base[i + 1:] + ("",), 1)
        if not base[-1]:
            out.setdefault(base[:i] + ("",) + base[i:-1], 1)
    return list(out.items())


def _column_map(h1: list[str], h2: list[str], data: list[list[str]]) -> list[Role]:
    width = max([len(h1), len(h2)] + [len(r) for r in data])
    profile: list[dict[str, int]] = [{} for _ in range(width)]
    for row in data:
        for j, cell in enumerate(row):
            kind = _cell_kind(cell)
            profile[j][kind] = profile[j].get(kind, 0) + 1
    best: tuple[float, list] | None = None
    for (a, ca), (b, cb) in product(_variants(h1, width), _variants(h2, width)):
        roles = _roles(a, b)
        score = _header_score(roles, profile) - 0.5 * (ca + cb)
        if best is None or score > best[0]:
            best = (score, roles)
    assert best is not None
    return best[1]


# ---- reading rows -------------------------------------------------------------------------------


@dataclass
class Appearance:
    """One printed row about one indicator (or an entity without indicator)."""

    owner: str
    line: int
    locator: str
    owner_title: str | None = None
    code: str | None = None
    name: str | None = None
    fuente: str | None = None
    lb_raw: str | None = None
    lb_year_raw: str | None = None
    le: dict[int, str] = field(default_factory=dict)
    vo: dict[int, str] = field(default_factory=dict)
    avance: list[tuple[str, int | None, str]] = field(default_factory=list)
    ue: str | None = None
    unit: str | None = None

    def filled(self) -> int:
        return sum(bool(x) for x in (self.lb_raw, self.lb_year_raw, self.ue, self.unit, self.le, self.vo))


def _entity_title(cell: str) -> str:
    return _ENTITY_HEAD_RE.sub("", cell).strip()


def _split_indicators(cell: str) -> list[tuple[str, str | None]]:
    """(name, fuente) pairs of an indicator cell; two "Fuente:" mean two merged indicators."""
    parts = _FUENTE_RE.split(cell)
    if len(parts) == 1:
        return [(cell.strip(), None)]
    out: list[tuple[str, str | None]] = []
    name = parts[0].strip()
    for k, part in enumerate(parts[1:], start=1):
        part = part.strip()
        m = _SOURCE_THEN_NAME_RE.match(part) if k < len(parts) - 1 else None
        if m:
            out.append((name, m.group(1).strip()))
            name = m.group(2).strip()
        else:
            out.append((name, part or None))
    return out


def _read_table(table: Table, doc_year: int | None) -> list[Appearance]:
    out: list[Appearance] = []
    rows = table.rows
    i = 0
    context: str | None = None  # entity of an OES title row ("OES. 1. Posicionar…")
    while i < len(rows):
        line, cells = rows[i]
        if _is_title_row(cells):
            context = leading_code(cells[0])
            assert context is not None
            out.append(Appearance(context, line, table.locator, owner_title=_entity_title(cells[0])))
            i += 1
            continue
        if not _is_header_row(cells):
            i += 1
            continue
        h1 = cells
        h2: list[str] = []
        j = i + 1
        if j < len(rows) and _is_year_row(rows[j][1]):
            h2 = rows[j][1]
            j += 1
        k = j
        while k < len(rows) and not _is_header_row(rows[k][1]) and not _is_title_row(rows[k][1]):
            k += 1
        block = rows[j:k]
        roles = _column_map(h1, h2, [c for _, c in block])
        out.extend(_read_block(block, roles, table, context, doc_year))
        i = k
    return out


def _is_title_row(cells: list[str]) -> bool:
    filled = [c for c in cells if c]
    return bool(cells and cells[0] and len(filled) == 1 and leading_code(cells[0])
                and not _GROUP_ROW_RE.match(fold(cells[0])))


def _read_block(block: list[tuple[int, list[str]]], roles: list, table: Table, context: str | None,
                doc_year: int | None) -> list[Appearance]:
    out: list[Appearance] = []
    owner = context
    ue = unit = None
    vo_years = [y for r, y, _ in roles if r == "vo" and y]
    default_year = max(vo_years) if vo_years else doc_year
    lb_label_year = next((y for r, y, _ in roles if r == "lb_value" and y), None)
    for line, cells in block:
        filled = [c for c in cells if c]
        if not filled or (len(filled) == 1 and _GROUP_ROW_RE.match(fold(filled[0]))):
            continue
        get = {}
        for j, (role, year, _) in enumerate(roles):
            cell = cells[j] if j < len(cells) else ""
            if role:
                get.setdefault(role, []).append((year, cell))
        code_cell = next((c for _, c in get.get("code", [])), "")
        title = next((c for _, c in get.get("desc", [])), "")
        row_code = leading_code(code_cell) if code_cell else None
        if row_code:
            owner, ue, unit = row_code, None, None
        if owner is None:
            continue
        name_cell = next((c for _, c in get.get("name", [])), "")
        ue = next((c for _, c in get.get("ue", []) if c), None) or ue  # merged cells: same as above
        unit = next((c for _, c in get.get("unit", []) if c), None) or unit
        base = Appearance(owner, line, table.locator, owner_title=title or None, ue=ue, unit=unit)
        if not name_cell or name_cell in _NON_VALUE_CELLS:
            out.append(base)
            continue
        for n, (name, fuente) in enumerate(_split_indicators(name_cell)):
            app = Appearance(owner, line, table.locator, owner_title=base.owner_title, fuente=fuente,
                             ue=ue, unit=unit)
            m = _IND_CODE_RE.match(name)
            app.code, app.name = (m.group(1), name[m.end():].strip()) if m else (None, name)
            if n == 0:  # a merged cell's values belong to its first indicator
                _read_values(app, get, lb_label_year, default_year, table.note)
            out.append(app)
    return out


def _read_values(app: Appearance, get: dict, lb_label_year: int | None, default_year: int | None,
                 note: str | None) -> None:
    app.lb_raw = next((c for _, c in get.get("lb_value", [])), None) or None
    app.lb_year_raw = next((c for _, c in get.get("lb_year", [])), None) or (
        str(lb_label_year) if lb_label_year and app.lb_raw else None)
    app.le = {y: c for y, c in get.get("le", []) if y and c}
    app.vo = {y: c for y, c in get.get("vo", []) if y and c}
    for metric, role in (("avance_tipo1", "av1"), ("avance_tipo2", "av2")):
        for year, cell in get.get(role, []):
            if cell:
                app.avance.append((metric, year or default_year, cell))
            elif note:
                app.avance.append((metric, year or default_year, note))


def _prose_titles(doc: Document) -> dict[str, tuple[str, int]]:
    """AES titles from the section headings ("Acción estratégica 01.03: …"), a fallback."""
    out: dict[str, tuple[str, int]] = {}
    for number, line in enumerate(doc.lines, start=1):
        m = _PROSE_ACTION_RE.match(clean(line))
        if m:
            code = f"AES.{int(m.group(1)):02d}.{int(m.group(2)):02d}"
            out.setdefault(code, (m.group(3).strip(), number))
    return out


# ---- records ------------------------------------------------------------------------------------


def _key(name: str) -> str:
    return re.sub(r"[^a-z0-9 ]", "", fold(name))


def _same_indicator(a: str, b: str) -> bool:
    """Same indicator printed twice: equal, or differing only by typos ("Picchu"/"Pichu"), never
    by a word with no look-alike on the other side ("económica"/"cultural")."""
    if a == b:
        return True
    if fuzz.ratio(a, b) < 85:
        return False
    wa, wb = set(a.split()), set(b.split())
    return all(any(fuzz.ratio(w, v) >= 75 for v in wb) for w in wa - wb) and all(
        any(fuzz.ratio(w, v) >= 75 for v in wa) for w in wb - wa)


def _units(text: str | None) -> list[str]:
    return [u.strip() for u in re.split(r"[,;/]| y ", text or "") if u.strip()]


def _parent(code: str) -> str | None:
    return "OES." + code.split(".")[1] if code.startswith("AES.") else None


def _prov(doc: Document, line: int, locator: str) -> Row:
    return {"file": doc.file, "line_start": line, "line_end": line, "locator": locator}


def _entities(doc: Document, apps: list[Appearance], units: dict[str, list[str]]) -> list[Row]:
    rows: dict[str, Row] = {}
    variants: dict[str, list[dict]] = {}
    for app in apps:
        if not app.owner_title:
            continue
        row = rows.get(app.owner)
        if row is None:
            rows[app.owner] = {
                "plan": doc.plan, "kind": app.owner[:3], "code": app.owner, "title": app.owner_title,
                "parent": _parent(app.owner), "responsible": None, "source_file": doc.file,
                **_prov(doc, app.line, app.locator),
            }
            variants[app.owner] = []
        elif _key(row["title"]) != _key(app.owner_title) and all(
                _key(v["title"]) != _key(app.owner_title) for v in variants[app.owner]):
            variants[app.owner].append({"title": app.owner_title, "line": app.line, "locator": app.locator})
    for code, (title, line) in _prose_titles(doc).items():
        if code not in rows:
            rows[code] = {"plan": doc.plan, "kind": "AES", "code": code, "title": title,
                          "parent": _parent(code),
                          "responsible": None, "source_file": doc.file,
                          **_prov(doc, line, f"Acción estratégica {code[4:]}")}
            variants[code] = []
    for code, row in rows.items():
        if units.get(code):
            row["responsible"] = json.dumps(units[code], ensure_ascii=False)
        row["title_variants"] = json.dumps(variants[code], ensure_ascii=False) if variants[code] else None
    return sorted(rows.values(), key=lambda r: (r["code"][:3] != "OES", r["code"]))


def _group_indicators(apps: list[Appearance]) -> list[list[Appearance]]:
    groups: list[list[Appearance]] = []
    for app in apps:
        if not app.name:
            continue
        key = _key(app.name)
        for group in groups:
            if group[0].owner == app.owner and _same_indicator(_key(group[0].name or ""), key):
                group.append(app)
                break
        else:
            groups.append([app])
    return groups


def extract(doc: Document) -> Records:
    if doc.kind != KIND:
        return {}
    records = empty_records()
    doc_year = int(doc.period) if doc.period and doc.period.isdigit() else None
    apps: list[Appearance] = []
    for table in _find_tables(doc):
        apps.extend(_read_table(table, doc_year))
    groups = _group_indicators(apps)
    units: dict[str, list[str]] = {}
    for group in groups:
        for app in group:
            for u in _units(app.unit):
                units.setdefault(app.owner, [])
                if u not in units[app.owner]:
                    units[app.owner].append(u)
    records["entities"] = _entities(doc, apps, units)
    seen: set[tuple] = set()
    for group in groups:
        best = max(group, key=lambda a: (a.filled(), -a.line))
        code = next((a.code for a in group if a.code), None)
        records["indicators"].append(_indicator_row(doc, best, code))
        for app in group:
            _facts(doc, app, best.name or "", code, records, seen)
    return records


def _indicator_row(doc: Document, app: Appearance, code: str | None) -> Row:
    year = parse_number(app.lb_year_raw) if app.lb_year_raw else None
    raws = [app.lb_raw or "", *app.vo.values()]
    return {
        "plan": doc.plan, "owner": app.owner, "code": code, "name": app.name, "sentido": None,
        "agregacion": None, "unit": "%" if any(r.endswith("%") for r in raws) else None,
        "responsible": json.dumps(_units(app.unit), ensure_ascii=False) if app.unit else None,
        "baseline_year": int(year) if year else None, "baseline_value": parse_number(app.lb_raw),
        "baseline_raw": app.lb_raw, "formula": None, "fuente": app.fuente, "ue": app.ue,
        **_prov(doc, app.line, app.locator),
    }


def _facts(doc: Document, app: Appearance, name: str, code: str | None, records: Records, seen: set) -> None:
    """Targets and measurements of one appearance, skipping pure duplicates of earlier ones."""
    base = {"plan": doc.plan, "owner": app.owner, "indicator_code": code, "indicator_name": name,
            **_prov(doc, app.line, app.locator)}
    for year, raw in app.le.items():
        if _new(seen, "target", app.owner, name, year, raw):
            records["targets"].append({**base, "year": year, "value": parse_number(raw), "raw": raw})
    items = [("logro_esperado", y, r) for y, r in app.le.items()]
    items += [("valor_obtenido", y, r) for y, r in app.vo.items()]
    items += app.avance
    for metric, year, raw in items:
        if _new(seen, metric, app.owner, name, year, raw):
            records["measurements"].append({
                **base, "period": doc.period, "metric": metric, "value": parse_number(raw), "raw": raw,
                "year": year, "sentido": None, "agregacion": None,
            })


def _new(seen: set, metric: str, owner: str, name: str, year: int | None, raw: str) -> bool:
    value = parse_number(raw)
    # "---" and "--", "0.6" and "0.60" print the same fact
    printed = ("=", value, "%" in raw) if value is not None else (
        ("none",) if raw.strip() in _NON_VALUE_CELLS else re.sub(r"\s+", "", raw))
    key = (metric, owner, _key(name), year, printed)
    if key in seen:
        return False
    seen.add(key)
    return True
