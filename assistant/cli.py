"""The `planes` command line (also `python -m assistant`)."""

from __future__ import annotations

import argparse
import json
import os
import sys
from importlib import import_module
from pathlib import Path
from typing import TYPE_CHECKING

from knowledge.config import corpus_dir, db_path, updates_db_path
from knowledge.index import build_index
from knowledge.store import IndexMissing

from .commands.spanish import SpanishArgumentParser

if TYPE_CHECKING:
    from .engine import Assistant

COMMAND_MODULES = ("assistant.commands.brief", "assistant.commands.audit", "assistant.commands.users",
                   "assistant.commands.serve")


def _progress_printer(stream=sys.stderr):
    """A progress bar on a terminal, nothing otherwise."""
    if not stream.isatty():
        return None

    def show(name: str, i: int, total: int) -> None:
        width = 30
        done = int(width * i / max(total, 1))
        stream.write(f"\r[{'#' * done}{'.' * (width - done)}] {i}/{total} {name[:40]:<40}")
        if i == total:
            stream.write("\n")
        stream.flush()

    return show


def cmd_ingest(args: argparse.Namespace) -> int:
    corpus = Path(args.corpus) if args.corpus else corpus_dir()
    db = Path(args.db) if args.db else db_path()
    report = build_index(corpus, db, _progress_printer())
    for message in report.skipped:
        print(f"omitido: {message}", file=sys.stderr)
    print(f"Índice construido en {db}: {len(report.documents)} documentos en {report.seconds:.2f} s.")
    return 0


def _assistant(args: argparse.Namespace) -> Assistant:
    from .engine import Assistant  # not imported for `planes ingest`: a cold ingest stays short

    db = Path(args.db) if getattr(args, "db", None) else db_path()
    return Assistant(db, updates_db_path(db))


def cmd_ask(args: argparse.Namespace) -> int:
    result = _assistant(args).ask(args.pregunta)
    if args.json:
        print(json.dumps(result, ensure_ascii=False, indent=2))
        return 0
    print(result["answer"])
    table = result.get("table")
    if table:
        print(" | ".join(map(str, table["columns"])))
        for row in table["rows"]:
            print(" | ".join("" if c is None else str(c) for c in row))
    if result["sources"]:
        print("\nFuentes:")
        for s in result["sources"]:
            print(f"  - {s['title']} ({s['file']}), {s['locator']}")
    return 0


def cmd_search(args: argparse.Namespace) -> int:
    results = _assistant(args).search(args.texto, args.limit)
    if args.json:
        print(json.dumps({"query": args.texto, "results": results}, ensure_ascii=False, indent=2))
        return 0
    if not results:
        print("Sin resultados.")
    for r in results:
        print(f"{r['file']} · {r['locator']}\n  {r['snippet'].replace('[[', '«').replace(']]', '»')}\n")
    return 0


# Spanish names of what `planes coverage` counts (record tables, metrics, statement topics).
COUNT_LABELS = {"lineas": "líneas", "filas_de_tabla": "filas de tabla", "entities": "objetivos y acciones",
                "indicators": "indicadores", "targets": "metas", "measurements": "mediciones",
                "activities": "actividades operativas", "critical_actions": "acciones críticas",
                "recommendations": "recomendaciones", "statements": "cifras en el texto"}
DETAIL_LABELS = {"entidades_por_tipo": "objetivos y acciones por tipo",
                 "entidades_con_prioridad": "objetivos y acciones con prioridad",
                 "mediciones_por_medida": "mediciones por medida",
                 "recomendaciones_por_lista": "recomendaciones por lista",
                 "indicadores_con_linea_de_base": "indicadores con línea de base",
                 "indicadores_con_metas": "indicadores con metas",
                 "afirmaciones_por_tema": "cifras en el texto por tema"}
TOPIC_LABELS = {"acciones_por_nivel": "acciones por nivel", "acciones_total": "total de acciones",
                "avance_pei_prosa": "avance PEI", "avance_poi_prosa": "avance POI", "conteo": "conteos",
                "porcentaje_con_conteo": "porcentajes con su conteo",
                "recomendaciones_implementacion": "implementación de recomendaciones",
                "nueva": "nuevas", "seguimiento": "en seguimiento"}


def _label(key: str) -> str:
    from .answer import METRIC_LABELS  # imported here: `planes ingest` stays light

    metric = METRIC_LABELS.get(key)
    if metric:
        return metric
    return COUNT_LABELS.get(key) or TOPIC_LABELS.get(key) or key.replace("_", " ")


def cmd_coverage(args: argparse.Namespace) -> int:
    from knowledge.coverage import coverage

    data = coverage(_assistant(args).store)
    if args.json:
        print(json.dumps(data, ensure_ascii=False, indent=2))
        return 0
    print(f"{len(data['documents'])} documentos en el índice" +
          (f" (construido el {data['built_at'][:16].replace('T', ' ')})" if data.get("built_at") else "") + ".")
    for doc in data["documents"]:
        print(f"\n{doc['file']}: {doc['kind']} · {doc['plan']} · {doc['period'] or 'sin período'}")
        print(f"  {doc['title']}")
        print("  " + ", ".join(f"{_label(k)}: {v}" for k, v in doc["counts"].items()))
        for name, value in doc["detalle"].items():
            if value:
                shown = ", ".join(f"{_label(str(k))}: {v}" for k, v in value.items()) \
                    if isinstance(value, dict) else value
                print(f"    {DETAIL_LABELS.get(name, name.replace('_', ' '))}: {shown}")
    return 0


DB_HELP = "archivo del índice (por defecto PLANES_DB, o var/planes.db)"


def build_parser() -> argparse.ArgumentParser:
    parser = SpanishArgumentParser(
        prog="planes", description="Asistente de planes del MRE: consultas, briefs y seguimiento de "
                                   "recomendaciones sobre los documentos del corpus.",
        epilog="«planes COMANDO --help» describe cada comando.")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMANDO", title="comandos")

    p = sub.add_parser("ingest", help="construye el índice a partir del corpus",
                       description="Construye el índice a partir del corpus (de forma atómica; conserva las "
                                   "actualizaciones de estado hechas en la aplicación).")
    p.add_argument("--corpus", metavar="CARPETA", help="carpeta de documentos (por defecto PLANES_CORPUS)")
    p.add_argument("--db", metavar="RUTA", help=DB_HELP)
    p.set_defaults(func=cmd_ingest)

    p = sub.add_parser("ask", help="responde una pregunta, como /api/ask",
                       description="Responde una pregunta con la cifra, su contexto y sus fuentes.")
    p.add_argument("pregunta", metavar="PREGUNTA", help="la pregunta, entre comillas")
    p.add_argument("--json", action="store_true", help="imprime el cuerpo JSON de /api/ask")
    p.add_argument("--db", metavar="RUTA", help=DB_HELP)
    p.set_defaults(func=cmd_ask)

    p = sub.add_parser("search", help="busca pasajes en los documentos",
                       description="Busca pasajes en los documentos (texto completo, ordenados por pertinencia).")
    p.add_argument("texto", metavar="TEXTO", help="palabras a buscar")
    p.add_argument("--limit", type=int, default=10, metavar="N", help="cuántos pasajes mostrar (por defecto 10)")
    p.add_argument("--json", action="store_true", help="imprime el resultado en JSON, como /api/search")
    p.add_argument("--db", metavar="RUTA", help=DB_HELP)
    p.set_defaults(func=cmd_search)

    p = sub.add_parser("coverage", help="qué se extrajo, por documento y tipo de registro",
                       description="Qué se extrajo de cada documento, por tipo de registro.")
    p.add_argument("--json", action="store_true", help="imprime el resultado en JSON")
    p.add_argument("--db", metavar="RUTA", help=DB_HELP)
    p.set_defaults(func=cmd_coverage)

    for name in COMMAND_MODULES:  # commands that live in their own modules (brief, audit, users)
        try:
            module = import_module(name)
        except ModuleNotFoundError as exc:
            if exc.name != name:
                raise
            continue
        module.register(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return args.func(args)
    except IndexMissing:
        print("error: el índice no existe; ejecute «planes ingest» primero.", file=sys.stderr)
    except FileNotFoundError as exc:
        print(f"error: {exc}", file=sys.stderr)
    except KeyboardInterrupt:
        print("interrumpido", file=sys.stderr)
    except BrokenPipeError:  # the reader went away (« | head »): stop quietly
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
    return 1


if __name__ == "__main__":
    sys.exit(main())
