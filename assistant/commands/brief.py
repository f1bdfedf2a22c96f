"""`planes brief TEMA -o archivo.pdf`: the same PDF as GET /api/brief."""

from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path

from knowledge.config import db_path, updates_db_path
from knowledge.store import Store

from ..brief_links import parse_topic
from ..briefs import build_brief
from ..errors import UserError


def register(subparsers: argparse._SubParsersAction) -> None:
    p = subparsers.add_parser(
        "brief", help="genera un brief en PDF (objetivo o acción, informe, recomendaciones o una pregunta)",
        description="TEMA: un código (OEI.05, AEI.03.01, OES.02, 1.1), «informe 2024-S1» o un período, "
                    "«recomendaciones» o una pregunta entre comillas.")
    p.add_argument("tema", metavar="TEMA", help="código, informe y período, «recomendaciones» o una pregunta")
    p.add_argument("-o", "--output", metavar="archivo.pdf", help="archivo de salida (por defecto, el nombre sugerido)")
    p.add_argument("--plan", metavar="PLAN", help="plan del código, si existe en varios (nombre, «2025-2030», «nuevo», «anterior»)")
    p.add_argument("--estado", metavar="ESTADO", help="recomendaciones: solo las de este estado")
    p.add_argument("--unidad", metavar="UNIDAD", help="recomendaciones: solo las de esta unidad responsable")
    p.add_argument("--db", metavar="RUTA", help="archivo del índice (por defecto PLANES_DB)")
    p.set_defaults(func=cmd_brief)


def cmd_brief(args: argparse.Namespace) -> int:
    db = Path(args.db) if getattr(args, "db", None) else db_path()
    store = Store(db)
    store.documents()  # raises IndexMissing (reported by the CLI) before any work
    params = parse_topic(args.tema)
    kind = params.pop("kind")
    ask = None
    if kind == "respuesta":
        from ..engine import Assistant

        ask = Assistant(db, updates_db_path(db)).ask
    try:
        result = build_brief(store, kind, plan=args.plan, estado=args.estado, unidad=args.unidad, ask=ask,
                             updates_db=updates_db_path(db), **params)
    except UserError as exc:
        print(f"error: {exc.message}", file=sys.stderr)
        return 2
    out = Path(args.output) if args.output else Path(result.filename)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_bytes(result.pdf)
    pages = len(re.findall(rb"/Type\s*/Page\b(?!s)", result.pdf))
    print(f"Brief escrito en {out} ({len(result.pdf) // 1024 + 1} KB, {pages} página(s)).")
    if result.brief.plan and kind == "objetivo":
        print(f"Plan: {result.brief.plan}.")
    for note in result.brief.notes[1:] if kind == "objetivo" else []:
        print(note)
    return 0
