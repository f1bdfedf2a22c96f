"""The brief of a chat answer: the question as asked, the answer, its table and its sources."""

from __future__ import annotations

import re
from datetime import date
from typing import Any

from .data import spanish_date
from .escape import shorten
from .model import Brief, Section, Source, Table, Text, safe_filename

# The /api/ask locator ends with the lines it cites ("Tabla 6. …, línea 248").
_LINES_RE = re.compile(r",?\s*l[íi]neas?\s+(\d+)(?:\s*[-–]\s*(\d+))?\s*$")


def _int(value: Any) -> int | None:
    try:
        return int(value) if value is not None else None
    except (TypeError, ValueError):
        return None


def source_from_answer(item: dict[str, Any]) -> Source:
    locator = str(item.get("locator") or "")
    start, end = _int(item.get("line_start")), _int(item.get("line_end"))
    m = _LINES_RE.search(locator)
    if m:
        locator = locator[:m.start()].strip()
        start = start or int(m.group(1))
        end = end or int(m.group(2) or m.group(1))
    return Source(str(item["file"]), str(item.get("title") or item["file"]), locator, start, end)


def cited(result: dict[str, Any]) -> list[tuple[Source, dict[str, Any]]]:
    """The answer's sources, once each, with the item they came from (for the excerpt)."""
    out: dict[Source, dict[str, Any]] = {}
    for item in result.get("sources") or []:
        if isinstance(item, dict) and item.get("file"):
            out.setdefault(source_from_answer(item), item)
    return list(out.items())


def answer_brief(result: dict[str, Any], question: str, today: date) -> Brief:
    pairs = cited(result)
    sources = [s for s, _ in pairs]
    brief = Brief(kind="respuesta", title="Respuesta del asistente",
                  subtitle=f"Consulta del {spanish_date(today)}",
                  filename=safe_filename("brief", "respuesta", today.isoformat()))
    brief.sections.append(Section("Pregunta", [Text(question, style="quote", breaks=True)]))
    answer = Section("Respuesta")
    if not result.get("found"):
        answer.blocks.append(Text("Los documentos no contienen una respuesta precisa a esta pregunta; se muestra lo "
                                  "más cercano que encontró el asistente.", style="note"))
    answer.blocks.append(Text(str(result.get("answer") or "sin dato"), sources=sources, breaks=True, keep=True))
    brief.sections.append(answer)
    table = result.get("table")
    if isinstance(table, dict) and table.get("columns"):
        block = Table([str(c) for c in table["columns"]])
        for row in table.get("rows") or []:
            block.add([None if c is None or c == "" else str(c) for c in row], sources)
        brief.sections.append(Section("Tabla", [block]))
    listing = Section("Fuentes citadas", optional=True)
    if pairs:
        block = Table(["Documento", "Ubicación", "Extracto"], widths=[24, 22, 54])
        for src, item in pairs:
            block.add([f"{src.title} ({src.file})", ", ".join(x for x in (src.locator, src.lines()) if x),
                       shorten(item.get("excerpt"), 320) or None], [src])
        listing.blocks.append(block)
    else:
        listing.blocks.append(Text("sin dato: la respuesta no cita documentos."))
    brief.sections.append(listing)
    return brief
