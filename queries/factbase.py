"""The facts of one index, loaded once and kept in memory, indexed by subject, metric and period.

Lookups cost what they return, not what the corpus holds: every access goes through a dict keyed
by (subject, metric), (metric, period) or a stem of a sentence.
"""

from __future__ import annotations

import math
import sqlite3
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from knowledge.extract.prose_figures import content_stems
from knowledge.text import fold

Fact = dict[str, Any]


@dataclass
class FactBase:
    facts: list[Fact] = field(default_factory=list)
    by_subject_metric: dict[tuple[str, str], list[Fact]] = field(default_factory=lambda: defaultdict(list))
    by_metric_period: dict[tuple[str, str | None], list[Fact]] = field(default_factory=lambda: defaultdict(list))
    by_stem: dict[str, list[Fact]] = field(default_factory=lambda: defaultdict(list))
    stem_weight: dict[str, float] = field(default_factory=dict)
    by_indicator_metric: dict[tuple[str, str], list[Fact]] = field(default_factory=lambda: defaultdict(list))
    by_label: dict[str, list[Fact]] = field(default_factory=lambda: defaultdict(list))  # table cells by row label
    by_dimension: dict[str, list[Fact]] = field(default_factory=lambda: defaultdict(list))  # …and by what rows are

    @classmethod
    def load(cls, conn: sqlite3.Connection) -> FactBase:
        base = cls()
        cur = conn.execute("select * from facts")
        names = [d[0] for d in cur.description]
        for row in cur:
            base.add(dict(zip(names, row, strict=True)))
        base.finish()
        return base

    def add(self, fact: Fact) -> None:
        self.facts.append(fact)
        if fact.get("subject"):
            self.by_subject_metric[(fact["subject"], fact["metric"])].append(fact)
        self.by_metric_period[(fact["metric"], fact.get("period"))].append(fact)
        if fact.get("indicator_code"):
            self.by_indicator_metric[(fact["indicator_code"], fact["metric"])].append(fact)
        if fact["metric"] == "celda":
            fact["column_stems"] = frozenset(content_stems(fact.get("noun") or ""))
            fact["caption_stems"] = frozenset(content_stems(fact.get("locator") or ""))
            self.by_label[fold(fact.get("lead") or "")].append(fact)
            for s in content_stems(fact.get("indicator_name") or "")[:1]:
                self.by_dimension[s].append(fact)
        if fact["metric"] == "cifra":
            fact["stem_set"] = frozenset((fact.get("stems") or "").split())
            fact["noun_stems"] = frozenset()
            for s in fact["stem_set"]:
                self.by_stem[s].append(fact)

    def finish(self) -> None:
        sentences = {f["sentence"] for f in self.by_metric_period_all("cifra")} or {""}
        total = len(sentences)
        for s, facts in self.by_stem.items():
            df = len({f["sentence"] for f in facts})
            self.stem_weight[s] = math.log(1 + total / df)

    def by_metric_period_all(self, metric: str) -> list[Fact]:
        return [f for (m, _), facts in self.by_metric_period.items() if m == metric for f in facts]

    def of(self, subject: str, metric: str, period: str | None = None, plan: str | None = None) -> list[Fact]:
        """Facts of an objective or action (by its code), or of an indicator (by its code, IAEI…)."""
        index = self.by_indicator_metric if subject[:1] == "I" else self.by_subject_metric
        return [f for f in index.get((subject, metric), [])
                if (period is None or f.get("period") == period) and (plan is None or f.get("plan") == plan)]

    def measured(self, metric: str, period: str | None) -> list[Fact]:
        return list(self.by_metric_period.get((metric, period), []))

    def cells_labelled(self, words: list[str], longest: int = 4) -> dict[str, list[Fact]]:
        """Table cells whose row label is a run of the question's (folded) words: "europa", "america"."""
        found: dict[str, list[Fact]] = {}
        for n in range(1, longest + 1):
            for i in range(len(words) - n + 1):
                label = " ".join(words[i:i + n])
                if label in self.by_label:
                    found[label] = self.by_label[label]
        return found

    def figures_with(self, stems: set[str]) -> list[Fact]:
        """Prose figures whose sentence holds at least one of ``stems``."""
        seen: dict[int, Fact] = {}
        for s in stems:
            for f in self.by_stem.get(s, ()):
                seen[id(f)] = f
        return list(seen.values())
