"""Operations over facts: counts, shares, threshold filters, rankings and changes.

Pure functions: facts in, a result with the arithmetic that produced it out, so an answer can show
"3 de 6 = 50 %" or "de 4.07 a 2.5: cae 38.6 %" instead of a bare figure.
"""

from __future__ import annotations

import operator
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

Fact = dict[str, Any]

COMPARATORS: dict[str, Callable[[float, float], bool]] = {
    "<": operator.lt, "<=": operator.le, ">": operator.gt, ">=": operator.ge, "=": operator.eq,
}
COMPARATOR_WORDS = {"<": "por debajo de", "<=": "hasta", ">": "por encima de", ">=": "de al menos", "=": "igual a"}


def number(value: float, decimals: int = 2) -> str:
    """A figure for an answer: whole numbers without decimals, others without trailing zeros."""
    if float(value).is_integer():
        return str(int(value))
    return f"{value:.{decimals}f}".rstrip("0").rstrip(".")


@dataclass(frozen=True)
class Share:
    part: int
    total: int
    percent: float | None

    @property
    def arithmetic(self) -> str:
        if self.percent is None:
            return f"{self.part} de {self.total}"
        return f"{self.part} de {self.total} = {number(self.percent, 1)} %"


def share(part: int, total: int) -> Share:
    return Share(part, total, round(100 * part / total, 1) if total else None)


@dataclass(frozen=True)
class Filtered:
    kept: list[Fact]
    others: list[Fact]
    without_value: list[Fact]
    comparator: str
    limit: float

    @property
    def arithmetic(self) -> str:
        measured = len(self.kept) + len(self.others)
        return (f"{len(self.kept)} de {measured} con valor {COMPARATOR_WORDS[self.comparator]} "
                f"{number(self.limit)}")


def threshold(facts: Iterable[Fact], comparator: str, limit: float) -> Filtered:
    """Facts whose value passes ``value <comparator> limit``; those without a value are apart."""
    test = COMPARATORS[comparator]
    kept, others, missing = [], [], []
    for f in facts:
        v = f.get("value")
        if v is None:
            missing.append(f)
        elif test(v, limit):
            kept.append(f)
        else:
            others.append(f)
    return Filtered(kept, others, missing, comparator, limit)


@dataclass(frozen=True)
class Change:
    start: float
    end: float
    points_word: str = ""  # "puntos porcentuales" when both values are percentages

    @property
    def points(self) -> float:
        return round(self.end - self.start, 4)

    @property
    def percent(self) -> float | None:
        return None if self.start == 0 else round(100 * (self.end - self.start) / abs(self.start), 1)

    @property
    def verb(self) -> str:
        return "sube" if self.end > self.start else "cae" if self.end < self.start else "no varía"

    @property
    def arithmetic(self) -> str:
        text = f"de {number(self.start)} a {number(self.end)}: {self.verb}"
        if self.points:
            text += f" {number(abs(self.points))}" + (f" {self.points_word}" if self.points_word else "")
            if self.percent is not None:
                text += f" ({number(abs(self.percent), 1)} % de variación relativa)"
        return text


def change(start: float, end: float, percent_points: bool = False) -> Change:
    return Change(start, end, "puntos porcentuales" if percent_points else "")


def unchanged(pairs: Iterable[tuple[Any, float | None, float | None]]) -> list[Any]:
    """Keys whose two values exist and are equal."""
    return [key for key, a, b in pairs if a is not None and b is not None and a == b]


def rank(facts: Iterable[Fact], highest: bool = True) -> list[Fact]:
    """Facts with a value, highest (or lowest) first; ties keep document order."""
    valued = [f for f in facts if f.get("value") is not None]
    return sorted(valued, key=lambda f: f["value"], reverse=highest)
