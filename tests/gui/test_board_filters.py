"""Finding cases on the board: search as you type, filters, "mine", saved views kept between runs, swimlanes and
attention (WIP) limits; the models stay valid (qtmodeltester) in every combination."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from gui_builders import AS_OF, SAMPLE, build_database
from PySide6.QtCore import QRect
from PySide6.QtGui import QColor, QImage, QPainter, QPalette
from PySide6.QtWidgets import QApplication, QStyleOptionViewItem
from pytestqt.modeltest import ModelTester
from pytestqt.qtbot import QtBot
from test_board_model import card

from escdesk.clock import FrozenClock
from escdesk.clock_service import CaseClockView, ClockService
from escdesk.connect import open_database
from escdesk.domain import ArrBand, CaseCard, CaseType, Level, Pace, Severity
from escdesk.policy import default_policy
from escdesk.store.engine import resolve_target
from ui.board import BoardWidget
from ui.board_groups import Grouping
from ui.board_model import GroupRole, LevelColumnModel
from ui.board_prefs import BoardPreferences
from ui.card_delegate import health_text, health_trend
from ui.filters import CardFilter, FilterBar

ME = "Dana Reyes"


def overdue_clocks(tmp_path: Path) -> tuple[list[CaseCard], dict[str, CaseClockView]]:
    """A real database's cards and their clocks an hour after AS_OF: SAMPLE[0]'s acknowledgement is overdue."""
    db = tmp_path / "clocks.sqlite"
    cards = build_database(db, SAMPLE)
    store = open_database(resolve_target(db)).store
    try:
        clocks = ClockService(store, FrozenClock(AS_OF + timedelta(hours=1)), default_policy()).open_clocks()
    finally:
        store.close()
    return cards, clocks


def _cards() -> list[CaseCard]:
    return [
        card(1, customer_name="Northwind Traders", title="Dashboards time out", owner_name=ME),
        card(2, customer_name="Contoso", title="Sponsor left", band=ArrBand.STRATEGIC, pace=Pace.SLOW_BURN),
        card(3, customer_name="Fabrikam", title="Duplicate seats", case_type=CaseType.BILLING, severity=Severity.S4),
        card(4, customer_name="Blue Yonder", title="SSO reset", owner_name="Sam Lee", severity=Severity.S1),
    ]


def test_text_search_matches_customer_title_and_esc_number() -> None:
    northwind, contoso, *_ = _cards()
    assert CardFilter(text="north").matches(northwind, False, ME)
    assert CardFilter(text="dashboards TIME").matches(northwind, False, ME)
    assert CardFilter(text="ESC-2").matches(contoso, False, ME)
    assert CardFilter(text=contoso.id[-8:]).matches(contoso, False, ME)
    assert not CardFilter(text="north").matches(contoso, False, ME)
    assert not CardFilter(text="north sponsor").matches(contoso, False, ME)


def test_filters_combine() -> None:
    northwind, contoso, fabrikam, blue = _cards()
    assert CardFilter(owner="Sam Lee").matches(blue, False, ME)
    assert not CardFilter(owner="Sam Lee").matches(northwind, False, ME)
    assert CardFilter(band="STRAT").matches(contoso, False, ME)
    assert not CardFilter(band="STRAT").matches(blue, False, ME)
    assert CardFilter(case_type="billing").matches(fabrikam, False, ME)
    assert CardFilter(severity="S1").matches(blue, False, ME)
    assert not CardFilter(severity="S1").matches(contoso, False, ME)
    assert CardFilter(mine=True).matches(northwind, False, ME.upper())
    assert not CardFilter(mine=True).matches(blue, False, ME)
    assert CardFilter(overdue_only=True).matches(blue, True, ME)
    assert not CardFilter(overdue_only=True, severity="S1").matches(blue, False, ME)
    assert CardFilter().is_empty and not CardFilter(mine=True).is_empty


def test_filter_json_round_trip_drops_what_it_cannot_read() -> None:
    chosen = CardFilter(text="sso", severity="S1", overdue_only=True)
    assert CardFilter.from_json(chosen.to_json()) == chosen
    assert CardFilter.from_json('{"text": 3, "mine": "yes", "unknown": 1, "band": "ENT"}') == CardFilter(band="ENT")
    assert CardFilter.from_json("not json") is None
    assert CardFilter.from_json("[1]") is None


@pytest.fixture
def model(qapp: QApplication) -> LevelColumnModel:
    return LevelColumnModel(Level.L1, default_policy(), lambda: AS_OF)


def test_model_filters_groups_and_passes_qtmodeltester(qtmodeltester: ModelTester, model: LevelColumnModel) -> None:
    model.set_cards(_cards())
    qtmodeltester.check(model, force_py=True)  # stays connected: every reset below is checked as it happens
    model.set_view(CardFilter(text="o"), ME, Grouping.PACE)
    assert model.total == 4 and model.rowCount() == 3  # Fabrikam has no "o"
    labels = [model.index(row, 0).data(GroupRole) for row in range(model.rowCount())]
    assert labels == ["⚡ Fast · 2", None, "◔ Slow-burn · 1"]
    model.set_view(CardFilter(), ME, Grouping.OWNER)
    owners = [label for row in range(4) if (label := model.index(row, 0).data(GroupRole))]
    assert owners == ["Dana Reyes · 1", "Sam Lee · 1", "No owner yet · 2"]
    model.set_view(CardFilter(text="nothing like it"), ME, Grouping.SEVERITY)
    model.put_card(replace(_cards()[0], title="Changed"))
    assert model.rowCount() == 0 and model.at_risk == Decimal(0)


def test_overdue_only_follows_the_clocks(qapp: QApplication, tmp_path: Path) -> None:
    cards, clocks = overdue_clocks(tmp_path)
    outage = cards[0]
    model = LevelColumnModel(outage.level, default_policy(), lambda: AS_OF + timedelta(hours=1))
    model.set_cards([c for c in cards if c.level == outage.level], clocks)
    model.set_view(CardFilter(overdue_only=True), ME, Grouping.NONE)
    assert [c.id for c in model.cards()] == [outage.id]
    model.set_clocks({})
    assert model.rowCount() == 0


def test_lane_label_makes_the_first_card_taller(model: LevelColumnModel) -> None:
    board = BoardWidget(default_policy(), lambda: AS_OF)
    model.set_cards(_cards())
    model.set_view(CardFilter(), ME, Grouping.SEVERITY)
    option = QStyleOptionViewItem()
    option.font = board.font()
    first = board.delegate.sizeHint(option, model.index(0, 0)).height()
    second = board.delegate.sizeHint(option, model.index(2, 0)).height()  # S1, S2 (first), S2, S4
    assert model.index(0, 0).data(GroupRole) == "S1 · 1"
    assert first > second
    image = QImage(320, first, QImage.Format.Format_ARGB32)
    image.fill(QColor("#ffffff"))
    option.rect = QRect(0, 0, 320, first)
    option.palette = QPalette()
    painter = QPainter(image)
    board.delegate.paint(painter, option, model.index(0, 0))
    painter.end()
    band = {image.pixelColor(x, y).rgb() for x in range(320) for y in range(first - second)}
    assert len(band) > 1  # the lane label was painted above the card
    board.deleteLater()


def test_health_trend_text() -> None:
    assert health_text(card(1)) == ""
    assert health_text(card(1, health_score=62, health_change=-14)) == "♥ 62 ↓14"
    assert health_text(card(1, health_score=80, health_change=0)) == "♥ 80 →"
    assert health_text(card(1, health_score=80)) == "♥ 80"
    assert health_trend(card(1, health_score=62, health_change=-14)) == "falling"
    assert health_trend(card(1, health_score=62, health_change=-3)) == "steady"
    assert health_trend(card(1, health_score=70, health_change=6)) == "rising"


def test_filter_bar_filters_the_board_as_you_type(qtbot: QtBot) -> None:
    board = BoardWidget(default_policy(), lambda: AS_OF)
    qtbot.addWidget(board)
    cards = [replace(c, level=Level.L1 if c.number % 2 else Level.L3) for c in _cards()]
    board.set_cards(cards)
    bar = FilterBar(BoardPreferences())
    qtbot.addWidget(bar)
    bar.filter_changed.connect(lambda: board.set_view(bar.current_filter(), ME, Grouping.NONE))
    qtbot.keyClicks(bar.search, "north")
    assert [c.customer_name for m in board.models.values() for c in m.cards()] == ["Northwind Traders"]
    assert board.columns[Level.L1].summary.startswith("1 of 2 cases · $")
    assert board.columns[Level.L3].summary == "0 of 2 cases"
    assert len(board.cards()) == 4  # filtered out, still on the board
    bar.clear()
    bar.mine.setChecked(True)
    assert [c.owner_name for m in board.models.values() for c in m.cards()] == [ME]
    bar.set_owners(["Dana Reyes", "Sam Lee"])
    bar.mine.setChecked(False)
    bar.owner.setCurrentIndex(bar.owner.findData("Sam Lee"))
    assert [c.customer_name for m in board.models.values() for c in m.cards()] == ["Blue Yonder"]


def test_saved_views_apply_delete_and_persist(qtbot: QtBot, tmp_path: Path) -> None:
    path = tmp_path / "board.ini"
    bar = FilterBar(BoardPreferences(path))
    qtbot.addWidget(bar)
    bar.search.setText("sso")
    bar.severity.setCurrentIndex(bar.severity.findData("S1"))
    bar.overdue.setChecked(True)
    bar.save_view("S1 overdue / EU")
    bar.clear()
    assert bar.current_filter().is_empty
    again = FilterBar(BoardPreferences(path))  # a later run reads the view back
    qtbot.addWidget(again)
    assert again.views.findData("S1 overdue - EU") > 0
    with qtbot.waitSignal(again.filter_changed):
        assert again.apply_view("S1 overdue - EU")
    assert again.current_filter() == CardFilter(text="sso", severity="S1", overdue_only=True)
    assert again.delete_button.isEnabled()
    again.delete_view("S1 overdue - EU")
    assert BoardPreferences(path).saved_views() == {}
    assert not again.apply_view("S1 overdue - EU")


def test_preferences_keep_grouping_limits_and_name(tmp_path: Path) -> None:
    path = tmp_path / "board.ini"
    prefs = BoardPreferences(path)
    assert prefs.grouping is Grouping.NONE and prefs.wip_limit(Level.L2) is None
    prefs.grouping = Grouping.OWNER
    prefs.set_wip_limit(Level.L2, 5)
    prefs.my_name = "D. Reyes"
    later = BoardPreferences(path)
    assert later.grouping is Grouping.OWNER and later.wip_limit(Level.L2) == 5 and later.my_name == "D. Reyes"
    later.set_wip_limit(Level.L2, None)
    assert BoardPreferences(path).wip_limit(Level.L2) is None


def test_attention_limit_turns_the_header_amber_then_red(qtbot: QtBot) -> None:
    board = BoardWidget(default_policy(), lambda: AS_OF)
    qtbot.addWidget(board)
    board.set_cards([replace(c, level=Level.L2) for c in _cards()])
    column = board.columns[Level.L2]
    board.set_wip_limits({Level.L2: 5})
    assert column.summary.startswith("4 / 5 cases · $") and column.attention == ""
    assert column.summary_label.styleSheet() == ""
    board.set_wip_limits({Level.L2: 4})
    assert column.attention == "full" and column.summary.startswith("4 / 4")
    board.set_wip_limits({Level.L2: 3})
    assert column.attention == "over" and column.summary.startswith("4 / 3")
    assert "bold" in column.summary_label.styleSheet()
    board.set_view(CardFilter(text="north"), ME, Grouping.NONE)
    assert column.attention == "over"  # the limit counts every case at the level, not only those shown
    board.set_wip_limits({})
    assert column.attention == "" and column.summary.startswith("1 of 4 cases · $")
