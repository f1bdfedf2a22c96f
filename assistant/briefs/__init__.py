"""Briefing PDFs: one or two pages an official takes into a meeting, built from the same
records as the answers, with every figure pointing to its source.

    build_brief(store, "objetivo", codigo="OEI.05", plan=None) -> BriefFile
    build_brief(store, "informe", periodo="2024-S1")
    build_brief(store, "recomendaciones", estado=None, unidad=None, periodo=None)
    build_brief(store, "respuesta", pregunta="...", ask=assistant.ask)
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from knowledge.store import Store

from ..brief_links import parse_code
from ..errors import UserError
from .answer import answer_brief
from .data import Catalog
from .fit import LEVELS, MAX_PAGES, first_level, page_count, summarised
from .matrix import recommendations_brief
from .model import Brief
from .objective import objective_brief
from .report import report_brief

KINDS = ("objetivo", "informe", "recomendaciones", "respuesta")
MAX_QUESTION = 2000


@dataclass
class BriefFile:
    filename: str
    pdf: bytes
    brief: Brief


def gather(store: Store, kind: str, *, codigo: str | None = None, plan: str | None = None,
           periodo: str | None = None, pregunta: str | None = None, estado: str | None = None,
           unidad: str | None = None, ask: Callable[[str], dict[str, Any]] | None = None,
           updates_db: Path | None = None, now: datetime | None = None) -> Brief:
    """The brief's content (no PDF yet). Bad parameters raise UserError with a Spanish message."""
    today = (now or datetime.now()).date()
    kind = (kind or "").strip().lower()
    if kind not in KINDS:
        raise UserError(f"«tipo» debe ser uno de: {', '.join(KINDS)}.", "tipo_invalido")
    cat = Catalog(store)
    if kind == "objetivo":
        code = parse_code(codigo or "")
        if not code:
            raise UserError("Indique en «codigo» un objetivo o acción, por ejemplo OEI.05 o AEI.03.01.",
                            "codigo_invalido")
        return objective_brief(cat, code, plan, today, updates_db)
    if kind == "informe":
        return report_brief(cat, periodo, today, updates_db)
    if kind == "recomendaciones":
        return recommendations_brief(cat, today, updates_db, periodo=periodo, estado=estado, unidad=unidad)
    question = (pregunta or "").strip()
    if not question:
        raise UserError("Escriba la pregunta en «pregunta».", "pregunta_vacia")
    if len(question) > MAX_QUESTION:
        raise UserError(f"La pregunta es demasiado larga (máximo {MAX_QUESTION} caracteres).",
                        "pregunta_muy_larga", 413)
    if ask is None:
        raise UserError("No hay un asistente disponible para responder la pregunta.", "sin_asistente", 503)
    return answer_brief(ask(question), question, today)


def build_brief(store: Store, kind: str, now: datetime | None = None, **params: Any) -> BriefFile:
    """The brief as a PDF, with the file name to offer for download."""
    now = now or datetime.now()
    brief = gather(store, kind, now=now, **params)
    shown, pdf = brief, render_pdf(brief, now)
    limit = MAX_PAGES.get(brief.kind)
    pages = page_count(pdf)
    # summarised until it fits (assistant.briefs.fit), starting at the level the overflow suggests
    for level in LEVELS[first_level(pages, limit):] if limit and pages > limit else ():
        shown = summarised(brief, level, limit)
        pdf = render_pdf(shown, now)
        if page_count(pdf) <= limit:
            break
    return BriefFile(brief.filename, pdf, shown)


def render_pdf(brief: Brief, generated: datetime | None = None) -> bytes:
    """The PDF of a gathered brief (reportlab is imported here, not when links are computed)."""
    from .render import render

    return render(brief, generated)


__all__ = ["BriefFile", "KINDS", "build_brief", "gather", "render_pdf"]
