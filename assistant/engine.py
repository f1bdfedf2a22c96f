"""The assistant: a question in, an exact cited answer out (the /api/ask contract)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from knowledge.records import SCHEMA
from knowledge.store import IndexMissing, Store, locator

from .conversation import Conversations
from .router import answer_question, resolver_for
from .suggestions import starters

REQUIRED_TABLES = frozenset({"documents", "lines", "passages", "passages_fts", "tables", "meta",
                             "recommendation_links", *SCHEMA})


class Assistant:
    def __init__(self, db_file: Path, updates_db: Path | None = None):
        self.store = Store(db_file)
        self.updates_db = updates_db
        self.conversations = Conversations()

    def readiness(self) -> dict[str, Any]:
        """The index opens and holds every table the service reads (documents, passages and records)."""
        try:
            docs = self.store.documents()
            present = {r["name"] for r in self.store.rows("select name from sqlite_master where type = 'table'")}
        except (IndexMissing, Exception):  # noqa: BLE001 - readiness reports, never raises
            return {"ready": False, "documents": 0, "missing_tables": []}
        missing = sorted(REQUIRED_TABLES - present)
        return {"ready": bool(docs) and not missing, "documents": len(docs), "missing_tables": missing}

    def ask(self, question: str, conversation_id: str | None = None) -> dict[str, Any]:
        state = self.conversations.get(conversation_id)
        result, new_state = answer_question(self.store, question, state, self.updates_db)
        cid = self.conversations.put(conversation_id, new_state)
        result["conversation_id"] = cid
        return result

    def starters(self) -> list[str]:
        """Example questions for the chat page, built from the index (assistant.suggestions)."""
        try:
            return starters(self.store, resolver_for(self.store), self.updates_db)
        except (IndexMissing, Exception):  # noqa: BLE001 - the page still works without examples
            return []

    def search(self, query: str, limit: int = 10) -> list[dict[str, Any]]:
        docs = {d["file"]: d for d in self.store.documents()}
        out = []
        for p in self.store.search(query, limit, snippets=True):
            out.append({
                "file": p["file"], "title": docs.get(p["file"], {}).get("title", p["file"]),
                "locator": locator(p), "line_start": p["line_start"], "line_end": p["line_end"],
                "section": p["section"], "caption": p["caption"], "snippet": p["snippet"],
                "text": p["text"], "score": round(-p["score"], 4),
            })
        return out
