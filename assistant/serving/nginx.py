"""The nginx in front of gunicorn: an event loop that reads every request in full before a gunicorn
worker sees it, so a slow or idle client costs a few kilobytes and no worker. It also bounds what
one client may hold: header and body read timeouts, connections per address and the body size.

Settings (environment, defaults in the README):
- PLANES_HEADER_TIMEOUT / PLANES_BODY_TIMEOUT: seconds to receive the whole header / between two
  reads of the body (default 10 each); a slower client gets 408 and is dropped.
- PLANES_CONN_PER_ADDRESS: open connections per client address (default 100: an office behind one
  NAT address stays served; one machine cannot hold thousands); more get 429.
- PLANES_MAX_BODY: request body limit at the front (default 64k, the app's own limit).
"""

from __future__ import annotations

import json
import os
import shutil
from dataclasses import dataclass
from pathlib import Path

NGINX_CANDIDATES = ("nginx", "/usr/sbin/nginx")

TEMPLATE = """# Written by `planes serve`; edits are overwritten on the next start.
worker_processes 1;
pid {run}/nginx.pid;
error_log {run}/nginx-error.log warn;
{user}
events {{
    worker_connections {worker_connections};
}}
http {{
    access_log off;  # gunicorn logs every request, with its id
    server_tokens off;
    client_body_temp_path {run}/nginx-body;
    proxy_temp_path {run}/nginx-proxy;
    fastcgi_temp_path {run}/nginx-fastcgi;
    uwsgi_temp_path {run}/nginx-uwsgi;
    scgi_temp_path {run}/nginx-scgi;

    # Slow or idle clients: a deadline for the whole header, for each body read, for each write.
    client_header_timeout {header_timeout}s;
    client_body_timeout {body_timeout}s;
    send_timeout {body_timeout}s;
    keepalive_timeout 15s;
    keepalive_requests 10000;
    reset_timedout_connection on;
    client_header_buffer_size 1k;
    large_client_header_buffers 4 8k;
    client_max_body_size {max_body};
    client_body_buffer_size {max_body};

    limit_conn_zone $binary_remote_addr zone=per_address:10m;
    limit_conn per_address {conn_per_address};
    limit_conn_status 429;

    upstream planes_app {{
        server unix:{socket} fail_timeout=0;
    }}
    server {{
        listen {host}:{port} backlog=4096;
{error_pages}
        location / {{
            proxy_pass http://planes_app;
            proxy_set_header Host $http_host;
            # The address nginx saw replaces whatever the client sent: PLANES_PROXY_HOPS=1 trusts only it.
            proxy_set_header X-Forwarded-For $remote_addr;
            proxy_set_header X-Forwarded-Proto $scheme;
            proxy_request_buffering on;
            proxy_buffering on;
            proxy_buffers 16 16k;
            proxy_connect_timeout 5s;
            proxy_read_timeout 60s;
        }}
    }}
}}
"""


# nginx's own refusals, as the JSON errors of the API (Spanish, {"error": {code, message}}).
ERRORS = {
    408: "La solicitud tardó demasiado en llegar.",
    413: "La solicitud es demasiado grande.",
    429: "Demasiadas conexiones abiertas desde esta dirección; intente más tarde.",
    502: "El servicio no está disponible en este momento; intente de nuevo en unos segundos.",
    503: "El servicio no está disponible en este momento; intente de nuevo en unos segundos.",
    504: "El servicio tardó demasiado en responder; intente de nuevo.",
}
SECURITY_HEADERS = (("Content-Security-Policy", "default-src 'none'; frame-ancestors 'none'"),
                    ("X-Content-Type-Options", "nosniff"), ("X-Frame-Options", "DENY"),
                    ("Referrer-Policy", "same-origin"))


def _error_pages() -> str:
    lines = []
    for status, message in ERRORS.items():
        body = json.dumps({"error": {"code": f"http_{status}", "message": message}}, ensure_ascii=False)
        headers = " ".join(f'add_header {name} "{value}" always;' for name, value in SECURITY_HEADERS)
        lines.append(f"        error_page {status} /.planes-error-{status};")
        lines.append(f"        location = /.planes-error-{status} {{ internal; default_type application/json; "
                     f"charset utf-8; {headers} return {status} '{body}'; }}")
    return "\n".join(lines)


@dataclass(frozen=True)
class FrontSettings:
    host: str = "127.0.0.1"
    port: int = 8000
    header_timeout: int = 10
    body_timeout: int = 10
    conn_per_address: int = 100
    max_body: str = "64k"
    worker_connections: int = 8192

    @classmethod
    def from_env(cls) -> FrontSettings:
        env = os.environ
        return cls(host=env.get("PLANES_HOST", "127.0.0.1"), port=int(env.get("PORT", "8000")),
                   header_timeout=int(env.get("PLANES_HEADER_TIMEOUT", "10")),
                   body_timeout=int(env.get("PLANES_BODY_TIMEOUT", "10")),
                   conn_per_address=int(env.get("PLANES_CONN_PER_ADDRESS", "100")),
                   max_body=env.get("PLANES_MAX_BODY", "64k"))


def find_nginx() -> str | None:
    override = os.environ.get("PLANES_NGINX")
    if override:
        return override if Path(override).exists() or shutil.which(override) else None
    for candidate in NGINX_CANDIDATES:
        found = shutil.which(candidate) or (candidate if Path(candidate).is_file() else None)
        if found:
            return found
    return None


def write_config(run_dir: Path, socket: Path, settings: FrontSettings) -> Path:
    # As root, nginx's workers drop to nobody: the socket folder must let them through.
    user = "user nobody nogroup;" if os.geteuid() == 0 else ""
    text = TEMPLATE.format(run=run_dir, user=user, socket=socket, error_pages=_error_pages(), **settings.__dict__)
    path = run_dir / "nginx.conf"
    path.write_text(text, encoding="utf-8")
    return path
