"""`make bench-scale`: how the costs grow with the corpus.

Builds synthetic corpora of 5, 25, 100 and 250 documents (bench/synthetic.py: the real documents
plus copies of the 2024 evaluation reports with the year changed) in a temporary folder and
measures, per size: cold ingest, adding one report to the built index, index size against the
documents' text, ingest peak RSS, the first answer after start, answer and search p50/p99 over the
dev set, a worker's peak RSS and the dev-set accuracy.

    python bench/scale.py                 # 5, 25, 100, 250
    python bench/scale.py --quick         # 5, 25 (sanity check, a minute)
    python bench/scale.py --sizes 5,100 --rounds 5

Goals (issue 18) at 250 documents: cold ingest ≤ 0.3 s per document, adding one report ≤ 3 s,
first answer ≤ 100 ms, answer p99 ≤ 1.5× its value at 5 documents, search p99 ≤ 10 ms, worker
< 300 MB, ingest < 600 MB, index ≤ 4× the text, same accuracy at every size.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.synthetic import build_corpus, extra_report  # noqa: E402
from knowledge.config import corpus_dir  # noqa: E402

COLUMNS = [("docs", "documentos", "{:d}"), ("text_mb", "texto MB", "{:.1f}"),
           ("ingest_s", "ingesta fría s", "{:.2f}"), ("ingest_per_doc_s", "s/doc", "{:.3f}"),
           ("add_one_s", "+1 informe s", "{:.2f}"), ("index_mb", "índice MB", "{:.1f}"),
           ("index_ratio", "índice/texto", "{:.2f}"), ("ingest_rss_mb", "RSS ingesta MB", "{:.0f}"),
           ("first_answer_ms", "1.ª respuesta ms", "{:.0f}"), ("answer_p50_ms", "resp. p50 ms", "{:.2f}"),
           ("answer_p99_ms", "resp. p99 ms", "{:.1f}"), ("search_p50_ms", "búsq. p50 ms", "{:.2f}"),
           ("search_p99_ms", "búsq. p99 ms", "{:.2f}"), ("worker_rss_mb", "RSS worker MB", "{:.0f}"),
           ("accuracy", "exactitud dev", "{}")]


def _run(cmd: list[str]) -> tuple[float, float, str]:
    """Wall seconds, peak RSS (MB) of the child process alone, and its stdout."""
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    out, err = proc.communicate()
    seconds = time.perf_counter() - start
    if proc.returncode:
        raise SystemExit(f"falló {' '.join(cmd)}:\n{err[-2000:]}")
    return seconds, _child_rss_mb(proc), out


def _child_rss_mb(proc: subprocess.Popen) -> float:
    return getattr(proc, "rss_mb", 0.0)


class _Popen(subprocess.Popen):
    """Popen that keeps the child's own rusage (os.wait4), not the sum over all children."""

    def _try_wait(self, wait_flags):
        pid, status, usage = os.wait4(self.pid, wait_flags)
        if pid:
            self.rss_mb = usage.ru_maxrss / 1024
        return pid, status


subprocess.Popen = _Popen  # type: ignore[misc]  # only this benchmark's children


def ingest(corpus: Path, db: Path) -> tuple[float, float]:
    seconds, rss, _ = _run([sys.executable, "-m", "assistant", "ingest", "--corpus", str(corpus), "--db", str(db)])
    return seconds, rss


def measure(size: int, rounds: int, work: Path) -> dict:
    corpus = work / f"corpus-{size}"
    db = work / f"index-{size}" / "planes.db"
    build_corpus(corpus_dir(), corpus, size)
    text = sum(p.stat().st_size for p in corpus.iterdir())
    ingest_s, ingest_rss = ingest(corpus, db)
    index_bytes = db.stat().st_size
    _, worker_rss, out = _run([sys.executable, str(ROOT / "bench" / "scale_probe.py"), str(db), str(rounds)])
    probe = json.loads(out)
    probe["worker_rss_mb"] = max(probe["worker_rss_mb"], worker_rss)
    extra_report(corpus_dir(), corpus, size)
    add_s, add_rss = ingest(corpus, db)
    return {"docs": size, "text_mb": text / 1e6, "ingest_s": ingest_s, "ingest_per_doc_s": ingest_s / size,
            "add_one_s": add_s, "index_mb": index_bytes / 1e6, "index_ratio": index_bytes / text,
            "ingest_rss_mb": max(ingest_rss, add_rss), **probe}


def print_table(rows: list[dict]) -> None:
    print("\nCifras sobre corpus SINTÉTICOS (salvo el de 5 documentos, que es el corpus real): copias de los")
    print("informes de evaluación 2024 con el año cambiado. Tiempos de esta máquina, con ruido.\n")
    print("| " + " | ".join(label for _, label, _ in COLUMNS) + " |")
    print("|" + "---|" * len(COLUMNS))
    for row in rows:
        print("| " + " | ".join(fmt.format(row[key]) for key, _, fmt in COLUMNS) + " |")


def main() -> int:
    ap = argparse.ArgumentParser(description="Crecimiento de los costos con el corpus (cifras sintéticas).")
    ap.add_argument("--sizes", default="5,25,100,250", help="tamaños del corpus, separados por comas")
    ap.add_argument("--quick", action="store_true", help="solo 5 y 25 documentos (comprobación rápida)")
    ap.add_argument("--rounds", type=int, default=3, help="vueltas del conjunto dev por tamaño")
    ap.add_argument("--json", type=Path, default=ROOT / "var" / "bench-scale.json")
    args = ap.parse_args()
    sizes = [5, 25] if args.quick else [int(s) for s in args.sizes.split(",") if s.strip()]
    rows = []
    with tempfile.TemporaryDirectory(prefix="planes-scale-") as tmp:
        for size in sizes:
            print(f"midiendo {size} documentos…", file=sys.stderr, flush=True)
            rows.append(measure(size, args.rounds, Path(tmp)))
            print(json.dumps(rows[-1], ensure_ascii=False), file=sys.stderr, flush=True)
    print_table(rows)
    args.json.parent.mkdir(parents=True, exist_ok=True)
    args.json.write_text(json.dumps({"synthetic": True, "rows": rows}, ensure_ascii=False, indent=1), encoding="utf-8")
    print(f"\nresultados en {args.json}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
