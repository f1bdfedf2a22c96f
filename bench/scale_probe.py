"""One fresh process over one index, as a server worker would see it: the first answer after
start, then the dev set and the searches warm, the dev-set accuracy and the peak RSS.
Prints one JSON object (used by bench/scale.py; run alone: python bench/scale_probe.py DB)."""

from __future__ import annotations

import importlib.util
import json
import resource
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

DEV = ROOT.parent / "shared" / "eval" / "dev.jsonl"
GRADER = ROOT.parent / "shared" / "eval" / "grade.py"
SEARCHES = ["evaluación semestral", "refugiados", "fórmula avance descendente", "trata de personas",
            "recomendaciones en proceso", "bienes culturales repatriados", "oficinas consulares",
            "integración fronteriza", "visión de la cancillería", "avance PEI"]


def percentile(values: list[float], p: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, int(round(p / 100 * (len(values) - 1))))] if values else 0.0


def _grader():
    spec = importlib.util.spec_from_file_location("grade", GRADER)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.grade_item


def _ask_item(assistant, item: dict) -> tuple[dict, float]:
    conversation = None
    for turn in item.get("turns", []):
        conversation = assistant.ask(turn, conversation)["conversation_id"]
    start = time.perf_counter()
    body = assistant.ask(item["question"], conversation)
    return body, (time.perf_counter() - start) * 1000


def probe(db: Path, rounds: int) -> dict:
    t0 = time.perf_counter()
    import assistant.web  # noqa: F401 - a worker imports the web layer too (its memory counts)
    from assistant.engine import Assistant

    items = [json.loads(line) for line in DEV.open(encoding="utf-8") if line.strip()]
    app = Assistant(db, db.with_name(db.stem + "-editor.db"))
    started = (time.perf_counter() - t0) * 1000
    t = time.perf_counter()
    app.ask(items[0]["question"])
    first = (time.perf_counter() - t) * 1000
    grade_item = _grader()
    passed, failed = 0, []
    answer_ms: list[float] = []
    for r in range(rounds):
        for item in items:
            body, ms = _ask_item(app, item)
            answer_ms.append(ms)
            if r == 0:
                ok = grade_item(item, body)[0]
                passed += ok
                if not ok:
                    failed.append(item.get("id"))
    search_ms = []
    app.search("calentamiento", 10)
    for _ in range(max(3, rounds * 3)):
        for q in SEARCHES:
            t = time.perf_counter()
            app.search(q, 10)
            search_ms.append((time.perf_counter() - t) * 1000)
    return {
        "startup_ms": round(started, 1), "first_answer_ms": round(first, 1),
        "answer_p50_ms": round(percentile(answer_ms, 50), 2), "answer_p99_ms": round(percentile(answer_ms, 99), 2),
        "answer_mean_ms": round(sum(answer_ms) / len(answer_ms), 2),
        "search_p50_ms": round(percentile(search_ms, 50), 2), "search_p99_ms": round(percentile(search_ms, 99), 2),
        "accuracy": f"{passed}/{len(items)}", "passed": passed, "items": len(items), "failed": failed,
        "worker_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
    }


if __name__ == "__main__":
    rounds = int(sys.argv[2]) if len(sys.argv) > 2 else 3
    print(json.dumps(probe(Path(sys.argv[1]), rounds)))
