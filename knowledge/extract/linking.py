"""Link recommendations across reports (delegates to the follow-up extractor when present)."""

from __future__ import annotations


def link_recommendations(rows: list[dict]) -> list[dict]:
    try:
        from .evaluation_followup import link_recommendations as impl
    except ImportError:
        return []
    return impl(rows)
