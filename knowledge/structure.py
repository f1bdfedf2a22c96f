"""Sections, passages and tables of a document, every piece with its original line range.

The kinds of layout handled: numbered headings, annex headings, all-caps headings, "Tabla N." /
"Gráfico N." captions, tab-separated and pipe tables (stitched across page breaks), list items,
paragraphs broken by page banners, page numbers and footnote bodies.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field

from .document import Document
from .text import SUPERSCRIPTS, clean, fold, parse_number

CAPTION_RE = re.compile(r"^\s*(?:\*\*)?\s*(Tabla|Gr[aá]fico|Cuadro|Figura|Ilustraci[oó]n)\s*(?:N[°º.]\s*)?(\d+)\s*[.:\-–]", re.I)
NUMBERED_HEADING_RE = re.compile(r"^\s*(?:#+\s*)?(\d{1,2}(?:\.\d{1,2}){0,3})\.?\s+([A-ZÁÉÍÓÚÑ¿][^\t]{2,140})$")
ROMAN_HEADING_RE = re.compile(r"^\s*([IVX]{1,4}(?:\.[IVX]{1,4}){0,2})\.\s+([A-ZÁÉÍÓÚÑ][^\t]{2,140})$")
ANNEX_RE = re.compile(r"^\s*(?:#+\s*)?(ANEXO|Anexo)\s*(?:N[°º]\s*)?([\w.\-]*)\s*[:.\-–]?\s*(.{0,140})$")
MD_HEADING_RE = re.compile(r"^\s*(#{1,6})\s+(.+)$")
PAGE_NUMBER_RE = re.compile(r"^\s*(?:p[aá]g(?:ina)?\.?\s*)?\d{1,4}\s*(?:de\s+\d{1,4})?\s*$", re.I)
LIST_RE = re.compile(r"^\s*(?:[-•●▪*]|\(?\d{1,2}[.)]|\(?[a-z][.)])\s+")
SEPARATOR_CELL_RE = re.compile(r"^:?-{2,}:?$")
CAPTION_REACH = 6  # lines after a caption in which prose still belongs to it (notes, sources)


@dataclass
class Table:
    caption: str | None
    line_start: int
    line_end: int
    header: list[str]
    rows: list[list[str]]  # raw (clean) cells
    row_lines: list[tuple[int, int]]  # line range of each row
    section: str = ""

    def typed(self, row: int, col: int) -> float | None:
        cells = self.rows[row]
        return parse_number(cells[col]) if col < len(cells) else None


@dataclass
class Passage:
    text: str
    line_start: int
    line_end: int
    section: str
    kind: str  # heading, paragraph, list, row, caption
    caption: str | None = None
    table_index: int | None = None


@dataclass
class Structure:
    sections: list[dict] = field(default_factory=list)
    passages: list[Passage] = field(default_factory=list)
    tables: list[Table] = field(default_factory=list)


def noise_lines(doc: Document) -> set[str]:
    """Page banners: the letterhead lines of the cover page ("PERÚ", the ministry's name) when
    they come back on later pages. Only short lines that open the document qualify, so repeated
    content (labels, sub-headings) is never dropped."""
    letterhead = [clean(line) for line in doc.lines[:40] if clean(line)][:8]
    counts = Counter(clean(line) for line in doc.lines if line.strip() and "\t" not in line)
    return {text for text in letterhead if counts[text] >= 2 and len(text) <= 60 and not CAPTION_RE.match(text)}


def is_table_line(raw: str) -> bool:
    stripped = raw.strip()
    return ("\t" in raw and bool(stripped)) or (stripped.startswith("|") and stripped.count("|") >= 2)


def split_cells(raw: str) -> list[str]:
    stripped = raw.strip()
    cells = stripped.strip("|").split("|") if stripped.startswith("|") else raw.rstrip("\n").split("\t")
    return [clean(c) for c in cells]


def _is_toc_row(cells: list[str]) -> bool:
    """Index lines: a heading or caption followed by a page number."""
    filled = [c for c in cells if c]
    if len(filled) == 3 and re.fullmatch(r"\d{1,2}(?:\.\d{1,2})*\.?", filled[0]) and re.fullmatch(r"\d{1,3}", filled[-1]):
        return True
    return len(filled) == 2 and bool(re.fullmatch(r"\d{1,3}", filled[-1])) and (
        bool(NUMBERED_HEADING_RE.match(filled[0].rstrip(". "))) or bool(CAPTION_RE.match(filled[0]))
        or "...." in filled[0])


def heading_of(raw: str) -> tuple[int, str] | None:
    """(level, text) when a line is a heading."""
    text = clean(raw)
    if not text or len(text) > 150 or "\t" in raw:
        return None
    m = MD_HEADING_RE.match(raw)
    if m:
        return len(m.group(1)), clean(m.group(2))
    m = NUMBERED_HEADING_RE.match(text)
    if m and not text.endswith((".", ";", ",", ":")) and not re.search(r"\d{3,}", m.group(2)):
        return m.group(1).count(".") + 1, text
    m = ROMAN_HEADING_RE.match(text)
    if m and not text.endswith((".", ";", ",")):
        return m.group(1).count(".") + 1, text
    m = ANNEX_RE.match(text)
    if m and len(text) < 120 and not text.endswith("."):
        return 1, text
    letters = [c for c in text if c.isalpha()]
    if len(letters) >= 5 and all(c.isupper() for c in letters) and len(text) <= 80 and not text.endswith("."):
        return 1, text
    return None


def analyse(doc: Document) -> Structure:
    noise = noise_lines(doc)
    out = Structure()
    path: list[tuple[int, str]] = []
    caption: str | None = None
    caption_line = 0
    para: list[tuple[int, str]] = []
    table_lines: list[tuple[int, list[str]]] = []

    def section() -> str:
        return " > ".join(t for _, t in path)

    def flush_para() -> None:
        if para:
            text = " ".join(t for _, t in para)
            kind = "list" if LIST_RE.match(para[0][1]) else ("note" if _looks_like_note(text) and len(text) < 200
                                                              else "paragraph")
            # a caption describes its table or figure and the notes right under it, not the prose after
            near = caption if caption and para[0][0] - caption_line <= CAPTION_REACH else None
            out.passages.append(Passage(text, para[0][0], para[-1][0], section(), kind, near))
            para.clear()

    def flush_table() -> None:
        nonlocal caption
        if table_lines:
            _add_table(out, table_lines, caption if caption_line and table_lines[0][0] - caption_line < 12 else None,
                       section())
            table_lines.clear()

    for number, raw in enumerate(doc.lines, start=1):
        text = clean(raw)
        if raw.lstrip()[:1] in SUPERSCRIPTS:  # footnote body: a passage of its own, not part of prose
            flush_para()
            if text:
                out.passages.append(Passage(text, number, number, section(), "footnote"))
            continue
        if not text or text in noise or PAGE_NUMBER_RE.match(text):
            if not text:
                flush_para()
            continue
        if is_table_line(raw):
            cells = split_cells(raw)
            if _is_toc_row(cells) or all(SEPARATOR_CELL_RE.match(c) or not c for c in cells):
                continue
            flush_para()
            if table_lines and _is_repeated_header(table_lines, cells):
                continue
            table_lines.append((number, cells))
            continue
        if table_lines and not CAPTION_RE.match(text) and heading_of(raw) is None and len(text) < 200 \
                and _looks_like_note(text):
            # notes and sources under a table belong to it as prose
            flush_table()
        cap = CAPTION_RE.match(text)
        if cap:
            flush_para()
            flush_table()
            caption, caption_line = text, number
            out.passages.append(Passage(text, number, number, section(), "caption", text))
            continue
        head = heading_of(raw)
        if head:
            flush_para()
            flush_table()
            level, title = head
            path[:] = [p for p in path if p[0] < level] + [(level, title)]
            out.sections.append({"title": title, "level": level, "line": number, "path": section()})
            out.passages.append(Passage(title, number, number, section(), "heading"))
            caption = None
            continue
        if table_lines:
            flush_table()
        if LIST_RE.match(text) and para:
            flush_para()
        para.append((number, text))
    flush_para()
    flush_table()
    return out


def _looks_like_note(text: str) -> bool:
    return bool(re.match(r"^(fuente|nota|elaboraci[oó]n)", fold(text)))


def _is_repeated_header(table_lines: list[tuple[int, list[str]]], cells: list[str]) -> bool:
    """A page break repeats the header row: drop it so the table reads as one."""
    header = table_lines[0][1]
    def key(row: list[str]) -> list[str]:
        return [re.sub(r"\W", "", fold(c)) for c in row]
    return len(table_lines) > 1 and key(cells) == key(header)


def _add_table(out: Structure, lines: list[tuple[int, list[str]]], caption: str | None, section: str) -> None:
    header = lines[0][1]
    rows: list[list[str]] = []
    spans: list[tuple[int, int]] = []
    for number, cells in lines[1:]:
        # continuation row: empty key cell finishing the sentences of the row above
        if rows and not cells[0] and any(cells) and len(cells) <= len(rows[-1]) + 1 and not _has_numbers(cells):
            prev = rows[-1]
            for i, c in enumerate(cells):
                if c and i < len(prev):
                    prev[i] = f"{prev[i]} {c}".strip()
                elif c:
                    prev.append(c)
            spans[-1] = (spans[-1][0], number)
            continue
        rows.append(list(cells))
        spans.append((number, number))
    table = Table(caption, lines[0][0], lines[-1][0], header, rows, spans, section)
    out.tables.append(table)
    index = len(out.tables) - 1
    for row, (start, end) in zip(rows, spans, strict=False):
        out.passages.append(Passage(render_row(header, row), start, end, section, "row", caption, index))
    if not rows:
        out.passages.append(Passage(" · ".join(c for c in header if c), lines[0][0], lines[0][0], section,
                                    "row", caption, index))


def _has_numbers(cells: list[str]) -> bool:
    return any(parse_number(c) is not None for c in cells if c)


def render_row(header: list[str], row: list[str]) -> str:
    """A table row as readable text: "Header: value; …" where the header is informative."""
    parts = []
    for i, cell in enumerate(row):
        if not cell:
            continue
        name = header[i] if i < len(header) else ""
        parts.append(f"{name}: {cell}" if name and name != cell and len(name) < 60 else cell)
    return " · ".join(parts)
