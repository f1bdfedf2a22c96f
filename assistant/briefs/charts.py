"""Bar charts drawn with reportlab.graphics shapes (vector, no extra dependency).

The bars are laid out here with plain Rect/Line/String shapes rather than reportlab's chart
widgets: the widgets validate every attribute they set and made one 27-bar chart cost more
than the rest of a brief. Labels are plain strings (never parsed as markup). A missing value
draws no bar and is labelled "sin dato", so it never reads as a zero."""

from __future__ import annotations

import math

from reportlab.graphics.shapes import Drawing, Line, Rect, String
from reportlab.lib import colors
from reportlab.pdfbase.pdfmetrics import stringWidth

from . import layout as L
from .escape import shorten
from .fast_drawing import FastDrawing
from .model import MISSING, Chart, fmt_number

PALETTE = [colors.HexColor(c) for c in ("#1f5f8b", "#e07b39", "#5b9a4d", "#b9474b", "#7d5ba6", "#8c8c8c")]
LEVEL_COLORS = {"alto": "#3c8d40", "medio": "#e3a21a", "bajo": "#c0392b"}
FONT, BOLD, ITALIC = "Helvetica", "Helvetica-Bold", "Helvetica-Oblique"
SMALL = L.CHART_SMALL
VALUE = L.CHART_VALUE_SIZE
GRID = colors.HexColor("#dddddd")
AXIS = colors.HexColor("#888888")
REFERENCE = colors.HexColor("#555555")
TITLE_H = L.CHART_TITLE_H
LEGEND_H = L.CHART_LEGEND_H
# "Nice" axis steps: these multiples of a power of ten.
NICE_STEPS = (1, 2, 5 / 2, 5, 10)


def nice_range(values: list[float], reference: float | None) -> tuple[float, float, float]:
    """Axis bounds and step: round numbers that include zero, every value and the reference;
    whole steps when every value is whole (counts)."""
    lo = min([0, *values])
    hi = max([*values, reference or 0, 1])
    raw_step = (hi - lo) / 5
    mag = 10 ** math.floor(math.log10(raw_step))
    step = next(m * mag for m in NICE_STEPS if m * mag >= raw_step)
    if all(float(v).is_integer() for v in values) and not float(step).is_integer():
        step = float(math.ceil(step))
    return math.floor(lo / step) * step, math.ceil(hi / step) * step, step


def _palette(chart: Chart) -> list:
    names = [name.lower() for name, _ in chart.series]
    if all(n in LEVEL_COLORS for n in names):
        return [colors.HexColor(LEVEL_COLORS[n]) for n in names]
    return PALETTE


def _extent(chart: Chart) -> list[float]:
    if chart.stacked:
        return [sum(vals[i] or 0 for _, vals in chart.series if i < len(vals)) for i in range(len(chart.categories))]
    return [v for _, vals in chart.series for v in vals if v is not None]


def _ticks(lo: float, hi: float, step: float) -> list[float]:
    n = int(round((hi - lo) / step))
    return [lo + i * step for i in range(n + 1)]


def draw(chart: Chart, width: float) -> Drawing:
    return _horizontal(chart, width) if chart.horizontal else _vertical(chart, width)


def _label(value: float | None, unit: str) -> str:
    return fmt_number(value, unit) or ""


def _horizontal(chart: Chart, width: float) -> Drawing:
    n_cat, n_ser = len(chart.categories), len(chart.series)
    bars_per_group = 1 if chart.stacked else n_ser
    bar_h = L.BAR_H_GROUPED if bars_per_group > 1 else L.BAR_H
    group_h = bar_h * bars_per_group + L.GROUP_GAP
    legend_h = LEGEND_H if n_ser > 1 else 0
    names = [shorten(c, 40) for c in chart.categories]
    label_w = min(L.LABEL_W_MAX, max(L.LABEL_W_MIN, max(stringWidth(n, FONT, SMALL) for n in names) + 6))
    x0, y0 = label_w + 4, 14 + legend_h
    plot_w, plot_h = width - x0 - 34, group_h * n_cat
    d = FastDrawing(width, plot_h + y0 + TITLE_H + 4)
    d.add(String(0, d.height - 10, shorten(chart.title, 110), fontName=BOLD, fontSize=L.CHART_TITLE_SIZE))
    lo, hi, step = nice_range(_extent(chart) or [0], chart.reference)
    scale = plot_w / (hi - lo)

    def x_of(v: float) -> float:
        return x0 + (v - lo) * scale

    for tick in _ticks(lo, hi, step):
        x = x_of(tick)
        d.add(Line(x, y0, x, y0 + plot_h, strokeColor=GRID, strokeWidth=L.GRID_WIDTH))
        d.add(String(x, y0 - 9, fmt_number(tick) or "0", fontName=FONT, fontSize=SMALL, textAnchor="middle"))
    d.add(Line(x_of(0), y0, x_of(0), y0 + plot_h, strokeColor=AXIS, strokeWidth=L.AXIS_WIDTH))
    palette = _palette(chart)
    for i, name in enumerate(names):
        top = y0 + plot_h - i * group_h - L.GROUP_TOP
        d.add(String(x0 - 4, top - group_h / 2 - L.HALF_PT, name, fontName=FONT, fontSize=SMALL, textAnchor="end"))
        values = [vals[i] if i < len(vals) else None for _, vals in chart.series]
        if all(v is None for v in values):
            d.add(String(x_of(0) + 3, top - group_h / 2 - L.HALF_PT, MISSING, fontName=ITALIC, fontSize=SMALL,
                         fillColor=colors.grey))
            continue
        start = 0
        for s, v in enumerate(values):
            if v is None:
                continue
            y = top - (bar_h if chart.stacked else (s + 1) * bar_h)
            a, b = (start, start + v) if chart.stacked else (0, v)
            left, right = sorted((x_of(a), x_of(b)))
            d.add(Rect(left, y + L.HALF_PT, max(right - left, L.MIN_BAR), bar_h - 1, fillColor=palette[s % len(palette)],
                       strokeColor=None))
            if chart.stacked:
                if v and right - left > 10:
                    d.add(String((left + right) / 2, y + bar_h / 2 - 2, _label(v, ""), fontName=FONT,
                                 fontSize=VALUE, fillColor=colors.white, textAnchor="middle"))
                start += v
            else:
                d.add(String(right + 2 if v >= 0 else left - 2, y + bar_h / 2 - 2, _label(v, chart.unit),
                             fontName=FONT, fontSize=VALUE, textAnchor="start" if v >= 0 else "end"))
    if chart.reference is not None and lo <= chart.reference <= hi:
        x = x_of(chart.reference)
        d.add(Line(x, y0, x, y0 + plot_h, strokeColor=REFERENCE, strokeWidth=L.AXIS_WIDTH, strokeDashArray=[2, 2]))
    if legend_h:
        _legend(d, chart, x0, 2)
    return d


def _vertical(chart: Chart, width: float) -> Drawing:
    n_cat, n_ser = len(chart.categories), len(chart.series)
    legend_h = LEGEND_H if n_ser > 1 else 0
    x0, y0 = L.VERTICAL_AXIS_W, 14 + legend_h
    plot_h = L.VERTICAL_PLOT_H
    group_w = min(L.GROUP_W_MAX, (width - x0 - 10) / max(n_cat, 1))
    bar_w = (group_w - 8) / (1 if chart.stacked else n_ser)
    d = FastDrawing(width, plot_h + y0 + TITLE_H + 14)
    d.add(String(0, d.height - 10, shorten(chart.title, 110), fontName=BOLD, fontSize=L.CHART_TITLE_SIZE))
    lo, hi, step = nice_range(_extent(chart) or [0], chart.reference)
    scale = plot_h / (hi - lo)

    def y_of(v: float) -> float:
        return y0 + (v - lo) * scale

    plot_w = group_w * n_cat
    for tick in _ticks(lo, hi, step):
        y = y_of(tick)
        d.add(Line(x0, y, x0 + plot_w, y, strokeColor=GRID, strokeWidth=L.GRID_WIDTH))
        d.add(String(x0 - 3, y - 2, fmt_number(tick) or "0", fontName=FONT, fontSize=SMALL, textAnchor="end"))
    d.add(Line(x0, y_of(0), x0 + plot_w, y_of(0), strokeColor=AXIS, strokeWidth=L.AXIS_WIDTH))
    palette = _palette(chart)
    for i, cat in enumerate(chart.categories):
        left = x0 + i * group_w + 4
        d.add(String(left + (group_w - 8) / 2, y0 - 9, shorten(cat, 14), fontName=FONT, fontSize=SMALL,
                     textAnchor="middle"))
        values = [vals[i] if i < len(vals) else None for _, vals in chart.series]
        if all(v is None for v in values):
            d.add(String(left + (group_w - 8) / 2, y_of(0) + 3, MISSING, fontName=ITALIC, fontSize=VALUE,
                         fillColor=colors.grey, textAnchor="middle"))
            continue
        start = 0
        for s, v in enumerate(values):
            if v is None:
                continue
            x = left if chart.stacked else left + s * bar_w
            a, b = (start, start + v) if chart.stacked else (0, v)
            bottom, top = sorted((y_of(a), y_of(b)))
            d.add(Rect(x, bottom, bar_w - 1, max(top - bottom, L.MIN_BAR), fillColor=palette[s % len(palette)],
                       strokeColor=None))
            d.add(String(x + (bar_w - 1) / 2, top + 2, _label(v, chart.unit), fontName=FONT, fontSize=VALUE,
                         textAnchor="middle"))
            start += v if chart.stacked else 0
    if chart.reference is not None and lo <= chart.reference <= hi:
        y = y_of(chart.reference)
        d.add(Line(x0, y, x0 + plot_w, y, strokeColor=REFERENCE, strokeWidth=L.AXIS_WIDTH, strokeDashArray=[2, 2]))
    if legend_h:
        _legend(d, chart, x0, 2)
    return d


def _legend(d: Drawing, chart: Chart, x: float, y: float) -> None:
    palette = _palette(chart)
    for s, (name, _) in enumerate(chart.series):
        label = shorten(name, 30)
        d.add(Rect(x, y, 7, 7, fillColor=palette[s % len(palette)], strokeColor=None))
        d.add(String(x + 10, y + 1, label, fontName=FONT, fontSize=SMALL))
        x += 10 + stringWidth(label, FONT, SMALL) + 14
