"""`make bench`: ingest time, search and ask latency in-process, brief generation (when present).

Numbers are printed, not asserted: speed targets live here, not in unit tests.
Goals (issues 2, 5, 7): ingest ≤ 2 s cold; search p99 ≤ 5 ms; ask p50 ≤ 5 ms and p99 ≤ 30 ms;
brief p95 ≤ 50 ms.
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from knowledge.config import corpus_dir  # noqa: E402

DEV = ROOT.parent / "shared" / "eval" / "dev.jsonl"
SEARCHES = ["evaluación semestral", "refugiados", "fórmula avance descendente", "trata de personas",
            "recomendaciones en proceso", "bienes culturales repatriados", "oficinas consulares",
            "integración fronteriza", "visión de la cancillería", "avance PEI"]


def percentile(values: list[float], p: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, int(round(p / 100 * (len(values) - 1))))]


def report(name: str, ms: list[float]) -> dict:
    row = {"medida": name, "n": len(ms), "p50_ms": round(statistics.median(ms), 2),
           "p95_ms": round(percentile(ms, 95), 2), "p99_ms": round(percentile(ms, 99), 2)}
    print(f"{name:<32} n={row['n']:<5} p50 {row['p50_ms']:>7.2f} ms  p95 {row['p95_ms']:>7.2f} ms  "
          f"p99 {row['p99_ms']:>7.2f} ms")
    return row


def main() -> int:
    results = []
    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "bench.db"
        runs = []
        for _ in range(3):
            start = time.perf_counter()
            subprocess.run([sys.executable, "-m", "assistant", "ingest", "--corpus", str(corpus_dir()), "--db", str(db)],
                           check=True, cwd=ROOT, capture_output=True)
            runs.append((time.perf_counter() - start) * 1000)
        results.append(report("ingesta completa (proceso frío)", runs))

        # the five documents as PDFs (tests/pdfbuild.py, reportlab): goal ≤ 10 s cold (issue 12)
        from tests.pdfbuild import render_corpus

        pdf_corpus = Path(tmp) / "pdf"
        render_corpus(corpus_dir(), pdf_corpus)
        env = {**os.environ, "PLANES_UPLOADS": str(Path(tmp) / "subidos")}
        runs = []
        for _ in range(2):
            start = time.perf_counter()
            subprocess.run([sys.executable, "-m", "assistant", "ingest", "--corpus", str(pdf_corpus), "--db",
                            str(Path(tmp) / "pdf.db")], check=True, cwd=ROOT, capture_output=True, env=env)
            runs.append((time.perf_counter() - start) * 1000)
        results.append(report("ingesta de los cinco PDF (proceso frío)", runs))

        from assistant.engine import Assistant

        assistant = Assistant(db, Path(tmp) / "editor.db")
        assistant.store.search("calentamiento", 5)
        ms = []
        for _ in range(30):
            for q in SEARCHES:
                t = time.perf_counter()
                assistant.search(q, 10)
                ms.append((time.perf_counter() - t) * 1000)
        results.append(report("búsqueda (en proceso)", ms))

        questions = [json.loads(line)["question"] for line in DEV.open(encoding="utf-8")] if DEV.exists() else SEARCHES
        for q in questions:
            assistant.ask(q)
        ms = []
        for _ in range(10):
            for q in questions:
                t = time.perf_counter()
                assistant.ask(q)
                ms.append((time.perf_counter() - t) * 1000)
        results.append(report("pregunta /api/ask (en proceso)", ms))

        try:
            from bench.bench_briefs import bench_briefs
        except ImportError:
            bench_briefs = None
        if bench_briefs:
            for name, values in bench_briefs(db).items():
                results.append(report(f"brief {name}", values))
    out = ROOT / "var" / "bench.json"
    out.parent.mkdir(exist_ok=True)
    out.write_text(json.dumps(results, ensure_ascii=False, indent=1), encoding="utf-8")
    print(f"resultados en {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
