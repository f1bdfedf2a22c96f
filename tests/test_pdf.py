"""PDF originals: the corpus rendered to PDF by tests/pdfbuild.py must give the records of its text
version, figure for figure (only line numbers may differ); modified copies too; scanned PDFs are
reported and skipped."""

from __future__ import annotations

import json
import re
from collections import Counter
from pathlib import Path

import pytest

from knowledge.coverage import coverage
from knowledge.document import read_document
from knowledge.extract import extract_all
from knowledge.index import build_index
from knowledge.sources import read_source
from knowledge.store import Store
from tests import pdfbuild

LINE_FIELDS = {"line_start", "line_end", "baseline_line_start", "baseline_line_end", "ruta_line_start",
               "ruta_line_end", "file", "source_file", "id"}


def record_key(row: dict) -> str:
    """A record without its line numbers (the PDF's lines are not the text file's lines)."""
    out = {}
    for k, v in sorted(row.items()):
        if k in LINE_FIELDS:
            continue
        if k == "raw" and row.get("topic") and isinstance(v, str):
            v = v.rsplit("|", 1)[0]  # statements keep their line at the end of raw
        if isinstance(v, str) and '"line"' in v:
            v = re.sub(r'"line": \d+', "", v)
        out[k] = v
    return json.dumps(out, ensure_ascii=False, default=str)


def differences(text_doc, pdf_doc) -> dict[str, tuple[list[str], list[str]]]:
    a, b = extract_all(text_doc, []), extract_all(pdf_doc, [])
    out = {}
    for table in a:
        ca, cb = Counter(map(record_key, a[table])), Counter(map(record_key, b[table]))
        if ca != cb:
            out[table] = (list((ca - cb).elements())[:3], list((cb - ca).elements())[:3])
    return out


@pytest.fixture(scope="session")
def pdf_corpus(tmp_path_factory, corpus) -> Path:
    out = tmp_path_factory.mktemp("pdf-corpus")
    pdfbuild.render_corpus(corpus, out)
    return out


@pytest.fixture(scope="session")
def pdf_db(tmp_path_factory, pdf_corpus) -> Path:
    path = tmp_path_factory.mktemp("pdf-index") / "planes.db"
    report = build_index(pdf_corpus, path)
    assert not report.skipped, report.skipped
    return path


@pytest.mark.parametrize("stem", ["000", "001", "002", "003", "004"])
def test_records_from_the_pdf_equal_the_text_version(corpus, pdf_corpus, stem):
    text = next(corpus.glob(f"{stem}_*.txt"))
    text_doc, pdf_doc = read_document(text), read_source(pdf_corpus / f"{text.stem}.pdf")
    assert (pdf_doc.kind, pdf_doc.plan, pdf_doc.period, pdf_doc.date) == \
        (text_doc.kind, text_doc.plan, text_doc.period, text_doc.date)
    assert differences(text_doc, pdf_doc) == {}
    assert pdf_doc.pages and pdf_doc.pages[0] == 1 and pdf_doc.pages == sorted(pdf_doc.pages)


def test_coverage_counts_of_the_pdf_corpus_equal_the_text_corpus(db_file, pdf_db):
    def counts(path: Path) -> dict[str, dict]:
        out = {}
        for d in coverage(Store(path))["documents"]:
            c = dict(d["counts"])
            out[Path(d["file"]).stem] = (d["kind"], d["plan"], d["period"],
                                         {k: v for k, v in c.items() if k not in ("lineas", "pasajes")},
                                         d["detalle"])
        return out
    assert counts(pdf_db) == counts(db_file)


def test_a_fact_read_from_a_pdf_knows_its_page(pdf_db):
    store = Store(pdf_db)
    row = store.rows("select m.file, m.line_start, l.page from measurements m join lines l on l.file = m.file "
                     "and l.n = m.line_start where m.file like '000_%' and m.metric = 'avance' limit 1")[0]
    assert row["page"] and row["page"] > 1
    text = store.rows("select text from lines where file = ? and n = ?", (row["file"], row["line_start"]))[0]["text"]
    assert "\t" in text  # a table row, cells kept as cells


def test_footnote_markers_stay_superscripts(corpus, pdf_corpus):
    text = next(corpus.glob("000_*.txt"))
    pdf_doc = read_source(pdf_corpus / f"{text.stem}.pdf")
    marks = sum(len(re.findall("[¹²³⁴⁵⁶⁷⁸⁹⁰]", line)) for line in pdf_doc.lines)
    source = sum(len(re.findall("[¹²³⁴⁵⁶⁷⁸⁹⁰]", line)) for line in text.read_text(encoding="utf-8").splitlines())
    assert marks == source


def test_running_headers_and_page_numbers_are_dropped(corpus, pdf_corpus):
    text = next(corpus.glob("001_*.txt"))
    lines = read_source(pdf_corpus / f"{text.stem}.pdf").lines
    assert not any("documento de trabajo" in line for line in lines)
    assert not any(re.fullmatch(r"Página \d+", line.strip()) for line in lines)


def _modified(corpus: Path, tmp: Path, stem: str, edit, name: str, **render) -> tuple[Path, Path]:
    source = next(corpus.glob(f"{stem}_*.txt"))
    lines = edit(source.read_text(encoding="utf-8").splitlines())
    text = tmp / f"{name}.txt"
    text.write_text("\n".join(lines) + "\n", encoding="utf-8")
    pdf = pdfbuild.render(lines, tmp / f"{name}.pdf", header="Copia modificada", **render)
    return text, pdf


def _another_period(lines: list[str]) -> list[str]:
    return [line.replace("2024", "2026") for line in lines]


def _other_figures(lines: list[str]) -> list[str]:
    # every decimal figure in a table row gains 1 in its last digit
    return [re.sub(r"(?<=\t)(\d+)\.(\d)(\d?)(?=\t|$)", lambda m: f"{m.group(1)}.{m.group(2)}{(int(m.group(3) or 0) + 1) % 10}",
                   line) if "\t" in line else line for line in lines]


def _shifted_rows(lines: list[str]) -> list[str]:
    first = next(i for i, line in enumerate(lines) if "\t" in line)
    return lines[:first] + ["Párrafo añadido antes de la primera tabla para desplazar las filas."] * 7 + lines[first:]


@pytest.mark.parametrize("stem,edit,check", [
    ("000", _another_period, lambda doc: doc.period == "2026-S1"),
    ("001", _other_figures, lambda doc: True),
    ("000", _shifted_rows, lambda doc: True),
])
def test_modified_copies_read_the_same_from_pdf(corpus, tmp_path, stem, edit, check):
    text, pdf = _modified(corpus, tmp_path, stem, edit, f"{stem}-{edit.__name__}")
    text_doc, pdf_doc = read_document(text), read_source(pdf)
    assert check(text_doc) and check(pdf_doc)
    assert differences(text_doc, pdf_doc) == {}


def test_other_figures_change_the_records(corpus, tmp_path):
    text, _ = _modified(corpus, tmp_path, "001", _other_figures, "cifras")
    before = extract_all(read_document(next(corpus.glob("001_*.txt"))), [])["measurements"]
    after = extract_all(read_document(text), [])["measurements"]
    assert sorted(map(record_key, before)) != sorted(map(record_key, after))


def test_a_table_split_across_pages_repeats_its_header_and_reads_as_one(corpus, tmp_path):
    # a short page forces most tables over a page break, where reportlab repeats the header row
    text, pdf = _modified(corpus, tmp_path, "002", lambda x: x, "partida", page_size=(595.0, 620.0))
    from pypdf import PdfReader

    assert len(PdfReader(str(pdf)).pages) > 75
    assert differences(read_document(text), read_source(pdf)) == {}


def test_a_scanned_pdf_is_reported_and_nothing_else_changes(corpus, tmp_path):
    folder = tmp_path / "corpus"
    folder.mkdir()
    for p in corpus.glob("00[01]_*.txt"):
        (folder / p.name).write_bytes(p.read_bytes())
    pdfbuild.scanned(folder / "escaneado.pdf")
    (folder / "falso.pdf").write_text("esto no es un PDF", encoding="utf-8")
    report = build_index(folder, tmp_path / "i.db")
    assert sorted(report.documents) == sorted(p.name for p in corpus.glob("00[01]_*.txt"))
    assert any("escaneado.pdf" in s and "sin texto extraíble" in s for s in report.skipped)
    assert any("falso.pdf" in s and "no es un PDF" in s for s in report.skipped)


def test_the_dev_questions_get_the_same_answers_from_the_pdf_corpus(db_file, pdf_db):
    from assistant.engine import Assistant

    dev = Path(__file__).resolve().parents[2] / "shared" / "eval" / "dev.jsonl"
    questions = [json.loads(line)["question"] for line in dev.read_text(encoding="utf-8").splitlines() if line]
    text, pdf = Assistant(db_file, db_file.with_name("e-text.db")), Assistant(pdf_db, pdf_db.with_name("e-pdf.db"))
    assert len(questions) > 50
    def same(answer: str) -> str:  # the PDF's line numbers and extension are its own
        return re.sub(r"(línea|líneas) \d+(-\d+)?", "", answer.replace(".pdf", ".txt"))

    different = []
    for q in questions:
        a, b = text.ask(q), pdf.ask(q)
        if (a["found"], same(a["answer"]), a["table"], [s["file"].rsplit(".", 1)[0] for s in a["sources"]]) != \
                (b["found"], same(b["answer"]), b["table"], [s["file"].rsplit(".", 1)[0] for s in b["sources"]]):
            different.append((q, a["answer"][:300], b["answer"][:300]))
    assert different == []
