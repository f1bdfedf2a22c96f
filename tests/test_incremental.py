"""Incremental ingest: only new or changed documents are read and extracted, a replaced report
changes only its own rows, and the result equals a full rebuild."""

from __future__ import annotations

import re
import shutil
import sqlite3
from pathlib import Path

import pytest

import knowledge.index_rows as index_rows
from knowledge.index import build_index

ANNUAL = "001_49b03c25a9da4437.txt"


@pytest.fixture()
def counted(monkeypatch):
    """The files handed to the extractors, in order."""
    calls: list[str] = []
    real = index_rows.extract_all

    def extract_all(doc, errors=None):
        calls.append(doc.file)
        return real(doc, errors)

    monkeypatch.setattr(index_rows, "extract_all", extract_all)
    return calls


def _older_copy(corpus: Path, folder: Path, year: int) -> Path:
    text = re.sub(r"\b2024\b", str(year), (corpus / ANNUAL).read_text(encoding="utf-8"))
    path = folder / f"zz_copia_{year}.txt"
    path.write_text(text, encoding="utf-8")
    return path


def _facts(db: Path, file: str | None = None) -> list[tuple]:
    conn = sqlite3.connect(db)
    where, params = ("where file = ?", (file,)) if file else ("", ())
    rows = conn.execute(f"select file, subject, metric, period, value, raw, line_start from facts {where}",
                        params).fetchall()
    conn.close()
    return sorted(rows, key=repr)


@pytest.fixture()
def folder(tmp_path, corpus) -> Path:
    target = tmp_path / "corpus"
    target.mkdir()
    for p in corpus.iterdir():
        shutil.copy(p, target / p.name)
    return target


def test_adding_a_document_reads_only_it(folder, corpus, tmp_path, counted):
    db = tmp_path / "i.db"
    build_index(folder, db)
    assert len(counted) == 5
    counted.clear()
    added = _older_copy(corpus, folder, 2019)
    report = build_index(folder, db)
    assert counted == [added.name]
    assert report.extracted == [added.name] and len(report.reused) == 5
    periods = {r[0] for r in sqlite3.connect(db).execute("select period from documents")}
    assert "2019" in periods
    counted.clear()
    build_index(folder, db)
    assert counted == []  # nothing changed: nothing read


def test_replacing_a_document_changes_only_its_facts(folder, corpus, tmp_path, counted):
    db = tmp_path / "i.db"
    copy = _older_copy(corpus, folder, 2019)
    build_index(folder, db)
    others = [r for r in _facts(db) if r[0] != copy.name]
    before = _facts(db, copy.name)
    copy.write_text(re.sub(r"\b2019\b", "2018", copy.read_text(encoding="utf-8")), encoding="utf-8")
    counted.clear()
    build_index(folder, db)
    assert counted == [copy.name]
    after = _facts(db, copy.name)
    assert {r[3] for r in before if r[3]} == {"2019"} and {r[3] for r in after if r[3]} == {"2018"}
    assert len(after) == len(before)
    assert [r for r in _facts(db) if r[0] != copy.name] == others


def test_removed_document_leaves_no_rows(folder, corpus, tmp_path):
    db = tmp_path / "i.db"
    copy = _older_copy(corpus, folder, 2019)
    build_index(folder, db)
    copy.unlink()
    report = build_index(folder, db)
    assert report.removed == [copy.name]
    conn = sqlite3.connect(db)
    for table in ("documents", "lines", "passages", "facts", "measurements", "recommendations"):
        assert conn.execute(f"select count(*) from {table} where file = ?", (copy.name,)).fetchone()[0] == 0
    hits = conn.execute("select count(*) from passages_fts where passages_fts match '\"2019\"'").fetchone()[0]
    full = tmp_path / "full.db"
    build_index(folder, full, full=True)
    assert hits == sqlite3.connect(full).execute(
        "select count(*) from passages_fts where passages_fts match '\"2019\"'").fetchone()[0]


def test_incremental_index_equals_a_full_rebuild(folder, corpus, tmp_path):
    db, full = tmp_path / "i.db", tmp_path / "full.db"
    build_index(folder, db)
    _older_copy(corpus, folder, 2019)
    build_index(folder, db)
    build_index(folder, full, full=True)
    a, b = sqlite3.connect(db), sqlite3.connect(full)
    queries = ["select word, documents from vocabulary", "select stem, round(weight, 9) from stem_weights",
               "select metric, period, facts from fact_keys", "select plan, code, title from entity_index",
               "select plan, owner from measured_codes", "select file, kind, plan, period, sha256 from documents",
               "select count(*) from passages_fts where passages_fts match 'recomendaciones'"]
    for sql in queries:
        assert sorted(a.execute(sql).fetchall(), key=repr) == sorted(b.execute(sql).fetchall(), key=repr), sql
    links = ("select f.file, f.number, f.list_kind, t.file, t.number, t.list_kind from recommendation_links l "
             "join recommendations f on f.id = l.from_id join recommendations t on t.id = l.to_id")
    assert sorted(a.execute(links).fetchall()) == sorted(b.execute(links).fetchall())
    assert a.execute(links).fetchall()


def test_index_built_by_other_code_is_not_reused(folder, tmp_path, counted):
    db = tmp_path / "i.db"
    build_index(folder, db)
    conn = sqlite3.connect(db)
    conn.execute("update meta set value = 'otra' where key = 'code_version'")
    conn.commit()
    conn.close()
    counted.clear()
    build_index(folder, db)
    assert len(counted) == 5
