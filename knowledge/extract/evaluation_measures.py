"""Measured facts of the institutional evaluation reports (semestral and anual).

From an evaluation report this module reads, by structure only:

- ``entities``: the OEI/AEI of the evaluated PEI (code, title, parent, priority from the
  "nivel de prioridad" table, responsible unit when a section names it);
- ``measurements``: every per-AEI/OEI figure printed in the report's tables (avance POI/PEI,
  logro esperado, valor obtenido, avance, avance corregido, avance tipo 1, AEI counts per level)
  plus the few per-action figures stated in a fixed sentence shape inside an action's section
  (ejecución física promedio of its activities, the annual avance and its level);
- ``activities``: the AOI "avance físico" tables.

Tables are tab-separated, captioned "Tabla N. …", may be broken by page banners or footnotes
and repeat their header after a page break. Nothing here knows a particular report: owners come
from codes in rows, captions ("Acción estratégica 01.04") or the enclosing section heading.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache

from ..document import EVALUATION_KINDS, Document
from ..records import Records, Row
from ..text import AOI_RE, find_codes, fold, leading_code, parse_number
from ..text import clean as _clean_text

# The same lines and cells are cleaned by several passes; clean() is pure, so remember it.
clean = lru_cache(maxsize=16384)(_clean_text)

KINDS = set(EVALUATION_KINDS)

_CAPTION_RE = re.compile(r"^tabla\s+\d+\s*[.:\-–]", re.I)
_TABLE_END_RE = re.compile(r"^(fuente|elaboraci[oó]n propia|adaptado de)\b", re.I)
_YEAR_RE = re.compile(r"^(?:19|20)\d\d$")
_LEVELS = ("alto", "medio", "bajo", "bueno", "muy alto", "muy bajo", "medio alto", "medio bajo")
_LIST_MARK_RE = re.compile(r"^\s*(?:[-•·▪◦]|\(\d+\)|\d+[.)])\s+")
_CODE_HEAD_RE = re.compile(r"^\s*(?:OEI|AEI)\s*[.\s]?\s*\d{1,2}(?:\s*\.\s*\d{1,2})?\s*\.?\s*", re.I)
_ACTION_NUM_RE = re.compile(
    r"acci[oó]n(?:es)?\s+estrat[eé]gicas?(?:\s+institucional(?:es)?)?(?:\s+priorizadas?)?"
    r"\s+(\d{1,2})\s*\.\s*(\d{1,2})(?!\d)",
    re.I,
)
_OBJECTIVE_NUM_RE = re.compile(
    r"objetivo\s+estrat[eé]gico(?:\s+institucional)?(?:\s+priorizado)?\s+(\d{1,2})(?![\d.])", re.I
)
_NUMBERED_HEADING_RE = re.compile(r"^\d{1,2}(?:\.\d{1,2})*\.?\s+[A-ZÁÉÍÓÚÑ¿]")
_NON_VALUES = {"nc", "nd", "---", "--", "-", "s/d", "n.d.", "n/a"}
_PREFIX_RE = re.compile(r"^(?:objetivo priorizado|acci[oó]n estrat[eé]gica(?: priorizada)?)\s*:?\s*", re.I)
_MARKERS_RE = re.compile(r"\(\s*[*a-zA-Z0-9]{1,3}\s*\)|\*+|\[\s*[a-zA-Z]\s*\]")


# ---- small helpers -----------------------------------------------------------------------------


def _number(raw: str) -> float | None:
    """A typed value from a cell; footnote markers glued to it ("71.42 (*)") are not part of it."""
    value = parse_number(raw)
    if value is None:
        value = parse_number(_MARKERS_RE.sub("", clean(raw)))
    return value


def _is_non_value(raw: str) -> bool:
    """A printed non-value (NC, ND, ---) rather than an empty cell or free text."""
    text = clean(raw)
    return bool(text) and parse_number(text) is None and fold(text) in _NON_VALUES


def _has_value(raw: str) -> bool:
    return _number(raw) is not None or _is_non_value(raw)


def _parent(code: str) -> str | None:
    parts = code.split(".")
    if parts[0] == "AEI" and len(parts) == 3:
        return f"OEI.{parts[1]}"
    return None


def _code_owner(text: str) -> str | None:
    """An OEI/AEI named in a caption or heading, in any of its spellings."""
    codes = [c for c in find_codes(text) if c.startswith(("AEI.", "OEI."))]
    aeis = [c for c in codes if c.startswith("AEI.")]
    if aeis:
        return aeis[0]
    m = _ACTION_NUM_RE.search(text)
    if m:
        return f"AEI.{int(m.group(1)):02d}.{int(m.group(2)):02d}"
    if codes:
        return codes[0]
    m = _OBJECTIVE_NUM_RE.search(text)
    return f"OEI.{int(m.group(1)):02d}" if m else None


def _strip_title(text: str) -> str:
    """Title text without its code, list marker, '(priorizado)' tag or trailing period."""
    text = clean(text)
    text = _LIST_MARK_RE.sub("", text)
    text = _PREFIX_RE.sub("", text)
    text = _CODE_HEAD_RE.sub("", text)
    text = re.sub(r"^\d{1,2}\s*\.\s*\d{1,2}\s*\.?\s*", "", text)  # "01.03. Fortalecer…"
    text = re.sub(r"\s*\((?:no\s+)?priorizad[oa]\)\s*:?\s*$", "", text, flags=re.I)
    return text.strip(" .:;-–").strip()


def _looks_like_title(text: str) -> bool:
    return (len(text.split()) >= 3 and text[:1].isalpha() and text[:1].isupper()
            and not find_codes(text) and not AOI_RE.search(text))


# ---- tables ------------------------------------------------------------------------------------


@dataclass
class Table:
    caption: str
    caption_line: int
    header: list[str]
    header_line: int
    sub_header: list[str] = field(default_factory=list)
    rows: list[tuple[int, list[str]]] = field(default_factory=list)

    def column(self, *keywords: str) -> int | None:
        """Index of the first header cell whose folded text holds one of the keywords."""
        for i, cell in enumerate(self.header):
            if any(k in fold(clean(cell)) for k in keywords):
                return i
        return None


def _is_sub_header(cells: list[str]) -> bool:
    """Second header row of a two-row header: empty key cell, words, no figures."""
    texts = [clean(c) for c in cells]
    return (not texts[0] and any(texts[1:])
            and all(not t or (parse_number(t) is None and not _is_non_value(t)) for t in texts[1:]))


def _same_row(a: str, b: str) -> bool:
    return fold(clean(a.replace("\t", " "))) == fold(clean(b.replace("\t", " ")))


def _resume_after_break(lines: list[str], i: int, header: str) -> int | None:
    """After a page banner or footnote inside a table: index of the repeated header, if any."""
    for j in range(i, min(i + 10, len(lines))):
        text = clean(lines[j])
        if _CAPTION_RE.match(text) or _TABLE_END_RE.match(text):
            return None
        if "\t" in lines[j]:
            return j if _same_row(lines[j], header) else None
    return None


def read_tables(doc: Document) -> list[Table]:
    """Captioned tab-separated tables with their rows and 1-based line numbers."""
    lines = doc.lines
    tables: list[Table] = []
    i = 0
    while i < len(lines):
        caption = clean(lines[i])
        if not _CAPTION_RE.match(caption) or "\t" in lines[i]:
            i += 1
            continue
        j = i + 1
        while j < len(lines) and not lines[j].strip():
            j += 1
        if j >= len(lines) or "\t" not in lines[j] or _CAPTION_RE.match(clean(lines[j])):
            i += 1
            continue
        table = Table(caption=caption, caption_line=i + 1, header=lines[j].split("\t"), header_line=j + 1)
        j += 1
        if j < len(lines) and "\t" in lines[j] and _is_sub_header(lines[j].split("\t")):
            table.sub_header = lines[j].split("\t")
            j += 1
        while j < len(lines):
            line = lines[j]
            if not line.strip():
                j += 1
                continue
            if "\t" in line:
                cells = line.split("\t")
                if _same_row(line, lines[table.header_line - 1]):
                    pass  # header repeated after a page break
                elif table.sub_header and _same_row(line, "\t".join(table.sub_header)):
                    pass
                elif any(clean(c) for c in cells):
                    table.rows.append((j + 1, cells))
                j += 1
                continue
            resume = _resume_after_break(lines, j, lines[table.header_line - 1])
            if resume is None:
                break
            j = resume
        tables.append(table)
        i = j
    return tables


def _cell(cells: list[str], index: int | None) -> str:
    if index is None or index >= len(cells):
        return ""
    return cells[index]


# ---- document sections -------------------------------------------------------------------------


@dataclass
class Section:
    owner: str | None  # AEI or OEI the text is about
    heading: str
    heading_line: int
    chapter: str  # the numbered heading above it ("4.2.2. Identificación de acciones críticas")


def _heading_owner(line: str) -> tuple[str, str] | None:
    """(code, title) when a line is an OEI/AEI section heading rather than prose or a list item."""
    if "\t" in line or _LIST_MARK_RE.match(clean(line)):
        return None
    text = clean(line)
    if not text or len(text) > 400:
        return None
    head = fold(text[:60])
    code = None
    if _CODE_HEAD_RE.match(text):
        code = leading_code(text)
    elif re.match(r"^(objetivo priorizado|accion estrategica( priorizada)?\s+\d)", head):
        code = _code_owner(text)
    if not code or not code.startswith(("AEI.", "OEI.")):
        return None
    title = _strip_title(text)
    return (code, title) if _looks_like_title(title) else None


def sections(doc: Document) -> list[Section]:
    """For every line, the OEI/AEI section it belongs to (index = line number - 1)."""
    out: list[Section] = []
    current = Section(None, "", 0, "")
    chapter = ""
    for n, line in enumerate(doc.lines, start=1):
        text = clean(line)
        owned = _heading_owner(line)
        if owned:
            current = Section(owned[0], text, n, chapter)
        elif ("\t" not in line and len(text) < 100 and _NUMBERED_HEADING_RE.match(text)
              and "http" not in text and not text.endswith(".")):
            chapter = text
            current = Section(None, text, n, chapter)
        out.append(current)
    return out


def _section_locator(section: Section) -> str:
    heading = section.heading if len(section.heading) <= 160 else section.heading[:157].rstrip() + "…"
    if section.chapter and section.chapter != section.heading:
        return f"{section.chapter} — {heading}"
    return heading


# ---- entities ----------------------------------------------------------------------------------


@dataclass
class _Candidate:
    code: str
    title: str
    rank: int  # 0 table row, 1 list item, 2 section heading
    line: int
    locator: str
    priority: int | None = None


def _table_entity_candidates(tables: list[Table]) -> list[_Candidate]:
    out: list[_Candidate] = []
    for t in tables:
        prio_col = t.column("prioridad")
        for n, cells in t.rows:
            code = leading_code(cells[0]) if cells else None
            if not code or not code.startswith(("AEI.", "OEI.")):
                continue
            title = _strip_title(cells[0])
            if not _looks_like_title(title):
                title = next((_strip_title(c) for c in cells[1:] if _looks_like_title(_strip_title(c))), "")
            priority = None
            if prio_col is not None and prio_col > 0:
                value = _number(_cell(cells, prio_col))
                priority = int(value) if value is not None and float(value).is_integer() else None
            if title or priority is not None:
                out.append(_Candidate(code, title, 0, n, t.caption, priority))
    return out


def _text_entity_candidates(doc: Document) -> list[_Candidate]:
    out: list[_Candidate] = []
    for n, line in enumerate(doc.lines, start=1):
        if "\t" in line:
            continue
        text = clean(line)
        owned = _heading_owner(line)
        if owned:
            out.append(_Candidate(owned[0], owned[1], 2, n, text[:160]))
            continue
        if _LIST_MARK_RE.match(text) and len(text) < 400:
            body = _LIST_MARK_RE.sub("", text)
            code = leading_code(body) if _CODE_HEAD_RE.match(body) else None
            title = _strip_title(body)
            if code and code.startswith(("AEI.", "OEI.")) and _looks_like_title(title):
                out.append(_Candidate(code, title, 1, n, text[:160]))
    return out


def _responsibles(doc: Document, secs: list[Section]) -> dict[str, tuple[str, int]]:
    """'Unidad Orgánica: …' lines right under an action's heading."""
    out: dict[str, tuple[str, int]] = {}
    for n, line in enumerate(doc.lines, start=1):
        m = re.match(r"^unidad(?:es)?\s+org[aá]nicas?\s*(?:responsables?)?\s*:\s*(.+)$", clean(line), re.I)
        sec = secs[n - 1]
        if m and sec.owner and n - sec.heading_line <= 6:
            out.setdefault(sec.owner, (m.group(1).strip(" ."), n))
    return out


def extract_entities(doc: Document, tables: list[Table], secs: list[Section]) -> list[Row]:
    candidates = _table_entity_candidates(tables) + _text_entity_candidates(doc)
    by_code: dict[str, list[_Candidate]] = {}
    for c in candidates:
        by_code.setdefault(c.code, []).append(c)
    responsibles = _responsibles(doc, secs)
    rows: list[Row] = []
    for code in sorted(by_code):
        cands = by_code[code]
        titled = [c for c in cands if c.title]
        best_rank = min((c.rank for c in titled), default=None)
        # the fullest title among the best kind of source; ties go to the first one printed
        best = max((c for c in titled if c.rank == best_rank), key=lambda c: (len(c.title), -c.line),
                   default=None)
        prio = next((c for c in cands if c.priority is not None), None)
        anchor = prio or best
        if anchor is None:
            continue
        row: Row = {
            "plan": doc.plan, "kind": code.split(".")[0], "code": code,
            "title": best.title if best else None, "parent": _parent(code), "priority": anchor.priority,
            "source_file": doc.file, "file": doc.file, "line_start": anchor.line, "line_end": anchor.line,
            "locator": anchor.locator,
        }
        if code in responsibles:
            row["responsible"] = responsibles[code][0]
        rows.append(row)
    return rows


# ---- measurements from tables ------------------------------------------------------------------


def _measure(doc: Document, t: Table, n: int, owner: str, metric: str, raw: str, **extra) -> Row:
    row: Row = {
        "plan": doc.plan, "period": doc.period, "owner": owner, "metric": metric,
        "value": _number(raw), "raw": clean(raw), "file": doc.file, "line_start": n, "line_end": n,
        "locator": t.caption,
    }
    row.update({k: v for k, v in extra.items() if v not in (None, "")})
    return row


def _nivel_column(t: Table) -> int | None:
    """A column that prints a level word per row ("Nivel de avance"), never the priority one."""
    for i, cell in enumerate(t.header):
        head = fold(clean(cell))
        if ("nivel" in head or "calificacion" in head) and "prioridad" not in head:
            return i
    return None


def _nivel_row(doc: Document, t: Table, n: int, owner: str, cells: list[str], **extra) -> list[Row]:
    col = _nivel_column(t)
    level = clean(_cell(cells, col)) if col is not None else ""
    if fold(level) not in _LEVELS:
        return []
    row = _measure(doc, t, n, owner, "nivel", level, **extra)
    row["value"] = None
    return [row]


def _row_code(cells: list[str]) -> str | None:
    code = leading_code(cells[0]) if cells else None
    return code if code and code.startswith(("AEI.", "OEI.")) else None


def _avance_poi_pei(doc: Document, t: Table) -> list[Row]:
    """'Avance de implementación' tables: one row per action, avance POI and avance PEI columns.
    The owner is the code in the row, never the caption (a caption can name the wrong OEI)."""
    cols = {"avance_poi": t.column("avance poi", "ejecucion poi"), "avance_pei": t.column("avance pei")}
    out: list[Row] = []
    for n, cells in t.rows:
        code = _row_code(cells)
        if not code:
            continue
        for metric, col in cols.items():
            raw = _cell(cells, col)
            if col is not None and _has_value(raw):
                out.append(_measure(doc, t, n, code, metric, raw))
        out += _nivel_row(doc, t, n, code, cells)
    return out


_INDICATOR_COLUMNS = (
    ("avance_corregido", ("[c]", "corregid", "ajustad")),
    ("logro_esperado", ("logro esperado",)),
    ("valor_obtenido", ("valor obtenido",)),
    ("avance", ("avance",)),
)


def _indicator_columns(t: Table) -> dict[str, int]:
    cols: dict[str, int] = {}
    for i, cell in enumerate(t.header):
        head = fold(clean(cell))
        for metric, keys in _INDICATOR_COLUMNS:
            if metric not in cols and any(k in head for k in keys):
                cols[metric] = i
                break
    return cols


def _year_of(text: str) -> int | None:
    m = re.search(r"\b((?:19|20)\d\d)\b", text)
    return int(m.group(1)) if m else None


def _indicator_table(doc: Document, t: Table) -> list[Row]:
    """Per-action indicator tables (sentido, agregación, logro esperado, valor obtenido, avance).
    The action is in the caption; a row may also start with its own code."""
    caption_owner = _code_owner(t.caption)
    name_col = t.column("indicador") or 0
    sentido_col, agreg_col = t.column("sentido"), t.column("agregacion")
    cols = _indicator_columns(t)
    out: list[Row] = []
    pending, pending_line, last_name = "", None, None
    for n, cells in t.rows:
        owner = _row_code(cells) or caption_owner
        name = _strip_title(_cell(cells, name_col)) if _row_code(cells) else clean(_cell(cells, name_col))
        values = {m: _cell(cells, c) for m, c in cols.items() if _has_value(_cell(cells, c))}
        if not values:  # a name split over two lines: keep it for the row that carries the figures
            pending, pending_line = f"{pending} {name}".strip(), pending_line or n
            continue
        name = f"{pending} {name}".strip() or last_name
        start = pending_line or n
        pending, pending_line, last_name = "", None, name
        if not owner:
            continue
        extra = {"indicator_name": name, "sentido": clean(_cell(cells, sentido_col)) if sentido_col else None,
                 "agregacion": clean(_cell(cells, agreg_col)) if agreg_col else None,
                 "year": _year_of(clean(_cell(t.header, cols.get("logro_esperado"))))}
        for metric, raw in values.items():
            row = _measure(doc, t, n, owner, metric, raw, **extra)
            row["line_start"] = start
            out.append(row)
        out += _nivel_row(doc, t, n, owner, cells, **extra)
    return out


def _year_columns(t: Table) -> dict[int, int]:
    """Column index -> year, carrying a year across the empty header cells it spans."""
    years: dict[int, int] = {}
    current = None
    for i, cell in enumerate(t.header):
        text = clean(cell)
        if _YEAR_RE.match(text):
            current = int(text)
        elif text:
            current = None
        if current is not None:
            years[i] = current
    return years


def _level_of(text: str) -> str | None:
    word = fold(clean(text))
    return word if word in _LEVELS else None


def _level_count_table(doc: Document, t: Table) -> list[Row]:
    """Counts of actions per level (two-row header: levels under a year), owner the OEI row."""
    years = _year_columns(t)
    only_year = next(iter(set(years.values()))) if len(set(years.values())) == 1 else None
    total_col = t.column("numero de acciones", "total", "n° de acciones", "cantidad")
    out: list[Row] = []
    for n, cells in t.rows:
        code = _row_code(cells)
        if not code:
            continue
        for i, sub in enumerate(t.sub_header):
            level = _level_of(sub)
            raw = _cell(cells, i)
            if level and _has_value(raw):
                metric = "aei_" + level.replace(" ", "_")
                out.append(_measure(doc, t, n, code, metric, raw, year=years.get(i)))
        if total_col is not None and _has_value(_cell(cells, total_col)):
            out.append(_measure(doc, t, n, code, "aei_total", _cell(cells, total_col),
                                year=years.get(total_col, only_year)))
    return out


def _year_value_metric(caption: str) -> str | None:
    head = fold(caption)
    if "tipo 2" in head:
        return "avance_tipo2"
    if "tipo 1" in head:
        return "avance_tipo1"
    if "avance" in head:
        return "avance"
    return None


def _year_value_table(doc: Document, t: Table) -> list[Row]:
    """'Objetivo / Indicador | 2024' tables: an OEI/AEI row, then its indicator row(s) with values."""
    years = _year_columns(t)
    metric = _year_value_metric(t.caption)
    if not years or not metric:
        return []
    out: list[Row] = []
    owner = None
    for n, cells in t.rows:
        code = _row_code(cells)
        if code:
            owner = code
        name = None if code else clean(cells[0])
        indicator_code = leading_code(cells[0]) if name and leading_code(cells[0]) else None
        if not owner:
            continue
        for i, year in years.items():
            raw = _cell(cells, i)
            if _has_value(raw):
                out.append(_measure(doc, t, n, owner, metric, raw, year=year, indicator_name=name,
                                    indicator_code=indicator_code))
        out += _nivel_row(doc, t, n, owner, cells, indicator_name=name)
    return out


def extract_table_measurements(doc: Document, tables: list[Table]) -> list[Row]:
    out: list[Row] = []
    for t in tables:
        head = " | ".join(fold(clean(c)) for c in t.header)
        if "avance poi" in head or "avance pei" in head:
            out += _avance_poi_pei(doc, t)
        elif "logro esperado" in head and "valor obtenido" in head:
            out += _indicator_table(doc, t)
        elif t.sub_header and any(_level_of(c) for c in t.sub_header):
            out += _level_count_table(doc, t)
        elif any(_row_code(cells) for _, cells in t.rows) and not any(
                AOI_RE.search(cells[0]) for _, cells in t.rows):
            out += _year_value_table(doc, t)
    return out


# ---- activities --------------------------------------------------------------------------------


def extract_activities(doc: Document, tables: list[Table], secs: list[Section]) -> list[Row]:
    """AOI tables with a physical-progress column; the owner is the action whose section holds them."""
    out: list[Row] = []
    for t in tables:
        value_col = t.column("avance fisico", "ejecucion fisica", "avance")
        if value_col is None:
            continue
        desc_col = t.column("descripcion", "actividad", "denominacion")
        owner = _code_owner(t.caption) or secs[t.caption_line - 1].owner
        for n, cells in t.rows:
            m = AOI_RE.search(clean(" ".join(cells[:2])))
            raw = _cell(cells, value_col)
            if not m or not clean(raw):
                continue
            out.append({
                "plan": doc.plan, "period": doc.period, "owner": owner, "aoi": m.group(0),
                "description": clean(_cell(cells, desc_col)) if desc_col is not None else None,
                "avance_fisico": _number(raw), "raw": clean(raw), "file": doc.file,
                "line_start": n, "line_end": n, "locator": t.caption,
            })
    return out


# ---- per-action figures stated in a fixed sentence shape ---------------------------------------

_PCT = r"(-?\d+(?:[.,]\d+)?)\s*%"
_EJECUCION_RE = re.compile(r"ejecuci[oó]n\s+f[ií]sica(?:\s+promedio)?(?:\s+fue)?\s+de\s+" + _PCT, re.I)
_AVANCE_META_RE = re.compile(r"\bse\s+tuvo\s+un\s+avance(\s+(?:ajustado|corregido))?\s+de\s+" + _PCT
                             + r"\s+sobre\s+la\s+meta", re.I)
_NIVEL_RE = re.compile(
    r"\bse\s+tuvo\s+un\s+nivel\s+de\s+avance\s+((?:muy\s+|medio\s+)?(?:alto|medio|bajo))\b", re.I)
_DESEMPENO_LIST_RE = re.compile(
    r"desempe[nñ]o\s+(muy\s+bueno|bueno|alto|medio|bajo|regular)\b[^.]*:\s*$", re.I)


def _prose_row(doc: Document, sec: Section, n: int, metric: str, raw: str, value: float | None) -> Row:
    return {
        "plan": doc.plan, "period": doc.period, "owner": sec.owner, "metric": metric, "value": value,
        "raw": raw, "year": int(doc.period) if doc.period and doc.period.isdigit() else None,
        "file": doc.file, "line_start": n, "line_end": n, "locator": _section_locator(sec),
    }


def extract_prose_measurements(doc: Document, secs: list[Section]) -> list[Row]:
    """Inside an action's section: 'ejecución física (promedio) de X%' of its activities,
    'se tuvo un avance de X% sobre la meta' and 'se tuvo un nivel de avance alto/medio/bajo'.
    Both the analysis section and the critical-actions section are read: where they disagree
    the two rows are kept, each with its own line."""
    out: list[Row] = []
    for n, line in enumerate(doc.lines, start=1):
        sec = secs[n - 1]
        if not sec.owner or "\t" in line or n == sec.heading_line:
            continue
        text = clean(line)
        for m in _EJECUCION_RE.finditer(text):
            window = fold(text[max(0, m.start() - 120): m.end() + 80])
            if "actividad" in window:
                out.append(_prose_row(doc, sec, n, "ejecucion_fisica", m.group(0), parse_number(m.group(1))))
        for m in _AVANCE_META_RE.finditer(text):
            metric = "avance_corregido" if m.group(1) else "avance_tipo1"
            out.append(_prose_row(doc, sec, n, metric, m.group(0), parse_number(m.group(2))))
        for m in _NIVEL_RE.finditer(text):
            out.append(_prose_row(doc, sec, n, "nivel", m.group(1).lower(), None))
    return out + _desempeno_lists(doc)


def _desempeno_lists(doc: Document) -> list[Row]:
    """'Respecto de los objetivos con desempeño bueno, se tiene los siguientes:' followed by list
    items that start with an OEI code: one 'nivel' row per code, raw = the printed level."""
    out: list[Row] = []
    lines = doc.lines
    for n, line in enumerate(lines, start=1):
        m = _DESEMPENO_LIST_RE.search(clean(line))
        if not m or "\t" in line:
            continue
        level, heading = fold(m.group(1)), clean(line)
        j = n  # 0-based index of the next line
        while j < len(lines) and j < n + 30:
            text = clean(lines[j])
            if not text:
                j += 1
                continue
            if not _LIST_MARK_RE.match(text):
                break
            body = re.sub(r"^(?:el|la|los|las)\s+", "", _LIST_MARK_RE.sub("", text), flags=re.I)
            code = leading_code(body)
            if code and code.startswith(("OEI.", "AEI.")):
                out.append({
                    "plan": doc.plan, "period": doc.period, "owner": code, "metric": "nivel", "value": None,
                    "raw": level, "year": int(doc.period) if doc.period and doc.period.isdigit() else None,
                    "file": doc.file, "line_start": j + 1, "line_end": j + 1, "locator": heading,
                })
            j += 1
    return out


# ---- entry point -------------------------------------------------------------------------------


def extract(doc: Document) -> Records:
    if doc.kind not in KINDS:
        return {}
    tables = read_tables(doc)
    secs = sections(doc)
    return {
        "entities": extract_entities(doc, tables, secs),
        "measurements": extract_table_measurements(doc, tables) + extract_prose_measurements(doc, secs),
        "activities": extract_activities(doc, tables, secs),
    }
