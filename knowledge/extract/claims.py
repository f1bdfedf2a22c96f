"""Claims the audit checks: counts of actions per level stated in the prose of evaluation reports.

For documents of kind "informe de evaluación semestral" / "informe de evaluación anual", rows for
the ``statements`` table:

- topic ``acciones_por_nivel``: "21 acciones estratégicas (52.5%) tienen un nivel de cumplimiento
  alto", "3 acciones se ubicaron en un rango de avance medio (entre 75% y 95%)", "11 acciones …
  presentaron un avance por debajo del 75%", "1 acción cuyo cumplimiento no puede medirse".
  ``value`` is the count; ``raw`` is ``"<level>|<count as printed>|<group line>"`` where level is
  alto, medio, bajo or "no medible" (a cut-off phrase stands for its level: "igual o superior"
  → alto, "entre … y …" → medio, "por debajo" → bajo);
- topic ``acciones_total``: the number of actions the same paragraph group distributes ("las 40
  acciones", "Cuenta con 12 acciones"); ``raw`` is ``"total|<count as printed>|<group line>"``.

``group line`` is the first line of the run of paragraphs (separated by at most one blank line,
same section) the claim belongs to, so a distribution stated over two paragraphs is one group.
``owner`` is the objective whose section the paragraph is in (a heading line that starts with an
OEI/OES code), None in general sections. Claims inside an action's own section are not kept.
"""

from __future__ import annotations

import re

from ..document import EVALUATION_KINDS, Document
from ..records import Records, Row
from ..text import clean, fold, leading_code, parse_number

KINDS = EVALUATION_KINDS
TOPIC_LEVEL = "acciones_por_nivel"
TOPIC_TOTAL = "acciones_total"

_WORD_NUMBERS = {
    "un": 1,
    "una": 1,
    "uno": 1,
    "dos": 2,
    "tres": 3,
    "cuatro": 4,
    "cinco": 5,
    "seis": 6,
    "siete": 7,
    "ocho": 8,
    "nueve": 9,
    "diez": 10,
    "once": 11,
    "doce": 12,
    "trece": 13,
    "catorce": 14,
    "quince": 15,
}
# "21 acciones", "doce (12) acciones", "1 acción" (folded text)
_COUNT_RE = re.compile(
    r"(?<![\d.,])(\d{1,4}|(?:" + "|".join(_WORD_NUMBERS) + r")(?:\s*\(\d{1,4}\))?)\s+acci(?:on|ones)\b"
)
_TOTAL_HINT_RE = re.compile(
    r"(?:\b(?:las|los|de|total de|cuenta con|mediante|considerandose un total de)\s+)$"
)
_LEVEL_RES = (
    (
        "no medible",
        re.compile(
            r"no (?:puede|pueden) medirse|no corresponde su medicion|no (?:es|son) medibles?"
            r"|sin medicion"
        ),
    ),
    ("alto", re.compile(r"\b(?:alto|alta)\b|igual o superior|igual o mayor|mayor o igual")),
    ("medio", re.compile(r"\b(?:medio|media)\b|\bentre\s+\d")),
    ("bajo", re.compile(r"\b(?:bajo|baja)\b|por debajo|menor(?:es)? al?\b|inferior(?:es)? al?\b")),
)
_CLAUSE_SPLIT_RE = re.compile(r"[;:]|,(?![^(]*\))| y (?=\d)| mientras que |\.\s")
_NUMBERED_HEADING_RE = re.compile(r"^\d{1,2}(?:\.\d{1,2})*\.?\s+\S")


def extract(doc: Document) -> Records:
    if doc.kind not in KINDS:
        return {}
    return {"statements": claims_from_lines(doc.file, doc.kind, doc.plan, doc.period, doc.lines)}


def claims_from_lines(
    file: str, kind: str, plan: str | None, period: str | None, lines: list[str]
) -> list[Row]:
    """The claims of one report given its lines (the audit calls this when the index has none)."""
    if kind not in KINDS:
        return []
    rows: list[Row] = []
    owner: str | None = None
    section = ""
    group_start: int | None = None
    last_prose = -10
    for n, raw in enumerate(lines, 1):
        if not raw.strip():
            continue
        text = clean(raw)
        if "\t" in raw or raw.lstrip().startswith("|"):
            group_start = None
            continue
        code = _heading_code(text)
        if code and len(text) < 400 and not text.endswith(":"):
            owner, section, group_start = code, text[:160], None
            continue
        if _NUMBERED_HEADING_RE.match(text) and len(text) < 160 and not text.endswith("."):
            owner, section, group_start = None, text[:160], None
            continue
        if group_start is None or n - last_prose > 2:
            group_start = n
        last_prose = n
        if owner and not owner.startswith(("OEI.", "OES.")):
            continue
        rows += _line_claims(file, plan, period, owner, section, n, text, group_start)
    return rows


_OBJECTIVE_PREFIX_RE = re.compile(r"^\s*objetivo[^:]{0,40}:\s*", re.I)
_ACTION_HEADING_RE = re.compile(r"^\s*acci[oó]n estrat[eé]gica(?:\s+\w+)?\s+(\d{1,2})\.(\d{1,2})\b", re.I)


def _heading_code(text: str) -> str | None:
    """The objective or action a heading line introduces ("OEI.01. …", "Objetivo priorizado:
    OEI.05. …", "Acción estratégica priorizada 01.03. …")."""
    m = _ACTION_HEADING_RE.match(text)
    if m:
        return f"AEI.{int(m.group(1)):02d}.{int(m.group(2)):02d}"
    return leading_code(_OBJECTIVE_PREFIX_RE.sub("", text, count=1))


def _line_claims(
    file: str,
    plan: str | None,
    period: str | None,
    owner: str | None,
    section: str,
    n: int,
    text: str,
    group: int,
) -> list[Row]:
    rows = []
    for clause in _CLAUSE_SPLIT_RE.split(text):
        folded = fold(clause)
        m = _COUNT_RE.search(folded)
        if not m:
            continue
        count_raw = m.group(1)
        count = _count(count_raw)
        if count is None:
            continue
        after = folded[m.end() :]
        level = next((name for name, rx in _LEVEL_RES if rx.search(after)), None)
        if level is None:
            if not _TOTAL_HINT_RE.search(folded[: m.start()]):
                continue
            topic, label = TOPIC_TOTAL, "total"
        else:
            topic, label = TOPIC_LEVEL, level
        rows.append(
            {
                "plan": plan,
                "period": period,
                "owner": owner,
                "topic": topic,
                "value": count,
                "raw": f"{label}|{count_raw}|{group}",
                "sentence": clause.strip(),
                "file": file,
                "line_start": n,
                "line_end": n,
                "locator": section,
            }
        )
    return rows


def _count(raw: str) -> float | None:
    paren = re.search(r"\((\d{1,4})\)", raw)
    if paren:
        return float(paren.group(1))
    word = raw.split()[0]
    if word in _WORD_NUMBERS:
        return float(_WORD_NUMBERS[word])
    return parse_number(word)
