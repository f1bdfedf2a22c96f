"""Follow-up records of the institutional evaluation reports (semestral and annual).

For documents of kind "informe de evaluación semestral" / "informe de evaluación anual":

* ``critical_actions`` — the section "Identificación de acciones críticas": one row per action
  heading in it ("AEI.04.01. … (no priorizado)"). ``priorizado`` is 1/0 from "(priorizado)" /
  "(no priorizado)" (None when not said); ``reason`` is the paragraph that says why the action is
  critical ("… fue identificada como un caso crítico debido a …"); ``aois`` the JSON list of AOI
  codes cited anywhere in the block; ``figures`` a JSON list of the percentages and "N de M"
  counts of the block's prose, each ``{"raw", "value", "context"}`` (plus ``"total"`` for
  "N de M"). The line range is the whole block (heading to the line before the next heading).
* ``recommendations`` — every table whose header has a "Recomendación" column. With a status
  column ("Situación", "Estado de cumplimiento") it is the follow-up of earlier recommendations
  (``list_kind="seguimiento"``), otherwise the report's own (``"nueva"``). Tables split over pages
  (repeated header) are merged; a row with an empty key cell finishes the cells of the row above
  ("Dirección General de" + "Asuntos Multilaterales y Globales"). When the table has no number
  column, numbers (and the unit and the comment) come from prose headings under the table
  ("Recomendación 3. Suscribir …" / "Centro de costo encargado: …"), matched by text. An empty
  unit cell means "same unit as above"; an empty plazo stays None. A numbered row whose other cells
  are all empty shares the merged cells of the row above: it inherits them and the extra column
  ``cells_from`` holds that row's number. ``status`` is one of records.STATUSES ("sin información"
  also when the status cell is empty: ``status_raw`` then is ""). ``responsible`` is a JSON list
  of unit names. Extra column ``plazo_raw`` keeps the printed plazo.
* ``statements`` — figures stated in prose sentences (bullets included, tables excluded):
    - ``avance_poi_prosa``: a percentage of "ejecución física" (the POI side of an action);
    - ``avance_pei_prosa``: a percentage of "avance" ("se tuvo un avance de 33%", "0% de avance");
    - ``porcentaje_con_conteo``: a percentage with the counts it comes from or is about, found in
      the sentence or its neighbours of the same paragraph ("5 de 13 reuniones", "La meta
      correspondía a 706 eventos … Se desarrollaron 468 eventos", "21 acciones (52.5%)" of "las 40
      acciones");
    - ``recomendaciones_implementacion``: a percentage in a sentence about recommendations;
    - ``conteo``: a number followed by a plural noun ("17 268 ciudadanos", "diez (10)
      mecanismos"); numbers that are years, table/law numbers or list markers are left out.
  ``owner`` is the OEI/AEI of the section the sentence is in (entity headings set it, numbered
  section headings reset it) or else the only code the sentence names. ``sentence`` is clean text
  (for ``porcentaje_con_conteo`` the sentences that hold the percentage and its counts).
  ``raw`` encoding: for percentage topics ``"<pct as printed>%|<count obtained>|<count
  expected/total>"`` with empty fields when not stated, e.g. "94%|468|706", "66%||",
  "52,5%||40"; counts are the printed digits (a number in words, "ocho (8)", gives "8"), so every
  field reads with text.parse_number. For ``conteo`` the number as printed ("17 268", "diez (10)").

``link_recommendations(rows)`` links the "nueva" recommendations of a report to the rows of a later
report's "seguimiento" list (see its docstring).
"""

from __future__ import annotations

import json
import os
import re
from dataclasses import dataclass, field
from functools import lru_cache

from rapidfuzz import fuzz

from ..document import EVALUATION_KINDS, MONTHS, Document
from ..records import STATUSES, Records, Row
from ..text import AOI_RE, SUPERSCRIPTS, clean, find_codes, fold, parse_number

KINDS = EVALUATION_KINDS

# ---- line classification ------------------------------------------------------------------------

_FOOTNOTE_RE = re.compile(rf"^\s*(?:\d+\.\s*)?[{SUPERSCRIPTS}]")
_BANNER_RE = re.compile(r"(?:peru)?\s*(?:ministerio de)?\s*(?:relaciones exteriores)?")
_CAPTION_RE = re.compile(r"^(?:tabla|grafico|cuadro|figura|ilustracion|anexo)\s+\d+", re.I)
_SOURCE_RE = re.compile(r"^(?:fuente|elaboracion propia|nota|adaptado de)\b", re.I)
_NUMBERED_RE = re.compile(r"^(\d{1,2}(?:\.\d{1,2})*)\.?\s+\S")
_BULLET_RE = re.compile(r"^\s*(?:[-•·▪◦]\s*|o\s+|\(\d+\)\s)")
_ACTION_WORDS_RE = re.compile(r"^acci[oó]n\s+estrat[eé]gica(?:\s+priorizada)?\s*:?\s*(\d{1,2})\.(\d{1,2})\b", re.I)
_OBJECTIVE_WORDS_RE = re.compile(r"^objetivo(?:\s+estrat[eé]gico)?(?:\s+priorizado)?\s*:?\s*(?=OEI)", re.I)
_TERMINAL = (".", "!", "?", ":", ";")


@dataclass
class Block:
    """A unit of the page: a (joined) prose paragraph, a bullet, a heading, a caption or a table."""

    kind: str  # prose | bullet | heading | entity | caption | source | table
    start: int
    end: int
    text: str = ""
    owner: str | None = None  # section owner (OEI/AEI) in force at this block
    code: str | None = None  # entity heading code
    offsets: list[tuple[int, int]] = field(default_factory=list)  # (char offset in text, line)

    def line_at(self, pos: int) -> int:
        line = self.start
        for offset, number in self.offsets:
            if offset > pos:
                break
            line = number
        return line


def _entity_code(text: str) -> str | None:
    """The OEI/AEI a heading line introduces ("AEI.01.02. …", "Acción estratégica priorizada 01.03.",
    "Objetivo priorizado: OEI.05. …"), or None."""
    m = _ACTION_WORDS_RE.match(text)
    if m:
        return f"AEI.{int(m.group(1)):02d}.{int(m.group(2)):02d}"
    body = _OBJECTIVE_WORDS_RE.sub("", text, count=1)
    m = re.match(r"(?:OEI|AEI)[\s.]*\d", body)
    if not m:
        return None
    codes = find_codes(body[:20])
    return codes[0] if codes and codes[0][:3] in ("OEI", "AEI") else None


@lru_cache(maxsize=16384)
def _classify(raw: str) -> str:
    if not raw.strip():
        return "blank"
    if "\t" in raw:
        return "table"
    if _FOOTNOTE_RE.match(raw):
        return "footnote"
    text = clean(raw)
    folded = fold(text[:120].replace("*", ""))  # only the start decides the kind
    if not folded or re.fullmatch(r"\d{1,4}", folded) or (len(folded) < 60 and _BANNER_RE.fullmatch(folded)):
        return "banner"
    if _CAPTION_RE.match(folded):
        return "caption"
    if _SOURCE_RE.match(folded):
        return "source"
    if _BULLET_RE.match(raw):
        return "bullet"
    m = _NUMBERED_RE.match(text)
    if m and "." in text[: len(m.group(1)) + 1] and len(text) < 160 and not text.endswith("."):
        return "heading"
    if len(text) < 400 and _entity_code(text):
        return "entity"
    return "prose"


def _blocks(doc: Document) -> list[Block]:
    """The document as blocks, with prose paragraphs re-joined across page breaks and footnotes."""
    blocks: list[Block] = []
    owner: str | None = None
    for number, raw in enumerate(doc.lines, start=1):
        kind = _classify(raw)
        if kind in ("blank", "banner", "footnote"):
            continue
        if kind == "table":
            if blocks and blocks[-1].kind == "table":
                blocks[-1].end = number
            else:
                blocks.append(Block("table", number, number, owner=owner))
            continue
        text = clean(raw)
        if kind == "heading":
            owner = None
        elif kind == "entity":
            owner = _entity_code(text)
        prev = blocks[-1] if blocks else None
        if kind == "prose" and prev is not None and prev.kind == "prose" and _continues(prev.text, text):
            prev.offsets.append((len(prev.text) + 1, number))
            prev.text = f"{prev.text} {text}"
            prev.end = number
        else:
            block = Block(kind, number, number, text, owner=owner, offsets=[(0, number)])
            if kind == "entity":
                block.code = owner
            blocks.append(block)
    return blocks


def _continues(previous: str, text: str) -> bool:
    """A prose line finishes the previous paragraph when a page break or footnote cut it."""
    if text[:1].islower():
        return True
    return len(previous) > 200 and not previous.rstrip("*").endswith(_TERMINAL)


# ---- sentences and numbers ------------------------------------------------------------------------

_SPLIT_RE = re.compile(r"(?<=[.!?])\s+(?=[A-ZÁÉÍÓÚÑ¿¡\"“(*])")
_NO_SPLIT_END_RE = re.compile(
    r"(?:\b(?:OEI|AEI|OES|AES)[\s.]*\d{1,2}(?:\.\d{1,2})*\.|\b(?:N|Nº|N°|Sr|Sra|Dr|Dra|Ing|Lic|Av|p|pp|art|"
    r"Art|núm|vol|min|aprox|Emb)\.|\b[A-Z]\.)$"
)


def _sentences(text: str) -> list[tuple[int, int]]:
    spans: list[tuple[int, int]] = []
    start = 0
    for m in _SPLIT_RE.finditer(text):
        if _NO_SPLIT_END_RE.search(text[start : m.start()]):
            continue
        spans.append((start, m.start()))
        start = m.end()
    spans.append((start, len(text)))
    return [(a, b) for a, b in spans if text[a:b].strip()]


_NUM = r"(?:\d{1,3}(?:[ \u00a0]\d{3})+(?![\d,.]\d)|\d{1,3}(?:,\d{3})+(?![\d,.]\d)|\d+(?:[.,]\d+)?)"
_INT = r"(?:\d{1,3}(?:[ \u00a0]\d{3})+(?!\d)|\d{1,3}(?:,\d{3})+(?![\d.]\d)|\d+)"
_NUMWORD = (r"(?:un[oa]?|dos|tres|cuatro|cinco|seis|siete|ocho|nueve|diez|once|doce|trece|catorce|quince|"
            r"dieci[a-záéíóúñ]+|veinte|veinti[a-záéíóúñ]+|treinta|cuarenta|cincuenta|sesenta|setenta|ochenta|"
            r"noventa|cien|ciento|[a-záéíóúñ]+cient[oa]s|quinientos|mil)")
# a number in words with its digits: "veinticinco (25)", "treinta y un (31)"
_WORDNUM = rf"(?P<words>(?<![\wÁ-ú]){_NUMWORD}(?:\s+(?:y\s+)?{_NUMWORD}){{0,3}}\s+\((?P<wordnum>\d+)\))"
_COUNT = rf"(?:{_WORDNUM}|(?<![\w.,\-/])(?P<digits>{_INT})(?![\d°º%]|\s*%))"
_PCT_RE = re.compile(rf"(?<![\w.,])(-?{_NUM})\s?%")
_N_OF_M_RE = re.compile(rf"(?<![\w.,])({_INT})\s+de\s+(?:(?:un\s+total\s+de|los|las)\s+)?({_INT})(?![\d%.,]\d|\s*%)")
_N_TOTAL_RE = re.compile(rf"(?<![\w.,])({_INT})\s+[^.;%]{{0,40}}?,?\s*de\s+un\s+total\s+de\s+({_INT})(?!\s*%)")
_META_RE = re.compile(rf"\bmeta\b[^.;%]{{0,40}}?\b(?:correspond[ií]a|era|fue|es|ascend[ií]a)\s+(?:a\s+|de\s+)?{_COUNT}", re.I)
_DONE_RE = re.compile(
    r"\b(?:se\s+)?(?:ejecutaron|desarrollaron|desarroll[oó]|atendi[oó]|atendieron|realizaron|realiz[oó]|"
    r"celebraron|lograron|suscribieron|concretaron|emitieron|brind[oó])\s+(?:a\s+)?"
    rf"{_COUNT}",
    re.I,
)
_COUNT_NOUN_RE = re.compile(rf"{_COUNT}\s+(?:de\s+)?(?P<noun>[A-Za-zÁÉÍÓÚÑáéíóúñ]+)")
_SHARE_RE = re.compile(rf"(?<![\w.,])({_INT})\s+([a-záéíóúñ]+)(?:\s+[a-záéíóúñ]+)?\s*\([^()%]{{0,40}}?({_NUM})\s?%")
_GROUP_RE = re.compile(rf"\b(?:de|total\s+de|respecto\s+de)\s+(?:(?:los|las)\s+)?({_INT})\s+([A-Za-zÁÉÍÓÚÑáéíóúñ]+)")
_NOT_COUNT_NOUNS = {
    "meses", "anos", "dias", "horas", "minutos", "semanas", "veces", "mil", "miles", "millones",
    "soles", "dolares", "puntos", "por", "de", "del", "y", "o", "a", "en", "al", "que",
}
_NOT_COUNT_BEFORE_RE = re.compile(
    r"(?:\b(?:N|Nº|N°|n\.?º|numeral|ley|tabla|gr[aá]fico|anexo|resoluci[oó]n|decreto|ds|rm|c[oó]digo|p|pp|"
    r"som|oei|aei|oes|aes|objetivo|acci[oó]n|art[ií]culo|inciso|cap[ií]tulo|a[nñ]o|periodo|versi[oó]n)\.?\s*$)",
    re.I,
)
_MONTHS = set(MONTHS)


def _count_value(m: re.Match, as_digits: bool = False) -> tuple[str, float] | None:
    """(raw, value) of a _COUNT match: "ocho (8)" (or "8" with as_digits) or "17 268"."""
    digits = m.group("wordnum") or m.group("digits")
    value = parse_number(digits)
    if value is None:
        return None
    return (digits if as_digits else m.group("words") or digits), value


def _fmt(value: float | None) -> str:
    if value is None:
        return ""
    return str(int(value)) if float(value).is_integer() else str(value)


# ---- extract --------------------------------------------------------------------------------------


def extract(doc: Document) -> Records:
    if doc.kind not in KINDS:
        return {}
    blocks = _blocks(doc)
    tables = _tables(doc)
    return {
        "critical_actions": _critical_actions(doc, blocks),
        "recommendations": _recommendations(doc, blocks, tables),
        "statements": _statements(doc, blocks),
    }


def _provenance(doc: Document, start: int, end: int, locator: str) -> Row:
    return {"file": doc.file, "line_start": start, "line_end": end, "locator": locator}


# ---- critical actions -----------------------------------------------------------------------------

_CRITICAL_SECTION_RE = re.compile(r"identificacion de (?:las )?acciones criticas|acciones criticas identificadas")


def _critical_actions(doc: Document, blocks: list[Block]) -> list[Row]:
    rows: list[Row] = []
    start = next((i for i, b in enumerate(blocks)
                  if b.kind in ("heading", "prose") and len(b.text) < 120
                  and _CRITICAL_SECTION_RE.search(fold(b.text))), None)
    if start is None:
        return rows
    section = blocks[start].text
    depth = _depth(section)
    end = next((i for i in range(start + 1, len(blocks))
                if blocks[i].kind == "heading" and _depth(blocks[i].text) <= depth), len(blocks))
    heads = [i for i in range(start + 1, end) if blocks[i].kind == "entity"]
    for n, i in enumerate(heads):
        if not (blocks[i].code or "").startswith("AEI"):
            continue  # an objective heading groups actions; it is not itself a critical action
        stop = heads[n + 1] if n + 1 < len(heads) else end
        part = blocks[i:stop]
        rows.append(_critical_row(doc, section, part, blocks[stop].start - 1 if stop < len(blocks) else None))
    return rows


def _depth(heading: str) -> int:
    """Depth of a numbered heading ("4.2.2. …" → 3); unnumbered headings are the deepest."""
    m = _NUMBERED_RE.match(heading)
    return m.group(1).count(".") + 1 if m else 99


def _critical_row(doc: Document, section: str, part: list[Block], last_line: int | None) -> Row:
    head = part[0]
    folded = fold(head.text)
    if len(part) > 1 and len(part[1].text) < 40:
        folded += " " + fold(part[1].text)  # "(no priorizado)" printed on the line under the heading
    priorizado = None
    m = re.search(r"\((no\s+)?priorizad[oa]\)", folded)
    if m:
        priorizado = 0 if m.group(1) else 1
    prose = [b for b in part[1:] if b.kind == "prose"]
    reason = next((b for b in prose if "critic" in fold(b.text)), prose[0] if prose else None)
    line_end = max(b.end for b in part)
    if last_line is not None:
        # the block runs to the line before the next heading, minus trailing blank lines
        line_end = max(line_end, _last_text_line(doc, line_end, last_line))
    aois: list[str] = []
    for number in range(head.start, line_end + 1):
        for code in AOI_RE.findall(clean(doc.line(number))):
            if code not in aois:
                aois.append(code)
    figures: list[dict] = []
    for b in prose:
        figures.extend(_figures(b.text))
    return {
        "plan": doc.plan, "period": doc.period, "owner": head.code, "priorizado": priorizado,
        "reason": reason.text if reason else None,
        "aois": json.dumps(aois, ensure_ascii=False),
        "figures": json.dumps(figures, ensure_ascii=False),
        **_provenance(doc, head.start, line_end, section),
    }


def _last_text_line(doc: Document, floor: int, ceiling: int) -> int:
    for number in range(ceiling, floor, -1):
        if doc.line(number).strip() and _classify(doc.line(number)) not in ("banner",):
            return number
    return floor


_STOP_WORDS = {
    "un", "una", "el", "la", "los", "las", "de", "del", "a", "al", "en", "con", "por", "para", "y", "o",
    "que", "se", "fue", "es", "ha", "han", "tuvo", "tiene", "cuenta", "alrededor", "nivel", "pese", "sobre",
    "lo", "cual", "sus", "su", "este", "esta", "solo", "entre", "ascendiendo", "alcanzado", "alcanzo",
    "obtuvo", "obtuvieron", "tuvieron", "registro", "logro", "represento",
}


def _context(text: str, start: int, end: int, prefer_after: bool = False) -> str:
    """A few words naming what a figure measures: the words of its clause before it, plus the words
    after it when they say what it is a share of ("0% de avance sobre la meta de …")."""
    before = re.split(r"[,;:()]", text[max(0, start - 80) : start])[-1].split()
    while before and fold(before[-1]) in _STOP_WORDS:
        before.pop()
    before = before[-4:]
    while before and fold(before[0]) in _STOP_WORDS:
        before.pop(0)
    after = re.split(r"[,;:().]", text[end : end + 90])[0].split()[:9]
    if prefer_after and after:
        return " ".join(after[:4])
    if after and fold(after[0]) in ("de", "del"):  # "0% de avance sobre la meta de …"
        return " ".join(after[1:])
    if after and fold(after[0]) == "sobre":  # "un avance de 58% sobre las solicitudes …"
        return " ".join(before + after)
    return " ".join(before)


def _figures(text: str) -> list[dict]:
    out: list[dict] = []
    for m in _PCT_RE.finditer(text):
        out.append({"raw": m.group(0).strip(), "value": parse_number(m.group(1)),
                    "context": _context(text, m.start(), m.end())})
    for m in _N_OF_M_RE.finditer(text):
        out.append({"raw": m.group(0).strip(), "value": parse_number(m.group(1)),
                    "total": parse_number(m.group(2)), "context": _context(text, m.start(), m.end(), True)})
    return out


# ---- tables ---------------------------------------------------------------------------------------


@dataclass
class Table:
    header: list[str]
    header_line: int
    rows: list[tuple[int, list[str]]]  # (line, cells)
    locator: str


def _cells(raw: str) -> list[str]:
    return [clean(c) for c in raw.split("\t")]


def _tables(doc: Document) -> list[Table]:
    """Tab-separated tables; a table cut by a page break (its header repeated) is merged back."""
    tables: list[Table] = []
    segment: list[int] = []
    last_caption = ""
    for number in range(1, len(doc.lines) + 2):
        raw = doc.lines[number - 1] if number <= len(doc.lines) else ""
        kind = _classify(raw) if raw else "blank"
        if kind == "table":
            segment.append(number)
            continue
        if segment:
            _close_segment(doc, segment, tables, last_caption)
            segment = []
        if kind in ("caption", "heading"):
            last_caption = clean(raw)
    return tables


def _close_segment(doc: Document, segment: list[int], tables: list[Table], caption: str) -> None:
    header = _cells(doc.line(segment[0]))
    rows = [(n, _cells(doc.line(n))) for n in segment[1:]]
    rows = [(n, c) for n, c in rows if not all(re.fullmatch(r"-*", x) for x in c)]
    rows = [(n, c) for n, c in rows if not _same_header(header, c)]  # header repeated with no gap (PDF)
    previous = tables[-1] if tables else None
    if previous is not None and _same_header(previous.header, header) and _only_gap(doc, previous, segment[0]):
        previous.rows.extend(rows)
        return
    tables.append(Table(header, segment[0], rows, caption))


def _same_header(a: list[str], b: list[str]) -> bool:
    return [fold(x) for x in a if x] == [fold(x) for x in b if x]


def _only_gap(doc: Document, table: Table, next_start: int) -> bool:
    last = table.rows[-1][0] if table.rows else table.header_line
    return all(_classify(doc.line(n)) in ("blank", "banner", "footnote") for n in range(last + 1, next_start))


# ---- recommendations ------------------------------------------------------------------------------

_COLUMNS = (
    ("number", lambda h: h in ("n", "n°", "nº", "no", "no.", "nro", "nro.", "numero", "#", "n.°", "n.º")),
    ("aspecto", lambda h: h.startswith("aspecto")),
    ("accion_clave", lambda h: "accion clave" in h),
    ("medio_verificacion", lambda h: "verificacion" in h),
    ("text", lambda h: "recomendacion" in h),
    ("responsible", lambda h: "responsable" in h or "encargad" in h or h.startswith("unidad")),
    ("plazo", lambda h: "plazo" in h),
    ("status", lambda h: "estado" in h or "situacion" in h),
    ("comment", lambda h: "comentario" in h or "observacion" in h),
)
_DETAIL_COLUMNS = ("accion_clave", "medio_verificacion", "responsible", "plazo", "status", "comment")


def _column_map(header: list[str]) -> dict[str, int]:
    mapping: dict[str, int] = {}
    for index, cell in enumerate(header):
        h = fold(cell)
        for name, test in _COLUMNS:
            if name not in mapping and test(h):
                mapping[name] = index
                break
    return mapping


def _recommendations(doc: Document, blocks: list[Block], tables: list[Table]) -> list[Row]:
    out: list[Row] = []
    for table in tables:
        cols = _column_map(table.header)
        if "text" not in cols:
            continue
        kind = "seguimiento" if "status" in cols else "nueva"
        items = _assemble(table, cols)
        if "number" not in cols and kind == "seguimiento":
            _number_from_prose(items, blocks, table)
        for item in items:
            out.append(_recommendation_row(doc, table, kind, item))
    return out


def _assemble(table: Table, cols: dict[str, int]) -> list[dict]:
    """Rows of one table with continuation rows folded into the row above."""
    items: list[dict] = []
    for line, cells in table.rows:
        values = {name: (cells[i] if i < len(cells) else "") for name, i in cols.items()}
        if items and _is_continuation(values, cols):
            current = items[-1]
            for name, value in values.items():
                if value:
                    current["cells"][name] = _join(current["cells"].get(name, ""), value)
            current["end"] = line
            continue
        if not any(values.values()):
            continue
        items.append({"start": line, "end": line, "cells": values})
    previous: dict | None = None
    for item in items:
        cells = item["cells"]
        detail = [name for name in _DETAIL_COLUMNS if name in cols]
        if previous is not None and cells.get("text") and detail and not any(cells.get(n) for n in detail):
            # merged cells in the PDF: this row shares the unit, plazo and status of the row above
            for name in detail:
                cells[name] = previous["cells"].get(name, "")
            item["cells_from"] = _int(previous["cells"].get("number"))
        previous = item
    return items


def _is_continuation(values: dict[str, str], cols: dict[str, int]) -> bool:
    if "number" in cols:  # an empty key cell, unless the row has its own aspecto (a row without number)
        return not values.get("number") and not values.get("aspecto")
    keys = [n for n in ("aspecto", "status", "plazo") if n in cols]
    return bool(keys) and not any(values.get(n) for n in keys)


def _join(a: str, b: str) -> str:
    if not a:
        return b
    if re.search(r"[a-záéíóúñ]-$", a):
        return a[:-1] + b  # word split by hyphenation
    return f"{a} {b}"


def _int(text: str | None) -> int | None:
    value = parse_number(text) if text else None
    return int(value) if value is not None and float(value).is_integer() else None


_REC_HEADING_RE = re.compile(r"^recomendaci[oó]n\s+(?:n[°º]\s*)?(\d+)\s*[.:\-–]\s*(.+)$", re.I)
_UNIT_LINE_RE = re.compile(r"^[^:]{0,40}(?:encargad[oa]|responsable)s?\s*:\s*(.+)$", re.I)
_SUMMARY_RE = re.compile(r"^(?:a modo de s[ií]ntesis|en s[ií]ntesis|en resumen|en conclusi[oó]n|finalmente, "
                         r"respecto del? (?:total|conjunto))", re.I)


def _number_from_prose(items: list[dict], blocks: list[Block], table: Table) -> None:
    """Follow-up tables without a number column: the numbers (and units, comments) are in prose
    headings under the table ("Recomendación 3. <text>")."""
    headings = []
    for index, block in enumerate(blocks):
        if block.start <= table.header_line or block.kind not in ("bullet", "prose"):
            continue
        m = _REC_HEADING_RE.match(block.text.lstrip("-•· ").strip("* "))
        if m:
            headings.append((index, int(m.group(1)), m.group(2).strip("* ")))
    used: set[int] = set()
    for item in items:
        text = fold(item["cells"].get("text", ""))
        best = max(((fuzz.token_set_ratio(text, fold(h_text)), n, index) for index, n, h_text in headings
                    if index not in used), default=None)
        if best is None or best[0] < 75:
            continue
        _, number, index = best
        used.add(index)
        item["cells"]["number"] = str(number)
        unit, comment = _heading_details(blocks, index)
        if unit and not item["cells"].get("responsible"):
            item["cells"]["responsible"] = unit
        if comment and not item["cells"].get("comment"):
            item["cells"]["comment"] = comment
    previous_unit = ""
    for item in items:  # an empty unit cell repeats the unit above
        if item["cells"].get("responsible"):
            previous_unit = item["cells"]["responsible"]
        elif previous_unit and "responsible" in item["cells"]:
            item["cells"]["responsible"] = previous_unit


def _heading_details(blocks: list[Block], index: int) -> tuple[str, str]:
    unit = ""
    comment: list[str] = []
    for block in blocks[index + 1 :]:
        if block.kind not in ("prose", "bullet") or _REC_HEADING_RE.match(block.text.lstrip("-•· ").strip("* ")):
            break
        m = _UNIT_LINE_RE.match(block.text)
        if m and not unit and not comment:
            unit = m.group(1).strip()
            continue
        if _SUMMARY_RE.match(block.text):
            break
        comment.append(block.text)
    return unit, " ".join(comment)


_UNIT_STARTERS = ("Dirección", "Direccion", "Oficina", "Oficinas", "Secretaría", "Secretaria", "Viceministerio",
                  "Despacho", "Unidad", "Órgano", "Órganos", "Organo", "Procuraduría", "Academia", "Agencia",
                  "Comisión", "Consulado", "Consulados", "Embajada", "Embajadas", "Misión", "Representación",
                  "Gabinete", "Of.")
_CONNECTORS = {"de", "del", "la", "las", "el", "los", "y", "e", "a", "al", "en", "para", "con", "por"}


def split_units(text: str | None) -> list[str]:
    """Unit names of a responsible cell: split at " - ", " / ", ";" and where a new unit name starts
    without a separator ("… y Presupuesto Dirección General de América")."""
    if not text:
        return []
    units: list[str] = []
    for part in re.split(r"\s+[-–—/]\s+|\s*;\s*|\s*•\s*|\s+-$", text):
        words = part.split()
        current: list[str] = []
        for word in words:
            if current and word in _UNIT_STARTERS and fold(current[-1]) not in _CONNECTORS:
                units.append(" ".join(current))
                current = []
            current.append(word)
        if current:
            units.append(" ".join(current))
    return [u.strip(" ,.-–") for u in units if u.strip(" ,.-–")]


def normalise_status(raw: str | None) -> str:
    """One of records.STATUSES for a printed status ("Culminado", "Ejecutado", "En proceso" …)."""
    f = fold(raw or "")
    if not f or "sin informacion" in f or "sin respuesta" in f or "no reporta" in f or f in ("s/i", "sin dato"):
        return STATUSES[3]
    if "no iniciad" in f or "pendiente" in f or "por iniciar" in f:
        return STATUSES[0]
    if re.search(r"en proceso|en curso|en ejecucion|en implementacion|parcial|en desarrollo", f):
        return STATUSES[1]
    if re.search(r"ejecutad|culminad|cumplid|implementad|concluid|finalizad|atendid|complet", f):
        return STATUSES[2]
    return STATUSES[3]


def _plazo(raw: str | None) -> float | None:
    if not raw:
        return None
    m = re.search(r"(\d+(?:[.,]\d+)?)\s*(mes|meses|a[nñ]o|a[nñ]os|semana|semanas)?", fold(raw))
    if not m:
        return None
    value = parse_number(m.group(1))
    unit = m.group(2) or "mes"
    if value is None:
        return None
    if unit.startswith("a"):
        return value * 12
    if unit.startswith("semana"):
        return round(value / 4.345, 2)
    return value


def _recommendation_row(doc: Document, table: Table, kind: str, item: dict) -> Row:
    cells = item["cells"]
    row: Row = {
        "period": doc.period, "list_kind": kind, "number": _int(cells.get("number")),
        "aspecto": cells.get("aspecto") or None, "text": cells.get("text") or None,
        "accion_clave": cells.get("accion_clave") or None,
        "medio_verificacion": cells.get("medio_verificacion") or None,
        "responsible": json.dumps(split_units(cells.get("responsible")), ensure_ascii=False),
        "plazo_meses": _plazo(cells.get("plazo")), "plazo_raw": cells.get("plazo", "") or None,
        "status": normalise_status(cells.get("status")) if kind == "seguimiento" else None,
        "status_raw": cells.get("status", "") if kind == "seguimiento" else None,
        "comment": cells.get("comment") or None,
        **_provenance(doc, item["start"], item["end"], table.locator),
    }
    if "cells_from" in item:
        row["cells_from"] = item["cells_from"]
    return row


# ---- linking across reports -----------------------------------------------------------------------


def period_key(period: str | None) -> tuple[int, int, int] | None:
    """Order of report periods: 2024-S1 < 2024-S2 < 2024 (the annual report comes last)."""
    if not period:
        return None
    m = re.fullmatch(r"((?:19|20)\d\d)(?:-(S|T|Q)(\d))?", period.strip(), re.I)
    if not m:
        return None
    year = int(m.group(1))
    if not m.group(2):
        return year, 12, 1
    months = 6 if m.group(2).upper() == "S" else 3
    return year, int(m.group(3)) * months, 0


def _strip_label(text: str) -> str:
    """New recommendations may start with a theme label ("Diseño: Clasificar …")."""
    return re.sub(r"^[A-Za-zÁÉÍÓÚÑáéíóúñ ]{3,25}:\s*", "", text or "")


def _units(row: dict) -> list[str]:
    value = row.get("responsible")
    if isinstance(value, str):
        try:
            value = json.loads(value)
        except ValueError:
            value = split_units(value)
    return [fold(u) for u in value or []]


# How many earlier report periods a follow-up row is matched against (the most recent ones): a
# report follows up the recommendations of the evaluations before it, and this keeps linking linear
# in the number of reports instead of quadratic.
LINK_WINDOW = int(os.environ.get("PLANES_LINK_WINDOW", "6"))


def _link_score(new: tuple[str, tuple[str, ...]], later: tuple[str, tuple[str, ...]]) -> float:
    """Score of a follow-up row against a new recommendation, each as (folded text, folded units)."""
    text = fuzz.token_sort_ratio(new[0], later[0])
    partial = fuzz.partial_ratio(new[0], later[0])
    text = max(text, 0.9 * partial)
    a, b = new[1], later[1]
    if not a or not b:
        return text
    unit = max(fuzz.token_set_ratio(x, y) for x in a for y in b)
    return (4 * text + unit) / 5  # the text weighs four times the responsible units


def link_recommendations(rows: list[dict], threshold: float = 75.0, window: int | None = None) -> list[dict]:
    """Link each row of a report's "seguimiento" list to the "nueva" recommendation of an earlier
    report it follows up (rapidfuzz over the text and the responsible units).

    ``rows`` are recommendation rows (any order, any reports). For every "seguimiento" row the best
    "nueva" row of one of the ``window`` earlier periods is chosen (the most recent report wins
    near-ties); links under ``threshold`` are dropped. One new recommendation may be followed up by
    several rows (one per unit). Returns ``[{"from_index": i, "to_index": j, "confidence": 0-100}]``
    (indexes into rows).
    """
    window = LINK_WINDOW if window is None else window
    keyed = [(i, period_key(r.get("period"))) for i, r in enumerate(rows)]
    news_by_period: dict[tuple, list[int]] = {}
    for i, k in keyed:
        if k is not None and rows[i].get("list_kind") == "nueva":
            news_by_period.setdefault(k, []).append(i)
    periods = sorted(news_by_period)
    folded_new = {i: (fold(_strip_label(rows[i].get("text") or "")), tuple(_units(rows[i])))
                  for ids in news_by_period.values() for i in ids}
    memo: dict[tuple, float] = {}  # the score is a pure function of the two (text, units) pairs
    links: list[dict] = []
    for j, later_key in keyed:
        if later_key is None or rows[j].get("list_kind") != "seguimiento":
            continue
        later = (fold(rows[j].get("text") or ""), tuple(_units(rows[j])))
        earlier = [k for k in periods if k < later_key][-window:] if window > 0 else []
        scored = []
        for k in earlier:
            for i in news_by_period[k]:
                key = (folded_new[i], later)
                if key not in memo:
                    memo[key] = _link_score(folded_new[i], later)
                scored.append((memo[key], k, i))
        if not scored:
            continue
        top = max(s for s, _, _ in scored)
        best = max((c for c in scored if c[0] >= top - 2), key=lambda c: (c[1], c[0]))
        if best[0] >= threshold:
            links.append({"from_index": best[2], "to_index": j, "confidence": round(best[0])})
    return sorted(links, key=lambda d: (d["from_index"], d["to_index"]))


# ---- statements -----------------------------------------------------------------------------------

_POI_BEFORE_RE = re.compile(r"ejecuci[oó]n\s+f[ií]sica[^%.;]{0,35}$", re.I)
_POI_AFTER_RE = re.compile(r"^\s*(?:en|de)\s+(?:la\s+)?ejecuci[oó]n\s+f[ií]sica", re.I)
_PEI_BEFORE_RE = re.compile(r"\bavance(?:\s+[a-záéíóúñ]+)?\s+(?:de|del)\s*$", re.I)
_PEI_AFTER_RE = re.compile(r"^\s*(?:de|del)\s+avance\b", re.I)


def _statements(doc: Document, blocks: list[Block]) -> list[Row]:
    rows: list[Row] = []
    locator = ""
    for block in blocks:
        if block.kind in ("heading", "entity"):
            locator = block.text[:160]
        if block.kind not in ("prose", "bullet"):
            continue
        spans = _sentences(block.text)
        for n in range(len(spans)):
            rows.extend(_sentence_statements(doc, block, spans, n, locator or block.text[:80]))
    return rows


def _owner(block: Block, sentence: str) -> str | None:
    if block.owner:
        return block.owner
    codes = [c for c in find_codes(sentence) if c[:3] in ("OEI", "AEI")]
    return codes[0] if len(codes) == 1 else None


def _statement(doc: Document, block: Block, span: tuple[int, int], locator: str, **values) -> Row:
    a, b = span
    return {
        "plan": doc.plan, "period": doc.period, **values,
        **_provenance(doc, block.line_at(a), block.line_at(max(a, b - 1)), locator),
    }


def _sentence_statements(doc: Document, block: Block, spans: list[tuple[int, int]], n: int,
                         locator: str) -> list[Row]:
    text = block.text
    a, b = spans[n]
    sentence = text[a:b].strip()
    previous = text[spans[n - 1][0] : spans[n - 1][1]] if n else ""
    owner = _owner(block, sentence)
    out: list[Row] = []
    shares = list(_SHARE_RE.finditer(sentence))
    folded = fold(sentence)
    about_recs = "recomendaci" in folded
    about_target = bool(re.search(r"\b(?:meta|avance)\b", folded))
    for m in _PCT_RE.finditer(sentence):
        pct_raw, value = m.group(0).strip(), parse_number(m.group(1))
        before, after = sentence[: m.start()], sentence[m.end() :]
        topic = None
        if _POI_BEFORE_RE.search(before) or _POI_AFTER_RE.match(after):
            topic = "avance_poi_prosa"
        elif _PEI_BEFORE_RE.search(before) or _PEI_AFTER_RE.match(after):
            topic = "avance_pei_prosa"
        elif about_recs:
            topic = "recomendaciones_implementacion"
        if topic:
            out.append(_statement(doc, block, spans[n], locator, owner=owner, topic=topic, value=value,
                                  raw=f"{pct_raw}||", sentence=sentence))
        if topic == "avance_poi_prosa":
            continue
        count = _pct_counts(sentence, previous, m, shares)
        if count is None and about_target:  # "avance de 94% sobre la meta … La meta correspondía a 706 …"
            count = _counts_near(text, spans, n)
        if count is not None:
            done, total, span = count
            span = span or spans[n]
            out.append(_statement(doc, block, span, locator, owner=owner, topic="porcentaje_con_conteo",
                                  value=value, raw=f"{pct_raw}|{done}|{total}",
                                  sentence=text[span[0] : span[1]].strip()))
    for m in _COUNT_NOUN_RE.finditer(sentence):
        found = _conteo(sentence, m)
        if found:
            out.append(_statement(doc, block, spans[n], locator, owner=owner, topic="conteo", value=found[1],
                                  raw=found[0], sentence=sentence))
    return out


def _counts_near(text: str, spans: list[tuple[int, int]], n: int) -> tuple[str, str, tuple[int, int]] | None:
    """A target ("la meta correspondía a 706 …") and/or an achieved count ("se desarrollaron 468 …",
    "40 actividades, de un total de 353") stated in the sentence, the one before or the two after."""
    done = total = ""
    first, last = spans[n]
    for k in range(max(0, n - 1), min(len(spans), n + 3)):
        a, b = spans[k]
        chunk = text[a:b]
        if k > n and _PCT_RE.search(chunk):
            break  # the next percentage owns what follows
        pair = _N_TOTAL_RE.search(chunk) if k != n else None
        if pair and not done and not total:
            done, total = pair.group(1), pair.group(2)
            first, last = min(first, a), max(last, b)
            continue
        meta = _META_RE.search(chunk)
        found = _count_value(meta, as_digits=True) if meta else None
        if found and not total:
            total = found[0]
            first, last = min(first, a), max(last, b)
        for m in _DONE_RE.finditer(chunk):
            found = _count_value(m, as_digits=True)
            if found and not done and not re.match(r"\s*%", chunk[m.end() :]):
                done = found[0]
                first, last = min(first, a), max(last, b)
                break
    if not done and not total:
        return None
    return done, total, (first, last)


def _group_total(texts: list[str], noun: str | None, exclude: str = "") -> str:
    """The size of the group a share is taken from ("de las 40 acciones"), preferring the same noun."""
    groups = [g for t in texts for g in _GROUP_RE.finditer(t)
              if fold(g.group(2)).endswith("s") and fold(g.group(2)) not in _NOT_COUNT_NOUNS and g.group(1) != exclude]
    if noun:
        same = [g for g in groups if fold(g.group(2))[:5] == fold(noun)[:5]]
        if same:
            return same[0].group(1)
    return groups[0].group(1) if groups and not noun else ""


def _pct_counts(sentence: str, previous: str, pct: re.Match,
                shares: list[re.Match]) -> tuple[str, str, tuple[int, int] | None] | None:
    """(obtained, total, None) for a percentage whose counts are in its own sentence, or None."""
    share = next((m for m in shares if m.start(3) <= pct.start() < m.end()), None)
    if share is not None:  # "21 acciones estratégicas (52.5%)" of "las 40 acciones"
        return share.group(1), _group_total([sentence, previous], share.group(2), share.group(1)), None
    window = sentence[pct.end() : pct.end() + 160]
    m = _N_TOTAL_RE.search(window) or _N_OF_M_RE.search(window)
    if m and not _PCT_RE.search(window[: m.start()]):
        return m.group(1), m.group(2), None
    m = _N_OF_M_RE.search(sentence[: pct.start()])
    if m and not _PCT_RE.search(sentence[m.end() : pct.start()]):
        return m.group(1), m.group(2), None
    # "el 52,5% de las acciones …" after "… de 40 acciones estratégicas": a share of a stated group
    noun = re.match(r"\s*(?:de|del)\s+(?:las|los|total)?\s*([a-záéíóúñ]+)?", sentence[pct.end() :])
    total = _group_total([sentence[: pct.start()], previous], noun.group(1) if noun else None)
    if total:
        return "", total, None
    return None


def _conteo(sentence: str, m: re.Match) -> tuple[str, float] | None:
    found = _count_value(m)
    if found is None:
        return None
    raw, value = found
    noun = fold(m.group("noun"))
    if not noun.endswith("s") or noun in _NOT_COUNT_NOUNS or noun in _MONTHS or value < 2:
        return None
    digits = m.group("digits")
    if digits and re.fullmatch(r"(?:19|20)\d\d", digits):
        return None  # a year
    if _NOT_COUNT_BEFORE_RE.search(sentence[max(0, m.start() - 20) : m.start()]):
        return None
    if sentence[max(0, m.start() - 1) : m.start()] == "(":
        return None
    return raw, value
