"""An audit of the reports' own arithmetic and consistency (`planes audit`).

Every check compares a printed figure with either a recomputation from its printed inputs (CEPLAN
formulas of ``queries.ceplan``, shares from their counts, totals from their items) or with the
same fact stated elsewhere in the corpus. Each check keeps both values, the formula and both
provenances, and a Spanish ``explain``. Nothing is silently preferred: a mismatch is reported.

Checks (``Check.kind``):

- ``avance_recalculado``: each avance / avance corregido of a per-indicator table recomputed from
  logro esperado, valor obtenido, sentido esperado and tipo de agregación;
- ``porcentaje_de_conteos``: a percentage printed with the counts it comes from ("94%" with
  "468 … de 706"), and the share of recommendations a report says are being implemented against
  the statuses in its own follow-up tables (``porcentaje_recomendaciones``);
- ``total_de_partes``: a printed total against the sum of its printed parts (AEI per level);
- ``mismo_dato``: one fact stated twice with different values (an action's POI figure in a table
  and in the prose, the avance of a summary table and of the indicator table, the semestral
  logro esperado and the annual target of the next report, a figure repeated in two tables);
- ``nivel_impreso``: a printed level against the level the report's declared cut-offs give;
- ``leyenda_tabla``: a caption naming one objective over rows of another objective's actions.

Usage: ``run_audit(store)`` → ``AuditReport`` (``.findings``, ``.checks``, ``.as_dict()``,
``.text()``); the ``check_*`` functions take plain row lists.
"""

from __future__ import annotations

import math
import re
from collections import defaultdict
from dataclasses import asdict, dataclass, field
from typing import Any

from knowledge.store import Store
from knowledge.text import fold, parse_number

from .ceplan import avance_corregido, avance_tipo1, avance_tipo2
from .levels import LevelRule, effective_rule, normalise_level, semestral_share
from .summaries import (
    PEI_METRICS,
    Row,
    Source,
    action_statuses,
    fmt,
    level_counts,
    load,
    parent_code,
    period_key,
)

OK = "coincide"
ROUNDED = "coincide dentro del redondeo"
DIFFERS = "difiere"
NOT_COMPUTABLE = "no calculable"

KIND_LABELS = {
    "avance_recalculado": "avance recalculado",
    "porcentaje_de_conteos": "porcentaje frente a sus conteos",
    "porcentaje_recomendaciones": "porcentaje de recomendaciones",
    "total_de_partes": "total frente a la suma de sus partes",
    "mismo_dato": "mismo dato con valores distintos",
    "nivel_impreso": "nivel impreso frente a los umbrales declarados",
    "leyenda_tabla": "leyenda de tabla frente a sus filas",
}

_APPROX = ("alrededor", "cerca", "aproximadamente", "casi", "en torno", "aprox")
_MORE = ("mas de", "mas del", "superior a", "superior al", "por encima")
_LESS = ("menos de", "menos del", "inferior a", "inferior al", "por debajo")
_APPROX_TOLERANCE = 1.0  # percentage points allowed for "alrededor del 90%"-style figures


@dataclass
class Check:
    kind: str
    subject: str
    file: str
    period: str | None
    printed: float | None
    printed_raw: str
    printed_at: Source
    other: float | None
    other_raw: str
    other_at: Source | None
    formula: str
    status: str
    explain: str = ""

    @property
    def mismatch(self) -> bool:
        return self.status == DIFFERS

    @property
    def difference(self) -> float | None:
        if self.printed is None or self.other is None:
            return None
        return round(self.printed - self.other, 6)

    def as_dict(self) -> dict:
        d = asdict(self)
        d["difference"] = self.difference
        d["kind_label"] = KIND_LABELS.get(self.kind, self.kind)
        return d


@dataclass
class AuditReport:
    checks: list[Check]
    rules: dict[str, dict] = field(default_factory=dict)

    @property
    def findings(self) -> list[Check]:
        return [c for c in self.checks if c.mismatch]

    def summary(self) -> dict[str, dict[str, int]]:
        out: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
        for c in self.checks:
            out[c.kind][c.status] += 1
        return {k: dict(v) for k, v in out.items()}

    def as_dict(self) -> dict:
        return {
            "summary": self.summary(),
            "total": len(self.checks),
            "findings": [c.as_dict() for c in self.findings],
            "checks": [c.as_dict() for c in self.checks],
            "rules": self.rules,
        }

    def text(self) -> str:
        return render_text(self)


# ---- comparing a printed figure with another value ---------------------------------------------


def _decimals(raw: str) -> int:
    """Significant decimals of a printed figure ("28.60" → 1, "83.9" → 1, "100" → 0)."""
    m = re.search(r"(\d+(?:[.,]\d+)?)\s*%", raw or "") or re.search(r"\d+(?:[.,]\d+)?", raw or "")
    if not m:
        return 0
    token = m.group(1) if m.groups() else m.group(0)
    if not re.search(r"[.,]\d+$", token) or re.fullmatch(r"\d{1,3}(?:[ ,]\d{3})+", token):
        return 0
    return len(re.split(r"[.,]", token)[-1].rstrip("0"))


def _qualifier(sentence: str | None, raw: str) -> str:
    """ "aprox", "more", "less" or "" from the words just before the figure in its sentence."""
    if not sentence:
        return ""
    text = fold(sentence)
    number = fold(raw or "").split("%")[0].strip()
    at = text.find(number) if number else -1
    before = text[max(0, at - 40) : at] if at >= 0 else ""
    if any(w in before for w in _APPROX):
        return "aprox"
    if any(w in before for w in _MORE):
        return "more"
    if any(w in before for w in _LESS):
        return "less"
    return ""


def compare(
    printed: float | None, raw: str, other: float | None, qualifier: str = "", decimals: int | None = None
) -> tuple[str, str]:
    """Status and a short Spanish reason. Within rounding means the other value rounded (or
    truncated) to the printed precision gives the printed figure."""
    if printed is None or other is None:
        return NOT_COMPUTABLE, "falta uno de los dos valores"
    d = _decimals(raw) if decimals is None else decimals
    diff = abs(printed - other)
    if diff < 1e-9:
        return OK, ""
    if qualifier == "more":
        return (OK, "el texto dice «más de»") if other > printed else (DIFFERS, "el texto dice «más de»")
    if qualifier == "less":
        return (OK, "el texto dice «menos de»") if other < printed else (DIFFERS, "el texto dice «menos de»")
    if diff <= 0.5 * 10**-d + 1e-9:
        return ROUNDED, f"redondeo a {_decimals_text(d)}"
    factor = 10**d
    if abs(math.floor(other * factor + 1e-9) / factor - printed) < 1e-9:
        return ROUNDED, f"truncado a {_decimals_text(d)}"
    if qualifier == "aprox" and diff <= _APPROX_TOLERANCE + 0.5 * 10**-d:
        return ROUNDED, "el texto da una cifra aproximada («alrededor de»)"
    return DIFFERS, ""


def _decimals_text(d: int) -> str:
    return "enteros" if d == 0 else "1 decimal" if d == 1 else f"{d} decimales"


def _explain(head: str, status: str, reason: str, tail: str = "") -> str:
    verdict = {
        OK: "Coincide",
        ROUNDED: "Coincide dentro del redondeo",
        DIFFERS: "No coincide",
        NOT_COMPUTABLE: "No se puede comparar",
    }[status]
    text = f"{head} {verdict}" + (f" ({reason})" if reason else "") + "."
    return text + (f" {tail}" if tail else "")


def _pct(value: float | None) -> str:
    return "sin dato" if value is None else f"{fmt(round(value, 2))}%"


# ---- A. per-indicator tables: recompute avance from LE, VO, sentido ------------------------------


def check_indicator_tables(measurements: list[Row], indicators: list[Row] | None = None) -> list[Check]:
    """Each printed avance (tipo 1, corregido [C], tipo 2) of an indicator recomputed with
    ``queries.ceplan`` from the logro esperado and valor obtenido of the same indicator and year
    (on the same row when the table prints them there; a PESEM annex may hold the logro esperado
    and the section table the valor obtenido), and for tipo 2 the línea de base of the indicator."""
    groups: dict[tuple, list[Row]] = defaultdict(list)
    for r in measurements:
        if r.get("metric") in _AVANCE_INPUTS + _AVANCE_OUTPUTS:
            groups[(r["file"], r.get("owner"), _indicator_key(r), r.get("year"))].append(r)
    baselines = {(i["file"], i.get("owner"), _indicator_key(i)): i for i in indicators or []}
    checks = []
    for (file, owner, ind, _year), rows in sorted(groups.items(), key=lambda kv: tuple(map(str, kv[0]))):
        for row in (r for r in rows if r.get("metric") in _AVANCE_OUTPUTS):
            le, vo = _input(rows, "logro_esperado", row), _input(rows, "valor_obtenido", row)
            if not le or not vo:
                continue
            lb = baselines.get((file, owner, ind))
            checks.append(_avance_check(row, le, vo, lb))
    return checks


_AVANCE_INPUTS = ("logro_esperado", "valor_obtenido")
_AVANCE_OUTPUTS = ("avance", "avance_corregido", "avance_tipo1", "avance_tipo2")


def _indicator_key(r: Row) -> str:
    return fold(r.get("indicator_name") or r.get("name") or "")[:80] or (
        r.get("indicator_code") or r.get("code") or ""
    )


def _input(rows: list[Row], metric: str, near: Row) -> Row | None:
    """The input on the avance's own row when printed there, else the first printed one."""
    found = [r for r in rows if r.get("metric") == metric]
    same = [r for r in found if r["line_start"] == near["line_start"]]
    return (same or found or [None])[0]


def _avance_check(row: Row, le: Row, vo: Row, lb: Row | None) -> Check:
    metric = row["metric"]
    if metric == "avance_tipo2":
        result = avance_tipo2(vo.get("value"), le.get("value"), (lb or {}).get("baseline_value"))
    elif metric == "avance_corregido":
        result = avance_corregido(vo.get("value"), le.get("value"))
    else:
        result = avance_tipo1(vo.get("value"), le.get("value"), row.get("sentido"), row.get("agregacion"))
    raw = row.get("raw") or ""
    status, reason = compare(row.get("value"), raw, result.value)
    other = result.value
    if status == DIFFERS and result.uncapped is not None and result.uncapped != result.value:
        alt, _ = compare(row.get("value"), raw, result.uncapped)
        if alt != DIFFERS:
            status, reason, other = alt, "el informe imprime la razón sin el tope de 100", result.uncapped
    if result.value is None:
        status = NOT_COMPUTABLE if row.get("value") is None else DIFFERS
        reason = result.note
    label = {
        "avance_corregido": "avance corregido [C]",
        "avance_tipo2": "avance tipo 2",
        "avance_tipo1": "avance tipo 1",
    }.get(metric, "avance")
    owner = row.get("owner")
    year = f" {row['year']}" if row.get("year") else ""
    inputs = [Source.of(x) for x in (le, vo, lb) if x]
    places = "; ".join(dict.fromkeys(x.cite() for x in inputs))
    head = (
        f"{owner}{year}, {label} impreso «{_short(raw, 60)}» ({Source.of(row).cite()}); recalculado: "
        f"{result.explain()} Datos de: {places}."
    )
    tail = ""
    if metric in ("avance", "avance_tipo1") and (row.get("sentido") or row.get("agregacion")):
        tail = (
            f"Sentido esperado «{row.get('sentido') or 'sin dato'}», tipo de agregación "
            f"«{row.get('agregacion') or 'sin dato'}»."
        )
    other_at = Source.of(vo) if vo["line_start"] == row["line_start"] else Source.span([le]) if le else None
    shown = ", ".join(f"{k} = {fmt(v)}" for k, v in result.inputs.items())
    other_raw = f"{_pct(other)} recalculado con {shown}" if other is not None else f"no calculable ({shown})"
    return Check(
        "avance_recalculado",
        owner or "",
        row["file"],
        row.get("period"),
        row.get("value"),
        raw,
        Source.of(row),
        other,
        other_raw,
        other_at,
        result.formula,
        status,
        _explain(head, status, reason, tail),
    )


# ---- B. the same avance in the summary table and in the indicator table -------------------------


def check_summary_vs_detail(measurements: list[Row]) -> list[Check]:
    """An action's avance PEI in its objective's summary table against the avance (corrected
    when printed) of its own indicator table."""
    by_owner: dict[tuple, list[Row]] = defaultdict(list)
    for r in measurements:
        by_owner[(r["file"], r.get("owner"))].append(r)
    checks = []
    for (file, owner), rows in sorted(by_owner.items(), key=lambda kv: (kv[0][0], kv[0][1] or "")):
        summary = next((r for r in rows if r.get("metric") == "avance_pei"), None)
        detail = next(
            (r for r in rows if r.get("metric") == "avance_corregido" and r.get("indicator_name")), None
        ) or next((r for r in rows if r.get("metric") == "avance" and r.get("indicator_name")), None)
        if not summary or not detail or summary["line_start"] == detail["line_start"]:
            continue
        status, reason = _same_fact(summary, detail)
        head = (
            f"{owner}: avance PEI «{summary.get('raw')}» en {Source.of(summary).cite()} y "
            f"{detail['metric'].replace('_', ' ')} «{detail.get('raw')}» en {Source.of(detail).cite()}."
        )
        checks.append(
            Check(
                "mismo_dato",
                owner,
                file,
                summary.get("period"),
                summary.get("value"),
                summary.get("raw") or "",
                Source.of(summary),
                detail.get("value"),
                detail.get("raw") or "",
                Source.of(detail),
                "mismo dato en dos tablas",
                status,
                _explain(head, status, reason),
            )
        )
    return checks


def _same_fact(a: Row, b: Row, qualifier: str = "") -> tuple[str, str]:
    """Two printed figures of one fact: equal within the coarser printed precision; a printed
    non-value (NC) against a number is a difference, two non-values agree."""
    va, vb = a.get("value"), b.get("value")
    if va is None and vb is None:
        return OK, "ambos sin valor"
    if va is None or vb is None:
        return DIFFERS, "uno imprime un valor no calculable y el otro una cifra"
    d = min(_decimals(a.get("raw") or ""), _decimals(b.get("raw") or ""))
    return compare(va, a.get("raw") or "", vb, qualifier, decimals=d)


# ---- C/D. an action's POI and PEI figures: tables against prose ---------------------------------


def _prose_poi(statements: list[Row]) -> list[Row]:
    """Prose POI figures that are an action's average ("ejecución física promedio"), not one
    activity's ("se obtuvo una ejecución física de 0%" for a single AOI)."""
    return [
        dict(s, metric="avance_poi_prosa")
        for s in statements
        if s.get("topic") == "avance_poi_prosa"
        and s.get("owner")
        and "promedio" in fold(s.get("sentence") or "")
    ]


def check_poi_figures(measurements: list[Row], statements: list[Row]) -> list[Check]:
    """An action's POI figure (avance POI of a summary table, "ejecución física promedio" of the
    prose) wherever it is stated: every other statement is compared with the first table value
    (or, without a table, with the first statement)."""
    places: dict[tuple, list[Row]] = defaultdict(list)
    for r in measurements:
        if r.get("metric") in ("avance_poi", "ejecucion_fisica") and r.get("owner"):
            places[(r["file"], r["owner"])].append(r)
    for s in _prose_poi(statements):
        places[(s["file"], s["owner"])].append(s)
    return _compare_places(places, "avance_poi", "avance POI (ejecución física)")


def check_pei_prose(measurements: list[Row], statements: list[Row]) -> list[Check]:
    """An action's or objective's avance stated in prose against the same avance in a table (the
    objective's summary table first, else the one indicator table of that code; with several
    indicators the prose is ambiguous and is not compared)."""
    refs: dict[tuple, list[Row]] = defaultdict(list)
    for r in measurements:
        if not r.get("owner"):
            continue
        if r.get("metric") == "avance_pei" or (
            r.get("metric") in ("avance_tipo1", "avance_corregido") and r.get("indicator_name")
        ):
            refs[(r["file"], r["owner"])].append(r)
    prose: dict[tuple, list[Row]] = defaultdict(list)
    for s in statements:
        if s.get("topic") == "avance_pei_prosa" and s.get("owner"):
            prose[(s["file"], s["owner"])].append(dict(s, metric="avance_pei_prosa"))
    places: dict[tuple, list[Row]] = {}
    for key, said in prose.items():
        tables = refs.get(key, [])
        summary = [r for r in tables if r.get("metric") == "avance_pei"]
        if not summary and len({_indicator_key(r) for r in tables}) > 1:
            continue
        reference = summary or [r for r in tables if r.get("metric") == "avance_tipo1"] or tables
        if reference:
            places[key] = [dict(reference[0], metric="avance_pei")] + said
    return _compare_places(places, "avance_pei", "avance")


def _compare_places(places: dict[tuple, list[Row]], table_metric: str, label: str) -> list[Check]:
    checks = []
    for (file, owner), rows in sorted(places.items()):
        rows = _dedupe_same_place(rows)
        if len(rows) < 2:
            continue
        tables = [r for r in rows if r.get("metric") == table_metric]
        valued_tables = [r for r in tables if r.get("value") is not None]
        reference = (valued_tables or tables or rows)[0]
        for other in rows:
            if other is reference or (other.get("metric") == table_metric and other.get("value") is None):
                continue
            if other["line_start"] == reference["line_start"]:
                continue
            qualifier = _qualifier(other.get("sentence"), (other.get("raw") or "").split("|")[0])
            status, reason = _same_fact(reference, other, qualifier)
            if status == NOT_COMPUTABLE:
                continue
            other_raw = _printed(other)
            head = (
                f"{owner}: {label} {_printed(reference)} en {Source.of(reference).cite()} y {other_raw} en "
                f"{Source.of(other).cite()}"
                + (f" («{_short(other.get('sentence'))}»)" if other.get("sentence") else "")
                + "."
            )
            checks.append(
                Check(
                    "mismo_dato",
                    owner,
                    file,
                    reference.get("period") or other.get("period"),
                    other.get("value"),
                    other_raw,
                    Source.of(other),
                    reference.get("value"),
                    _printed(reference),
                    Source.of(reference),
                    f"mismo dato: {label}",
                    status,
                    _explain(head, status, reason),
                )
            )
    return checks


def _dedupe_same_place(rows: list[Row]) -> list[Row]:
    """Two extractors may read the same printed figure: keep one per (line, value)."""
    seen, out = set(), []
    for r in sorted(rows, key=lambda r: (r["line_start"], 0 if r.get("metric") != "avance_poi_prosa" else 1)):
        key = (r["line_start"], r.get("value"))
        if key in seen:
            continue
        seen.add(key)
        out.append(r)
    return out


def _printed(r: Row) -> str:
    raw = (r.get("raw") or "").split("|")[0]
    if r.get("value") is not None and (not raw or len(raw) > 12):
        return f"{fmt(r['value'])}%"
    return raw if raw.endswith("%") or r.get("value") is None else f"{raw}%"


def _short(text: str | None, limit: int = 160) -> str:
    text = (text or "").strip()
    return text if len(text) <= limit else text[: limit - 1] + "…"


# ---- E. percentages against their counts --------------------------------------------------------


def _count(field: str) -> float | None:
    """A count from a raw field: "468", "17 268", "Se ejecutaron ocho (8)", "meta … (25)"."""
    field = (field or "").strip()
    if not field:
        return None
    value = parse_number(field)
    if value is not None:
        return value
    paren = re.findall(r"\((\d[\d\s.,]*)\)", field)
    if paren:
        return parse_number(paren[-1])
    numbers = re.findall(r"\d{1,3}(?:[ \u00a0]\d{3})+|\d+(?:[.,]\d+)?", field)
    return parse_number(numbers[-1]) if numbers else None


def split_share(raw: str) -> tuple[str, float | None, float | None]:
    """ "94%|468|706" → ("94%", 468, 706); missing fields are None."""
    parts = (raw or "").split("|") + ["", ""]
    return parts[0].strip(), _count(parts[1]), _count(parts[2])


def check_shares(statements: list[Row], rules: dict[str, LevelRule] | None = None) -> list[Check]:
    """Each percentage printed with the counts it comes from, recomputed as count / total × 100
    (for an avance, capped at 100 as CEPLAN does). A missing total is taken from another figure of
    the same sentence that states it ("21 acciones (52.5%)" … "las 40 acciones")."""
    shares = [s for s in statements if s.get("topic") == "porcentaje_con_conteo"]
    totals_by_line: dict[tuple, float] = {}
    for s in shares:
        _, _, total = split_share(s.get("raw") or "")
        if total:
            totals_by_line.setdefault((s["file"], s["line_start"]), total)
    checks = []
    for s in shares:
        pct_raw, count, total = split_share(s.get("raw") or "")
        inherited = False
        if count is not None and total is None and (s["file"], s["line_start"]) in totals_by_line:
            total, inherited = totals_by_line[(s["file"], s["line_start"])], True
        if count is None or not total:
            continue
        printed = s.get("value")
        ratio = count / total * 100
        is_avance = "avance" in fold(s.get("sentence") or "")
        computed = min(ratio, 100.0) if is_avance else ratio
        formula = "conteo / total × 100" + (" (avance con tope 100)" if is_avance else "")
        status, reason = compare(printed, pct_raw, computed, _qualifier(s.get("sentence"), pct_raw))
        owner = s.get("owner") or "informe"
        head = (
            f"{owner}: el texto dice {pct_raw} y da los conteos {fmt(count)} de {fmt(total)}"
            + (" (total tomado de la misma oración)" if inherited else "")
            + f"; {fmt(count)} / {fmt(total)} × 100 = {_pct(ratio)}"
            + (f", con tope {_pct(computed)}" if computed != ratio else "")
            + "."
        )
        tail = f"Texto: «{_short(s.get('sentence'), 240)}»"
        rule = (rules or {}).get(s["file"])
        if status == DIFFERS and is_avance and rule is not None and rule.declared:
            said, would = rule.level(printed), rule.level(computed)
            if said and would and said != would:
                tail += f" Con {_pct(computed)} el nivel sería {would}, no {said} (umbrales: {rule.short()})."
        checks.append(
            Check(
                "porcentaje_de_conteos",
                owner,
                s["file"],
                s.get("period"),
                printed,
                pct_raw,
                Source.of(s),
                round(computed, 6),
                f"{fmt(count)} de {fmt(total)}",
                Source.of(s),
                formula,
                status,
                _explain(head, status, reason, tail),
            )
        )
    return checks


# ---- F. share of recommendations against the follow-up tables -------------------------------------


def check_recommendation_shares(statements: list[Row], recommendations: list[Row]) -> list[Check]:
    """A percentage of recommendations stated in a report against the statuses of the follow-up
    ("seguimiento") rows of that same report."""
    checks = []
    for s in statements:
        if s.get("topic") != "recomendaciones_implementacion" or s.get("value") is None:
            continue
        rows = [r for r in recommendations if r["file"] == s["file"] and r.get("list_kind") == "seguimiento"]
        if not rows:
            continue
        total = len(rows)
        executed = [r for r in rows if r.get("status") == "ejecutado/culminado"]
        ongoing = [r for r in rows if r.get("status") == "en proceso"]
        share_exec = len(executed) / total * 100
        share_any = (len(executed) + len(ongoing)) / total * 100
        pct_raw = (s.get("raw") or "").split("|")[0]
        status, reason = compare(s["value"], pct_raw, share_exec)
        alt_status, _ = compare(s["value"], pct_raw, share_any)
        source = Source.span(rows)
        head = (
            f"El informe dice que el {pct_raw} de las recomendaciones se viene implementando "
            f"({Source.of(s).cite()}); sus tablas de seguimiento "
            f"({source.cite()}) muestran {len(executed)} de "
            f"{total} ejecutadas = {_pct(share_exec)} y "
            f"{len(executed) + len(ongoing)} de {total} ejecutadas o "
            f"en proceso = {_pct(share_any)}."
        )
        if status == DIFFERS and alt_status != DIFFERS:
            status, reason = alt_status, "si se cuentan las ejecutadas y las que están en proceso"
        statuses = ", ".join(f"{k}: {v}" for k, v in _tally(r.get("status") for r in rows).items())
        checks.append(
            Check(
                "porcentaje_recomendaciones",
                "recomendaciones",
                s["file"],
                s.get("period"),
                s["value"],
                pct_raw,
                Source.of(s),
                round(share_exec, 6),
                f"{len(executed)} de {total} ejecutadas",
                source,
                "recomendaciones ejecutadas / recomendaciones en seguimiento × 100",
                status,
                _explain(head, status, reason, f"Estados en las tablas: {statuses}."),
            )
        )
    return checks


def _tally(values) -> dict[str, int]:
    out: dict[str, int] = {}
    for v in values:
        out[v or "sin estado"] = out.get(v or "sin estado", 0) + 1
    return out


# ---- G. printed totals against their parts ---------------------------------------------------------


def check_level_totals(measurements: list[Row]) -> list[Check]:
    """The number of actions of an objective against the sum of its actions per level, in a
    table that prints both (aei_total vs aei_alto + aei_medio + aei_bajo), and the table's
    column totals."""
    rows_by_line: dict[tuple, dict[str, Row]] = defaultdict(dict)
    for r in measurements:
        if (r.get("metric") or "").startswith("aei_"):
            rows_by_line[(r["file"], r.get("owner"), r["line_start"])][r["metric"]] = r
    checks = []
    for (file, owner, _line), group in sorted(rows_by_line.items(), key=lambda kv: (kv[0][0], kv[0][2])):
        total = group.get("aei_total")
        parts = [group[m] for m in ("aei_alto", "aei_medio", "aei_bajo") if m in group]
        if not total or len(parts) < 2 or any(p.get("value") is None for p in parts):
            continue
        summed = sum(p["value"] for p in parts)
        status, reason = compare(total.get("value"), total.get("raw") or "", summed, decimals=0)
        shown = " + ".join(f"{p['metric'][4:]} {fmt(p['value'])}" for p in parts)
        head = (
            f"{owner}: el informe da {fmt(total.get('value'))} acciones en total y por nivel {shown} = "
            f"{fmt(summed)} ({Source.of(total).cite()})."
        )
        checks.append(
            Check(
                "total_de_partes",
                owner,
                file,
                total.get("period"),
                total.get("value"),
                total.get("raw") or "",
                Source.of(total),
                summed,
                shown,
                Source.span(parts),
                "total = alto + medio + bajo",
                status,
                _explain(head, status, reason),
            )
        )
    return checks


# ---- H. printed levels against the declared cut-offs -----------------------------------------------


def check_printed_levels(measurements: list[Row], rules: dict[str, LevelRule]) -> list[Check]:
    """A level the report prints for an action or objective against the level its own declared
    cut-offs give for the avance it prints."""
    checks = []
    by_owner: dict[tuple, list[Row]] = defaultdict(list)
    for r in measurements:
        by_owner[(r["file"], r.get("owner"))].append(r)
    for (file, owner), rows in sorted(by_owner.items(), key=lambda kv: (kv[0][0], kv[0][1] or "")):
        rule = rules.get(file)
        if rule is None or not rule.complete:
            continue
        for lv in (r for r in rows if r.get("metric") == "nivel"):
            printed = normalise_level(lv.get("raw"))
            same_line = [
                r for r in rows if r.get("metric") in PEI_METRICS and r["line_start"] == lv["line_start"]
            ]
            avance = (
                same_line
                or [r for r in rows if r.get("metric") in PEI_METRICS and r.get("value") is not None]
                or [None]
            )[0]
            if printed is None or avance is None or avance.get("value") is None:
                continue
            computed = rule.level(avance["value"])
            status = OK if computed == printed else DIFFERS
            scope_note = ""
            if (owner or "").startswith(("OEI.", "OES.")) and "accion" in fold(rule.scope):
                scope_note = (
                    " El informe declara estos umbrales para las acciones estratégicas; para los objetivos "
                    "no declara otros."
                )
            head = (
                f"{owner}: el informe lo califica «{lv.get('raw')}» "
                f"({Source.of(lv).cite()}) con un avance de "
                f"{_pct(avance['value'])} ({Source.of(avance).cite()}); "
                "con los umbrales declarados el nivel es "
                f"{computed}."
            )
            checks.append(
                Check(
                    "nivel_impreso",
                    owner,
                    file,
                    lv.get("period"),
                    avance["value"],
                    lv.get("raw") or "",
                    Source.of(lv),
                    avance["value"],
                    computed or "",
                    Source.of(avance),
                    f"nivel según los umbrales: {rule.short()}",
                    status,
                    _explain(head, status, "", scope_note.strip()),
                )
            )
    return checks


# ---- I. captions against their rows --------------------------------------------------------------


def check_captions(measurements: list[Row]) -> list[Check]:
    """A table captioned with one objective ("OEI 2") whose rows are actions of another."""
    by_table: dict[tuple, list[Row]] = defaultdict(list)
    for r in measurements:
        if r.get("locator") and (r.get("owner") or "").startswith(("AEI.", "AES.")):
            by_table[(r["file"], r["locator"])].append(r)
    checks = []
    for (file, locator), rows in sorted(by_table.items()):
        caption = re.match(r"\s*(tabla|cuadro)\s+\d+", fold(locator))
        named = re.search(r"\b(OEI|OES)\s*\.?\s*(\d{1,2})\b", locator)
        if not caption or not named:
            continue
        said = f"{named.group(1)}.{int(named.group(2)):02d}"
        parents = sorted({parent_code(r["owner"]) for r in rows} - {None})
        if not parents or said in parents:
            continue
        status = DIFFERS
        codes = ", ".join(sorted({r["owner"] for r in rows}))
        head = (
            f"La tabla «{locator}» ({Source.span(rows).cite()}) nombra {said} pero sus filas son acciones de "
            f"{', '.join(parents)} ({codes})."
        )
        checks.append(
            Check(
                "leyenda_tabla",
                said,
                file,
                rows[0].get("period"),
                None,
                locator,
                Source.span(rows),
                None,
                ", ".join(parents),
                Source.span(rows),
                "objetivo de la leyenda = objetivo de las filas",
                status,
                _explain(head, status, ""),
            )
        )
    return checks


# ---- J. the semestral logro esperado against the annual target --------------------------------------


def check_semestral_targets(
    measurements: list[Row], statements: list[Row], documents: list[Row], lines_by_file: dict[str, list[str]]
) -> list[Check]:
    """A semestral report imputes its logro esperado as a declared share of the annual target;
    the annual report of the same plan and year states that target ("la meta correspondía a 25
    reuniones"): share × annual target should give the semestral logro esperado."""
    docs = {d["file"]: d for d in documents}
    checks = []
    for sem in documents:
        if not re.fullmatch(r"(?:19|20)\d\d-S\d", sem.get("period") or ""):
            continue
        share = semestral_share(lines_by_file.get(sem["file"], []))
        if not share or not share[0]:
            continue
        year = sem["period"][:4]
        annual_files = [
            d["file"] for d in documents if d.get("plan") == sem.get("plan") and d.get("period") == year
        ]
        targets = [
            s
            for s in statements
            if s["file"] in annual_files and s.get("topic") == "porcentaje_con_conteo" and s.get("owner")
        ]
        for t in targets:
            _, _, annual = split_share(t.get("raw") or "")
            le = next(
                (
                    m
                    for m in measurements
                    if m["file"] == sem["file"]
                    and m.get("owner") == t["owner"]
                    and m.get("metric") == "logro_esperado"
                ),
                None,
            )
            if annual is None or le is None or le.get("value") is None:
                continue
            expected = annual * share[0] / 100
            status, reason = compare(le["value"], le.get("raw") or "", expected)
            head = (
                f"{t['owner']}: logro esperado semestral "
                f"{le.get('raw')} ({Source.of(le).cite()}); el informe "
                f"{docs[t['file']].get('period')} da una meta anual "
                f"de {fmt(annual)} ({Source.of(t).cite()}) y el "
                f"semestral toma el {fmt(share[0])}% de la meta anual (línea {share[1]}): "
                f"{fmt(annual)} × {fmt(share[0])}% = {fmt(round(expected, 4))}."
            )
            checks.append(
                Check(
                    "mismo_dato",
                    t["owner"],
                    sem["file"],
                    sem.get("period"),
                    le["value"],
                    le.get("raw") or "",
                    Source.of(le),
                    round(expected, 6),
                    f"{fmt(share[0])}% de {fmt(annual)}",
                    Source.of(t),
                    "logro esperado semestral = proporción declarada × meta anual",
                    status,
                    _explain(head, status, reason),
                )
            )
    return checks


# ---- K. the same figure printed twice ------------------------------------------------------------


def check_repeated_figures(measurements: list[Row]) -> list[Check]:
    """A figure of one indicator, metric and year printed in several places (a table repeated in
    the summary, the section and the annex) with different values."""
    handled = {"avance_poi", "ejecucion_fisica", "nivel"}
    groups: dict[tuple, list[Row]] = defaultdict(list)
    for r in measurements:
        if r.get("metric") in handled or not (r.get("indicator_name") or r.get("indicator_code")):
            continue
        key = (
            r["file"],
            r.get("owner"),
            r.get("indicator_code") or fold(r.get("indicator_name") or ""),
            r.get("metric"),
            r.get("year"),
        )
        groups[key].append(r)
    checks = []
    for (file, owner, _ind, metric, year), rows in sorted(
        groups.items(), key=lambda kv: tuple(map(str, kv[0]))
    ):
        rows = _dedupe_same_place(rows)
        first = rows[0]
        for other in rows[1:]:
            status, reason = _same_fact(first, other)
            if status not in (DIFFERS,):
                continue  # repeated identically: nothing to report, and not worth a line per copy
            head = (
                f"{owner}, «{first.get('indicator_name') or first.get('indicator_code')}», "
                f"{metric.replace('_', ' ')}"
                + (f" {year}" if year else "")
                + f": {first.get('raw')} en {Source.of(first).cite()} y "
                f"{other.get('raw')} en {Source.of(other).cite()}."
            )
            checks.append(
                Check(
                    "mismo_dato",
                    owner or "",
                    file,
                    first.get("period"),
                    other.get("value"),
                    other.get("raw") or "",
                    Source.of(other),
                    first.get("value"),
                    first.get("raw") or "",
                    Source.of(first),
                    "mismo dato en dos lugares",
                    status,
                    _explain(head, status, reason),
                )
            )
    return checks


# ---- L. level-count claims of the prose ------------------------------------------------------------


def check_level_claims(
    claims: list[Row], measurements: list[Row], rules: dict[str, LevelRule]
) -> list[Check]:
    """Counts of actions per level stated in prose ("25 acciones … igual o superior al 95%") against
    the per-objective table of the same report (sum of its level column) and against their own
    stated total; and, where the report prints the actions' avances and declares its cut-offs,
    against the count those give."""
    checks = []
    by_para: dict[tuple, list[Row]] = defaultdict(list)
    for c in claims:
        if c.get("topic") in ("acciones_por_nivel", "acciones_total"):
            by_para[(c["file"], c.get("owner"), _claim_paragraph(c))].append(c)
    table_sums: dict[tuple, list[Row]] = defaultdict(list)
    for m in measurements:
        if (m.get("metric") or "") in ("aei_alto", "aei_medio", "aei_bajo", "aei_total"):
            table_sums[(m["file"], m["metric"][4:])].append(m)
    for (file, owner, _para), rows in sorted(by_para.items(), key=lambda kv: tuple(map(str, kv[0]))):
        levels = [r for r in rows if r.get("topic") == "acciones_por_nivel"]
        totals = [r for r in rows if r.get("topic") == "acciones_total"]
        if totals and levels:
            total = totals[0]
            summed = sum(r["value"] for r in levels if r.get("value") is not None)
            status, reason = compare(total["value"], total.get("raw") or "", summed, decimals=0)
            shown = " + ".join(f"{_claim_level(r)} {fmt(r['value'])}" for r in levels)
            head = (
                f"{owner or 'Informe'}: el texto da {fmt(total['value'])} acciones y por nivel {shown} = "
                f"{fmt(summed)} ({Source.span(rows).cite()})."
            )
            checks.append(
                Check(
                    "total_de_partes",
                    owner or "informe",
                    file,
                    total.get("period"),
                    total["value"],
                    total.get("raw") or "",
                    Source.of(total),
                    summed,
                    shown,
                    Source.span(levels),
                    "total = suma de acciones por nivel",
                    status,
                    _explain(head, status, reason),
                )
            )
        if owner is not None and levels:
            checks += _claims_vs_computed(file, owner, levels, measurements, rules.get(file))
        if owner is None:
            for r in levels:
                level = _claim_level(r)
                parts = table_sums.get((file, level), [])
                if not parts:
                    continue
                summed = sum(p["value"] for p in parts if p.get("value") is not None)
                status, reason = compare(r["value"], r.get("raw") or "", summed, decimals=0)
                head = (
                    f"El texto dice {fmt(r['value'])} acciones de "
                    f"nivel {level} ({Source.of(r).cite()}); la suma "
                    f"de la columna «{level}» de la tabla por objetivo "
                    f"da {fmt(summed)} ({Source.span(parts).cite()})."
                )
                checks.append(
                    Check(
                        "mismo_dato",
                        f"acciones de nivel {level}",
                        file,
                        r.get("period"),
                        r["value"],
                        r.get("raw") or "",
                        Source.of(r),
                        summed,
                        f"suma de {len(parts)} filas",
                        Source.span(parts),
                        "suma de la columna del nivel",
                        status,
                        _explain(head, status, reason),
                    )
                )
            if levels and table_sums.get((file, "total")):
                parts = table_sums[(file, "total")]
                stated = sum(r["value"] for r in levels if r.get("value") is not None)
                summed = sum(p["value"] for p in parts if p.get("value") is not None)
                status, reason = compare(stated, "", summed, decimals=0)
                head = (
                    "Las acciones por nivel del texto suman "
                    f"{fmt(stated)} ({Source.span(levels).cite()}); la "
                    "columna de número de acciones de la tabla suma "
                    f"{fmt(summed)} ({Source.span(parts).cite()})."
                )
                checks.append(
                    Check(
                        "total_de_partes",
                        "acciones evaluadas",
                        file,
                        levels[0].get("period"),
                        stated,
                        fmt(stated),
                        Source.span(levels),
                        summed,
                        f"suma de {len(parts)} filas",
                        Source.span(parts),
                        "suma de niveles del texto = total de la tabla",
                        status,
                        _explain(head, status, reason),
                    )
                )
    return checks


def _claims_vs_computed(
    file: str, owner: str, levels: list[Row], measurements: list[Row], rule: LevelRule | None
) -> list[Check]:
    """An objective's actions per level as the prose counts them against the levels its printed
    avances give under the report's cut-offs (only with a complete rule)."""
    if rule is None or not rule.complete:
        return []
    rows = [m for m in measurements if m["file"] == file and parent_code(m.get("owner")) == owner]
    statuses = action_statuses(rows, rule)
    if not statuses:
        return []
    computed = level_counts(statuses)
    computed["no medible"] = computed.pop("sin nivel", [])
    checks = []
    for r in levels:
        level = _claim_level(r)
        codes = computed.get(level, [])
        status, reason = compare(r["value"], r.get("raw") or "", float(len(codes)), decimals=0)
        sources = (
            Source.span(
                [s.pei.source.__dict__ | {"line_end": s.pei.source.line_end} for s in statuses if s.pei]
            )
            if statuses
            else None
        )
        head = (
            f"{owner}: el texto cuenta {fmt(r['value'])} acciones "
            f"de nivel {level} ({Source.of(r).cite()}); con "
            f"los avances PEI impresos y los umbrales ({rule.short()}) son {len(codes)}"
            + (f": {', '.join(codes)}" if codes else "")
            + "."
        )
        checks.append(
            Check(
                "mismo_dato",
                f"{owner} acciones de nivel {level}",
                file,
                r.get("period"),
                r["value"],
                r.get("raw", "").split("|")[1] if "|" in (r.get("raw") or "") else "",
                Source.of(r),
                float(len(codes)),
                ", ".join(codes) or "ninguna",
                sources,
                "número de acciones cuyo avance PEI cae en el nivel",
                status,
                _explain(head, status, reason),
            )
        )
    return checks


def _claim_level(row: Row) -> str:
    return (row.get("raw") or "").split("|")[0]


def _claim_paragraph(row: Row) -> int:
    """Claims of one paragraph share its first line; raw "level|count|paragraph-start"."""
    parts = (row.get("raw") or "").split("|")
    try:
        return int(parts[2])
    except (IndexError, ValueError):
        return int(row["line_start"])


# ---- running everything ----------------------------------------------------------------------------


def run_audit(store: Store, thresholds: dict[str, Any] | None = None) -> AuditReport:
    """All checks over the index. ``thresholds`` may map a file to a ``ceplan.Thresholds`` that
    replaces the cut-offs the report declares (configuration)."""
    documents = store.documents()
    measurements = load(store, "measurements")
    statements = load(store, "statements")
    recommendations = load(store, "recommendations")
    indicators = load(store, "indicators")
    lines = {d["file"]: store.lines(d["file"]) for d in documents}
    rules = {
        d["file"]: effective_rule(store, d["file"], (thresholds or {}).get(d["file"])) for d in documents
    }
    claims = [s for s in statements if s.get("topic") in ("acciones_por_nivel", "acciones_total")]
    if not claims:
        claims = _claims_from_lines(documents, lines)
    checks = (
        check_indicator_tables(measurements, indicators)
        + check_summary_vs_detail(measurements)
        + check_poi_figures(measurements, statements)
        + check_pei_prose(measurements, statements)
        + check_shares(statements, rules)
        + check_recommendation_shares(statements, recommendations)
        + check_level_totals(measurements)
        + check_level_claims(claims, measurements, rules)
        + check_printed_levels(measurements, rules)
        + check_captions(measurements)
        + check_semestral_targets(measurements, statements, documents, lines)
        + check_repeated_figures(measurements)
    )
    order = {d["file"]: i for i, d in enumerate(sorted(documents, key=lambda d: period_key(d.get("period"))))}
    checks.sort(key=lambda c: (order.get(c.file, 99), c.file, c.printed_at.line_start, c.kind))
    declared = {f: r.as_dict() for f, r in rules.items() if r.declared}
    return AuditReport(checks, declared)


def _claims_from_lines(documents: list[Row], lines: dict[str, list[str]]) -> list[Row]:
    """Level-count claims read on the fly when the index does not hold them yet."""
    try:
        from knowledge.extract.claims import claims_from_lines
    except ImportError:
        return []
    out: list[Row] = []
    for d in documents:
        out += claims_from_lines(
            d["file"], d.get("kind") or "", d.get("plan"), d.get("period"), lines[d["file"]]
        )
    return out


# ---- text output --------------------------------------------------------------------------------


def render_text(report: AuditReport) -> str:
    """The audit as Spanish text: mismatches first (both values, formula, both places), then the
    count of checks per kind."""
    out = []
    total = len(report.checks)
    by_status = _tally(c.status for c in report.checks)
    out.append(
        f"Auditoría de las cifras del corpus: {total} comprobaciones — "
        + ", ".join(f"{v} {k}" for k, v in by_status.items())
        + "."
    )
    findings = report.findings
    out.append("")
    out.append(
        f"Discrepancias encontradas: {len(findings)}" if findings else "No se encontraron discrepancias."
    )
    for i, c in enumerate(findings, 1):
        printed = c.printed_raw if c.kind != "leyenda_tabla" else c.subject
        out.append("")
        out.append(f"{i}. [{KIND_LABELS.get(c.kind, c.kind)}] {c.subject} ({c.period or 'sin período'})")
        out.append(f"   Dice: {printed} — {c.printed_at.cite()}")
        if c.kind in ("porcentaje_de_conteos", "porcentaje_recomendaciones"):
            other = f"{c.other_raw} = {_pct(c.other)}"
        else:
            other = c.other_raw or fmt(c.other)
        out.append(f"   Frente a: {other}" + (f" — {c.other_at.cite()}" if c.other_at else ""))
        out.append(f"   Fórmula: {c.formula}")
        out.append(f"   {c.explain}")
    out.append("")
    out.append("Comprobaciones por tipo:")
    for kind, counts in report.summary().items():
        out.append(f"  - {KIND_LABELS.get(kind, kind)}: " + ", ".join(f"{v} {k}" for k, v in counts.items()))
    if report.rules:
        out.append("")
        out.append("Umbrales de nivel usados:")
        for file, rule in report.rules.items():
            out.append(f"  - {file}: {rule['explain']}")
    return "\n".join(out)
