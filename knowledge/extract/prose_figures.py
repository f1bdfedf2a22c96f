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
from ..text import fold, parse_number

SENTENCE_SPLIT = re.compile(r"(?<=[.;])\s+(?=[A-ZÁÉÍÓÚ¿(•\-])")
# "17 268", "12,972", "52,5%", "90.7%", "116" (a thousands group needs exactly three digits)
NUMBER = re.compile(r"(?<![\w.,/])(\d{1,3}(?:[ \u00a0]\d{3})+|\d+(?:[.,]\d+)?)(\s*%)?(?![\w/]|[.,]\d)")
YEAR = re.compile(r"(?:19|20)\d\d")
IDENTIFIER_BEFORE = re.compile(r"(?:N[°º.o]|Nro\.?|art[íi]culo|Ley|Decreto|Resoluci[óo]n|Tabla|Gr[áa]fico|Figura|"
                               r"Anexo|p[áa]gina|AOI|OEI|AEI|OES|AES|numeral|inciso|\d[.,])\s*$", re.I)
# Words right before a figure that make it a target, not an achievement.
TARGET_BEFORE = re.compile(r"\b(meta|metas|programad[oa]s?|esperad[oa]s?|previst[oa]s?|proyectad[oa]s?)\b[^.]{0,40}$",
                           re.I)
# Words right before a figure that make it a rounding ("más de 17,000"), not the exact count.
APPROXIMATE_BEFORE = re.compile(r"\b(m[áa]s de|m[áa]s del|alrededor de|alrededor del|cerca de|cerca del|aproximadamente|"
                                r"casi|unos|unas|poco m[áa]s de|menos de|del orden de)\s*$", re.I)
NOUN_WORDS = 6
LEAD_WORDS = 4


def sentences(text: str) -> list[str]:
    return [s for s in SENTENCE_SPLIT.split(text) if s.strip()]


def noun_after(sentence: str, end: int) -> str:
    """The words a figure counts: what follows it up to punctuation, a verb-like stop or six words."""
    tail = sentence[end:end + 90]
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


def extract_prose_figures(file: str, lines: list[str], passages: Iterable[Any], plan: str | None,
                          period: str | None) -> list[dict[str, Any]]:
    """Figure rows of every paragraph passage of a document (passages of ``knowledge.structure``)."""
    out: list[dict[str, Any]] = []
    for p in passages:
        if p.kind not in ("paragraph", "list", "note"):
            continue
        for sentence in sentences(p.text):
            found = list(figures_in(sentence))
            if not found:
                continue
            line = _line_of(lines, p.line_start, p.line_end, sentence)
            for f in found:
                out.append({"plan": plan, "period": period, "file": file, "line_start": line, "line_end": line,
                            "locator": p.section or "texto", "sentence": sentence.strip(), **f})
    return out


def _line_of(lines: list[str], start: int, end: int, sentence: str) -> int:
    probe = sentence.strip()[:40]
    for n in range(start, end + 1):
        if 0 < n <= len(lines) and probe[:20] in lines[n - 1]:
            return n
    return start
