"""What `make run` starts — the real Debian nginx in front of gunicorn (`planes serve`) — against
slow, greedy and lying clients: slow headers do not stall anyone else, the connections one address
holds are bounded, a request too large or too slow is refused at the front as a JSON error, and a
client's own X-Forwarded-For never becomes its address. `make fault` runs the 60-second version."""

from __future__ import annotations

import json
import socket
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from bench import slow_clients
from bench.server import HOST, ProxiedServer, request


def _server(db_file: Path, tmp: Path, **env: str) -> ProxiedServer:
    return ProxiedServer(db_file, tmp / "editor.db", log=tmp / "serve.log",
                         env={"PLANES_ASK_RATE": "0", "GUNICORN_ACCESS_LOG": "", **env})


@pytest.fixture(scope="module")
def front(db_file, tmp_path_factory) -> Iterator[ProxiedServer]:
    server = _server(db_file, tmp_path_factory.mktemp("frente"), PLANES_CONN_PER_ADDRESS="6",
                     PLANES_HEADER_TIMEOUT="2", PLANES_BODY_TIMEOUT="2", PLANES_ASK_RATE="3/3600").start()
    yield server
    server.stop()


def test_slow_headers_do_not_stall_other_clients(db_file, tmp_path):
    server = _server(db_file, tmp_path).start()
    try:
        result = slow_clients.run(server.port, 16, 8)
    finally:
        server.stop()
    assert result["ok"], result
    assert result["questions"] > 50 and result["p99_ms"] <= 1000


def _connect(port: int, source: str) -> socket.socket:
    sock = socket.create_connection((HOST, port), timeout=5, source_address=(source, 0))
    return sock


def _status(sock: socket.socket) -> tuple[int, bytes]:
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = sock.recv(4096)
        if not chunk:
            break
        data += chunk
    head, _, rest = data.partition(b"\r\n\r\n")
    return int(head.split(b" ", 2)[1]), head + b"\r\n\r\n" + rest


def test_connections_per_address_are_bounded(front):
    source = "127.0.40.1"
    held = []
    try:
        for _ in range(6):  # requests whose body is still coming: each holds a connection
            sock = _connect(front.port, source)
            sock.sendall(b"POST /api/ask HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                         b"Content-Length: 100\r\n\r\n{")
            held.append(sock)
        time.sleep(0.3)
        extra = _connect(front.port, source)
        extra.sendall(b"GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
        status, raw = _status(extra)
        extra.close()
        assert status == 429 and b"application/json" in raw
        other = _connect(front.port, "127.0.40.2")  # another address is not affected
        other.sendall(b"GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
        assert _status(other)[0] == 200
        other.close()
    finally:
        for sock in held:
            sock.close()


def test_a_header_too_slow_is_dropped_at_the_front(front):
    sock = _connect(front.port, "127.0.41.1")
    sock.sendall(b"GET /healthz HTTP/1.1\r\nHost: x\r\n")
    start = time.monotonic()
    dropped = False
    try:
        while time.monotonic() - start < 8:
            sock.sendall(b"X")
            sock.settimeout(1)
            try:
                if sock.recv(100) == b"":
                    dropped = True
                    break
            except TimeoutError:
                continue
    except OSError:
        dropped = True
    sock.close()
    assert dropped and time.monotonic() - start < 6  # PLANES_HEADER_TIMEOUT=2 here


def test_a_body_too_large_is_a_json_413_at_the_front(front):
    status, resp, body = request(front.port, "POST", "/api/ask", {"question": "x" * 200_000})
    assert status == 413 and body["error"]["code"] == "http_413"
    assert resp.getheader("X-Content-Type-Options") == "nosniff"
    assert "La solicitud es demasiado grande" in body["error"]["message"]


def test_a_spoofed_forwarded_for_is_replaced_by_the_real_address(front):
    statuses = [request(front.port, "POST", "/api/ask", {"question": "hola"},
                        {"X-Forwarded-For": f"10.20.0.{n}", "X-Real-IP": f"10.21.0.{n}"})[0] for n in range(5)]
    assert statuses == [200, 200, 200, 429, 429]


def test_app_errors_pass_through_as_json(front):
    status, resp, body = request(front.port, "GET", "/api/search?q=")
    assert status == 400 and body["error"]["code"] and json.dumps(body)
    assert "frame-ancestors 'none'" in resp.getheader("Content-Security-Policy", "")
