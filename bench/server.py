"""Helpers for the load and fault benchmarks: a gunicorn server on a free loopback port, plain
HTTP calls with keep-alive, percentiles."""

from __future__ import annotations

import http.client
import json
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
DEV = ROOT.parent / "shared" / "eval" / "dev.jsonl"
HOST = "127.0.0.1"


def free_port() -> int:
    with socket.socket() as s:
        s.bind((HOST, 0))
        return s.getsockname()[1]


def dev_questions() -> list[str]:
    if not DEV.exists():
        return ["¿Cuál es el avance del OEI.01 en 2024?", "recomendaciones en proceso", "visión del sector"]
    return [json.loads(line)["question"] for line in DEV.open(encoding="utf-8") if line.strip()]


def percentile(values: list[float], p: float) -> float:
    if not values:
        return float("nan")
    values = sorted(values)
    return values[min(len(values) - 1, int(round(p / 100 * (len(values) - 1))))]


class Server:
    """gunicorn with the project's gunicorn.conf.py, in its own process group."""

    def __init__(self, db: Path, updates_db: Path, workers: int = 2, log: Path | None = None,
                 env: dict[str, str] | None = None):
        self.port = free_port()
        self.log_path = log or updates_db.with_name("gunicorn.log")
        self.env = {**os.environ, "PORT": str(self.port), "WEB_CONCURRENCY": str(workers),
                    "PLANES_DB": str(db), "PLANES_UPDATES_DB": str(updates_db), "PLANES_ENV": "production",
                    "PLANES_SECRET_KEY": secrets.token_hex(32), "PLANES_COOKIE_SECURE": "0",
                    "PYTHONPATH": str(ROOT), **(env or {})}
        self.proc: subprocess.Popen | None = None

    def command(self) -> list[str]:
        return [str(BIN / "gunicorn"), "--config", str(ROOT / "gunicorn.conf.py"), "wsgi:app"]

    def start(self, timeout: float = 60) -> Server:
        self._log = self.log_path.open("ab")
        self.proc = subprocess.Popen(self.command(), cwd=ROOT, env=self.env, stdout=self._log,
                                     stderr=subprocess.STDOUT, start_new_session=True)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"gunicorn terminó al iniciar; vea {self.log_path}")
            try:
                if request(self.port, "GET", "/readyz")[0] == 200:
                    return self
            except OSError:
                pass
            time.sleep(0.1)
        raise RuntimeError("gunicorn no quedó listo a tiempo")

    def master_pid(self) -> int:
        assert self.proc is not None
        return self.proc.pid

    def worker_pids(self) -> list[int]:
        """The master's children, read from /proc (no dependency on ps)."""
        return children(self.master_pid())

    def stop(self) -> int | None:
        if self.proc is None:
            return None
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)  # graceful: in-flight requests finish
            try:
                self.proc.wait(30)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self._log.close()
        return self.proc.returncode

    def __enter__(self) -> Server:
        return self.start()

    def __exit__(self, *exc: Any) -> None:
        self.stop()


class ProxiedServer(Server):
    """What `make run` starts: `planes serve` (nginx on the port, gunicorn on a Unix socket)."""

    def __init__(self, *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        # Its own folder that nginx's workers (nobody, when run as root) can traverse.
        self.run_dir = Path(tempfile.mkdtemp(prefix=f"planes-run-{self.port}-"))
        os.chmod(self.run_dir, 0o711)
        self.env["PLANES_RUN_DIR"] = str(self.run_dir)

    def stop(self) -> int | None:
        code = super().stop()
        shutil.rmtree(self.run_dir, ignore_errors=True)
        return code

    def command(self) -> list[str]:
        return [str(BIN / "planes"), "serve"]

    def master_pid(self) -> int:
        assert self.proc is not None
        for pid in children(self.proc.pid):
            try:
                if b"gunicorn" in Path(f"/proc/{pid}/cmdline").read_bytes():
                    return pid
            except OSError:
                continue
        raise RuntimeError("no se encontró el maestro de gunicorn")


def children(parent: int) -> list[int]:
    """The live children of ``parent``, read from /proc (no dependency on ps)."""
    pids = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except (OSError, IndexError):
            continue  # the process ended meanwhile
        if int(fields[1]) == parent and fields[0] != "Z":
            pids.append(int(stat.parent.name))
    return pids


def request(port: int, method: str, path: str, body: Any = None, headers: dict | None = None,
            conn: http.client.HTTPConnection | None = None, timeout: float = 10):
    """(status, headers, parsed JSON or raw bytes); a connection passed in is reused (keep-alive)."""
    own = conn is None
    conn = conn or http.client.HTTPConnection(HOST, port, timeout=timeout)
    data = None
    hdrs = dict(headers or {})
    if body is not None:
        data = json.dumps(body, ensure_ascii=False).encode()
        hdrs.setdefault("Content-Type", "application/json")
    try:
        conn.request(method, path, body=data, headers=hdrs)
        resp = conn.getresponse()
        raw = resp.read()
    finally:
        if own:
            conn.close()
    parsed: Any = raw
    if resp.getheader("Content-Type", "").startswith("application/json"):
        parsed = json.loads(raw)
    return resp.status, resp, parsed


def build_index(db: Path, corpus: Path | None = None) -> None:
    cmd = [sys.executable, "-m", "assistant", "ingest", "--db", str(db)]
    if corpus:
        cmd += ["--corpus", str(corpus)]
    subprocess.run(cmd, check=True, cwd=ROOT, capture_output=True)
