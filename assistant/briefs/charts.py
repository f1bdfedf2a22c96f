"""Bar charts drawn with reportlab.graphics (vector, no extra dependency).

Labels are drawn as plain strings on the canvas (never parsed as markup). A missing value
draws no bar and is labelled "sin dato", so it never reads as a zero."""

from __future__ import annotations

import math

from reportlab.graphics.charts.barcharts import HorizontalBarChart, VerticalBarChart
from reportlab.graphics.charts.legends import Legend
from reportlab.graphics.shapes import Drawing, Line, String
from reportlab.lib import colors

from .escape import shorten
from .model import MISSING, Chart, fmt_number

PALETTE = [colors.HexColor(c) for c in ("#1f5f8b", "#e07b39", "#5b9a4d", "#b9474b", "#7d5ba6", "#8c8c8c")]
LEVEL_COLORS = {"alto": "#3c8d40", "medio": "#e3a21a", "bajo": "#c0392b"}
FONT = "Helvetica"


def _nice_range(values: list[float], reference: float | None) -> tuple[float, float, float]:
    lo = min([0.0, *values])
    hi = max([*values, reference or 0.0, 1.0])
    span = hi - lo
    raw_step = span / 5
    mag = 10 ** math.floor(math.log10(raw_step))
    step = next(m * mag for m in (1, 2, 2.5, 5, 10) if m * mag >= raw_step)
    return math.floor(lo / step) * step, math.ceil(hi / step) * step, step


def _colors(chart: Chart) -> list:
    names = [name.lower() for name, _ in chart.series]
    if all(n in LEVEL_COLORS for n in names):
        return [colors.HexColor(LEVEL_COLORS[n]) for n in names]
    return PALETTE


def draw(chart: Chart, width: float) -> Drawing:
    if chart.horizontal:
        return _horizontal(chart, width)
    return _vertical(chart, width)


def _values(chart: Chart) -> list[float]:
    if chart.stacked:
        n = len(chart.categories)
        return [sum(v or 0 for _, vals in chart.series for v in vals[i:i + 1]) for i in range(n)]
    return [v for _, vals in chart.series for v in vals if v is not None]


def _horizontal(chart: Chart, width: float) -> Drawing:
    n_cat, n_ser = len(chart.categories), len(chart.series)
    per_bar = 9 if n_ser > 1 and not chart.stacked else 11
    group = per_bar * (1 if chart.stacked else n_ser) + 5
    legend_h = 14 if n_ser > 1 else 0
    label_w = min(170.0, max(40.0, 4.6 * max(len(c) for c in chart.categories)))
    plot_h = group * n_cat
    height = plot_h + 38 + legend_h
    d = Drawing(width, height)
    d.add(String(0, height - 10, shorten(chart.title, 110), fontName=FONT + "-Bold", fontSize=8.5))
    bc = HorizontalBarChart()
    bc.x, bc.y = label_w + 6, 18 + legend_h
    bc.width, bc.height = width - label_w - 40, plot_h
    # reportlab draws the first category at the bottom; reverse so the list reads top-down.
    bc.data = [[v for v in reversed(vals)] for _, vals in chart.series]
    bc.categoryAxis.categoryNames = [shorten(c, 40) for c in reversed(chart.categories)]
    _style(bc, chart)
    d.add(bc)
    _reference(d, bc, chart, horizontal=True)
    _missing_labels(d, bc, chart, horizontal=True)
    if legend_h:
        _legend(d, chart, bc.x, 8)
    return d


def _vertical(chart: Chart, width: float) -> Drawing:
    n_ser = len(chart.series)
    legend_h = 14 if n_ser > 1 else 0
    height = 150 + legend_h
    d = Drawing(width, height)
    d.add(String(0, height - 10, shorten(chart.title, 110), fontName=FONT + "-Bold", fontSize=8.5))
    bc = VerticalBarChart()
    bc.x, bc.y = 36, 22 + legend_h
    bc.width = min(width - 50, 40.0 * len(chart.categories) * max(1, n_ser) + 40)
    bc.height = height - bc.y - 22
    bc.data = [list(vals) for _, vals in chart.series]
    bc.categoryAxis.categoryNames = [shorten(c, 14) for c in chart.categories]
    _style(bc, chart)
    d.add(bc)
    _reference(d, bc, chart, horizontal=False)
    _missing_labels(d, bc, chart, horizontal=False)
    if legend_h:
        _legend(d, chart, bc.x, 6)
    return d


def _style(bc, chart: Chart) -> None:
    values = _values(chart) or [0.0]
    lo, hi, step = _nice_range(values, chart.reference)
    bc.valueAxis.valueMin, bc.valueAxis.valueMax, bc.valueAxis.valueStep = lo, hi, step
    bc.valueAxis.labels.fontName = FONT
    bc.valueAxis.labels.fontSize = 6.5
    bc.valueAxis.labelTextFormat = lambda v: fmt_number(v) or ""
    bc.valueAxis.visibleGrid = True
    bc.valueAxis.gridStrokeColor = colors.HexColor("#dddddd")
    bc.valueAxis.gridStrokeWidth = 0.4
    bc.categoryAxis.labels.fontName = FONT
    bc.categoryAxis.labels.fontSize = 6.5
    bc.categoryAxis.strokeColor = colors.HexColor("#888888")
    bc.valueAxis.strokeColor = colors.HexColor("#888888")
    if chart.stacked:
        bc.categoryAxis.style = "stacked"
    bc.barSpacing = 1
    bc.groupSpacing = 5
    palette = _colors(chart)
    for i in range(len(chart.series)):
        bc.bars[i].fillColor = palette[i % len(palette)]
        bc.bars[i].strokeColor = None
    bc.barLabelFormat = lambda v: fmt_number(v, chart.unit) if v is not None else ""
    bc.barLabels.fontName = FONT
    bc.barLabels.fontSize = 6
    if chart.stacked:
        bc.barLabelFormat = lambda v: fmt_number(v) if v else ""
        bc.barLabels.boxTarget = "mid"
        bc.barLabels.fillColor = colors.white
    elif isinstance(bc, HorizontalBarChart):
        bc.barLabels.boxAnchor = "w"
        bc.barLabels.dx = 3
    else:
        bc.barLabels.nudge = 6


def _reference(d: Drawing, bc, chart: Chart, horizontal: bool) -> None:
    ref = chart.reference
    if ref is None:
        return
    lo, hi = bc.valueAxis.valueMin, bc.valueAxis.valueMax
    if not lo <= ref <= hi or hi == lo:
        return
    frac = (ref - lo) / (hi - lo)
    if horizontal:
        x = bc.x + frac * bc.width
        d.add(Line(x, bc.y, x, bc.y + bc.height, strokeColor=colors.HexColor("#555555"), strokeWidth=0.6,
                   strokeDashArray=[2, 2]))
    else:
        y = bc.y + frac * bc.height
        d.add(Line(bc.x, y, bc.x + bc.width, y, strokeColor=colors.HexColor("#555555"), strokeWidth=0.6,
                   strokeDashArray=[2, 2]))


def _missing_labels(d: Drawing, bc, chart: Chart, horizontal: bool) -> None:
    """Write "sin dato" where a category has no value in any series."""
    if chart.stacked:
        return
    n = len(chart.categories)
    for i in range(n):
        if any(vals[i] is not None for _, vals in chart.series if i < len(vals)):
            continue
        if horizontal:
            slot = bc.height / n
            y = bc.y + (n - 1 - i) * slot + slot / 2 - 2
            d.add(String(bc.x + 3, y, MISSING, fontName=FONT + "-Oblique", fontSize=6, fillColor=colors.grey))
        else:
            slot = bc.width / n
            d.add(String(bc.x + i * slot + slot / 2, bc.y + 3, MISSING, fontName=FONT + "-Oblique", fontSize=6,
                         fillColor=colors.grey, textAnchor="middle"))


def _legend(d: Drawing, chart: Chart, x: float, y: float) -> None:
    legend = Legend()
    legend.x, legend.y = x, y
    legend.alignment = "right"
    legend.columnMaximum = 1
    legend.fontName = FONT
    legend.fontSize = 6.5
    legend.boxAnchor = "w"
    legend.dx = legend.dy = 6
    legend.deltax = 24 + 3.4 * max(len(shorten(name, 30)) for name, _ in chart.series)
    palette = _colors(chart)
    legend.colorNamePairs = [(palette[i % len(palette)], shorten(name, 30)) for i, (name, _) in enumerate(chart.series)]
    d.add(legend)
