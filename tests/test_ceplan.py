"""queries.ceplan: hand-checked values for every function, and properties of the formulas."""

from __future__ import annotations

import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from queries.ceplan import (
    CAP,
    FORMULAS,
    Avance,
    Thresholds,
    avance_corregido,
    avance_tipo1,
    avance_tipo2,
    normalise_sentido,
    semestral_target,
)

# ---- normalise_sentido ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("sentido", "agregacion", "expected"),
    [
        ("Ascendente", None, "ascendente"),
        ("ASCENDENTE", "No agregable", "ascendente"),
        ("Descendente", None, "descendente"),
        ("No Definido", "Mínimo permisible", "minimo"),
        ("No definido", "Máximo permisible", "maximo"),
        ("Máximo permisible", None, "maximo"),
        ("minimo permisible", None, "minimo"),
        (None, None, "ascendente"),
        ("", "", "ascendente"),
        ("No definido", "Agregable", "no definido"),
    ],
)
def test_normalise_sentido(sentido, agregacion, expected):
    assert normalise_sentido(sentido, agregacion) == expected


# ---- avance tipo 1 ----------------------------------------------------------------------------


def test_ascending_hand_checked():
    # 13.3 / 46.5 × 100 = 28.6021… (AEI.01.02 in the 2024-I report prints 28.60)
    a = avance_tipo1(13.3, 46.5, "Ascendente")
    assert a.value == pytest.approx(28.602150537, abs=1e-6)
    assert a.uncapped == a.value
    assert a.inputs == {"VO": 13.3, "LE": 46.5}
    assert a.calculable
    assert "VO / LE" in a.formula


def test_ascending_is_capped_and_keeps_the_ratio():
    # 116 / 57 = 203.5% printed by the annual report for an OEI; CEPLAN caps at 100
    a = avance_tipo1(116, 57, "ascendente")
    assert a.value == CAP == 100.0
    assert a.uncapped == pytest.approx(203.50877, abs=1e-4)
    assert "razón sin tope: 203.51%" in a.explain()


def test_ascending_without_cap():
    a = avance_tipo1(116, 57, "ascendente", cap=False)
    assert a.value == pytest.approx(203.50877, abs=1e-4)


def test_descending_hand_checked():
    a = avance_tipo1(5, 4, "Descendente")  # LE / VO = 4 / 5 = 80%
    assert a.value == pytest.approx(80.0)
    assert "LE / VO" in a.formula
    b = avance_tipo1(2, 4, "Descendente")  # 200% capped
    assert b.value == 100.0 and b.uncapped == pytest.approx(200.0)


@pytest.mark.parametrize(
    ("vo", "le", "expected"), [(13, 7, 100.0), (7, 7, 100.0), (5, 12.5, 0.0), (0, 0.5, 0.0)]
)
def test_minimum_permissible(vo, le, expected):
    a = avance_tipo1(vo, le, "No Definido", "Mínimo permisible")
    assert a.value == expected
    assert a.uncapped == expected


@pytest.mark.parametrize(("vo", "le", "expected"), [(3, 5, 100.0), (5, 5, 100.0), (6, 5, 0.0)])
def test_maximum_permissible(vo, le, expected):
    assert avance_tipo1(vo, le, "Máximo permisible").value == expected


def test_missing_inputs_are_not_computable():
    for vo, le in ((None, 5), (5, None), (None, None)):
        a = avance_tipo1(vo, le, "ascendente")
        assert a.value is None and not a.calculable
        assert a.explain().startswith("No calculable")
        assert "sin dato" in a.explain()


def test_division_by_zero_is_not_computable():
    a = avance_tipo1(3, 0, "ascendente")
    assert a.value is None and a.note == "división entre cero"
    assert "No calculable: división entre cero" in a.explain()
    d = avance_tipo1(0, 3, "descendente")
    assert d.value is None and "cero" in d.note


def test_undefined_direction_is_not_computable():
    a = avance_tipo1(3, 4, "No definido", "Agregable")
    assert a.value is None
    assert "sentido" in a.note


def test_explain_and_as_dict():
    a = avance_tipo1(18, 21.5, "ascendente")
    text = a.explain()
    assert "VO = 18" in text and "LE = 21.5" in text and "83.72%" in text
    d = a.as_dict()
    assert d["inputs"] == {"VO": 18, "LE": 21.5}
    assert d["value"] == pytest.approx(83.7209, abs=1e-3)
    assert isinstance(a, Avance)


# ---- avance corregido, tipo 2, semestral target ---------------------------------------------------


def test_corrected_uses_the_ascending_formula():
    # 5 reuniones of 12.5 expected: mínimo permisible gives 0, the corrected [C] figure 40
    assert avance_tipo1(5, 12.5, "No definido", "Mínimo permisible").value == 0.0
    c = avance_corregido(5, 12.5)
    assert c.value == pytest.approx(40.0)
    assert "corregido" in c.formula.lower()
    assert avance_corregido(None, 3).value is None
    assert avance_corregido(30, 12.5).value == 100.0


def test_tipo2_hand_checked():
    # (7 − 2) / (25 − 2) × 100 = 21.739…; (829 − 1556) / (1600 − 1556) × 100 = −1652.27…
    assert avance_tipo2(7, 25, 2).value == pytest.approx(21.7391, abs=1e-3)
    neg = avance_tipo2(829, 1600, 1556)
    assert neg.value == pytest.approx(-1652.2727, abs=1e-3)
    assert neg.uncapped == neg.value  # tipo 2 is not capped
    assert avance_tipo2(37368, 18160, 15147).value == pytest.approx(737.504, abs=1e-3)


def test_tipo2_not_computable():
    assert avance_tipo2(None, 3, 1).value is None
    flat = avance_tipo2(5, 3, 3)
    assert flat.value is None and "línea de base" in flat.note
    assert flat.explain().startswith("No calculable")


def test_semestral_target():
    assert semestral_target(25) == 12.5
    assert semestral_target(19030) == 9515
    assert semestral_target(10, share=0.25) == 2.5
    assert semestral_target(None) is None


# ---- thresholds ---------------------------------------------------------------------------------------


def test_thresholds_levels_and_explain():
    t = Thresholds(95, 75, "informe anual")
    assert t.level(100) == "alto"
    assert t.level(95) == "alto"
    assert t.level(94.99) == "medio"
    assert t.level(75) == "medio"
    assert t.level(74.9) == "bajo"
    assert t.level(None) is None
    text = t.explain()
    assert "≥ 95%" in text and "< 75%" in text and "informe anual" in text


def test_formulas_cover_every_direction():
    assert set(FORMULAS) == {"ascendente", "descendente", "maximo", "minimo"}


# ---- properties -------------------------------------------------------------------------------------

positive = st.floats(min_value=1e-6, max_value=1e9, allow_nan=False, allow_infinity=False)
non_negative = st.floats(min_value=0, max_value=1e9, allow_nan=False, allow_infinity=False)
directions = st.sampled_from(["Ascendente", "Descendente", "Máximo permisible", "Mínimo permisible"])


@settings(max_examples=200)
@given(vo=non_negative, le=positive, sentido=directions)
def test_capped_avance_is_between_0_and_100(vo, le, sentido):
    a = avance_tipo1(vo, le, sentido)
    if a.value is None:  # descending with VO = 0
        assert vo == 0 and "cero" in a.note
        return
    assert 0 <= a.value <= 100


@settings(max_examples=200)
@given(vo=non_negative, le=positive)
def test_cap_is_the_minimum_of_ratio_and_100(vo, le):
    a = avance_tipo1(vo, le, "ascendente")
    assert a.value == pytest.approx(min(a.uncapped, 100.0))
    assert a.uncapped == pytest.approx(vo / le * 100)


@settings(max_examples=200)
@given(a=non_negative, b=non_negative, le=positive)
def test_ascending_is_monotone_in_vo(a, b, le):
    lo, hi = sorted((a, b))
    assert avance_tipo1(lo, le, "ascendente").value <= avance_tipo1(hi, le, "ascendente").value


@settings(max_examples=200)
@given(a=positive, b=positive, le=positive)
def test_descending_falls_as_vo_grows(a, b, le):
    lo, hi = sorted((a, b))
    assert avance_tipo1(lo, le, "descendente").value >= avance_tipo1(hi, le, "descendente").value


@settings(max_examples=200)
@given(vo=non_negative, le=non_negative, sentido=st.sampled_from(["Máximo permisible", "Mínimo permisible"]))
def test_permissible_is_all_or_nothing(vo, le, sentido):
    assert avance_tipo1(vo, le, sentido).value in (0.0, 100.0)


@settings(max_examples=200)
@given(vo=non_negative)
def test_zero_target_is_never_a_number(vo):
    a = avance_tipo1(vo, 0, "ascendente")
    assert a.value is None and a.uncapped is None
    assert "No calculable" in a.explain()


@settings(max_examples=200)
@given(le=st.floats(-1e6, 1e6, allow_nan=False), lb=st.floats(-1e6, 1e6, allow_nan=False))
def test_tipo2_is_0_at_baseline_and_100_at_target(le, lb):
    r0, r1 = avance_tipo2(lb, le, lb), avance_tipo2(le, le, lb)
    if le == lb:
        assert r0.value is None and r1.value is None
        return
    assert r0.value == pytest.approx(0.0, abs=1e-6)
    assert math.isclose(r1.value, 100.0, rel_tol=1e-9, abs_tol=1e-6)


@settings(max_examples=200)
@given(
    a=st.floats(-50, 300, allow_nan=False),
    b=st.floats(-50, 300, allow_nan=False),
    high=st.floats(50, 100),
    low=st.floats(0, 50),
)
def test_threshold_levels_are_monotone(a, b, high, low):
    t = Thresholds(high, low, "prueba")
    rank = {"bajo": 0, "medio": 1, "alto": 2}
    lo, hi = sorted((a, b))
    assert rank[t.level(lo)] <= rank[t.level(hi)]
