"""The top of the case workspace: who and what the case is (header), and the customer box with the health sparkline."""

from __future__ import annotations

import html
from datetime import date, datetime

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QFormLayout, QFrame, QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from escdesk.customer_search import CustomerProfile
from escdesk.domain import CaseCard
from escdesk.money import short_amount
from escdesk.policy import Policy
from ui import text
from ui.sparkline import HealthSparkline, trend_text
from ui.workspace_data import local_time


def renewal_text(renewal: date | None, today: date) -> str:
    if renewal is None:
        return "Not recorded"
    days = (renewal - today).days
    when = f"{renewal.day} {renewal:%b %Y}"
    if days < 0:
        return f"{when} (passed {-days} d ago)"
    return f"{when} (in {days} d)"


class WorkspaceHeader(QWidget):
    """ESC-number and title; customer, level, severity, status, owner and pace on one line below."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("workspaceHeader")
        self.title = QLabel(self)
        self.title.setObjectName("workspaceTitle")
        self.title.setWordWrap(True)
        self.facts = QLabel(self)
        self.facts.setObjectName("workspaceFacts")
        self.facts.setWordWrap(True)
        self.monitoring = QLabel(self)
        self.monitoring.setWordWrap(True)
        self.monitoring.hide()
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        for label in (self.title, self.facts, self.monitoring):
            layout.addWidget(label)

    def show_card(self, card: CaseCard, policy: Policy, monitoring_until: datetime | None, zone: str) -> None:
        self.title.setText(f"<span style='font-size:large'><b>{card.reference}</b> {html.escape(card.title)}</span>")
        parts = [
            f"<b>{html.escape(card.customer_name)}</b>",
            f"{card.level.code} {html.escape(policy.level_name(card.level))}",
            f"<b>{card.severity.value}</b>",
            text.card_status(card),
            f"Owner: {html.escape(card.owner_name)}" if card.owner_name else "No owner yet",
            text.pace_label(card.pace),
            text.case_type_text(card.case_type),
        ]
        self.facts.setText(" · ".join(parts))
        self.setAccessibleName(f"{card.reference} {card.title}")
        if monitoring_until is not None:
            self.monitoring.setText(
                f"Closed with the customer's sign-off. Monitoring until {local_time(monitoring_until, zone)}: "
                "the follow-up step falls due then."
            )
        self.monitoring.setVisible(monitoring_until is not None)


def calendar_text(calendar: str, customer_calendar: str | None) -> str:
    """'24/7 (the customer's)', 'Business hours EMEA (by the rules)', or the fallback when the name is unknown."""
    if customer_calendar is None:
        return f"{calendar} (by the rules)"
    if customer_calendar == calendar:
        return f"{calendar} (the customer's)"
    return f"{calendar} (by the rules: the customer names '{customer_calendar}', which the policy lacks)"


class CustomerBox(QFrame):
    """ARR, band, renewal, CSM, the calendar its cases run on, and the health history as a sparkline.

    Signals:
        calendar_change_requested(): the person wants to choose the customer's calendar.
    """

    calendar_change_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("customerBox")
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.arr = QLabel(self)
        self.renewal = QLabel(self)
        self.csm = QLabel(self)
        self.calendar = QLabel(self)
        self.calendar.setWordWrap(True)
        self.change_calendar = QPushButton("Calendar…", self)
        self.change_calendar.setToolTip("The business calendar all this customer's cases run on (e.g. 24/7 support)")
        self.change_calendar.clicked.connect(self.calendar_change_requested)
        self.sparkline = HealthSparkline(self)
        self.trend = QLabel(self)
        self.trend.setWordWrap(True)
        facts = QFormLayout()
        facts.addRow("ARR", self.arr)
        facts.addRow("Renewal", self.renewal)
        facts.addRow("CSM", self.csm)
        facts.addRow("Calendar", self.calendar)
        facts.addRow("", self.change_calendar)
        health = QVBoxLayout()
        health.addWidget(self.sparkline)
        health.addWidget(self.trend)
        layout = QHBoxLayout(self)
        layout.addLayout(facts, 2)
        layout.addLayout(health, 3)
        self.setAccessibleName("Customer")

    def show_calendar(self, calendar: str, customer_calendar: str | None) -> None:
        self.calendar.setText(calendar_text(calendar, customer_calendar))

    def show_profile(self, profile: CustomerProfile, policy: Policy, today: date) -> None:
        self.arr.setText(f"{short_amount(profile.arr)} · {policy.band_name(profile.band)}")
        self.renewal.setText(renewal_text(profile.renewal_date, today))
        self.csm.setText(profile.csm or "No CSM assigned")
        self.sparkline.set_points(profile.health)
        days = "" if not profile.health else f" (last {(today - profile.health[0].on).days} days)"
        self.trend.setText(trend_text(profile.health) + days)
