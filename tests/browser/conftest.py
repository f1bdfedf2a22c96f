"""Browser fixtures: the app served on a free local port in a thread, and Debian's Chromium driven
by Playwright (no browser downloads). Without Chromium these tests fail — CI installs it — unless
PLANES_SKIP_BROWSER=1 says to skip them."""

from __future__ import annotations

import os
import shutil
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from werkzeug.serving import make_server

from assistant.tracker.accounts import add_user
from assistant.web import create_app

CHROMIUM = os.environ.get("PLANES_CHROMIUM", "/usr/bin/chromium")
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", "--no-first-run"]
ARTIFACTS = Path(__file__).resolve().parents[1] / "artifacts"
EDITOR, PASSWORD = "editora", "clave-navegador-1"


def pytest_collection_modifyitems(items):
    for item in items:
        if "tests/browser/" in str(item.fspath).replace(os.sep, "/"):
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def server(db_file, tmp_path_factory) -> Iterator[str]:
    updates = tmp_path_factory.mktemp("navegador") / "editor.db"
    add_user(updates, EDITOR, PASSWORD, "editor")
    app = create_app({"PLANES_DB": str(db_file), "PLANES_UPDATES_DB": str(updates), "TESTING": True})
    httpd = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_port}"
    httpd.shutdown()
    thread.join(5)


@pytest.fixture(scope="session")
def browser():
    if os.environ.get("PLANES_SKIP_BROWSER") == "1":
        pytest.skip("PLANES_SKIP_BROWSER=1: pruebas de navegador omitidas a pedido")
    if not (Path(CHROMIUM).exists() or shutil.which(CHROMIUM)):
        pytest.fail(f"No se encontró Chromium en {CHROMIUM}: instálelo con «apt-get install -y chromium» "
                    "o defina PLANES_SKIP_BROWSER=1 para omitir estas pruebas.")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield chromium
        chromium.close()


@pytest.fixture()
def page(browser, server, request):
    """A fresh browser context per test; any console error or page error fails the test."""
    context = browser.new_context(base_url=server, locale="es-PE", viewport={"width": 1280, "height": 900},
                                  accept_downloads=True)
    context.set_default_timeout(15_000)
    pg = context.new_page()
    problems: list[str] = []
    pg.on("console", lambda msg: problems.append(f"consola {msg.type}: {msg.text}")
          if msg.type in ("error", "warning") else None)
    pg.on("pageerror", lambda exc: problems.append(f"error de página: {exc}"))
    pg.problems = problems
    yield pg
    ARTIFACTS.mkdir(exist_ok=True)
    if not pg.is_closed():
        pg.screenshot(path=str(ARTIFACTS / f"{request.node.name}-final.png"), full_page=False)
    context.close()
    assert not problems, problems


def shot(page, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=False)
