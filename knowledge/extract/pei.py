"""PEI (plan estratégico institucional): objectives, actions, indicators, ruta estratégica, Annex B-3.

What the plan prints, and the traps handled here:

- the OEI table (code, tipo, description, indicators, responsible area) and the AEI table (AEI,
  indicators, responsible unit). Both break over pages: the header is repeated and the next row may
  be a continuation (no code) whose cells finish the sentences of the row above.
- In the AEI table a merged AEI cell may print its code on a middle row of its indicator block, so
  indicator rows can come before their AEI's row; those rows are owned by the AEI their own code names.
  Otherwise an indicator is owned by the AEI row it sits under, even when the codes disagree.
- The ruta estratégica (priorities and "vinculación con la PGG") has its column layout changing from
  page to page and OEI cells on a middle row of their block (sometimes with no code at all).
- Annex B-3 (línea base and logros esperados) prints no indicator codes, only names, with the year
  header lines above the data, shifted or interleaved columns, two indicators sharing one row and
  values printed on the row next to their name. Rows are aligned to the indicators of the OEI/AEI
  tables, which the annex lists in the same order, using the names where printed.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass, field

from rapidfuzz import fuzz

from ..document import KIND_PEI, Document
from ..records import Records, Row
from ..text import SUPERSCRIPTS, clean, find_codes, fold, leading_code, parse_number

KIND = KIND_PEI

_CODE_CELL_RE = re.compile(r"^(I?)(OEI|AEI)\s*\.?\s*\d{1,2}(?:\s*\.\s*\d{1,2}){0,2}\s*\.?$", re.I)
_TIPO_RE = re.compile(r"^tipo\s+([IV]+|\d)$", re.I)
_INT_RE = re.compile(r"^\d{1,2}$")
_PGG_RE = re.compile(r"^(eje\b|no\s+priorizad|lin\.)", re.I)
_YEAR_TOKEN_RE = re.compile(r"(?:19|20)\d\d(?:\s*\(\*\))?")
_YEARS_CELL_RE = re.compile(r"^(?:(?:19|20)\d\d(?:\s*\(\*\))?\s*)+$")
_SPAN_RE = re.compile(r"((?:19|20)\d\d)\s*[-–]\s*((?:19|20)\d\d)")
# Words an indicator name starts with: a cell holding two names is split before the second one.
_MEASURE_SPLIT_RE = re.compile(
    r"(?<=\S)\s+(?=(?:Número|Porcentaje|Tasa|Índice|Promedio|Cantidad|Ratio|Razón)\s+de)"
)
# Words a unit's name starts with: a cell listing several units is split before each one.
_UNIT_HEADS = {"oficina", "direccion", "secretaria", "unidad", "procuraduria", "academia", "organo",
               "despacho", "viceministerio", "gerencia", "comision", "jefatura"}
_CONNECTIVES = {"de", "del", "la", "el", "los", "las", "y", "e", "para", "a", "en", "con", "al"}
_HEADER_CELLS = {"oei", "aei", "codigo", "descripcion", "tipo", "prioridad", "indicadores", "ano", "valor"}
_HEADER_PREFIXES = ("nombre del indicador", "unidad organica", "area responsable", "uo responsable",
                    "accion estrategica institucional", "linea base", "logros esperados",
                    "vinculacion con la pgg")
_MATCH_WINDOW = 4  # annex names are looked up among the next few expected indicators


@dataclass
class _Entity:
    code: str
    kind: str
    title: str = ""
    parent: str | None = None
    tipo: str | None = None
    units: list[str] = field(default_factory=list)  # raw unit texts, split later
    lines: list[int] = field(default_factory=list)
    locator: str = ""


@dataclass
class _Indicator:
    code: str
    owner: str
    block: str  # OEI whose part of the tables lists it (the annex follows that order)
    name: str = ""
    unit_text: str = ""
    lines: list[int] = field(default_factory=list)
    locator: str = ""
    annex: _AnnexValues | None = None


@dataclass
class _AnnexValues:
    line: int
    header_line: int
    baseline_year: int | None
    baseline_raw: str
    targets: list[tuple[int, str]]


@dataclass
class _RutaItem:
    code: str
    title: str = ""
    priority: int | None = None
    pgg: str | None = None
    unit_text: str = ""
    lines: list[int] = field(default_factory=list)


@dataclass
class _Ruta:
    items: dict[str, _RutaItem]
    locator: str


# ---- generic helpers -------------------------------------------------------------------------


def _join(a: str, b: str) -> str:
    return f"{a} {b}".strip() if a else b


def _code_cell(cell: str, prefix: str) -> str | None:
    """The canonical code when a cell holds only a code of the given prefix (OEI, AEI, IOEI, IAEI)."""
    if not _CODE_CELL_RE.match(cell):
        return None
    codes = find_codes(cell)
    if codes and codes[0].split(".")[0] == prefix:
        return codes[0]
    return None


def _index_of(cells: list[str], prefix: str) -> int | None:
    return next((i for i, c in enumerate(cells) if _code_cell(c, prefix)), None)


def _is_header(cells: list[str]) -> bool:
    for cell in cells:
        if len(cell) > 60:  # header cells are short; folding long cells is the costly part
            continue
        f = fold(cell)
        if f in _HEADER_CELLS or f.startswith(_HEADER_PREFIXES):
            return True
    return False


def _rows(doc: Document, start: int, end: int) -> Iterator[tuple[int, list[str]]]:
    """Tab-separated rows between two file lines (inclusive), cells cleaned."""
    for n in range(start, min(end, len(doc.lines)) + 1):
        raw = doc.lines[n - 1]
        if "\t" in raw:
            yield n, [clean(c) for c in raw.split("\t")]


def _find_line(doc: Document, pattern: str, start: int = 1) -> int | None:
    """First line from ``start`` whose folded text matches; table-of-contents entries (which carry
    a tab and a page number) are skipped."""
    rx = re.compile(pattern)
    for n in range(start, len(doc.lines) + 1):
        raw = doc.lines[n - 1]
        if "\t" not in raw and len(raw) < 300 and rx.search(fold(clean(raw))):
            return n
    return None


def _table_end(doc: Document, start: int) -> int:
    """Last line of the table whose caption is at ``start``: it ends at its "Fuente" line or at the
    first prose paragraph (page numbers, banners and footnotes may sit inside it)."""
    last = start
    for n in range(start + 1, len(doc.lines) + 1):
        raw = doc.lines[n - 1]
        if "\t" in raw:
            last = n
            continue
        text = clean(raw)
        if not text or raw.lstrip()[:1] in SUPERSCRIPTS:
            continue
        if fold(text).startswith("fuente") or len(text.split()) >= 6:
            return n - 1 if fold(text).startswith("fuente") else last
    return last


def _split_units(text: str) -> list[str]:
    """Several units printed in one cell, one after the other, become separate names."""
    units: list[list[str]] = []
    for word in text.split():
        starts = fold(word) in _UNIT_HEADS and word[:1].isupper()
        if units and not (starts and fold(units[-1][-1]) not in _CONNECTIVES):
            units[-1].append(word)
        else:
            units.append([word])
    return [" ".join(u).strip(" ,;") for u in units if u]


def _unit_key(name: str) -> str:
    return " ".join(w.rstrip("s") for w in re.findall(r"\w+", fold(name)))


def _merge_units(*texts: str) -> list[str]:
    out: list[str] = []
    keys: set[str] = set()
    for text in texts:
        for unit in _split_units(text):
            if unit and _unit_key(unit) not in keys:
                keys.add(_unit_key(unit))
                out.append(unit)
    return out


def _parent_oei(code: str) -> str:
    return f"OEI.{code.split('.')[1]}"


# ---- Tabla: objetivos estratégicos institucionales ------------------------------------------


def _parse_oei_table(doc: Document) -> tuple[list[_Entity], list[_Indicator]]:
    cap = _find_line(doc, r"^tabla\s*\d+\s*[:.\-]?\s*objetivos estrategicos institucionales")
    if cap is None:
        return [], []
    locator = clean(doc.lines[cap - 1])
    entities: list[_Entity] = []
    indicators: list[_Indicator] = []
    columns: dict[int, tuple[object, str]] = {}  # cell index -> (object, attribute) continued there
    for n, cells in _rows(doc, cap, _table_end(doc, cap)):
        if _is_header(cells):
            continue
        code = _code_cell(cells[0], "OEI") if cells else None
        ic = _index_of(cells, "IOEI")
        if code:
            ti = next((i for i, c in enumerate(cells) if _TIPO_RE.match(c)), 0)
            title_i = next((i for i in range(ti + 1, len(cells)) if cells[i] and i != ic), ti + 1)
            ent = _Entity(code, "OEI", title=cells[title_i] if title_i < len(cells) else "",
                          tipo=cells[ti] if ti else None, lines=[n], locator=locator)
            entities.append(ent)
            columns = {title_i: (ent, "title")}
        elif not entities:
            continue
        ent = entities[-1]
        if ic is not None:
            ind = _Indicator(_code_cell(cells[ic], "IOEI") or "", ent.code, ent.code,
                             name=cells[ic + 1] if ic + 1 < len(cells) else "",
                             unit_text=cells[ic + 2] if ic + 2 < len(cells) else "",
                             lines=[n], locator=locator)
            indicators.append(ind)
            columns.update({ic + 1: (ind, "name"), ic + 2: (ind, "unit_text")})
        elif not code:
            _continue_row(columns, cells, n)
        if n not in ent.lines:
            ent.lines.append(n)
    for ent in entities:
        ent.units = [i.unit_text for i in indicators if i.owner == ent.code]
    return entities, indicators


def _continue_row(columns: dict[int, tuple[object, str]], cells: list[str], n: int) -> None:
    """A row with no code finishes the sentences of the row above, column by column."""
    for i, text in enumerate(cells):
        if text and i in columns:
            obj, attr = columns[i]
            setattr(obj, attr, _join(getattr(obj, attr), text))
            if n not in obj.lines:
                obj.lines.append(n)


# ---- Tabla: acciones estratégicas institucionales -------------------------------------------


def _parse_aei_table(doc: Document) -> tuple[list[_Entity], list[_Indicator], dict[str, list[int]]]:
    cap = _find_line(doc, r"^tabla\s*\d+\s*[:.\-]?\s*acciones estrategicas institucionales")
    if cap is None:
        return [], [], {}
    locator = clean(doc.lines[cap - 1])
    entities: list[_Entity] = []
    indicators: list[_Indicator] = []
    lines_of: dict[str, list[int]] = {}  # owner code -> table lines (also for AEIs with no row)
    block: str | None = None
    current: _Entity | None = None
    columns: dict[int, tuple[object, str]] = {}
    for n, cells in _rows(doc, cap, _table_end(doc, cap)):
        if _is_header(cells) or not any(cells):
            continue
        filled = [c for c in cells if c]
        head = find_codes(cells[0])
        if len(filled) == 1 and head and head[0].startswith("OEI"):
            # "OEI.01 Fortalecer…" or "Acciones Estratégicas Institucionales del OEI.01": a new block
            block, current, columns = head[0], None, {}
            continue
        code, title = _code_and_title(cells, "AEI")
        ic = _index_of(cells, "IAEI")
        if code:
            current = _Entity(code, "AEI", title=title, parent=block or _parent_oei(code),
                              lines=[n], locator=locator)
            entities.append(current)
            columns = {1: (current, "title")}
        if ic is not None:
            icode = _code_cell(cells[ic], "IAEI") or ""
            owner = current.code if current else _orphan_owner(icode, block)
            ind = _Indicator(icode, owner, block or _parent_oei(owner),
                             name=cells[ic + 1] if ic + 1 < len(cells) else "",
                             unit_text=cells[ic + 2] if ic + 2 < len(cells) else "",
                             lines=[n], locator=locator)
            indicators.append(ind)
            columns.update({ic + 1: (ind, "name"), ic + 2: (ind, "unit_text")})
            lines_of.setdefault(owner, []).append(n)
        elif not code:
            _continue_row(columns, cells, n)
            if indicators:
                lines_of.setdefault(indicators[-1].owner, []).append(n)
    for ent in entities:
        ent.lines = sorted(set(ent.lines) | set(lines_of.get(ent.code, [])))
        ent.units = [i.unit_text for i in indicators if i.owner == ent.code]
    return entities, indicators, lines_of


def _code_and_title(cells: list[str], prefix: str) -> tuple[str | None, str]:
    """The code of the first cell and the title: the rest of that cell, or the next cell."""
    if not cells:
        return None, ""
    code = _code_cell(cells[0], prefix)
    if code:
        return code, cells[1] if len(cells) > 1 else ""
    lead = leading_code(cells[0])
    if lead and lead.split(".")[0] == prefix:
        m = re.match(r"^\W*(?:I?(?:OEI|AEI)[\s.\d]*)", cells[0])
        return lead, cells[0][m.end():].strip(" .-–") if m else cells[0]
    return None, ""


def _orphan_owner(indicator_code: str, block: str | None) -> str:
    """An indicator row printed before any AEI row of its block (the AEI's merged cell shows its
    code further down, or the AEI has no row at all): its own code names the AEI."""
    parts = indicator_code.split(".")
    if len(parts) >= 3:
        aei = f"AEI.{parts[1]}.{parts[2]}"
        if block is None or _parent_oei(aei) == block:
            return aei
    return block or ""


# ---- Ruta estratégica ------------------------------------------------------------------------


def _parse_ruta(doc: Document, oei_order: list[str]) -> _Ruta | None:
    heading = _find_line(doc, r"^(?:[ivxl]+\.\s*)?ruta estrategica\s*$")
    if heading is None:
        return None
    start = next((n for n, cells in _rows(doc, heading, len(doc.lines))
                  if any(fold(c) == "prioridad" for c in cells)), None)
    if start is None:
        return None
    end = _find_line(doc, r"^fuente", start) or len(doc.lines)
    items: dict[str, _RutaItem] = {}
    orphans: list[tuple[str, object, int, str]] = []  # OEI cells printed on a row with no OEI code
    prev: tuple[_RutaItem, int] | None = None  # last AEI item and its description column
    for n, cells in _rows(doc, start, end):
        if _is_header(cells) or not any(cells):
            continue
        ai = _index_of(cells, "AEI")
        if ai is None:
            _ruta_continuation(cells, prev, items, n)
            continue
        item = _ruta_aei_row(cells, ai, n, items, orphans)
        prev = (item, ai + 1)
    _resolve_orphans(orphans, items, oei_order)
    return _Ruta(items, clean(doc.lines[heading - 1]))


def _ruta_aei_row(cells: list[str], ai: int, n: int, items: dict[str, _RutaItem],
                  orphans: list[tuple[str, object, int, str]]) -> _RutaItem:
    code = _code_cell(cells[ai], "AEI") or ""
    item = items.setdefault(code, _RutaItem(code))
    item.lines.append(n)
    ints = [i for i in range(ai) if _INT_RE.match(cells[i])]
    pi = ints[-1] if ints else ai
    if ints:
        item.priority = int(cells[pi])
    # Left of the AEI priority: the OEI's priority, code, description and PGG link.
    left = cells[:pi]
    oei = next((c for c in (_code_cell(x, "OEI") for x in left) if c), None)
    oei_priority = next((int(x) for x in left if _INT_RE.match(x)), None)
    oei_pgg = next((x for x in left if _PGG_RE.match(x)), None)
    after = [c for c in cells[ai + 1:] if c]
    if after and not _PGG_RE.match(after[0]):
        item.title = _join(item.title, after[0])
        after = after[1:]
    pggs = [c for c in after if _PGG_RE.match(c)]
    if len(pggs) >= 2 and oei_pgg is None:
        oei_pgg = pggs[0]  # a page where the OEI's link column slid right of the AEI description
    if pggs:
        item.pgg = pggs[-1]
    item.unit_text = _join(item.unit_text, " ".join(c for c in after if not _PGG_RE.match(c)))
    if oei:
        target = items.setdefault(oei, _RutaItem(oei))
        target.lines.append(n)
        if oei_priority is not None:
            target.priority = oei_priority
        if oei_pgg:
            target.pgg = oei_pgg
    else:
        for attr, value in (("priority", oei_priority), ("pgg", oei_pgg)):
            if value is not None:
                orphans.append((attr, value, n, _parent_oei(code)))
    return item


def _ruta_continuation(cells: list[str], prev: tuple[_RutaItem, int] | None,
                       items: dict[str, _RutaItem], n: int) -> None:
    """A row with no AEI code: an OEI row of its own, or the end of the previous AEI's description
    (same column) or of its responsible unit (further right)."""
    oi = _index_of(cells, "OEI")
    if oi is not None:
        code = _code_cell(cells[oi], "OEI") or ""
        item = items.setdefault(code, _RutaItem(code))
        item.lines.append(n)
        item.priority = next((int(c) for c in cells[:oi] if _INT_RE.match(c)), item.priority)
        item.pgg = next((c for c in cells[oi + 1:] if _PGG_RE.match(c)), item.pgg)
        return
    if prev is None:
        return
    item, desc_col = prev
    for i, text in enumerate(cells):
        if not text:
            continue
        if i == desc_col:
            item.title = _join(item.title, text)
        elif i > desc_col:
            item.unit_text = _join(item.unit_text, text)
        else:
            continue
        if n not in item.lines:
            item.lines.append(n)


def _resolve_orphans(orphans: list[tuple[str, object, int, str]], items: dict[str, _RutaItem],
                     oei_order: list[str]) -> None:
    """OEI cells printed without their code belong to the OEI of the row's AEI, or, when that one
    already has the value, to the next OEI (in the plan's order) that has none."""
    for attr, value, n, parent in orphans:
        order = oei_order if parent in oei_order else [*oei_order, parent]
        for code in order[order.index(parent):]:
            item = items.setdefault(code, _RutaItem(code))
            if getattr(item, attr) is None:
                setattr(item, attr, value)
                item.lines.append(n)
                break


# ---- Annex B-3: línea base y logros esperados -----------------------------------------------


@dataclass
class _AnnexPage:
    name_col: int | None = None
    years: list[tuple[int, int]] = field(default_factory=list)  # (cell index, year)
    header_line: int = 0


def _parse_annex(doc: Document, expected: list[_Indicator]) -> str | None:
    """Fill ``expected[i].annex`` from the Annex B-3 matrix; returns the annex locator."""
    start = next((n for n, cells in _rows(doc, 1, len(doc.lines))
                  if "logros" in doc.lines[n - 1].lower()
                  and any(fold(c).startswith("linea base") for c in cells)
                  and any(fold(c).startswith("logros esperados") for c in cells)), None)
    if start is None or not expected:
        return None
    locator = _annex_locator(doc, start)
    target_years = _plan_years(doc)
    page = _AnnexPage()
    state = _Alignment(expected)
    for n, cells in _rows(doc, start, len(doc.lines)):
        folded = [fold(c) for c in cells]
        if any(f.startswith("nombre del indicador") for f in folded):
            page = _AnnexPage(name_col=next(i for i, f in enumerate(folded)
                                            if f.startswith("nombre del indicador")))
            continue
        if "ano" in folded and "valor" in folded:
            page.years = [(i, int(c)) for i, c in enumerate(cells) if re.fullmatch(r"(?:19|20)\d\d", c)]
            if target_years:
                page.years = [(i, y) for i, y in page.years if y in target_years] or page.years
            page.header_line = n
            continue
        filled = [c for c in cells if c]
        if len(filled) == 1 and folded[0].startswith("acciones estrategicas") and find_codes(cells[0]):
            state.section(find_codes(cells[0])[0])
            continue
        if page.name_col is None:
            continue
        _annex_row(cells, n, page, state)
    return locator


def _annex_locator(doc: Document, start: int) -> str:
    for n in range(start - 1, 0, -1):
        raw = doc.lines[n - 1]
        if "\t" not in raw and "anexo" in fold(raw):
            return clean(raw)
    return "Matriz del Plan Estratégico Institucional"


def _plan_years(doc: Document) -> set[int]:
    m = _SPAN_RE.search(doc.period or doc.plan or "")
    return set(range(int(m.group(1)), int(m.group(2)) + 1)) if m else set()


def _annex_row(cells: list[str], n: int, page: _AnnexPage, state: _Alignment) -> None:
    name_col = page.name_col or 0
    text = cells[name_col] if name_col < len(cells) else ""
    # A name cell starting in lower case finishes the name printed on the row above.
    names = [] if not text or text[0].islower() else _MEASURE_SPLIT_RE.split(text)
    sets = _value_sets(cells, name_col, n, page)
    code = next((c for c in (find_codes(x) for x in cells[:name_col]) if c), [None])[0]
    state.row(names, sets, code)


def _value_sets(cells: list[str], name_col: int, n: int, page: _AnnexPage) -> list[_AnnexValues]:
    """Baseline and targets of the row; a row shared by two indicators prints two numbers per cell."""
    yi = next((i for i in range(name_col + 1, len(cells)) if _YEARS_CELL_RE.match(cells[i])), None)
    if yi is None or yi + 1 >= len(cells):
        return []
    base_years = _YEAR_TOKEN_RE.findall(cells[yi])
    base_values = cells[yi + 1].split() or [""]
    rest = [(i, c) for i, c in enumerate(cells) if i > yi + 1 and c]
    interleaved = _interleaved(rest)
    if interleaved:
        rest = rest[1::2]
    if len(base_years) == 1:  # one indicator: cells are kept whole ("No aplica" is one value)
        base_values = [cells[yi + 1]]
    out = []
    for k, year_raw in enumerate(base_years):
        per_set = rest if len(base_years) == 1 else [
            (i, toks[k]) for i, toks in ((i, c.split()) for i, c in rest) if k < len(toks)]
        targets = _align(per_set, page.years, use_index=not interleaved)
        year = int(re.match(r"\d{4}", year_raw).group(0))
        raw = base_values[k] if k < len(base_values) else ""
        out.append(_AnnexValues(n, page.header_line or n, year, raw, targets))
    return out


def _interleaved(cells: list[tuple[int, str]]) -> bool:
    """Some pages print a year label before every value ("2024 95.2 2025 95.4 …")."""
    labels = [c for _, c in cells[0::2]]
    if len(cells) < 4 or len(cells) % 2 or not all(re.fullmatch(r"(?:19|20)\d\d", c) for c in labels):
        return False
    years = [int(c) for c in labels]
    return all(b == a + 1 for a, b in zip(years, years[1:], strict=False))


def _align(values: list[tuple[int, str]], years: list[tuple[int, int]],
           use_index: bool) -> list[tuple[int, str]]:
    """Values to the year columns of the page header. As many values as years: in order (the
    columns are often shifted by one). More values: by the header's cell positions when every year
    column holds a value, else the last ones. Fewer values: by position when they all sit under a
    year, else in order."""
    if not years or not values:
        return []
    by_index = dict(years)
    if len(values) == len(years):
        return [(y, v) for (_, y), (_, v) in zip(years, values, strict=True)]
    if use_index:
        positioned = [(by_index[i], v) for i, v in values if i in by_index]
        if len(values) > len(years) and len(positioned) == len(years):
            return positioned
        if len(values) < len(years) and len(positioned) == len(values):
            return positioned
    if len(values) > len(years):
        values = values[-len(years):]
    return [(y, v) for (_, y), (_, v) in zip(years, values, strict=False)]


class _Alignment:
    """Walks the expected indicator sequence (OEI indicators, then its AEIs' indicators, OEI by
    OEI) alongside the annex rows: named rows are matched by name near the current position, rows
    with values and no name take the indicator a previous row named without values, or the next one."""

    def __init__(self, expected: list[_Indicator]) -> None:
        self.expected = expected
        self.pos = -1
        self.open: list[int] = []
        self.named: set[int] = set()

    def section(self, oei: str) -> None:
        """'Acciones estratégicas institucionales del OEI.xx': the OEI's own indicators are done."""
        self.open = []
        own = [i for i, ind in enumerate(self.expected) if ind.block == oei and ind.owner == oei]
        first_aei = next((i for i, ind in enumerate(self.expected) if ind.block == oei and ind.owner != oei),
                         None)
        mark = own[-1] if own else (first_aei - 1 if first_aei is not None else None)
        if mark is not None and mark > self.pos:
            self.pos = mark

    def row(self, names: list[str], sets: list[_AnnexValues], code: str | None) -> None:
        if names:
            self.open = []
            slots: list[int] = []
            for name in names:
                lo = (slots[-1] + 1) if slots else self._start()
                slot = self._match(name, lo, code)
                if slot is None:
                    break
                slots.append(slot)
                self.named.add(slot)
            for k, slot in enumerate(slots):
                if k < len(sets):
                    self._assign(slot, sets[k])
                elif self.expected[slot].annex is None:
                    self.open.append(slot)
            if slots:
                self.pos = max(self.pos, slots[-1])
            sets = sets[len(slots):]
        for values in sets:
            slot = self.open.pop(0) if self.open else self.pos + 1
            if slot >= len(self.expected):
                return
            self._assign(slot, values)
            self.pos = max(self.pos, slot)

    def _start(self) -> int:
        # The current indicator is still a candidate when a values-only row filled it unnamed.
        cur = self.pos
        if cur >= 0 and self.expected[cur].annex is not None and cur not in self.named:
            return cur
        return cur + 1

    def _assign(self, slot: int, values: _AnnexValues) -> None:
        if self.expected[slot].annex is None:
            self.expected[slot].annex = values

    def _match(self, name: str, lo: int, code: str | None) -> int | None:
        if lo >= len(self.expected):
            return None
        best, best_score = lo, float("-inf")
        for slot in range(lo, min(len(self.expected), lo + _MATCH_WINDOW)):
            ind = self.expected[slot]
            score = fuzz.token_sort_ratio(fold(name), fold(ind.name)) - 6 * (slot - lo)
            score += 15 if fold(name).split()[:1] == fold(ind.name).split()[:1] else -15
            if code and code == ind.owner:
                score += 10
            if score > best_score:
                best, best_score = slot, score
        return best


# ---- records ---------------------------------------------------------------------------------


def extract(doc: Document) -> Records:
    if doc.kind != KIND:
        return {}
    oeis, oei_inds = _parse_oei_table(doc)
    aeis, aei_inds, aei_lines = _parse_aei_table(doc)
    oei_order = [e.code for e in oeis]
    ruta = _parse_ruta(doc, oei_order)
    expected = _expected_order(oei_order, oei_inds, aei_inds)
    annex_locator = _parse_annex(doc, expected)
    entities = _entity_rows(doc, oeis, aeis, aei_inds, aei_lines, ruta)
    indicators = [_indicator_row(doc, ind, annex_locator) for ind in oei_inds + aei_inds]
    targets = [row for ind in expected for row in _target_rows(doc, ind, annex_locator)]
    return {"entities": entities, "indicators": indicators, "targets": targets}


def _expected_order(oei_order: list[str], oei_inds: list[_Indicator],
                    aei_inds: list[_Indicator]) -> list[_Indicator]:
    blocks = oei_order + [b for b in dict.fromkeys(i.block for i in aei_inds) if b not in oei_order]
    return [i for b in blocks for i in (*[x for x in oei_inds if x.block == b],
                                         *[x for x in aei_inds if x.block == b])]


def _provenance(doc: Document, lines: list[int], locator: str) -> Row:
    return {"file": doc.file, "line_start": min(lines), "line_end": max(lines), "locator": locator}


def _entity_rows(doc: Document, oeis: list[_Entity], aeis: list[_Entity], aei_inds: list[_Indicator],
                 aei_lines: dict[str, list[int]], ruta: _Ruta | None) -> list[Row]:
    items = ruta.items if ruta else {}
    known = {e.code for e in aeis}
    # AEIs the AEI table has no row for (only indicator rows, or only the ruta) still exist.
    extra_codes = [c for c in dict.fromkeys([*(i.owner for i in aei_inds), *items])
                   if c.startswith("AEI") and c not in known]
    for code in extra_codes:
        lines = aei_lines.get(code, [])
        ent = _Entity(code, "AEI", parent=_parent_oei(code), lines=lines,
                      units=[i.unit_text for i in aei_inds if i.owner == code],
                      locator=aeis[0].locator if lines and aeis else "")
        aeis.append(ent)
    aeis.sort(key=lambda e: [int(p) for p in e.code.split(".")[1:]])
    rows = []
    for ent in oeis + aeis:
        item = items.get(ent.code)
        lines = ent.lines or (item.lines if item else [])
        locator = ent.locator or (ruta.locator if ruta else "")
        row: Row = {
            "plan": doc.plan, "kind": ent.kind, "code": ent.code,
            "title": ent.title or (item.title if item else ""), "parent": ent.parent, "tipo": ent.tipo,
            "priority": item.priority if item else None, "pgg": item.pgg if item else None,
            "responsible": json.dumps(_merge_units(*ent.units, item.unit_text if item else ""),
                                      ensure_ascii=False),
            "source_file": doc.file, **_provenance(doc, lines, locator),
        }
        if item and item.lines and ruta:
            row.update({"ruta_line_start": min(item.lines), "ruta_line_end": max(item.lines),
                        "ruta_locator": ruta.locator})
        rows.append(row)
    return rows


def _indicator_row(doc: Document, ind: _Indicator, annex_locator: str | None) -> Row:
    row: Row = {
        "plan": doc.plan, "owner": ind.owner, "code": ind.code, "name": ind.name,
        "responsible": json.dumps(_merge_units(ind.unit_text), ensure_ascii=False),
        **_provenance(doc, ind.lines, ind.locator),
    }
    if ind.annex:
        a = ind.annex
        row.update({"baseline_year": a.baseline_year, "baseline_value": parse_number(a.baseline_raw),
                    "baseline_raw": a.baseline_raw, "baseline_line_start": a.header_line,
                    "baseline_line_end": a.line, "baseline_locator": annex_locator})
    return row


def _target_rows(doc: Document, ind: _Indicator, locator: str | None) -> list[Row]:
    if not ind.annex:
        return []
    a = ind.annex
    return [{"plan": doc.plan, "owner": ind.owner, "indicator_code": ind.code, "indicator_name": ind.name,
             "year": year, "value": parse_number(raw), "raw": raw,
             **_provenance(doc, [a.header_line, a.line], locator or "")}
            for year, raw in a.targets]
