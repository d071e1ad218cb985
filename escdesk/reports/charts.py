"""The weekly report's two charts, drawn with reportlab.graphics shapes in the brief's fonts and palette.

Drawn by hand rather than with reportlab's chart classes: those default to Helvetica (which the PDF would reference
without embedding) and place labels in ways that are hard to keep readable with long category names. Both charts
are pure functions of their numbers, so the report stays byte-stable.
"""

from __future__ import annotations

from collections.abc import Sequence

from reportlab.graphics.shapes import Drawing, Line, Rect, String
from reportlab.lib.colors import Color, HexColor

from escdesk.briefs.fonts import SANS
from escdesk.briefs.styles import FAINT, INK, MUTED, NAVY, RULE

OPENED = NAVY
CLOSED = HexColor("#7FA7C9")
REOPENED = HexColor("#C2571A")
CUMULATIVE = HexColor("#C2571A")
LABEL_SIZE = 7.0


def _drawing(width: float, height: float) -> Drawing:
    drawing = Drawing(width, height)
    drawing.initialFontName = SANS  # else the renderer selects Helvetica, which the PDF would not embed
    return drawing


def _text(x: float, y: float, text: str, *, size: float = LABEL_SIZE, colour: Color = MUTED, anchor: str = "start",
          bold: bool = False) -> String:  # fmt: skip
    font = f"{SANS}-Bold" if bold else SANS
    return String(x, y, text, fontName=font, fontSize=size, fillColor=colour, textAnchor=anchor)


def nice_top(value: int) -> int:
    """The smallest axis maximum >= `value` made of four whole steps of 1, 2, 2.5, 3, 4 or 5 times a power of ten."""
    magnitude = 1
    while True:
        for base in (1.0, 2.0, 2.5, 3.0, 4.0, 5.0):
            step = base * magnitude
            if step.is_integer() and 4 * step >= value:
                return int(4 * step)
        magnitude *= 10


def pareto(labels: Sequence[str], counts: Sequence[int], width: float, height: float = 190) -> Drawing:
    """Horizontal bars, most frequent cause on top, and the cumulative share of the cases in a column on the right
    (a line across horizontal bars would cross their labels)."""
    drawing = _drawing(width, height)
    if not counts or sum(counts) == 0:
        drawing.add(_text(0, height / 2, "No cases were closed in this period."))
        return drawing
    label_width, share_width, top_pad, bottom_pad = 150.0, 64.0, 14.0, 16.0
    plot_width = width - label_width - share_width - 24
    row = (height - top_pad - bottom_pad) / len(counts)
    top, total = nice_top(max(counts)), sum(counts)
    _pareto_axes(drawing, label_width, plot_width, bottom_pad, height - top_pad, top)
    drawing.add(_text(width, height - top_pad + 4, "Cumulative", anchor="end", colour=CUMULATIVE, bold=True))
    running = 0
    for index, (label, count) in enumerate(zip(labels, counts, strict=True)):
        y = height - top_pad - (index + 1) * row
        middle = y + row * 0.5 - 2.4
        bar = plot_width * count / top
        drawing.add(Rect(label_width, y + row * 0.18, bar, row * 0.64, fillColor=NAVY, strokeColor=None))
        drawing.add(_text(label_width - 6, middle, label, colour=INK, anchor="end"))
        drawing.add(_text(label_width + bar + 3, middle, str(count), colour=INK))
        running += count
        drawing.add(_text(width, middle, f"{round(100 * running / total)} %", colour=CUMULATIVE, anchor="end"))
    return drawing


def _pareto_axes(drawing: Drawing, left: float, plot_width: float, bottom: float, top_y: float, top: int) -> None:
    for step in range(5):
        x = left + plot_width * step / 4
        drawing.add(Line(x, bottom, x, top_y, strokeColor=RULE, strokeWidth=0.4))
        drawing.add(_text(x, bottom - 10, str(top * step // 4), anchor="middle", colour=FAINT))
    drawing.add(_text(left + plot_width / 2, top_y + 4, "cases", anchor="middle", colour=FAINT))


def trend(
    weeks: Sequence[str], series: Sequence[tuple[str, Color, Sequence[int]]], width: float, height: float = 150
) -> Drawing:
    """Grouped vertical bars, one group per week (oldest left), one bar per series, a legend above."""
    drawing = _drawing(width, height)
    left, bottom, legend = 26.0, 18.0, 16.0
    plot_width, plot_height = width - left - 4, height - bottom - legend - 6
    top = nice_top(max((v for _, _, values in series for v in values), default=0))
    for step in range(5):
        y = bottom + plot_height * step / 4
        drawing.add(Line(left, y, left + plot_width, y, strokeColor=RULE, strokeWidth=0.4))
        drawing.add(_text(left - 4, y - 2.4, str(top * step // 4), anchor="end", colour=FAINT))
    group = plot_width / len(weeks)
    bar = group * 0.7 / len(series)
    for w, week in enumerate(weeks):
        x0 = left + w * group + group * 0.15
        for s, (_, colour, values) in enumerate(series):
            h = plot_height * values[w] / top
            drawing.add(Rect(x0 + s * bar, bottom, bar * 0.9, h, fillColor=colour, strokeColor=None))
            drawing.add(_text(x0 + s * bar + bar * 0.45, bottom + h + 2, str(values[w]), anchor="middle",
                              colour=INK, size=6.4))  # fmt: skip
        drawing.add(_text(left + w * group + group / 2, bottom - 11, week, anchor="middle", colour=INK))
    _legend(drawing, series, left, height - legend + 4)
    return drawing


def _legend(drawing: Drawing, series: Sequence[tuple[str, Color, Sequence[int]]], x: float, y: float) -> None:
    for name, colour, _ in series:
        drawing.add(Rect(x, y, 8, 6, fillColor=colour, strokeColor=None))
        drawing.add(_text(x + 11, y, name, colour=INK))
        x += 20 + 4.2 * len(name)
