"""Slow clients against a running server: N connections that send their request header one byte a
second (and reconnect as soon as they are dropped) while one ordinary client asks questions over a
keep-alive connection. The ordinary client's latency and errors say whether the slow ones took the
service down.

Each slow connection comes from its own loopback address (127.0.x.y: Linux routes all of 127/8 to
the loopback device), so the per-address connection limit is not what saves the service: the test
measures the server's reading of requests itself. ``same_address=True`` sends them all from one.
"""

from __future__ import annotations

import http.client
import json
import socket
import threading
import time
from dataclasses import dataclass, field
from typing import Any

from .server import HOST, dev_questions, percentile

HEADER = b"POST /api/ask HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nX-Lento: "


def source_address(i: int) -> str:
    return f"127.0.{10 + i // 250}.{1 + i % 250}"


@dataclass
class SlowTally:
    connections: int = 0  # connections opened (reconnects included)
    dropped: int = 0  # closed or reset by the server
    refused: int = 0  # the connection itself failed (a full backlog, a per-address limit)
    answered: dict[str, int] = field(default_factory=dict)  # status lines the server sent them
    lock: threading.Lock = field(default_factory=threading.Lock)

    def add(self, **counts: int) -> None:
        with self.lock:
            for name, value in counts.items():
                setattr(self, name, getattr(self, name) + value)

    def status(self, line: str) -> None:
        with self.lock:
            self.answered[line] = self.answered.get(line, 0) + 1


def _slow_connection(port: int, source: str, deadline: float, tally: SlowTally, stop: threading.Event) -> None:
    while not stop.is_set() and time.monotonic() < deadline:
        try:
            sock = socket.socket()
            sock.settimeout(5)
            sock.bind((source, 0))
            sock.connect((HOST, port))
        except OSError:
            tally.add(refused=1)
            sock.close()
            stop.wait(0.5)
            continue
        tally.add(connections=1)
        try:
            sock.sendall(HEADER)
            while not stop.is_set() and time.monotonic() < deadline:
                sock.sendall(b"x")
                sock.settimeout(1.0)
                try:
                    data = sock.recv(200)  # usually nothing: wait one second for it
                except TimeoutError:
                    continue
                if data:
                    tally.status(data.split(b"\r\n", 1)[0].decode("latin-1")[:40])
                raise ConnectionResetError
        except OSError:
            tally.add(dropped=1)
        finally:
            sock.close()


def _asker(port: int, deadline: float, latencies: list[float], errors: list[str]) -> None:
    questions = dev_questions()
    conn = http.client.HTTPConnection(HOST, port, timeout=10)
    i = 0
    while time.monotonic() < deadline:
        body = json.dumps({"question": questions[i % len(questions)]}).encode()
        i += 1
        start = time.perf_counter()
        try:
            conn.request("POST", "/api/ask", body=body, headers={"Content-Type": "application/json"})
            resp = conn.getresponse()
            resp.read()
            if resp.status != 200:
                errors.append(f"HTTP {resp.status}")
        except (OSError, http.client.HTTPException) as exc:
            errors.append(type(exc).__name__)
            conn.close()
            conn = http.client.HTTPConnection(HOST, port, timeout=10)
        latencies.append(time.perf_counter() - start)
        time.sleep(0.02)  # an attentive user, not a load generator: ~40 questions a second


def run(port: int, slow: int, seconds: float, same_address: bool = False, p99_goal: float = 1.0) -> dict[str, Any]:
    tally = SlowTally()
    stop = threading.Event()
    deadline = time.monotonic() + seconds
    threads = [threading.Thread(target=_slow_connection, daemon=True,
                                args=(port, source_address(0 if same_address else i), deadline, tally, stop))
               for i in range(slow)]
    for t in threads:
        t.start()
    time.sleep(min(2.0, seconds / 10))  # let the slow ones take their connections first
    latencies: list[float] = []
    errors: list[str] = []
    _asker(port, deadline, latencies, errors)
    stop.set()
    for t in threads:
        t.join(5)
    p99 = percentile(latencies, 99)
    return {"name": f"clientes lentos: {slow}" + (" (una dirección)" if same_address else ""),
            "ok": bool(latencies) and not errors and p99 <= p99_goal,
            "slow_connections": slow, "seconds": seconds, "questions": len(latencies), "errors": len(errors),
            "error_kinds": sorted(set(errors))[:5],
            "p50_ms": round(percentile(latencies, 50) * 1000, 1), "p99_ms": round(p99 * 1000, 1),
            "max_ms": round(max(latencies, default=float("nan")) * 1000, 1),
            "slow_opened": tally.connections, "slow_dropped": tally.dropped, "slow_refused": tally.refused,
            "slow_answers": tally.answered}
