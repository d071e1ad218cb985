"""The pages of File > Import…: file, format, mapping with a live preview, validation report. The run and summary
pages are in ui.import_wizard_run. Pages hold no import logic: they show what the wizard's background reads found
and hand the user's choices (preset, sheet, date order, column mapping) back to the wizard as ImportOptions.
"""

from __future__ import annotations

import html
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QObject, QPersistentModelIndex, Qt
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFileDialog,
    QFormLayout,
    QGridLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
    QWizardPage,
)

from escdesk.importing import PRESETS, DateOrder, RowIssue
from escdesk.importing.presets import FIELDS_OF, OUTCOME_WORDS
from escdesk.importing.records import ColumnPlan
from escdesk.importing.report import plural

if TYPE_CHECKING:
    from ui.import_wizard import ImportWizard, Prepared

NOT_USED = "— not used —"
FILE_FILTER = "Exports (*.csv *.txt *.tsv *.xlsx);;All files (*)"
_Index = QModelIndex | QPersistentModelIndex


def field_label(name: str) -> str:
    """`first_response_at` -> `First response at`: the field as a person reads it."""
    return name.replace("_", " ").capitalize().replace("Arr", "ARR").replace(" id", " ID")


def choose_import_file(parent: QWidget, start: Path) -> Path | None:
    """The file dialog (tests replace it)."""
    path, _ = QFileDialog.getOpenFileName(parent, "Import a file", str(start), FILE_FILTER)
    return Path(path) if path else None


class RowsModel(QAbstractTableModel):
    """A read-only table of strings; rows flagged `bad` are painted in the error colour."""

    def __init__(self, headers: Sequence[str], parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.headers = list(headers)
        self.rows: list[tuple[list[str], bool]] = []

    def set_rows(self, headers: Sequence[str], rows: list[tuple[list[str], bool]]) -> None:
        self.beginResetModel()
        self.headers, self.rows = list(headers), rows
        self.endResetModel()

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008 (Qt's signature)
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.headers)

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        cells, bad = self.rows[index.row()]
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            return cells[index.column()] if index.column() < len(cells) else ""
        if role == Qt.ItemDataRole.ForegroundRole and bad:
            return QColor("#b3261e")
        return None

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal:
            return self.headers[section]
        return None


def _table(model: RowsModel, parent: QWidget) -> QTableView:
    view = QTableView(parent)
    view.setModel(model)
    view.verticalHeader().hide()
    view.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
    view.horizontalHeader().setStretchLastSection(True)
    view.setEditTriggers(QTableView.EditTrigger.NoEditTriggers)
    view.setWordWrap(False)
    return view


def fit_columns(view: QTableView, widest_chars: int = 32) -> None:
    """Columns as wide as their contents, up to a limit: one long reason must not push the rest off the page
    (the full text is in the tooltip)."""
    view.resizeColumnsToContents()
    limit = view.fontMetrics().averageCharWidth() * widest_chars
    header = view.horizontalHeader()
    for column in range(header.count()):
        header.resizeSection(column, min(header.sectionSize(column), limit))


class FilePage(QWizardPage):
    def __init__(self, wizard: ImportWizard) -> None:
        super().__init__(wizard)
        self.owner = wizard
        self.setTitle("Choose the file")
        self.setSubTitle("A CSV or XLSX export: customers, tickets, a health history or churn events.")
        self.path = QLineEdit(self)
        self.path.setObjectName("importPath")
        self.path.setPlaceholderText("/path/to/export.csv")
        browse = QPushButton("Browse…", self)
        browse.clicked.connect(self._browse)
        row = QHBoxLayout()
        row.addWidget(self.path, 1)
        row.addWidget(browse)
        layout = QVBoxLayout(self)
        layout.addLayout(row)
        layout.addWidget(QLabel("Nothing is written until the last step; you can cancel at any point.", self))
        layout.addStretch(1)
        self.path.textChanged.connect(self.completeChanged)

    def _browse(self) -> None:
        chosen = choose_import_file(self, self.owner.folder)
        if chosen is not None:
            self.path.setText(str(chosen))

    def isComplete(self) -> bool:
        return Path(self.path.text().strip()).is_file()

    def validatePage(self) -> bool:
        self.owner.choose_file(Path(self.path.text().strip()))
        return True


class FormatPage(QWizardPage):
    """What reading found (kind, preset, encoding, delimiter or sheet, rows); the preset, sheet and date order
    can be overridden, which reads the file again."""

    def __init__(self, wizard: ImportWizard) -> None:
        super().__init__(wizard)
        self.owner = wizard
        self.setTitle("Detected format")
        self.setSubTitle("What the file holds and how it is read. Pick another format if the guess is wrong.")
        self.found = QLabel("Reading the file…", self)
        self.found.setObjectName("formatFound")
        self.found.setWordWrap(True)
        self.preset = QComboBox(self)
        self.preset.setObjectName("presetChoice")
        self.preset.addItem("— choose the format —", None)
        for preset in PRESETS:
            self.preset.addItem(f"{preset.name} ({preset.kind.value})", preset.name)
        self.sheet = QComboBox(self)
        self.questions = QWidget(self)
        self.questions_form = QFormLayout(self.questions)
        form = QFormLayout()
        form.addRow("Format:", self.preset)
        form.addRow("Sheet:", self.sheet)
        layout = QVBoxLayout(self)
        layout.addWidget(self.found)
        layout.addLayout(form)
        layout.addWidget(self.questions)
        layout.addStretch(1)
        self.preset.activated.connect(lambda _i: self.owner.reread(preset=self.preset.currentData()))
        self.sheet.activated.connect(lambda _i: self.owner.reread(sheet=self.sheet.currentText()))

    def show_prepared(self, prepared: Prepared | None, error: str | None, sheets: list[str]) -> None:
        self._clear_questions()
        if prepared is None:
            self.found.setText(f"<b>This file cannot be imported:</b> {error}")
            self._show_sheets(sheets, self.owner.import_options.sheet or (sheets[0] if sheets else ""))
            self.preset.setCurrentIndex(max(self.preset.findData(self.owner.import_options.preset), 0))
            sheet = " or the sheet" if sheets else ""
            hint = f"<br>Pick the format (the next page maps its columns to yours){sheet} below."
            self.found.setText(self.found.text() + hint)
            self.completeChanged.emit()
            return
        report = prepared.report
        read_as = f"sheet {report.sheet!r}" if report.sheet else f"delimiter {report.delimiter!r}"
        self.found.setText(
            f"<b>{report.kind.capitalize()}</b> in the <b>{report.preset}</b> format · {report.encoding}, "
            f"{html.escape(read_as, quote=False)} · {plural(report.rows_read, 'row')} ({report.good_rows} good, "
            f"{len(report.bad_lines)} bad)"
        )
        index = self.preset.findData(prepared.preset_name)
        self.preset.setCurrentIndex(max(index, 0))
        self._show_sheets(prepared.sheets, report.sheet or "")
        for question in report.questions:
            shown = getattr(question, "examples", ()) or (
                getattr(question, "day_first_example", ""), getattr(question, "month_first_example", ""))  # fmt: skip
            self._ask(question.column, ", ".join(shown))
        self.completeChanged.emit()

    def _show_sheets(self, sheets: list[str], current: str) -> None:
        self.sheet.clear()
        self.sheet.addItems(sheets)
        self.sheet.setCurrentText(current)
        self.sheet.setEnabled(bool(sheets))

    def _ask(self, column: str, examples: str) -> None:
        choice = QComboBox(self.questions)
        choice.addItem("Answer: day or month first?", None)
        choice.addItem("Day first (31/12)", DateOrder.DAY_FIRST)
        choice.addItem("Month first (12/31)", DateOrder.MONTH_FIRST)
        choice.activated.connect(lambda _i: self.owner.reread(date_order=(column, choice.currentData())))
        self.questions_form.addRow(f"Dates in {column!r} ({examples}):", choice)

    def _clear_questions(self) -> None:
        while self.questions_form.rowCount():
            self.questions_form.removeRow(0)

    def isComplete(self) -> bool:
        prepared = self.owner.prepared
        return prepared is not None and not prepared.report.questions and not self.owner.reading


class MappingPage(QWizardPage):
    """Which column feeds which EscDesk field, with the first rows converted live as the mapping changes."""

    def __init__(self, wizard: ImportWizard) -> None:
        super().__init__(wizard)
        self.owner = wizard
        self.setTitle("Column mapping")
        self.setSubTitle("Change a field's column and the preview follows. Save it by name to reuse it.")
        self.fields = QWidget(self)
        self.fields_grid = QGridLayout(self.fields)
        self.fields_grid.setContentsMargins(0, 0, 0, 0)
        self.choices: dict[str, QComboBox] = {}
        self.preview_model = RowsModel([], self)
        self.preview = _table(self.preview_model, self)
        self.preview.setObjectName("mappingPreview")
        self.preview.setMinimumHeight(self.fontMetrics().height() * 12)
        self.save_name = QLineEdit(self)
        self.save_name.setPlaceholderText("Name to save this mapping as")
        save = QPushButton("Save mapping", self)
        save.clicked.connect(lambda: self.owner.save_mapping(self.save_name.text()))
        saving = QHBoxLayout()
        saving.addWidget(self.save_name, 1)
        saving.addWidget(save)
        layout = QVBoxLayout(self)
        layout.addWidget(self.fields)
        layout.addWidget(QLabel("Preview (first rows, as EscDesk will read them):", self))
        layout.addWidget(self.preview, 1)
        layout.addLayout(saving)

    def show_prepared(self, prepared: Prepared | None) -> None:
        if prepared is None:
            return
        self._fill_choices(prepared)
        headers = ["Line", "Problem", *(field_label(f) for f in prepared.preview_fields)]
        self.preview_model.set_rows(headers, prepared.preview)
        fit_columns(self.preview)
        self.completeChanged.emit()

    def _fill_choices(self, prepared: Prepared) -> None:
        while (item := self.fields_grid.takeAt(0)) is not None:
            if (widget := item.widget()) is not None:
                widget.deleteLater()
        self.choices = {}
        plan = ColumnPlan(prepared.inner.preset, prepared.inner.shape)
        for position, name in enumerate(FIELDS_OF[prepared.report.kind]):
            choice = QComboBox(self.fields)
            choice.addItem(NOT_USED, None)
            for header in dict.fromkeys(h for h in prepared.inner.shape.header if h):
                choice.addItem(header, header)
            current = plan.header(name)
            choice.setCurrentIndex(max(choice.findData(current), 0) if current else 0)
            choice.activated.connect(lambda _i: self.owner.remap(self.mapping()))
            self.choices[name] = choice
            row, column = divmod(position, 2)  # two fields a row: the preview keeps room for its rows
            label = QLabel(field_label(name) + ":", self.fields)
            label.setBuddy(choice)
            self.fields_grid.addWidget(label, row, column * 2)
            self.fields_grid.addWidget(choice, row, column * 2 + 1)

    def mapping(self) -> dict[str, str]:
        return {name: choice.currentData() for name, choice in self.choices.items() if choice.currentData()}

    def isComplete(self) -> bool:
        return self.owner.prepared is not None and not self.owner.reading


def allowed_values(prepared: Prepared, column: str) -> list[str]:
    """EscDesk's words for the field the column feeds (status, priority, outcome); empty for other fields."""
    preset = prepared.inner.preset
    words = {"status": preset.statuses, "priority": preset.priorities, "outcome": OUTCOME_WORDS}
    for name, (header, _positions) in ColumnPlan(preset, prepared.inner.shape).found.items():
        if header == column and name in words:
            return sorted(set(words[name].values()))
    return []


class ReportPage(QWizardPage):
    """The validation report (line, column, value, reason); bad rows must be accepted before the import."""

    def __init__(self, wizard: ImportWizard) -> None:
        super().__init__(wizard)
        self.owner = wizard
        self.setTitle("Validation report")
        self.setSubTitle("Every row that cannot be imported (red) and every row kept with a warning.")
        self.summary = QLabel(self)
        self.summary.setObjectName("reportSummary")
        self.summary.setWordWrap(True)
        self.issues_model = RowsModel(["Line", "Column", "Value", "Reason"], self)
        self.issues = _table(self.issues_model, self)
        self.issues.setObjectName("reportIssues")
        self.accept_bad = QCheckBox(self)
        self.accept_bad.setObjectName("acceptBadRows")
        self.accept_bad.toggled.connect(self.completeChanged)
        self.values = QWidget(self)
        self.values_form = QFormLayout(self.values)
        self.values_form.setContentsMargins(0, 0, 0, 0)
        self.value_choices: dict[tuple[str, str], QComboBox] = {}
        layout = QVBoxLayout(self)
        layout.addWidget(self.summary)
        layout.addWidget(self.values)
        layout.addWidget(self.issues, 1)
        layout.addWidget(self.accept_bad)
        self.setCommitPage(True)
        self.setButtonText(wizard.WizardButton.CommitButton, "Import")

    def initializePage(self) -> None:
        prepared = self.owner.prepared
        if prepared is None:
            return
        report = prepared.report
        self.summary.setText(html.escape(report.describe()).replace("\n", "<br>"))
        bad = [(self._cells(i), True) for i in report.bad_rows]
        warned = [(self._cells(i), False) for i in report.warnings]
        self.issues_model.set_rows(self.issues_model.headers, bad + warned)
        fit_columns(self.issues, 60)
        count = len(report.bad_lines)
        good, bad_rows = plural(report.good_rows, "good row"), plural(count, "bad row")
        self.accept_bad.setText(f"Import the {good} and leave the {bad_rows} out")
        self.accept_bad.setVisible(count > 0)
        self.accept_bad.setChecked(False)
        self._offer_value_maps(prepared)

    def _offer_value_maps(self, prepared: Prepared) -> None:
        """Each unknown value (and each the user already mapped) with what it may mean; a choice reads again."""
        while self.values_form.rowCount():
            self.values_form.removeRow(0)
        self.value_choices = {}
        mapped = self.owner.import_options.value_maps
        columns = set(prepared.report.unmapped) | set(mapped)
        for column in sorted(columns):
            allowed = allowed_values(prepared, column)
            counts = dict(prepared.report.unmapped.get(column, {}))
            for value in sorted(set(counts) | set(mapped.get(column, {}))):
                choice = QComboBox(self.values)
                choice.addItem("not mapped: leave these rows out", None)
                for word in allowed:
                    choice.addItem(f"means {word}", word)
                current = mapped.get(column, {}).get(value)
                choice.setCurrentIndex(max(choice.findData(current), 0) if current else 0)
                choice.activated.connect(
                    lambda _i, c=column, v=value, box=choice: self.owner.map_value(c, v, box.currentData())
                )
                rows = f" ({plural(counts[value], 'row')})" if value in counts else ""
                self.values_form.addRow(f"{column} {value!r}{rows}:", choice)
                self.value_choices[(column, value)] = choice
        self.values.setVisible(bool(columns))

    @staticmethod
    def _cells(issue: RowIssue) -> list[str]:
        return [str(issue.line), issue.column, issue.value, issue.reason]

    def isComplete(self) -> bool:
        prepared = self.owner.prepared
        if prepared is None or prepared.report.questions or self.owner.reading:
            return False
        return not prepared.report.bad_lines or self.accept_bad.isChecked()
