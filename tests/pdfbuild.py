"""Test material made by code: render a corpus text document into a PDF with reportlab.

Prose lines become paragraphs (wrapped to the page), runs of tab- or pipe-separated lines become
real ruled tables (cells wrap, short rows merge their last cells, a table longer than a page
splits and repeats its header row), footnote superscripts become raised small digits, every page
gets a running header and a footer with its number. Layout text without tables (the early sector
plan) is set line for line in a monospaced font, as its columns live in the spaces.

Also: modified copies of a document (``rewrite``), and a scanned-image PDF with no text layer.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle, XPreformatted

FONT_DIRS = (Path("/usr/share/fonts/truetype/dejavu"),)
SUPERSCRIPTS = "⁰¹²³⁴⁵⁶⁷⁸⁹"
MARGIN = 50.0
_fonts: tuple[str, str] | None = None


def fonts() -> tuple[str, str]:
    """(proportional, monospaced) font names with the glyphs the corpus uses."""
    global _fonts
    if _fonts is None:
        for folder in FONT_DIRS:
            if (folder / "DejaVuSans.ttf").exists():
                pdfmetrics.registerFont(TTFont("DocSans", str(folder / "DejaVuSans.ttf")))
                pdfmetrics.registerFont(TTFont("DocMono", str(folder / "DejaVuSansMono.ttf")))
                _fonts = ("DocSans", "DocMono")
                break
        else:
            raise RuntimeError("Faltan las fuentes DejaVu (paquete Debian fonts-dejavu-core)")
    return _fonts


def _markup(text: str, size: float) -> str:
    """Escaped paragraph markup with footnote superscripts raised and smaller."""
    out = escape(text)
    return re.sub(f"[{SUPERSCRIPTS}]+", lambda m: "".join(
        f'<super rise="{size * 0.35:.1f}" size="{size * 0.6:.1f}">{SUPERSCRIPTS.index(c)}</super>'
        for c in m.group(0)), out)


def _is_table(line: str) -> bool:
    s = line.strip()
    return ("\t" in line and bool(s)) or (s.startswith("|") and s.count("|") >= 2)


def _cells(line: str) -> list[str]:
    s = line.strip()
    if s.startswith("|"):
        return [c.strip() for c in s.strip("|").split("|")]
    return line.split("\t")


def _separator(cells: list[str]) -> bool:
    return all(re.fullmatch(r":?-{2,}:?", c.strip()) or not c.strip() for c in cells)


def _table(rows: list[list[str]], width: float, font: str, repeat: bool) -> Table:
    """A ruled table whose columns are at least as wide as their longest word (no word is cut)."""
    ncols = max(len(r) for r in rows)
    size = 7.0 if ncols <= 8 else (6.0 if ncols <= 14 else 4.6)
    while True:
        longest = [6.0] * ncols
        weights = [4.0] * ncols
        for r in rows:
            for i, c in enumerate(r):
                if i == len(r) - 1 and len(r) < ncols:
                    continue  # a merged last cell spans the rest of the row
                words = re.sub(f"[{SUPERSCRIPTS}]", "", c).split() or [""]
                longest[i] = max(longest[i], max(pdfmetrics.stringWidth(w, font, size) for w in words) + 4)
                weights[i] = max(weights[i], min(len(c), 60) ** 0.7)
        spare = width - sum(longest)
        if spare >= 0 or size <= 3.0:
            break
        size -= 0.4
    total = sum(weights)
    widths = [lo + max(spare, 0) * w / total for lo, w in zip(longest, weights, strict=True)]
    style = ParagraphStyle("cell", fontName=font, fontSize=size, leading=size * 1.2)
    data, spans = [], []
    for y, r in enumerate(rows):
        data.append([Paragraph(_markup(c, size), style) for c in r] + [""] * (ncols - len(r)))
        if len(r) < ncols:
            spans.append(("SPAN", (max(len(r) - 1, 0), y), (ncols - 1, y)))
    table = Table(data, colWidths=widths, repeatRows=1 if repeat and len(rows) > 2 else 0, splitByRow=1)
    table.setStyle(TableStyle([("GRID", (0, 0), (-1, -1), 0.4, colors.black), ("VALIGN", (0, 0), (-1, -1), "TOP"),
                               ("LEFTPADDING", (0, 0), (-1, -1), 1.5), ("RIGHTPADDING", (0, 0), (-1, -1), 1.5),
                               *spans]))
    return table


def render(lines: list[str], out: Path, header: str = "", repeat_headers: bool = True,
           page_size: tuple[float, float] = A4) -> Path:
    """Write ``lines`` (a text document) as a PDF at ``out``."""
    sans, mono = fonts()
    width = page_size[0] - 2 * MARGIN
    layout = not any(_is_table(x) for x in lines)  # layout text: keep each line and its spaces
    longest = max((len(x.rstrip()) for x in lines), default=1)
    mono_size = min(9.0, width / (0.61 * max(longest, 1)))
    body = ParagraphStyle("body", fontName=sans, fontSize=9, leading=11, spaceBefore=3)
    pre = ParagraphStyle("pre", fontName=mono, fontSize=mono_size, leading=mono_size * 1.25)
    story: list = []
    i = 0
    while i < len(lines):
        line = lines[i]
        if not line.strip() and not layout:
            story.append(Spacer(1, 6))
            i += 1
        elif layout:
            story.append(XPreformatted(_markup(line.rstrip(), mono_size).replace(" ", "&nbsp;") or "&nbsp;", pre))
            i += 1
        elif _is_table(line):
            rows = []
            while i < len(lines) and _is_table(lines[i]):
                cells = _cells(lines[i])
                if not (lines[i].strip().startswith("|") and _separator(cells)):  # markdown syntax only
                    rows.append(cells)
                i += 1
            if rows:
                story.append(Spacer(1, 3))
                story.append(_table(rows, width, sans, repeat_headers))
                story.append(Spacer(1, 3))
        else:
            story.append(Paragraph(_markup(line.strip(), 9), body))
            i += 1

    def decorate(canvas, doc) -> None:
        canvas.saveState()
        canvas.setFont(sans, 7.5)
        if header:
            canvas.drawString(MARGIN, page_size[1] - 30, header)
        canvas.drawRightString(page_size[0] - MARGIN, 28, f"Página {doc.page}")
        canvas.restoreState()

    out.parent.mkdir(parents=True, exist_ok=True)
    pdf = SimpleDocTemplate(str(out), pagesize=page_size, leftMargin=MARGIN, rightMargin=MARGIN,
                            topMargin=MARGIN, bottomMargin=MARGIN, title=header, author="pruebas")
    pdf.build(story, onFirstPage=decorate, onLaterPages=decorate)
    return out


def render_file(source: Path, out: Path, **kwargs) -> Path:
    lines = source.read_text(encoding="utf-8").lstrip("\ufeff").splitlines()
    return render(lines, out, header=kwargs.pop("header", "Ministerio de Relaciones Exteriores — documento de trabajo"),
                  **kwargs)


def render_corpus(corpus: Path, out_dir: Path) -> list[Path]:
    return [render_file(p, out_dir / (p.stem + ".pdf")) for p in sorted(corpus.glob("*.txt"))]


def rewrite(lines: list[str], *edits: Callable[[list[str]], list[str]]) -> list[str]:
    for edit in edits:
        lines = edit(lines)
    return lines


def scanned(out: Path, pages: int = 2) -> Path:
    """A PDF of page images only (what a scanner gives): no text layer at all."""
    from PIL import Image, ImageDraw
    from reportlab.lib.utils import ImageReader
    from reportlab.pdfgen.canvas import Canvas

    image = Image.new("L", (620, 877), 255)
    draw = ImageDraw.Draw(image)
    for k in range(40):  # grey bars where a scanner would have captured lines of text
        draw.rectangle((60, 60 + 19 * k, 300 + 40 * (k % 7), 70 + 19 * k), fill=60)
    canvas = Canvas(str(out), pagesize=A4)
    for _ in range(pages):
        canvas.drawImage(ImageReader(image), 0, 0, width=A4[0], height=A4[1])
        canvas.showPage()
    canvas.save()
    return out
