"""In Chromium: an editor signs in, uploads a PDF on «Documentos», sees its identification and
counts, confirms, asks about it and gets a cited answer; refused uploads change nothing. Served from
its own temporary corpus and index, so the other browser tests keep the real corpus."""

from __future__ import annotations

import re
import shutil
import threading
import time

import pytest
from werkzeug.serving import make_server

from assistant.tracker.accounts import add_user
from assistant.web import create_app
from knowledge.index import build_index
from tests import pdfbuild

from .conftest import EDITOR, PASSWORD, shot


@pytest.fixture(scope="module")
def site(tmp_path_factory, corpus):
    tmp = tmp_path_factory.mktemp("subida-navegador")
    folder = tmp / "corpus"
    folder.mkdir()
    for p in corpus.glob("00[012]_*.txt"):
        shutil.copy(p, folder / p.name)
    mp = pytest.MonkeyPatch()
    mp.setenv("PLANES_UPLOADS", str(tmp / "subidos"))
    db = tmp / "planes.db"
    build_index(folder, db)
    updates = tmp / "editor.db"
    add_user(updates, EDITOR, PASSWORD, "editor")
    app = create_app({"PLANES_DB": str(db), "PLANES_UPDATES_DB": str(updates), "PLANES_CORPUS": str(folder),
                      "TESTING": True})
    httpd = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    lines = next(corpus.glob("000_*.txt")).read_text(encoding="utf-8").splitlines()
    pdf = pdfbuild.render([line.replace("2024", "2026") for line in lines], tmp / "informe-2026-s1.pdf")
    (tmp / "falso.pdf").write_text("no soy un PDF", encoding="utf-8")
    yield {"url": f"http://127.0.0.1:{httpd.server_port}", "db": db, "pdf": pdf, "tmp": tmp}
    httpd.shutdown()
    thread.join(5)
    mp.undo()


@pytest.fixture()
def upage(browser, site):
    context = browser.new_context(base_url=site["url"], locale="es-PE", viewport={"width": 1280, "height": 900})
    context.set_default_timeout(30_000)
    pg = context.new_page()
    problems: list[str] = []
    pg.on("pageerror", lambda exc: problems.append(f"error de página: {exc}"))
    yield pg
    context.close()
    assert not problems, problems


def _sign_in(page) -> None:
    page.goto("/entrar?siguiente=/documentos")
    page.fill("#usuario", EDITOR)
    page.fill("#contrasena", PASSWORD)
    page.click("form.stack button[type=submit]")
    page.wait_for_url(re.compile(r"/documentos$"))


def test_refused_uploads_change_nothing(upage, site):
    page = upage
    before = site["db"].stat().st_mtime_ns
    page.goto("/documentos")
    assert page.locator("input[type=file]").count() == 0  # anonymous: no form, only the sign-in link
    anonymous = page.request.post("/documentos/subir", multipart={"archivo": {
        "name": "x.pdf", "mimeType": "application/pdf", "buffer": site["pdf"].read_bytes()}})
    assert anonymous.status in (401, 403)
    _sign_in(page)
    no_token = page.request.post("/documentos/subir", multipart={"archivo": {
        "name": "x.pdf", "mimeType": "application/pdf", "buffer": site["pdf"].read_bytes()}})
    assert no_token.status == 403
    too_large = page.request.post("/documentos/subir", multipart={
        "csrf_token": page.locator("input[name=csrf_token]").first.input_value(),
        "archivo": {"name": "x.pdf", "mimeType": "application/pdf", "buffer": b"%PDF-1.4\n" + b"0" * (31 << 20)}})
    assert too_large.status == 413
    page.set_input_files("#archivo", str(site["tmp"] / "falso.pdf"))
    page.click("form.upload-form button[type=submit]")
    assert "no es un PDF" in page.locator("#upload-error").inner_text()
    shot(page, "subida-rechazada")
    assert site["db"].stat().st_mtime_ns == before


def test_sign_in_upload_confirm_and_ask(upage, site):
    page = upage
    _sign_in(page)
    page.set_input_files("#archivo", str(site["pdf"]))
    started = time.perf_counter()
    page.click("form.upload-form button[type=submit]")
    page.wait_for_selector("#identificacion")
    assert page.locator("#ident-tipo").inner_text() == "informe de evaluación semestral"
    assert page.locator("#ident-periodo").inner_text() == "2026-S1"
    assert "PEI 2020-2027" in page.locator("#ident-plan").inner_text()
    counts = dict(r.split("\t") for r in page.locator("#conteos tbody tr").all_inner_texts())
    assert int(counts["critical_actions"]) > 0 and int(counts["measurements"]) > 0
    shot(page, "subida-revision")
    page.click("#confirmar")
    page.wait_for_url(re.compile(r"/documentos$"))
    assert "Documento agregado" in page.locator(".flash").inner_text()
    assert "2026-S1" in page.locator("table.data").first.inner_text()
    assert EDITOR in page.locator("#registro").inner_text()
    page.goto("/")
    page.fill("#question", "¿Qué AEI están críticas en el primer semestre 2026?")
    with page.expect_response(lambda r: r.url.endswith("/api/ask")) as info:
        page.press("#question", "Enter")
    data = info.value.json()
    page.locator("article.answer").first.wait_for()
    elapsed = time.perf_counter() - started
    assert data["found"], data["answer"]
    source = next(s for s in data["sources"] if s["file"].endswith("informe-2026-s1.pdf"))
    assert "página" in source["locator"]
    link = page.locator("article.answer a.source-link").first
    assert link.count() == 1
    link.click()
    page.wait_for_selector(".doc-lines li.hl")
    assert "página" in page.locator("#cited").inner_text()
    shot(page, "subida-respuesta-citada")
    print(f"subida a respuesta citada: {elapsed:.1f} s")
