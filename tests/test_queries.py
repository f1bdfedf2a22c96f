"""queries.levels, queries.summaries, queries.followup: pure functions on hand-made rows and the
real corpus index (session fixture ``store``)."""

from __future__ import annotations

from datetime import date

import pytest

from queries.ceplan import Thresholds
from queries.followup import (
    EXECUTED,
    add_months,
    build_views,
    by_status,
    load_views,
    normalise_status,
    overdue,
    parse_month_year,
    recommendation_key,
    share_executed,
    status_counts,
)
from queries.levels import LevelRule, declared_rule, effective_rule, level_of, level_rule, normalise_level
from queries.summaries import (
    Source,
    action_statuses,
    compare_periods,
    distance_to_target,
    largest_changes,
    largest_falls,
    level_counts,
    load,
    low_pei_despite_high_poi,
    oei_rollups,
    poi_pei_gaps,
    ranking,
    reported_critical,
    targets_by_year,
    trends,
    without_measurable_progress,
)

SEMESTRAL = "informe de evaluación semestral"
ANNUAL = "informe de evaluación anual"


def _file(store, kind: str) -> str:
    return next(d["file"] for d in store.documents() if d["kind"] == kind)


def _row(**kw):
    base = {
        "file": "x.txt",
        "line_start": 1,
        "line_end": 1,
        "locator": "Tabla 1. Prueba",
        "plan": "P",
        "period": "2030-S1",
    }
    return base | kw


# ---- levels -----------------------------------------------------------------------------------------


def test_annual_report_declares_its_thresholds(store):
    rule = level_rule(store, _file(store, ANNUAL))
    assert (rule.high, rule.low) == (95.0, 75.0)
    assert rule.complete and rule.thresholds.level(94) == "medio"
    assert rule.scope == "acciones estratégicas"
    assert [d.line_start for d in rule.declarations] == [465, 467]
    assert "igual o superior al 95%" in rule.declarations[0].text


def test_semestral_report_declares_only_alto(store):
    sem = _file(store, SEMESTRAL)
    rule = level_rule(store, sem)
    assert rule.high == pytest.approx(100.0) and rule.low is None and not rule.complete
    assert rule.level(100) == "alto" and rule.level(80) is None
    text = rule.explain()
    assert "no declara el corte entre medio y bajo" in text
    assert "50% de la meta anual" in text
    lines = {d.line_start for d in rule.declarations}
    assert {269, 286, 239} <= lines  # "alto⁷", footnote 7, the 50% semestral share


def test_effective_rule_fills_the_gap_from_the_same_plan(store):
    sem, ann = _file(store, SEMESTRAL), _file(store, ANNUAL)
    rule = effective_rule(store, sem)
    assert (rule.high, rule.low) == (pytest.approx(100.0), 75.0)
    assert rule.borrowed == {"medio/bajo": ann}
    assert ann in rule.explain()
    assert rule.level(83.7) == "medio" and rule.level(73.7) == "bajo"
    override = effective_rule(store, sem, Thresholds(90, 60, "configuración"))
    assert (override.high, override.low) == (90, 60)


def test_plans_without_levels_say_so(store):
    pei = next(d["file"] for d in store.documents() if d["kind"] == "plan estratégico institucional")
    rule = effective_rule(store, pei)
    assert not rule.declared
    assert "no declara umbrales" in rule.explain()
    assert rule.level(50) is None


def test_declared_rule_on_other_wording():
    lines = [
        "Texto previo.",
        "",
        "Se consideró un nivel alto cuando el avance es mayor o igual al 90%,",
        "un nivel medio entre 60% y 90%",
        "y un nivel bajo cuando es menor al 60%.",
    ]
    rule = declared_rule("y.txt", lines)
    assert (rule.high, rule.low) == (90.0, 60.0)
    table_only = ["Criterio\t2, si el objetivo tiene avance mayor al 75% y nivel alto"]
    assert not declared_rule("z.txt", table_only).declared


def test_level_helpers(store):
    assert normalise_level("bueno") == "alto"
    assert normalise_level("Medio alto") == "medio"
    assert normalise_level("BAJO") == "bajo"
    assert normalise_level("") is None
    info = level_of(store, _file(store, ANNUAL), 94)
    assert info["level"] == "medio" and "95%" in info["explain"]
    assert LevelRule("f", 95, None).level(50) is None


# ---- per-action statuses, gaps, roll-ups -----------------------------------------------------------


@pytest.fixture(scope="module")
def semestral(store):
    sem = _file(store, SEMESTRAL)
    rule = effective_rule(store, sem)
    return action_statuses(load(store, "measurements", file=sem), rule), rule


def test_action_statuses_use_printed_figures(semestral):
    statuses, _ = semestral
    by = {s.owner: s for s in statuses}
    s = by["AEI.03.01"]
    assert (s.pei.value, s.poi.value) == (100.0, 90.8)
    assert s.gap == pytest.approx(9.2)
    assert "9.2 puntos porcentuales" in s.explain
    assert s.pei.source.line_start == 890 and s.pei.metric == "avance_pei"
    assert by["AEI.01.11"].pei.value is None and by["AEI.01.11"].pei.raw == "NC"
    assert by["AEI.03.04"].pei.value == 50.0


def test_gaps_and_rankings(semestral):
    statuses, _ = semestral
    gaps = poi_pei_gaps(statuses)
    assert abs(gaps[0].gap) == 100.0
    assert {g.owner for g in gaps[:2]} == {"AEI.03.03", "AEI.05.03"}
    top = ranking(statuses, "pei", highest=True, n=3)
    assert all(s.pei.value == 100.0 for s in top)
    low = ranking(statuses, "pei", highest=False, n=4)
    assert {s.owner for s in low} <= {"AEI.03.03", "AEI.05.02", "AEI.05.03", "AEI.08.03", "AEI.07.02"}
    assert all(s.pei.value == 0 for s in low)


def test_level_counts_match_the_reports_own_count_for_oei_01(semestral):
    # The report: 5 alto, 2 medio, 4 bajo and 1 not measurable among the 12 actions of OEI.01
    statuses, _ = semestral
    counts = level_counts([s for s in statuses if s.oei == "OEI.01"])
    assert (len(counts["alto"]), len(counts["medio"]), len(counts["bajo"]), len(counts["sin nivel"])) == (
        5,
        2,
        4,
        1,
    )
    assert counts["sin nivel"] == ["AEI.01.11"]


def test_oei_rollups_carry_printed_counts(store):
    ann = _file(store, ANNUAL)
    rollups = {
        r.oei: r for r in oei_rollups(load(store, "measurements", file=ann), effective_rule(store, ann))
    }
    r1 = rollups["OEI.01"]
    assert r1.printed_counts == {"bajo": 3.0, "medio": 0.0, "alto": 8.0, "total": 12.0}
    assert r1.avance.value == 203.5 and r1.level_printed == "bueno"
    assert "203.5%" in r1.explain and "Tabla 7" in r1.explain
    assert rollups["OEI.02"].avance.value == 71.8


def test_critical_views(semestral):
    statuses, rule = semestral
    low_high = {d["owner"] for d in low_pei_despite_high_poi(statuses, rule)}
    assert {"AEI.03.03", "AEI.05.03", "AEI.01.10", "AEI.05.04"} <= low_high
    assert "AEI.01.01" not in low_high
    first = low_pei_despite_high_poi(statuses, rule)[0]
    assert "pese a una ejecución física POI" in first["explain"]
    unmeasured = without_measurable_progress(statuses)
    assert [d["owner"] for d in unmeasured] == ["AEI.01.11", "AEI.08.01"]
    assert "«NC»" in unmeasured[0]["explain"]


def test_reported_critical(store):
    rows = load(store, "critical_actions", file=_file(store, SEMESTRAL))
    crit = {d["owner"]: d for d in reported_critical(rows)}
    assert crit["AEI.07.02"]["priorizado"] == 0
    assert "no priorizado" in crit["AEI.07.02"]["explain"]


def test_synthetic_statuses_pick_summary_then_indicator_table():
    rows = [
        _row(owner="AEI.09.01", metric="avance_pei", value=None, raw="NC", line_start=10),
        _row(owner="AEI.09.01", metric="avance", value=0.0, raw="0.00", line_start=20, indicator_name="I"),
        _row(
            owner="AEI.09.02",
            metric="avance_corregido",
            value=60.0,
            raw="60",
            line_start=30,
            indicator_name="J",
        ),
        _row(owner="AEI.09.02", metric="avance", value=0.0, raw="0", line_start=30, indicator_name="J"),
        _row(owner="AEI.09.02", metric="ejecucion_fisica", value=96.0, raw="96%", line_start=31),
    ]
    rule = LevelRule("x.txt", 95, 75)
    by = {s.owner: s for s in action_statuses(rows, rule)}
    assert by["AEI.09.01"].pei.raw == "NC" and by["AEI.09.01"].poi is None
    assert by["AEI.09.02"].pei.value == 60.0 and by["AEI.09.02"].gap == -36.0
    assert low_pei_despite_high_poi(list(by.values()), rule)[0]["owner"] == "AEI.09.02"
    assert without_measurable_progress(list(by.values()))[0]["owner"] == "AEI.09.01"


# ---- across periods -----------------------------------------------------------------------------------


def test_compare_periods_same_plan(store):
    changes = {c.owner: c for c in compare_periods(load(store, "measurements"))}
    c = changes["AEI.01.03"]
    assert (c.before_period, c.after_period) == ("2024-S1", "2024")
    assert (c.before.value, c.after.value, c.change) == (40.0, 33.0, -7.0)
    assert "baja 7 puntos" in c.explain
    falls = largest_falls(list(changes.values()))
    assert falls[0].owner == "AEI.01.03"
    assert all(ch.plan == c.plan for ch in changes.values() if ch.owner.startswith("AEI.0"))


def test_compare_periods_never_mixes_plans():
    rows = [
        _row(owner="OEI.01", metric="avance_tipo1", value=50, raw="50", period="2024", plan="A"),
        _row(owner="OEI.01", metric="avance_tipo1", value=90, raw="90", period="2026", plan="B"),
    ]
    assert compare_periods(rows) == []


# ---- PESEM trends and targets ---------------------------------------------------------------------------


def test_pesem_trends_largest_fall(store):
    pesem = next(d["file"] for d in store.documents() if d["kind"] == "reporte de seguimiento del PESEM")
    series = trends(load(store, "measurements", file=pesem))
    oes = [t for t in series if (t.owner or "").startswith("OES.")]
    worst = largest_changes(oes, 2020)[0]
    assert worst.owner == "OES.02" and "promoción económica" in worst.indicator
    p = worst.point(2020)
    assert (p.value, p.change) == (6.05, pytest.approx(-5.1))
    assert p.change_pct == pytest.approx(-45.74, abs=0.01)
    assert "2020 −5.1 (−45.7%)" in worst.explain
    repatriated = next(t for t in series if t.owner == "AES.02.05")
    assert max(repatriated.points, key=lambda q: q.value or 0).year == 2018


def test_trend_changes_on_synthetic_rows():
    rows = [
        _row(
            owner="OES.09",
            indicator_name="Ind",
            metric="valor_obtenido",
            year=y,
            value=v,
            raw=str(v),
            line_start=5,
        )
        for y, v in ((2017, 0.0), (2018, 4.0), (2019, None), (2020, 2.0))
    ]
    rows.append(
        _row(
            owner="OES.09",
            indicator_name="Ind",
            metric="valor_obtenido",
            year=2018,
            value=4.0,
            raw="4",
            line_start=99,
        )
    )
    (t,) = trends(rows)
    assert [p.year for p in t.points] == [2017, 2018, 2019, 2020]
    assert t.point(2018).change == 4.0 and t.point(2018).change_pct is None  # from 0: not computable
    assert t.point(2020).change == -2.0 and t.point(2020).change_pct == -50.0  # skips the empty year
    assert len(t.duplicates) == 1 and t.duplicates[0].source.line_start == 99


def test_targets_by_year(store):
    (series,) = targets_by_year(load(store, "targets"), load(store, "indicators"), owner="AEI.03.01")
    assert series.target(2028)["value"] == 46.5
    assert series.baseline_value == 20.0 and series.baseline_year == 2023
    assert series.target(2030)["distance_from_baseline"] == 40.0
    assert "2028: 46.5" in series.explain


def test_distance_to_target():
    up = distance_to_target(13.3, 46.5, "Ascendente")
    assert up["remaining"] == pytest.approx(33.2) and not up["reached"]
    assert up["avance"]["value"] == pytest.approx(28.602, abs=1e-3)
    down = distance_to_target(5, 4, "Descendente")
    assert down["remaining"] == 1 and not down["reached"] and down["avance"]["value"] == 80
    assert distance_to_target(13, 7, "No definido", "Mínimo permisible")["reached"]
    assert distance_to_target(None, 7)["remaining"] is None


def test_source_cite():
    s = Source("a.txt", 3, 5, "Tabla 2")
    assert s.cite() == "a.txt, Tabla 2, líneas 3-5"
    assert (
        Source.span(
            [_row(line_start=7, line_end=7), _row(line_start=3, line_end=4, locator="Tabla 9")]
        ).cite()
        == "x.txt, Tabla 1. Prueba; Tabla 9, líneas 3-7"
    )


# ---- recommendation follow-up ---------------------------------------------------------------------------


def test_date_helpers():
    assert parse_month_year("Septiembre 2024") == date(2024, 9, 1)
    assert parse_month_year("setiembre de 2024") == date(2024, 9, 1)
    assert parse_month_year("Abril 2025") == date(2025, 4, 1)
    assert parse_month_year(None) is None
    assert add_months(date(2024, 9, 1), 6) == date(2025, 3, 1)
    assert add_months(date(2024, 1, 31), 1) == date(2024, 2, 29)
    assert add_months(date(2024, 9, 1), 1.5) == date(2024, 10, 16)
    assert normalise_status("Culminado") == EXECUTED
    assert normalise_status("En proceso") == "en proceso"
    assert normalise_status("No iniciado") == "no iniciado"
    assert normalise_status("") == "sin información"


def test_status_counts_and_share(store):
    rows = load(store, "recommendations")
    by_report = status_counts(rows, "report")["counts"]
    assert by_report["2024-S1"] == {EXECUTED: 3, "en proceso": 2, "no iniciado": 1}
    assert by_report["2024"][EXECUTED] == 3 and by_report["2024"]["sin información"] == 2
    numbers = status_counts([r for r in rows if r["period"] == "2024"], "status")["numbers"]
    assert sorted(numbers[EXECUTED]) == [3, 4, 11]
    assert sorted(numbers["sin información"]) == [6, 7]
    by_unit = status_counts(rows, "unit")["counts"]
    assert by_unit["Oficina General de Planeamiento y Presupuesto"]["en proceso"] == 3
    shares = share_executed(rows)
    assert (shares["2024-S1"]["executed"], shares["2024-S1"]["total"]) == (3, 6)
    assert shares["2024-S1"]["share"] == pytest.approx(50.0)
    assert "3 de 6" in shares["2024-S1"]["explain"]


def test_views_history_links_and_app_updates(store):
    sem = _file(store, SEMESTRAL)
    key = f"{sem}#seguimiento#3"
    update = {
        "key": key,
        "status": "Ejecutado",
        "comment": "Acuerdo suscrito",
        "author": "editora",
        "at": "2025-07-01T10:00:00",
    }
    views = {v.key: v for v in load_views(store, [update], today=date(2025, 9, 1))}
    hydro = views[key]
    assert hydro.latest_status == EXECUTED
    assert [e.origin for e in hydro.history] == ["informe", "aplicación"]
    assert "editora" in hydro.explain
    without = {v.key: v for v in load_views(store, today=date(2025, 9, 1))}
    assert without[key].latest_status == "en proceso"
    # a new recommendation of the semestral report followed up by the annual report's matrix
    first_new = views[f"{sem}#nueva#1"]
    assert len(first_new.history) >= 2 and {e.period for e in first_new.history} == {"2024"}
    assert first_new.issued == "2024-09-01" and first_new.due == "2025-09-01"
    assert first_new.latest_status == "en proceso"


def test_overdue_on_synthetic_rows():
    docs = [{"file": "a.txt", "date": "Enero 2024"}, {"file": "b.txt", "date": "Enero 2025"}]
    recs = [
        {
            "id": 1,
            "file": "a.txt",
            "period": "2023",
            "list_kind": "nueva",
            "number": 1,
            "text": "Hacer X",
            "responsible": '["Unidad A"]',
            "plazo_meses": 6.0,
            "line_start": 10,
            "line_end": 10,
            "locator": "Recs",
        },
        {
            "id": 2,
            "file": "b.txt",
            "period": "2024",
            "list_kind": "seguimiento",
            "number": 1,
            "text": "Hacer X",
            "responsible": '["Unidad A"]',
            "plazo_meses": 6.0,
            "status": "en proceso",
            "status_raw": "En proceso",
            "line_start": 20,
            "line_end": 20,
            "locator": "Matriz",
        },
        {
            "id": 3,
            "file": "a.txt",
            "period": "2023",
            "list_kind": "nueva",
            "number": 2,
            "text": "Hacer Y",
            "responsible": "[]",
            "plazo_meses": 24.0,
            "line_start": 11,
            "line_end": 11,
            "locator": "Recs",
        },
    ]
    views = build_views(recs, [{"from_id": 1, "to_id": 2, "confidence": 90}], docs, today=date(2025, 3, 1))
    assert len(views) == 2  # the follow-up row belongs to recommendation 1
    v1, v2 = views
    assert v1.due == "2024-07-01" and v1.overdue_at_followup is True and v1.overdue_today is True
    assert v2.due == "2026-01-01" and v2.overdue_today is False and v2.latest_status is None
    assert overdue(views) == [v1] and overdue(views, at_followup=True) == [v1]
    assert by_status(views, "En proceso") == [v1]
    assert recommendation_key(recs[0]) == "a.txt#nueva#1"
    done = build_views(
        recs,
        [{"from_id": 1, "to_id": 2}],
        docs,
        [{"recommendation_id": 2, "status": "Culminado", "at": "2025-02-01"}],
        date(2025, 3, 1),
    )
    assert done[0].latest_status == EXECUTED and done[0].overdue_today is False
