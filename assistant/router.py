"""Pick an intent for a question and produce the answer (placeholder: full-text fallback)."""

from __future__ import annotations

from typing import Any

from knowledge.store import Store

from .fallback import passage_answer


def answer_question(store: Store, question: str, state: dict | None) -> tuple[dict[str, Any], dict]:
    result = passage_answer(store, question)
    return result, {"intent": result["intent"], "entities": result["entities"]}
