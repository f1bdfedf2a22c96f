"""`planes audit [--json]`: recompute the reports' printed figures and list the inconsistencies."""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from knowledge.config import db_path
from knowledge.store import Store
from queries.audit import run_audit


def register(subparsers: argparse._SubParsersAction) -> None:
    p = subparsers.add_parser(
        "audit",
        help="recalcula las cifras impresas (avances, porcentajes, totales) y lista las discrepancias",
    )
    p.add_argument("--json", action="store_true", help="imprime el informe completo en JSON")
    p.add_argument(
        "--todas", action="store_true", help="en texto, lista también las comprobaciones que coinciden"
    )
    p.add_argument("--db", metavar="RUTA", help="archivo del índice (por defecto PLANES_DB)")
    p.set_defaults(func=cmd_audit)


def cmd_audit(args: argparse.Namespace) -> int:
    store = Store(Path(args.db) if getattr(args, "db", None) else db_path())
    store.documents()  # raises IndexMissing (reported by the CLI) before any work
    report = run_audit(store)
    if args.json:
        print(json.dumps(report.as_dict(), ensure_ascii=False, indent=2, default=_plain))
        return 0
    print(report.text())
    if getattr(args, "todas", False):
        print("\nTodas las comprobaciones:")
        for c in report.checks:
            print(f"  [{c.status}] {c.explain}")
    return 0


def _plain(value: object) -> object:
    if hasattr(value, "as_dict"):
        return value.as_dict()
    if hasattr(value, "__dict__"):
        return value.__dict__
    return str(value)
