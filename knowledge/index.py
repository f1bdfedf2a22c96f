"""Build the SQLite index from the corpus: documents, lines, sections, passages (FTS5), tables
and the structured records. Built into a temporary file and swapped in atomically."""

from __future__ import annotations

import json
import os
import sqlite3
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from .dbutils import sqlite_utils
from .document import Document, UnreadableDocument
from .extract import extract_all
from .extract.linking import link_recommendations
from .facts import FACT_COLUMNS, FACT_INDEXES, document_facts
from .records import SCHEMA
from .sources import read_source
from .stemming import stems_text
from .structure import analyse
from .uploads import index_files

Progress = Callable[[str, int, int], None]


@dataclass
class IngestReport:
    documents: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)  # Spanish messages
    seconds: float = 0.0


def build_index(corpus: Path, db_file: Path, progress: Progress | None = None) -> IngestReport:
    """Read every document of ``corpus`` and write a fresh index to ``db_file`` atomically."""
    start = time.perf_counter()
    report = IngestReport()
    if not corpus.is_dir():
        raise FileNotFoundError(f"No existe la carpeta del corpus: {corpus}")
    paths = index_files(corpus)
    db_file.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(prefix=db_file.name + ".", suffix=".tmp", dir=db_file.parent)
    os.close(fd)
    tmp = Path(tmp_name)
    try:
        conn = sqlite3.connect(tmp)
        conn.execute("PRAGMA journal_mode=OFF")
        conn.execute("PRAGMA synchronous=OFF")
        db = sqlite_utils.Database(conn)
        _create_schema(db)
        recommendations: list[dict] = []
        for i, path in enumerate(paths, start=1):
            if progress:
                progress(path.name, i, len(paths))
            try:
                doc = read_source(path)
            except UnreadableDocument as exc:
                report.skipped.append(str(exc))
                continue
            except OSError as exc:
                report.skipped.append(f"{path.name}: no se pudo leer ({exc.strerror})")
                continue
            _store_document(db, doc, recommendations, report.skipped)
            report.documents.append(doc.file)
        _store_links(db, recommendations)
        db["meta"].insert_all([
            {"key": "built_at", "value": time.strftime("%Y-%m-%dT%H:%M:%S")},
            {"key": "corpus", "value": str(corpus)},
            {"key": "skipped", "value": json.dumps(report.skipped, ensure_ascii=False)},
        ])
        db["passages"].enable_fts(["heading", "text", "stems"], fts_version="FTS5",
                                  tokenize="unicode61 remove_diacritics 2", create_triggers=False)
        conn.commit()
        conn.execute("PRAGMA journal_mode=DELETE")
        conn.execute("VACUUM") if len(paths) > 50 else None
        conn.close()
        os.replace(tmp, db_file)  # atomic: a reader sees the old or the new index, never a half
    finally:
        if tmp.exists():
            tmp.unlink()
    report.seconds = time.perf_counter() - start
    return report


def _create_schema(db: sqlite_utils.Database) -> None:
    db["documents"].create({"file": str, "kind": str, "plan": str, "period": str, "title": str,
                            "date": str, "line_count": int}, pk="file")
    db["lines"].create({"file": str, "n": int, "text": str, "page": int}, pk=("file", "n"))
    db["sections"].create({"id": int, "file": str, "title": str, "level": int, "line": int, "path": str},
                          pk="id")
    db["passages"].create({"id": int, "file": str, "line_start": int, "line_end": int, "section": str,
                           "kind": str, "caption": str, "heading": str, "text": str, "stems": str,
                           "table_id": int}, pk="id")
    db["tables"].create({"id": int, "file": str, "caption": str, "section": str, "line_start": int,
                         "line_end": int, "header": str, "rows": str, "row_lines": str}, pk="id")
    for name, columns in SCHEMA.items():
        db[name].create({"id": int, **columns}, pk="id")
    db["recommendation_links"].create({"from_id": int, "to_id": int, "confidence": float})
    db["meta"].create({"key": str, "value": str}, pk="key")
    db["facts"].create({"id": int, **FACT_COLUMNS}, pk="id")
    for columns in FACT_INDEXES:
        db["facts"].create_index(list(columns))


def _store_document(db: sqlite_utils.Database, doc: Document, recommendations: list[dict],
                    errors: list[str]) -> None:
    db["documents"].insert({"file": doc.file, "kind": doc.kind, "plan": doc.plan, "period": doc.period,
                            "title": doc.title, "date": doc.date, "line_count": len(doc.lines)})
    db["lines"].insert_all({"file": doc.file, "n": n, "text": t, "page": doc.page(n)} for n, t in enumerate(doc.lines, 1))
    structure = analyse(doc)
    db["sections"].insert_all({"file": doc.file, **s} for s in structure.sections)
    table_ids = []
    for t in structure.tables:
        table_ids.append(db["tables"].insert({
            "file": doc.file, "caption": t.caption, "section": t.section, "line_start": t.line_start,
            "line_end": t.line_end, "header": json.dumps(t.header, ensure_ascii=False),
            "rows": json.dumps(t.rows, ensure_ascii=False), "row_lines": json.dumps(t.row_lines)}).last_pk)
    rows = []
    for p in structure.passages:
        heading = " > ".join(x for x in (p.section, p.caption) if x)
        rows.append({"file": doc.file, "line_start": p.line_start, "line_end": p.line_end,
                     "section": p.section, "kind": p.kind, "caption": p.caption, "heading": heading,
                     "text": p.text, "stems": stems_text(f"{heading} {p.text}"),
                     "table_id": table_ids[p.table_index] if p.table_index is not None else None})
    db["passages"].insert_all(rows, batch_size=500)
    records = extract_all(doc, errors)
    db["facts"].insert_all(document_facts(doc, records, structure.passages, structure.tables), batch_size=1000)
    for name, items in records.items():
        columns = SCHEMA[name]
        clean_rows = []
        for item in items:
            row = {k: item.get(k) for k in columns}
            for k, v in row.items():
                if isinstance(v, (list, dict)):
                    row[k] = json.dumps(v, ensure_ascii=False)
            row.setdefault("file", doc.file)
            if row.get("file") is None:
                row["file"] = doc.file
            clean_rows.append(row)
        if not clean_rows:
            continue
        if name == "recommendations":
            for row in clean_rows:
                row["id"] = db[name].insert(row).last_pk
                recommendations.append(row)
        else:
            db[name].insert_all(clean_rows, batch_size=500)


def _store_links(db: sqlite_utils.Database, recommendations: list[dict]) -> None:
    links = link_recommendations(recommendations)
    db["recommendation_links"].insert_all(
        {"from_id": recommendations[x["from_index"]]["id"], "to_id": recommendations[x["to_index"]]["id"],
         "confidence": x["confidence"]} for x in links)
