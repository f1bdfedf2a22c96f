"""The operation a question asks for, read as slots: value, count, share, threshold, unchanged.

Subjects, plan and period are read by ``understand`` and ``resolve``; this module reads what is
to be done with the facts they select, and the metric to do it on.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .understand import Question

_NUM = r"(\d+(?:[.,]\d+)?)\s*(?:%|por ciento)?"
THRESHOLD_RULES: list[tuple[str, str]] = [
    ("<", rf"\b(?:por debajo del?|menor(?:es)? (?:a|al|de|que)|inferior(?:es)? (?:a|al)|menos del?|bajo el|"
          rf"no (?:supera|superaron|alcanza|alcanzaron|llega|llegaron) (?:a|al|el)?)\s*{_NUM}"),
    ("<=", rf"\b(?:igual o (?:menor|inferior) (?:a|al|que)|hasta (?:el|un)?|como maximo)\s*{_NUM}"),
    (">=", rf"\b(?:igual o (?:mayor|superior) (?:a|al|que)|al menos (?:el|un)?|como minimo|de (?:al menos )?)\s*{_NUM}"
           rf"\s*(?:o mas|a mas)\b"),
    (">=", rf"\b(?:igual o (?:mayor|superior) (?:a|al|que)|al menos (?:el|un)?|como minimo)\s*{_NUM}"),
    (">=", rf"\b(?:llegaron|llego|alcanzaron|alcanzo|lograron|logro|tuvieron|tuvo|obtuvieron)\s+(?:al|el|a un|un)\s+{_NUM}"
           rf"\s*(?:%|por ciento)"),
    (">", rf"\b(?:por encima del?|mayor(?:es)? (?:a|al|de|que)|superior(?:es)? (?:a|al)|mas del?|sobre el|"
          rf"superaron el|supera el|superan el)\s*{_NUM}"),
]
_THRESHOLDS = [(op, re.compile(rx)) for op, rx in THRESHOLD_RULES]
SHARE_RE = re.compile(r"(?<!a partir de )(?<!desde )\b(?:que|cual es el|en que) (?:porcentaje|proporcion|fraccion|parte)\b"
                      r"(?! de avance)(?! se considera)|\bque %|\bcuanto por ciento\b|"
                      r"\bporcentaje de (?:las|los) (?:recomendaciones|acciones|aei|objetivos)")
UNCHANGED_RE = re.compile(r"\bno (?:vario|variaron|cambio|cambiaron|se movio|se movieron)\b|\bse mantuv\w+ (?:igual|sin)|"
                          r"\bsin (?:variacion|cambios?)\b|\bmismo valor\b")
COUNT_RE = re.compile(r"\b(?:cuant[oa]s|numero de|cantidad de)\b")

# Metric words, most specific first.
METRIC_RULES: list[tuple[str, str]] = [
    ("avance_poi", r"\b(?:avance|ejecucion) (?:del? )?poi\b|\bpoi\b"),
    ("avance_pei", r"\b(?:avance|ejecucion) (?:del? )?pei\b"),
    ("avance_tipo2", r"\btipo (?:2|ii)\b"),
    ("avance_tipo1", r"\btipo (?:1|i)\b"),
    ("ejecucion_fisica", r"\bejecucion fisica\b|\bavance fisico\b"),
    ("valor_obtenido", r"\bvalor(?:es)? obtenid\w*\b"),
    ("logro_esperado", r"\blogros? esperad\w*\b"),
    ("avance", r"\bavance\b|\bavanzaron\b|\bavanzo\b"),
]
_METRICS = [(m, re.compile(rx)) for m, rx in METRIC_RULES]


@dataclass(frozen=True)
class Slots:
    operation: str | None = None      # "threshold", "share", "unchanged" or None (value, list: other handlers)
    comparator: str | None = None
    limit: float | None = None
    metric: str | None = None
    count: bool = False


def read_slots(q: Question) -> Slots:
    text = q.text
    metric = next((m for m, rx in _METRICS if rx.search(text)), None)
    count = bool(COUNT_RE.search(text))
    for op, rx in _THRESHOLDS:
        m = rx.search(text)
        if m and not re.match(r"\s*(?:19|20)\d\d\b", text[m.start(1):]):
            return Slots("threshold", op, float(m.group(1).replace(",", ".")), metric, count)
    if SHARE_RE.search(text):
        return Slots("share", metric=metric, count=count)
    if UNCHANGED_RE.search(text):
        return Slots("unchanged", metric=metric, count=count)
    return Slots(metric=metric, count=count)
