"""The facts of one index, read through SQLite indexes: lookups cost what they return, not what the
corpus holds. Every access is keyed by (subject, metric), (indicator code, metric), (metric, period),
the metric alone, a stem of a sentence (``fact_stems``), a table cell's row label (``fact_labels``)
or what its rows are (``fact_dimensions``); the key lists and the stem weights were computed at
ingest (``knowledge.derived``), so nothing here loads the facts table whole.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator, Mapping
from typing import Any

from knowledge.extract.prose_figures import content_stems

Fact = dict[str, Any]

MAX_KEYS = 64  # words of a question looked up at once (a question never holds more content words)


class FactBase:
    def __init__(self, conn: sqlite3.Connection):
        self.conn = conn
        self.stem_weight: dict[str, float] = dict(conn.execute("select stem, weight from stem_weights"))
        keys = conn.execute("select metric, period from fact_keys order by metric, period").fetchall()
        self.by_metric_period: Mapping[tuple[str, str | None], list[Fact]] = _Keyed(
            keys, lambda k: self.measured(*k))
        subjects = conn.execute("select subject, metric from fact_subject_keys order by subject, metric").fetchall()
        self.by_subject_metric: Mapping[tuple[str, str], list[Fact]] = _Keyed(
            subjects, lambda k: self._facts("subject = ? and metric = ?", k))
        dimensions = [d for (d,) in conn.execute("select distinct dimension from fact_dimensions")]
        self.by_dimension: Mapping[str, list[Fact]] = _Keyed(
            dimensions, lambda d: self._facts("id in (select fact_id from fact_dimensions where dimension = ?)", (d,)))

    @classmethod
    def load(cls, conn: sqlite3.Connection) -> FactBase:
        return cls(conn)

    def _facts(self, where: str, params: tuple) -> list[Fact]:
        cur = self.conn.execute(f"select * from facts where {where} order by id", params)
        names = [d[0] for d in cur.description]
        return [_decorate(dict(zip(names, row, strict=True))) for row in cur]

    def of(self, subject: str, metric: str, period: str | None = None, plan: str | None = None) -> list[Fact]:
        """Facts of an objective or action (by its code), or of an indicator (by its code, IAEI…)."""
        column = "indicator_code" if subject[:1] == "I" else "subject"
        where, params = f"{column} = ? and metric = ?", [subject, metric]
        if period is not None:
            where += " and period = ?"
            params.append(period)
        if plan is not None:
            where += " and plan = ?"
            params.append(plan)
        return self._facts(where, tuple(params))

    def measured(self, metric: str, period: str | None) -> list[Fact]:
        return self._facts("metric = ? and period is ?", (metric, period))

    def by_metric_period_all(self, metric: str) -> list[Fact]:
        return self._facts("metric = ?", (metric,))

    def cells_labelled(self, words: list[str], longest: int = 4) -> dict[str, list[Fact]]:
        """Table cells whose row label is a run of the question's (folded) words: "europa", "america"."""
        runs = list(dict.fromkeys(" ".join(words[i:i + n]) for n in range(1, longest + 1)
                                  for i in range(len(words) - n + 1)))[:MAX_KEYS * 4]
        if not runs:
            return {}
        marks = ",".join("?" * len(runs))
        cur = self.conn.execute(f"select l.label, f.* from fact_labels l join facts f on f.id = l.fact_id "
                                f"where l.label in ({marks}) order by f.id", runs)
        names = [d[0] for d in cur.description][1:]
        found: dict[str, list[Fact]] = {}
        for label, *row in cur:
            found.setdefault(label, []).append(_decorate(dict(zip(names, row, strict=True))))
        return {run: found[run] for run in runs if run in found}

    def figures_with(self, stems: set[str], file: str | None = None, plan: str | None = None) -> list[Fact]:
        """Prose figures whose sentence holds at least one of ``stems`` (optionally of one document
        or plan: filtered in SQL, so a question about one report costs what that report holds)."""
        wanted = sorted(stems)[:MAX_KEYS]
        if not wanted:
            return []
        where = f"id in (select fact_id from fact_stems where stem in ({','.join('?' * len(wanted))}))"
        params = list(wanted)
        for column, value in (("file", file), ("plan", plan)):
            if value is not None:
                where += f" and {column} = ?"
                params.append(value)
        return self._facts(where, tuple(params))


def _decorate(fact: Fact) -> Fact:
    """The stem sets the answer handlers compare against, as the in-memory fact base kept them."""
    if fact["metric"] == "celda":
        fact["column_stems"] = frozenset(content_stems(fact.get("noun") or ""))
        fact["caption_stems"] = frozenset(content_stems(fact.get("locator") or ""))
    elif fact["metric"] == "cifra":
        fact["stem_set"] = frozenset((fact.get("stems") or "").split())
        fact["noun_stems"] = frozenset()
    return fact


class _Keyed(Mapping):
    """A mapping whose keys were listed at ingest and whose values are queried on access."""

    def __init__(self, keys: list, fetch):
        self._keys = [tuple(k) if isinstance(k, (list, tuple, sqlite3.Row)) else k for k in keys]
        self._set = set(self._keys)
        self._fetch = fetch

    def __getitem__(self, key) -> list[Fact]:
        if key not in self._set:
            raise KeyError(key)
        return self._fetch(key)

    def __iter__(self) -> Iterator:
        return iter(self._keys)

    def __len__(self) -> int:
        return len(self._keys)

    def __contains__(self, key: object) -> bool:
        return key in self._set
