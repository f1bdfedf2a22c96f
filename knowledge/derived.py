"""Structures derived from the documents' rows, computed at ingest and stored in the index so that
no process rebuilds them on its first question:

- ``vocabulary``: every (folded) word the passages use, with the number of documents using it;
- ``stem_df``: for each stem of the passages' ``stems`` column, how many passages hold it (the
  full-text fallback's IDF), and ``meta.passages`` the number of passages;
- ``fact_stems``: the content stems of each prose figure's sentence, to find figures by word;
- ``stem_weights``: the IDF weight of each such stem over the distinct sentences;
- ``fact_labels`` / ``fact_dimensions``: a table cell's folded row label / the first stem of what
  its rows are, to find cells by the words of a question;
- ``fact_keys`` / ``fact_subject_keys``: the (metric, period) and (subject, metric) pairs of the facts;
- ``entity_index``: one row per (plan, code), the entity rows of every document merged;
- ``measured_codes``: the (plan, code) pairs some report measures.

``add_document`` / ``remove_document`` keep the per-document parts in step with the rows of one
document; ``refresh`` recomputes the global parts (cheap: one pass over small tables).
"""

from __future__ import annotations

import math
import sqlite3

from .extract.prose_figures import content_stems
from .stemming import tokens
from .text import fold


def create_schema(conn: sqlite3.Connection) -> None:
    conn.executescript("""
        create table vocabulary (word text primary key, documents integer not null) without rowid;
        create table stem_df (stem text primary key, passages integer not null) without rowid;
        create table fact_stems (stem text, fact_id integer, primary key (stem, fact_id)) without rowid;
        create table stem_weights (stem text primary key, weight real not null) without rowid;
        create table fact_labels (label text, fact_id integer, primary key (label, fact_id)) without rowid;
        create table fact_dimensions (dimension text, fact_id integer, primary key (dimension, fact_id))
            without rowid;
        create table fact_keys (metric text, period text, facts integer);
        create table fact_subject_keys (subject text, metric text);
        create index idx_fact_keys on fact_keys (metric, period);
    """)


def _words(conn: sqlite3.Connection, file: str) -> set[str]:
    words: set[str] = set()
    for (text,) in conn.execute("select text from passages where file = ?", (file,)):
        words.update(tokens(text))
    return words


def _stem_counts(conn: sqlite3.Connection, file: str) -> dict[str, int]:
    counts: dict[str, int] = {}
    for (stems,) in conn.execute("select stems from passages where file = ?", (file,)):
        for s in set((stems or "").split()):
            counts[s] = counts.get(s, 0) + 1
    return counts


def add_document(conn: sqlite3.Connection, file: str) -> None:
    conn.executemany("insert into stem_df (stem, passages) values (?, ?) "
                     "on conflict (stem) do update set passages = passages + excluded.passages",
                     list(_stem_counts(conn, file).items()))
    conn.executemany("insert into vocabulary (word, documents) values (?, 1) "
                     "on conflict (word) do update set documents = documents + 1",
                     [(w,) for w in _words(conn, file)])
    rows = conn.execute("select id, stems from facts where file = ? and metric = 'cifra'", (file,))
    conn.executemany("insert or ignore into fact_stems (stem, fact_id) values (?, ?)",
                     [(s, fact_id) for fact_id, stems in rows for s in set((stems or "").split())])
    cells = conn.execute("select id, lead, indicator_name from facts where file = ? and metric = 'celda'",
                         (file,)).fetchall()
    conn.executemany("insert or ignore into fact_labels (label, fact_id) values (?, ?)",
                     [(fold(lead or ""), fact_id) for fact_id, lead, _ in cells])
    conn.executemany("insert or ignore into fact_dimensions (dimension, fact_id) values (?, ?)",
                     [(s, fact_id) for fact_id, _, name in cells for s in content_stems(name or "")[:1]])


def remove_document(conn: sqlite3.Connection, file: str) -> None:
    conn.executemany("update vocabulary set documents = documents - 1 where word = ?",
                     [(w,) for w in _words(conn, file)])
    conn.execute("delete from vocabulary where documents <= 0")
    conn.executemany("update stem_df set passages = passages - ? where stem = ?",
                     [(n, s) for s, n in _stem_counts(conn, file).items()])
    conn.execute("delete from stem_df where passages <= 0")
    for table in ("fact_stems", "fact_labels", "fact_dimensions"):
        conn.execute(f"delete from {table} where fact_id in (select id from facts where file = ?)", (file,))


def refresh(conn: sqlite3.Connection) -> None:
    """The global derived tables, from the rows now in the index."""
    conn.execute("insert or replace into meta (key, value) values ('passages', (select count(*) from passages))")
    conn.execute("delete from fact_keys")
    conn.execute("insert into fact_keys select metric, period, count(*) from facts group by metric, period")
    conn.execute("delete from fact_subject_keys")
    conn.execute("insert into fact_subject_keys select distinct subject, metric from facts where subject is not null")
    _refresh_stem_weights(conn)
    _refresh_entity_index(conn)
    conn.execute("drop table if exists measured_codes")
    conn.execute("create table measured_codes as select distinct plan, owner from measurements where owner is not null")


def _refresh_stem_weights(conn: sqlite3.Connection) -> None:
    conn.execute("delete from stem_weights")
    total = conn.execute("select count(distinct sentence) from facts where metric = 'cifra'").fetchone()[0] or 1
    rows = conn.execute("select s.stem, count(distinct f.sentence) from fact_stems s "
                        "join facts f on f.id = s.fact_id group by s.stem")
    conn.executemany("insert into stem_weights values (?, ?)",
                     [(stem, math.log(1 + total / df)) for stem, df in rows if df])


def _refresh_entity_index(conn: sqlite3.Connection) -> None:
    """One row per (plan, code): the first row in index order, its empty cells filled from the
    later ones and the longest title kept."""
    cur = conn.execute("select * from entities order by id")
    names = [d[0] for d in cur.description]
    merged: dict[tuple, dict] = {}
    for values in cur:
        r = dict(zip(names, values, strict=True))
        key = (r["plan"], r["code"])
        if key not in merged:
            merged[key] = r
            continue
        m = merged[key]
        for k, v in r.items():
            if m.get(k) in (None, "") and v not in (None, ""):
                m[k] = v
        if r.get("title") and len(r["title"] or "") > len(m.get("title") or ""):
            m["title"] = r["title"]
    conn.execute("drop table if exists entity_index")
    conn.execute(f"create table entity_index ({', '.join(f'[{n}]' for n in names)})")
    conn.executemany(f"insert into entity_index values ({', '.join('?' * len(names))})",
                     [tuple(m[n] for n in names) for m in merged.values()])
