"""The editor database (PLANES_UPDATES_DB): accounts, status updates and sign-in attempts.

It lives apart from the index so `planes ingest` can swap the index without touching it.
Every write runs in ``BEGIN IMMEDIATE`` (the write lock is taken before anything is read, so two
workers can never both read and then write); WAL lets readers go on while one writer commits;
``busy_timeout`` makes a writer wait for the lock instead of failing; ``synchronous=FULL`` makes
an acknowledged update survive a power cut, not only a killed process — writes here are human
paced, so the extra fsync per commit costs nothing that matters.
No connection is opened at import time: the first use in each process (after gunicorn forks)
opens one per thread.
"""

from __future__ import annotations

import os
import sqlite3
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from ..private_files import private_sqlite

SCHEMA_VERSION = 2

SCHEMA = """
create table if not exists users (
    id integer primary key,
    name text not null unique collate nocase,
    role text not null,
    password_hash text not null,
    active integer not null default 1,
    session_epoch integer not null default 0,
    created_at text not null,
    updated_at text not null
);
create table if not exists status_updates (
    id integer primary key,
    rec_key text not null,
    text_key text not null,
    report_kind text,
    report_period text,
    list_kind text,
    number integer,
    rec_text text,
    status text not null,
    comment text not null,
    user_name text not null,
    created_at text not null,
    idempotency_key text,
    request_hash text not null
);
create unique index if not exists status_updates_idempotency
    on status_updates(user_name, idempotency_key) where idempotency_key is not null;
create index if not exists status_updates_rec on status_updates(rec_key, text_key);
create index if not exists status_updates_text on status_updates(text_key);
create table if not exists signin_throttle (
    key text primary key,
    failures integer not null,
    last_at real not null,
    not_before real not null
);
create table if not exists sessions (
    id_hash text primary key,
    user_name text not null collate nocase,
    epoch integer not null,
    created_at real not null,
    expires_at real not null
);
create index if not exists sessions_user on sessions(user_name);
drop table if exists signin_failures;
"""

BUSY_TIMEOUT_MS = 10_000

_local = threading.local()


def connect(path: Path | str) -> sqlite3.Connection:
    """This thread's connection to the editor database (created with its schema on first use)."""
    path = Path(path)
    key = (os.getpid(), str(path))  # a connection must never cross a fork
    conns = getattr(_local, "conns", None)
    if conns is None:
        conns = _local.conns = {}
    conn = conns.get(key)
    if conn is None:
        conn = _open(path)
        conns[key] = conn
    return conn


def _open(path: Path) -> sqlite3.Connection:
    private_sqlite(path)  # password hashes and sessions: owner-only, like every other secret file
    # isolation_level=None: no implicit transactions; every write says BEGIN IMMEDIATE itself.
    conn = sqlite3.connect(path, isolation_level=None, timeout=BUSY_TIMEOUT_MS / 1000)
    conn.row_factory = sqlite3.Row
    conn.execute(f"pragma busy_timeout = {BUSY_TIMEOUT_MS}")
    conn.execute("pragma journal_mode = wal")
    conn.execute("pragma synchronous = full")
    if conn.execute("pragma user_version").fetchone()[0] < SCHEMA_VERSION:
        with write(conn):
            for statement in SCHEMA.split(";"):
                if statement.strip():
                    conn.execute(statement)
            conn.execute(f"pragma user_version = {SCHEMA_VERSION}")
    return conn


@contextmanager
def write(conn: sqlite3.Connection) -> Iterator[sqlite3.Connection]:
    """A write transaction that holds the database's write lock from its first statement."""
    conn.execute("begin immediate")
    try:
        yield conn
    except BaseException:
        conn.execute("rollback")
        raise
    conn.execute("commit")


def close_all() -> None:
    """Close this thread's connections (tests that delete the file call this first)."""
    for conn in getattr(_local, "conns", {}).values():
        conn.close()
    _local.conns = {}
