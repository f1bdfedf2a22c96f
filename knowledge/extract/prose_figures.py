"""Figures stated in prose: each number of a sentence with the noun phrase it counts.

"se atendió a 17 268 ciudadanos en el exterior" gives the figure 17268 counting "ciudadanos en el
exterior"; "la meta anual de 251 bienes" gives 251 with the role "meta". Years, identifiers
(Ley N° 1234), codes and dates are not figures. The sentence and its line are kept as provenance.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from ..stemming import STOPWORDS, stem
from ..text import canonical_code, fold, parse_number

SENTENCE_SPLIT = re.compile(r"(?<=[.;])\s+(?=[A-ZÁÉÍÓÚ¿(•\-])")
# "17 268", "12,972", "52,5%", "90.7%", "116" (a thousands group needs exactly three digits)
NUMBER = re.compile(r"(?<![\w.,/])(\d{1,3}(?:[ \u00a0]\d{3})+|\d+(?:[.,]\d+)?)(\s*%)?(?![\w/]|[.,]\d)")
YEAR = re.compile(r"(?:19|20)\d\d")
# A year a section is about: the report it discusses ("En el informe de evaluación anual 2023, …").
REPORT_YEAR = re.compile(r"\b(?:informe|evaluaci[oó]n|reporte)\b[^.;]{0,40}?\b((?:19|20)\d\d)\b", re.I)
IDENTIFIER_BEFORE = re.compile(r"(?:N[°º.o]|Nro\.?|art[íi]culo|Ley|Decreto|Resoluci[óo]n|Tabla|Gr[áa]fico|Figura|"
                               r"Anexo|p[áa]gina|AOI|OEI|AEI|OES|AES|numeral|inciso|\d[.,])\s*$", re.I)
# Words right before a figure that make it a target, not an achievement.
TARGET_BEFORE = re.compile(r"\b(meta|metas|programad[oa]s?|esperad[oa]s?|previst[oa]s?|proyectad[oa]s?)\b[^.]{0,40}$",
                           re.I)
# Words right before a figure that make it a rounding ("más de 17,000"), not the exact count.
APPROXIMATE_BEFORE = re.compile(r"\b(m[áa]s de|m[áa]s del|alrededor de|alrededor del|cerca de|cerca del|aproximadamente|"
                                r"casi|unos|unas|poco m[áa]s de|menos de|del orden de)\s*$", re.I)
DATE_AFTER = re.compile(r"\s*(?:de\s+)?(?:enero|febrero|marzo|abril|mayo|junio|julio|agosto|se[pt]?tiembre|octubre|"
                        r"noviembre|diciembre)\b", re.I)
SPELLED_BEFORE = re.compile(r"\b(?:un[oa]?|dos|tres|cuatro|cinco|seis|siete|ocho|nueve|diez|once|doce|trece|catorce|"
                            r"quince|dieci\w+|veint\w*|treinta|cuarenta|cincuenta|sesenta|setenta|ochenta|noventa|"
                            r"cien|ciento|\w+cient[oa]s|mil)\s*\(\s*$", re.I)
NOUN_WORDS = 6
LEAD_WORDS = 4


def sentences(text: str) -> list[str]:
    return [s for s in SENTENCE_SPLIT.split(text) if s.strip()]


def noun_after(sentence: str, end: int) -> str:
    """The words a figure counts: what follows it up to punctuation, a verb-like stop or six words."""
    tail = re.sub(r"^\s*\)", " ", sentence[end:end + 90])  # "cuarenta y tres (43) reuniones"
    tail = re.split(r"[,;:.()]|\by\s+(?:\d|el|la|los|las)\b|\bque\b|\bcon\b|\bsobre\b|\bdonde\b", tail, maxsplit=1)[0]
    words = tail.split()
    if words and words[0].lower() in ("de", "del") and len(words) > 1 and not words[1][:1].isdigit():
        pass  # "407 de bienes" reads on
    return " ".join(words[:NOUN_WORDS]).strip()


def figures_in(sentence: str) -> Iterable[dict[str, Any]]:
    for m in NUMBER.finditer(sentence):
        number, percent = m.group(1), bool(m.group(2))
        before = sentence[:m.start()]
        if not percent and YEAR.fullmatch(number):
            continue
        if IDENTIFIER_BEFORE.search(before) or sentence[m.end():m.end() + 1] in ("-", "°", "º"):
            continue
        if DATE_AFTER.match(sentence[m.end():]):
            continue  # "el 16 de agosto" is a date
        if before.rstrip().endswith("(") and not SPELLED_BEFORE.search(before):
            continue  # "- (3) repatriación …" numbers a list item; "cuarenta y tres (43)" states a figure
        value = parse_number(number.replace("\u00a0", " ") + ("%" if percent else ""))
        if value is None:
            continue
        noun = "por ciento" if percent else noun_after(sentence, m.end())
        if not percent and not re.search(r"[a-záéíóúñ]{3,}", noun, re.I):
            continue  # a bare number with no noun counts nothing a question can name
        role = "aprox" if APPROXIMATE_BEFORE.search(before) else "meta" if TARGET_BEFORE.search(before[-60:]) else "valor"
        lead = " ".join(re.split(r"[,;:.()]", before)[-1].split()[-LEAD_WORDS:])
        yield {"value": value, "raw": m.group(0).strip(), "noun": noun, "role": role, "lead": lead,
               "unit": "%" if percent else noun.split(" ")[0].lower() if noun else ""}


WORD = re.compile(r"[a-záéíóúüñ0-9]+")


def content_stems(text: str) -> list[str]:
    """Stems of the informative words, stemmed before accents are folded ("atendió" and
    "atendieron" share "atend"; folded first, "atendio" would not)."""
    out = []
    for word in WORD.findall(text.lower()):
        folded = fold(word)
        if folded in STOPWORDS or len(folded) < 3 or folded.isdigit():
            continue
        out.append(stem(word))
    return out


# A paragraph that opens an action's or an objective's part of a report: what follows is about it.
ACTION_HEAD = re.compile(r"^(?:#+\s*)?(?:\*\*)?(?:Acci[oó]n estrat[eé]gica(?: institucional)?(?: (?:no )?priorizada)?\s+"
                         r"(\d{1,2})\.(\d{1,2})|AEI\.?\s?(\d{1,2})\.(\d{1,2}))\.?\s", re.I)
OBJECTIVE_HEAD = re.compile(r"^(?:#+\s*)?(?:\*\*)?(?:Objetivo estrat[eé]gico(?: institucional)?(?: (?:no )?priorizado)?\s+"
                            r"(\d{1,2})|OEI\.?\s?(\d{1,2}))\.\s", re.I)
UNIT_LINE = re.compile(r"^(?:Unidad(?:es)? (?:Orgánica|orgánica|responsable)s?)\s*:\s*(.+)$")
# Right under the heading, a line that is only a unit's name is the unit in charge of it.
UNIT_NAME = re.compile(r"^((?:Direcci[oó]n|Oficina|Unidad|Secretar[íi]a|Viceministerio|Despacho|Procuradur[íi]a|Academia)"
                       r"\b[^.:;]{0,150})$")


def owner_of(text: str) -> str | None:
    m = ACTION_HEAD.match(text)
    if m:
        a, b = (m.group(1), m.group(2)) if m.group(1) else (m.group(3), m.group(4))
        return canonical_code("AEI", a, b)
    m = OBJECTIVE_HEAD.match(text)
    if m:
        return canonical_code("OEI", m.group(1) or m.group(2))
    return None


def extract_prose_figures(file: str, lines: list[str], passages: Iterable[Any], plan: str | None,
                          period: str | None) -> list[dict[str, Any]]:
    """Figure rows of every paragraph passage of a document (passages of ``knowledge.structure``),
    each with the action or objective whose part of the report it sits in, when there is one; and
    the unit named responsible right under such a heading (metric ``responsable``)."""
    out: list[dict[str, Any]] = []
    owner, owner_section, opened = None, None, False
    context_section, context_years = None, []  # years the section has named so far ("el informe anual 2023")
    for p in passages:
        if p.kind not in ("paragraph", "list", "note", "heading"):
            continue
        if p.section != owner_section:
            owner = None
        head = owner_of(p.text.strip())
        if head:
            owner, owner_section, opened = head, p.section, True
            continue
        unit = UNIT_LINE.match(p.text.strip()) or (UNIT_NAME.match(p.text.strip()) if opened else None)
        opened = False
        if unit and owner:
            out.append({"plan": plan, "period": period, "file": file, "line_start": p.line_start,
                        "line_end": p.line_end, "locator": p.section or "texto", "subject": owner,
                        "metric": "responsable", "raw": unit.group(1).strip(), "sentence": p.text.strip()})
            continue
        if p.section != context_section:
            context_section, context_years = p.section, []
        context_years += [y for y in REPORT_YEAR.findall(p.text) if y not in context_years]
        for sentence in sentences(p.text):
            found = list(figures_in(sentence))
            if not found:
                continue
            line = _line_of(lines, p.line_start, p.line_end, sentence)
            for f in found:
                out.append({"plan": plan, "period": period, "file": file, "line_start": line, "line_end": line,
                            "locator": p.section or "texto", "subject": owner, "metric": "cifra",
                            "sentence": sentence.strip(), "context": " ".join(context_years), **f})
    return out


def _line_of(lines: list[str], start: int, end: int, sentence: str) -> int:
    probe = sentence.strip()[:40]
    for n in range(start, end + 1):
        if 0 < n <= len(lines) and probe[:20] in lines[n - 1]:
            return n
    return start


COUNTED_IN_QUESTION = re.compile(r"\bcu[aá]nt[oa]s\s+(?:de\s+(?:las|los)\s+)?([a-záéíóúñ]{4,})", re.I)
VERB_FORM = re.compile(r"(?:aron|ieron|eron|aban|ian|ían|aba|ado|ada|ados|adas|ido|ida|idos|idas|ó)$", re.I)
LIGHT_VERBS = frozenset({"hiz", "hic", "hac", "ten", "tien", "tuv", "tuvier", "hab", "dio", "dier", "fuer", "estab", "esta",
                         "fueron", "fue", "hub"})


def counted_stem(question: str) -> str | None:
    """What a "¿cuántos …?" counts ("¿cuántos peruanos …?" → "peru"), or None."""
    m = COUNTED_IN_QUESTION.search(question)
    if not m or VERB_FORM.search(m.group(1)):
        return None  # "¿cuántas quedaron…?" names no noun
    return next((s for s in content_stems(m.group(1)) if s not in LIGHT_VERBS), None)


def states_count_of(text: str, counted: str) -> bool:
    """Whether a text states a figure of the thing counted (its noun, or the words just before it)."""
    for sentence in sentences(text):
        for f in figures_in(sentence):
            near = content_stems(f"{f.get('lead') or ''} {f.get('noun') or ''}")
            if any(s == counted or (len(s) >= 4 and len(counted) >= 4 and (s.startswith(counted) or counted.startswith(s)))
                   for s in near):
                return True
    return False
