"""A Brief as a PDF (reportlab platypus): header with title, plan/period and generation date on
every page, "Página N de M", tables whose rows point to numbered sources, vector charts, and
the numbered list of sources at the end. Every string reaches Paragraph through escape()."""

from __future__ import annotations

import io
from contextvars import ContextVar
from datetime import datetime

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen import canvas as pdfcanvas
from reportlab.platypus import (
    CondPageBreak,
    Flowable,
    KeepTogether,
    Paragraph,
    SimpleDocTemplate,
    Spacer,
    Table,
    TableStyle,
)

from . import charts
from . import layout as L
from .data import spanish_date
from .escape import escape, plain, shorten
from .model import MISSING, Brief, Chart, Facts, Source, Text
from .model import Table as TableBlock

PAGE = A4
MARGIN, TOP, BOTTOM = L.MARGIN, L.TOP, L.BOTTOM
FRAME_WIDTH = PAGE[0] - 2 * MARGIN
REF_WIDTH = L.REF_WIDTH
PAD = L.PAD
HEADER_BG = colors.HexColor("#e9eef3")
RULE = colors.HexColor("#b8c4cf")


def _build_styles(k: float) -> dict[str, ParagraphStyle]:
    """The paragraph styles at scale ``k`` (1 = the normal layout; a summarised brief uses less)."""
    base = ParagraphStyle("base", fontName="Helvetica", fontSize=L.BODY_SIZE * k, leading=L.BODY_LEADING * k,
                          spaceAfter=L.BODY_AFTER * k)
    return {
        "title": ParagraphStyle("title", base, fontName="Helvetica-Bold", fontSize=L.TITLE_SIZE * k,
                                leading=L.TITLE_LEADING * k, spaceAfter=L.TITLE_AFTER * k),
        "subtitle": ParagraphStyle("subtitle", base, fontSize=L.SUBTITLE_SIZE * k,
                                   textColor=colors.HexColor("#333333"), spaceAfter=L.SUBTITLE_AFTER * k),
        "h2": ParagraphStyle("h2", base, fontName="Helvetica-Bold", fontSize=L.H2_SIZE * k,
                             leading=L.H2_LEADING * k, spaceBefore=L.H2_BEFORE * k, spaceAfter=L.H2_AFTER * k, textColor=colors.HexColor("#1f3f5b")),
        "body": base,
        "quote": ParagraphStyle("quote", base, leftIndent=L.QUOTE_INDENT * k, borderPadding=L.QUOTE_PADDING * k,
                                backColor=colors.HexColor("#f4f6f8")),
        "note": ParagraphStyle("note", base, fontName="Helvetica-Oblique", fontSize=L.NOTE_SIZE * k,
                               leading=L.NOTE_LEADING * k, textColor=colors.HexColor("#444444")),
        "cell": ParagraphStyle("cell", base, fontSize=L.CELL_SIZE * k, leading=L.CELL_LEADING * k, spaceAfter=0),
        "head": ParagraphStyle("head", base, fontName="Helvetica-Bold", fontSize=L.CELL_SIZE * k,
                               leading=L.CELL_LEADING * k, spaceAfter=0),
        "missing": ParagraphStyle("missing", base, fontName="Helvetica-Oblique", fontSize=L.CELL_SIZE * k,
                                  leading=L.CELL_LEADING * k, spaceAfter=0, textColor=colors.HexColor("#666666")),
        "ref": ParagraphStyle("ref", base, fontSize=L.REF_SIZE * k, leading=L.REF_LEADING * k, spaceAfter=0,
                              textColor=colors.HexColor("#1f3f5b")),
        "caption": ParagraphStyle("caption", base, fontName="Helvetica-Bold", fontSize=L.CAPTION_SIZE * k,
                                  leading=L.CAPTION_LEADING * k, spaceAfter=L.CAPTION_AFTER * k),
        "source": ParagraphStyle("source", base, fontSize=L.SOURCE_SIZE * k, leading=L.SOURCE_LEADING * k,
                                 leftIndent=L.SOURCE_INDENT * k, firstLineIndent=-L.SOURCE_INDENT * k,
                                 spaceAfter=L.SOURCE_AFTER * k),
    }


_scaled: dict[float, dict[str, ParagraphStyle]] = {}
_scale: ContextVar[float] = ContextVar("brief_scale", default=1.0)


class _Styles:
    """STYLES["body"]: the style at the scale of the brief being rendered (thread- and task-safe)."""

    def __getitem__(self, name: str) -> ParagraphStyle:
        k = _scale.get()
        if k not in _scaled:
            _scaled[k] = _build_styles(k)
        return _scaled[k][name]


STYLES = _Styles()


class CellParagraph(Paragraph):
    """A table cell's Paragraph. Tables wrap each cell several times at the same width (to size
    rows, to split across pages, to draw); the line breaking is done once per width."""

    _wrapped: tuple[float, tuple[float, float]] | None = None

    def wrap(self, availWidth, availHeight):  # noqa: N803 - reportlab API
        if self._wrapped is not None and self._wrapped[0] == availWidth:
            return self._wrapped[1]
        size = super().wrap(availWidth, availHeight)
        self._wrapped = (availWidth, size)
        return size


class TextLine(Flowable):
    """One line of plain text (drawn as is, never parsed): the cheap form of a short Paragraph."""

    def __init__(self, text: str, style: ParagraphStyle):
        super().__init__()
        self.text, self.style = text, style

    def wrap(self, availWidth, availHeight):  # noqa: N803 - reportlab API
        return availWidth, self.style.leading + self.style.spaceAfter

    def draw(self):
        self.canv.setFont(self.style.fontName, self.style.fontSize)
        self.canv.setFillColor(self.style.textColor)
        self.canv.drawString(0, self.style.spaceAfter + self.style.leading - self.style.fontSize, self.text)


def _line(text: str, style: ParagraphStyle, width: float = FRAME_WIDTH) -> Flowable:
    """A one-line TextLine when the text fits, else a Paragraph (through escape())."""
    if len(text) < 200 and stringWidth(text, style.fontName, style.fontSize) <= width:
        return TextLine(" ".join(plain(text).split()), style)
    return Paragraph(escape(text), style)


class Refs:
    """Numbers sources in order of first use; the same source always gets the same number."""

    def __init__(self) -> None:
        self.numbers: dict[Source, int] = {}

    def mark(self, sources: list[Source]) -> str:
        nums = []
        for s in sources:
            if s not in self.numbers:
                self.numbers[s] = len(self.numbers) + 1
            nums.append(self.numbers[s])
        nums = sorted(set(nums))
        return "[" + ", ".join(_ranges(nums)) + "]" if nums else ""


def _ranges(nums: list[int]) -> list[str]:
    """[1, 2, 3, 5] → ["1-3", "5"]: long runs of sources stay short."""
    out, start, prev = [], None, None
    for n in [*nums, None]:
        if start is not None and (n is None or n != prev + 1):
            out.append(str(start) if prev == start else (f"{start}, {prev}" if prev == start + 1 else f"{start}-{prev}"))
            start = None
        if n is not None and start is None:
            start = n
        prev = n
    return out


def render(brief: Brief, generated: datetime | None = None) -> bytes:
    generated = generated or datetime.now()
    buf = io.BytesIO()
    doc = SimpleDocTemplate(buf, pagesize=PAGE, leftMargin=MARGIN, rightMargin=MARGIN, topMargin=TOP,
                            bottomMargin=BOTTOM, title=brief.title[:200], author="Asistente de planes",
                            subject=brief.subtitle[:200], creator="Asistente de planes")
    refs = Refs()
    token = _scale.set(brief.scale)
    try:
        story = _story(brief, refs, generated)
        stamp = f"Generado el {spanish_date(generated.date())}, {generated:%H:%M}"
        doc.build(story, canvasmaker=_numbered_canvas(brief, stamp))
    finally:
        _scale.reset(token)
    return buf.getvalue()


def _story(brief: Brief, refs: Refs, generated: datetime) -> list:
    story: list = [Paragraph(escape(brief.title), STYLES["title"]),
                   Paragraph(escape(brief.subtitle), STYLES["subtitle"])]
    for note in brief.notes:
        story.append(Paragraph(escape(note), STYLES["note"]))
    for section in brief.sections:
        story.append(CondPageBreak(L.SECTION_ROOM))
        story.append(Paragraph(escape(section.title), STYLES["h2"]))
        for block in section.blocks:
            story.extend(_block(block, refs))
    story.extend(_sources(refs))
    return story


def _block(block, refs: Refs) -> list:
    if isinstance(block, Text):
        mark = refs.mark(block.sources)
        text = escape(block.text, breaks=block.breaks)
        if mark:
            text += f' <font color="#1f3f5b" size="{L.MARK_SIZE}">{escape(mark)}</font>'
        return [Paragraph(text, STYLES[block.style])]
    if isinstance(block, Facts):
        return [_facts(block, refs), Spacer(1, L.FACTS_GAP)]
    if isinstance(block, TableBlock):
        return _table(block, refs)
    if isinstance(block, Chart):
        return _chart(block, refs)
    raise TypeError(f"bloque desconocido: {type(block).__name__}")


def _cell(value: str | None, style: str = "cell", width: float | None = None) -> Paragraph | str:
    """A table cell. Text that fits on one line stays a plain string (drawn as is, never parsed,
    and much faster to lay out); longer text wraps in a Paragraph, through escape()."""
    if value is None or value == "":
        value, style = MISSING, "missing"
    st = STYLES[style]
    if width is not None and "\n" not in value and len(value) < 90 and \
            stringWidth(value, st.fontName, st.fontSize) <= width - 2 * PAD:
        return " ".join(plain(value).split())
    return CellParagraph(escape(value), st)


def _plain_styles(rows: list[list], styles: list[str], header: bool = True) -> list:
    """Font commands for the plain-string cells (Paragraph cells carry their own style): one range
    per column and the header row, plus one override per missing value, instead of two commands per
    cell (each command is applied cell by cell when the table is laid out)."""
    cmds = []
    first = 1 if header else 0

    def font(cell_range: tuple, name: str) -> None:
        st = STYLES[name]
        cmds.append(("FONT", *cell_range, st.fontName, st.fontSize, st.leading))
        cmds.append(("TEXTCOLOR", *cell_range, st.textColor))

    if len(rows) > first:
        for c, name in enumerate(styles):
            font(((c, first), (c, -1)), name)
    if header:
        font(((0, 0), (-1, 0)), "head")
    for r, row in enumerate(rows[first:], start=first):
        for c, cell in enumerate(row):
            if cell == MISSING:
                font(((c, r), (c, r)), "missing")
    return cmds


def _grid(header: bool = True) -> list:
    cmds = [
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("LINEBELOW", (0, 0), (-1, -1), L.TABLE_RULE_WIDTH, RULE),
        ("LEFTPADDING", (0, 0), (-1, -1), PAD),
        ("RIGHTPADDING", (0, 0), (-1, -1), PAD),
        ("TOPPADDING", (0, 0), (-1, -1), L.PAD_V),
        ("BOTTOMPADDING", (0, 0), (-1, -1), L.PAD_V),
    ]
    return cmds + [("BACKGROUND", (0, 0), (-1, 0), HEADER_BG)] if header else cmds


# Scorecard colours: a level cell ("alto", "medio alto", "bajo (2024-S1, …)") gets its traffic light.
LEVEL_COLOURS = (("medio", colors.HexColor("#fbe7b5")), ("alto", colors.HexColor("#cfe8d3")),
                 ("bueno", colors.HexColor("#cfe8d3")), ("bajo", colors.HexColor("#f6cfcf")))


def level_colour(text: str | None):
    """The background of a level cell, by its first word ("medio alto" is medio); None otherwise."""
    first = plain(text or "").strip().lower().split(" ")[0]
    return next((c for word, c in LEVEL_COLOURS if first == word), None)


def _level_colours(block: TableBlock) -> list:
    cmds = []
    for r, row in enumerate(block.rows, start=1):
        for c in block.levels:
            colour = level_colour(row[c] if c < len(row) else None)
            if colour is not None:
                cmds.append(("BACKGROUND", (c, r), (c, r), colour))
    return cmds


def _facts(block: Facts, refs: Refs) -> Table:
    widths = [L.FACT_LABEL_WIDTH, FRAME_WIDTH - L.FACT_LABEL_WIDTH - REF_WIDTH, REF_WIDTH]
    rows = [[_cell(label, "head", widths[0]), _cell(value, "cell", widths[1]),
             _cell(refs.mark(srcs) or " ", "ref", widths[2])] for label, value, srcs in block.items]
    t = Table(rows, colWidths=widths, hAlign="LEFT")
    t.setStyle(TableStyle(_grid(header=False) + _plain_styles(rows, ["head", "cell", "ref"], header=False)))
    return t


def _table(block: TableBlock, refs: Refs) -> list:
    n = len(block.columns)
    rel = block.widths if block.widths and len(block.widths) == n else [1] * n
    usable = FRAME_WIDTH - REF_WIDTH
    widths = [usable * w / sum(rel) for w in rel] + [REF_WIDTH]
    data = [[_cell(c, "head", widths[i]) for i, c in enumerate(block.columns)] + ["Fuente"]]
    for cells, srcs in zip(block.rows, block.sources, strict=True):
        cells = [*cells[:n], *[None] * (n - len(cells))]
        row = [_cell(c, "cell", widths[i]) for i, c in enumerate(cells)]
        data.append(row + [_cell(refs.mark(srcs) or " ", "ref", widths[-1])])
    t = Table(data, colWidths=widths, repeatRows=1, hAlign="LEFT")
    t.setStyle(TableStyle(_grid() + _plain_styles(data, ["cell"] * n + ["ref"]) + _level_colours(block)))
    out: list = []
    if block.caption:
        out.append(Paragraph(escape(block.caption), STYLES["caption"]))
    out.extend([t, Spacer(1, L.BLOCK_GAP)])
    return out


def _chart(block: Chart, refs: Refs) -> list:
    if not block.categories or not block.series:
        return []
    drawing = charts.draw(block, FRAME_WIDTH)
    caption = Paragraph(escape(f"Fuente del gráfico: {refs.mark(block.sources) or MISSING}"), STYLES["note"])
    return [KeepTogether([drawing, caption]), Spacer(1, L.BLOCK_GAP)]


def _sources(refs: Refs) -> list:
    """The numbered sources, grouped by document and by table or section so that a long list
    stays short: one paragraph per document, "Tabla 4. …: [2] líneas 323-334; [7] línea 323 · …"."""
    if not refs.numbers:
        return []
    out: list = [CondPageBreak(L.SOURCES_ROOM), Paragraph("Fuentes", STYLES["h2"])]
    by_doc: dict[tuple[str, str], dict[str, list[tuple[int, Source]]]] = {}
    for source, n in sorted(refs.numbers.items(), key=lambda x: x[1]):
        by_doc.setdefault((source.file, source.title), {}).setdefault(source.locator, []).append((n, source))
    for (file, title), places in by_doc.items():
        head = f"{title} ({file})" if title and title != file else file
        parts = []
        for locator, items in places.items():
            marks = "; ".join(f"[{n}] {s.lines() or 'sin líneas'}" for n, s in items)
            parts.append(f"{shorten(locator, 90) or 'documento'}: {marks}")
        out.append(KeepTogether([_line(head, STYLES["caption"]),
                                 Paragraph(escape(" · ".join(parts)), STYLES["source"])]))
    return out


def _fit(text: str, width: float, font: str, size: float) -> str:
    """``text`` cut with "…" so that it fits ``width`` points (header lines are single lines)."""
    text = " ".join(text.split())
    if stringWidth(text, font, size) <= width:
        return text
    while text and stringWidth(text + "…", font, size) > width:
        text = text[:max(0, int(len(text) * L.FIT_STEP) - 1)]
    return text.rstrip() + "…"


def _numbered_canvas(brief: Brief, stamp: str):
    """A canvas that writes the header and "Página N de M" once the page count is known."""
    stamp_w = stringWidth(stamp, "Helvetica", L.HEADER_SIZE) + L.HEADER_STAMP_GAP
    title = _fit(brief.title, PAGE[0] - 2 * MARGIN - stamp_w, "Helvetica-Bold", L.HEADER_TITLE_SIZE)
    subtitle = _fit(brief.subtitle, PAGE[0] - 2 * MARGIN, "Helvetica", L.HEADER_SIZE)

    class NumberedCanvas(pdfcanvas.Canvas):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            self._pages: list[dict] = []

        def showPage(self):  # noqa: N802 - reportlab API
            self._pages.append(dict(self.__dict__))
            self._startPage()

        def save(self):
            total = len(self._pages)
            for state in self._pages:
                self.__dict__.update(state)
                self._decorate(total)
                super().showPage()
            super().save()

        def _decorate(self, total: int) -> None:
            w, h = PAGE
            self.saveState()
            self.setFont("Helvetica-Bold", L.HEADER_TITLE_SIZE)
            self.setFillColor(colors.HexColor("#1f3f5b"))
            self.drawString(MARGIN, h - L.HEADER_TITLE_Y, title)
            self.setFont("Helvetica", L.HEADER_SIZE)
            self.setFillColor(colors.HexColor("#444444"))
            self.drawString(MARGIN, h - L.HEADER_SUBTITLE_Y, subtitle)
            self.drawRightString(w - MARGIN, h - L.HEADER_TITLE_Y, stamp)  # same font as the subtitle
            self.setStrokeColor(RULE)
            self.setLineWidth(L.HEADER_RULE_WIDTH)
            self.line(MARGIN, h - L.HEADER_RULE_Y, w - MARGIN, h - L.HEADER_RULE_Y)
            self.drawString(MARGIN, L.FOOTER_Y, "Asistente de planes · cada cifra remite a su fuente (lista al final)")
            self.drawRightString(w - MARGIN, L.FOOTER_Y, f"Página {self._pageNumber} de {total}")
            self.restoreState()

    return NumberedCanvas
