"""Regression guard: the development set and the held-out sets, graded the way ../shared/eval/grade.py
grades them (its own functions), through the real /api/ask."""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
GRADER = ROOT.parent / "shared" / "eval" / "grade.py"
# Floors a few points under the measured score: a set written after the engine (fresh_d, read first at
# 69 %) is still far from the others, and its floor says so rather than hiding it.
FLOORS = {"fresh_d.jsonl": 0.78, "fresh_c.jsonl": 0.7}
SETS = [(ROOT.parent / "shared" / "eval" / "dev.jsonl", 1.0)] + [
    (path, FLOORS.get(path.name, 0.88)) for path in sorted((ROOT / "tests" / "eval").glob("*.jsonl"))]


@pytest.fixture(scope="module")
def grader():
    spec = importlib.util.spec_from_file_location("grade", GRADER)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.parametrize("path,minimum", SETS, ids=[p.name for p, _ in SETS])
def test_question_set_accuracy(client, grader, path, minimum):
    items = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    passed, failures = 0, []
    for item in items:
        conversation = None
        for turn in item.get("turns", []):
            conversation = client.post("/api/ask", json={"question": turn, "conversation_id": conversation}
                                       ).get_json()["conversation_id"]
        body = client.post("/api/ask", json={"question": item["question"], "conversation_id": conversation}).get_json()
        ok, _, missing = grader.grade_item(item, body)
        passed += ok
        if not ok:
            failures.append((item["id"], missing))
    assert passed / len(items) >= minimum, failures
