"""Configuration from the environment, with defaults that work from a fresh clone."""

from __future__ import annotations

import os
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def corpus_dir() -> Path:
    return Path(os.environ.get("PLANES_CORPUS", ROOT.parent / "shared" / "corpus"))


def db_path() -> Path:
    return Path(os.environ.get("PLANES_DB", ROOT / "var" / "planes.db"))


def updates_db_path(index_db: Path | None = None) -> Path:
    """App writes (status updates, accounts) live apart from the rebuilt index, so `planes ingest`
    can swap the index atomically without ever touching what editors wrote."""
    explicit = os.environ.get("PLANES_UPDATES_DB")
    if explicit:
        return Path(explicit)
    index_db = index_db or db_path()
    return index_db.with_name(index_db.stem + "-editor.db")
