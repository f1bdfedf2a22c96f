"""The operations of queries/operations.py: pure functions over facts, with their arithmetic."""

from __future__ import annotations

import pytest

from queries.operations import change, number, rank, share, threshold, unchanged


def fact(subject: str, value: float | None) -> dict:
    return {"subject": subject, "value": value}


def test_share_shows_its_arithmetic():
    s = share(3, 6)
    assert s.percent == 50.0
    assert s.arithmetic == "3 de 6 = 50 %"
    assert share(1, 3).percent == 33.3
    assert share(0, 0).percent is None


def test_threshold_keeps_values_below_and_sets_non_values_apart():
    facts = [fact("A", 28.6), fact("B", 40.0), fact("C", 50.0), fact("D", None), fact("E", 83.7)]
    result = threshold(facts, "<", 50)
    assert [f["subject"] for f in result.kept] == ["A", "B"]
    assert [f["subject"] for f in result.without_value] == ["D"]
    assert result.arithmetic == "2 de 4 con valor por debajo de 50"
    assert [f["subject"] for f in threshold(facts, ">=", 50).kept] == ["C", "E"]


@pytest.mark.parametrize("start,end,verb,points,percent", [
    (4.07, 2.5, "cae", -1.57, -38.6),
    (82.9, 90.7, "sube", 7.8, 9.4),
    (0.6, 0.6, "no varía", 0, 0.0),
])
def test_change_in_points_and_relative(start, end, verb, points, percent):
    c = change(start, end, percent_points=True)
    assert c.verb == verb
    assert c.points == pytest.approx(points)
    assert c.percent == pytest.approx(percent)


def test_change_arithmetic_reads_as_spanish():
    assert change(4.07, 2.5).arithmetic == "de 4.07 a 2.5: cae 1.57 (38.6 % de variación relativa)"
    assert "puntos porcentuales" in change(82.9, 90.7, percent_points=True).arithmetic
    assert change(0, 5).percent is None  # no relative change from zero


def test_unchanged_needs_both_values():
    pairs = [("a", 0.6, 0.6), ("b", 1.0, 2.0), ("c", None, None), ("d", 3.0, None)]
    assert unchanged(pairs) == ["a"]


def test_rank_and_number():
    facts = [fact("A", 10.0), fact("B", None), fact("C", 30.0)]
    assert [f["subject"] for f in rank(facts)] == ["C", "A"]
    assert [f["subject"] for f in rank(facts, highest=False)] == ["A", "C"]
    assert number(40.0) == "40" and number(28.60) == "28.6"
