"""The board's models and delegate, headless: qtmodeltester, roles, ordering, painting in light and dark."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta
from decimal import Decimal

import pytest
from gui_builders import AS_OF
from PySide6.QtCore import QModelIndex, QRect, QSize, Qt
from PySide6.QtGui import QColor, QImage, QPainter, QPalette
from PySide6.QtWidgets import QApplication, QStyleOptionViewItem
from pytestqt.modeltest import ModelTester

from escdesk.domain import ArrBand, CaseCard, CaseStatus, CaseType, Level, Pace, Severity
from escdesk.policy import default_policy
from ui.board_model import CASE_ID_MIME, CardRole, CaseIdRole, LevelColumnModel, board_order, split_by_level
from ui.card_delegate import CaseCardDelegate


def card(number: int, **changes: object) -> CaseCard:
    base = CaseCard(
        id=f"01CASE{number:020d}",
        number=number,
        title=f"Case number {number} with a title long enough to be elided on a narrow card",
        customer_id=f"01CUST{number:020d}",
        customer_name=f"Customer {number} Holdings",
        band=ArrBand.ENTERPRISE,
        arr=Decimal("420000"),
        severity=Severity.S2,
        pace=Pace.FAST,
        case_type=CaseType.PRODUCT_BUG,
        level=Level.L1,
        status=CaseStatus.OPEN,
        owner_name=None,
        opened_at=AS_OF - timedelta(hours=number),
        level_entered_at=AS_OF - timedelta(hours=1),
        acknowledged_at=None,
        arr_at_risk=Decimal("420000"),
        checklist_done=4,
        checklist_total=14,
        involvements_open=2,
        version=1,
    )
    return replace(base, **changes)  # type: ignore[arg-type]


@pytest.fixture
def model(qapp: QApplication) -> LevelColumnModel:
    return LevelColumnModel(Level.L1, default_policy(), lambda: AS_OF)


def test_column_model_passes_qtmodeltester(qtmodeltester: ModelTester, model: LevelColumnModel) -> None:
    model.set_cards([card(n) for n in range(1, 6)])
    qtmodeltester.check(model, force_py=True)
    model.set_cards([])
    qtmodeltester.check(model, force_py=True)


def test_roles_give_the_card_and_its_id(model: LevelColumnModel) -> None:
    cards = [card(1), card(2)]
    model.set_cards(cards)
    index = model.index(1, 0)
    assert index.data(CardRole) is cards[1]
    assert index.data(CaseIdRole) == cards[1].id
    assert "ESC-2" in index.data(Qt.ItemDataRole.DisplayRole)
    assert "Checklist: 4 of 14 steps" in index.data(Qt.ItemDataRole.ToolTipRole)
    assert model.data(model.index(5, 0), CardRole) is None
    assert model.rowCount(index) == 0  # a list: no children


def test_summary_totals_arr_at_risk(model: LevelColumnModel) -> None:
    model.set_cards([card(1, arr_at_risk=Decimal("1500000")), card(2, arr_at_risk=Decimal("250000"))])
    assert model.at_risk == Decimal("1750000")
    assert model.row_of(card(2).id) == 1
    assert model.row_of("missing") is None


def test_mime_data_carries_case_ids(model: LevelColumnModel) -> None:
    model.set_cards([card(1), card(2)])
    mime = model.mimeData([model.index(0, 0), model.index(1, 0)])
    assert bytes(mime.data(CASE_ID_MIME).data()).decode().split("\n") == [card(1).id, card(2).id]
    assert model.flags(model.index(0, 0)) & Qt.ItemFlag.ItemIsDragEnabled
    assert model.flags(QModelIndex()) == Qt.ItemFlag.ItemIsDropEnabled  # cards are dropped on the column itself


def test_board_order_is_severity_then_oldest() -> None:
    s1_new = card(1, severity=Severity.S1)
    s1_old = card(9, severity=Severity.S1)
    s4 = card(20, severity=Severity.S4)
    assert board_order([s4, s1_new, s1_old]) == [s1_old, s1_new, s4]
    resolved = card(30, severity=Severity.S1, status=CaseStatus.RESOLVED)
    assert board_order([resolved, s4]) == [s4, resolved]
    columns = split_by_level([card(1, level=Level.L5), card(2)])
    assert [c.number for c in columns[Level.L5]] == [1]
    assert [c.number for c in columns[Level.L1]] == [2]
    assert columns[Level.L0] == []


def _paint_card(delegate: CaseCardDelegate, model: LevelColumnModel, palette: QPalette) -> QImage:
    option = QStyleOptionViewItem()
    option.palette = palette
    size = delegate.sizeHint(option, model.index(0, 0))
    option.rect = QRect(0, 0, max(size.width(), 280), size.height())
    image = QImage(option.rect.size(), QImage.Format.Format_ARGB32)
    image.fill(palette.color(QPalette.ColorRole.Window))
    painter = QPainter(image)
    delegate.paint(painter, option, model.index(0, 0))
    painter.end()
    return image


@pytest.mark.parametrize("dark", [False, True])
def test_delegate_paints_a_card_in_light_and_dark(model: LevelColumnModel, dark: bool) -> None:
    model.set_cards([card(1, severity=Severity.S1, status=CaseStatus.WAITING_ON_CUSTOMER, pace=Pace.SLOW_BURN)])
    delegate = CaseCardDelegate(default_policy(), lambda: AS_OF, None)
    palette = QPalette()
    if dark:
        for role, colour in ((QPalette.ColorRole.Base, "#202124"), (QPalette.ColorRole.Text, "#e8eaed")):
            palette.setColor(role, QColor(colour))
        palette.setColor(QPalette.ColorRole.Window, QColor("#303134"))
    image = _paint_card(delegate, model, palette)
    centre = image.pixelColor(image.width() // 2, image.height() - image.height() // 8)
    base = palette.color(QPalette.ColorRole.Base)
    assert abs(centre.lightness() - base.lightness()) < 40  # the card is drawn in the palette's base colour
    delegate.deleteLater()


def test_every_card_has_the_same_size(model: LevelColumnModel) -> None:
    model.set_cards([card(1), card(2, title="short", customer_name="X")])
    delegate = CaseCardDelegate(default_policy(), lambda: AS_OF, None)
    option = QStyleOptionViewItem()
    sizes = {delegate.sizeHint(option, model.index(row, 0)).toTuple() for row in range(2)}
    assert len(sizes) == 1
    ((width, height),) = sizes
    assert QSize(width, height).isValid() and height > option.fontMetrics.height() * 4
    delegate.deleteLater()
