"""Briefs that fit their pages: one page for an objective, an action or an answer, two for a
report. A brief is first rendered whole; when it runs longer, it is rendered again at the next
level of summary until it fits (or the last level is reached):

1. smaller type; table cells and long paragraphs cut at a word (the full text stays in the
   tracker, the chat and the documents); tables of more than 16 rows show their first rows; only
   the first chart of each section is kept;
2. smaller still, no charts, cells and rows cut further;
3. notes folded away and sections marked ``optional`` left out;
4. the smallest type and the shortest cuts.

Every cut is said on the page ("se muestran 10 de 23 filas") and under the title ("Versión
resumida para caber en una página"), never silently. Charts are dropped, never altered, so a
chart always agrees with its table.
"""

from __future__ import annotations

import copy
import re
from dataclasses import dataclass

from .escape import shorten
from .model import Brief, Chart, Section, Table, Text

MAX_PAGES = {"objetivo": 1, "respuesta": 1, "informe": 2}


@dataclass(frozen=True)
class Level:
    scale: float
    cell_chars: int
    text_chars: int
    max_rows: int
    charts_per_section: int
    notes: bool
    optional_sections: bool


LEVELS = (
    Level(0.92, 240, 1000, 16, 1, True, True),
    Level(0.86, 160, 700, 14, 0, True, True),
    Level(0.86, 120, 500, 12, 0, False, False),
    Level(0.8, 90, 400, 8, 0, False, False),
)
_PAGE_RE = re.compile(rb"/Type\s*/Page(?!s)")


def page_count(pdf: bytes) -> int:
    """Pages of a PDF written by reportlab (one page object per page)."""
    return len(_PAGE_RE.findall(pdf))


def first_level(pages: int, limit: int) -> int:
    """The summary level to try first for a brief of ``pages`` that must fit ``limit``: each level
    saves roughly a third of the length, so a brief twice too long starts at the second."""
    ratio = pages / limit
    return 0 if ratio <= 1.5 else (1 if ratio <= 2 else (2 if ratio <= 3 else len(LEVELS) - 1))


def page_words(n: int) -> str:
    return "una página" if n == 1 else f"{n} páginas"


def summarised(brief: Brief, level: Level, max_pages: int) -> Brief:
    """A copy of ``brief`` cut down to ``level``."""
    out = copy.deepcopy(brief)
    out.scale = level.scale
    out.sections = [_section(s, level) for s in out.sections if level.optional_sections or not s.optional]
    left_out = [s.title for s in brief.sections if s.optional and not level.optional_sections]
    note = f"Versión resumida para caber en {page_words(max_pages)}"
    if left_out:
        note += f"; se omiten: {', '.join(left_out)}"
    out.notes.append(note + ". Los textos completos están en la consulta, el seguimiento y los documentos citados.")
    return out


def _section(section: Section, level: Level) -> Section:
    blocks, charts, dropped = [], 0, False
    for block in section.blocks:
        if isinstance(block, Text) and block.chart_note and dropped:
            continue
        dropped = False
        if isinstance(block, Chart):
            charts += 1
            if charts <= level.charts_per_section:
                blocks.append(block)
            else:
                dropped = True
        elif isinstance(block, Table):
            blocks.extend(_table(block, level))
        elif isinstance(block, Text):
            if block.style == "note" and not level.notes and not block.keep:
                continue
            if block.style != "quote" and not block.keep and len(block.text) > level.text_chars:
                block.text = shorten(block.text, level.text_chars)
            blocks.append(block)
        else:
            blocks.append(block)
    section.blocks = blocks
    return section


def _table(table: Table, level: Level) -> list:
    table.rows = [[shorten(c, level.cell_chars) if isinstance(c, str) and len(c) > level.cell_chars else c
                   for c in row] for row in table.rows]
    total = len(table.rows)
    if total <= level.max_rows:
        return [table]
    table.rows, table.sources = table.rows[:level.max_rows], table.sources[:level.max_rows]
    return [table, Text(f"Se muestran {level.max_rows} de {total} filas{table.more or ''}.", style="note")]
