"""sqlite-utils, loaded without the pandas and numpy it does not need here."""

from __future__ import annotations

import importlib
import sys


def _import_sqlite_utils():
    """sqlite-utils imports pandas and numpy when they are installed (about 0.5 s, a quarter of a
    cold `planes ingest`) only to accept their types in rows; the index never passes them. They are
    kept out while sqlite-utils loads and importable again afterwards."""
    blocked = [name for name in ("pandas", "numpy") if name not in sys.modules]
    for name in blocked:
        sys.modules[name] = None  # type: ignore[assignment]
    try:
        return importlib.import_module("sqlite_utils")
    finally:
        for name in blocked:
            if sys.modules.get(name) is None:
                del sys.modules[name]


sqlite_utils = _import_sqlite_utils()
