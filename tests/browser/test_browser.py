"""End to end in Chromium: asking, following a citation, a follow-up, signing in and updating a
recommendation, the CSV, a refused anonymous update, keyboard use. Screenshots go to tests/artifacts/."""

from __future__ import annotations

import csv
import io
import json
import re

from .conftest import EDITOR, PASSWORD, shot

QUESTION = "¿cuál es el avance del OEI.05 en 2024?"
KEY = "informe-de-evaluacion-anual-2024-nueva-4"
FIGURE_RE = re.compile(r"(?<![\w.,])-?\d+(?:[.,]\d+)?\s?%|(?<![\w.,])-?\d+[.,]\d+(?![\w])")


def ask(page, question: str) -> dict:
    """Type a question, send it with Enter, wait for its answer; the JSON the page received."""
    before = page.locator("article.answer").count()
    page.fill("#question", question)
    with page.expect_response(lambda r: r.url.endswith("/api/ask")) as info:
        page.press("#question", "Enter")
    data = info.value.json()
    page.locator("article.answer").nth(before).wait_for()
    return data


def test_ask_shows_the_figure_and_its_source(page):
    page.goto("/")
    data = ask(page, QUESTION)
    answer = page.locator("article.answer").last
    shown = answer.locator(".answer-text").inner_text()
    assert data["found"] and data["answer"].split("\n")[0].strip()[:60] in shown
    figures = FIGURE_RE.findall(data["answer"])
    assert figures, data["answer"]
    emphasised = answer.locator("strong.fig").all_inner_texts()
    for figure in figures:
        assert figure in shown and figure in emphasised
    assert "90.7" in shown or "90,7" in shown  # the OEI.05 avance tipo 1 of 2024, as the report prints it
    links = answer.locator("a.source-link")
    assert links.count() == len(data["sources"]) >= 1
    href = links.first.get_attribute("href")
    assert re.fullmatch(r"/documentos/[^#]+#L\d+-\d+", href)
    if data["table"]:
        assert answer.locator("table.data tbody tr").count() == len(data["table"]["rows"])
    assert page.locator("#ask-status").inner_text() == "Respuesta recibida."
    shot(page, "01-respuesta")


def test_citation_opens_the_highlighted_passage_and_follow_up_keeps_the_conversation(page):
    page.goto("/")
    first = ask(page, QUESTION)
    source = first["sources"][0]
    page.locator("article.answer a.source-link").first.click()
    page.wait_for_url(re.compile(r"/documentos/.+#L\d+-\d+$"))
    highlighted = page.locator(".doc-lines li.hl")
    assert highlighted.count() == source["line_end"] - source["line_start"] + 1
    first_line = page.locator(f"#L{source['line_start']}")
    assert "hl" in first_line.get_attribute("class")
    assert first_line.evaluate("el => { const r = el.getBoundingClientRect();"
                               " return r.top >= 0 && r.bottom <= window.innerHeight; }")
    assert first_line.evaluate("el => document.activeElement === el")
    assert "resaltada" in page.locator("#cited").inner_text()
    shot(page, "02-cita-resaltada")

    page.go_back()
    page.wait_for_url(re.compile(r"/$"))
    page.locator("article.answer").first.wait_for()  # the conversation came back with the page
    assert page.locator("article.answer").count() == 1
    with page.expect_request(lambda r: r.url.endswith("/api/ask")) as sent:
        page.fill("#question", "¿y en el primer semestre?")
        page.click("#ask-button")
    assert json.loads(sent.value.post_data)["conversation_id"] == first["conversation_id"]
    page.locator("article.answer").nth(1).wait_for()
    assert page.locator("p.msg.user").count() == 2
    shot(page, "03-seguimiento")


def test_suggestion_chip_and_new_conversation(page):
    page.goto("/")
    chip = page.locator("#starter-chips .chip").first
    with page.expect_response(lambda r: r.url.endswith("/api/ask")):
        chip.click()
    page.locator("article.answer").first.wait_for()
    assert page.locator("p.msg.user").first.inner_text().endswith(chip.inner_text())
    page.click("#new-conversation")
    assert page.locator("article.answer").count() == 0
    assert page.evaluate("JSON.parse(sessionStorage.getItem('planes.conversacion')).conversationId") is None


def test_keyboard_only_ask_and_skip_link(page):
    page.goto("/")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.className") == "skip"
    page.keyboard.press("Enter")
    page.focus("#question")
    page.keyboard.type("avance del OEI.05")
    with page.expect_response(lambda r: r.url.endswith("/api/ask")):
        page.keyboard.press("Enter")
    page.locator("article.answer").first.wait_for()
    assert page.evaluate("document.activeElement.id") == "question"  # ready for a follow-up


def test_anonymous_update_is_refused(page):
    key = "informe-de-evaluacion-anual-2024-nueva-5"
    page.goto(f"/recomendaciones/{key}")
    assert page.locator("#update-form").count() == 0
    assert "inicie sesión" in page.locator(".update-box").inner_text()
    no_token = page.request.post(f"/api/recommendations/{key}/status",
                                 data={"status": "en proceso", "comment": "sin permiso"})
    assert no_token.status == 403 and no_token.json()["error"]["code"] == "csrf_invalido"
    token = page.request.get("/api/session").json()["csrf_token"]
    anonymous = page.request.post(f"/api/recommendations/{key}/status", headers={"X-CSRF-Token": token},
                                  data={"status": "en proceso", "comment": "sin permiso"})
    assert anonymous.status == 401 and "iniciar sesión" in anonymous.json()["error"]["message"]
    detail = page.request.get(f"/api/recommendations/{key}").json()
    assert detail["updates_count"] == 0


def test_sign_in_update_see_history_and_csv(page, tmp_path):
    page.goto("/recomendaciones")
    page.click("text=Entrar")
    page.fill("#usuario", EDITOR)
    page.fill("#contrasena", PASSWORD)
    page.click("form.stack button[type=submit]")
    page.wait_for_url(re.compile(r"/recomendaciones$"))
    assert "Sesión iniciada" in page.locator(".flash").inner_text()
    assert EDITOR in page.locator(".account").inner_text()

    page.select_option("#f-estado", "sin registrar")
    page.click("form.filters button[type=submit]")
    row = page.locator(f"tr[data-id='{KEY}']")
    row.locator("td.text a").click()
    page.wait_for_url(re.compile(rf"/recomendaciones/{KEY}$"))
    comment = "La unidad remitió el informe de avance del tercer trimestre."
    page.select_option("#estado", "en proceso")
    page.fill("#comentario", comment)
    page.click("#update-form button[type=submit]")
    page.wait_for_url(re.compile(rf"/recomendaciones/{KEY}#historial$"))
    assert "Estado actualizado" in page.locator(".flash").inner_text()
    last = page.locator("#history li.event").last
    assert comment in last.inner_text() and EDITOR in last.inner_text() and "En proceso" in last.inner_text()
    assert "En proceso" in page.locator("#current-status").inner_text()
    shot(page, "04-historial")

    page.goto("/recomendaciones")
    assert "En proceso" in page.locator(f"tr[data-id='{KEY}']").inner_text()
    with page.expect_download() as info:
        page.click("#csv-link")
    path = tmp_path / "export.csv"
    info.value.save_as(path)
    rows = {r[0]: r for r in csv.reader(io.StringIO(path.read_text(encoding="utf-8-sig")))}
    assert comment in rows[KEY] and EDITOR in rows[KEY] and "En proceso" in rows[KEY]
    shot(page, "05-lista")


def test_narrow_screen_has_no_horizontal_page_scroll(page):
    page.set_viewport_size({"width": 375, "height": 740})
    for path in ("/", "/recomendaciones", f"/recomendaciones/{KEY}"):
        page.goto(path)
        assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1"), path
    shot(page, "06-movil")


def test_hostile_answer_text_is_shown_as_text_and_only_local_brief_links(page):
    hostile = {
        "answer": 'Cifra <img src=x id="inyectado"> 12,5 %', "found": True, "intent": "x", "entities": {},
        "table": {"columns": ["<b>col</b>"], "rows": [["<script>window.roto = 1</script>"]]},
        "sources": [{"file": "a\"><img id=inyectado2>.txt", "title": "<i>t</i>", "locator": "l",
                     "excerpt": "<svg onload=alert(1)>", "line_start": 1, "line_end": 2}],
        "suggestions": ["<b>sugerencia</b>"], "conversation_id": "c1", "brief_url": "javascript:alert(1)",
    }
    page.route("**/api/ask", lambda route: route.fulfill(json=hostile))
    page.goto("/")
    ask(page, "prueba")
    answer = page.locator("article.answer").last
    assert page.locator("#inyectado, #inyectado2, article svg, article script").count() == 0
    assert '<img src=x id="inyectado">' in answer.inner_text() and "<b>col</b>" in answer.inner_text()
    assert answer.locator("a.brief").count() == 0
    assert page.evaluate("window.roto === undefined")
    href = answer.locator("a.source-link").get_attribute("href")
    assert href.startswith("/documentos/a%22%3E%3Cimg")

    hostile["brief_url"] = "/api/brief?tema=OEI.05"
    ask(page, "otra")
    brief = page.locator("article.answer").last.locator("a.brief")
    assert brief.inner_text() == "Descargar brief (PDF)" and brief.get_attribute("href") == "/api/brief?tema=OEI.05"


def test_copy_answer_puts_the_answer_and_sources_on_the_clipboard(page):
    page.context.grant_permissions(["clipboard-read", "clipboard-write"])
    page.goto("/")
    data = ask(page, QUESTION)
    page.locator("article.answer button.copy").last.click()
    page.locator("article.answer .copy-feedback").last.wait_for()
    assert page.locator("article.answer .copy-feedback").last.inner_text() == "Respuesta copiada."
    copied = page.evaluate("navigator.clipboard.readText()")
    assert copied.startswith(data["answer"]) and "Fuentes:" in copied
