"""The tracker on any screen and one status everywhere, in Chromium at 1280 and 390 px: the list
fits without horizontal clipping (a table on wide screens, cards on narrow ones) with the status
counts above it; a status an editor records appears in the next chat answer, its brief and the CSV.
Screenshots go to tests/artifacts/."""

from __future__ import annotations

import csv
import io
import re

import pytest
from pypdf import PdfReader

from .conftest import EDITOR, PASSWORD, shot

# Formulated by the 2024-S1 report, followed up by the 2024 matrix under another number.
KEY = "informe-de-evaluacion-semestral-2024-s1-nueva-3"
WIDTHS = {"escritorio": (1280, 900), "movil": (390, 844)}
CLIPPED = """() => {
  const limit = window.innerWidth + 1, out = [];
  if (document.documentElement.scrollWidth > limit) out.push('página ' + document.documentElement.scrollWidth);
  for (const wrap of document.querySelectorAll('.table-wrap'))
    if (wrap.scrollWidth > wrap.clientWidth + 1) out.push('tabla ' + wrap.scrollWidth + ' > ' + wrap.clientWidth);
  for (const el of document.querySelectorAll('main *')) {
    const hidden = el.closest('.sr-only, thead');  // visually hidden headings of cards
    if (hidden && getComputedStyle(hidden).position === 'absolute') continue;
    const r = el.getBoundingClientRect();
    if (r.width && r.right > limit) out.push((el.id || el.className || el.tagName) + ' ' + Math.round(r.right));
  }
  return out.slice(0, 8);
}"""


def pdf_text(page, url: str) -> str:
    r = page.request.get(url)
    assert r.status == 200 and r.headers["content-type"].startswith("application/pdf"), url
    return " ".join(" ".join(p.extract_text() for p in PdfReader(io.BytesIO(r.body())).pages).split())


@pytest.mark.parametrize("screen", WIDTHS)
def test_tracker_fits_with_counts_above_the_list(page, screen):
    width, height = WIDTHS[screen]
    page.set_viewport_size({"width": width, "height": height})
    page.goto("/recomendaciones")
    assert page.evaluate(CLIPPED) == []
    counts = page.locator("#status-counts")
    table = page.locator("#recs")
    assert counts.bounding_box()["y"] < table.bounding_box()["y"]
    listed = page.locator("#recs tbody tr").count()
    shown = [int(n) for n in page.locator("#status-counts a[data-status] .n").all_inner_texts()]
    assert sum(shown) == listed > 0
    first = page.locator("#recs tbody tr").first
    cells = first.locator("td")
    boxes = [cells.nth(i).bounding_box() for i in range(cells.count())]
    if screen == "movil":  # a card: cells stacked, each with its label
        assert all(abs(b["x"] - boxes[0]["x"]) < 2 for b in boxes)
        assert first.locator("td.state").evaluate("el => getComputedStyle(el, '::before').content") \
            == '"Estado actual"'
        page.locator("#status-counts").scroll_into_view_if_needed()
    else:  # a row of five columns, the last one fully inside the window
        assert len({round(b["y"]) for b in boxes}) == 1 and len(boxes) == 5
        assert boxes[-1]["x"] + boxes[-1]["width"] <= width
    # a count filters the list by that status
    status = page.locator("#status-counts a[data-status]").first
    n = int(status.locator(".n").inner_text())
    status.click()
    page.wait_for_url(re.compile(r"estado="))
    assert page.locator("#recs tbody tr").count() == n
    assert page.evaluate(CLIPPED) == []
    shot(page, f"07-seguimiento-{screen}-{width}")


def test_editor_update_reaches_chat_brief_and_csv(page, tmp_path):
    page.goto(f"/recomendaciones/{KEY}")
    page.click("text=Entrar")
    page.fill("#usuario", EDITOR)
    page.fill("#contrasena", PASSWORD)
    page.click("form.stack button[type=submit]")
    page.goto(f"/recomendaciones/{KEY}")
    page.select_option("#estado", "ejecutado/culminado")
    page.fill("#comentario", "La unidad entregó el formato estándar de reuniones.")
    page.click("#update-form button[type=submit]")
    page.wait_for_url(re.compile(rf"/recomendaciones/{KEY}#historial$"))
    numbers = [e["number"] for e in page.request.get(f"/api/recommendations/{KEY}").json()["history"]
               if e["type"] == "informe" and e["list_kind"] != "nueva"]
    assert numbers

    for screen, (width, height) in WIDTHS.items():
        page.set_viewport_size({"width": width, "height": height})
        page.goto("/")
        page.fill("#question", "¿Qué recomendaciones siguen en proceso?")
        with page.expect_response(lambda r: r.url.endswith("/api/ask")) as info:
            page.press("#question", "Enter")
        data = info.value.json()
        answer = page.locator("article.answer").last
        answer.wait_for()
        text = answer.locator(".answer-text").inner_text()
        assert f"N.º {numbers[0]}: Ejecutado/Culminado, actualizado por {EDITOR}" in text
        assert "el informe 2024 imprimía En proceso" in text
        assert all(row[0] not in numbers for row in data["table"]["rows"])
        assert page.evaluate(CLIPPED) == []
        answer.locator(".answer-text").evaluate("el => el.scrollIntoView({block: 'end'})")
        shot(page, f"08-chat-estado-actual-{screen}-{width}")

    brief = pdf_text(page, data["brief_url"])
    assert f"actualizado por {EDITOR}" in brief
    matrix = pdf_text(page, "/api/brief?tipo=recomendaciones&estado=culminado")
    assert f"Ejecutado/Culminado, actualizado por {EDITOR}" in matrix and "imprimía En proceso" in matrix

    page.goto("/recomendaciones?estado=ejecutado/culminado")
    assert page.locator(f"tr[data-id='{KEY}']").count() == 1
    assert f"actualizado por {EDITOR}" in page.locator(f"tr[data-id='{KEY}'] td.state").inner_text()
    with page.expect_download() as info:
        page.click("#csv-link")
    path = tmp_path / "export.csv"
    info.value.save_as(path)
    rows = {r["id"]: r for r in csv.DictReader(io.StringIO(path.read_text(encoding="utf-8-sig")))}
    assert rows[KEY]["estado"] == "Ejecutado/Culminado" and rows[KEY]["actualizado por"] == EDITOR
    assert rows[KEY]["estado actual (de dónde viene)"].startswith(f"Ejecutado/Culminado, actualizado por {EDITOR}")
    shot(page, "09-seguimiento-culminada")


def test_whole_numbers_are_highlighted_but_not_years_or_codes(page):
    page.goto("/")
    page.fill("#question", "¿Cuántas AEI tuvieron avance bajo en el informe anual 2024?")
    with page.expect_response(lambda r: r.url.endswith("/api/ask")) as info:
        page.press("#question", "Enter")
    data = info.value.json()
    answer = page.locator("article.answer").last
    answer.wait_for()
    emphasised = answer.locator(".answer-text strong.fig").all_inner_texts()
    wholes = [x for x in emphasised if re.fullmatch(r"\d+", x)]
    assert wholes, emphasised
    assert all(w in data["answer"] for w in wholes)
    assert not any(re.fullmatch(r"(?:19|20)\d\d", x) for x in emphasised), emphasised  # years are not figures
    assert "2024" in answer.locator(".answer-text").inner_text()
    shot(page, "10-cifras-enteras")
