"""Build the SQLite index from the corpus: documents, lines, sections, passages (FTS5), tables,
the structured records and the derived lookups. Built into a temporary file and swapped in
atomically.

Incremental: each document is keyed by the SHA-256 of its bytes. When the previous index was built
by the same code, the new one starts as a copy of it; only documents that are new or whose content
changed are read and extracted (their old rows removed first), documents gone from the corpus are
removed, and what depends on several documents (recommendation links, derived lookups) is
recomputed. ``PLANES_INGEST_FULL=1`` (or ``full=True``) rebuilds everything from scratch.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import sqlite3
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from . import derived
from .dbutils import sqlite_utils
from .document import UnreadableDocument
from .extract.linking import link_recommendations
from .index_rows import create_schema, remove_document, store_document, store_links
from .sources import read_source
from .uploads import index_files

Progress = Callable[[str, int, int], None]
PACKAGE = Path(__file__).resolve().parent


@dataclass
class IngestReport:
    documents: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)  # Spanish messages
    extracted: list[str] = field(default_factory=list)  # read and extracted in this run
    reused: list[str] = field(default_factory=list)  # unchanged since the previous index: rows kept
    removed: list[str] = field(default_factory=list)  # gone from the corpus (or unreadable now)
    seconds: float = 0.0


def code_version() -> str:
    """A digest of the ingest code: an index built by other code is never reused."""
    h = hashlib.sha256()
    for path in sorted(PACKAGE.rglob("*.py")):
        h.update(path.relative_to(PACKAGE).as_posix().encode())
        h.update(path.read_bytes())
    return h.hexdigest()[:16]


def build_index(corpus: Path, db_file: Path, progress: Progress | None = None,
                full: bool | None = None) -> IngestReport:
    """Index every document of ``corpus`` into ``db_file``, atomically, reusing unchanged documents."""
    start = time.perf_counter()
    report = IngestReport()
    if not corpus.is_dir():
        raise FileNotFoundError(f"No existe la carpeta del corpus: {corpus}")
    if full is None:
        full = os.environ.get("PLANES_INGEST_FULL", "") not in ("", "0")
    paths = index_files(corpus)
    version = code_version()
    db_file.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(prefix=db_file.name + ".", suffix=".tmp", dir=db_file.parent)
    os.close(fd)
    tmp = Path(tmp_name)
    try:
        previous = {} if full else _copy_previous(db_file, tmp, version)
        conn = sqlite3.connect(tmp)
        conn.execute("PRAGMA journal_mode=OFF")
        conn.execute("PRAGMA synchronous=OFF")
        db = sqlite_utils.Database(conn)
        if not previous:
            create_schema(db)
        _ingest(db, paths, previous, report, progress)
        store_links(conn, link_recommendations)
        derived.refresh(conn)
        _store_meta(db, corpus, version, report)
        conn.commit()
        conn.execute("PRAGMA journal_mode=DELETE")
        if _worth_vacuum(conn, fresh=not previous, documents=len(paths)):
            conn.execute("VACUUM")
        conn.close()
        os.replace(tmp, db_file)  # atomic: a reader sees the old or the new index, never a half
    finally:
        if tmp.exists():
            tmp.unlink()
    report.seconds = time.perf_counter() - start
    return report


def _worth_vacuum(conn: sqlite3.Connection, fresh: bool, documents: int) -> bool:
    """A large fresh index is compacted once; an incremental one when removed documents left more
    than a quarter of its pages free (replacing one report of many never pays a full VACUUM)."""
    if fresh:
        return documents > 50
    free = conn.execute("PRAGMA freelist_count").fetchone()[0]
    pages = conn.execute("PRAGMA page_count").fetchone()[0] or 1
    return free / pages > 0.25


def _copy_previous(db_file: Path, tmp: Path, version: str) -> dict[str, str]:
    """Copy the previous index into ``tmp`` when the same code built it; {file: sha256} of its
    documents, or {} (and ``tmp`` left empty) when it cannot be reused."""
    if not db_file.exists():
        return {}
    try:
        old = sqlite3.connect(f"file:{db_file}?mode=ro", uri=True)
        try:
            meta = dict(old.execute("select key, value from meta").fetchall())
            if meta.get("code_version") != version:
                return {}
            docs = dict(old.execute("select file, sha256 from documents").fetchall())
        finally:
            old.close()
    except sqlite3.Error:
        return {}
    shutil.copyfile(db_file, tmp)
    return {file: sha for file, sha in docs.items() if sha}


def _ingest(db: sqlite_utils.Database, paths: list[Path], previous: dict[str, str],
            report: IngestReport, progress: Progress | None) -> None:
    errors: dict[str, list[str]] = {}
    present: set[str] = set()
    for i, path in enumerate(paths, start=1):
        if progress:
            progress(path.name, i, len(paths))
        try:
            data = path.read_bytes()
        except OSError as exc:
            report.skipped.append(f"{path.name}: no se pudo leer ({exc.strerror})")
            continue
        sha = hashlib.sha256(data).hexdigest()
        if previous.get(path.name) == sha:
            present.add(path.name)
            report.documents.append(path.name)
            report.reused.append(path.name)
            continue
        if path.name in previous:
            remove_document(db.conn, path.name)
            previous.pop(path.name)
        try:
            doc = read_source(path)
        except UnreadableDocument as exc:
            report.skipped.append(str(exc))
            continue
        present.add(doc.file)
        errors[doc.file] = store_document(db, doc, sha)
        report.documents.append(doc.file)
        report.extracted.append(doc.file)
    for file in sorted(set(previous) - present):
        remove_document(db.conn, file)
        report.removed.append(file)
    for file, stored in db.execute("select file, errors from documents order by file").fetchall():
        report.skipped.extend(errors.get(file) or json.loads(stored or "[]"))


def _store_meta(db: sqlite_utils.Database, corpus: Path, version: str, report: IngestReport) -> None:
    db["meta"].upsert_all([
        {"key": "built_at", "value": time.strftime("%Y-%m-%dT%H:%M:%S")},
        {"key": "corpus", "value": str(corpus)},
        {"key": "code_version", "value": version},
        {"key": "skipped", "value": json.dumps(report.skipped, ensure_ascii=False)},
    ], pk="key")
