"""`make fault`: concurrent writers, killed workers and a re-ingest under load, against gunicorn.

Every status update goes through the HTTP API as a browser script would: sign-in with a password,
the session cookie, the CSRF token and an Idempotency-Key per logical update. A client that gets no
answer (its worker was killed) retries with the same key until the update is acknowledged.

1. writers: 8 × 500 and 32 × 100 concurrent updates → zero lost, zero duplicated, zero 5xx, every
   update in its recommendation's history (GET /api/recommendations/<id>).
2. crashes: ≥ 200 `kill -9` of gunicorn workers while 8 writers update → zero acknowledged updates
   lost or duplicated, PRAGMA integrity_check ok, the service answers afterwards.
3. re-ingest while serving: `planes ingest` alternates two corpora (the real one and one without
   its last document) under /api/ask and /api/search load → zero errors, and every answer equals the
   answer of one corpus or the other (never a mix).
4. graceful stop: SIGTERM under load → the master exits 0, no 5xx.
5. slow clients against what `make run` starts (nginx in front of gunicorn): 4, 16 and 64
   connections sending their header one byte a second for 60 s (reconnecting when dropped) while
   another client asks questions → its p99 ≤ 1 s and no error (bench/slow_clients.py).

    python bench/fault.py [--quick] [--kills 200] [--json var/fault.json] [--solo-lentos]

--quick is the smoke version run by the fast test suite (small numbers, same checks).
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import random
import shutil
import signal
import sqlite3
import sys
import tempfile
import threading
import time
import uuid
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench.server import HOST, Server, build_index, dev_questions, request  # noqa: E402
from knowledge.config import corpus_dir  # noqa: E402

PASSWORD = "clave-de-carga-123"
STATUSES = ["No iniciado", "En proceso", "Ejecutado/Culminado", "Sin información"]
SEARCHES = ["evaluación semestral", "refugiados", "avance PEI", "recomendaciones"]


# ---- an editor's HTTP session ----------------------------------------------------------------------------

class Editor:
    """One browser-like client: keep-alive connection, session cookie, CSRF token."""

    def __init__(self, port: int, name: str):
        self.port, self.name = port, name
        self.cookie = ""
        self.csrf = ""
        self.conn: http.client.HTTPConnection | None = None
        self.retries = 0  # requests that got no answer (connection reset by a killed worker) and were resent

    def _call(self, method: str, path: str, body: Any = None, headers: dict | None = None):
        if self.conn is None:
            self.conn = http.client.HTTPConnection(HOST, self.port, timeout=30)
        hdrs = {"Cookie": self.cookie, **(headers or {})} if self.cookie else dict(headers or {})
        try:
            status, resp, data = request(self.port, method, path, body, hdrs, conn=self.conn)
        except (OSError, http.client.HTTPException):
            self.conn.close()
            self.conn = None
            raise
        set_cookie = resp.getheader("Set-Cookie")
        if set_cookie:
            self.cookie = set_cookie.split(";", 1)[0]
        if resp.getheader("Connection", "").lower() == "close":
            self.conn.close()
            self.conn = None
        return status, data

    def call(self, method: str, path: str, body: Any = None, headers: dict | None = None, tries: int = 200):
        """Retries a request that got no answer (a killed worker): the caller makes it safe to repeat."""
        for attempt in range(tries):
            try:
                return self._call(method, path, body, headers)
            except (OSError, http.client.HTTPException):
                self.retries += 1
                time.sleep(min(0.5, 0.01 * (attempt + 1)))
        raise RuntimeError(f"sin respuesta tras {tries} intentos: {method} {path}")

    def sign_in(self) -> None:
        self.csrf = self.call("GET", "/api/session")[1]["csrf_token"]
        status, data = self.call("POST", "/api/session", {"username": self.name, "password": PASSWORD},
                                 {"X-CSRF-Token": self.csrf})
        if status != 200:
            raise RuntimeError(f"no se pudo iniciar sesión como {self.name}: {status} {data}")
        self.csrf = data["csrf_token"]


@dataclass
class Tally:
    acked: dict[str, tuple[int, str]] = field(default_factory=dict)  # idempotency key → (update id, rec)
    statuses: Counter = field(default_factory=Counter)
    replays_ok: int = 0
    replays_bad: int = 0
    retries: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)

    def count(self, status: int) -> None:
        with self.lock:
            self.statuses[status] += 1

    @property
    def server_errors(self) -> int:
        return sum(n for s, n in self.statuses.items() if s >= 500)

    @property
    def refused(self) -> int:
        return sum(n for s, n in self.statuses.items() if 400 <= s < 500)


def update(editor: Editor, rec: str, tag: str, tally: Tally, rng: random.Random, replay: bool) -> None:
    """One logical update, retried with the same key until acknowledged."""
    key = f"{tag}-{uuid.uuid4().hex}"
    body = {"status": rng.choice(STATUSES), "comment": f"carga {tag}"}
    headers = {"X-CSRF-Token": editor.csrf, "Idempotency-Key": key}
    while True:
        status, data = editor.call("POST", f"/api/recommendations/{rec}/status", body, headers)
        tally.count(status)
        if status in (200, 201):
            break
        if status < 500:
            raise RuntimeError(f"actualización rechazada: {status} {data}")
        time.sleep(0.05)
    with tally.lock:
        tally.acked[key] = (data["update"]["id"], rec)
    if replay:  # a client that retries after an answer it did not see: must not apply twice
        status, again = editor.call("POST", f"/api/recommendations/{rec}/status", body, headers)
        tally.count(status)
        ok = status == 200 and again.get("replayed") and again["update"]["id"] == data["update"]["id"]
        with tally.lock:
            tally.replays_ok += bool(ok)
            tally.replays_bad += not ok


def writers(port: int, names: list[str], recs: list[str], clients: int, per_client: int, tag: str,
            stop: threading.Event | None = None) -> Tally:
    tally = Tally()
    errors: list[BaseException] = []

    def run(n: int) -> None:
        rng = random.Random(f"{tag}-{n}")
        try:
            editor = Editor(port, names[n % len(names)])
            editor.sign_in()
            i = 0
            while (i < per_client) if stop is None else not stop.is_set():
                update(editor, recs[(n * 7 + i) % len(recs)], f"{tag}-c{n}-u{i}", tally, rng, replay=i % 20 == 0)
                i += 1
            with tally.lock:
                tally.retries += editor.retries
        except BaseException as exc:  # noqa: BLE001 - reported after the join
            errors.append(exc)

    threads = [threading.Thread(target=run, args=(n,)) for n in range(clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    if errors:
        raise RuntimeError(f"{len(errors)} clientes fallaron; el primero: {errors[0]!r}")
    return tally


def check_writes(updates_db: Path, port: int, tally: Tally, tag: str, check_history: bool = True) -> dict:
    """Acknowledged updates against the database and the history the API shows."""
    conn = sqlite3.connect(f"file:{updates_db}?mode=ro", uri=True)
    rows = conn.execute("select id, idempotency_key, rec_key, comment from status_updates where comment like ?",
                        (f"carga {tag}-%",)).fetchall()
    conn.close()
    by_key = Counter(r[1] for r in rows)
    by_comment = Counter(r[3] for r in rows)
    ids = {r[1]: r[0] for r in rows}
    lost = [k for k, (uid, _) in tally.acked.items() if ids.get(k) != uid]
    duplicated = sum(n - 1 for n in by_key.values() if n > 1) + sum(n - 1 for n in by_comment.values() if n > 1)
    missing_history = 0
    if check_history:
        per_rec: dict[str, set[int]] = {}
        for uid, rec in tally.acked.values():
            per_rec.setdefault(rec, set()).add(uid)
        for rec, expected in per_rec.items():
            status, _, detail = request(port, "GET", f"/api/recommendations/{rec}")
            shown = {e["id"] for e in detail.get("history", []) if e.get("type") == "actualizacion"} \
                if status == 200 else set()
            missing_history += len(expected - shown)
    return {"acknowledged": len(tally.acked), "rows": len(rows), "lost": len(lost), "duplicated": duplicated,
            "missing_from_history": missing_history, "server_errors": tally.server_errors,
            "refused": tally.refused, "replays_ok": tally.replays_ok, "replays_bad": tally.replays_bad,
            "resent_without_answer": tally.retries}


# ---- phases --------------------------------------------------------------------------------------------------

def phase_writers(server: Server, names: list[str], recs: list[str], shape: tuple[int, int]) -> dict:
    clients, per_client = shape
    tag = f"w{clients}x{per_client}"
    start = time.monotonic()
    tally = writers(server.port, names, recs, clients, per_client, tag)
    elapsed = time.monotonic() - start
    result = check_writes(Path(server.env["PLANES_UPDATES_DB"]), server.port, tally, tag)
    result.update(name=f"escritores {clients}×{per_client}", expected=clients * per_client,
                  seconds=round(elapsed, 1), updates_per_s=round(len(tally.acked) / elapsed, 1))
    result["ok"] = (result["acknowledged"] == result["expected"] == result["rows"] and not result["lost"]
                    and not result["duplicated"] and not result["missing_from_history"]
                    and not result["server_errors"] and not result["replays_bad"])
    return result


def phase_crashes(server: Server, names: list[str], recs: list[str], kills: int, clients: int = 8) -> dict:
    tag = "crash"
    stop = threading.Event()
    box: dict[str, Any] = {}

    def write() -> None:
        try:
            box["tally"] = writers(server.port, names, recs, clients, 0, tag, stop)
        except BaseException as exc:  # noqa: BLE001
            box["error"] = exc

    writer = threading.Thread(target=write)
    writer.start()
    time.sleep(2)  # every writer signed in and updating
    rng = random.Random(7)
    done, start = 0, time.monotonic()
    while done < kills and time.monotonic() - start < 600:
        pids = server.worker_pids()
        if not pids:
            time.sleep(0.01)
            continue
        try:
            os.kill(rng.choice(pids), signal.SIGKILL)
            done += 1
        except ProcessLookupError:
            continue
        time.sleep(rng.uniform(0.02, 0.12))
    stop.set()
    writer.join(300)
    if "error" in box:
        raise box["error"]
    tally: Tally = box["tally"]
    recovered_in = _wait_ready(server.port)
    updates_db = Path(server.env["PLANES_UPDATES_DB"])
    result = check_writes(updates_db, server.port, tally, tag, check_history=False)
    conn = sqlite3.connect(f"file:{updates_db}?mode=ro", uri=True)
    integrity = conn.execute("pragma integrity_check").fetchone()[0]
    conn.close()
    after = Editor(server.port, names[0])
    after.sign_in()
    probe = Tally()
    update(after, recs[0], "crash-despues", probe, rng, replay=False)
    result.update(name="kill -9 de workers durante actualizaciones", kills=done, integrity=integrity,
                  recovered_in_s=round(recovered_in, 2), update_after=len(probe.acked) == 1,
                  workers_after=len(server.worker_pids()))
    result["ok"] = (done >= kills and integrity == "ok" and not result["lost"] and not result["duplicated"]
                    and not result["server_errors"] and not result["replays_bad"] and result["update_after"])
    return result


def _wait_ready(port: int, timeout: float = 30) -> float:
    start = time.monotonic()
    while time.monotonic() - start < timeout:
        try:
            if request(port, "GET", "/readyz")[0] == 200:
                return time.monotonic() - start
        except OSError:
            pass
        time.sleep(0.02)
    raise RuntimeError("el servicio no se recuperó")


def _answers(port: int, questions: list[str]) -> dict[str, str]:
    out = {}
    for q in questions:
        out[q] = _canonical(request(port, "POST", "/api/ask", {"question": q}))
    for q in SEARCHES:
        out["buscar:" + q] = _canonical(request(port, "GET", "/api/search?" + _qs(q)))
    return out


def _qs(q: str) -> str:
    from urllib.parse import urlencode

    return urlencode({"q": q, "limit": 5})


def _canonical(response) -> str:
    status, _, data = response
    if isinstance(data, dict):
        data = {k: v for k, v in data.items() if k != "conversation_id"}
    return json.dumps([status, data], ensure_ascii=False, sort_keys=True, default=str)


def phase_ingest(server: Server, db: Path, corpus_a: Path, corpus_b: Path, rounds: int, clients: int = 8) -> dict:
    questions = dev_questions()
    build_index(db, corpus_b)
    answers_b = _answers(server.port, questions)
    build_index(db, corpus_a)
    answers_a = _answers(server.port, questions)
    differing = sum(answers_a[k] != answers_b[k] for k in answers_a)
    stop = threading.Event()
    counts = Counter()
    lock = threading.Lock()
    examples: list[str] = []

    def client(n: int) -> None:
        conn = http.client.HTTPConnection(HOST, server.port, timeout=30)
        keys = list(answers_a)
        i = n
        while not stop.is_set():
            key = keys[i % len(keys)]
            i += 1
            try:
                if key.startswith("buscar:"):
                    got = request(server.port, "GET", "/api/search?" + _qs(key[7:]), conn=conn)
                else:
                    got = request(server.port, "POST", "/api/ask", {"question": key}, conn=conn)
            except (OSError, http.client.HTTPException):
                with lock:
                    counts["connection_errors"] += 1
                conn = http.client.HTTPConnection(HOST, server.port, timeout=30)
                continue
            text = _canonical(got)
            outcome = "a" if text == answers_a[key] else "b" if text == answers_b[key] else "mixed"
            with lock:
                counts["requests"] += 1
                counts[outcome] += 1
                if got[0] != 200:
                    counts["non_200"] += 1
                if outcome == "mixed" and len(examples) < 3:
                    examples.append(key)

    threads = [threading.Thread(target=client, args=(n,)) for n in range(clients)]
    for t in threads:
        t.start()
    ingest_s = []
    try:
        for r in range(rounds):
            start = time.monotonic()
            build_index(db, corpus_b if r % 2 == 0 else corpus_a)
            ingest_s.append(time.monotonic() - start)
            time.sleep(1 / 5)
    finally:
        stop.set()
        for t in threads:
            t.join()
    result = {"name": "planes ingest bajo carga", "ingests": rounds, "requests": counts["requests"],
              "answers_a": counts["a"], "answers_b": counts["b"], "mixed": counts["mixed"],
              "non_200": counts["non_200"], "connection_errors": counts["connection_errors"],
              "questions_that_differ_between_corpora": differing,
              "ingest_mean_s": round(sum(ingest_s) / len(ingest_s), 2), "mixed_examples": examples}
    result["ok"] = (not counts["mixed"] and not counts["non_200"] and not counts["connection_errors"]
                    and counts["b"] > 0 and differing > 0)
    return result


def phase_shutdown(server: Server, clients: int = 8) -> dict:
    stop = threading.Event()
    counts = Counter()
    lock = threading.Lock()
    questions = dev_questions()

    def client(n: int) -> None:
        conn = http.client.HTTPConnection(HOST, server.port, timeout=30)
        i = n
        while not stop.is_set():
            try:
                status = request(server.port, "POST", "/api/ask", {"question": questions[i % len(questions)]},
                                 conn=conn)[0]
            except (OSError, http.client.HTTPException):
                return  # the server is closing: no more connections
            i += 1
            with lock:
                counts[status] += 1

    threads = [threading.Thread(target=client, args=(n,)) for n in range(clients)]
    for t in threads:
        t.start()
    time.sleep(1)
    start = time.monotonic()
    code = server.stop()
    elapsed = time.monotonic() - start
    stop.set()
    for t in threads:
        t.join()
    errors = sum(n for s, n in counts.items() if s >= 500)
    return {"name": "apagado ordenado (SIGTERM bajo carga)", "exit_code": code, "seconds": round(elapsed, 2),
            "answered": sum(counts.values()), "server_errors": errors, "ok": code == 0 and errors == 0}


# ---- main ----------------------------------------------------------------------------------------------------

def prepare(tmp: Path, corpus: Path, editors: int) -> tuple[Path, Path, Path, list[str]]:
    from assistant.tracker import db as tracker_db
    from assistant.tracker.accounts import add_user

    db, updates = tmp / "planes.db", tmp / "editor.db"
    build_index(db, corpus)
    names = [f"editora{i}" for i in range(editors)]
    for name in names:
        add_user(updates, name, PASSWORD, "editor")
    tracker_db.close_all()
    smaller = tmp / "corpus-b"
    smaller.mkdir()
    files = sorted(p for p in corpus.iterdir() if p.is_file())
    for path in files[:-1]:
        shutil.copy(path, smaller / path.name)
    return db, updates, smaller, names


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="versión de humo (números pequeños)")
    parser.add_argument("--kills", type=int, default=None)
    parser.add_argument("--json", type=Path, default=None)
    parser.add_argument("--solo-lentos", action="store_true", help="solo la prueba de clientes lentos (5)")
    args = parser.parse_args(argv)
    if args.solo_lentos:
        return _slow_only(args.quick, args.json)
    quick = args.quick
    shapes = [(4, 10), (8, 5)] if quick else [(8, 500), (32, 100)]
    kills = args.kills if args.kills is not None else (10 if quick else 200)
    rounds = 2 if quick else 10
    results = []
    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        db, updates, corpus_b, names = prepare(tmp, corpus_dir(), 4)
        server = Server(db, updates, workers=2, log=tmp / "gunicorn.log",
                        env={"PLANES_ASK_RATE": "1000000000/60", "GUNICORN_ACCESS_LOG": ""}).start()
        try:
            recs = [item["id"] for item in request(server.port, "GET", "/api/recommendations?limit=1000")[2]["items"]]
            for shape in shapes:
                results.append(phase_writers(server, names, recs, shape))
                _show(results[-1])
            results.append(phase_crashes(server, names, recs, kills))
            _show(results[-1])
            results.append(phase_ingest(server, db, corpus_dir(), corpus_b, rounds))
            _show(results[-1])
            results.append(phase_shutdown(server))
            _show(results[-1])
        finally:
            server.stop()
        results.extend(phase_slow_clients(db, updates, tmp, quick))
    out = args.json or (ROOT / "var" / ("fault-quick.json" if quick else "fault.json"))
    out.parent.mkdir(exist_ok=True)
    out.write_text(json.dumps(results, ensure_ascii=False, indent=1), encoding="utf-8")
    failed = [r["name"] for r in results if not r["ok"]]
    print(f"\n{'FALLÓ: ' + ', '.join(failed) if failed else 'todo correcto'} — resultados en {out}")
    return 1 if failed else 0


def _slow_only(quick: bool, out: Path | None) -> int:
    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        db = tmp / "planes.db"
        build_index(db, corpus_dir())
        results = phase_slow_clients(db, tmp / "editor.db", tmp, quick)
    out = out or (ROOT / "var" / "fault-lentos.json")
    out.parent.mkdir(exist_ok=True)
    out.write_text(json.dumps(results, ensure_ascii=False, indent=1), encoding="utf-8")
    return 0 if all(r["ok"] for r in results) else 1


def phase_slow_clients(db: Path, updates: Path, tmp: Path, quick: bool) -> list[dict]:
    from bench import slow_clients
    from bench.server import ProxiedServer

    out = []
    for slow in (4, 16, 64):
        server = ProxiedServer(db, updates, log=tmp / "serve.log",
                               env={"PLANES_ASK_RATE": "0", "GUNICORN_ACCESS_LOG": ""}).start()
        try:
            out.append(slow_clients.run(server.port, slow, 8 if quick else 60))
        finally:
            server.stop()
        _show(out[-1])
    return out


def _show(result: dict) -> None:
    mark = "ok " if result["ok"] else "MAL"
    rest = {k: v for k, v in result.items() if k not in ("name", "ok")}
    print(f"[{mark}] {result['name']}: " + ", ".join(f"{k}={v}" for k, v in rest.items()), flush=True)


if __name__ == "__main__":
    sys.exit(main())
