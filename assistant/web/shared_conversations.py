"""Conversation memory shared by every gunicorn worker.

The assistant's own memory (assistant/conversation.py) lives in one process; under gunicorn a
follow-up ("¿y en el primer semestre?") reaches any worker, so with N workers it would find its
conversation only 1 time in N. Here the state is kept in a small SQLite file next to the editor
database, which every worker reads: same get/put interface, same expiry.

The file only holds what the workers themselves wrote (mode 0600, never user-supplied bytes), so
the state is stored with pickle. Losing it costs only follow-up context, so writes skip the fsync
(synchronous=OFF, WAL). When the file cannot be used the answer is still given: the state goes to
the process's own memory instead.
"""

from __future__ import annotations

import os
import pickle
import random
import secrets
import sqlite3
import threading
import time
from pathlib import Path
from typing import Any

from ..conversation import Conversations
from ..private_files import private_sqlite

SCHEMA = "create table if not exists conversations (id text primary key, at real not null, state blob not null)"


class SharedConversations:
    def __init__(self, path: Path | str, ttl_seconds: float = 3600):
        self.path = Path(path)
        self.ttl = ttl_seconds
        self._local = threading.local()
        self._fallback = Conversations(ttl_seconds=ttl_seconds)

    def _conn(self) -> sqlite3.Connection:
        conn = getattr(self._local, "conn", None)
        if conn is None or self._local.pid != os.getpid():  # never a connection inherited across fork
            private_sqlite(self.path)
            conn = sqlite3.connect(self.path, isolation_level=None, timeout=5)
            conn.execute("pragma journal_mode = wal")
            conn.execute("pragma synchronous = off")
            conn.execute(SCHEMA)
            self._local.conn, self._local.pid = conn, os.getpid()
        return conn

    def get(self, conversation_id: str | None) -> dict[str, Any] | None:
        if not conversation_id:
            return None
        try:
            row = self._conn().execute("select at, state from conversations where id = ?",
                                       (conversation_id,)).fetchone()
        except sqlite3.Error:
            return self._fallback.get(conversation_id)
        if row is None or time.time() - row[0] > self.ttl:
            return self._fallback.get(conversation_id)
        try:
            return pickle.loads(row[1])
        except Exception:  # noqa: BLE001 - a state written by another version of the code: start over
            return None

    def put(self, conversation_id: str | None, state: dict[str, Any]) -> str:
        cid = conversation_id or secrets.token_urlsafe(12)
        try:
            conn = self._conn()
            conn.execute("insert or replace into conversations (id, at, state) values (?, ?, ?)",
                         (cid, time.time(), pickle.dumps(state, protocol=pickle.HIGHEST_PROTOCOL)))
            if random.random() < 0.001:  # now and then, forget expired conversations
                conn.execute("delete from conversations where at < ?", (time.time() - self.ttl,))
        except (sqlite3.Error, pickle.PicklingError, TypeError, AttributeError):
            return self._fallback.put(cid, state)
        return cid
