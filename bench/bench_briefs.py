"""Brief generation time per kind (gathering the figures + rendering the PDF), in process.

``bench_briefs(db)`` returns the raw timings in ms per kind (bench/run.py reports them);
``summary(db)`` returns p50/p95 per kind. Goal (issue 7): p95 ≤ 50 ms for every kind.
Run alone: ``python bench/bench_briefs.py [ruta/al/indice.db]``.
"""

from __future__ import annotations

import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))


def cases(store) -> list[tuple[str, str, dict]]:
    """One brief of each kind and shape, chosen from what the index holds (so the bench runs on
    any corpus): the most measured objective and action, an objective of a plan without reports,
    every report period, the recommendation matrix and an answer."""
    out: list[tuple[str, str, dict]] = []
    q = store.rows
    for label, where in (("objetivo medido", "substr(owner, 1, 1) = 'O'"),
                         ("acción medida", "substr(owner, 1, 1) != 'O'")):
        rows = q(f"select owner, plan from measurements where owner is not null and {where}"
                 " group by owner, plan order by count(*) desc limit 1")
        if rows:
            out.append((label, "objetivo", {"codigo": rows[0]["owner"], "plan": rows[0]["plan"]}))
    rows = q("select code, plan from entities where plan not in (select distinct plan from measurements"
             " where plan is not null) and substr(code, 1, 1) = 'O' order by code limit 1")
    if rows:
        out.append(("objetivo sin informes", "objetivo", {"codigo": rows[0]["code"], "plan": rows[0]["plan"]}))
    for d in q("select distinct period from documents where period is not null and kind not like 'plan %'"
               " order by period"):
        out.append((f"informe {d['period']}", "informe", {"periodo": d["period"]}))
    out.append(("recomendaciones", "recomendaciones", {}))
    code = out[0][2]["codigo"] if out and out[0][1] == "objetivo" else "OEI.01"
    out.append(("respuesta", "respuesta", {"pregunta": f"¿Cuál es el avance del {code}?"}))
    return out


def bench_briefs(db: Path, repeats: int = 20, warmup: int = 2) -> dict[str, list[float]]:
    from assistant.briefs import build_brief
    from assistant.engine import Assistant
    from assistant.errors import UserError

    assistant = Assistant(Path(db), Path(db).with_name(Path(db).stem + "-bench-editor.db"))
    timings: dict[str, list[float]] = {}
    for name, kind, params in cases(assistant.store):
        extra = {"ask": assistant.ask} if kind == "respuesta" else {}
        try:
            for _ in range(warmup):
                build_brief(assistant.store, kind, **params, **extra)
        except UserError:
            continue  # not in this index
        ms = []
        for _ in range(repeats):
            start = time.perf_counter()
            build_brief(assistant.store, kind, **params, **extra)
            ms.append((time.perf_counter() - start) * 1000)
        timings[name] = ms
    return timings


def percentile(values: list[float], p: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, int(round(p / 100 * (len(values) - 1))))]


def summary(db: Path, repeats: int = 20) -> dict[str, dict[str, float]]:
    return {name: {"p50_ms": round(statistics.median(ms), 2), "p95_ms": round(percentile(ms, 95), 2)}
            for name, ms in bench_briefs(db, repeats).items()}


def main(argv: list[str]) -> int:
    from knowledge.config import db_path

    db = Path(argv[0]) if argv else db_path()
    for name, row in summary(db).items():
        flag = "" if row["p95_ms"] <= 50 else "  (por encima de la meta de 50 ms)"
        print(f"brief {name:<30} p50 {row['p50_ms']:>7.2f} ms  p95 {row['p95_ms']:>7.2f} ms{flag}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
