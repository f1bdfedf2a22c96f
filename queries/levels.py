"""Levels (alto / medio / bajo) with the cut-offs each report declares in its own words.

Nothing here holds a threshold figure: the cut-offs are read from the report's prose. A report
may declare a complete rule in its level section ("igual o superior al 95%", "entre 75% y 95%",
"por debajo del 75%"), only part of one (a footnote tied to "alto" saying "al menos la mitad de
la meta anual", which on a semestral report whose logro esperado semestral is a share of the
annual target means "avance ≥ that share"), or none. ``effective_rule`` fills what a report does
not declare with what the nearest report of the same plan declares, and says so.

Usage::

    rule = level_rule(store, file)            # what the report itself declares
    rule = effective_rule(store, file)        # own cut-offs, gaps filled from the same plan
    rule.level(83.7), rule.explain()
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace

from knowledge.store import Store
from knowledge.text import clean, fold, parse_number

from .ceplan import Thresholds

LEVELS = ("alto", "medio", "bajo")

_NUM = r"(\d{1,3}(?:[.,]\d+)?)"
# Phrases that state a cut-off; matched on folded (lower case, no accents) text.
_HIGH_RE = re.compile(
    r"(?:igual o superior|igual o mayor|mayor o igual|superior o igual|al menos|como minimo|no menor)"
    r"\s+(?:a|al|que|de|del)?\s*(?:el\s+)?" + _NUM + r"\s*%"
)
_RANGE_RE = re.compile(r"entre\s+(?:el\s+|al\s+)?" + _NUM + r"\s*%?\s*y\s+(?:el\s+)?" + _NUM + r"\s*%")
_LOW_RE = re.compile(
    r"(?:por debajo del?|menor(?:es)?\s+(?:al?|que)|inferior(?:es)?\s+al?|no alcanza(?:n|ron)?\s+el)"
    r"\s*(?:el\s+)?" + _NUM + r"\s*%"
)
_LEVEL_WORD_RE = re.compile(r"\b(alto|alta|medio|media|bajo|baja)\b")
# Fractions of the annual target written in words ("al menos la mitad de la meta anual").
_FRACTIONS = {
    "la mitad": 50.0,
    "un medio": 50.0,
    "un tercio": 100 / 3,
    "la tercera parte": 100 / 3,
    "dos tercios": 200 / 3,
    "las dos terceras partes": 200 / 3,
    "un cuarto": 25.0,
    "la cuarta parte": 25.0,
    "tres cuartos": 75.0,
    "las tres cuartas partes": 75.0,
    "tres cuartas partes": 75.0,
    "cuatro quintas partes": 80.0,
    "las cuatro quintas partes": 80.0,
}
_ANNUAL_SHARE_RE = re.compile(
    r"al menos\s+("
    + "|".join(sorted(_FRACTIONS, key=len, reverse=True))
    + r"|(?:el\s+)?\d{1,3}(?:[.,]\d+)?\s*%)"
    r"\s+de\s+la\s+meta\s+anual"
)
# "se ha tomado como logro esperado semestral el 50% del logro propuesto como meta anual"
_SEMESTRAL_SHARE_RE = re.compile(
    r"logro esperado semestral\s+(?:el|al|a|como)?\s*" + _NUM + r"\s*%\s+del?\s+(?:logro|meta|valor)"
)
_FOOTNOTE_START_RE = re.compile(r"^\s*(?:\d{1,3}\s*/\s*|([⁰¹²³⁴⁵⁶⁷⁸⁹]+)\s*)")
_SUPERSCRIPT_DIGITS = "⁰¹²³⁴⁵⁶⁷⁸⁹"


@dataclass(frozen=True)
class Declaration:
    """Where a cut-off is stated: the line range and the sentence, for citing it."""

    file: str
    line_start: int
    line_end: int
    text: str

    def cite(self) -> str:
        lines = (
            f"línea {self.line_start}"
            if self.line_start == self.line_end
            else f"líneas {self.line_start}-{self.line_end}"
        )
        return f"{self.file}, {lines}: «{_short(self.text)}»"


@dataclass(frozen=True)
class LevelRule:
    """The level cut-offs of one report. ``high``: alto from this avance up; ``low``: medio from
    this avance up, bajo below. Either may be None when the report does not declare it."""

    file: str
    high: float | None = None
    low: float | None = None
    scope: str = ""  # what the report applies it to ("acciones estratégicas")
    declarations: tuple[Declaration, ...] = ()
    borrowed: dict = field(default_factory=dict)  # cut-off name -> file it was taken from
    note: str = ""

    @property
    def declared(self) -> bool:
        return self.high is not None or self.low is not None

    @property
    def complete(self) -> bool:
        return self.high is not None and self.low is not None

    @property
    def thresholds(self) -> Thresholds | None:
        if not self.complete:
            return None
        return Thresholds(self.high, self.low, self.source())

    def level(self, value: float | None) -> str | None:
        """alto / medio / bajo, or None when the value or the needed cut-off is missing."""
        if value is None:
            return None
        if self.high is not None and value >= self.high:
            return "alto"
        if self.low is None:
            return None  # below "alto" but the report does not separate medio from bajo
        if value >= self.low:
            return "medio" if self.high is not None else "medio o alto"
        return "bajo"

    def short(self) -> str:
        """The cut-offs in one line, with where a borrowed one comes from ("alto ≥ 95%, …")."""
        if not self.declared:
            return "sin umbrales declarados"
        parts = []
        if self.high is not None:
            parts.append(f"alto ≥ {_fmt(self.high)}%")
        if self.low is not None:
            parts += [f"medio ≥ {_fmt(self.low)}%", f"bajo < {_fmt(self.low)}%"]
        text = ", ".join(parts)
        lines = sorted({d.line_start for d in self.declarations if d.file == self.file})
        if lines:
            text += f" ({self.file}, líneas {', '.join(map(str, lines))})"
        for name, other in self.borrowed.items():
            text += f"; corte «{name}» tomado de {other}"
        return text

    def source(self) -> str:
        cites = "; ".join(d.cite() for d in self.declarations)
        return cites or self.file

    def explain(self) -> str:
        if not self.declared:
            return f"El informe ({self.file}) no declara umbrales para los niveles alto, medio y bajo."
        parts = []
        if self.high is not None:
            parts.append(f"alto si el avance es ≥ {_fmt(self.high)}%")
        if self.low is not None and self.high is not None:
            parts.append(f"medio si está entre {_fmt(self.low)}% y {_fmt(self.high)}%")
        if self.low is not None:
            parts.append(f"bajo si es < {_fmt(self.low)}%")
        text = "Niveles: " + ", ".join(parts)
        if self.scope:
            text += f" (el informe los declara para {self.scope})"
        text += "."
        if self.high is not None and self.low is None:
            text += " El informe no declara el corte entre medio y bajo."
        if self.note:
            text += " " + self.note
        for name, other in self.borrowed.items():
            text += f" El corte «{name}» no lo declara este informe: se toma de {other}, del mismo plan."
        return text + f" Fuente: {self.source()}."

    def as_dict(self) -> dict:
        return {
            "file": self.file,
            "high": self.high,
            "low": self.low,
            "scope": self.scope,
            "declared": self.declared,
            "complete": self.complete,
            "borrowed": dict(self.borrowed),
            "declarations": [d.__dict__ for d in self.declarations],
            "explain": self.explain(),
        }


def _fmt(v: float) -> str:
    return str(int(v)) if float(v).is_integer() else f"{v:.2f}".rstrip("0").rstrip(".")


def _short(text: str, limit: int = 180) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _snippet(text: str, folded: str, width: int = 90) -> str:
    """The part of a sentence around its first cut-off phrase (folded text keeps the positions of
    the clean text: accents are dropped, not expanded)."""
    starts = [m.start() for rx in (_HIGH_RE, _RANGE_RE, _LOW_RE) for m in rx.finditer(folded)]
    if not starts or len(text) <= 2 * width:
        return text
    at = min(starts)
    a, b = max(0, at - width), min(len(text), at + width)
    return ("…" if a else "") + text[a:b].strip() + ("…" if b < len(text) else "")


def _is_table_row(raw: str) -> bool:
    # Criteria tables ("2, si el objetivo tiene avance mayor al 75%") are not level sections.
    return "\t" in raw or raw.lstrip().startswith("|")


def _scope(text: str) -> str:
    t = fold(text)
    if "accion" in t:
        return "acciones estratégicas"
    if "objetivo" in t:
        return "objetivos estratégicos"
    return ""


def semestral_share(lines: list[str]) -> tuple[float, int] | None:
    """The share of the annual target a semestral report takes as its logro esperado semestral,
    with the line that says so (None when the report does not say it)."""
    for n, raw in enumerate(lines, 1):
        m = _SEMESTRAL_SHARE_RE.search(fold(clean(raw)))
        if m:
            return parse_number(m.group(1)), n
    return None


def declared_rule(file: str, lines: list[str]) -> LevelRule:
    """The cut-offs a report declares, read from its prose (``lines``: the file's lines)."""
    rule = _prose_rule(file, lines)
    if rule.high is None:
        partial = _footnote_rule(file, lines)
        if partial is not None:
            rule = replace(
                rule,
                high=partial.high,
                declarations=rule.declarations + partial.declarations,
                note=partial.note,
                scope=rule.scope or partial.scope,
            )
    return rule


def _prose_rule(file: str, lines: list[str]) -> LevelRule:
    """A level section: a prose line with a level word and a cut-off phrase, plus the next few
    prose lines (the section states alto, medio and bajo in consecutive sentences)."""
    for i, raw in enumerate(lines):
        if _is_table_row(raw):
            continue
        text = fold(clean(raw))
        if not _LEVEL_WORD_RE.search(text) or not (
            _HIGH_RE.search(text) or _RANGE_RE.search(text) or _LOW_RE.search(text)
        ):
            continue
        high = low = None
        used: list[Declaration] = []
        scope = ""
        seen = 0
        for j in range(i, len(lines)):
            raw_j = lines[j]
            if not raw_j.strip():
                continue
            if _is_table_row(raw_j) or seen >= 3:
                break
            seen += 1
            t = fold(clean(raw_j))
            if not _LEVEL_WORD_RE.search(t):
                continue
            found = False
            for m in _HIGH_RE.finditer(t):
                high = high if high is not None else parse_number(m.group(1))
                found = True
            for m in _RANGE_RE.finditer(t):
                a, b = sorted((parse_number(m.group(1)), parse_number(m.group(2))))
                low = low if low is not None else a
                high = high if high is not None else b
                found = True
            for m in _LOW_RE.finditer(t):
                low = low if low is not None else parse_number(m.group(1))
                found = True
            if found:
                used.append(Declaration(file, j + 1, j + 1, _snippet(clean(raw_j), t)))
                scope = scope or _scope(raw_j)
        if high is not None and low is not None:
            return LevelRule(file, high, low, scope, tuple(used))
    return LevelRule(file)


def _footnote_rule(file: str, lines: list[str]) -> LevelRule | None:
    """A footnote that defines "alto" as reaching a share of the annual target; the footnote
    marker must be glued to a level word in the text ("… cumplimiento alto⁷")."""
    for n, raw in enumerate(lines, 1):
        text = fold(clean(raw))
        m = _ANNUAL_SHARE_RE.search(text)
        if not m:
            continue
        level, at = _level_for_footnote(raw, lines, n)
        if level != "alto":
            continue
        amount = m.group(1).strip()
        annual = _FRACTIONS.get(amount)
        if annual is None:
            annual = parse_number(re.sub(r"^el\s+", "", amount))
        if annual is None:
            continue
        declarations = [Declaration(file, n, n, clean(raw))]
        if at and at != n:
            glued = clean(lines[at - 1])
            declarations.insert(0, Declaration(file, at, at, _around(glued, level)))
        share = semestral_share(lines)
        if share and share[0]:
            high = annual / share[0] * 100
            said = clean(lines[share[1] - 1])
            declarations.append(
                Declaration(file, share[1], share[1], _around(said, "logro esperado semestral"))
            )
            note = (
                f"Alto significa cumplir al menos el {_fmt(annual)}% de la meta anual; como el logro "
                f"esperado semestral es el {_fmt(share[0])}% de la meta anual, equivale a un avance "
                f"semestral ≥ {_fmt(high)}%."
            )
        else:
            high = annual
            note = f"Alto significa cumplir al menos el {_fmt(annual)}% de la meta anual."
        return LevelRule(
            file, high, None, _scope(lines[at - 1]) if at else "", tuple(declarations), note=note
        )
    return None


def _around(text: str, word: str, width: int = 90) -> str:
    at = fold(text).find(word)
    if at < 0 or len(text) <= 2 * width:
        return text
    a, b = max(0, at - width), min(len(text), at + width)
    return ("…" if a else "") + text[a:b].strip() + ("…" if b < len(text) else "")


def _level_for_footnote(raw: str, lines: list[str], n: int) -> tuple[str | None, int | None]:
    """The level word a footnote explains: the line itself names it, or the footnote's marker
    (superscript digits at its start) is glued to a level word elsewhere."""
    own = _LEVEL_WORD_RE.search(fold(clean(raw)))
    if own:
        return _canonical_level(own.group(1)), n
    m = _FOOTNOTE_START_RE.match(raw)
    marker = m.group(1) if m and m.group(1) else None
    if not marker:
        return None, None
    glued = re.compile(
        r"\b(alto|alta|medio|media|bajo|baja)" + re.escape(marker) + f"(?![{_SUPERSCRIPT_DIGITS}])", re.I
    )
    for k, other in enumerate(lines, 1):
        if k == n:
            continue
        g = glued.search(other)
        if g:
            return _canonical_level(g.group(1).lower()), k
    return None, None


def _canonical_level(word: str) -> str:
    return {"alta": "alto", "media": "medio", "baja": "bajo"}.get(word, word)


def normalise_level(printed: str | None) -> str | None:
    """A printed level word into alto / medio / bajo ("bueno" reads as alto; "medio alto" keeps
    its first word, the level of the three-level scale)."""
    if not printed:
        return None
    words = fold(printed).split()
    for w in words:
        if w in ("bueno", "buena", "favorable"):
            return "alto"
        c = _canonical_level(w)
        if c in LEVELS:
            return c
    return None


# ---- store access ---------------------------------------------------------------------------


_CACHE: dict[tuple, LevelRule] = {}


def level_rule(store: Store, file: str) -> LevelRule:
    """What the report in ``file`` itself declares (cached per index file and version)."""
    key = _cache_key(store, file)
    if key not in _CACHE:
        _CACHE[key] = declared_rule(file, store.lines(file))
    return _CACHE[key]


def _cache_key(store: Store, file: str) -> tuple:
    try:
        stat = store.db_file.stat()
        stamp = (stat.st_ino, stat.st_mtime_ns)
    except OSError:
        stamp = None
    return str(store.db_file), stamp, file


def effective_rule(store: Store, file: str, override: Thresholds | None = None) -> LevelRule:
    """The rule to classify a report's figures: ``override`` when given (configuration), else the
    report's own cut-offs, with those it does not declare taken from the nearest report of the same
    plan that declares them (recorded in ``borrowed`` and said in ``explain``)."""
    if override is not None:
        return LevelRule(
            file, override.high, override.low, "", (), note=f"Umbrales configurados: {override.source}."
        )
    own = level_rule(store, file)
    if own.complete:
        return own
    docs = {d["file"]: d for d in store.documents()}
    me = docs.get(file)
    if not me:
        return own
    others = [d for d in docs.values() if d["file"] != file and d.get("plan") == me.get("plan")]
    others.sort(key=lambda d: _distance(me.get("period"), d.get("period")))
    rule = own
    for other in others:
        theirs = level_rule(store, other["file"])
        borrowed = dict(rule.borrowed)
        high, low = rule.high, rule.low
        if high is None and theirs.high is not None:
            high, borrowed["alto"] = theirs.high, other["file"]
        if low is None and theirs.low is not None:
            low, borrowed["medio/bajo"] = theirs.low, other["file"]
        if borrowed != rule.borrowed:
            rule = replace(
                rule,
                high=high,
                low=low,
                borrowed=borrowed,
                scope=rule.scope or theirs.scope,
                declarations=rule.declarations
                + tuple(d for d in theirs.declarations if d not in rule.declarations),
            )
        if rule.complete:
            break
    return rule


def _distance(a: str | None, b: str | None) -> int:
    ya, yb = _year(a), _year(b)
    if ya is None or yb is None:
        return 10_000
    return abs(ya - yb)


def _year(period: str | None) -> int | None:
    m = re.match(r"((?:19|20)\d\d)", period or "")
    return int(m.group(1)) if m else None


def level_of(store: Store, file: str, value: float | None) -> dict:
    """A value's level in a report, with how it was decided (for the assistant)."""
    rule = effective_rule(store, file)
    level = rule.level(value)
    return {
        "value": value,
        "level": level,
        "rule": rule.as_dict(),
        "explain": (
            f"Con {_fmt(value)}% el nivel es {level}. "
            if level and value is not None
            else "No se puede asignar un nivel. "
        )
        + rule.explain(),
    }
