"""The assistant: a question in, an exact cited answer out (the /api/ask contract)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from knowledge.store import IndexMissing, Store, locator

from .conversation import Conversations
from .router import answer_question


class Assistant:
    def __init__(self, db_file: Path, updates_db: Path | None = None):
        self.store = Store(db_file)
        self.updates_db = updates_db
        self.conversations = Conversations()

    def readiness(self) -> dict[str, Any]:
        try:
            docs = self.store.documents()
        except (IndexMissing, Exception):  # noqa: BLE001 - readiness reports, never raises
            return {"ready": False, "documents": 0}
        return {"ready": bool(docs), "documents": len(docs)}

    def ask(self, question: str, conversation_id: str | None = None) -> dict[str, Any]:
        state = self.conversations.get(conversation_id)
        result, new_state = answer_question(self.store, question, state, self.updates_db)
        cid = self.conversations.put(conversation_id, new_state)
        result["conversation_id"] = cid
        return result

    def search(self, query: str, limit: int = 10) -> list[dict[str, Any]]:
        docs = {d["file"]: d for d in self.store.documents()}
        out = []
        for p in self.store.search(query, limit):
            out.append({
                "file": p["file"], "title": docs.get(p["file"], {}).get("title", p["file"]),
                "locator": locator(p), "line_start": p["line_start"], "line_end": p["line_end"],
                "section": p["section"], "caption": p["caption"], "snippet": p["snippet"],
                "text": p["text"], "score": round(-p["score"], 4),
            })
        return out
