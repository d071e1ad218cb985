"""The condition builder: field / operator / value rows inside All of / Any of / None of groups.

The widgets edit an escdesk.condition_builder tree; the field list, the operators of each field and the value
pickers come from the fact catalogue (escdesk.facts): a choice list for enum-like facts, a number box for numbers,
yes/no for flags. Values are read when the tree is asked for, so a number typed wrongly is refused then with a
message naming the field, never silently dropped.

Signals (every widget here):
    changed(): something in the condition was edited.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QAction
from PySide6.QtWidgets import (
    QComboBox,
    QFrame,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMenu,
    QPushButton,
    QScrollArea,
    QSizePolicy,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from escdesk.condition_builder import (
    GROUP_LABELS,
    GROUP_OPS,
    NO_VALUE_OPERATORS,
    BuilderError,
    Catalogue,
    FactLike,
    Group,
    Node,
    Row,
    operator_label,
    operators_for,
    parse_number,
)


def fact_label(fact: FactLike) -> str:
    return fact.label[:1].upper() + fact.label[1:]


def choice_label(value: str) -> str:
    """'product_bug' reads 'product bug'; codes such as 'S1' and 'STRAT' stay as they are."""
    return value.replace("_", " ")


class ChoicesButton(QPushButton):
    """Several values picked from a fixed list (a menu of ticks); the button reads the picked ones."""

    changed = Signal()

    def __init__(self, choices: tuple[str, ...], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("choicesButton")
        self.setProperty("choices", True)  # styled by this property: callers may rename the button
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        menu = QMenu(self)
        self.actions_by_value: dict[str, QAction] = {}
        for value in choices:
            action = menu.addAction(choice_label(value))
            action.setCheckable(True)
            action.toggled.connect(self._toggled)
            self.actions_by_value[value] = action
        self.setMenu(menu)
        self._refresh()

    def set_selected(self, values: tuple[Any, ...]) -> None:
        for value, action in self.actions_by_value.items():
            action.blockSignals(True)
            action.setChecked(value in values)
            action.blockSignals(False)
        self._refresh()

    def selected(self) -> tuple[str, ...]:
        return tuple(value for value, action in self.actions_by_value.items() if action.isChecked())

    def _toggled(self) -> None:
        self._refresh()
        self.changed.emit()

    def _refresh(self) -> None:
        picked = [choice_label(v) for v in self.selected()]
        self.setText(", ".join(picked) if picked else "choose values…")


class RowWidget(QFrame):
    """One comparison. Signals: changed(); remove_requested()."""

    changed = Signal()
    remove_requested = Signal()

    def __init__(self, catalogue: Catalogue, row: Row | None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("conditionRow")
        self.catalogue = catalogue
        self.field_box = QComboBox(self)
        self.field_box.setObjectName("fieldBox")
        for fact in catalogue.values():
            self.field_box.addItem(fact_label(fact), fact.name)
            self.field_box.setItemData(self.field_box.count() - 1, fact.name, Qt.ItemDataRole.ToolTipRole)
        self.op_box = QComboBox(self)
        self.op_box.setObjectName("operatorBox")
        self.value_holder = QHBoxLayout()
        self.value_holder.setContentsMargins(0, 0, 0, 0)
        self.value_widgets: list[QWidget] = []
        remove = QToolButton(self)
        remove.setObjectName("removeRow")
        remove.setText("✕")
        remove.setToolTip("Remove this condition")
        remove.setAutoRaise(True)
        remove.clicked.connect(self.remove_requested)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(6, 3, 3, 3)
        layout.addWidget(self.field_box, 3)
        layout.addWidget(self.op_box, 2)
        layout.addLayout(self.value_holder, 4)
        layout.addWidget(remove)
        start = row or Row(next(iter(catalogue)), "", None)
        self.field_box.setCurrentIndex(max(0, self.field_box.findData(start.field)))
        self._fill_operators(start.op)
        self._build_value(start.value)
        self.field_box.currentIndexChanged.connect(self._field_changed)
        self.op_box.currentIndexChanged.connect(self._op_changed)

    @property
    def fact(self) -> FactLike:
        return self.catalogue[self.field_box.currentData()]

    @property
    def op(self) -> str:
        return str(self.op_box.currentData())

    def _fill_operators(self, wanted: str) -> None:
        self.op_box.blockSignals(True)
        self.op_box.clear()
        for op in operators_for(self.fact):
            self.op_box.addItem(operator_label(self.fact, op), op)
        self.op_box.setCurrentIndex(max(0, self.op_box.findData(wanted)))
        self.op_box.blockSignals(False)

    def _field_changed(self) -> None:
        self._fill_operators(self.op)
        self._build_value(None)
        self.changed.emit()

    def _op_changed(self) -> None:
        self._build_value(None)
        self.changed.emit()

    # -- the value editor for this field's kind and this operator ------------------------------------------------
    def _build_value(self, value: Any) -> None:
        for widget in self.value_widgets:
            widget.hide()  # gone now; deleted once the event loop runs
            widget.deleteLater()
        self.value_widgets = []
        fact, op = self.fact, self.op
        box: QWidget
        if op in NO_VALUE_OPERATORS:  # an empty box keeps the operator the width it has on the other rows
            spacer = QWidget(self)
            spacer.setObjectName("noValue")
            spacer.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
            self._add(spacer)
            return
        if op == "is":
            box = self._combo([("yes", True), ("no", False)], value if isinstance(value, bool) else True)
        elif op == "in" and fact.choices:
            choices = ChoicesButton(fact.choices, self)
            choices.set_selected(value if isinstance(value, tuple) else ())
            choices.changed.connect(self.changed)
            box = choices
        elif op == "between":
            low, high = value if isinstance(value, tuple) else ("", "")
            self._add(self._line(low, "from"))
            self._add(QLabel("and", self))
            box = self._line(high, "to")
        elif fact.choices:
            box = self._combo([(choice_label(c), c) for c in fact.choices], value)
        else:
            box = self._line(value, self._hint(fact, op))
        self._add(box)

    def _add(self, widget: QWidget) -> None:
        widget.setObjectName(widget.objectName() or "valueEditor")
        self.value_holder.addWidget(widget, 0 if isinstance(widget, QLabel) else 1)
        self.value_widgets.append(widget)

    def _combo(self, items: list[tuple[str, Any]], current: Any) -> QComboBox:
        box = QComboBox(self)
        for text, data in items:
            box.addItem(text, data)
        box.setCurrentIndex(max(0, next((i for i, (_, d) in enumerate(items) if d == current), 0)))
        box.currentIndexChanged.connect(self.changed)
        return box

    def _line(self, value: Any, hint: str) -> QLineEdit:
        line = QLineEdit(_value_text(value), self)
        line.setPlaceholderText(hint)
        line.textEdited.connect(self.changed)
        return line

    @staticmethod
    def _hint(fact: FactLike, op: str) -> str:
        if fact.kind == "number":
            return "a number"
        return "values, separated by commas" if op == "in" else "text"

    # -- reading -------------------------------------------------------------------------------------------------
    def row(self) -> Row:
        """The row as edited; BuilderError naming the field when a value box does not hold a usable value."""
        fact, op = self.fact, self.op
        if op in NO_VALUE_OPERATORS:
            return Row(fact.name, op, None)
        editors = [w for w in self.value_widgets if not isinstance(w, QLabel)]
        if op == "between":
            return Row(fact.name, op, tuple(self._read(fact, w) for w in editors))
        only = editors[0]
        if isinstance(only, ChoicesButton):
            return Row(fact.name, op, only.selected())
        if op == "in":
            assert isinstance(only, QLineEdit)
            parts = [p.strip() for p in only.text().split(",") if p.strip()]
            return Row(fact.name, op, tuple(self._convert(fact, p) for p in parts))
        return Row(fact.name, op, self._read(fact, only))

    def _read(self, fact: FactLike, widget: QWidget) -> Any:
        if isinstance(widget, QComboBox):
            return widget.currentData()
        assert isinstance(widget, QLineEdit)
        return self._convert(fact, widget.text())

    @staticmethod
    def _convert(fact: FactLike, text: str) -> Any:
        if fact.kind != "number":
            return text.strip()
        try:
            return parse_number(text)
        except ValueError:
            shown = text.strip()
            problem = "enter a number" if not shown else f"{shown!r} is not a number"
            raise BuilderError(f"{fact_label(fact)} ({fact.name}): {problem}") from None


def _value_text(value: Any) -> str:
    if value is None or isinstance(value, bool):
        return ""
    if isinstance(value, tuple):
        return ", ".join(_value_text(v) for v in value)
    if isinstance(value, int | float):
        return f"{value:,}" if isinstance(value, int) and abs(value) >= 10_000 else str(value)
    return str(value)


class GroupWidget(QFrame):
    """A group and its children. Signals: changed(); remove_requested() (not offered on the root)."""

    changed = Signal()
    remove_requested = Signal()

    def __init__(self, catalogue: Catalogue, group: Group, depth: int = 0, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("conditionGroup")
        self.setProperty("depth", depth % 2)
        self.catalogue, self.nesting = catalogue, depth  # QWidget.depth() is the colour depth
        self.op_box = QComboBox(self)
        self.op_box.setObjectName("groupOperator")
        for op in GROUP_OPS:
            self.op_box.addItem(GROUP_LABELS[op], op)
        self.op_box.setCurrentIndex(GROUP_OPS.index(group.op))
        self.op_box.currentIndexChanged.connect(self.changed)
        self.children_layout = QVBoxLayout()
        self.children_layout.setContentsMargins(0, 0, 0, 0)
        self.children_layout.setSpacing(4)
        self.items: list[RowWidget | GroupWidget] = []
        self._lay_out()
        for child in group.children:
            self.add(child)

    def _lay_out(self) -> None:
        header = QHBoxLayout()
        header.addWidget(self.op_box)
        header.addWidget(QLabel("these conditions hold", self))
        header.addStretch(1)
        for label, name, slot in (
            ("+ Condition", "addRow", self.add_row),
            ("+ Group", "addGroup", self.add_group),
        ):
            button = QPushButton(label, self)
            button.setObjectName(name)
            button.setFlat(True)
            button.clicked.connect(slot)
            header.addWidget(button)
        if self.nesting > 0:
            remove = QToolButton(self)
            remove.setObjectName("removeGroup")
            remove.setText("✕")
            remove.setToolTip("Remove this group and everything in it")
            remove.setAutoRaise(True)
            remove.clicked.connect(self.remove_requested)
            header.addWidget(remove)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 6, 8, 8)
        layout.addLayout(header)
        layout.addLayout(self.children_layout)

    def add(self, node: Node | None) -> RowWidget | GroupWidget:
        item: RowWidget | GroupWidget
        if isinstance(node, Group):
            item = GroupWidget(self.catalogue, node, self.nesting + 1, self)
        else:
            item = RowWidget(self.catalogue, node, self)
        item.changed.connect(self.changed)
        item.remove_requested.connect(lambda: self.remove(item))
        self.children_layout.addWidget(item)
        self.items.append(item)
        return item

    def add_row(self) -> RowWidget:
        row = self.add(None)
        assert isinstance(row, RowWidget)
        self.changed.emit()
        return row

    def add_group(self) -> GroupWidget:
        group = self.add(Group("or"))
        assert isinstance(group, GroupWidget)
        group.add(None)
        self.changed.emit()
        return group

    def remove(self, item: RowWidget | GroupWidget) -> None:
        self.items.remove(item)
        item.hide()
        item.deleteLater()
        self.changed.emit()

    def group(self) -> Group:
        return Group(self.op_box.currentData(), tuple(_node(item) for item in self.items))


def _node(item: RowWidget | GroupWidget) -> Node:
    return item.row() if isinstance(item, RowWidget) else item.group()


class ConditionBuilder(QScrollArea):
    """The whole condition: one root group, scrolled when it grows. Signals: changed()."""

    changed = Signal()

    def __init__(self, catalogue: Catalogue, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("conditionBuilder")
        self.setWidgetResizable(True)
        self.setFrameShape(QFrame.Shape.NoFrame)
        self.catalogue = catalogue
        self.root: GroupWidget | None = None
        self.set_tree(Group("and"))

    def set_tree(self, group: Group) -> None:
        holder = QWidget(self)
        layout = QVBoxLayout(holder)
        layout.setContentsMargins(0, 0, 0, 0)
        self.root = GroupWidget(self.catalogue, group, 0, holder)
        self.root.changed.connect(self.changed)
        layout.addWidget(self.root)
        layout.addStretch(1)
        old = self.takeWidget()
        if old is not None:
            old.deleteLater()
        self.setWidget(holder)

    def tree(self) -> Group:
        """The edited tree; BuilderError (naming the field) for a value that cannot be read."""
        assert self.root is not None
        return self.root.group()


BUILDER_STYLE = """
#conditionGroup { border: 1px solid palette(mid); border-radius: 6px; background: palette(alternate-base); }
#conditionGroup[depth="1"] { background: palette(base); }
#conditionRow { border: none; }
QPushButton[choices="true"] { text-align: left; padding: 3px 8px; }
QPushButton[choices="true"]::menu-indicator {
    subcontrol-position: right center; subcontrol-origin: padding; right: 6px;
}
"""
