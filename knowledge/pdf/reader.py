"""A PDF into the text lines the extractors read, each with its page.

What the text versions of the corpus look like is the target: one line per paragraph (wrapped
lines joined again, also across a page break), one tab-separated line per table row (a table
continued on the next page loses its repeated header row), blank lines where the layout leaves
one, layout text set in a monospaced font kept line for line with its spaces. Running headers and
footers (the same text at the top or bottom of most pages, page numbers) are dropped.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field

from .chars import Page, open_pdf, read_page
from .layout import Line, TableBlock, page_blocks

BAND = 0.06  # top and bottom share of the page where running headers and footers live
PAGE_NUMBER_RE = re.compile(r"^\s*(?:p[aá]g(?:ina)?\.?\s*)?\d{1,4}\s*(?:(?:de|/)\s*\d{1,4})?\s*$", re.I)


class PdfUnreadable(Exception):
    """A PDF that yields no text; the message is Spanish, for the user."""


@dataclass
class PdfText:
    lines: list[str] = field(default_factory=list)
    pages: list[int] = field(default_factory=list)  # page of each line
    page_count: int = 0


def read_pdf(data: bytes) -> PdfText:
    try:
        pdf = open_pdf(data)
    except Exception as exc:  # noqa: BLE001 - PDFium reports damage and passwords the same way
        message = str(exc).lower()
        if "password" in message or "security" in message:
            raise PdfUnreadable("el PDF está protegido con contraseña (cifrado)") from None
        raise PdfUnreadable("el archivo no es un PDF válido o está dañado") from None
    try:
        pages = [read_page(pdf, i) for i in range(len(pdf))]
    finally:
        pdf.close()
    if not any(c.text.strip() for p in pages for c in p.chars):
        raise PdfUnreadable("sin texto extraíble (parece una imagen escaneada; hace falta OCR)")
    return assemble(pages)


def assemble(pages: list[Page]) -> PdfText:
    per_page = [_body(p, page_blocks(p)) for p in pages]
    furniture = _running(per_page, pages)
    per_page = [[b for b in blocks if not (isinstance(b, Line) and _key(b.text) in furniture)] for blocks in per_page]
    out = PdfText(page_count=len(pages))
    right = max((b.x1 for blocks in per_page for b in blocks if isinstance(b, Line) and not b.mono), default=0.0)
    pitch, top, bottom = _mono_grid(per_page)
    left = min((b.x0 for blocks in per_page for b in blocks if isinstance(b, Line) and b.mono), default=0.0)
    prev: Line | TableBlock | None = None
    first_row: list[str] | None = None
    for page, blocks in zip(pages, per_page, strict=False):
        for i, block in enumerate(blocks):
            if isinstance(block, TableBlock):
                rows = block.rows
                continued = i == 0 and isinstance(prev, TableBlock) and _same_columns(prev, block)
                if continued and first_row and rows and rows[0] == first_row:
                    rows = rows[1:]  # the header row repeated on the next page
                elif not continued:
                    first_row = rows[0] if rows else None
                    if isinstance(prev, Line) and i > 0:
                        _blank(out, _prose_blanks(prev.y - block.top, prev.size), page.number)
                    elif isinstance(prev, TableBlock) and i > 0 and prev.bottom - block.top > 8:
                        # two tables apart, not one table continued: one blank line per line of space
                        _blank(out, min(3, max(1, round((prev.bottom - block.top - 6) / 6))), page.number)
                    elif i == 0 and prev is not None:
                        _blank(out, 1, page.number)  # a page break that ends a paragraph or a table
                for row in rows:
                    out.lines.append("\t".join(row) if len(row) > 1 else row[0] + "\t")
                    out.pages.append(page.number)
            elif block.mono and pitch:
                if i == 0:
                    if isinstance(prev, Line) and prev.mono:
                        _blank(out, round((prev.y - bottom) / pitch), out.pages[-1])
                    _blank(out, round((top - block.y) / pitch), page.number)
                elif isinstance(prev, Line):
                    _blank(out, round((prev.y - block.y) / pitch) - 1, page.number)
                out.lines.append(" " * max(0, round((block.x0 - left) / block.advance)) + block.text)
                out.pages.append(page.number)
            else:
                if isinstance(prev, Line) and _continues(prev, block, right, same_page=i > 0):
                    out.lines[-1] = f"{out.lines[-1]} {block.text.strip()}"
                else:
                    if isinstance(prev, Line) and i > 0:
                        _blank(out, _prose_blanks(prev.y - block.y - block.size, prev.size), page.number)
                    elif isinstance(prev, TableBlock) and i > 0 and prev.bottom - (block.y + block.size) > block.size:
                        _blank(out, min(3, max(1, round((prev.bottom - block.y - block.size - 8) / 6))), page.number)
                    elif i == 0 and prev is not None:
                        _blank(out, 1, page.number)  # a page break that is not a wrapped line ends a paragraph
                    out.lines.append(block.text.strip())
                    out.pages.append(page.number)
            prev = block
    return out


def _mono_grid(per_page: list[list[Line | TableBlock]]) -> tuple[float, float, float]:
    """Layout text set in a monospaced font: its line pitch and the first and last baselines of a
    full page, so blank lines (also at the top or foot of a page) are counted back."""
    steps: Counter[float] = Counter()
    firsts, lasts = [], []
    for blocks in per_page:
        mono = [b for b in blocks if isinstance(b, Line) and b.mono]
        steps.update(round(a.y - b.y, 1) for a, b in zip(mono, mono[1:], strict=False))
        if mono:
            firsts.append(mono[0].y)
            lasts.append(mono[-1].y)
    if not steps:
        return 0.0, 0.0, 0.0
    return steps.most_common(1)[0][0], max(firsts), min(lasts)


def _blank(out: PdfText, count: int, page: int) -> None:
    for _ in range(max(0, count)):
        out.lines.append("")
        out.pages.append(page)


def _body(page: Page, blocks: list[Line | TableBlock]) -> list[Line | TableBlock]:
    """Blocks inside the page body; page numbers in the top or bottom band are dropped here."""
    top, bottom = page.height * (1 - BAND), page.height * BAND
    out = []
    for b in blocks:
        if isinstance(b, Line) and (b.y > top or b.y < bottom) and PAGE_NUMBER_RE.match(b.text):
            continue
        out.append(b)
    return out


def _key(text: str) -> str:
    return re.sub(r"\d+", "#", text.strip().lower())


def _running(per_page: list[list[Line | TableBlock]], pages: list[Page]) -> set[str]:
    """Texts in the top or bottom band of at least half the pages (digits folded): furniture."""
    counts: Counter[str] = Counter()
    for page, blocks in zip(pages, per_page, strict=False):
        top, bottom = page.height * (1 - BAND), page.height * BAND
        keys = {_key(b.text) for b in blocks if isinstance(b, Line) and (b.y > top or b.y < bottom)}
        counts.update(keys)
    needed = max(2, (len(pages) + 1) // 2)
    return {k for k, n in counts.items() if n >= needed}


def _continues(prev: Line, line: Line, right: float, same_page: bool) -> bool:
    """A wrapped line: the previous one was full (the next word would not have fitted)."""
    if prev.mono or line.mono or abs(prev.size - line.size) > 0.2:
        return False
    if same_page and (prev.y - line.y) > 1.3 * line.size:
        return False
    return prev.x1 + line.size * 0.3 + line.first_word > right - 0.5


def _prose_blanks(space: float, size: float) -> int:
    """Blank lines where the space between two paragraphs is wider than a paragraph break."""
    step, base = 0.6 * size, 0.75 * size
    return min(3, int((space - base) / step + 0.5)) if space > base + step * 0.6 else 0


def _same_columns(a: TableBlock, b: TableBlock) -> bool:
    return len(a.columns) == len(b.columns) and all(abs(x - y) <= 1.0 for x, y in zip(a.columns, b.columns,
                                                                                     strict=False))
