"""Which brief fits an answer or a topic: the ``brief_url`` of /api/ask answers and the TEMA of
``planes brief``."""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import quote, urlencode

from knowledge.text import fold

from .understand import find_question_codes, normalise

ENDPOINT = "/api/brief"
# Intents whose answer is about one objective or action: its brief shows the whole picture.
CODE_INTENTS = {"avance", "target", "baseline", "indicator", "responsible", "priority", "objective", "critical",
                "activity", "compare", "trend", "value", "followup", "summary"}
# Intents about a report as a whole (when no code is named).
REPORT_INTENTS = {"critical", "summary", "list", "count", "compare", "recommendation"}

_PERIOD_RE = re.compile(r"^(19|20)\d\d(\s*-?\s*(s[12]|i{1,2}))?$")
_CODE_ONLY_RE = re.compile(r"^i?(oei|aei|oes|aes)[\s.\-]*\d{1,2}([\s.\-]+\d{1,2}){0,2}\.?$|^\d\s*\.\s*\d{1,2}$")


_SECTOR_CODE_RE = re.compile(r"^\s*(\d)\s*\.\s*(\d{1,2})\s*$")


def parse_code(text: str) -> str | None:
    """A canonical objective/action code from user text ("oei 5", "AEI.3.1", "1.1").
    An indicator code (IAEI.03.01.01) names its owner (AEI.03.01)."""
    text = (text or "").strip()
    if not text or len(text) > 60:
        return None
    m = _SECTOR_CODE_RE.match(text)
    if m:
        return f"{int(m.group(1))}.{int(m.group(2))}"
    codes = find_question_codes(normalise(text))
    if not codes:
        return None
    code = codes[0]
    if code.startswith("I") and code[1:4] in ("OEI", "AEI", "OES", "AES"):
        owner = code[1:]
        parts = owner.split(".")
        return ".".join(parts[:2] if parts[0].startswith("O") else parts[:3])
    return code


def url(**params: str | None) -> str:
    clean = {k: v for k, v in params.items() if v}
    return f"{ENDPOINT}?{urlencode(clean, quote_via=quote)}"


def brief_url_for(intent: str | None, entities: dict[str, Any] | None, question: str | None,
                  found: bool = True) -> str | None:
    """The /api/brief URL that fits an /api/ask answer, or None when there is nothing to brief.

    ``entities`` as the router fills them: ``code`` / ``codes``, ``plan``, ``period``.
    A named objective or action → its brief (in the plan the answer used); a report-wide
    question with a period → that report's brief; recommendations → the matrix; any other
    answer that was found → the brief of the answer itself.
    """
    entities = entities or {}
    intent = (intent or "").strip()
    codes = [entities.get("code"), *(entities.get("codes") or [])]
    code = next((c for c in (parse_code(str(x)) for x in codes if x) if c), None)
    period = entities.get("period")
    period = str(period) if period else None
    if code and intent in CODE_INTENTS:
        return url(tipo="objetivo", codigo=code, plan=entities.get("plan"))
    if intent == "recommendation":
        return url(tipo="informe", periodo=period) if period else url(tipo="recomendaciones")
    if intent in REPORT_INTENTS and period and not code:
        return url(tipo="informe", periodo=period)
    if found and question and question.strip():
        return url(tipo="respuesta", pregunta=question.strip()[:2000])
    return None


def parse_topic(topic: str) -> dict[str, str | None]:
    """``planes brief TEMA``: "OEI.05", "AEI.03.01", "informe 2024-S1", "2024", "recomendaciones"
    (optionally with a period), or any question → the keyword arguments of build_brief."""
    text = " ".join((topic or "").split())
    folded = fold(text).strip(" ?¿")
    first, _, rest = folded.partition(" ")
    if first.startswith("recomendacion"):
        return {"kind": "recomendaciones", "periodo": rest or None}
    if first in ("informe", "reporte", "evaluacion") and (not rest or re.search(r"(19|20)\d\d", rest)):
        return {"kind": "informe", "periodo": rest or None}
    if _PERIOD_RE.match(folded):
        return {"kind": "informe", "periodo": folded}
    if _CODE_ONLY_RE.match(folded):
        return {"kind": "objetivo", "codigo": parse_code(text)}
    return {"kind": "respuesta", "pregunta": text}
