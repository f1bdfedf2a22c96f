"""The raw material of a PDF page, read with pypdfium2: positioned characters and ruling lines.

pypdfium2 (PDFium, BSD/Apache licences) was chosen by measurement: on the same 42-page report it
gives characters, boxes and path objects in 0.5 s where pdfplumber needs 4.5 s and pdfminer.six
3.1 s for layout alone (notes of issue 12). Tables are rebuilt from the ruling lines (layout.py).
"""

from __future__ import annotations

import ctypes
from dataclasses import dataclass

import pypdfium2 as pdfium
import pypdfium2.raw as raw

FIXED_PITCH = 1  # PDF font descriptor flag
RULE_THICKNESS = 2.0  # a path thinner than this (pt) in one direction is a ruling line


@dataclass(slots=True)
class Char:
    text: str
    x0: float
    x1: float
    y: float  # baseline, PDF coordinates (up is larger)
    size: float
    mono: bool


@dataclass(slots=True)
class Rule:
    x0: float
    y0: float
    x1: float
    y1: float

    @property
    def horizontal(self) -> bool:
        return (self.y1 - self.y0) < RULE_THICKNESS <= (self.x1 - self.x0)

    @property
    def vertical(self) -> bool:
        return (self.x1 - self.x0) < RULE_THICKNESS <= (self.y1 - self.y0)


@dataclass
class Page:
    number: int
    width: float
    height: float
    chars: list[Char]
    rules: list[Rule]


def open_pdf(data: bytes) -> pdfium.PdfDocument:
    """The document, or PdfiumError (damaged, encrypted without the password)."""
    return pdfium.PdfDocument(data)


def read_page(pdf: pdfium.PdfDocument, index: int) -> Page:
    page = pdf[index]
    width, height = page.get_size()
    textpage = page.get_textpage()
    chars = _chars(textpage)
    rules = []
    for obj in page.get_objects(filter=[raw.FPDF_PAGEOBJ_PATH], max_depth=4):
        left, bottom, right, top = obj.get_bounds()
        rule = Rule(left, bottom, right, top)
        if rule.horizontal or rule.vertical:
            rules.append(rule)
    textpage.close()
    page.close()
    return Page(index + 1, width, height, chars, rules)


def _chars(textpage: pdfium.PdfTextPage) -> list[Char]:
    tp = textpage.raw
    count = raw.FPDFText_CountChars(tp)
    x, y = ctypes.c_double(), ctypes.c_double()
    box = raw.FS_RECTF()
    flags = ctypes.c_int()
    out: list[Char] = []
    for i in range(count):
        code = raw.FPDFText_GetUnicode(tp, i)
        if code == 2:  # PDFium reports a hyphen at the end of a text run as 0x02
            code = 45
        elif code == 0xA0:
            code = 32
        if code in (10, 13, 0xFFFE, 0xFFFF, 0) or raw.FPDFText_IsGenerated(tp, i) == 1:
            continue
        raw.FPDFText_GetCharOrigin(tp, i, ctypes.byref(x), ctypes.byref(y))
        raw.FPDFText_GetLooseCharBox(tp, i, ctypes.byref(box))  # horizontally: origin to advance
        size = raw.FPDFText_GetFontSize(tp, i)
        raw.FPDFText_GetFontInfo(tp, i, None, 0, ctypes.byref(flags))
        mono = bool(flags.value & FIXED_PITCH)
        x1 = max(box.right, x.value + (size * 0.25 if code == 32 else 0.0))
        out.append(Char(chr(code), x.value, x1, y.value, size, mono))
    return out
