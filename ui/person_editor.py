"""Add or edit one person of the directory: name, e-mail, title and the roles they cover, each optionally limited
to some ARR bands and regions. Saving is refused in place, with the field and value at fault, until it is valid."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from escdesk.directory import DirectoryError, PersonEntry, RoleChoice, RoleCover, parse_bands, parse_regions, validate
from escdesk.policy import Policy

ROLE, BANDS, REGIONS = range(3)


class PersonEditor(QDialog):
    """Save checks the fields here, then hands the person over; the owner saves it (off the GUI thread) and calls
    `saved()` to close the editor, or `show_error()` with the reason (an e-mail already taken, say).

    Signals:
        submitted(object): the fields make a valid person (a PersonEntry), to be saved.
    """

    submitted = Signal(object)

    def __init__(
        self, policy: Policy, choices: Sequence[RoleChoice], person: PersonEntry | None, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setObjectName("personEditor")
        self.setWindowTitle("Edit person" if person is not None else "Add person")
        self.policy, self.choices = policy, list(choices)
        self.entry: PersonEntry | None = None
        self.name = QLineEdit(person.name if person else "", self)
        self.email = QLineEdit(person.email if person else "", self)
        self.email.setPlaceholderText("name@example.com")
        self.title_edit = QLineEdit(person.title if person else "", self)
        self.roles = QTableWidget(0, 3, self)
        self.roles.setHorizontalHeaderLabels(["Role", "ARR bands", "Regions"])
        self.roles.horizontalHeader().setSectionResizeMode(ROLE, QHeaderView.ResizeMode.Stretch)
        for column in (BANDS, REGIONS):
            self.roles.setColumnWidth(column, self.fontMetrics().averageCharWidth() * 22)
        self.roles.verticalHeader().hide()
        for cover in person.roles if person else ():
            self.add_role(cover)
        self.error = QLabel(self)
        self.error.setObjectName("editorError")
        self.error.setWordWrap(True)
        self.error.setStyleSheet("color: #b3261e;")
        self.error.hide()
        self._lay_out()

    def _lay_out(self) -> None:
        form = QFormLayout()
        form.addRow("Name", self.name)
        form.addRow("E-mail", self.email)
        form.addRow("Title", self.title_edit)
        add, remove = QPushButton("Add role", self), QPushButton("Remove role", self)
        add.setObjectName("addRole")
        add.clicked.connect(lambda: self.add_role(None))
        remove.clicked.connect(self.remove_selected_role)
        row = QHBoxLayout()
        row.addWidget(add)
        row.addWidget(remove)
        row.addStretch(1)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel, self)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        hint = QLabel(
            "ARR bands: SMB, MM, ENT, STRAT; regions as your customer records name them (EMEA, NA …). "
            "Separate several with commas; leave empty for all.",
            self,
        )
        hint.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(QLabel("Roles this person covers", self))
        layout.addWidget(self.roles, 1)
        layout.addWidget(hint)
        layout.addLayout(row)
        layout.addWidget(self.error)
        layout.addWidget(buttons)
        char, line = self.fontMetrics().averageCharWidth(), self.fontMetrics().height()
        self.setMinimumSize(char * 60, line * 22)  # fixed limits, as in CalendarsDialog
        self.resize(char * 84, line * 30)

    def add_role(self, cover: RoleCover | None) -> None:
        row = self.roles.rowCount()
        self.roles.insertRow(row)
        box = QComboBox(self.roles)
        for choice in self.choices:
            box.addItem(choice.label, choice.key)
        if cover is not None:
            found = box.findData(cover.role)
            if found < 0:  # a role the policy no longer has: kept visible so saving names it
                box.addItem(cover.role, cover.role)
                found = box.count() - 1
            box.setCurrentIndex(found)
        self.roles.setCellWidget(row, ROLE, box)
        bands = "" if cover is None else ", ".join(b.value for b in cover.bands)
        regions = "" if cover is None else ", ".join(cover.regions)
        self.roles.setItem(row, BANDS, QTableWidgetItem(bands))
        self.roles.setItem(row, REGIONS, QTableWidgetItem(regions))

    def remove_selected_role(self) -> None:
        rows = sorted({index.row() for index in self.roles.selectedIndexes()}, reverse=True)
        if not rows and self.roles.currentRow() >= 0:
            rows = [self.roles.currentRow()]
        for row in rows:
            self.roles.removeRow(row)

    def role_box(self, row: int) -> QComboBox:
        box = self.roles.cellWidget(row, ROLE)
        assert isinstance(box, QComboBox)
        return box

    def person(self) -> PersonEntry:
        """What the fields say, validated; DirectoryError names the field (and the role row) at fault."""
        covers = []
        for row in range(self.roles.rowCount()):
            role = str(self.role_box(row).currentData())
            try:
                bands = parse_bands(_text(self.roles.item(row, BANDS)), self.policy)
                regions = parse_regions(_text(self.roles.item(row, REGIONS)))
            except DirectoryError as exc:
                raise DirectoryError(f"{exc.field} (role row {row + 1}): {exc.reason}") from None
            covers.append(RoleCover(role, bands, regions))
        raw = PersonEntry(self.name.text(), self.email.text(), self.title_edit.text(), tuple(covers))
        return validate(raw, self.policy)

    def show_error(self, message: str) -> None:
        self.error.setText(message)
        self.error.show()

    def accept(self) -> None:
        try:
            self.entry = self.person()
        except DirectoryError as exc:
            self.show_error(str(exc))
            return
        self.error.hide()
        self.submitted.emit(self.entry)

    def saved(self) -> None:
        super().accept()


def _text(item: QTableWidgetItem | None) -> str:
    return "" if item is None else item.text()
