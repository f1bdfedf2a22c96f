"""The `planes` command line (also `python -m assistant`)."""

from __future__ import annotations

import argparse
import json
import sys
from importlib import import_module
from pathlib import Path
from typing import TYPE_CHECKING

from knowledge.config import corpus_dir, db_path, updates_db_path
from knowledge.index import build_index
from knowledge.store import IndexMissing

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


def cmd_coverage(args: argparse.Namespace) -> int:
    from knowledge.coverage import coverage

    data = coverage(_assistant(args).store)
    if args.json:
        print(json.dumps(data, ensure_ascii=False, indent=2))
        return 0
    for doc in data["documents"]:
        print(f"{doc['file']}: {doc['kind']} · {doc['plan']} · {doc['period'] or 'sin período'}")
        print(f"  {doc['title']}")
        print("  " + ", ".join(f"{k}: {v}" for k, v in doc["counts"].items()))
        for name, value in doc["detalle"].items():
            if value:
                shown = ", ".join(f"{k}: {v}" for k, v in value.items()) if isinstance(value, dict) else value
                print(f"    {name.replace('_', ' ')}: {shown}")
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="planes", description="Asistente de planes del MRE.")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMANDO")

    p = sub.add_parser("ingest", help="construye el índice a partir del corpus")
    p.add_argument("--corpus", help="carpeta de documentos (por defecto PLANES_CORPUS)")
    p.add_argument("--db", help="archivo del índice (por defecto PLANES_DB)")
    p.set_defaults(func=cmd_ingest)

    p = sub.add_parser("ask", help="responde una pregunta, como /api/ask")
    p.add_argument("pregunta")
    p.add_argument("--json", action="store_true", help="imprime el cuerpo JSON de /api/ask")
    p.add_argument("--db")
    p.set_defaults(func=cmd_ask)

    p = sub.add_parser("search", help="busca pasajes en los documentos")
    p.add_argument("texto")
    p.add_argument("--limit", type=int, default=10)
    p.add_argument("--json", action="store_true")
    p.add_argument("--db")
    p.set_defaults(func=cmd_search)

    p = sub.add_parser("coverage", help="qué se extrajo, por documento y tipo de registro")
    p.add_argument("--json", action="store_true")
    p.add_argument("--db")
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
    return 1


if __name__ == "__main__":
    sys.exit(main())
