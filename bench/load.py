"""`make bench` (part 2): /api/ask under gunicorn on loopback, measured with wrk.

gunicorn runs with the project's gunicorn.conf.py and 2 workers; wrk sends POST /api/ask with the
questions of the dev set in turn (../shared/eval/dev.jsonl) at 1, 8 and 32 concurrent clients
(keep-alive connections, closed loop). Reported: answers/s, p50/p90/p99, errors (any non-2xx
counts). Then the same at 32 clients while 4 threads generate briefs (GET /api/brief) in a loop,
and, for comparison, with the answer cache off. Goals (issue 8): ≥ 800 answers/s and p99 ≤ 50 ms
at 32 clients; p99 ≤ 100 ms while briefs are generated.

    python bench/load.py [--duration 10] [--clients 1,8,32] [--compare]

--compare also measures worker classes and counts (the choice recorded in gunicorn.conf.py).
wrk comes from Debian (apt-get install -y wrk); without it a threaded Python client is used and
says so (on 2 cores it is itself the bottleneck).
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench.server import HOST, ProxiedServer, Server, dev_questions, percentile, request  # noqa: E402
from knowledge.config import db_path  # noqa: E402

# Counted but never reached: the bench measures the limiter's cost, not its refusals.
UNTHROTTLED = {"PLANES_ASK_RATE": "1000000000/60"}

LUA_DONE = r"""
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format('WRKJSON {"requests": %d, "duration_us": %d, "p50_us": %d, "p90_us": %d, '
    .. '"p99_us": %d, "max_us": %d, "mean_us": %.1f, "connect": %d, "read": %d, "write": %d, '
    .. '"status": %d, "timeout": %d}\n', summary.requests, summary.duration, latency:percentile(50),
    latency:percentile(90), latency:percentile(99), latency.max, latency.mean, e.connect, e.read,
    e.write, e.status, e.timeout))
end
"""


def wrk_script(path: Path, questions: list[str]) -> Path:
    bodies = [json.dumps({"question": q}, ensure_ascii=False) for q in questions]
    lines = ["local bodies = {" + ",\n".join(_lua_bytes(b) for b in bodies) + "}",
             "local i = 0",
             'wrk.method = "POST"',
             'wrk.headers["Content-Type"] = "application/json"',
             "request = function()",
             "  i = i + 1",
             "  return wrk.format(nil, '/api/ask', nil, bodies[(i % #bodies) + 1])",
             "end", LUA_DONE]
    path.write_text("\n".join(lines), encoding="utf-8")
    return path


def _lua_bytes(text: str) -> str:
    """A Lua string literal with every non-alphanumeric byte escaped (safe for any question)."""
    return '"' + "".join(chr(b) if chr(b).isalnum() and b < 128 else f"\\{b:03d}" for b in text.encode()) + '"'


def run_wrk(port: int, script: Path, clients: int, seconds: float) -> dict:
    threads = max(1, min(clients, 2))
    out = subprocess.run(["wrk", f"-t{threads}", f"-c{clients}", f"-d{max(1, round(seconds))}s", "--timeout", "5s",
                          "-s", str(script), f"http://{HOST}:{port}"], capture_output=True, text=True, check=True)
    line = next(x for x in out.stdout.splitlines() if x.startswith("WRKJSON "))
    raw = json.loads(line[len("WRKJSON "):])
    errors = sum(raw[k] for k in ("connect", "read", "write", "status", "timeout"))
    return {"clients": clients, "requests": raw["requests"], "rps": raw["requests"] / (raw["duration_us"] / 1e6),
            "p50_ms": raw["p50_us"] / 1000, "p90_ms": raw["p90_us"] / 1000, "p99_ms": raw["p99_us"] / 1000,
            "max_ms": raw["max_us"] / 1000, "errors": errors, "client": "wrk"}


def run_python(port: int, questions: list[str], clients: int, seconds: float) -> dict:
    """Fallback load generator: one thread and one keep-alive connection per client."""
    latencies: list[float] = []
    errors = [0]
    stop = time.monotonic() + seconds
    lock = threading.Lock()

    def client(n: int) -> None:
        conn = http.client.HTTPConnection(HOST, port, timeout=5)
        mine, i = [], n
        while time.monotonic() < stop:
            body = {"question": questions[i % len(questions)]}
            i += 1
            t = time.perf_counter()
            try:
                status = request(port, "POST", "/api/ask", body, conn=conn)[0]
            except OSError:
                status, conn = 0, http.client.HTTPConnection(HOST, port, timeout=5)
            mine.append((time.perf_counter() - t) * 1000)
            if status != 200:
                with lock:
                    errors[0] += 1
        with lock:
            latencies.extend(mine)

    threads = [threading.Thread(target=client, args=(n,)) for n in range(clients)]
    start = time.monotonic()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    elapsed = time.monotonic() - start
    return {"clients": clients, "requests": len(latencies), "rps": len(latencies) / elapsed,
            "p50_ms": percentile(latencies, 50), "p90_ms": percentile(latencies, 90),
            "p99_ms": percentile(latencies, 99), "max_ms": max(latencies, default=0), "errors": errors[0],
            "client": "python"}


class BriefLoop:
    """N threads generating briefs in a loop while the chat load runs."""

    def __init__(self, port: int, paths: list[str], n: int = 4):
        self.port, self.paths, self.n = port, paths, n
        self.done = self.failed = 0
        self.ms: list[float] = []
        self._stop = threading.Event()
        self._threads = [threading.Thread(target=self._loop, args=(i,), daemon=True) for i in range(n)]

    def _loop(self, i: int) -> None:
        conn = http.client.HTTPConnection(HOST, self.port, timeout=30)
        while not self._stop.is_set():
            path = self.paths[i % len(self.paths)]
            i += 1
            t = time.perf_counter()
            status, resp, body = request(self.port, "GET", path, conn=conn)
            self.ms.append((time.perf_counter() - t) * 1000)
            ok = status == 200 and resp.getheader("Content-Type") == "application/pdf"
            self.done += ok
            self.failed += not ok

    def __enter__(self) -> BriefLoop:
        for t in self._threads:
            t.start()
        time.sleep(1)  # the loops are running before the measurement starts
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        for t in self._threads:
            t.join(60)


def brief_paths(db: Path) -> list[str]:
    try:
        from bench.bench_briefs import cases
        from knowledge.store import Store
    except ImportError:
        return []
    return [f"/api/brief?{urlencode({'tipo': kind, **params})}" for _, kind, params in cases(Store(db))]


def measure(db: Path, tmp: Path, clients: list[int], seconds: float, questions: list[str], use_wrk: bool,
            env: dict[str, str] | None = None, workers: int = 2, briefs: bool = False,
            proxied: bool = True) -> list[dict]:
    """Load through what `make run` serves (nginx in front of gunicorn), or gunicorn alone."""
    updates = tmp / f"editor-{time.monotonic_ns()}.db"
    env = {**UNTHROTTLED, **(env or {})}
    script = wrk_script(tmp / "ask.lua", questions)
    rows = []
    kind = ProxiedServer if proxied else Server
    with kind(db, updates, workers=workers, log=tmp / "gunicorn-load.log", env=env) as server:
        port = server.port
        for q in questions:  # every worker sees every question once before measuring
            for _ in range(workers):
                request(port, "POST", "/api/ask", {"question": q})
        run = (lambda c, s: run_wrk(port, script, c, s)) if use_wrk else \
            (lambda c, s: run_python(port, questions, c, s))
        run(32, min(3, seconds))  # warm-up
        for c in clients:
            rows.append(run(c, seconds))
        if briefs:
            paths = brief_paths(db)
            if paths and request(port, "GET", paths[0])[0] == 200:
                with BriefLoop(port, paths) as loop:
                    row = run(32, seconds)
                row.update(briefs_done=loop.done, briefs_failed=loop.failed,
                           brief_p50_ms=percentile(loop.ms, 50), label="con 4 briefs en bucle")
                rows.append(row)
    return rows


def micro(tmp: Path) -> dict:
    """Per-request costs added by the operations layer, in process (µs)."""
    from assistant.web.ratelimit import SharedWindowLimiter
    from assistant.web.shared_conversations import SharedConversations

    limiter = SharedWindowLimiter(tmp / "limites", 10**9, 60)
    conversations = SharedConversations(tmp / "conversaciones.db")
    state = {"codes": ["OEI.05"], "intents": ["avance"], "question": None}
    n = 5000
    out = {}
    for name, fn in (("limite_hit_us", lambda i: limiter.hit(f"c{i % 100}")),
                     ("conversacion_put_us", lambda i: conversations.put(f"id{i}", state)),
                     ("conversacion_get_us", lambda i: conversations.get(f"id{i}"))):
        start = time.perf_counter()
        for i in range(n):
            fn(i)
        out[name] = round((time.perf_counter() - start) / n * 1e6, 1)
    print(f"costo por pregunta (en proceso): límite por cliente {out['limite_hit_us']} µs; conversación "
          f"compartida: guardar {out['conversacion_put_us']} µs, leer {out['conversacion_get_us']} µs")
    return out


def show(title: str, rows: list[dict]) -> None:
    print(f"\n{title}")
    for r in rows:
        extra = f"  briefs {r['briefs_done']} (fallidos {r['briefs_failed']})" if "briefs_done" in r else ""
        print(f"  {r['clients']:>3} clientes: {r['rps']:>7.0f} resp/s  p50 {r['p50_ms']:>6.1f} ms  "
              f"p90 {r['p90_ms']:>6.1f} ms  p99 {r['p99_ms']:>6.1f} ms  errores {r['errors']}{extra}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--duration", type=float, default=10)
    parser.add_argument("--clients", default="1,8,32")
    parser.add_argument("--compare", action="store_true", help="compara clases y números de workers")
    parser.add_argument("--db", type=Path, default=db_path())
    args = parser.parse_args(argv)
    if not args.db.exists():
        print(f"No existe el índice {args.db}: ejecute «planes ingest».", file=sys.stderr)
        return 2
    clients = [int(x) for x in args.clients.split(",")]
    use_wrk = shutil.which("wrk") is not None
    if not use_wrk:
        print("aviso: wrk no está instalado (apt-get install -y wrk); se usa un cliente Python con hilos, "
              "que en 2 núcleos limita las cifras.")
    questions = dev_questions()
    print(f"carga: POST /api/ask, {len(questions)} preguntas del conjunto dev en turno; nginx delante de gunicorn con 2 workers (make run); "
          f"{os.cpu_count()} núcleos; cliente {'wrk' if use_wrk else 'Python'}; {args.duration:g} s por medida")
    results: dict[str, list[dict]] = {}
    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        results["micro"] = micro(tmp)  # type: ignore[assignment]
        results["cache"] = measure(args.db, tmp, clients, args.duration, questions, use_wrk, briefs=True)
        show("/api/ask (caché de respuestas activa, valor por defecto)", results["cache"])
        results["sin_cache"] = measure(args.db, tmp, clients, args.duration, questions, use_wrk,
                                       env={"PLANES_ANSWER_CACHE": "0"}, briefs=True)
        show("/api/ask sin caché de respuestas (PLANES_ANSWER_CACHE=0): cada pregunta se calcula", results["sin_cache"])
        results["sin_proxy"] = measure(args.db, tmp, [32], args.duration, questions, use_wrk,
                                       env={"PLANES_ANSWER_CACHE": "0"}, proxied=False)
        results["sin_proxy"] += measure(args.db, tmp, [32], args.duration, questions, use_wrk, proxied=False)
        show("gunicorn sin nginx delante, para comparar (sin caché; con caché)", results["sin_proxy"])
        if args.compare:
            results["comparacion"] = compare(args.db, tmp, args.duration, questions, use_wrk)
    out = ROOT / "var" / "load.json"
    out.parent.mkdir(exist_ok=True)
    out.write_text(json.dumps(results, ensure_ascii=False, indent=1), encoding="utf-8")
    print(f"\nresultados en {out}")
    return 0


def compare(db: Path, tmp: Path, seconds: float, questions: list[str], use_wrk: bool, reps: int = 3) -> list[dict]:
    """32 clients against each worker class / thread count / worker count, cache on and off; each
    configuration runs ``reps`` times, interleaved, and the median is kept (this machine is noisy)."""
    configs = [(cache, workers, klass, threads) for cache in ("1024", "0")
               for workers, klass, threads in ((2, "sync", 1), (2, "gthread", 1), (2, "gthread", 2),
                                               (2, "gthread", 4), (4, "gthread", 1), (4, "sync", 1))]
    runs: dict[tuple, list[dict]] = {c: [] for c in configs}
    for _ in range(reps):
        for cache, workers, klass, threads in configs:
            env = {"GUNICORN_WORKER_CLASS": klass, "GUNICORN_THREADS": str(threads), "PLANES_ANSWER_CACHE": cache}
            row = measure(db, tmp, [32], seconds, questions, use_wrk, env=env, workers=workers)[0]
            runs[(cache, workers, klass, threads)].append(row)
    rows = []
    for (cache, workers, klass, threads), got in runs.items():
        row = {"workers": workers, "worker_class": klass, "threads": threads, "cache": cache != "0",
               "rps": statistics.median(r["rps"] for r in got), "p50_ms": statistics.median(r["p50_ms"] for r in got),
               "p99_ms": statistics.median(r["p99_ms"] for r in got), "errors": sum(r["errors"] for r in got),
               "runs": [round(r["rps"]) for r in got]}
        rows.append(row)
        print(f"  caché {'sí' if row['cache'] else 'no'}  {workers} workers {klass:<8} hilos {threads}: "
              f"{row['rps']:>6.0f} resp/s  p50 {row['p50_ms']:>6.1f} ms  p99 {row['p99_ms']:>6.1f} ms  "
              f"errores {row['errors']}  (corridas: {row['runs']})")
    return rows


if __name__ == "__main__":
    sys.exit(main())
