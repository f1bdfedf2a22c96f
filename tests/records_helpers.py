"""Shared by the extractor tests: where the corpus is and how to pick records."""

from __future__ import annotations

import os
from pathlib import Path

CORPUS = Path(os.environ.get("PLANES_CORPUS", Path(__file__).resolve().parents[2] / "shared" / "corpus"))
SEMESTRAL = "000_12d072143d9db225.txt"
ANUAL = "001_49b03c25a9da4437.txt"


def rows(records, table, **where):
    return [r for r in records[table] if all(r.get(k) == v for k, v in where.items())]


def one(records, table, **where):
    found = rows(records, table, **where)
    assert len(found) == 1, (where, found)
    return found[0]
