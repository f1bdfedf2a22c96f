"""A per-worker cache of first-turn answers, so a repeated question costs a lookup, not a computation.

An answer depends only on the question, the conversation so far, the index file, the app's status
updates (they change current statuses) and today's date (overdue recommendations). Only first
turns (no conversation state) are cached; the key carries the question and a version made of the
index file's identity, the last status update's id (updates are append-only, so the id moves on
every write) and the date. A re-ingest, a status update or midnight therefore make every older
entry unreachable; nothing has to be invalidated by hand. Entries are kept as JSON text so no
caller can change a cached answer in place.
"""

from __future__ import annotations

import json
import sqlite3
import threading
from collections import OrderedDict
from datetime import date
from typing import Any

from ..tracker import db as tracker_db

DEFAULT_SIZE = 1024


class CachedAssistant:
    """Wraps an Assistant: ``ask`` is cached, everything else is delegated unchanged."""

    def __init__(self, inner: Any, size: int = DEFAULT_SIZE):
        self._inner = inner
        self.size = size
        self._items: OrderedDict[tuple, tuple[str, Any]] = OrderedDict()
        self._lock = threading.Lock()
        self.hits = self.misses = 0

    def __getattr__(self, name: str) -> Any:
        return getattr(self._inner, name)

    def version(self) -> tuple | None:
        """What every answer depends on besides the question; None when it cannot be read."""
        try:
            stat = self._inner.store.db_file.stat()
            last_update = 0
            if self._inner.updates_db is not None:
                row = tracker_db.connect(self._inner.updates_db).execute(
                    "select max(id) from status_updates").fetchone()
                last_update = row[0] or 0
        except (OSError, sqlite3.Error):
            return None
        return stat.st_ino, stat.st_mtime_ns, stat.st_size, last_update, date.today().toordinal()

    def ask(self, question: str, conversation_id: str | None = None) -> dict[str, Any]:
        conversations = self._inner.conversations
        if self.size <= 0 or conversations.get(conversation_id) is not None:
            return self._inner.ask(question, conversation_id)
        version = self.version()
        if version is None:
            return self._inner.ask(question, conversation_id)
        key = (question, version)
        with self._lock:
            cached = self._items.get(key)
            if cached is not None:
                self._items.move_to_end(key)
                self.hits += 1
        if cached is not None:
            body, state = cached
            result = json.loads(body)
            result["conversation_id"] = conversations.put(conversation_id, state)
            return result
        result = self._inner.ask(question, conversation_id)
        state = conversations.get(result["conversation_id"])
        try:
            body = json.dumps({k: v for k, v in result.items() if k != "conversation_id"}, ensure_ascii=False)
        except (TypeError, ValueError):  # not plain JSON: serve it, do not cache it
            return result
        with self._lock:
            self.misses += 1
            self._items[key] = (body, state)
            while len(self._items) > self.size:
                self._items.popitem(last=False)
        return result
