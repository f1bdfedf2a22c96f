"""`planes serve`: gunicorn on a Unix socket and nginx on the public port, started, watched and
stopped together. SIGTERM or Ctrl-C stops both gracefully (in-flight requests finish); if either
process dies the other is stopped too and the exit code says so. PLANES_PROXY=0 serves with
gunicorn alone on the port (for a deployment with its own reverse proxy)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from .nginx import FrontSettings, find_nginx, write_config

ROOT = Path(__file__).resolve().parents[2]
MISSING_NGINX = ("No se encontró nginx, que `make run` pone delante de gunicorn. Instálelo con "
                 "«sudo apt-get install -y nginx» (o use PLANES_PROXY=0 si ya tiene un proxy inverso).")


def _gunicorn() -> list[str]:
    return [str(Path(sys.executable).with_name("gunicorn")), "--config", str(ROOT / "gunicorn.conf.py"), "wsgi:app"]


def run_dir() -> Path:
    path = Path(os.environ.get("PLANES_RUN_DIR", ROOT / "var" / "run"))
    path.mkdir(parents=True, exist_ok=True)
    os.chmod(path, 0o711)  # nginx's workers may reach the socket; nobody may list the folder
    return path


def _wait_for(path: Path, proc: subprocess.Popen, timeout: float) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            return False
        if path.exists():
            return True
        time.sleep(0.05)
    return False


def serve() -> int:
    if os.environ.get("PLANES_PROXY", "1") == "0":
        return subprocess.call(_gunicorn(), cwd=ROOT)
    nginx = find_nginx()
    if nginx is None:
        print(MISSING_NGINX, file=sys.stderr)
        return 2
    settings = FrontSettings.from_env()
    folder = run_dir()
    socket = folder / "gunicorn.sock"
    socket.unlink(missing_ok=True)
    config = write_config(folder, socket, settings)
    env = {**os.environ, "GUNICORN_BIND": f"unix:{socket}", "PLANES_PROXY_HOPS": "1"}
    app = subprocess.Popen(_gunicorn(), cwd=ROOT, env=env)
    if not _wait_for(socket, app, 120):
        print("gunicorn no llegó a escuchar en su socket; vea los mensajes de arriba.", file=sys.stderr)
        _stop(app, signal.SIGTERM)
        return 1
    os.chmod(socket, 0o666)
    front = subprocess.Popen([nginx, "-p", str(folder), "-e", str(folder / "nginx-error.log"), "-c", str(config),
                              "-g", "daemon off;"])
    print(f"Sirviendo en http://{settings.host}:{settings.port} (nginx → gunicorn en {socket})", flush=True)
    return _watch(app, front)


def _watch(app: subprocess.Popen, front: subprocess.Popen) -> int:
    stopping = False

    def stop(signum, _frame):
        nonlocal stopping
        stopping = True

    previous = {s: signal.signal(s, stop) for s in (signal.SIGTERM, signal.SIGINT)}
    try:
        while not stopping and app.poll() is None and front.poll() is None:
            time.sleep(0.2)
    finally:
        for s, handler in previous.items():
            signal.signal(s, handler)
        _stop(front, signal.SIGQUIT)  # nginx: finish what it is sending, then exit
        _stop(app, signal.SIGTERM)  # gunicorn: graceful_timeout for in-flight requests
    if stopping:
        return 0
    print("gunicorn o nginx terminó inesperadamente; se detuvo el otro.", file=sys.stderr)
    return 1


def _stop(proc: subprocess.Popen, sig: int, timeout: float = 30) -> None:
    if proc.poll() is None:
        proc.send_signal(sig)
        try:
            proc.wait(timeout)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
