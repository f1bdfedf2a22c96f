"""Understanding a Spanish question: normalised text, codes, plan, period, years, statuses.

Nothing here knows a document: plans and periods are matched against what the index holds.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from rapidfuzz.distance import Levenshtein

from knowledge.text import AOI_RE, canonical_code, fold

# "oei 5", "oei.05", "OEI5", "aei 1.3", "aei.01.03", "aes 1.8", "oes 2", "IAEI.01.01.01"
_CODE_RE = re.compile(r"\b(i?)(oei|aei|oes|aes)\s*[.\-]?\s*(\d{1,2})(?:\s*[.\-]\s*(\d{1,2}))?(?:\s*[.\-]\s*(\d{1,2}))?(?!\d)")
# "objetivo 5", "objetivo estrategico 5", "objetivo estrategico institucional 5"
_OBJ_RE = re.compile(r"\bobjetivo(?:s)?(?:\s+estrategico)?(?:\s+institucional)?\s+(?:n[°o.]?\s*)?(\d{1,2})(?![.\d])")
_OBJ_SECTORIAL_RE = re.compile(r"\bobjetivo(?:s)?\s+estrategico\s+sectorial\s+(\d{1,2})(?![.\d])")
# "accion estrategica 01.03", "accion estrategica 3.4", "accion 01.04"
_ACTION_RE = re.compile(r"\bacci[oó]n(?:es)?(?:\s+estrategica)?(?:\s+institucional)?\s+(\d{1,2})\s*\.\s*(\d{1,2})(?!\d)")
_ACTION_SECTORIAL_RE = re.compile(r"\bacci[oó]n(?:es)?\s+estrategica\s+sectorial\s+(\d{1,2})\s*\.\s*(\d{1,2})(?!\d)")
# the early sector plan: "OE 1.9", "objetivo especifico 2.3", "obj. 2.1", "objetivo 1.7", "objetivo general 2"
_SPECIFIC_RE = re.compile(r"\b(?:oe|obj(?:etivo)?\.?(?:\s+estrategico)?(?:\s+especifico)?)\s*(\d)\s*\.\s*(\d{1,2})(?!\d)")
_GENERAL_RE = re.compile(r"\bobjetivo(?:\s+estrategico)?\s+general\s+(\d)(?:\s*\.\s*0)?(?![.\d])")

YEAR_RE = re.compile(r"\b(19[89]\d|20[0-4]\d)\b")
DECADE_RE = re.compile(r"\blos (?:anos )?(?:19|20)\d0\b")  # "los años 2000" is a decade, not a year


def years_in(folded: str) -> list[int]:
    return [int(y) for y in YEAR_RE.findall(DECADE_RE.sub(" ", folded))]
SPAN_RE = re.compile(r"\b((?:19|20)\d\d)\s*[-–—/]\s*((?:19|20)\d\d)\b")

STATUS_WORDS = {
    "en proceso": ("en proceso", "proceso", "implementandose", "en curso", "en ejecucion"),
    "ejecutado/culminado": ("culminad", "ejecutad", "cumplid", "implementad", "complet"),
    "no iniciado": ("no iniciad", "sin iniciar", "pendiente"),
    "sin información": ("sin informacion", "sin info", "no reporta"),
}


@dataclass
class Question:
    raw: str
    text: str                                 # folded: lower case, no accents
    codes: list[str] = field(default_factory=list)
    aois: list[str] = field(default_factory=list)
    years: list[int] = field(default_factory=list)
    semester: int | None = None
    plan_hint: str | None = None              # "nuevo", "anterior", "pesem", "sectorial" or a span
    span: tuple[int, int] | None = None
    statuses: list[str] = field(default_factory=list)
    plan_name: str | None = None              # a plan carried over from the previous turn
    latest: bool = False                      # "el año pasado", "el último informe": the latest report

    def has(self, *words: str) -> bool:
        return any(w in self.text for w in words)


# Words that carry intent or kind; a typo of one ("critca", "indicadro", "recomendasion") is read as it.
VOCABULARY = frozenset("""
critica criticas critico criticos avance avances indicador indicadores recomendacion recomendaciones
responsable responsables meta metas linea base prioridad prioridades objetivo objetivos accion acciones
estrategica estrategicas estrategico estrategicos actividad actividades operativa operativas semestre
evaluacion informe reporte ejecucion fisica logro esperado obtenido institucional sectorial especifico
especificos general generales formula metodologia umbral tendencia evolucion comparacion diferencia
cumplimiento desempeno culminadas culminada ejecutadas proceso iniciado informacion
""".split())
CHAT_ABBREVIATIONS = {"q": "que", "xq": "por que", "pq": "por que", "x": "por", "nro": "numero", "num": "numero",
                      "obj": "objetivo", "rec": "recomendacion", "recs": "recomendaciones", "reco": "recomendacion",
                      "recom": "recomendacion", "pa": "para", "tb": "tambien", "tmb": "tambien", "sem": "semestre", "aprox": "aproximadamente", "c/u": "cada uno"}
_BY_LENGTH: dict[int, list[str]] = {}
for _word in VOCABULARY:
    _BY_LENGTH.setdefault(len(_word), []).append(_word)


def _fix_typo(token: str, known: frozenset[str]) -> str:
    """A word the documents never use, one or two letters away from a vocabulary word, is read as it."""
    if len(token) < 5 or token in VOCABULARY or token in known or not token.isalpha():
        return token
    limit = 1 if len(token) < 9 else 2
    for size in range(len(token) - limit, len(token) + limit + 1):
        for word in _BY_LENGTH.get(size, ()):
            if word[0] == token[0] and Levenshtein.distance(token, word, score_cutoff=limit) <= limit:
                return word
    return token


def normalise(raw: str, known: frozenset[str] = frozenset()) -> str:
    """Folded question text; ``known`` are the words the documents use (never taken for typos)."""
    text = fold(raw)
    text = re.sub(r"[¿?¡!«»\"“”'`´]", " ", text)
    text = re.sub(r"\s+", " ", text).strip()
    text = " ".join(CHAT_ABBREVIATIONS.get(t, t) for t in text.split(" "))
    return " ".join(_fix_typo(t, known) for t in text.split(" "))


def parse(raw: str, known: frozenset[str] = frozenset()) -> Question:
    text = normalise(raw, known)
    q = Question(raw=raw, text=text)
    q.codes = find_question_codes(text)
    q.codes += [c for c in sibling_codes(text, q.codes) if c not in q.codes]
    q.aois = list(dict.fromkeys(m.group(0).upper() for m in AOI_RE.finditer(raw.upper())))
    spans = SPAN_RE.findall(text)
    if spans:
        q.span = (int(spans[0][0]), int(spans[0][1]))
    # a year written apart from the span ("PESEM 2015-2021: ¿qué valor obtuvo en 2015?") is asked
    q.years = years_in(SPAN_RE.sub(" ", text))
    if re.search(r"\b(segundo|2do)\s+semestre\b", text):
        q.semester = 2  # said explicitly: before "semestral", which names the mid-year report
    elif re.search(r"\b(primer|1er|1º|1o|i)\s+(semestre|sem)\b|\b(semestre|sem)\.?\s*(i|1|20\d\d-i)\b|\b20\d\d\s*-\s*(i|s1)\b|"
                 r"\bs1\b|\b1s\b|\bsemestre 20\d\d-i\b|"
                 r"\bmitad de ano\b|\bal semestre\b|\bsemestral|\bdel semestre\b|\ben el semestre\b|\bjunio\b", text):
        q.semester = 1
    elif re.search(r"\b(segundo|2do)\s+semestre\b|\b20\d\d\s*-\s*(ii|s2)\b", text):
        q.semester = 2
    elif re.search(r"\bsemestre\s+(?:de\s+|del\s+)?(?:ano\s+)?20\d\d\b|\b20\d\d,?\s+semestre\b", text):
        q.semester = 1  # "semestre 2024" without ordinal: the mid-year evaluation CEPLAN's method has
    if re.search(r"\bpesem\b|\bsectorial multianual\b|\boes\b|\baes\b|reporte de seguimiento del pesem", text) or \
            any(c.startswith(("OES", "AES")) for c in q.codes):
        q.plan_hint = "pesem"
    elif re.search(r"\b(nuevo|vigente|actual)\s+(pei|plan)|\bpei\s+(nuevo|vigente)|\bplan\s+estrategico\s+institucional\s+vigente"
                   r"|\bnuevo plan\b|\bhasta el 20\d\d\b|\bque va hasta\b", text):
        q.plan_hint = "nuevo"
    elif any(re.fullmatch(r"\d\.\d{1,2}", c) for c in q.codes) or re.search(
            r"\bplan (estrategico )?(sectorial|del sector)\b|\bplan (estrategico )?antiguo\b|"
            r"\b(inicios|principios|comienzos) de los (anos )?2000\b|\bde los (anos )?2000\b"
            r"|\b(objetivos? (estrategicos? )?generales?|objetivos? especificos?)\b", text):
        q.plan_hint = "sectorial"
    q.latest = bool(re.search(r"\b(el ano pasado|el ultimo ano|ano anterior|ultimo informe|ultima evaluacion|"
                              r"informe mas reciente|evaluacion mas reciente|ultimo reporte)\b", text))
    for status, words in STATUS_WORDS.items():
        if any(re.search(rf"\b{w}", text) for w in words):
            q.statuses.append(status)
    if "no iniciado" in q.statuses and "en proceso" in q.statuses and "pendiente" in text and "proceso" in text:
        q.statuses.remove("no iniciado")
    return q


# "la AEI 1.4 vs la 1.5": a bare number pair after a code of two numbers is a code of the same kind
_SIBLING_RE = re.compile(r"\b(?:la|el|y|vs\.?|versus|con|frente a(?:l| la)?|o)\s+(\d{1,2})\.(\d{1,2})\b(?!\s*%)")


def sibling_codes(text: str, codes: list[str]) -> list[str]:
    kinds = [c.split(".")[0] for c in codes if c.count(".") == 2 and c[:3] in ("AEI", "AES")]
    if not kinds:
        return []
    return [canonical_code(kinds[0], a, b) for a, b in _SIBLING_RE.findall(text)]


def find_question_codes(text: str) -> list[str]:
    """Canonical codes in a folded question, in order of appearance."""
    found: list[tuple[int, str]] = []
    taken: list[tuple[int, int]] = []

    def add(m: re.Match, code: str) -> None:
        if any(s <= m.start() < e for s, e in taken):
            return
        taken.append((m.start(), m.end()))
        found.append((m.start(), code))

    for m in _CODE_RE.finditer(text):
        ind, prefix, a, b, c = m.groups()
        prefix = prefix.upper()
        if ind:
            add(m, canonical_code("I" + prefix, a, b, c))
        elif prefix in ("OEI", "OES"):
            add(m, canonical_code(prefix, a))
        elif b is not None:
            add(m, canonical_code(prefix, a, b))
    for m in _ACTION_SECTORIAL_RE.finditer(text):
        add(m, canonical_code("AES", m.group(1), m.group(2)))
    for m in _OBJ_SECTORIAL_RE.finditer(text):
        add(m, canonical_code("OES", m.group(1)))
    for m in _ACTION_RE.finditer(text):
        add(m, canonical_code("AEI", m.group(1), m.group(2)))
    for m in _GENERAL_RE.finditer(text):
        add(m, f"{int(m.group(1))}.0")
    for m in _SPECIFIC_RE.finditer(text):
        add(m, f"{int(m.group(1))}.{int(m.group(2))}")
    for m in _OBJ_RE.finditer(text):
        add(m, canonical_code("OEI", m.group(1)))
    return [code for _, code in sorted(found)]
