"""A small chart painted with QPainter: bars (grouped or stacked) with optional lines on a second axis, a legend,
hover tooltips and click-to-drill. No QtCharts: it is not part of the installed Qt (PySide6-Addons).

A chart shows a ChartSpec; each category is one row of the table behind it, and clicking it emits `activated`
with that row, so the dashboard opens the cases behind the number (the table view beside it is the accessible
alternative with the same rows).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from PySide6.QtCore import QPointF, QRectF, QSize, Qt, Signal
from PySide6.QtGui import QColor, QFontMetrics, QMouseEvent, QPainter, QPaintEvent, QPen
from PySide6.QtWidgets import QSizePolicy, QToolTip, QWidget

Format = Callable[[float], str]

PALETTE = ("#3b6fb6", "#e0803a", "#5aa469", "#c8493f", "#8c6bb1", "#9a9a9a", "#d4a72c")


def plain(value: float) -> str:
    return f"{value:,.0f}" if abs(value) >= 100 or value == int(value) else f"{value:,.1f}"


def percent(value: float) -> str:
    return f"{100 * value:.0f}%"


def hours(value: float) -> str:
    """'0 h', '2.5 h', '40 h', '1,200 h': a fraction only where it says something (an axis starts at '0 h')."""
    return f"{value:,.0f} h" if value >= 10 or value == int(value) else f"{value:.1f} h"


def money(value: float) -> str:
    for limit, suffix in ((1e9, "B"), (1e6, "M"), (1e3, "k")):
        if abs(value) >= limit:
            return f"${value / limit:,.1f}{suffix}"
    return f"${value:,.0f}"


@dataclass(frozen=True)
class Series:
    name: str
    values: tuple[float | None, ...]
    color: str
    line: bool = False  # a line on the right axis instead of bars on the left one


@dataclass(frozen=True)
class ChartSpec:
    categories: tuple[str, ...]
    series: tuple[Series, ...]
    stacked: bool = False
    left: Format = plain
    right: Format = percent
    rows: tuple[int, ...] = field(default=())  # the table row behind each category (default: the same index)
    slanted: bool = False  # long category names: written at 45 degrees under the axis

    @property
    def bars(self) -> tuple[Series, ...]:
        return tuple(s for s in self.series if not s.line)

    @property
    def lines(self) -> tuple[Series, ...]:
        return tuple(s for s in self.series if s.line)

    def row_of(self, category: int) -> int:
        return self.rows[category] if self.rows else category


TICKS = 5  # grid lines above zero: a top of 1, 2, 2.5 or 5 times a power of ten gives round steps


def nice_top(value: float) -> float:
    """A round axis maximum at or above `value` (1, 2, 2.5 or 5 times a power of ten)."""
    if value <= 0:
        return 1.0
    power = 10 ** math.floor(math.log10(value))
    return next(step * power for step in (1, 2, 2.5, 5, 10) if step * power >= value * (1 - 1e-9))


def _stack_top(spec: ChartSpec) -> float:
    per_category = [
        sum(v or 0 for v in values) if spec.stacked else max((v or 0 for v in values), default=0)
        for values in zip(*(s.values for s in spec.bars), strict=True)
    ]
    return max(per_category, default=0.0)


class ChartWidget(QWidget):
    """Paints a ChartSpec. Signals: activated(int): a category was clicked; the table row behind it."""

    activated = Signal(int)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.spec = ChartSpec((), ())
        self.setMouseTracking(True)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self._hover: int | None = None

    def sizeHint(self) -> QSize:
        line = self.fontMetrics().height()
        return QSize(line * 28, line * 14)

    def minimumSizeHint(self) -> QSize:
        line = self.fontMetrics().height()
        return QSize(line * 16, line * 10)

    def set_spec(self, spec: ChartSpec) -> None:
        self.spec = spec
        names = ", ".join(s.name for s in spec.series)
        self.setAccessibleDescription(f"Chart of {names} over {len(spec.categories)} categories; the table view "
                                      "holds the same numbers.")  # fmt: skip
        self.update()

    # -- geometry ---------------------------------------------------------------------------------------------
    def plot_rect(self) -> QRectF:
        metrics = QFontMetrics(self.font())
        line = metrics.height()
        left = metrics.horizontalAdvance("$000.0M") + line // 2
        right = metrics.horizontalAdvance("100%") + line if self.spec.lines else line
        top = line * (len(self._legend_rows(metrics)) + 0.8)
        below = self._label_height(metrics)
        return QRectF(left, top, max(10, self.width() - left - right), max(10, self.height() - top - below))

    def _label_height(self, metrics: QFontMetrics) -> float:
        if self.spec.slanted:
            widest = max((metrics.horizontalAdvance(c) for c in self.spec.categories), default=0)
            return min(widest * 0.72, metrics.height() * 5) + metrics.height() * 0.5
        lines = max((c.count("\n") + 1 for c in self.spec.categories), default=1)
        return metrics.height() * (lines + 0.4)

    def _legend_rows(self, metrics: QFontMetrics) -> list[list[Series]]:
        """The legend's entries, wrapped into rows that fit the width."""
        rows: list[list[Series]] = [[]]
        x, limit = 0, max(1, self.width() - metrics.height() * 4)
        for series in self.spec.series:
            width = 14 + metrics.horizontalAdvance(series.name) + metrics.height()
            if rows[-1] and x + width > limit:
                rows.append([])
                x = 0
            rows[-1].append(series)
            x += width
        return rows

    def category_at(self, x: float) -> int | None:
        n, plot = len(self.spec.categories), self.plot_rect()
        if n == 0 or not plot.left() <= x <= plot.right():
            return None
        return min(n - 1, int((x - plot.left()) / (plot.width() / n)))

    # -- events -----------------------------------------------------------------------------------------------
    def mousePressEvent(self, event: QMouseEvent) -> None:
        index = self.category_at(event.position().x())
        if event.button() == Qt.MouseButton.LeftButton and index is not None:
            self.activated.emit(self.spec.row_of(index))
        super().mousePressEvent(event)

    def mouseMoveEvent(self, event: QMouseEvent) -> None:
        index = self.category_at(event.position().x())
        if index != self._hover:
            self._hover = index
            self.update()
        if index is not None:
            QToolTip.showText(event.globalPosition().toPoint(), self.describe(index), self)
        super().mouseMoveEvent(event)

    def leaveEvent(self, event: object) -> None:
        self._hover = None
        self.update()

    def describe(self, index: int) -> str:
        spec = self.spec
        parts = [spec.categories[index]]
        for s in spec.series:
            value = s.values[index]
            shown = "–" if value is None else (spec.right if s.line else spec.left)(value)
            parts.append(f"{s.name}: {shown}")
        return "\n".join(parts) + "\nClick for the cases behind it"

    # -- painting ---------------------------------------------------------------------------------------------
    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        spec, plot = self.spec, self.plot_rect()
        if not spec.categories:
            painter.drawText(self.rect(), Qt.AlignmentFlag.AlignCenter, "No data in this period")
            return
        top = nice_top(_stack_top(spec))
        right_top = nice_top(max((v or 0 for s in spec.lines for v in s.values), default=0))
        self._paint_axes(painter, plot, top, right_top)
        self._paint_bars(painter, plot, top)
        self._paint_lines(painter, plot, right_top)
        self._paint_labels(painter, plot)
        self._paint_legend(painter)
        painter.end()

    def _paint_axes(self, painter: QPainter, plot: QRectF, top: float, right_top: float) -> None:
        grid, text = self.palette().mid().color(), self.palette().text().color()
        metrics = painter.fontMetrics()
        for i in range(TICKS + 1):
            y = plot.bottom() - plot.height() * i / TICKS
            painter.setPen(QPen(grid, 0.5, Qt.PenStyle.DotLine if i else Qt.PenStyle.SolidLine))
            painter.drawLine(QPointF(plot.left(), y), QPointF(plot.right(), y))
            painter.setPen(text)
            label = self.spec.left(top * i / TICKS)
            painter.drawText(QPointF(plot.left() - metrics.horizontalAdvance(label) - 4, y + metrics.ascent() / 2.5),
                             label)  # fmt: skip
            if self.spec.lines:
                painter.drawText(
                    QPointF(plot.right() + 4, y + metrics.ascent() / 2.5), self.spec.right(right_top * i / TICKS)
                )

    def _paint_bars(self, painter: QPainter, plot: QRectF, top: float) -> None:
        bars, n = self.spec.bars, len(self.spec.categories)
        slot = plot.width() / n
        for index in range(n):
            x0 = plot.left() + slot * index
            if index == self._hover:
                painter.fillRect(QRectF(x0, plot.top(), slot, plot.height()), self.palette().alternateBase())
            width = slot * 0.72 / (1 if self.spec.stacked else max(1, len(bars)))
            base = plot.bottom()
            for k, series in enumerate(bars):
                value = series.values[index] or 0.0
                height = plot.height() * max(0.0, value) / top
                x = x0 + slot * 0.14 + (0 if self.spec.stacked else k * width)
                painter.fillRect(QRectF(x, base - height, max(1.0, width - 1), height), QColor(series.color))
                if self.spec.stacked:
                    base -= height

    def _paint_lines(self, painter: QPainter, plot: QRectF, top: float) -> None:
        slot = plot.width() / len(self.spec.categories)
        for series in self.spec.lines:
            painter.setPen(QPen(QColor(series.color), 2))
            painter.setBrush(QColor(series.color))
            previous: QPointF | None = None
            for index, value in enumerate(series.values):
                if value is None:
                    previous = None
                    continue
                point = QPointF(plot.left() + slot * (index + 0.5), plot.bottom() - plot.height() * value / top)
                if previous is not None:
                    painter.drawLine(previous, point)
                painter.drawEllipse(point, 2.5, 2.5)
                previous = point
            painter.setBrush(Qt.BrushStyle.NoBrush)

    def _paint_labels(self, painter: QPainter, plot: QRectF) -> None:
        painter.setPen(self.palette().text().color())
        metrics, n = painter.fontMetrics(), len(self.spec.categories)
        slot = plot.width() / n
        if self.spec.slanted:
            room = self._label_height(metrics) / 0.72
            for index, name in enumerate(self.spec.categories):
                painter.save()
                anchor = plot.left() + slot * (index + 0.5) + metrics.ascent() / 3
                painter.translate(anchor, plot.bottom() + 4)
                painter.rotate(-45)
                fits = min(room, anchor / 0.72)  # the first labels run towards the left edge: no further than it
                label = metrics.elidedText(name, Qt.TextElideMode.ElideRight, int(fits))
                painter.drawText(QPointF(-metrics.horizontalAdvance(label), 0), label)
                painter.restore()
            return
        widest = max(max(metrics.horizontalAdvance(part) for part in c.split("\n")) for c in self.spec.categories)
        every = max(1, math.ceil((widest + 6) / slot))  # skip labels rather than overlap them
        for index in range(0, n, every):
            label = self.spec.categories[index]
            rect = QRectF(plot.left() + slot * index - slot * (every - 1) / 2, plot.bottom() + 2, slot * every,
                          self._label_height(metrics))  # fmt: skip
            painter.drawText(rect, Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignTop, label)

    def _paint_legend(self, painter: QPainter) -> None:
        metrics = painter.fontMetrics()
        y = metrics.height() * 0.2
        for row in self._legend_rows(metrics):
            x = float(metrics.height() * 2)
            for series in row:
                box = QRectF(x, y + 2, 10, metrics.height() - 6)
                if series.line:
                    painter.setPen(QPen(QColor(series.color), 2))
                    painter.drawLine(QPointF(box.left(), box.center().y()), QPointF(box.right(), box.center().y()))
                else:
                    painter.fillRect(box, QColor(series.color))
                painter.setPen(self.palette().text().color())
                painter.drawText(QPointF(x + 14, y + metrics.ascent()), series.name)
                x += 14 + metrics.horizontalAdvance(series.name) + metrics.height()
            y += metrics.height()


def series_colors(count: int) -> Sequence[str]:
    return [PALETTE[i % len(PALETTE)] for i in range(count)]
