"""Read access to the built index: documents, lines, passages search and records."""

from __future__ import annotations

import json
import sqlite3
import threading
from pathlib import Path
from typing import Any

from .stemming import content_tokens, stem

_local = threading.local()


class IndexMissing(Exception):
    """The index has not been built yet (run `planes ingest`)."""


def connect(db_file: Path) -> sqlite3.Connection:
    """A read-only connection, one per thread, reopened when the index file was swapped."""
    if not db_file.exists():
        raise IndexMissing(str(db_file))
    key = str(db_file)
    stat = db_file.stat()
    stamp = (stat.st_ino, stat.st_mtime_ns)
    cache = getattr(_local, "conns", None)
    if cache is None:
        cache = _local.conns = {}
    cached = cache.get(key)
    if cached and cached[0] == stamp:
        return cached[1]
    if cached:
        cached[1].close()
    conn = sqlite3.connect(f"file:{db_file}?mode=ro", uri=True, check_same_thread=False)
    conn.row_factory = sqlite3.Row
    cache[key] = (stamp, conn)
    return conn


class Store:
    """Queries over one index file. Cheap to create; connections are cached per thread."""

    def __init__(self, db_file: Path):
        self.db_file = Path(db_file)

    @property
    def conn(self) -> sqlite3.Connection:
        return connect(self.db_file)

    def rows(self, sql: str, params: tuple | dict = ()) -> list[dict[str, Any]]:
        return [dict(r) for r in self.conn.execute(sql, params).fetchall()]

    def documents(self) -> list[dict[str, Any]]:
        return self.rows("select * from documents order by file")

    def document(self, file: str) -> dict[str, Any] | None:
        found = self.rows("select * from documents where file = ?", (file,))
        return found[0] if found else None

    def lines(self, file: str) -> list[str]:
        return [r["text"] for r in self.rows("select text from lines where file = ? order by n", (file,))]

    def pages(self, file: str) -> list[int | None]:
        """The page of each line (documents read from a PDF); empty for text files or old indexes."""
        try:
            pages = [r["page"] for r in self.rows("select page from lines where file = ? order by n", (file,))]
        except sqlite3.OperationalError:
            return []
        return pages if any(pages) else []

    def page_of(self, file: str, line: int) -> int | None:
        try:
            found = self.rows("select page from lines where file = ? and n = ?", (file, line))
        except sqlite3.OperationalError:
            return None
        return found[0]["page"] if found else None

    def table(self, table_id: int) -> dict[str, Any] | None:
        found = self.rows("select * from tables where id = ?", (table_id,))
        if not found:
            return None
        t = found[0]
        for k in ("header", "rows", "row_lines"):
            t[k] = json.loads(t[k])
        return t

    def meta(self) -> dict[str, str]:
        return {r["key"]: r["value"] for r in self.rows("select key, value from meta")}

    def search(self, query: str, limit: int = 10, files: list[str] | None = None,
               require_all: bool = True, snippets: bool = False) -> list[dict[str, Any]]:
        """Ranked passages for free text. User text never reaches FTS syntax unquoted. Snippets only
        when asked: SQLite computes them for every match before the sort, not for the rows kept."""
        match = fts_query(query, require_all)
        if not match:
            return []
        where = ""
        params: list[Any] = [match]
        if files:
            where = f" and p.file in ({','.join('?' * len(files))})"
            params += files
        sql = (
            "select p.id, p.file, p.line_start, p.line_end, p.section, p.kind, p.caption, p.text,"
            " p.table_id, d.title, "
            + ("snippet(passages_fts, 1, '[[', ']]', ' … ', 24)" if snippets else "''") + " as snippet,"
            " bm25(passages_fts, 4.0, 1.0, 0.6) as score"
            " from passages_fts join passages p on p.id = passages_fts.rowid"
            " join documents d on d.file = p.file"
            f" where passages_fts match ?{where} order by score limit ?"
        )
        params.append(max(1, min(int(limit), 100)))
        try:
            results = self.rows(sql, tuple(params))
        except sqlite3.OperationalError:
            return []
        if not results and require_all:
            return self.search(query, limit, files, require_all=False, snippets=snippets)
        return results


def fts_query(text: str, require_all: bool = True) -> str:
    """An FTS5 expression where every user token is a quoted string: each token matches its
    own form in text/heading or its Snowball stem (as a prefix) in the stems column."""
    tokens = content_tokens(text[:2000])[:24]
    if not tokens:
        return ""
    parts = []
    for tok in dict.fromkeys(tokens):
        s = stem(tok)
        part = f'"{tok}"'
        if s and len(s) >= 3:
            part = f'({part} OR stems : "{s}"*)'
        parts.append(part)
    return (" AND " if require_all else " OR ").join(parts)


def locator(p: dict[str, Any]) -> str:
    where = p.get("caption") or p.get("section") or "texto"
    lines = f"líneas {p['line_start']}-{p['line_end']}" if p["line_end"] != p["line_start"] \
        else f"línea {p['line_start']}"
    return f"{where}, {lines}"


def excerpt(store: Store, file: str, start: int, end: int, limit: int = 400) -> str:
    """The cited lines as clean text, for a source's excerpt."""
    from .text import clean

    rows = store.rows("select text from lines where file = ? and n between ? and ? order by n",
                      (file, start, min(end, start + 40)))
    return " ".join(clean(r["text"]) for r in rows if r["text"].strip())[:limit]
