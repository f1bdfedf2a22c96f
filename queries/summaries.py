"""Summaries and comparisons over the measured facts, each figure with its provenance and a
Spanish ``explain`` saying how it was obtained.

Inputs are plain row dicts as ``Store.rows`` returns them (``measurements``, ``targets``,
``indicators``, ``documents``); ``load_*`` helpers read them from a Store. Nothing here knows a
particular report: the avance of an action is the one the report prints (summary table first,
then the indicator table or the prose), and levels come from ``queries.levels``.

Main entry points (all pure):

- ``action_statuses(rows, rule)``: per AEI of a report, avance PEI and POI, their gap and levels;
- ``oei_rollups(rows, rule)``: per OEI, its actions, averages and counts per level (computed and,
  where the report prints them, printed);
- ``level_counts(statuses)``, ``poi_pei_gaps(statuses)``, ``ranking(statuses, ...)``;
- ``compare_periods(rows, documents)`` and ``largest_falls(changes)``: the same action in two
  reports of the same plan (e.g. 2024-S1 vs 2024);
- ``trends(rows)`` and ``largest_changes(trends, year)``: yearly series (PESEM) with year-on-year change;
- ``targets_by_year(targets, indicators)`` and ``distance_to_target(value, target, sentido)``;
- ``low_pei_despite_high_poi(statuses, rule)`` and ``without_measurable_progress(statuses)``: the
  computed critical views; ``reported_critical(rows)``: the actions a report names as critical.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import asdict, dataclass, field
from statistics import mean
from typing import Any

from knowledge.records import json_list
from knowledge.store import Store

from .ceplan import avance_tipo1, normalise_sentido
from .levels import LevelRule

Row = dict[str, Any]

# Which printed figure stands for an action's avance, in order of preference.
PEI_METRICS = ("avance_pei", "avance_corregido", "avance_tipo1", "avance")
POI_METRICS = ("avance_poi", "ejecucion_fisica")
NON_VALUE_HINT = "valor no calculable impreso"


# ---- provenance -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Source:
    """Where a figure is printed: file, 1-based inclusive lines and table caption or section."""

    file: str
    line_start: int
    line_end: int
    locator: str = ""

    @classmethod
    def of(cls, row: Row) -> Source:
        return cls(
            row["file"],
            int(row["line_start"]),
            int(row.get("line_end") or row["line_start"]),
            row.get("locator") or "",
        )

    @classmethod
    def span(cls, rows: list[Row]) -> Source | None:
        """One source covering several rows of the same file (their line range, their captions)."""
        rows = [r for r in rows if r.get("file")]
        if not rows:
            return None
        locators = list(dict.fromkeys(r.get("locator") or "" for r in rows if r.get("locator")))
        return cls(
            rows[0]["file"],
            min(int(r["line_start"]) for r in rows),
            max(int(r.get("line_end") or r["line_start"]) for r in rows),
            "; ".join(locators),
        )

    def cite(self) -> str:
        lines = (
            f"línea {self.line_start}"
            if self.line_start == self.line_end
            else f"líneas {self.line_start}-{self.line_end}"
        )
        where = f"{self.locator}, " if self.locator else ""
        return f"{self.file}, {where}{lines}"

    def as_dict(self) -> dict:
        return asdict(self)


def fmt(v: float | None, decimals: int | None = None) -> str:
    """A figure as Spanish text would show it (dot decimals kept, as the reports print them)."""
    if v is None:
        return "sin dato"
    if decimals is not None:
        return f"{v:.{decimals}f}"
    if float(v).is_integer():
        return str(int(v))
    return f"{v:.2f}".rstrip("0").rstrip(".")


def parent_code(code: str | None) -> str | None:
    """AEI.01.03 → OEI.01, AES.02.05 → OES.02."""
    if not code:
        return None
    parts = code.split(".")
    if len(parts) == 3 and parts[0] in ("AEI", "AES"):
        return f"{'OEI' if parts[0] == 'AEI' else 'OES'}.{parts[1]}"
    return None


def period_key(period: str | None) -> tuple[int, int]:
    """2024-S1 < 2024-S2 < 2024 (an annual report closes its year)."""
    m = re.fullmatch(r"((?:19|20)\d\d)(?:-(S|T)(\d))?", (period or "").strip(), re.I)
    if not m:
        return (0, 0)
    if not m.group(2):
        return (int(m.group(1)), 12)
    step = 6 if m.group(2).upper() == "S" else 3
    return (int(m.group(1)), int(m.group(3)) * step)


# ---- loading --------------------------------------------------------------------------------


def load(store: Store, table: str, **where: Any) -> list[Row]:
    """Rows of a record table, filtered by equality on the given columns, in document order."""
    allowed = {
        "measurements",
        "targets",
        "indicators",
        "entities",
        "activities",
        "critical_actions",
        "recommendations",
        "statements",
        "documents",
    }
    if table not in allowed:
        raise ValueError(f"tabla desconocida: {table}")
    clauses, params = [], []
    for column, value in where.items():
        if not re.fullmatch(r"[a-z_]+", column):
            raise ValueError(f"columna inválida: {column}")
        clauses.append(f"{column} = ?")
        params.append(value)
    sql = f"select * from {table}" + (f" where {' and '.join(clauses)}" if clauses else "")
    order = " order by file" if table == "documents" else " order by file, line_start, id"
    return store.rows(sql + order, tuple(params))


# ---- per-action status ------------------------------------------------------------------------


@dataclass
class Figure:
    """One printed figure, picked from the rows, with the metric it came from."""

    value: float | None
    raw: str
    metric: str
    source: Source

    def as_dict(self) -> dict:
        return asdict(self)


@dataclass
class ActionStatus:
    owner: str
    period: str | None
    file: str
    pei: Figure | None
    poi: Figure | None
    level_pei: str | None = None
    level_poi: str | None = None
    gap: float | None = None  # PEI − POI, in percentage points
    explain: str = ""

    @property
    def oei(self) -> str | None:
        return parent_code(self.owner)

    def as_dict(self) -> dict:
        d = asdict(self)
        d["oei"] = self.oei
        return d


def _pick(rows: list[Row], metrics: tuple[str, ...]) -> Figure | None:
    """The preferred printed figure among rows: by metric order, then document order; a printed
    non-value (NC) counts as printed, so a later table cannot silently replace it."""
    for metric in metrics:
        found = [r for r in rows if r.get("metric") == metric]
        if found:
            r = found[0]
            return Figure(r.get("value"), r.get("raw") or "", metric, Source.of(r))
    return None


def action_statuses(rows: list[Row], rule: LevelRule | None = None) -> list[ActionStatus]:
    """Per AEI/AES of one report (``rows``: its measurement rows): avance PEI and POI as printed,
    the gap PEI − POI and each one's level under ``rule``."""
    by_owner: dict[str, list[Row]] = defaultdict(list)
    for r in rows:
        owner = r.get("owner") or ""
        if owner.startswith(("AEI.", "AES.")):
            by_owner[owner].append(r)
    out = []
    for owner in sorted(by_owner):
        group = by_owner[owner]
        pei, poi = _pick(group, PEI_METRICS), _pick(group, POI_METRICS)
        if pei is None and poi is None:
            continue
        first = group[0]
        status = ActionStatus(owner, first.get("period"), first["file"], pei, poi)
        if pei and poi and pei.value is not None and poi.value is not None:
            status.gap = round(pei.value - poi.value, 6)
        if rule is not None:
            status.level_pei = rule.level(pei.value) if pei else None
            status.level_poi = rule.level(poi.value) if poi else None
        status.explain = _status_text(status)
        out.append(status)
    return out


def _status_text(s: ActionStatus) -> str:
    parts = []
    if s.pei:
        shown = fmt(s.pei.value) + "%" if s.pei.value is not None else f"«{s.pei.raw}» (no calculable)"
        parts.append(f"avance PEI {shown} ({s.pei.source.cite()})")
    if s.poi:
        shown = fmt(s.poi.value) + "%" if s.poi.value is not None else f"«{s.poi.raw}»"
        parts.append(f"avance POI (ejecución física) {shown} ({s.poi.source.cite()})")
    text = f"{s.owner} en {s.period or 'el informe'}: " + "; ".join(parts)
    if s.gap is not None:
        text += (
            f". Brecha PEI − POI = {fmt(s.pei.value)} − {fmt(s.poi.value)} = {fmt(s.gap)} puntos porcentuales"
        )
    if s.level_pei:
        text += f". Nivel PEI: {s.level_pei}"
    return text + "."


# ---- roll-ups and counts ------------------------------------------------------------------------


@dataclass
class OeiRollup:
    oei: str
    period: str | None
    file: str
    actions: list[str]
    mean_pei: float | None
    mean_poi: float | None
    counts: dict[str, list[str]]  # level -> AEI codes (computed with the rule)
    printed_counts: dict[str, float | None] = field(default_factory=dict)  # as the report prints them
    printed_counts_source: Source | None = None
    avance: Figure | None = None  # the OEI's own indicator avance, when printed
    level_printed: str | None = None
    explain: str = ""

    def as_dict(self) -> dict:
        return asdict(self)


def level_counts(statuses: list[ActionStatus], which: str = "pei") -> dict[str, list[str]]:
    """AEI codes per level (alto, medio, bajo, and "sin nivel" when no value or no cut-off)."""
    counts: dict[str, list[str]] = {"alto": [], "medio": [], "bajo": [], "sin nivel": []}
    for s in statuses:
        level = s.level_pei if which == "pei" else s.level_poi
        counts.setdefault(level or "sin nivel", []).append(s.owner)
    return counts


def oei_rollups(rows: list[Row], rule: LevelRule | None = None) -> list[OeiRollup]:
    """Per OEI of one report: its actions' mean avance PEI/POI, AEI counts per level computed with
    ``rule``, the counts the report prints (aei_alto/aei_medio/aei_bajo/aei_total) and the OEI's
    own avance and level where printed."""
    statuses = action_statuses(rows, rule)
    by_oei: dict[str, list[ActionStatus]] = defaultdict(list)
    for s in statuses:
        if s.oei:
            by_oei[s.oei].append(s)
    oei_rows: dict[str, list[Row]] = defaultdict(list)
    for r in rows:
        if (r.get("owner") or "").startswith(("OEI.", "OES.")):
            oei_rows[r["owner"]].append(r)
    out = []
    for oei in sorted(set(by_oei) | set(oei_rows)):
        acts = by_oei.get(oei, [])
        own = oei_rows.get(oei, [])
        peis = [s.pei.value for s in acts if s.pei and s.pei.value is not None]
        pois = [s.poi.value for s in acts if s.poi and s.poi.value is not None]
        printed = {r["metric"][4:]: r.get("value") for r in own if r.get("metric", "").startswith("aei_")}
        printed_src = Source.span([r for r in own if r.get("metric", "").startswith("aei_")])
        avance = _pick(own, ("avance_tipo1", "avance_pei", "avance"))
        level_row = next((r for r in own if r.get("metric") == "nivel"), None)
        first = (acts[0].file, acts[0].period) if acts else (own[0]["file"], own[0].get("period"))
        roll = OeiRollup(
            oei,
            first[1],
            first[0],
            [s.owner for s in acts],
            round(mean(peis), 6) if peis else None,
            round(mean(pois), 6) if pois else None,
            level_counts(acts),
            printed,
            printed_src,
            avance,
            (level_row or {}).get("raw"),
        )
        roll.explain = _rollup_text(roll, len(peis), len(pois), rule)
        out.append(roll)
    return out


def _rollup_text(r: OeiRollup, n_pei: int, n_poi: int, rule: LevelRule | None) -> str:
    parts = [f"{r.oei} ({r.period or 'informe'}): {len(r.actions)} acciones con avance en el informe"]
    if r.avance and r.avance.value is not None:
        parts.append(f"avance del indicador del objetivo {fmt(r.avance.value)}% ({r.avance.source.cite()})")
    if r.level_printed:
        parts.append(f"nivel según el informe: {r.level_printed}")
    if r.mean_pei is not None:
        parts.append(f"promedio simple del avance PEI de {n_pei} acciones = {fmt(round(r.mean_pei, 2))}%")
    if r.mean_poi is not None:
        parts.append(f"promedio simple del avance POI de {n_poi} acciones = {fmt(round(r.mean_poi, 2))}%")
    if r.actions and rule is not None and rule.declared:
        counted = ", ".join(f"{k}: {len(v)}" for k, v in r.counts.items() if v)
        parts.append(f"acciones por nivel (calculado): {counted}")
    if r.printed_counts:
        shown = ", ".join(f"{k}: {fmt(v)}" for k, v in r.printed_counts.items())
        parts.append(f"acciones por nivel según el informe: {shown} ({r.printed_counts_source.cite()})")
    return "; ".join(parts) + "."


def poi_pei_gaps(statuses: list[ActionStatus]) -> list[ActionStatus]:
    """Actions with both avances, largest absolute gap (PEI − POI) first."""
    both = [s for s in statuses if s.gap is not None]
    return sorted(both, key=lambda s: (-abs(s.gap), s.owner))


def ranking(
    statuses: list[ActionStatus], by: str = "pei", highest: bool = True, n: int | None = None
) -> list[ActionStatus]:
    """Actions ordered by avance PEI, avance POI or gap; actions without the figure are left out."""

    def key(s: ActionStatus) -> float | None:
        fig = {"pei": s.pei, "poi": s.poi}.get(by)
        if by == "gap":
            return s.gap
        return fig.value if fig else None

    valued = [s for s in statuses if key(s) is not None]
    ordered = sorted(valued, key=lambda s: (key(s), s.owner), reverse=highest)
    if highest:  # ties keep code order
        ordered = sorted(valued, key=lambda s: (-key(s), s.owner))
    return ordered[:n] if n else ordered


# ---- the same action across periods ------------------------------------------------------------


@dataclass
class PeriodChange:
    owner: str
    plan: str | None
    before: Figure
    after: Figure
    before_period: str | None
    after_period: str | None
    change: float | None  # after − before, percentage points
    explain: str = ""

    def as_dict(self) -> dict:
        return asdict(self)


def compare_periods(rows: list[Row], owner: str | None = None) -> list[PeriodChange]:
    """Each action (or objective) measured in two or more reports of the same plan: its avance
    in each consecutive pair of periods and the change in percentage points."""
    groups: dict[tuple, dict[str, list[Row]]] = defaultdict(lambda: defaultdict(list))
    for r in rows:
        code = r.get("owner")
        if not code or (owner and code != owner) or r.get("metric") not in PEI_METRICS:
            continue
        groups[(r.get("plan"), code)][r.get("period") or ""].append(r)
    out = []
    for (plan, code), periods in sorted(groups.items(), key=lambda kv: (kv[0][0] or "", kv[0][1])):
        ordered = sorted(periods, key=period_key)
        picked = [(p, _pick(periods[p], PEI_METRICS)) for p in ordered]
        picked = [(p, f) for p, f in picked if f is not None]
        for (p0, f0), (p1, f1) in zip(picked, picked[1:], strict=False):
            change = None if f0.value is None or f1.value is None else round(f1.value - f0.value, 6)
            text = (
                f"{code}: avance {fmt(f0.value)}% en {p0} ({f0.source.cite()}) y {fmt(f1.value)}% en {p1} "
                f"({f1.source.cite()})"
            )
            if change is not None:
                if change:
                    verb = "sube" if change > 0 else "baja"
                    text += (
                        f"; {verb} {fmt(abs(change))} puntos porcentuales ({fmt(f1.value)} − {fmt(f0.value)})"
                    )
                else:
                    text += "; se mantiene igual"
            if period_key(p0)[0] == period_key(p1)[0] and period_key(p0)[1] < 12 <= period_key(p1)[1]:
                text += (
                    ". Nota: el avance semestral se mide contra el logro esperado semestral y el anual "
                    "contra la meta anual"
                )
            out.append(PeriodChange(code, plan, f0, f1, p0, p1, change, text + "."))
    return out


def largest_falls(changes: list[PeriodChange], n: int | None = None) -> list[PeriodChange]:
    falls = sorted(
        (c for c in changes if c.change is not None and c.change < 0), key=lambda c: (c.change, c.owner)
    )
    return falls[:n] if n else falls


# ---- yearly series (PESEM) ---------------------------------------------------------------------


@dataclass
class TrendPoint:
    year: int
    value: float | None
    raw: str
    source: Source
    change: float | None = None  # value − previous year's value
    change_pct: float | None = None  # (value − previous) / |previous| × 100
    note: str = ""


@dataclass
class Trend:
    plan: str | None
    owner: str | None
    indicator: str
    metric: str
    points: list[TrendPoint]
    duplicates: list[TrendPoint] = field(default_factory=list)  # the same year printed again elsewhere
    explain: str = ""

    def point(self, year: int) -> TrendPoint | None:
        return next((p for p in self.points if p.year == year), None)

    def as_dict(self) -> dict:
        return asdict(self)


def trends(rows: list[Row], metric: str = "valor_obtenido", owner: str | None = None) -> list[Trend]:
    """Yearly series of each indicator (rows with a ``year``), with the change from the previous
    year with a value. A table printed several times (summary, section, annex) gives the same
    year several times: the first is used, the others are kept in ``duplicates``."""
    groups: dict[tuple, list[Row]] = defaultdict(list)
    for r in rows:
        if r.get("metric") != metric or r.get("year") is None:
            continue
        if owner and r.get("owner") != owner:
            continue
        name = r.get("indicator_code") or r.get("indicator_name") or ""
        groups[(r.get("plan"), r.get("owner"), name)].append(r)
    out = []
    for (plan, code, name), group in sorted(groups.items(), key=lambda kv: tuple(str(x) for x in kv[0])):
        seen: dict[int, TrendPoint] = {}
        duplicates = []
        for r in group:
            point = TrendPoint(int(r["year"]), r.get("value"), r.get("raw") or "", Source.of(r))
            if point.year in seen:
                duplicates.append(point)
            else:
                seen[point.year] = point
        points = [seen[y] for y in sorted(seen)]
        previous: TrendPoint | None = None
        for p in points:
            if p.value is None:
                p.note = "sin valor impreso"
                continue
            if previous is not None:
                p.change = round(p.value - previous.value, 6)
                if previous.value == 0:
                    p.note = "variación porcentual no calculable (el año anterior vale 0)"
                else:
                    p.change_pct = round((p.value - previous.value) / abs(previous.value) * 100, 6)
            previous = p
        label = group[0].get("indicator_name") or name
        trend = Trend(plan, code, label, metric, points, duplicates)
        trend.explain = _trend_text(trend)
        out.append(trend)
    return out


def _trend_text(t: Trend) -> str:
    series = ", ".join(f"{p.year}: {fmt(p.value)}" for p in t.points)
    text = f"{t.owner or ''} «{t.indicator}» ({t.metric.replace('_', ' ')}): {series}"
    steps = [
        f"{p.year} {'+' if p.change >= 0 else '−'}{fmt(abs(p.change))}"
        + (
            f" ({'+' if p.change_pct >= 0 else '−'}{fmt(round(abs(p.change_pct), 1))}%)"
            if p.change_pct is not None
            else " (% no calculable: el año anterior vale 0)"
        )
        for p in t.points
        if p.change is not None
    ]
    if steps:
        text += (
            ". Variación interanual (valor − valor del año anterior; % sobre el año anterior): "
            + ", ".join(steps)
        )
    if t.points:
        text += f". Fuente: {t.points[0].source.cite()}"
    return text + "."


def largest_changes(series: list[Trend], year: int, falls: bool = True, n: int | None = None) -> list[Trend]:
    """Indicators ordered by their relative change in ``year`` (largest fall first, or largest rise)."""
    valued = [t for t in series if t.point(year) and t.point(year).change_pct is not None]
    ordered = sorted(valued, key=lambda t: t.point(year).change_pct, reverse=not falls)
    return ordered[:n] if n else ordered


# ---- targets -------------------------------------------------------------------------------------


@dataclass
class TargetSeries:
    plan: str | None
    owner: str | None
    indicator_code: str | None
    indicator_name: str | None
    baseline_year: int | None
    baseline_value: float | None
    baseline_source: Source | None
    sentido: str | None
    targets: list[dict]  # {"year", "value", "raw", "source", "distance_from_baseline"}
    explain: str = ""

    def target(self, year: int) -> dict | None:
        return next((t for t in self.targets if t["year"] == year), None)

    def as_dict(self) -> dict:
        return asdict(self)


def targets_by_year(
    targets: list[Row],
    indicators: list[Row],
    owner: str | None = None,
    indicator_code: str | None = None,
    plan: str | None = None,
) -> list[TargetSeries]:
    """Per indicator, its logros esperados by year and, where the baseline is known, the distance
    from the baseline to each year's target."""
    ind_by_key = {}
    for i in indicators:
        ind_by_key.setdefault((i.get("plan"), i.get("code") or i.get("name")), i)
    groups: dict[tuple, list[Row]] = defaultdict(list)
    for t in targets:
        if owner and t.get("owner") != owner:
            continue
        if indicator_code and t.get("indicator_code") != indicator_code:
            continue
        if plan and t.get("plan") != plan:
            continue
        groups[(t.get("plan"), t.get("indicator_code") or t.get("indicator_name"))].append(t)
    out = []
    for (plan_name, key), rows in sorted(groups.items(), key=lambda kv: (str(kv[0][0]), str(kv[0][1]))):
        ind = ind_by_key.get((plan_name, key), {})
        base = ind.get("baseline_value")
        series = []
        for t in sorted(rows, key=lambda r: (r.get("year") or 0, r["line_start"])):
            dist = None
            if base is not None and t.get("value") is not None:
                dist = round(t["value"] - base, 6)
            series.append(
                {
                    "year": t.get("year"),
                    "value": t.get("value"),
                    "raw": t.get("raw"),
                    "source": Source.of(t),
                    "distance_from_baseline": dist,
                }
            )
        ts = TargetSeries(
            plan_name,
            rows[0].get("owner"),
            rows[0].get("indicator_code"),
            rows[0].get("indicator_name") or ind.get("name"),
            ind.get("baseline_year"),
            base,
            Source.of(ind) if ind else None,
            ind.get("sentido"),
            series,
        )
        ts.explain = _targets_text(ts)
        out.append(ts)
    return out


def _targets_text(ts: TargetSeries) -> str:
    label = ts.indicator_code or ts.indicator_name or "indicador"
    text = f"{label} ({ts.plan}): logros esperados " + ", ".join(
        f"{t['year']}: {t['raw'] or fmt(t['value'])}" for t in ts.targets
    )
    if ts.baseline_value is not None:
        text += f"; línea de base {fmt(ts.baseline_value)}" + (
            f" ({ts.baseline_year})" if ts.baseline_year else ""
        )
        last = next((t for t in reversed(ts.targets) if t["distance_from_baseline"] is not None), None)
        if last:
            text += (
                f"; distancia de la línea de base a la meta {last['year']}: {fmt(last['value'])} − "
                f"{fmt(ts.baseline_value)} = {fmt(last['distance_from_baseline'])}"
            )
    if ts.targets:
        text += f". Fuente: {ts.targets[0]['source'].cite()}"
    return text + "."


def distance_to_target(
    value: float | None,
    target: float | None,
    sentido: str | None = "ascendente",
    agregacion: str | None = None,
) -> dict:
    """How far a value is from its target: the difference in the indicator's direction and the
    CEPLAN avance tipo 1 it represents."""
    kind = normalise_sentido(sentido, agregacion)
    avance = avance_tipo1(value, target, sentido, agregacion)
    if value is None or target is None:
        return {
            "value": value,
            "target": target,
            "remaining": None,
            "avance": avance.as_dict(),
            "explain": "No calculable: falta el valor o la meta.",
        }
    downwards = kind in ("descendente", "maximo")
    remaining = value - target if downwards else target - value
    reached = remaining <= 0
    text = (
        f"Valor {fmt(value)} frente a la meta {fmt(target)} (sentido {kind}): "
        + ("meta alcanzada" if reached else f"faltan {fmt(round(abs(remaining), 6))}")
        + f". {avance.explain()}"
    )
    return {
        "value": value,
        "target": target,
        "remaining": round(remaining, 6),
        "reached": reached,
        "avance": avance.as_dict(),
        "explain": text,
    }


# ---- critical views ------------------------------------------------------------------------------


def low_pei_despite_high_poi(
    statuses: list[ActionStatus], rule: LevelRule, poi_levels: tuple[str, ...] = ("alto",)
) -> list[dict]:
    """ "AEI con avance PEI bajo pese a ejecución POI alta": PEI level bajo while the POI level is
    in ``poi_levels``, both under ``rule``; largest gap first."""
    out = []
    for s in statuses:
        if not (s.pei and s.poi) or s.pei.value is None or s.poi.value is None:
            continue
        lp, lo = rule.level(s.pei.value), rule.level(s.poi.value)
        if lp == "bajo" and lo in poi_levels:
            out.append(
                {
                    "owner": s.owner,
                    "period": s.period,
                    "file": s.file,
                    "avance_pei": s.pei.value,
                    "avance_poi": s.poi.value,
                    "gap": s.gap,
                    "sources": [s.pei.source, s.poi.source],
                    "explain": (
                        f"{s.owner}: avance PEI {fmt(s.pei.value)}% (nivel bajo) pese a una ejecución "
                        f"física POI de {fmt(s.poi.value)}% (nivel {lo}); brecha {fmt(s.gap)} puntos. "
                        f"Fuentes: {s.pei.source.cite()}; {s.poi.source.cite()}. Umbrales: {rule.short()}."
                    ),
                }
            )
    return sorted(out, key=lambda d: (d["gap"], d["owner"]))


def without_measurable_progress(statuses: list[ActionStatus]) -> list[dict]:
    """ "AEI sin avance medible": the report prints a non-value (NC, ND, ---) as its avance PEI."""
    out = []
    for s in statuses:
        if s.pei and s.pei.value is None:
            out.append(
                {
                    "owner": s.owner,
                    "period": s.period,
                    "file": s.file,
                    "raw": s.pei.raw,
                    "source": s.pei.source,
                    "avance_poi": s.poi.value if s.poi else None,
                    "explain": (
                        f"{s.owner}: el informe imprime «{s.pei.raw}» como avance PEI "
                        f"({s.pei.source.cite()}), es decir, sin avance medible en el período"
                        + (
                            f"; su ejecución física POI fue {fmt(s.poi.value)}%"
                            if s.poi and s.poi.value is not None
                            else ""
                        )
                        + "."
                    ),
                }
            )
    return out


def reported_critical(rows: list[Row]) -> list[dict]:
    """The actions a report names as critical, with its reason and the AOI involved."""
    out = []
    for r in rows:
        aois = json_list(r.get("aois"))
        prio = r.get("priorizado")
        tag = "priorizado" if prio == 1 else "no priorizado" if prio == 0 else "prioridad no indicada"
        out.append(
            {
                "owner": r.get("owner"),
                "period": r.get("period"),
                "priorizado": prio,
                "reason": r.get("reason"),
                "aois": aois,
                "source": Source.of(r),
                "explain": f"{r.get('owner')} ({tag}) figura como acción crítica en {Source.of(r).cite()}: "
                f"{(r.get('reason') or '').strip()}",
            }
        )
    return out


# ---- store conveniences -----------------------------------------------------------------------------


def report_statuses(store: Store, file: str, rule: LevelRule | None = None) -> list[ActionStatus]:
    """``action_statuses`` of one report, with its effective level rule unless one is given."""
    from .levels import effective_rule

    return action_statuses(load(store, "measurements", file=file), rule or effective_rule(store, file))


def report_rollups(store: Store, file: str, rule: LevelRule | None = None) -> list[OeiRollup]:
    from .levels import effective_rule

    return oei_rollups(load(store, "measurements", file=file), rule or effective_rule(store, file))
