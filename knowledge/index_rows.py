"""The rows one document contributes to the index: its schema, writing them, and removing them.

Every table that holds document rows has a ``file`` column, so a document can be replaced or
removed alone; ``passages_fts`` (external content) and the derived tables of
``knowledge.derived`` are kept in step here.
"""

from __future__ import annotations

import json
import sqlite3

from . import derived
from .dbutils import sqlite_utils
from .document import Document
from .extract import extract_all
from .facts import FACT_COLUMNS, FACT_INDEXES, document_facts
from .records import SCHEMA
from .stemming import stems_text
from .structure import analyse

# Tables whose rows belong to one document (column ``file``), besides the records of SCHEMA.
DOCUMENT_TABLES = ("documents", "lines", "sections", "passages", "tables", "facts", *SCHEMA)


def create_schema(db: sqlite_utils.Database) -> None:
    db["documents"].create({"file": str, "kind": str, "plan": str, "period": str, "title": str,
                            "date": str, "line_count": int, "sha256": str, "errors": str}, pk="file")
    db.execute("create table lines (file text, n integer, text text, page integer, primary key (file, n)) "
               "without rowid")
    db["sections"].create({"id": int, "file": str, "title": str, "level": int, "line": int, "path": str},
                          pk="id")
    db["passages"].create({"id": int, "file": str, "line_start": int, "line_end": int, "section": str,
                           "kind": str, "caption": str, "heading": str, "text": str, "stems": str,
                           "table_id": int}, pk="id")
    db["tables"].create({"id": int, "file": str, "caption": str, "section": str, "line_start": int,
                         "line_end": int, "header": str, "rows": str, "row_lines": str}, pk="id")
    for name, columns in SCHEMA.items():
        db[name].create({"id": int, **columns}, pk="id")
        db[name].create_index(["file"])
    db["recommendation_links"].create({"from_id": int, "to_id": int, "confidence": float})
    db["meta"].create({"key": str, "value": str}, pk="key")
    db["facts"].create({"id": int, **FACT_COLUMNS}, pk="id")
    for columns in FACT_INDEXES:
        db["facts"].create_index(list(columns))
    for table in ("sections", "passages", "tables", "facts"):
        db[table].create_index(["file"])
    db["statements"].create_index(["topic", "file"])  # the prose counts answers look up by topic
    db.execute("create virtual table passages_fts using fts5(heading, text, stems, content='passages', "
               "content_rowid='id', tokenize='unicode61 remove_diacritics 2')")
    derived.create_schema(db.conn)


def store_document(db: sqlite_utils.Database, doc: Document, sha256: str) -> list[str]:
    """Read the structure and records of ``doc`` and write them; returns the extraction errors."""
    errors: list[str] = []
    db["lines"].insert_all(({"file": doc.file, "n": n, "text": t, "page": doc.page(n)}
                            for n, t in enumerate(doc.lines, 1)),
                           batch_size=2000)
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
    db["facts"].insert_all(document_facts(doc, records, structure.passages, structure.tables),
                           batch_size=1000)
    for name, items in records.items():
        _store_records(db, name, items, doc.file)
    db["documents"].insert({"file": doc.file, "kind": doc.kind, "plan": doc.plan, "period": doc.period,
                            "title": doc.title, "date": doc.date, "line_count": len(doc.lines),
                            "sha256": sha256, "errors": json.dumps(errors, ensure_ascii=False)})
    db.execute("insert into passages_fts(rowid, heading, text, stems) "
               "select id, heading, text, stems from passages where file = ?", [doc.file])
    derived.add_document(db.conn, doc.file)
    return errors


def _store_records(db: sqlite_utils.Database, name: str, items: list[dict], file: str) -> None:
    columns = SCHEMA[name]
    clean_rows = []
    for item in items:
        row = {k: item.get(k) for k in columns}
        for k, v in row.items():
            if isinstance(v, (list, dict)):
                row[k] = json.dumps(v, ensure_ascii=False)
        if row.get("file") is None:
            row["file"] = file
        clean_rows.append(row)
    if clean_rows:
        db[name].insert_all(clean_rows, batch_size=500)


def remove_document(conn: sqlite3.Connection, file: str) -> None:
    """Every row ``file`` contributed, its full-text entries and its share of the derived tables."""
    derived.remove_document(conn, file)
    conn.execute("insert into passages_fts(passages_fts, rowid, heading, text, stems) "
                 "select 'delete', id, heading, text, stems from passages where file = ?", (file,))
    for table in DOCUMENT_TABLES:
        conn.execute(f"delete from [{table}] where file = ?", (file,))


def store_links(conn: sqlite3.Connection, link: callable) -> None:
    """Recommendation links across reports, recomputed over every report of the index."""
    conn.execute("delete from recommendation_links")
    cur = conn.execute("select * from recommendations order by id")
    names = [d[0] for d in cur.description]
    recommendations = [dict(zip(names, r, strict=True)) for r in cur]
    conn.executemany("insert into recommendation_links (from_id, to_id, confidence) values (?, ?, ?)",
                     [(recommendations[x["from_index"]]["id"], recommendations[x["to_index"]]["id"],
                       x["confidence"]) for x in link(recommendations)])
