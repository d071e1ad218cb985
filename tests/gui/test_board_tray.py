"""Tray notices for breaches (issue 4 item 6): each breach is notified once, non-urgent ones wait for business
hours (escdesk.notices decides), and without a system tray nothing is shown and nothing fails."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from gui_builders import AS_OF
from PySide6.QtWidgets import QApplication, QSystemTrayIcon
from test_board_filters import overdue_clocks

from escdesk.policy import default_policy
from ui.tray import BreachNotifier


def test_each_breach_is_notified_once(qapp: QApplication, tmp_path: Path) -> None:
    cards, clocks = overdue_clocks(tmp_path)
    shown: list[tuple[str, str]] = []
    notifier = BreachNotifier(show=lambda title, message: shown.append((title, message)))
    calendars = default_policy().clocks.calendars
    references = {card.id: card.reference for card in cards}
    now = AS_OF + timedelta(hours=1)
    fresh = notifier.check(clocks.values(), calendars, now, references)
    assert any(key[0] == cards[0].id for key in fresh)  # SAMPLE[0]: its acknowledgement is late
    assert f"{cards[0].reference}: Ack overdue" in [title for title, _message in shown]
    assert all(message.startswith("Overdue by ") for _title, message in shown)
    assert notifier.check(clocks.values(), calendars, now + timedelta(minutes=1), references) == []
    assert len(shown) == len(fresh)  # no repeat for the same breach a minute later
    notifier.forget()  # another database: its breaches are news again
    assert notifier.check(clocks.values(), calendars, now, references) == fresh


def test_no_tray_means_silence(qapp: QApplication, tmp_path: Path) -> None:
    _cards, clocks = overdue_clocks(tmp_path)
    assert not QSystemTrayIcon.isSystemTrayAvailable()  # offscreen
    notifier = BreachNotifier()
    fresh = notifier.check(clocks.values(), default_policy().clocks.calendars, AS_OF + timedelta(hours=1), {})
    assert fresh  # found, remembered, and nothing raised
