"""Reading, identification, cleaning and the atomic, idempotent index build."""

from __future__ import annotations

import shutil
import sqlite3

from knowledge.document import read_document
from knowledge.index import build_index
from knowledge.structure import analyse
from knowledge.text import clean, find_codes, parse_number


def test_documents_identified_from_content(store):
    docs = {d["file"][:3]: d for d in store.documents()}
    assert docs["000"]["kind"] == "informe de evaluación semestral"
    assert docs["000"]["period"] == "2024-S1"
    assert docs["000"]["plan"] == "PEI 2020-2027 ampliado"
    assert docs["001"]["kind"] == "informe de evaluación anual"
    assert docs["001"]["period"] == "2024"
    assert docs["001"]["date"] == "Abril 2025"
    assert docs["002"]["plan"] == "PEI 2025-2030"
    assert docs["003"]["plan"] == "PESEM 2015-2021" and docs["003"]["period"] == "2020"
    assert docs["004"]["kind"] == "plan estratégico sectorial" and docs["004"]["period"] is None


def test_identification_ignores_file_name(tmp_path, corpus):
    target = tmp_path / "zz_renamed.txt"
    shutil.copy(corpus / "001_49b03c25a9da4437.txt", target)
    assert read_document(target).kind == "informe de evaluación anual"


def test_bad_files_reported_and_skipped(tmp_path, corpus):
    folder = tmp_path / "corpus"
    folder.mkdir()
    shutil.copy(corpus / "004_81d6fa1c12394189.txt", folder)
    (folder / "vacio.txt").write_text("")
    (folder / "binario.txt").write_bytes(b"\x00\x01\x02PNG" * 100)
    (folder / "latin1.txt").write_bytes("Planificación estratégica".encode("latin-1"))
    report = build_index(folder, tmp_path / "i.db")
    assert report.documents == ["004_81d6fa1c12394189.txt"]
    joined = " ".join(report.skipped)
    assert "vacío" in joined and "binario" in joined and "UTF-8" in joined


def test_rebuild_is_atomic_and_idempotent(tmp_path, corpus):
    db = tmp_path / "i.db"
    build_index(corpus, db)
    first = sqlite3.connect(db).execute("select count(*) from passages").fetchone()[0]
    reader = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    build_index(corpus, db)
    # the old connection still reads a complete database (the file was replaced, not rewritten)
    assert reader.execute("select count(*) from passages").fetchone()[0] == first
    assert sqlite3.connect(db).execute("select count(*) from passages").fetchone()[0] == first
    assert not list(tmp_path.glob("*.tmp"))


def test_cleaning():
    assert clean("acciones³ y ajustado²⁹ de 94%") == "acciones y ajustado de 94%"
    assert clean("<ul><li>uno</li><li>dos</li></ul>") == "• uno • dos"
    assert clean("**AOI00004500229**") == "AOI00004500229"
    assert clean(r"$\frac{VO}{LE}$") == "VO / LE"


def test_numbers():
    assert parse_number("52,5%") == 52.5
    assert parse_number("17 268") == 17268
    assert parse_number("12,972") == 12972
    assert parse_number("28.60") == 28.6
    assert parse_number("-1652%") == -1652
    for non in ("NC", "ND", "---", "(*)", "s", ""):
        assert parse_number(non) is None
    assert parse_number("Pliego 008") is None


def test_codes():
    assert find_codes("AEI.01.7 y OEI 1, Acción AEI 1.3") == ["AEI.01.07", "OEI.01", "AEI.01.03"]
    assert find_codes("IAEI.01.01.01") == ["IAEI.01.01.01"]
    assert find_codes("oes 2 y aes 1.8") == ["OES.02", "AES.01.08"]


def test_passages_and_rows_carry_provenance(store):
    bad = store.rows("select count(*) n from passages where file is null or line_start < 1 or line_end < line_start")
    assert bad[0]["n"] == 0
    row = store.rows("select * from passages where kind = 'row' and file like '000%' and text like '%AEI.03.04%'")
    assert row and row[0]["caption"].startswith("Tabla")


def test_tables_split_by_page_break_are_stitched(corpus):
    doc = read_document(corpus / "001_49b03c25a9da4437.txt")
    tables = [t for t in analyse(doc).tables if t.caption and t.caption.startswith("Tabla 6.")]
    assert len(tables) == 1
    names = " ".join(" ".join(r) for r in tables[0].rows)
    assert "OEI.01" in names and "OEI.08" in names  # both sides of the page break


def test_page_banners_and_numbers_removed(corpus):
    doc = read_document(corpus / "003_b503b4a5473e071c.txt")  # "PERÚ" banner on every cover page
    assert "PERÚ" not in {p.text for p in analyse(doc).passages}
    doc = read_document(corpus / "002_39527a248f4d2a14.txt")  # page numbers such as "0190"
    assert not [p for p in analyse(doc).passages if p.text.strip().isdigit()]
