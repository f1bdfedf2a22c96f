"""`make bench`: uncached answers over every question set, in-process, beside a two-word search.

The answer cache is off; the index's own structures (fact base, folded texts, stems) are warm, as in
a serving process after its first questions. Printed, not asserted. Goals (the answer-engine issue):
mean ≤ 1 ms and p99 ≤ 5 ms.
"""

from __future__ import annotations

import json
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ["PLANES_ANSWER_CACHE"] = "0"

SETS = [ROOT.parent / "shared" / "eval" / "dev.jsonl", *sorted((ROOT / "tests" / "eval").glob("*.jsonl"))]
SEARCH = "integración fronteriza"


def percentile(values: list[float], p: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, int(round(p / 100 * (len(values) - 1))))]


def line(name: str, ms: list[float]) -> None:
    print(f"{name:<34} n={len(ms):<5} media {statistics.fmean(ms):6.2f} ms  p50 {statistics.median(ms):6.2f} ms  "
          f"p99 {percentile(ms, 99):6.2f} ms  máx {max(ms):6.1f} ms")


def main() -> None:
    from wsgi import app

    assistant = app.extensions["assistant"]
    items = [json.loads(row) for path in SETS for row in path.read_text(encoding="utf-8").splitlines() if row.strip()]

    def ask_all() -> list[float]:
        out = []
        for item in items:
            conversation = None
            for turn in item.get("turns", []):
                conversation = assistant.ask(turn, conversation)["conversation_id"]
            start = time.perf_counter()
            assistant.ask(item["question"], conversation)
            out.append((time.perf_counter() - start) * 1000)
        return out

    first = ask_all()
    warm = ask_all()
    searches = []
    for _ in range(200):
        start = time.perf_counter()
        assistant.search(SEARCH, 10)
        searches.append((time.perf_counter() - start) * 1000)
    line("respuestas sin caché (1.ª pasada)", first)
    line("respuestas sin caché (en régimen)", warm)
    line(f"búsqueda «{SEARCH}»", searches)


if __name__ == "__main__":
    main()
