"""Adding a document from the «Documentos» page: identification and counts before confirming,
refusals that change nothing, the register of who added what, restoring an earlier version."""

from __future__ import annotations

import io
import re
import shutil
from pathlib import Path

import pytest

from assistant.tracker.accounts import add_user
from assistant.web import create_app
from knowledge.index import build_index
from tests import pdfbuild

EDITOR, PASSWORD = "editora", "clave-larga-de-prueba"


@pytest.fixture()
def site(tmp_path, corpus, monkeypatch):
    folder = tmp_path / "corpus"
    folder.mkdir()
    for p in corpus.glob("00[02]_*.txt"):
        shutil.copy(p, folder / p.name)
    monkeypatch.setenv("PLANES_UPLOADS", str(tmp_path / "subidos"))
    db = tmp_path / "planes.db"
    build_index(folder, db)
    updates = tmp_path / "editor.db"
    add_user(updates, EDITOR, PASSWORD, "editor")
    app = create_app({"PLANES_DB": str(db), "PLANES_UPDATES_DB": str(updates), "PLANES_CORPUS": str(folder),
                      "TESTING": True})
    return app, db, tmp_path


def _signed_in(app):
    client = app.test_client()
    token = client.get("/api/session").json["csrf_token"]
    token = client.post("/api/session", json={"username": EDITOR, "password": PASSWORD},
                        headers={"X-CSRF-Token": token}).json["csrf_token"]
    return client, token


def _semester_pdf(corpus: Path, out: Path, year: str = "2026") -> Path:
    lines = next(corpus.glob("000_*.txt")).read_text(encoding="utf-8").splitlines()
    return pdfbuild.render([line.replace("2024", year) for line in lines], out)


def _upload(client, token, data: bytes, name: str):
    form = {"archivo": (io.BytesIO(data), name)}
    if token:
        form["csrf_token"] = token
    return client.post("/documentos/subir", data=form, content_type="multipart/form-data")


def _state(db: Path, tmp: Path):
    return db.stat().st_mtime_ns, sorted(p.name for p in (tmp / "subidos").rglob("*") if p.is_file()
                                        and p.name != ".bloqueo")


def test_upload_identify_confirm_answer_and_restore(site, corpus):
    app, db, tmp = site
    client, token = _signed_in(app)
    pdf = _semester_pdf(corpus, tmp / "informe.pdf")
    page = _upload(client, token, pdf.read_bytes(), "../../etc/informe.pdf")
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "informe de evaluación semestral" in html and "2026-S1" in html and "PEI 2020-2027" in html
    assert re.search(r"<td>critical_actions</td><td>(\d+)</td>", html).group(1) != "0"
    assert "No reemplaza" in html
    carga = re.search(r'name="carga" value="([^"]+)"', html).group(1)
    done = client.post("/documentos/confirmar", data={"csrf_token": token, "carga": carga, "accion": "confirmar"})
    assert done.status_code == 303
    listing = client.get("/documentos").get_data(as_text=True)
    assert "2026-S1" in listing and EDITOR in listing and "etc" not in re.findall(r"<small>([^<]*informe\.pdf)", listing)[0]
    answer = client.post("/api/ask", json={"question": "¿Qué AEI están críticas en el primer semestre 2026?"}).json
    assert answer["found"] and any(s["file"].endswith("informe.pdf") and "página" in s["locator"]
                                   for s in answer["sources"])
    # a second version of the same kind and period replaces the first; the first can be restored
    pdf2 = _semester_pdf(corpus, tmp / "informe-v2.pdf")
    html = _upload(client, token, pdf2.read_bytes(), "informe-v2.pdf").get_data(as_text=True)
    assert "Reemplaza a" in html and "informe.pdf" in html
    carga = re.search(r'name="carga" value="([^"]+)"', html).group(1)
    client.post("/documentos/confirmar", data={"csrf_token": token, "carga": carga, "accion": "confirmar"})
    docs = [d["file"] for d in client.application.extensions["assistant"].store.documents()]
    assert any(f.endswith("informe-v2.pdf") for f in docs) and not any(f.endswith("-informe.pdf") for f in docs)
    first = re.search(r'name="version" value="(versiones/[^"]*-informe\.pdf)"',
                      client.get("/documentos").get_data(as_text=True)).group(1)
    assert client.post("/documentos/restaurar", data={"csrf_token": token, "version": first}).status_code == 303
    docs = [d["file"] for d in client.application.extensions["assistant"].store.documents()]
    assert any(f.endswith("-informe.pdf") for f in docs) and not any(f.endswith("informe-v2.pdf") for f in docs)


@pytest.mark.parametrize("case", ["no_pdf", "vacio", "no_plan", "escaneado", "cifrado", "sin_csrf", "anonimo",
                                  "grande"])
def test_refused_uploads_change_nothing(site, corpus, case):
    app, db, tmp = site
    client, token = _signed_in(app)
    before = _state(db, tmp) if (tmp / "subidos").exists() else (db.stat().st_mtime_ns, [])
    data, name, expected = b"\x89PNG\r\n\x1a\n" + b"\x00" * 100, "informe.pdf", "no es un PDF"
    if case == "vacio":
        data, expected = b"", "vacío"
    elif case == "no_plan":
        data, name, expected = b"Lista de compras: pan, leche.\n", "lista.txt", "no parece un documento"
    elif case == "escaneado":
        data, expected = pdfbuild.scanned(tmp / "s.pdf").read_bytes(), "sin texto extraíble"
    elif case == "cifrado":
        from pypdf import PdfReader, PdfWriter

        writer = PdfWriter(clone_from=PdfReader(str(_semester_pdf(corpus, tmp / "c.pdf"))))
        writer.encrypt("secreta")
        buf = io.BytesIO()
        writer.write(buf)
        data, expected = buf.getvalue(), "contraseña"
    elif case == "grande":
        data, expected = b"%PDF-1.4\n" + b"0" * (31 * 1024 * 1024), "demasiado grande"
    elif case == "sin_csrf":
        token, expected = None, ""
    elif case == "anonimo":
        client = app.test_client()
        token = client.get("/api/session").json["csrf_token"]
        expected = "iniciar sesión"
    response = _upload(client, token, data, name)
    assert 400 <= response.status_code < 500
    assert expected in response.get_data(as_text=True)
    after = _state(db, tmp) if (tmp / "subidos").exists() else (db.stat().st_mtime_ns, [])
    assert after == before
