"""Operations: request ids, the /api/ask rate limit (also across processes), the answer cache,
and a smoke run of the real service under gunicorn: 2 workers, concurrent writers, killed workers,
graceful stop (the full runs are `make bench` and `make fault`)."""

from __future__ import annotations

import logging
import os
import shutil
import subprocess
import sys
import time
from datetime import date
from pathlib import Path

import pytest

from assistant.tracker import db as tracker_db
from assistant.tracker import items as model
from assistant.tracker.accounts import add_user
from assistant.tracker.updates import record_update
from assistant.web import create_app
from assistant.web.answer_cache import CachedAssistant
from assistant.web.ratelimit import SharedWindowLimiter, parse_rate

ROOT = Path(__file__).resolve().parents[1]


def make_app(db_file: Path, tmp: Path, **config) -> object:
    return create_app({"PLANES_DB": str(db_file), "PLANES_UPDATES_DB": str(tmp / "editor.db"), "TESTING": True,
                       **config})


# ---- request ids ----------------------------------------------------------------------------------------

def test_every_response_carries_a_request_id(db_file, tmp_path):
    client = make_app(db_file, tmp_path).test_client()
    first, second = client.get("/healthz"), client.get("/api/nada")
    assert len(first.headers["X-Request-ID"]) == 16 and first.headers["X-Request-ID"] != second.headers["X-Request-ID"]
    assert second.status_code == 404 and "X-Request-ID" in second.headers


def test_a_well_formed_caller_id_is_kept_and_a_bad_one_replaced(db_file, tmp_path):
    client = make_app(db_file, tmp_path).test_client()
    assert client.get("/healthz", headers={"X-Request-ID": "balanceador-42"}).headers["X-Request-ID"] == "balanceador-42"
    bad = client.get("/healthz", headers={"X-Request-ID": "x y\tz<script>"}).headers["X-Request-ID"]
    assert bad != "x y\tz<script>" and len(bad) == 16


def test_app_log_lines_carry_the_request_id(db_file, tmp_path, caplog):
    app = make_app(db_file, tmp_path)
    with caplog.at_level(logging.WARNING), app.test_request_context(headers={"X-Request-ID": "pedido-1234"}):
        app.logger.warning("algo pasó")
    assert any(r.getMessage() == "[pedido-1234] algo pasó" for r in caplog.records)


# ---- rate limit ---------------------------------------------------------------------------------------------

@pytest.mark.parametrize("text,expected", [("600/60", (600, 60)), ("10", (10, 1)), ("0", None), ("off", None),
                                           (" 5/1 ", (5, 1))])
def test_parse_rate(text, expected):
    assert parse_rate(text, "1/1") == expected


def test_parse_rate_refuses_nonsense():
    with pytest.raises(ValueError):
        parse_rate("mucho", "1/1")


def test_questions_are_limited_per_client_with_a_json_429(db_file, tmp_path):
    client = make_app(db_file, tmp_path, PLANES_ASK_RATE="3/3600").test_client()
    statuses = [client.post("/api/ask", json={"question": "avance OEI.05 2024"}).status_code for _ in range(4)]
    assert statuses == [200, 200, 200, 429]
    refused = client.post("/api/ask", json={"question": "hola"})
    assert refused.get_json()["error"]["code"] == "demasiadas_preguntas"
    assert 1 <= int(refused.headers["Retry-After"]) <= 3600
    other = client.post("/api/ask", json={"question": "hola"}, environ_base={"REMOTE_ADDR": "10.0.0.9"})
    assert other.status_code == 200  # another address has its own budget
    assert client.get("/api/search?q=avance").status_code == 200  # only /api/ask is limited


def test_limit_can_be_turned_off(db_file, tmp_path):
    client = make_app(db_file, tmp_path, PLANES_ASK_RATE="0").test_client()
    assert all(client.post("/api/ask", json={"question": "hola"}).status_code == 200 for _ in range(5))


def test_burst_then_steady_rate(tmp_path):
    limiter = SharedWindowLimiter(tmp_path / "lim", 2, 10)  # a burst of 2, then one every 5 s
    assert [limiter.hit("a", now=100.0) for _ in range(3)] == [None, None, pytest.approx(5.0)]
    assert limiter.hit("a", now=104.0) == pytest.approx(1.0)
    assert limiter.hit("a", now=105.0) is None  # one share of the window has passed
    assert limiter.hit("a", now=105.0) == pytest.approx(5.0)


def test_no_double_burst_around_a_window_boundary(tmp_path):
    limiter = SharedWindowLimiter(tmp_path / "lim", 10, 60)
    early = [limiter.hit("a", now=59.9) for _ in range(10)]
    late = [limiter.hit("a", now=60.1) for _ in range(10)]
    assert early.count(None) == 10 and late.count(None) == 0  # a fixed window would allow 20 here


def test_default_question_limit_is_a_real_limit(db_file, tmp_path):
    from assistant.web.ops import DEFAULT_ASK_RATE

    limit, window = parse_rate(DEFAULT_ASK_RATE, DEFAULT_ASK_RATE)
    assert limit / window <= 50  # per address and second, sustained: a small share of what 2 cores answer
    app = make_app(db_file, tmp_path)
    assert app.extensions["ask_limiter"].limit == limit  # on unless turned off


HAMMER = """
import sys, threading
sys.path.insert(0, {root!r})
from assistant.web.ratelimit import SharedWindowLimiter
limiter = SharedWindowLimiter({path!r}, 100, 3600)
allowed = []
def run():
    allowed.append(sum(limiter.hit("cliente", now=5000.0) is None for _ in range(60)))
threads = [threading.Thread(target=run) for _ in range(4)]
[t.start() for t in threads]; [t.join() for t in threads]
print(sum(allowed))
"""


def test_limit_holds_across_processes_and_threads(tmp_path):
    """Two processes × 4 threads × 60 hits on one key with a limit of 100: exactly 100 allowed."""
    code = HAMMER.format(root=str(ROOT), path=str(tmp_path / "lim"))
    procs = [subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, text=True) for _ in range(2)]
    allowed = [int(p.communicate(timeout=60)[0]) for p in procs]
    assert sum(allowed) == 100


def test_limiter_costs_microseconds(tmp_path):
    limiter = SharedWindowLimiter(tmp_path / "lim", 10**9, 60)
    start = time.perf_counter()
    for i in range(2000):
        limiter.hit(f"c{i % 50}")
    per_hit_us = (time.perf_counter() - start) / 2000 * 1e6
    assert per_hit_us < 200, per_hit_us  # measured ≈ 5 µs; loose bound so a busy CI machine passes


# ---- answer cache ---------------------------------------------------------------------------------------------

def test_cached_answers_equal_computed_ones_with_fresh_conversations(db_file, tmp_path):
    cached = make_app(db_file, tmp_path).extensions["assistant"]
    plain = make_app(db_file, tmp_path / "x", PLANES_ANSWER_CACHE="0").extensions["assistant"]
    assert isinstance(cached, CachedAssistant) and not isinstance(plain, CachedAssistant)
    question = "¿Cuál es el avance del OEI.05 en 2024?"
    first, second = cached.ask(question), cached.ask(question)
    assert cached.hits == 1 and first["conversation_id"] != second["conversation_id"]
    expected = plain.ask(question)
    for got in (first, second):
        assert {k: v for k, v in got.items() if k != "conversation_id"} == \
            {k: v for k, v in expected.items() if k != "conversation_id"}
    # a follow-up on a cached first turn continues that conversation (and is not cached itself)
    follow = cached.ask("¿y en el primer semestre?", second["conversation_id"])
    expected_follow = plain.ask("¿y en el primer semestre?", expected["conversation_id"])
    assert follow["answer"] == expected_follow["answer"] and cached.hits == 1


def test_cache_misses_after_a_status_update_or_a_new_index(db_file, tmp_path):
    index = tmp_path / "planes.db"
    shutil.copy(db_file, index)
    app = create_app({"PLANES_DB": str(index), "PLANES_UPDATES_DB": str(tmp_path / "editor.db"), "TESTING": True})
    cached = app.extensions["assistant"]
    question = "¿Qué recomendaciones del informe anual 2024 están en proceso?"
    cached.ask(question)
    before = cached.version()
    updates = Path(app.config["PLANES_UPDATES_DB"])
    item = model.load(cached.store, updates, date.today())[0]
    record_update(updates, item, "En proceso", "prueba de caché", "editora")
    assert cached.version() != before
    cached.ask(question)
    assert cached.hits == 0 and cached.misses == 2
    copy = tmp_path / "nuevo.db"
    shutil.copy(db_file, copy)
    os.replace(copy, index)  # what `planes ingest` does
    version = cached.version()
    assert version != before and version[0] != before[0]
    cached.ask(question)
    assert cached.misses == 3


# ---- the real service (smoke) -------------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def service(db_file, tmp_path_factory):
    """gunicorn with gunicorn.conf.py and 2 workers on a free loopback port, 2 editors."""
    from bench.fault import PASSWORD
    from bench.server import Server

    tmp = tmp_path_factory.mktemp("servicio")
    updates = tmp / "editor.db"
    names = ["editora0", "editora1"]
    for name in names:
        add_user(updates, name, PASSWORD, "editor")
    tracker_db.close_all()
    server = Server(db_file, updates, workers=2, log=tmp / "gunicorn.log",
                    env={"PLANES_ASK_RATE": "40/3600", "PLANES_PROXY_HOPS": "1"}).start()
    yield server, names
    server.stop()


def test_service_writers_and_killed_workers_lose_nothing(service):
    from bench.fault import phase_crashes, phase_writers
    from bench.server import request

    server, names = service
    recs = [i["id"] for i in request(server.port, "GET", "/api/recommendations?limit=1000")[2]["items"]]
    writers = phase_writers(server, names, recs, (4, 8))
    assert writers["ok"], writers
    crashes = phase_crashes(server, names, recs, kills=4, clients=3)
    assert crashes["ok"], crashes
    assert crashes["integrity"] == "ok" and crashes["workers_after"] == 2


def test_service_logs_requests_with_their_id_and_limits_across_workers(service):
    from bench.server import request

    server, _ = service
    status, resp, _ = request(server.port, "GET", "/healthz", headers={"X-Request-ID": "humo-123456"})
    assert status == 200 and resp.getheader("X-Request-ID") == "humo-123456"
    client = {"X-Forwarded-For": "10.1.1.1"}  # one trusted proxy in front: the client is the forwarded one
    statuses = [request(server.port, "POST", "/api/ask", {"question": "hola"}, client)[0] for _ in range(45)]
    assert statuses.count(200) == 40 and statuses[-1] == 429  # one budget, whichever worker answers
    other = {"X-Forwarded-For": "10.1.1.2"}
    assert request(server.port, "POST", "/api/ask", {"question": "hola"}, other)[0] == 200
    time.sleep(0.3)
    log = server.log_path.read_text(encoding="utf-8", errors="replace")
    assert "rid=humo-123456" in log and '"GET /healthz HTTP/1.1" 200' in log


# ---- conversations shared by the workers ------------------------------------------------------------------------

FIRST, FOLLOW = "¿Cuál es el avance del OEI.05 en 2024?", "¿y en el primer semestre?"


def test_a_follow_up_finds_its_conversation_in_another_worker(db_file, tmp_path):
    """Two app instances on the same files stand for two gunicorn workers."""
    one, two = (make_app(db_file, tmp_path).test_client() for _ in range(2))
    alone = make_app(db_file, tmp_path / "solo", PLANES_SHARED_CONVERSATIONS="0").test_client()
    expected_first = alone.post("/api/ask", json={"question": FIRST}).get_json()
    expected = alone.post("/api/ask", json={"question": FOLLOW,
                                            "conversation_id": expected_first["conversation_id"]}).get_json()
    cid = one.post("/api/ask", json={"question": FIRST}).get_json()["conversation_id"]
    got = two.post("/api/ask", json={"question": FOLLOW, "conversation_id": cid}).get_json()
    assert got["conversation_id"] == cid
    assert got["answer"] == expected["answer"]
    fresh = two.post("/api/ask", json={"question": FOLLOW}).get_json()
    assert fresh["answer"] != expected["answer"]  # without the conversation it is another question


def test_conversations_expire(tmp_path):
    from assistant.web.shared_conversations import SharedConversations

    store = SharedConversations(tmp_path / "c.db", ttl_seconds=0.05)
    cid = store.put(None, {"codes": ["OEI.05"]})
    assert store.get(cid) == {"codes": ["OEI.05"]}
    time.sleep(0.1)
    assert store.get(cid) is None and store.get("desconocida") is None


def test_service_follow_ups_find_their_conversation_whichever_worker_answers(service, db_file, tmp_path):
    from bench.server import request

    server, _ = service
    alone = make_app(db_file, tmp_path, PLANES_SHARED_CONVERSATIONS="0").test_client()
    cid = alone.post("/api/ask", json={"question": FIRST}).get_json()["conversation_id"]
    expected = alone.post("/api/ask", json={"question": FOLLOW, "conversation_id": cid}).get_json()["answer"]
    client = {"X-Forwarded-For": "10.2.2.2"}
    answers = []
    for _ in range(8):  # sync workers take one request per accept: turns land on either worker
        first = request(server.port, "POST", "/api/ask", {"question": FIRST}, client)[2]
        follow = request(server.port, "POST", "/api/ask", {"question": FOLLOW,
                                                           "conversation_id": first["conversation_id"]}, client)[2]
        answers.append(follow["answer"])
    assert answers == [expected] * 8
