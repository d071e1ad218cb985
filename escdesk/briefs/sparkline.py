"""The health trend as a word-sized line (Tufte's sparkline): the shape matters, the axis does not."""

from __future__ import annotations

from collections.abc import Sequence

from reportlab.graphics.shapes import Circle, Drawing, Line, PolyLine

from escdesk.briefs.fonts import SANS
from escdesk.briefs.styles import FAINT, NAVY, RULE, SEVERITY_COLOURS
from escdesk.domain import HealthPoint, Severity

RED_BELOW = 50  # a score under this is drawn in the S1 colour: the account is in trouble


def sparkline(points: Sequence[HealthPoint], width: float = 64, height: float = 13) -> Drawing:
    drawing = Drawing(width, height)
    # The renderer selects its initial font even for a drawing with no text; Helvetica would be left unembedded.
    drawing.initialFontName = SANS
    if len(points) < 2:
        drawing.add(Line(0, height / 2, width, height / 2, strokeColor=RULE, strokeWidth=0.6))
        return drawing
    coords = _coordinates(points, width, height, pad=2.0)
    drawing.add(Line(0, 0.3, width, 0.3, strokeColor=RULE, strokeWidth=0.4))
    drawing.add(PolyLine(coords, strokeColor=NAVY, strokeWidth=0.9, strokeLineJoin=1, strokeLineCap=1))
    last_x, last_y = coords[-2], coords[-1]
    colour = SEVERITY_COLOURS[Severity.S1] if points[-1].score < RED_BELOW else NAVY
    drawing.add(Circle(coords[0], coords[1], 1.1, fillColor=FAINT, strokeColor=None))
    drawing.add(Circle(last_x, last_y, 1.7, fillColor=colour, strokeColor=None))
    return drawing


def _coordinates(points: Sequence[HealthPoint], width: float, height: float, pad: float) -> list[float]:
    # x by date, not by index: a gap in the measurements should look like a gap.
    first, last = points[0].on, points[-1].on
    span = max((last - first).days, 1)
    low = min(p.score for p in points)
    high = max(p.score for p in points)
    rise = max(high - low, 10)  # a flat-ish line must not be blown up into drama
    base = low - (rise - (high - low)) / 2
    coords: list[float] = []
    for point in points:
        coords.append(pad + (width - 2 * pad) * (point.on - first).days / span)
        coords.append(pad + (height - 2 * pad) * (point.score - base) / rise)
    return coords
