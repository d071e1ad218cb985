"""The case workspace's Brief tab: what the executive brief and the full case report say, edited in the app.

Loading and saving run on the database worker through escdesk.brief_editing, with the case version the tab was
loaded at: a save after someone else changed the case is refused (StaleCase) and the edits stay on screen; a
refused draft names the field at fault and focuses it. While the person edits, a refresh of the workspace (their
own note, a colleague's move) does not wipe the form: when the brief itself is unchanged underneath, the tab only
takes the new version; when it changed, it says so and the next save is refused until they revert.
Times are entered in the display time zone, which the form names.
"""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from PySide6.QtCore import QDate, QDateTime, Qt, QTime, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDateTimeEdit,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from escdesk.brief_editing import BriefDraft, BriefInvalid, LoadedBrief, changed_fields, load_brief, save_brief
from escdesk.zones import user_zone
from ui.brief_tables import OptionsTable, PlanTable
from ui.controller import DeskController
from ui.tasks import describe_error
from ui.workspace import CaseWorkspace

ERROR_STYLE = "color: #b71c1c; font-weight: bold;"


class OptionalDateTime(QWidget):
    """A moment that may be unset: a check box and a date-and-time editor in the display zone."""

    def __init__(self, label: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.enabled = QCheckBox("Set", self)
        self.edit = QDateTimeEdit(self)
        self.edit.setCalendarPopup(True)
        self.edit.setDisplayFormat("ddd d MMM yyyy HH:mm")
        self.edit.setAccessibleName(label)
        self.enabled.setAccessibleName(f"{label} is set")
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.enabled)
        layout.addWidget(self.edit, 1)
        self.enabled.toggled.connect(self.edit.setEnabled)
        self.edit.setEnabled(False)

    def set_value(self, at: datetime | None, zone: ZoneInfo, fallback: datetime) -> None:
        local = (at or fallback).astimezone(zone)
        self.edit.setDateTime(QDateTime(QDate(local.year, local.month, local.day), QTime(local.hour, local.minute)))
        self.enabled.setChecked(at is not None)

    def value(self, zone: ZoneInfo) -> datetime | None:
        if not self.enabled.isChecked():
            return None
        moment = self.edit.dateTime()
        day, time = moment.date(), moment.time()
        return datetime(day.year(), day.month(), day.day(), time.hour(), time.minute(), tzinfo=zone)


def text_box(name: str, lines: int, parent: QWidget) -> QPlainTextEdit:
    box = QPlainTextEdit(parent)
    box.setAccessibleName(name)
    box.setTabChangesFocus(True)
    box.setFixedHeight(box.fontMetrics().lineSpacing() * lines + 14)
    return box


class BriefTab(QWidget):
    """The brief's fields as one form with Save and Revert.

    Signals:
        loaded(str): the brief of a case is shown; its id.
        saved(str): a save was written (the workspace and the board reload); the case id.
        save_refused(str): a save was refused (invalid, stale) or failed; the message shown.
        kept_edits(str): the case was read again while the form had unsaved edits, which stay; the case id.
    """

    loaded = Signal(str)
    kept_edits = Signal(str)
    saved = Signal(str)
    save_refused = Signal(str)

    def __init__(self, controller: DeskController, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("briefTab")
        self.controller = controller
        self.current: LoadedBrief | None = None
        self._stale = False
        self._request = 0
        self._build()
        self.setEnabled(False)

    # -- construction ---------------------------------------------------------------------------------------------
    def _build(self) -> None:
        form_widget = QWidget(self)
        form = QFormLayout(form_widget)
        form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapLongRows)
        self.headline = QLineEdit(form_widget)
        self.situation = text_box("Situation", 6, form_widget)
        self.impact = text_box("Impact", 3, form_widget)
        self.customer_ask = text_box("The customer's ask", 3, form_widget)
        self.customer_contact = QLineEdit(form_widget)
        self.tried = text_box("What we tried", 3, form_widget)
        self.root_cause_known = QComboBox(form_widget)
        self.root_cause_known.addItems(["Suspected", "Known"])
        self.root_cause = text_box("Root cause", 3, form_widget)
        self.exec_ask_of = QLineEdit(form_widget)
        self.exec_ask = text_box("The ask of this executive", 3, form_widget)
        self.exec_ask_deadline = OptionalDateTime("Decide by", form_widget)
        self.options = OptionsTable(form_widget)
        self.cost_of_inaction = text_box("Cost of inaction", 3, form_widget)
        self.next_update_at = OptionalDateTime("Next update", form_widget)
        self.plan = PlanTable(form_widget)
        self.zone_note = QLabel(form_widget)
        self.zone_note.setWordWrap(True)
        for label, widget in self._rows():
            widget.setToolTip(label)
            form.addRow(label, widget)
        self.editors = dict(self._field_widgets())
        scroll = QScrollArea(self)
        scroll.setWidgetResizable(True)
        scroll.setWidget(form_widget)
        self.save_button = QPushButton("Save brief", self)
        self.revert_button = QPushButton("Revert", self)
        self.message = QLabel(self)
        self.message.setObjectName("briefMessage")
        self.message.setWordWrap(True)
        self.message.hide()
        buttons = QHBoxLayout()
        buttons.addWidget(self.save_button)
        buttons.addWidget(self.revert_button)
        buttons.addStretch(1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(buttons)
        layout.addWidget(self.message)
        layout.addWidget(scroll, 1)
        self.save_button.clicked.connect(lambda: self.save())
        self.revert_button.clicked.connect(lambda: self.revert())
        QShortcut(QKeySequence.StandardKey.Save, self, self.save, context=Qt.ShortcutContext.WidgetWithChildrenShortcut)

    def _rows(self) -> list[tuple[str, QWidget]]:
        self.headline.setPlaceholderText("The case title when left empty")
        self.customer_contact.setPlaceholderText("Name and role at the customer")
        return [
            ("", self.zone_note),
            ("Headline", self.headline),
            ("Situation", self.situation),
            ("Impact", self.impact),
            ("The customer's ask", self.customer_ask),
            ("Their contact", self.customer_contact),
            ("What we tried", self.tried),
            ("Root cause is", self.root_cause_known),
            ("Root cause", self.root_cause),
            ("Ask of", self.exec_ask_of),
            ("The ask of this executive", self.exec_ask),
            ("Decide by", self.exec_ask_deadline),
            ("Options", self.options),
            ("Cost of inaction", self.cost_of_inaction),
            ("Next update", self.next_update_at),
            ("Plan", self.plan),
        ]

    def _field_widgets(self) -> list[tuple[str, QWidget]]:
        """Draft field -> the widget that edits it (a refused field is focused)."""
        names = ("headline", "situation", "impact", "customer_ask", "customer_contact", "tried", "root_cause_known",
                 "root_cause", "exec_ask_of", "exec_ask", "exec_ask_deadline", "options", "cost_of_inaction",
                 "next_update_at", "plan")  # fmt: skip
        return [(name, getattr(self, name)) for name in names]

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(user_zone(self.controller.context.settings.display_timezone))

    # -- loading --------------------------------------------------------------------------------------------------
    def show_case(self, case_id: str) -> None:
        """Read the brief of the case on the worker; unsaved edits of the same case are kept (see the module)."""
        service = self.controller.service
        if service is None:
            return
        self._request += 1
        request = self._request
        policy = self.controller.context.policy
        self.controller.tasks.run_db(
            lambda: load_brief(service.store, case_id, policy),
            lambda loaded: self._loaded(request, loaded),
            lambda exc: self._show(describe_error(exc), error=True),
        )

    def clear(self) -> None:
        self._request += 1
        self.current = None
        self.setEnabled(False)

    def dirty(self) -> bool:
        return self.current is not None and bool(changed_fields(self.current.draft, self.draft()))

    def _loaded(self, request: int, loaded: LoadedBrief) -> None:
        if request != self._request:
            return
        current = self.current
        if current is not None and current.case_id == loaded.case_id and self.dirty():
            if changed_fields(current.draft, loaded.draft):
                self._stale = True
                self._show("Someone else changed this brief while you were editing it: Revert to see theirs "
                           "(your edits are lost), or copy what you need first.", error=True)  # fmt: skip
            elif not self._stale:
                self.current = loaded  # the case moved on elsewhere (a note, a level); the brief did not
            self.kept_edits.emit(loaded.case_id)
            return
        self._fill(loaded)

    def _fill(self, loaded: LoadedBrief) -> None:
        if self.current is None or self.current.case_id != loaded.case_id:
            self.message.hide()
        self.current, self._stale = loaded, False
        d, zone = loaded.draft, self.zone
        now = self.controller.context.clock.now()
        for name in ("headline", "customer_contact", "exec_ask_of"):
            getattr(self, name).setText(getattr(d, name))
        for name in ("situation", "impact", "customer_ask", "tried", "root_cause", "exec_ask", "cost_of_inaction"):
            getattr(self, name).setPlainText(getattr(d, name))
        self.exec_ask_of.setPlaceholderText(loaded.default_ask_of)
        self.root_cause_known.setCurrentIndex(1 if d.root_cause_known else 0)
        self.exec_ask_deadline.set_value(d.exec_ask_deadline, zone, now)
        self.next_update_at.set_value(d.next_update_at, zone, now)
        self.options.set_options(d.options)
        self.plan.set_plan(d.plan, now.astimezone(zone).date())
        self.zone_note.setText(f"Times are in {zone.key}. Empty fields print as “Not recorded yet” on the brief.")
        self.setEnabled(True)
        self.loaded.emit(loaded.case_id)

    def draft(self) -> BriefDraft:
        zone = self.zone
        return BriefDraft(
            situation=self.situation.toPlainText(),
            impact=self.impact.toPlainText(),
            customer_ask=self.customer_ask.toPlainText(),
            tried=self.tried.toPlainText(),
            root_cause_known=self.root_cause_known.currentIndex() == 1,
            root_cause=self.root_cause.toPlainText(),
            exec_ask_of=self.exec_ask_of.text(),
            exec_ask=self.exec_ask.toPlainText(),
            exec_ask_deadline=self.exec_ask_deadline.value(zone),
            options=self.options.options(),
            cost_of_inaction=self.cost_of_inaction.toPlainText(),
            next_update_at=self.next_update_at.value(zone),
            plan=self.plan.plan(),
            headline=self.headline.text(),
            customer_contact=self.customer_contact.text(),
        )

    # -- saving ---------------------------------------------------------------------------------------------------
    def revert(self) -> None:
        """Drop the edits and show the brief as saved now."""
        current = self.current
        if current is not None:
            self.current = None  # not dirty any more: the fresh read fills the form
            self.show_case(current.case_id)

    def save(self) -> None:
        service, current = self.controller.service, self.current
        if service is None or current is None:
            return
        draft, version = self.draft(), current.version
        if self._stale:
            version = -1  # the brief changed underneath: the service refuses with its usual StaleCase message
        policy = self.controller.context.policy
        self._request += 1
        request = self._request

        def work() -> tuple[tuple[str, ...], LoadedBrief]:  # on the database worker
            changed = save_brief(service.store, current.case_id, draft, version, clock=service.clock,
                                 actor=service.actor)  # fmt: skip
            return changed, load_brief(service.store, current.case_id, policy)

        def done(result: tuple[tuple[str, ...], LoadedBrief]) -> None:
            changed, fresh = result
            if request == self._request:
                self._fill(fresh)
            self._show(f"Saved: {', '.join(changed)}." if changed else "Nothing changed.", error=False)
            if changed:
                self.saved.emit(current.case_id)

        self.controller.tasks.run_db(work, done, self._refused)

    def _refused(self, exc: BaseException) -> None:
        message = describe_error(exc)
        self._show(message, error=True)
        if isinstance(exc, BriefInvalid) and exc.problems:
            widget = self.editors.get(exc.problems[0].field)
            if widget is not None:
                widget.setFocus()
        self.save_refused.emit(message)

    def _show(self, message: str, *, error: bool) -> None:
        self.message.setText(message)
        self.message.setStyleSheet(ERROR_STYLE if error else "color: palette(placeholder-text);")
        self.message.show()


def install_brief_tab(workspace: CaseWorkspace, controller: DeskController) -> BriefTab:
    """The Brief tab in the case workspace: loaded with each case the workspace shows; a save refreshes both."""
    tab = BriefTab(controller, workspace.tabs)
    workspace.tabs.addTab(tab, "Brief")
    workspace.case_loaded.connect(tab.show_case)
    controller.database_opened.connect(lambda _display: tab.clear())

    def saved(_case_id: str) -> None:
        workspace.refresh()
        controller.refresh()

    tab.saved.connect(saved)
    return tab
