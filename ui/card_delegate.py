"""`CaseCardDelegate`: paints one case card. One delegate for every column; no widget per card.

All sizes derive from the view's font metrics (HiDPI-safe: Qt scales logical units), and colours from the palette,
so the card follows the system's light or dark theme. Only the severity chips carry fixed colours.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, QPointF, QRect, QRectF, QSize, Qt
from PySide6.QtGui import QColor, QFont, QFontMetrics, QFontMetricsF, QPainter, QPalette, QPen, QPixmap, QPixmapCache
from PySide6.QtWidgets import QStyle, QStyledItemDelegate, QStyleOptionViewItem, QWidget

from escdesk.domain import CaseCard, CaseStatus, Pace, Severity
from escdesk.policy import Policy
from ui import text
from ui.board_model import CardRole, ClockStateRole, ClockTextRole, GroupRole

# (fill, text) per severity: S1 red, S2 orange, S3 amber, S4 grey; readable on light and dark backgrounds.
SEVERITY_COLOURS = {
    Severity.S1: (QColor("#d32f2f"), QColor("#ffffff")),
    Severity.S2: (QColor("#ef6c00"), QColor("#ffffff")),
    Severity.S3: (QColor("#f9a825"), QColor("#202020")),
    Severity.S4: (QColor("#78909c"), QColor("#ffffff")),
}
PACE_COLOURS = {Pace.FAST: QColor("#c62828"), Pace.SLOW_BURN: QColor("#6a1b9a")}
STATUS_COLOURS = {
    "Not acknowledged": QColor("#c62828"),
    text.STATUS_TEXT[CaseStatus.WAITING_ON_CUSTOMER]: QColor("#b26a00"),
    text.STATUS_TEXT[CaseStatus.MITIGATED]: QColor("#2e7d32"),
}
# The clock line: overdue red (and bold), due within the hour amber, otherwise as quiet as the other details.
CLOCK_COLOURS = {text.ClockState.OVERDUE: QColor("#c62828"), text.ClockState.DUE_SOON: QColor("#b26a00")}
CARD_CACHE_KB = 96 * 1024
MIN_CARD_CHARS = 22  # narrowest useful card, in average characters; cards stretch to the column's width
HEALTH_COLOURS = {"falling": QColor("#c62828"), "rising": QColor("#2e7d32")}
HEALTH_ALARM = 10  # a fall of this many points in the trend window is painted red (a smaller one stays quiet)

Index = QModelIndex | QPersistentModelIndex


def mix(a: QColor, b: QColor, amount: float) -> QColor:
    """`a` moved `amount` (0..1) of the way towards `b`."""
    return QColor.fromRgbF(
        a.redF() + (b.redF() - a.redF()) * amount,
        a.greenF() + (b.greenF() - a.greenF()) * amount,
        a.blueF() + (b.blueF() - a.blueF()) * amount,
    )


def advance(font: QFont, label: str) -> int:
    """Width of `label`, rounded up: QFontMetrics rounds down, and a rect that exact makes Qt elide the text."""
    return math.ceil(QFontMetricsF(font).horizontalAdvance(label)) + 1


def health_text(card: CaseCard) -> str:
    """'♥ 62 ↓14' (latest score, change over the trend window), '♥ 80' with no trend, '' with no score."""
    if card.health_score is None:
        return ""
    change = card.health_change
    if not change:
        return f"♥ {card.health_score}" + (" →" if change == 0 else "")
    return f"♥ {card.health_score} {'↑' if change > 0 else '↓'}{abs(change)}"


def health_trend(card: CaseCard) -> str:
    """'falling' (a drop of HEALTH_ALARM points or more), 'rising' (half that up), or 'steady'."""
    change = card.health_change or 0
    return "falling" if change <= -HEALTH_ALARM else "rising" if change >= HEALTH_ALARM // 2 else "steady"


def is_dark(palette: QPalette) -> bool:
    return palette.color(QPalette.ColorRole.Base).lightness() < 128


def readable(colour: QColor, palette: QPalette) -> QColor:
    """An accent colour lightened enough to read on a dark card."""
    return colour.lighter(170) if is_dark(palette) else colour


@dataclass(frozen=True)
class CardMetrics:
    """Fonts and spacing for one base font; computed once per font, not per paint."""

    regular: QFont
    bold: QFont
    small: QFont
    small_bold: QFont
    line: int
    bold_line: int
    small_line: int
    pad: int
    gap: int
    margin: int
    stripe: int
    radius: float

    @classmethod
    def for_font(cls, font: QFont) -> CardMetrics:
        bold = QFont(font)
        bold.setWeight(QFont.Weight.Bold)
        small = QFont(font)
        if font.pointSizeF() > 0:
            small.setPointSizeF(max(font.pointSizeF() * 0.88, 6.0))
        elif font.pixelSize() > 0:
            small.setPixelSize(max(round(font.pixelSize() * 0.88), 8))
        line = QFontMetrics(font).height()
        small_bold = QFont(small)
        small_bold.setWeight(QFont.Weight.Bold)
        return cls(
            regular=QFont(font),
            bold=bold,
            small=small,
            small_bold=small_bold,
            line=line,
            bold_line=QFontMetrics(bold).height(),
            small_line=QFontMetrics(small).height(),
            pad=max(4, round(line * 0.5)),
            gap=max(2, round(line * 0.2)),
            margin=max(3, round(line * 0.35)),
            stripe=max(3, round(line * 0.25)),
            radius=line * 0.4,
        )

    @property
    def chip_height(self) -> int:
        return self.small_line + 2 * max(1, round(self.small_line * 0.1))

    def card_height(self) -> int:
        rows = max(self.bold_line, self.chip_height) + self.line + 4 * self.small_line
        return rows + 5 * self.gap + 2 * self.pad + self.margin

    @property
    def lane_height(self) -> int:
        """The swimlane label painted above a group's first card."""
        return self.small_line + 3 * self.gap + self.margin


class CaseCardDelegate(QStyledItemDelegate):
    """Paints a CaseCard (from `CardRole`): severity chip and stripe, customer, reference, title, ARR band, pace,
    age and time at level, the next due SLA clock (`ClockTextRole`, coloured by `ClockStateRole`), status,
    checklist progress, open involvements and the customer's health trend. Every card has the same size, so
    views can use uniform item sizes; with swimlanes a group's first card is taller by the lane label above it
    (`GroupRole`), painted here too, so grouping needs no other widget."""

    def __init__(self, policy: Policy, now: Callable[[], datetime], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._policy = policy
        self._now = now
        self._metrics: dict[str, CardMetrics] = {}
        # A board shows a few hundred cards at most; each is about 0.2 MB at 1x (0.8 MB at 2x).
        QPixmapCache.setCacheLimit(max(QPixmapCache.cacheLimit(), CARD_CACHE_KB))

    def metrics(self, font: QFont) -> CardMetrics:
        key = font.key()
        if key not in self._metrics:
            self._metrics[key] = CardMetrics.for_font(font)
        return self._metrics[key]

    def sizeHint(self, option: QStyleOptionViewItem, index: Index) -> QSize:
        m = self.metrics(option.font)
        width = QFontMetrics(option.font).averageCharWidth() * MIN_CARD_CHARS
        lane = m.lane_height if index.data(GroupRole) else 0
        return QSize(width, m.card_height() + lane)

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: Index) -> None:
        """Draw the card from the pixmap cache, painting it first when it is not there: a keystroke in the search
        box or a scroll re-shows cards already painted, and drawing a pixmap costs a fraction of the text."""
        card = index.data(CardRole)
        if not isinstance(card, CaseCard):
            super().paint(painter, option, index)
            return
        rect: QRect = option.rect
        device = painter.device()
        ratio = device.devicePixelRatioF() if device is not None else 1.0
        key = self._cache_key(card, option, index, ratio)
        cached = QPixmap()
        if not QPixmapCache.find(key, cached):
            cached = QPixmap(math.ceil(rect.width() * ratio), math.ceil(rect.height() * ratio))
            cached.setDevicePixelRatio(ratio)
            cached.fill(Qt.GlobalColor.transparent)
            card_painter = QPainter(cached)
            self.paint_card(card_painter, QRect(0, 0, rect.width(), rect.height()), option, index, card)
            card_painter.end()
            QPixmapCache.insert(key, cached)
        painter.drawPixmap(rect.topLeft(), cached)

    def _cache_key(self, card: CaseCard, option: QStyleOptionViewItem, index: Index, ratio: float) -> str:
        """Everything the picture depends on: the card's data (hash of the frozen DTO), its size, selection and
        hover, the clock line, the minute (ages and times at level), the lane label, palette and font."""
        flags = option.state
        selected = bool(flags & QStyle.StateFlag.State_Selected)
        state = 2 * selected + bool(flags & QStyle.StateFlag.State_MouseOver)
        minute = int(self._now().timestamp() // 60)
        clock = f"{index.data(ClockTextRole)}|{index.data(ClockStateRole)}"
        size = f"{option.rect.width()}x{option.rect.height()}@{ratio}"
        looks = f"{option.palette.cacheKey()}:{option.font.key()}"
        return f"escdesk-card:{card.id}:{hash(card)}:{size}:{state}:{minute}:{clock}:{index.data(GroupRole)}:{looks}"

    def paint_card(
        self, painter: QPainter, rect: QRect, option: QStyleOptionViewItem, index: Index, card: CaseCard
    ) -> None:
        """Paint the card (and its lane label) into `rect`, uncached."""
        m = self.metrics(option.font)
        palette: QPalette = option.palette
        lane = index.data(GroupRole)
        if lane:
            self._paint_lane(painter, QRect(rect.left(), rect.top(), rect.width(), m.lane_height), palette, lane, m)
            rect = rect.adjusted(0, m.lane_height, 0, 0)
        half = m.margin // 2
        frame = rect.adjusted(m.margin, half, -m.margin, -(m.margin - half))
        painter.save()
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        self._paint_frame(painter, frame, option.state, palette, card, m)
        inner = frame.adjusted(m.pad + m.stripe, m.pad, -m.pad, -m.pad)
        clock = (str(index.data(ClockTextRole) or ""), index.data(ClockStateRole))
        _CardPainter(painter, inner, palette, m).paint(card, self._policy, self._now(), clock)
        painter.restore()

    def _paint_lane(self, painter: QPainter, band: QRect, palette: QPalette, label: str, m: CardMetrics) -> None:
        """The swimlane label and a hairline under it, in the column's own colours."""
        painter.save()
        ink = palette.color(QPalette.ColorRole.WindowText)
        area = band.adjusted(m.margin + m.gap, m.gap * 2, -m.margin, -m.margin)
        painter.setFont(m.small_bold)
        painter.setPen(mix(ink, palette.color(QPalette.ColorRole.Window), 0.25))
        elided = QFontMetrics(m.small_bold).elidedText(label, Qt.TextElideMode.ElideRight, area.width())
        painter.drawText(area, Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter, elided)
        painter.setPen(QPen(mix(ink, palette.color(QPalette.ColorRole.Window), 0.75), 1.0))
        y = band.bottom() - m.margin // 2 + 0.5
        painter.drawLine(QPointF(area.left(), y), QPointF(area.right(), y))
        painter.restore()

    def _paint_frame(
        self,
        painter: QPainter,
        frame: QRect,
        state: QStyle.StateFlag,
        palette: QPalette,
        card: CaseCard,
        m: CardMetrics,
    ) -> None:
        base = palette.color(QPalette.ColorRole.Base)
        highlight = palette.color(QPalette.ColorRole.Highlight)
        border = mix(base, palette.color(QPalette.ColorRole.Text), 0.18)
        selected = bool(state & QStyle.StateFlag.State_Selected)
        if selected:
            base, border = mix(base, highlight, 0.10), highlight
        elif state & QStyle.StateFlag.State_MouseOver:
            border = mix(border, highlight, 0.6)
        outline = QRectF(frame).adjusted(0.5, 0.5, -0.5, -0.5)
        painter.setPen(QPen(border, 2.0 if selected else 1.0))
        painter.setBrush(base)
        painter.drawRoundedRect(outline, m.radius, m.radius)
        stripe = QRectF(outline.left(), outline.top(), m.stripe + m.radius, outline.height())
        painter.save()
        painter.setClipRect(QRectF(outline.left(), outline.top(), m.stripe, outline.height()))
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(SEVERITY_COLOURS[card.severity][0])
        painter.drawRoundedRect(stripe, m.radius, m.radius)
        painter.restore()


class _CardPainter:
    """The rows of one card inside its padded rectangle, top to bottom:

    [S1] customer
    title
    ESC-1042 · $1.2M · Strategic ..... ⚡ Fast
    Open 3 d · 5 h at L2 ... ▬▬▭ 4/14
    Ack overdue 1 h 10 m
    Not acknowledged ...... 2 involved
    """

    def __init__(self, painter: QPainter, inner: QRect, palette: QPalette, m: CardMetrics) -> None:
        self.p = painter
        self.inner = inner
        self.palette = palette
        self.m = m
        self.text = palette.color(QPalette.ColorRole.Text)
        self.dim = mix(self.text, palette.color(QPalette.ColorRole.Base), 0.42)

    def paint(self, card: CaseCard, policy: Policy, now: datetime, clock: tuple[str, object]) -> None:
        y = self._header(card, self.inner.top())
        y = self._title(card.title, y)
        account = (f"{card.reference} · {text.band_line(card, policy)}", text.short_account_line(card))
        y = self._pair(y, account, self.dim, text.pace_label(card.pace), self._pace(card))
        progress_width = self._progress_width(card)
        self._left_text(y, text.age_line(card, now), self.dim, self.inner.width() - progress_width)
        self._progress(card, y, progress_width)
        y += self.m.small_line + self.m.gap
        y = self._clock(y, *clock)
        status = text.card_status(card)
        self._pair(y, status, self._status(status), text.involved_text(card.involvements_open), self.dim)

    def _clock(self, y: int, line: str, state: object) -> int:
        colour = CLOCK_COLOURS.get(state) if isinstance(state, text.ClockState) else None
        font = self.m.small_bold if state is text.ClockState.OVERDUE else self.m.small
        ink = self.dim if colour is None else readable(colour, self.palette)
        self._text(QRect(self.inner.left(), y, self.inner.width(), self.m.small_line), font, line, ink)
        return y + self.m.small_line + self.m.gap

    def _pace(self, card: CaseCard) -> QColor:
        return readable(PACE_COLOURS[card.pace], self.palette)

    def _status(self, status: str) -> QColor:
        colour = STATUS_COLOURS.get(status)
        return self.dim if colour is None else readable(colour, self.palette)

    def _header(self, card: CaseCard, y: int) -> int:
        """Severity chip, customer name, and at the right the customer's health and its trend."""
        m = self.m
        height = max(m.bold_line, m.chip_height)
        fill, ink = SEVERITY_COLOURS[card.severity]
        chip = self._chip(QRect(self.inner.left(), y, 0, height), card.severity.value, fill, ink)
        health = health_text(card)
        health_width = min(advance(m.small, health), self.inner.width() // 3) if health else 0
        if health:
            trend = HEALTH_COLOURS.get(health_trend(card))
            colour = self.dim if trend is None else readable(trend, self.palette)
            left = self.inner.right() + 1 - health_width
            self._text(QRect(left, y, health_width, height), m.small, health, colour)
        name_left = chip.right() + 1 + m.gap * 3
        name_rect = QRect(name_left, y, self.inner.right() + 1 - name_left - health_width - m.gap * 2, height)
        self._text(name_rect, m.bold, card.customer_name, self.text)
        return y + height + m.gap

    def _chip(self, row: QRect, label: str, fill: QColor, ink: QColor) -> QRect:
        m = self.m
        width = advance(m.small, label) + m.small_line * 0.8
        chip = QRect(row.left(), row.top() + (row.height() - m.chip_height) // 2, round(width), m.chip_height)
        self.p.setPen(Qt.PenStyle.NoPen)
        self.p.setBrush(fill)
        self.p.drawRoundedRect(QRectF(chip), chip.height() / 2.5, chip.height() / 2.5)
        self.p.setFont(m.small)
        self.p.setPen(ink)
        self.p.drawText(chip, Qt.AlignmentFlag.AlignCenter, label)
        return chip

    def _title(self, title: str, y: int) -> int:
        self._text(QRect(self.inner.left(), y, self.inner.width(), self.m.line), self.m.regular, title, self.text)
        return y + self.m.line + self.m.gap

    def _left_text(self, y: int, label: str | tuple[str, ...], colour: QColor, room: int) -> int:
        """Left-aligned text in `room`: the first of the alternatives (longest first) that fits, else the last one
        elided."""
        room -= self.m.gap * 2
        choices = (label,) if isinstance(label, str) else label
        chosen = next((c for c in choices if advance(self.m.small, c) <= room), choices[-1])
        width = min(advance(self.m.small, chosen), room)
        self._text(QRect(self.inner.left(), y, width, self.m.small_line), self.m.small, chosen, colour)
        return width

    def _pair(self, y: int, left: str | tuple[str, ...], left_colour: QColor, right: str, right_colour: QColor) -> int:
        """A row with text on the left and right-aligned text on the right; when both do not fit, the left one is
        shortened first (the right one keeps up to 60% of the row)."""
        m = self.m
        row = QRect(self.inner.left(), y, self.inner.width(), m.small_line)
        right_width = min(advance(m.small, right), row.width() * 3 // 5)
        self._text(QRect(row.right() - right_width + 1, y, right_width, row.height()), m.small, right, right_colour)
        self._left_text(y, left, left_colour, row.width() - right_width)
        return y + m.small_line + m.gap

    def _progress_width(self, card: CaseCard) -> int:
        steps = f"{card.checklist_done}/{card.checklist_total}"
        return self.m.line * 2 + self.m.gap * 2 + advance(self.m.small, steps)

    def _progress(self, card: CaseCard, y: int, width: int) -> None:
        """Checklist progress, right-aligned: a small bar and 'done/total'."""
        m = self.m
        steps = f"{card.checklist_done}/{card.checklist_total}"
        left = self.inner.right() + 1 - width
        bar = QRectF(left, y + m.small_line / 2 - m.gap * 0.75, m.line * 2, m.gap * 1.5)
        self.p.setPen(Qt.PenStyle.NoPen)
        self.p.setBrush(mix(self.palette.color(QPalette.ColorRole.Base), self.text, 0.14))
        self.p.drawRoundedRect(bar, bar.height() / 2, bar.height() / 2)
        share = card.checklist_done / card.checklist_total if card.checklist_total else 0.0
        if share > 0:
            done = QRectF(bar.left(), bar.top(), max(bar.height(), bar.width() * share), bar.height())
            self.p.setBrush(readable(QColor("#2e7d32"), self.palette))
            self.p.drawRoundedRect(done, bar.height() / 2, bar.height() / 2)
        label_left = round(bar.right()) + m.gap * 2
        self._text(QRect(label_left, y, self.inner.right() + 1 - label_left, m.small_line), m.small, steps, self.dim)

    def _text(self, rect: QRect, font: QFont, label: str, colour: QColor) -> None:
        if rect.width() <= 0:
            return
        elided = QFontMetrics(font).elidedText(label, Qt.TextElideMode.ElideRight, rect.width())
        self.p.setFont(font)
        self.p.setPen(colour)
        self.p.drawText(
            rect, Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter | Qt.TextFlag.TextSingleLine, elided
        )
