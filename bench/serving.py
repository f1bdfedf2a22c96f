"""Slow clients against each way of serving (`python bench/serving.py`): gunicorn alone with sync or
gthread workers, and `planes serve` (nginx in front). For each, N slow connections and one ordinary
client asking questions; prints and stores the ordinary client's p99 and errors. This is the
measurement behind the choice in assistant/serving (README, «Servicio»).

    python bench/serving.py [--seconds 20] [--slow 4 16 64] [--json var/serving.json]
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from pathlib import Path

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench import slow_clients
from bench.server import ROOT, ProxiedServer, Server, build_index

CONFIGS = {
    "gunicorn sync (4 workers)": (Server, {"WEB_CONCURRENCY": "4"}),
    "gunicorn gthread (2 × 8 hilos)": (Server, {"GUNICORN_WORKER_CLASS": "gthread", "GUNICORN_THREADS": "8"}),
    "nginx + gunicorn sync (make run)": (ProxiedServer, {}),
}
UNTHROTTLED = {"PLANES_ASK_RATE": "0", "GUNICORN_ACCESS_LOG": ""}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--seconds", type=float, default=20)
    parser.add_argument("--slow", type=int, nargs="+", default=[4, 16, 64])
    parser.add_argument("--json", type=Path, default=ROOT / "var" / "serving.json")
    args = parser.parse_args(argv)
    results = []
    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        db = tmp / "planes.db"
        build_index(db)
        for label, (kind, env) in CONFIGS.items():
            for slow in args.slow:
                server = kind(db, tmp / "editor.db", log=tmp / "server.log", env={**UNTHROTTLED, **env}).start()
                try:
                    result = {"config": label, **slow_clients.run(server.port, slow, args.seconds)}
                finally:
                    server.stop()
                results.append(result)
                print(f"{label:34} lentos={slow:3} p50={result['p50_ms']:8} ms p99={result['p99_ms']:8} ms "
                      f"máx={result['max_ms']:8} ms preguntas={result['questions']:5} errores={result['errors']}"
                      f" {result['error_kinds']}", flush=True)
    args.json.parent.mkdir(exist_ok=True)
    args.json.write_text(json.dumps(results, ensure_ascii=False, indent=1), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
