"""The brief of a chat answer: the question as asked, the answer, its table and its sources."""

from __future__ import annotations

from datetime import date
from typing import Any

from .data import spanish_date
from .escape import shorten
from .model import Brief, Section, Source, Table, Text, safe_filename


def answer_sources(result: dict[str, Any]) -> list[Source]:
    out = []
    for s in result.get("sources") or []:
        if not isinstance(s, dict) or not s.get("file"):
            continue
        locator = str(s.get("locator") or "")
        has_lines = "línea" in locator  # the /api/ask locator already names the lines
        out.append(Source(str(s["file"]), str(s.get("title") or s["file"]), locator,
                          None if has_lines else s.get("line_start"), None if has_lines else s.get("line_end")))
    return list(dict.fromkeys(out))


def answer_brief(result: dict[str, Any], question: str, today: date) -> Brief:
    sources = answer_sources(result)
    brief = Brief(kind="respuesta", title="Respuesta del asistente",
                  subtitle=f"Consulta del {spanish_date(today)}" + (
                      f" · intención: {result['intent']}" if result.get("intent") else ""),
                  filename=safe_filename("brief", "respuesta", today.isoformat()))
    brief.sections.append(Section("Pregunta", [Text(question, style="quote", breaks=True)]))
    answer = Section("Respuesta")
    if not result.get("found"):
        answer.blocks.append(Text("Los documentos no contienen una respuesta precisa a esta pregunta; se muestra lo "
                                  "más cercano que encontró el asistente.", style="note"))
    answer.blocks.append(Text(str(result.get("answer") or "sin dato"), sources=sources, breaks=True))
    brief.sections.append(answer)
    table = result.get("table")
    if isinstance(table, dict) and table.get("columns"):
        block = Table([str(c) for c in table["columns"]])
        for row in table.get("rows") or []:
            block.add([None if c is None or c == "" else str(c) for c in row], sources)
        brief.sections.append(Section("Tabla", [block]))
    if sources:
        cited = Table(["Documento", "Ubicación", "Extracto"], widths=[2.4, 2.2, 5.4])
        excerpts = {str(s.get("file")) + str(s.get("locator")): s.get("excerpt") for s in result.get("sources") or []
                    if isinstance(s, dict)}
        for src in sources:
            cited.add([f"{src.title} ({src.file})", src.locator,
                       shorten(excerpts.get(src.file + src.locator), 320) or None], [src])
        brief.sections.append(Section("Fuentes citadas", [cited]))
    else:
        brief.sections.append(Section("Fuentes citadas", [Text("sin dato: la respuesta no cita documentos.")]))
    return brief
