"""Server-side conversation memory: bounded, expiring, per process."""

from __future__ import annotations

import secrets
import threading
import time
from collections import OrderedDict
from typing import Any


class Conversations:
    def __init__(self, max_items: int = 5000, ttl_seconds: float = 3600):
        self.max_items = max_items
        self.ttl = ttl_seconds
        self._items: OrderedDict[str, tuple[float, dict[str, Any]]] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, conversation_id: str | None) -> dict[str, Any] | None:
        if not conversation_id:
            return None
        with self._lock:
            item = self._items.get(conversation_id)
            if not item or time.monotonic() - item[0] > self.ttl:
                self._items.pop(conversation_id, None)
                return None
            return item[1]

    def put(self, conversation_id: str | None, state: dict[str, Any]) -> str:
        cid = conversation_id or secrets.token_urlsafe(12)
        with self._lock:
            self._items[cid] = (time.monotonic(), state)
            self._items.move_to_end(cid)
            while len(self._items) > self.max_items:
                self._items.popitem(last=False)
        return cid
