"""gunicorn settings (`gunicorn -c gunicorn.conf.py wsgi:app`); each one can be set from the environment.

Worker class chosen by measurement (`python bench/load.py --compare`, 2 cores, 32 keep-alive clients
on /api/ask, median of 3 runs; docs/rendimiento.md): "sync" 3371 answers/s, p99 12.6 ms (cache off:
647/s, p99 79 ms); "gthread" with 1, 2 or 4 threads 1789-3418/s, p99 22-25 ms (cache off: 307-593/s,
p99 128-169 ms), and unstable from run to run: a gthread worker keeps the keep-alive connections it
accepted, so one worker can end up with most clients while the other idles. A sync worker takes one
request per accept, so requests spread evenly over the workers; the work is CPU-bound Python, so
threads add nothing. Sync workers must sit behind a buffering reverse proxy (nginx or similar; the
default bind is loopback): a slow client would otherwise hold a worker.
"""

import gc
import os

try:
    CORES = len(os.sched_getaffinity(0))  # the cores this container may use, not the host's
except AttributeError:
    CORES = os.cpu_count() or 1

bind = os.environ.get("GUNICORN_BIND", f"127.0.0.1:{os.environ.get('PORT', '8000')}")
workers = int(os.environ.get("WEB_CONCURRENCY") or 2 * CORES)
worker_class = os.environ.get("GUNICORN_WORKER_CLASS", "sync")
threads = int(os.environ.get("GUNICORN_THREADS", "1"))  # > 1 makes gunicorn use gthread

# The app is imported once in the master and forked, so a killed worker is back in milliseconds.
# Safe because create_app opens no database connection (tests/test_web.py checks it): each worker
# opens its own on first use.
preload_app = True

timeout = int(os.environ.get("GUNICORN_TIMEOUT", "30"))  # a worker silent this long is restarted
graceful_timeout = int(os.environ.get("GUNICORN_GRACEFUL_TIMEOUT", "20"))  # SIGTERM: finish in-flight work
keepalive = 5  # used by gthread only (GUNICORN_WORKER_CLASS=gthread); sync closes after each response
worker_tmp_dir = "/dev/shm" if os.path.isdir("/dev/shm") else None  # heartbeat file off the disk

# Request limits at the HTTP layer (the app also caps bodies at 64 KiB and questions at 2000 chars).
limit_request_line = 8190
limit_request_fields = 100
limit_request_field_size = 8190

# Logs on stdout/stderr, one access line per request with its duration and request id
# (the X-Request-ID the app returns, also prefixed to the app's own log lines).
accesslog = os.environ.get("GUNICORN_ACCESS_LOG", "-") or None
errorlog = "-"
loglevel = os.environ.get("LOG_LEVEL", "info")
access_log_format = '%(h)s "%(r)s" %(s)s %(B)s %(M)sms rid=%({x-request-id}o)s'

# Behind a reverse proxy on the same host: trust its X-Forwarded-Proto (set PLANES_PROXY_HOPS for
# the client address).
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")
proc_name = "planes"


def pre_fork(server, worker):
    """Objects the master imported are never collected: freezing them keeps the workers' garbage
    collections short and leaves those pages shared after fork."""
    if os.environ.get("PLANES_GC_FREEZE", "1") != "0":
        gc.freeze()
