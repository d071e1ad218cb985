"""The dashboard's tables: plain frozen rows a UI, a CSV file or JSON can show, each row with the key that fetches
the cases behind it (escdesk.metrics.drill_down) instead of carrying thousands of ids around."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from decimal import Decimal

from escdesk.csv_cells import protect_cell

Cell = str | int | float | Decimal | None


@dataclass(frozen=True, slots=True)
class Drill:
    """What to ask escdesk.metrics.drill_down for the cases behind a row: the metric and the row's key."""

    metric: str
    key: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Row:
    values: tuple[Cell, ...]
    drill: Drill | None = None


@dataclass(frozen=True, slots=True)
class Table:
    name: str  # file-name friendly: the CSV export writes NAME.csv
    title: str
    columns: tuple[str, ...]
    rows: tuple[Row, ...]
    note: str = ""  # the definition in one sentence, shown under the table

    def column(self, name: str) -> list[Cell]:
        index = self.columns.index(name)
        return [row.values[index] for row in self.rows]

    def as_dicts(self) -> list[dict[str, Cell]]:
        return [dict(zip(self.columns, row.values, strict=True)) for row in self.rows]


def _csv_cell(value: Cell) -> str:
    # An empty cell, not "None": spreadsheets read it as blank, which is what "no value" means here. Only text
    # (a customer's or owner's name) gets the formula guard: numbers, negative ones too, stay numbers.
    if isinstance(value, str):
        return protect_cell(value)
    return "" if value is None else str(value)


def to_csv(table: Table) -> str:
    """The table as CSV text (a header row, then one line per row; None is an empty cell)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(table.columns)
    for row in table.rows:
        writer.writerow([_csv_cell(v) for v in row.values])
    return out.getvalue()


def json_cell(value: Cell) -> str | int | float | None:
    return str(value) if isinstance(value, Decimal) else value
