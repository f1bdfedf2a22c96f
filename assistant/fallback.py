"""Extractive answers from the best passages when no intent covers a question."""

from __future__ import annotations

from typing import Any

from knowledge.stemming import content_tokens, stem
from knowledge.store import Store, locator


def source_of(store: Store, p: dict[str, Any], titles: dict[str, str] | None = None) -> dict[str, str]:
    title = (titles or {}).get(p["file"]) or (store.document(p["file"]) or {}).get("title", p["file"])
    return {"file": p["file"], "title": title, "locator": locator(p), "excerpt": p["text"][:400],
            "line_start": p["line_start"], "line_end": p["line_end"]}


def coverage(question: str, text: str) -> float:
    """Share of the question's content stems that the passage contains."""
    wanted = {stem(t) for t in content_tokens(question)}
    if not wanted:
        return 0.0
    have = {stem(t) for t in content_tokens(text)}
    return len(wanted & have) / len(wanted)


def passage_answer(store: Store, question: str, files: list[str] | None = None,
                   min_coverage: float = 0.6) -> dict[str, Any]:
    """The best passages as the answer. ``found`` only when the top passage contains most of
    the question's content words (``min_coverage`` of its stems): a weak match is offered as
    reading, not as an answer."""
    hits = store.search(question, limit=5, files=files)
    if not hits:
        return not_found("No encontré en los documentos un pasaje que responda a la pregunta.")
    best = hits[0]
    score = coverage(question, f"{best.get('section') or ''} {best.get('caption') or ''} {best['text']}")
    found = score >= min_coverage
    shown = hits[:3]
    lead = "Según los documentos:" if found else (
        "No encontré una respuesta precisa; estos son los pasajes más cercanos:")
    body = "\n".join(f"• {p['text'][:600]} ({locator(p)}, {p['file']})" for p in shown)
    return {
        "answer": f"{lead}\n{body}", "found": found, "intent": "busqueda", "entities": {},
        "table": None, "sources": [source_of(store, p) for p in shown],
        "suggestions": [], "brief_url": None,
    }


def not_found(message: str, intent: str = "busqueda", entities: dict | None = None,
              suggestions: list[str] | None = None) -> dict[str, Any]:
    return {"answer": message, "found": False, "intent": intent, "entities": entities or {},
            "table": None, "sources": [], "suggestions": suggestions or [], "brief_url": None}
