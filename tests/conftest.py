"""Fixtures: the index is built once per session from the real corpus into a temporary folder."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import pytest

from knowledge.index import build_index

# Documents added from the web go to PLANES_UPLOADS; tests never read or write a developer's uploads.
os.environ.setdefault("PLANES_UPLOADS", tempfile.mkdtemp(prefix="planes-subidos-"))
CORPUS = Path(os.environ.get("PLANES_CORPUS", Path(__file__).resolve().parents[2] / "shared" / "corpus"))


@pytest.fixture(scope="session")
def corpus() -> Path:
    assert CORPUS.is_dir(), f"corpus not found at {CORPUS}"
    return CORPUS


@pytest.fixture(scope="session")
def db_file(tmp_path_factory, corpus) -> Path:
    path = tmp_path_factory.mktemp("index") / "planes.db"
    build_index(corpus, path)
    return path


@pytest.fixture(scope="session")
def app(db_file):
    from assistant.web import create_app

    # The question limit has its own tests (test_ops.py); here the evaluation sets ask 900 questions.
    return create_app({"PLANES_DB": str(db_file), "TESTING": True, "PLANES_ASK_RATE": "0",
                       "PLANES_UPDATES_DB": str(db_file.with_name("editor.db"))})


@pytest.fixture()
def client(app):
    return app.test_client()


@pytest.fixture(scope="session")
def store(db_file):
    from knowledge.store import Store

    return Store(db_file)


@pytest.fixture(scope="session")
def assistant(db_file):
    from assistant.engine import Assistant

    return Assistant(db_file, db_file.with_name("editor-assistant.db"))
