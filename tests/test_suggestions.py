"""Suggestions that are answered: every suggestion offered on the development set, and every
example question of the chat page, is asked in a new conversation and must be found and name its
subject (assistant.suggestions)."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from assistant.suggestions import CODE_RE, period_phrase, report_phrase, subject_of
from knowledge.text import fold

DEV = Path(__file__).resolve().parents[2] / "shared" / "eval" / "dev.jsonl"


def dev_questions() -> list[dict]:
    assert DEV.is_file(), f"development set not found at {DEV}"
    return [json.loads(line) for line in DEV.read_text(encoding="utf-8").splitlines() if line.strip()]


@pytest.fixture(scope="module")
def offered(assistant) -> dict[str, str]:
    """Every suggestion the dev set's answers offer, with the question that offered it."""
    out: dict[str, str] = {}
    for case in dev_questions():
        cid = None
        for turn in case.get("turns", []):
            cid = assistant.ask(turn, cid)["conversation_id"]
        for suggestion in assistant.ask(case["question"], cid)["suggestions"]:
            out.setdefault(suggestion, case["question"])
    return out


def assert_answered(assistant, question: str, origin: str = "") -> None:
    result = assistant.ask(question)
    subject = subject_of(question)
    assert result["found"], f"{question!r} (offered after {origin!r}) not answered: {result['answer'][:200]}"
    assert subject, question
    text = fold(result["answer"] + " " + json.dumps(result["table"] or {}, ensure_ascii=False))
    assert fold(subject) in text, f"{question!r}: the answer does not name {subject!r}: {result['answer'][:300]}"
    asked_codes = CODE_RE.findall(question)
    answer_codes = set(CODE_RE.findall(result["answer"]))
    assert not asked_codes or asked_codes[0] in answer_codes, (question, result["answer"][:300])


def test_suggestions_are_offered_on_most_answers(offered):
    assert len(offered) >= 30, sorted(offered)


def test_every_suggestion_offered_on_the_dev_set_is_answered(assistant, offered):
    failures = []
    for suggestion, origin in offered.items():
        try:
            assert_answered(assistant, suggestion, origin)
        except AssertionError as exc:
            failures.append(str(exc))
    assert not failures, "\n".join(failures)


def test_chat_page_examples_are_built_from_the_index_and_answered(client, assistant):
    html = client.get("/").get_data(as_text=True)
    chips = re.findall(r'class="chip" data-question="([^"]+)"', html)
    assert len(chips) >= 3, chips
    for chip in chips:
        assert_answered(assistant, chip.replace("&#34;", '"').replace("&#39;", "'"), "página de consultas")


def test_level_count_example_names_its_level(assistant):
    chip = next(s for s in assistant.starters() if "AEI tuvieron avance" in s)
    level = re.search(r"avance (\w+)", chip).group(1)
    result = assistant.ask(chip)
    assert result["found"] and level in result["answer"]
    assert all(level in c for c in result["table"]["columns"][1:]), result["table"]["columns"]


def test_suggestions_name_the_plan_when_a_code_is_ambiguous(assistant):
    result = assistant.ask("¿Quién es responsable del OEI.06 en el PEI 2025-2030?")
    plan = result["entities"]["plan"]
    indicator = [s for s in result["suggestions"] if "indicadores" in s]
    assert indicator and all(plan in s for s in indicator), result["suggestions"]


def test_phrases():
    assert period_phrase("2024-S1") == "el primer semestre 2024" and period_phrase("2024") == "2024"
    assert report_phrase({"period": "2024-S1", "kind": "informe de evaluación semestral"}) == \
        "el informe del primer semestre 2024"
    assert report_phrase({"period": "2024", "kind": "informe de evaluación anual"}) == "el informe anual 2024"
    assert subject_of("¿Por qué AEI.01.02 es crítica?") == "AEI.01.02"
    assert subject_of("¿Qué recomendaciones siguen en proceso?") == "recomendaciones"
