"""Objectives, responsible units, expected results and indicators of the early sector plan.

The plan's matrix has five columns (objective, responsible units, expected results, indicators,
formulas) but its text was extracted column after column: each objective's heading
("OBJETIVO ESTRATÉGICO GENERAL 1.0", "Objetivo Estratégico Específico 1.1", "Objetivo
Específico 2.3") is followed by the objective's text, then the units ("Directos:" /
"Subsidiarios:"), then result bullets, then "Indicadores:" and indicator bullets, then the
formula paragraphs. At a page break the column order starts again, so a piece of an earlier
column can follow a later one: a paragraph finishing the objective's sentence after the result
bullets, an indicator bullet after the formulas, a formula finished after those bullets.

Where a continuation belongs is decided from the layout, not from the words:
- the formula column is narrow, the text columns wide: line widths split into two classes
  (two-means over the document's line lengths); a line wider than any bullet line holds text of
  two columns printed side by side and is given to both the open indicator and the open formula;
- a piece continues the earliest column still open (its text does not end with a full stop), in
  column order; a narrow piece continues the open formula when it starts in lower case or the
  formula ends on a linking word ("de", "con" …), otherwise it starts a new formula.

Formulas are then paired with the indicators of the same objective in order (one indicator may
have several formulas, joined with " | "): a monotone alignment that maximises the words
indicator and formula share; a formula with no shared word stays with the indicator above it.

Records: ``entities`` (kind "OEG" for general objectives, code "1.0", no parent; kind "OEE" for
specific ones, code "1.1", parent "1.0"); ``title`` is the objective's full text. Extra
entity columns: ``results`` (JSON list of the expected results), ``responsible_direct`` and
``responsible_subsidiary`` (JSON lists: the document labels units "Directos:" and
"Subsidiarios:"), ``title_variants`` (JSON list: the same objective worded differently in
another place, e.g. the opening list of general objectives). ``responsible`` is the JSON list of
all units, direct first, exactly as printed (acronyms are never expanded). ``indicators`` rows
carry ``owner`` (objective code), ``name`` and ``formula``; the plan prints no indicator codes.
"""

from __future__ import annotations

import json
import math
import re
from dataclasses import dataclass, field

from ..document import KIND_SECTOR_PLAN, Document
from ..records import Records, Row, empty_records
from ..text import clean, fold

KIND = KIND_SECTOR_PLAN

_HEADING_RE = re.compile(
    r"^objetivo\s+(?:estrategico\s+)?(general|especifico)\s+(\d{1,2})\s*\.\s*(\d{1,2})\s*\.?$")
_RESP_RE = re.compile(r"^(directos?|subsidiarios?)\s*:\s*(.*)$")
_LABEL_RE = re.compile(r"^indicador(?:es)?\s*:?\s*$")
_BULLET = ("•", "●", "▪", "◦", "·", "\uf0b7")
_LINKING = {"de", "del", "la", "las", "el", "los", "en", "con", "a", "al", "y", "e", "o", "u", "por",
            "para", "que", "su", "sus", "entre", "sobre", "un", "una"}
_STOP = _LINKING | {"numero", "porcentaje", "relacion", "periodo", "precedente", "anterior", "total",
                    "totalidad", "como", "otros", "otras", "mayor", "cada", "desde", "hacia"}


@dataclass
class Item:
    """A paragraph of one column: lines it was printed on and its text pieces."""

    lines: list[int] = field(default_factory=list)
    parts: list[str] = field(default_factory=list)

    def add(self, number: int, text: str) -> None:
        self.lines.append(number)
        self.parts.append(text)

    @property
    def text(self) -> str:
        out = ""
        for part in self.parts:
            if out.endswith("-") and not out.endswith(" -"):
                out += part  # a word or an acronym split at the line end ("SCP-" "DAL")
            else:
                out = f"{out} {part}" if out else part
        return re.sub(r"\s+", " ", out).strip()

    @property
    def open(self) -> bool:
        return not self.text.endswith(".")


@dataclass
class Section:
    kind: str  # "general" | "especifico"
    code: str
    heading: str
    line: int
    end: int = 0
    text: Item = field(default_factory=Item)
    direct: list[Item] = field(default_factory=list)
    subsidiary: list[Item] = field(default_factory=list)
    results: list[Item] = field(default_factory=list)
    indicators: list[Item] = field(default_factory=list)
    formulas: list[Item] = field(default_factory=list)


# ---- layout measures ----------------------------------------------------------------------------


@dataclass
class Widths:
    narrow_max: float  # a line up to this many characters fits the narrow (formula) column
    merged_min: int  # a line this long holds two columns side by side


def _widths(lines: list[str]) -> Widths:
    lengths = [len(s) for s in (clean(x) for x in lines) if s]
    bullets = [len(clean(x)) for x in lines if x.strip().startswith(_BULLET)]
    lo, hi = min(lengths, default=0), max(lengths, default=0)
    for _ in range(20):  # two-means over line lengths: narrow columns vs wide columns
        near = [x for x in lengths if abs(x - lo) <= abs(x - hi)]
        far = [x for x in lengths if abs(x - lo) > abs(x - hi)]
        if not near or not far:
            break
        lo, hi = sum(near) / len(near), sum(far) / len(far)
    # clearly wider than any bullet line: two columns side by side
    return Widths(narrow_max=(lo + hi) / 2, merged_min=math.ceil(max(bullets, default=hi) * 1.15))


# ---- reading one objective ------------------------------------------------------------------------


class Reader:
    """Assigns each line of an objective's stretch to one of the five columns."""

    def __init__(self, section: Section, widths: Widths) -> None:
        self.s = section
        self.w = widths
        self.phase = "text"  # text -> resp -> bullets
        self.label_seen = False
        self.resp_list: list[Item] | None = None
        self.resp_item: Item | None = None
        self.current: Item | None = None  # the item the previous line went to
        self.last_bullet: Item | None = None

    def feed(self, number: int, raw: str, after_blank: bool) -> None:
        text = clean(raw)
        folded = fold(text)
        stripped = raw.strip()
        if not text or text == ".":
            self.current = None if self.phase != "text" else self.current
            if self.phase == "resp":
                self.resp_item = None  # a blank line separates two units
            return
        m = _RESP_RE.match(folded)
        if m:
            self.phase = "resp"
            self.resp_list = self.s.direct if m.group(1).startswith("directo") else self.s.subsidiary
            self.resp_item = None
            if m.group(2):
                self._resp(number, text.split(":", 1)[1].strip())
            return
        if _LABEL_RE.match(folded):
            self.label_seen, self.phase, self.current = True, "bullets", None
            return
        if stripped.startswith(_BULLET):
            self._bullet(number, text.lstrip("".join(_BULLET) + " "))
            return
        if stripped.startswith("- ") and self.label_seen:
            self._new_formula(number, text[2:].strip())
            return
        if self.phase == "text":
            self.s.text.add(number, text)
            return
        if self.phase == "resp" and len(text) <= self.w.narrow_max:
            self._resp(number, text)
            return
        self._piece(number, raw, text, after_blank)

    def _resp(self, number: int, text: str) -> None:
        if self.resp_item is None:
            self.resp_item = Item()
            assert self.resp_list is not None
            self.resp_list.append(self.resp_item)
        self.resp_item.add(number, text)

    def _bullet(self, number: int, text: str) -> None:
        self.phase = "bullets"
        item = Item()
        item.add(number, text)
        (self.s.indicators if self.label_seen else self.s.results).append(item)
        self.current = self.last_bullet = item

    def _new_formula(self, number: int, text: str) -> None:
        item = Item()
        item.add(number, text)
        self.s.formulas.append(item)
        self.current = item

    def _piece(self, number: int, raw: str, text: str, after_blank: bool) -> None:
        """A line that is not a bullet, label or unit list, after the objective's text."""
        page_start = raw[:1].isspace()
        narrow = len(text) <= self.w.narrow_max
        if self.current is not None and not after_blank:
            # a line set in from the margin starts a new text block: it goes on with the same
            # paragraph only if that paragraph is unfinished and as wide as this line
            same_column = not page_start or (
                self.current.open and narrow == (max(map(len, self.current.parts)) <= self.w.narrow_max))
            if same_column and len(text) < self.w.merged_min:
                self.current.add(number, text)
                return
        if len(text) >= self.w.merged_min and self.label_seen:
            # two columns printed on one line: both the indicator and the formula get it
            if self.last_bullet is not None:
                self.last_bullet.add(number, text)
            formula = self.s.formulas[-1] if self.s.formulas and self.s.formulas[-1].open else None
            if formula is None:
                self._new_formula(number, text)
            else:
                formula.add(number, text)
                self.current = formula
            return
        if not narrow or not self.label_seen:
            target = self.s.text if self.s.text.open else self.last_bullet or self.s.text
            target.add(number, text)
            self.current = target
            return
        formula = self.s.formulas[-1] if self.s.formulas else None
        lower = text[:1].islower()
        if formula is not None and formula.open and (lower or _ends_linking(formula.text)):
            formula.add(number, text)
            self.current = formula
        elif lower and self.last_bullet is not None and self.last_bullet.open and (
                formula is None or not formula.open):
            self.last_bullet.add(number, text)
            self.current = self.last_bullet
        else:
            self._new_formula(number, text)


def _ends_linking(text: str) -> bool:
    words = fold(text).split()
    return bool(words) and words[-1] in _LINKING


def _sections(doc: Document) -> list[Section]:
    heads: list[Section] = []
    for number, line in enumerate(doc.lines, start=1):
        m = _HEADING_RE.match(fold(clean(line)))
        if m:
            kind = "general" if m.group(1) == "general" else "especifico"
            heads.append(Section(kind, f"{int(m.group(2))}.{int(m.group(3))}", clean(line), number))
    if not heads:
        return []
    widths = _widths(doc.lines[heads[0].line - 1:])
    for i, section in enumerate(heads):
        stop = heads[i + 1].line if i + 1 < len(heads) else len(doc.lines) + 1
        reader = Reader(section, widths)
        blank = False
        for number in range(section.line + 1, stop):
            raw = doc.line(number)
            if raw.strip():
                section.end = number
            reader.feed(number, raw, blank)
            blank = not clean(raw)
    return heads


# ---- pairing formulas with indicators -------------------------------------------------------------


def _stems(text: str) -> set[str]:
    return {w[:6] for w in re.findall(r"[a-z]+", fold(text)) if len(w) > 2 and w not in _STOP}


def _similarity(a: set[str], b: set[str]) -> float:
    return len(a & b) / math.sqrt(len(a) * len(b)) if a and b else 0.0


def _pair(indicators: list[Item], formulas: list[Item]) -> list[list[Item]]:
    """Formulas of each indicator: a monotone alignment maximising shared words."""
    n, m = len(indicators), len(formulas)
    out: list[list[Item]] = [[] for _ in range(n)]
    if not n or not m:
        return out
    ind = [_stems(i.text) for i in indicators]
    sim = [[_similarity(_stems(f.text), s) for s in ind] for f in formulas]
    # ties: a formula with nothing in common stays with the indicator above it (the earlier a
    # formula stays, the larger the bonus, so the alignment advances as late as it can)
    stay = [1e-3 * (m - j) for j in range(m)]
    neg = float("-inf")
    if m >= n:  # every indicator has at least one formula, in order
        best = [[neg] * n for _ in range(m)]
        back = [[0] * n for _ in range(m)]
        best[0][0] = sim[0][0]
        for j in range(1, m):
            for k in range(n):
                options = [(best[j - 1][k] + stay[j], k)]
                if k:
                    options.append((best[j - 1][k - 1], k - 1))
                score, prev = max(options)
                best[j][k], back[j][k] = score + sim[j][k], prev
        k = n - 1
        for j in range(m - 1, -1, -1):
            out[k].insert(0, formulas[j])
            k = back[j][k] if j else k
        return out
    # fewer formulas than indicators: each formula goes to a different indicator, in order
    best = [[neg] * (n + 1) for _ in range(m + 1)]
    choice = [[False] * (n + 1) for _ in range(m + 1)]
    for k in range(n + 1):
        best[0][k] = 0.0
    for j in range(1, m + 1):
        for k in range(j, n + 1):
            take = best[j - 1][k - 1] + sim[j - 1][k - 1] + stay[j - 1]
            skip = best[j][k - 1]
            best[j][k], choice[j][k] = (take, True) if take >= skip else (skip, False)
    j, k = m, n
    while j:
        if choice[j][k]:
            out[k - 1].append(formulas[j - 1])
            j -= 1
        k -= 1
    return out


# ---- records --------------------------------------------------------------------------------------


def _units(items: list[Item]) -> list[str]:
    out: list[str] = []
    for item in items:
        for unit in re.split(r",|\s+y\s+", item.text):
            unit = unit.strip(" .;")
            if unit and unit not in out:
                out.append(unit)
    return out


def _richness(section: Section) -> int:
    return len(section.indicators) + len(section.direct) + len(section.results)


def extract(doc: Document) -> Records:
    if doc.kind != KIND:
        return {}
    records = empty_records()
    chosen: dict[str, Section] = {}
    others: dict[str, list[Section]] = {}
    for section in _sections(doc):
        # the same objective may be printed twice (an opening list, then the matrix)
        if section.code not in chosen:
            chosen[section.code] = section
        elif _richness(section) > _richness(chosen[section.code]):
            others.setdefault(section.code, []).append(chosen[section.code])
            chosen[section.code] = section
        else:
            others.setdefault(section.code, []).append(section)
    for code, section in sorted(chosen.items(), key=lambda kv: tuple(map(int, kv[0].split(".")))):
        records["entities"].append(_entity_row(doc, section, others.get(code, [])))
        for indicator, formulas in zip(section.indicators, _pair(section.indicators, section.formulas),
                                       strict=True):
            lines = indicator.lines + [n for f in formulas for n in f.lines]
            records["indicators"].append({
                "plan": doc.plan, "owner": code, "code": None, "name": indicator.text,
                "formula": " | ".join(f.text for f in formulas) or None,
                "file": doc.file, "line_start": min(lines), "line_end": max(lines),
                "locator": section.heading,
            })
    return records


def _entity_row(doc: Document, section: Section, others: list[Section]) -> Row:
    direct, subsidiary = _units(section.direct), _units(section.subsidiary)
    variants = [{"title": o.text.text, "line": o.line, "locator": o.heading} for o in others
                if o.text.text and fold(o.text.text) != fold(section.text.text)]
    general = section.kind == "general"
    major = section.code.split(".")[0]
    return {
        "plan": doc.plan, "kind": "OEG" if general else "OEE", "code": section.code,
        "title": section.text.text, "parent": None if general else f"{major}.0",
        "responsible": json.dumps(direct + [u for u in subsidiary if u not in direct], ensure_ascii=False)
        if direct or subsidiary else None,
        "responsible_direct": json.dumps(direct, ensure_ascii=False) if direct else None,
        "responsible_subsidiary": json.dumps(subsidiary, ensure_ascii=False) if subsidiary else None,
        "results": json.dumps([r.text for r in section.results], ensure_ascii=False)
        if section.results else None,
        "title_variants": json.dumps(variants, ensure_ascii=False) if variants else None,
        "source_file": doc.file, "file": doc.file, "line_start": section.line,
        "line_end": max(section.end, section.line), "locator": section.heading,
    }
