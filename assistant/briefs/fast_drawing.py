"""Charts painted straight onto the PDF canvas.

The charts are built from three reportlab shapes only (Rect, Line, String). reportlab's generic
renderer walks every node through a state machine (transforms, every style attribute compared and
re-emitted), which cost about 7 ms per chart; painting those three shapes directly is a handful of
canvas calls each and gives the same vector output. Any other shape falls back to the renderer.
"""

from __future__ import annotations

from reportlab.graphics.shapes import Drawing, Line, Rect, String
from reportlab.lib import colors


class FastDrawing(Drawing):
    def drawOn(self, canvas, x, y, _sW=0):  # noqa: N802 - reportlab API
        if not all(type(node) in PAINTERS for node in self.contents):
            return super().drawOn(canvas, x, y, _sW)
        x = self._hAlignAdjust(x, _sW)
        canvas.saveState()
        canvas.translate(x, y)
        for node in self.contents:
            PAINTERS[type(node)](canvas, node)
        canvas.restoreState()
        return None


def _rect(canvas, r: Rect) -> None:
    fill, stroke = r.fillColor, r.strokeColor
    if fill is not None:
        canvas.setFillColor(fill)
    if stroke is not None:
        canvas.setStrokeColor(stroke)
        canvas.setLineWidth(r.strokeWidth)
    canvas.rect(r.x, r.y, r.width, r.height, stroke=int(stroke is not None), fill=int(fill is not None))


def _line(canvas, line: Line) -> None:
    if line.strokeColor is None:
        return
    canvas.setStrokeColor(line.strokeColor)
    canvas.setLineWidth(line.strokeWidth)
    canvas.setDash(line.strokeDashArray or [])
    canvas.line(line.x1, line.y1, line.x2, line.y2)
    if line.strokeDashArray:
        canvas.setDash([])


def _string(canvas, s: String) -> None:
    canvas.setFont(s.fontName, s.fontSize)
    canvas.setFillColor(s.fillColor if s.fillColor is not None else colors.black)
    draw = {"middle": canvas.drawCentredString, "end": canvas.drawRightString}.get(s.textAnchor, canvas.drawString)
    draw(s.x, s.y, s.text)


PAINTERS = {Rect: _rect, Line: _line, String: _string}

__all__ = ["FastDrawing"]
