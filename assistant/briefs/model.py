"""What a brief is made of, independent of the PDF: sections of text, facts, tables and charts,
each figure carrying the sources it came from. data gathering fills it, render draws it."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

MISSING = "sin dato"
GOAL = 100  # percent: the goal that avance charts draw as a dashed reference line


@dataclass(frozen=True)
class Source:
    """Where a figure was read: document, table caption or section, and lines of the file."""
    file: str
    title: str
    locator: str
    line_start: int | None = None
    line_end: int | None = None

    def lines(self) -> str:
        if not self.line_start:
            return ""
        if self.line_end and self.line_end != self.line_start:
            return f"líneas {self.line_start}-{self.line_end}"
        return f"línea {self.line_start}"

    def label(self) -> str:
        parts = [f"{self.title} ({self.file})" if self.title and self.title != self.file else self.file]
        if self.locator:
            parts.append(self.locator)
        if self.lines():
            parts.append(self.lines())
        return ", ".join(parts)


def source_of(row: dict[str, Any], titles: dict[str, str]) -> Source:
    """The provenance of a record row (every record carries file, lines and locator)."""
    file = row.get("file") or ""
    return Source(file=file, title=titles.get(file, file), locator=row.get("locator") or "",
                  line_start=row.get("line_start"), line_end=row.get("line_end"))


@dataclass
class Text:
    text: str
    sources: list[Source] = field(default_factory=list)
    style: str = "body"              # body | note | quote
    breaks: bool = False             # keep the text's line breaks
    chart_note: bool = False         # about the chart just before it (left out with that chart)
    keep: bool = False               # a summary keeps it whole (the answer itself, a note on a column)


@dataclass
class Facts:
    """A two-column sheet: label, value (None → "sin dato") and the value's sources."""
    items: list[tuple[str, str | None, list[Source]]] = field(default_factory=list)

    def add(self, label: str, value: str | None, sources: list[Source] | None = None) -> None:
        self.items.append((label, value, list(sources or [])))


@dataclass
class Table:
    columns: list[str]
    rows: list[list[str | None]] = field(default_factory=list)
    sources: list[list[Source]] = field(default_factory=list)   # one list per row
    widths: list[float] | None = None                            # relative column widths (the briefs give tenths)
    caption: str = ""
    more: str = ""                   # where the full list is, said when a summary cuts rows ("; todas en …")
    levels: list[int] = field(default_factory=list)              # columns whose cells are coloured by level

    def add(self, cells: list[str | None], sources: list[Source] | None = None) -> None:
        self.rows.append(cells)
        self.sources.append(list(sources or []))


@dataclass
class Chart:
    """Bars: one group per category, one bar per series. ``stacked`` stacks the series."""
    title: str
    categories: list[str]
    series: list[tuple[str, list[float | None]]]
    unit: str = "%"
    sources: list[Source] = field(default_factory=list)
    stacked: bool = False
    horizontal: bool = True
    reference: float | None = None   # a dashed line, e.g. GOAL


Block = Text | Facts | Table | Chart


@dataclass
class Section:
    title: str
    blocks: list[Block] = field(default_factory=list)
    optional: bool = False           # left out first when the brief must be summarised to fit its pages


@dataclass
class Brief:
    kind: str                        # objetivo | informe | recomendaciones | respuesta
    title: str
    subtitle: str                    # plan / period line of the header
    filename: str
    sections: list[Section] = field(default_factory=list)
    plan: str | None = None
    period: str | None = None
    notes: list[str] = field(default_factory=list)  # shown under the title (e.g. which plan)
    scale: float = 1.0               # type scale; a summarised brief (assistant.briefs.fit) uses less


def fmt_number(value: float | None, unit: str = "") -> str | None:
    """A figure as the reports print it (dot decimals, no trailing zeros); None stays None."""
    if value is None:
        return None
    v = float(value)
    text = str(int(v)) if v.is_integer() else f"{v:.2f}".rstrip("0").rstrip(".")
    return f"{text}{unit}" if unit else text


def fmt_value(value: float | None, raw: str | None, unit: str = "") -> str | None:
    """A typed value, or "sin dato (NC)" when the document printed a non-value."""
    if value is not None:
        return fmt_number(value, unit)
    raw = (raw or "").strip()
    if raw and len(raw) <= 12:
        return f"{MISSING} ({raw})"
    return None


def safe_filename(*parts: str) -> str:
    """brief-OEI.05-2024.pdf: only letters, digits, dots and dashes."""
    name = "-".join(p for p in parts if p)
    name = re.sub(r"[^A-Za-z0-9.\-]+", "-", name).strip("-.")
    return f"{name or 'brief'}.pdf"
