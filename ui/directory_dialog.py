"""Directory > People directory…: who stands behind each role, with add / edit / remove, CSV import and export, and
the roles nobody covers shown above the list (DESIGN: a role with nobody behind it is flagged, not hidden).

Every database call runs on the desk's database worker (DeskController.tasks); the dialog hears the outcome on the
main thread and reloads the list.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QObject, QPersistentModelIndex, Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QHeaderView,
    QLabel,
    QMessageBox,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from escdesk.directory import DirectoryPerson, DirectoryService, PersonEntry, RoleChoice, describe_cover, role_choices
from escdesk.directory_csv import ImportSummary, export_csv, import_file
from ui.main_window import MainWindow
from ui.person_editor import PersonEditor
from ui.tasks import describe_error

if TYPE_CHECKING:
    from ui.controller import DeskController

CSV_FILTER = "CSV files (*.csv)"
Index = QModelIndex | QPersistentModelIndex


# -- dialogs (tests replace these) ------------------------------------------------------------------------------


def choose_csv_to_open(parent: QWidget) -> Path | None:
    path, _ = QFileDialog.getOpenFileName(parent, "Import people", str(Path.home()), CSV_FILTER)
    return Path(path) if path else None


def choose_csv_to_save(parent: QWidget) -> Path | None:
    path, _ = QFileDialog.getSaveFileName(parent, "Export people", str(Path.home() / "people.csv"), CSV_FILTER)
    if not path:
        return None
    chosen = Path(path)
    return chosen if chosen.suffix.lower() == ".csv" else chosen.with_name(chosen.name + ".csv")


def confirm_remove(parent: QWidget, name: str) -> bool:
    answer = QMessageBox.question(
        parent, "Remove person", f"Remove {name} from the directory? Cases they own keep their name."
    )
    return answer == QMessageBox.StandardButton.Yes


# -- the model ----------------------------------------------------------------------------------------------------


class PeopleModel(QAbstractTableModel):
    """The directory as rows of frozen DirectoryPerson DTOs."""

    HEADERS = ("Name", "E-mail", "Title", "Roles")

    def __init__(self, labels: dict[str, str], parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.labels = labels
        self.people: list[DirectoryPerson] = []

    def set_people(self, people: Sequence[DirectoryPerson]) -> None:
        self.beginResetModel()
        self.people = list(people)
        self.endResetModel()

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008 (Qt's default argument)
        return 0 if parent.isValid() else len(self.people)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.HEADERS)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or role not in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            return None
        person = self.people[index.row()]
        if index.column() == 3:
            roles = [describe_cover(c, self.labels) for c in person.roles]
            separator = "\n" if role == Qt.ItemDataRole.ToolTipRole else ", "
            return separator.join(roles) or "no roles"
        return (person.name, person.email, person.title)[index.column()]

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return self.HEADERS[section]
        return None


def uncovered_text(roles: Sequence[RoleChoice]) -> str:
    if not roles:
        return "Every role of the policy has someone behind it."
    return "Roles without anyone: " + ", ".join(r.label for r in roles)


# -- the dialog ---------------------------------------------------------------------------------------------------


class DirectoryDialog(QDialog):
    """The people directory of the open database.

    Signals:
        loaded(int): the list shows the directory as stored now; the number of people.
        failed(str): a load, save, import or export failed; the message shown.
    """

    loaded = Signal(int)
    failed = Signal(str)

    def __init__(self, controller: DeskController, service: DirectoryService, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("directoryDialog")
        self.setWindowTitle("People directory")
        self.controller, self.service = controller, service
        self.choices = role_choices(service.policy)
        self.model = PeopleModel({c.key: c.label for c in self.choices}, self)
        self.table = QTableView(self)
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.horizontalHeader().setSectionResizeMode(3, QHeaderView.ResizeMode.Stretch)
        self.table.verticalHeader().hide()
        self.table.doubleClicked.connect(lambda _index: self.edit_selected())
        self.uncovered = QLabel(self)
        self.uncovered.setObjectName("uncoveredRoles")
        self.uncovered.setWordWrap(True)
        self.status = QLabel(self)
        self.status.setObjectName("directoryStatus")
        self.status.setWordWrap(True)
        self.editor: PersonEditor | None = None
        self._lay_out()
        self.reload()

    def _lay_out(self) -> None:
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        buttons.rejected.connect(self.reject)
        actions: list[tuple[str, str, Callable[[], object]]] = [
            ("addPerson", "Add…", self.add_person),
            ("editPerson", "Edit…", self.edit_selected),
            ("removePerson", "Remove", self.remove_selected),
            ("importPeople", "Import CSV…", self.import_csv),
            ("exportPeople", "Export CSV…", self.export_csv),
        ]
        self.buttons: dict[str, QPushButton] = {}
        for name, label, slot in actions:
            button = buttons.addButton(label, QDialogButtonBox.ButtonRole.ActionRole)
            button.setObjectName(name)
            button.clicked.connect(lambda _checked=False, slot=slot: slot())
            self.buttons[name] = button
        layout = QVBoxLayout(self)
        layout.addWidget(self.uncovered)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.status)
        layout.addWidget(buttons)
        char, line = self.fontMetrics().averageCharWidth(), self.fontMetrics().height()
        self.setMinimumSize(char * 70, line * 16)  # fixed limits, as in CalendarsDialog
        self.resize(char * 130, line * 34)

    # -- loading ------------------------------------------------------------------------------------------------
    def reload(self) -> None:
        service = self.service
        self.controller.tasks.run_db(lambda: (service.people(), service.uncovered_roles()), self._show, self._fail)

    def _show(self, found: tuple[list[DirectoryPerson], list[RoleChoice]]) -> None:
        people, uncovered = found
        self.model.set_people(people)
        self.table.resizeColumnsToContents()
        self.uncovered.setText(uncovered_text(uncovered))
        self.uncovered.setStyleSheet("color: #b3261e; font-weight: bold;" if uncovered else "")
        self.loaded.emit(len(people))

    def _fail(self, exc: BaseException) -> None:
        message = describe_error(exc)
        self.status.setText(message)
        self.failed.emit(message)

    def selected(self) -> DirectoryPerson | None:
        rows = self.table.selectionModel().selectedRows()
        return self.model.people[rows[0].row()] if rows else None

    # -- editing ------------------------------------------------------------------------------------------------
    def add_person(self) -> PersonEditor:
        return self._open_editor(None)

    def edit_selected(self) -> PersonEditor | None:
        person = self.selected()
        if person is None:
            self.status.setText("Select a person first.")
            return None
        return self._open_editor(person)

    def _open_editor(self, person: DirectoryPerson | None) -> PersonEditor:
        editor = self.editor = PersonEditor(self.service.policy, self.choices, person, self)
        editor.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        editor.submitted.connect(lambda entry: self._save(editor, person, entry))
        editor.open()
        return editor

    def _save(self, editor: PersonEditor, person: DirectoryPerson | None, entry: PersonEntry) -> None:
        service = self.service
        if person is None:
            work: Callable[[], DirectoryPerson] = lambda: service.add(entry)  # noqa: E731
        else:
            work = lambda: service.edit(person.id, entry, person.version)  # noqa: E731

        def done(saved: DirectoryPerson) -> None:
            editor.saved()
            self.status.setText(f"Saved {saved.name}.")
            self.reload()

        self.controller.tasks.run_db(work, done, lambda exc: editor.show_error(describe_error(exc)))

    def remove_selected(self) -> None:
        person = self.selected()
        if person is None:
            self.status.setText("Select a person first.")
            return
        if not confirm_remove(self, person.name):
            return
        service = self.service

        def done(_: None) -> None:
            self.status.setText(f"Removed {person.name}.")
            self.reload()

        self.controller.tasks.run_db(lambda: service.remove(person.id, person.version), done, self._fail)

    # -- CSV ----------------------------------------------------------------------------------------------------
    def import_csv(self) -> None:
        path = choose_csv_to_open(self)
        if path is None:
            return
        service = self.service

        def done(summary: ImportSummary) -> None:
            self.status.setText(f"Imported {path.name}: {summary.describe()}.")
            self.reload()

        work = lambda: import_file(service.store, path, service.policy, service.clock)  # noqa: E731
        self.controller.tasks.run_db(work, done, self._fail)

    def export_csv(self) -> None:
        path = choose_csv_to_save(self)
        if path is None:
            return
        service = self.service

        def write() -> int:  # on the worker: the query and the file
            people = service.people()
            path.write_text(export_csv(people), encoding="utf-8")
            return len(people)

        def done(count: int) -> None:
            self.status.setText(f"Wrote {count} people to {path}.")

        self.controller.tasks.run_db(write, done, self._fail)


def open_directory(window: MainWindow, controller: DeskController) -> DirectoryDialog | None:
    cases = controller.service
    if cases is None:
        window.show_notice("Open a database first: the directory lives in it.")
        return None
    service = DirectoryService(cases.store, cases.clock, controller.context.policy)
    dialog = DirectoryDialog(controller, service, window)
    dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)  # one per click, gone when closed
    dialog.show()
    return dialog
