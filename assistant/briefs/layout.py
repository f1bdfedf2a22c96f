"""The layout numbers of the brief PDFs in one place: page geometry, type sizes, rules and chart
metrics. None of them is a figure of the documents.

Lengths are whole millimetres (reportlab.lib.units.mm) or points; a fraction of a point is
written as a ratio of integers, with the value in points alongside (``17 / 2`` is 8.5 pt).
Only render and charts import this module (reportlab stays out of link computation).
"""

from __future__ import annotations

from reportlab.lib.units import mm

# ---- page ---------------------------------------------------------------------------------------
MARGIN = 16 * mm                 # left and right
TOP = 23 * mm                    # leaves room for the running header
BOTTOM = 16 * mm
REF_WIDTH = 13 * mm              # the "Fuente" column of every table
FACT_LABEL_WIDTH = 42 * mm       # label column of a facts sheet
PAD = 3                          # cell padding left/right, pt
PAD_V = 2                        # cell padding top/bottom, pt
SECTION_ROOM = 25 * mm           # a section starts on a new page when less room is left
SOURCES_ROOM = 20 * mm           # same for the list of sources
BLOCK_GAP = 6                    # space after a table or chart, pt
FACTS_GAP = 4                    # space after a facts sheet, pt

# ---- running header and footer (distances from the page's top / bottom edge) ------------------
HEADER_TITLE_Y = 11 * mm
HEADER_SUBTITLE_Y = 29 * mm / 2  # 14.5 mm
HEADER_RULE_Y = 33 * mm / 2      # 16.5 mm
FOOTER_Y = 9 * mm
HEADER_TITLE_SIZE = 8            # pt
HEADER_SIZE = 7                  # subtitle, date stamp and footer, pt
HEADER_STAMP_GAP = 14            # between the header title and the date stamp, pt
HEADER_RULE_WIDTH = 1 / 2        # 0.5 pt

# ---- text styles: font size / leading / spacing, pt -------------------------------------------
BODY_SIZE, BODY_LEADING, BODY_AFTER = 17 / 2, 11, 3         # 8.5 / 11 / 3
TITLE_SIZE, TITLE_LEADING, TITLE_AFTER = 14, 17, 2
SUBTITLE_SIZE, SUBTITLE_AFTER = 9, 4
H2_SIZE, H2_LEADING, H2_BEFORE, H2_AFTER = 21 / 2, 13, 8, 4  # 10.5 / 13 / 8 / 4
QUOTE_INDENT, QUOTE_PADDING = 8, 4
NOTE_SIZE, NOTE_LEADING = 15 / 2, 19 / 2                     # 7.5 / 9.5
CELL_SIZE, CELL_LEADING = 36 / 5, 44 / 5                     # 7.2 / 8.8 (cells, headers, "sin dato")
REF_SIZE, REF_LEADING = 34 / 5, 42 / 5                       # 6.8 / 8.4 (source numbers)
CAPTION_SIZE, CAPTION_LEADING, CAPTION_AFTER = 39 / 5, 10, 2  # 7.8 / 10 / 2
SOURCE_SIZE, SOURCE_LEADING, SOURCE_AFTER = 36 / 5, 9, 3 / 2  # 7.2 / 9 / 1.5
SOURCE_INDENT = 16                                           # hanging indent of the source list
MARK_SIZE = 7                                                # "[3]" after a paragraph
TABLE_RULE_WIDTH = 3 / 10                                    # 0.3 pt, under every row
FIT_STEP = 19 / 20               # a header line too wide is cut by 5 % per try

# ---- bar charts, pt -----------------------------------------------------------------------------
CHART_SMALL = 13 / 2             # 6.5 pt: axis ticks, category names, legend
CHART_VALUE_SIZE = 6             # value labels on the bars
CHART_TITLE_SIZE = 17 / 2        # 8.5 pt
CHART_TITLE_H = 16
CHART_LEGEND_H = 14
GRID_WIDTH = 2 / 5               # 0.4 pt
AXIS_WIDTH = 3 / 5               # 0.6 pt, also the dashed reference line
MIN_BAR = 3 / 10                 # 0.3 pt: the thinnest bar drawn
HALF_PT = 1 / 2                  # 0.5 pt: bar inset and label baseline nudge
BAR_H, BAR_H_GROUPED = 10, 9     # horizontal bars: one series / several per group
GROUP_GAP = 5                    # between groups of horizontal bars
GROUP_TOP = 5 / 2                # 2.5 pt: a group's first bar below its slot's top
LABEL_W_MIN, LABEL_W_MAX = 30, 170
VERTICAL_AXIS_W = 34             # room for the value axis of a vertical chart
VERTICAL_PLOT_H = 100
GROUP_W_MAX = 60                 # widest group of vertical bars
