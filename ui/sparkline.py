"""A customer's health history as a sparkline: a small QPainter drawing, no chart library.

The line spans the scores measured in the window (oldest left); the 0-100 scale is fixed so a fall of 30 points
always looks like one, and the red / amber bands (below 40, below 70) sit behind it so a reader sees where the
account is without reading a number. The last point is marked and labelled.
"""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import QPointF, QRectF, QSize, Qt
from PySide6.QtGui import QColor, QPainter, QPaintEvent, QPalette, QPen, QPolygonF
from PySide6.QtWidgets import QSizePolicy, QWidget

from escdesk.domain import HealthPoint

RED_BELOW, AMBER_BELOW = 40, 70
RED, AMBER, GREEN = QColor("#c62828"), QColor("#ef8f00"), QColor("#2e7d32")


def health_color(score: int) -> QColor:
    return RED if score < RED_BELOW else AMBER if score < AMBER_BELOW else GREEN


def trend_text(points: Sequence[HealthPoint]) -> str:
    """'Health 55, down 25 since 5 Aug' (or 'No health scores recorded')."""
    if not points:
        return "No health scores recorded"
    first, last = points[0], points[-1]
    change = last.score - first.score
    if len(points) == 1 or change == 0:
        return f"Health {last.score}, unchanged since {first.on.day} {first.on:%b}"
    direction = "up" if change > 0 else "down"
    return f"Health {last.score}, {direction} {abs(change)} since {first.on.day} {first.on:%b}"


class HealthSparkline(QWidget):
    """Draws `set_points` (oldest first); its accessible description says the trend in words."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("healthSparkline")
        self.setAccessibleName("Health history")
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self._points: tuple[HealthPoint, ...] = ()

    @property
    def points(self) -> tuple[HealthPoint, ...]:
        return self._points

    def set_points(self, points: Sequence[HealthPoint]) -> None:
        self._points = tuple(points)
        summary = trend_text(self._points)
        self.setAccessibleDescription(summary)
        self.setToolTip(summary)
        self.update()

    def sizeHint(self) -> QSize:
        height = self.fontMetrics().height()
        return QSize(height * 12, height * 3)

    def minimumSizeHint(self) -> QSize:
        height = self.fontMetrics().height()
        return QSize(height * 6, height * 3)

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        label_width = self.fontMetrics().horizontalAdvance("100") + 6
        area = QRectF(self.rect()).adjusted(2, 4, -label_width, -4)
        self._paint_bands(painter, area)
        if not self._points:
            painter.setPen(self.palette().color(QPalette.ColorRole.PlaceholderText))
            painter.drawText(area, Qt.AlignmentFlag.AlignCenter, "No health scores")
        else:
            self._paint_line(painter, area, label_width)
        painter.end()

    def _y(self, area: QRectF, score: int) -> float:
        return area.bottom() - area.height() * max(0, min(100, score)) / 100

    def _paint_bands(self, painter: QPainter, area: QRectF) -> None:
        for low, high, color in ((0, RED_BELOW, RED), (RED_BELOW, AMBER_BELOW, AMBER)):
            band = QColor(color)
            band.setAlpha(28)
            painter.fillRect(
                QRectF(area.left(), self._y(area, high), area.width(), self._y(area, low) - self._y(area, high)), band
            )

    def _paint_line(self, painter: QPainter, area: QRectF, label_width: int) -> None:
        first = self._points[0].on.toordinal()
        span = max(1, self._points[-1].on.toordinal() - first)
        line = QPolygonF(
            [
                QPointF(area.left() + area.width() * (p.on.toordinal() - first) / span, self._y(area, p.score))
                for p in self._points
            ]
        )
        painter.setPen(QPen(self.palette().color(QPalette.ColorRole.WindowText), 1.6))
        painter.drawPolyline(line)
        last = self._points[-1]
        color = health_color(last.score)
        painter.setBrush(color)
        painter.setPen(Qt.PenStyle.NoPen)
        painter.drawEllipse(line.last(), 3.5, 3.5)
        painter.setPen(color)
        label = QRectF(area.right() + 4, line.last().y() - 10, label_width, 20)
        painter.drawText(label, Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter, str(last.score))
