"""Intent handlers: each takes a Context and returns an Answer, or None to let the next try."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from knowledge.store import Store

from ..resolve import Resolver
from ..understand import Question


@dataclass
class Context:
    store: Store
    resolver: Resolver
    q: Question
    intents: list[str]
    previous: dict[str, Any] | None = None
    updates_db: Path | None = None  # the tracker's app updates, for current statuses

    def entities(self, **extra: Any) -> dict[str, Any]:
        q = self.q
        out: dict[str, Any] = {"codes": q.codes}
        if q.aois:
            out["aoi"] = q.aois
        if q.years:
            out["years"] = q.years
        if q.semester:
            out["semester"] = q.semester
        if q.statuses:
            out["statuses"] = q.statuses
        out.update({k: v for k, v in extra.items() if v not in (None, [], "")})
        return out
