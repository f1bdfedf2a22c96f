"""CEPLAN avance formulas, each result carrying its inputs and formula so an answer can show
how a figure was obtained.

Avance tipo 1 (Guía de seguimiento y evaluación, Ceplan 2024):
  ascendente   VO / LE · 100
  descendente  LE / VO · 100
  máximo permisible  100 si VO ≤ LE, si no 0
  mínimo permisible  100 si VO ≥ LE, si no 0
capped at 100 (the ratio is kept uncapped alongside, since some reports print it, e.g. 203.5).
Avance tipo 2 = (VO − LB) / (LE − LB) · 100 (PESEM follow-up reports).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

from knowledge.text import fold

CAP = 100.0


@dataclass(frozen=True)
class Avance:
    value: float | None  # the figure CEPLAN reports (capped where CEPLAN caps)
    uncapped: float | None  # the plain ratio, before the cap
    formula: str  # human-readable formula, in Spanish
    inputs: dict  # VO, LE (and LB) used
    note: str = ""  # why the value is None ("no calculable") or special

    @property
    def calculable(self) -> bool:
        return self.value is not None

    def explain(self) -> str:
        shown = ", ".join(f"{k} = {_fmt(v)}" for k, v in self.inputs.items())
        if not self.calculable:
            return f"No calculable: {self.note} ({shown})."
        text = f"{self.formula} con {shown} → {_fmt(self.value)}%"
        if self.uncapped is not None and self.uncapped != self.value:
            text += f" (razón sin tope: {_fmt(self.uncapped)}%)"
        return text + "."

    def as_dict(self) -> dict:
        return asdict(self)


def _fmt(v: float | None) -> str:
    if v is None:
        return "sin dato"
    return f"{v:.2f}".rstrip("0").rstrip(".") if not float(v).is_integer() else str(int(v))


def normalise_sentido(sentido: str | None, agregacion: str | None = None) -> str:
    """One of ascendente / descendente / maximo / minimo. "No definido" with a "mínimo permisible"
    aggregation is treated as mínimo permisible, as the evaluation reports do."""
    s = fold(sentido or "")
    a = fold(agregacion or "")
    if "desc" in s:
        return "descendente"
    if "asc" in s:
        return "ascendente"
    for text in (s, a):
        if "max" in text:
            return "maximo"
        if "min" in text:
            return "minimo"
    return "ascendente" if not s else "no definido"


FORMULAS = {
    "ascendente": "Avance tipo 1 ascendente = VO / LE × 100 (tope 100)",
    "descendente": "Avance tipo 1 descendente = LE / VO × 100 (tope 100)",
    "maximo": "Avance tipo 1 máximo permisible = 100 si VO ≤ LE; 0 si VO > LE",
    "minimo": "Avance tipo 1 mínimo permisible = 100 si VO ≥ LE; 0 si VO < LE",
}


def avance_tipo1(
    vo: float | None,
    le: float | None,
    sentido: str | None = "ascendente",
    agregacion: str | None = None,
    cap: bool = True,
) -> Avance:
    kind = normalise_sentido(sentido, agregacion)
    inputs = {"VO": vo, "LE": le}
    if kind not in FORMULAS:
        return Avance(None, None, "sentido no definido", inputs, "el sentido esperado no está definido")
    formula = FORMULAS[kind]
    if vo is None or le is None:
        return Avance(None, None, formula, inputs, "falta el valor obtenido o el logro esperado")
    if kind in ("maximo", "minimo"):
        ok = vo <= le if kind == "maximo" else vo >= le
        value = 100.0 if ok else 0.0
        return Avance(value, value, formula, inputs)
    num, den = (vo, le) if kind == "ascendente" else (le, vo)
    if den == 0:
        return Avance(None, None, formula, inputs, "división entre cero")
    ratio = num / den * 100
    return Avance(min(ratio, CAP) if cap else ratio, ratio, formula, inputs)


def avance_corregido(vo: float | None, le: float | None) -> Avance:
    """The reports' "avance corregido [C]": the ascending formula applied where the sentido is
    "No definido" / permisible and the 0-or-100 rule would hide a short gap."""
    result = avance_tipo1(vo, le, "ascendente")
    return Avance(
        result.value,
        result.uncapped,
        "Avance corregido [C] = VO / LE × 100 (fórmula ascendente)",
        result.inputs,
        result.note,
    )


def avance_tipo2(vo: float | None, le: float | None, lb: float | None) -> Avance:
    formula = "Avance tipo 2 = (VO − LB) / (LE − LB) × 100"
    inputs = {"VO": vo, "LE": le, "LB": lb}
    if vo is None or le is None or lb is None:
        return Avance(
            None, None, formula, inputs, "falta el valor obtenido, el logro esperado o la línea de base"
        )
    if le == lb:
        return Avance(None, None, formula, inputs, "el logro esperado es igual a la línea de base")
    ratio = (vo - lb) / (le - lb) * 100
    return Avance(ratio, ratio, formula, inputs)


def semestral_target(annual: float | None, share: float = 0.5) -> float | None:
    """The semestral logro esperado the 2024-I report imputes: a share (50%) of the annual target."""
    return None if annual is None else annual * share


# ---- levels -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Thresholds:
    """Level cut-offs as a report declares them: alto ≥ high, medio ≥ low, bajo below."""

    high: float
    low: float
    source: str

    def level(self, value: float | None) -> str | None:
        if value is None:
            return None
        if value >= self.high:
            return "alto"
        if value >= self.low:
            return "medio"
        return "bajo"

    def explain(self) -> str:
        return (
            f"alto si el avance es ≥ {_fmt(self.high)}%, medio si está entre {_fmt(self.low)}% y "
            f"{_fmt(self.high)}%, bajo si es < {_fmt(self.low)}% ({self.source})"
        )
