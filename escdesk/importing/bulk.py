"""The many-row INSERT of a big import, without SQLAlchemy's per-parameter overhead.

SQLAlchemy's Core executemany processes every parameter of every row through its generic machinery (a large part
of a 15,000-row customer import). `insert_rows` asks each column's type for its bind processor once (the same
processors SQLAlchemy uses, so UTC datetimes, dates and JSON are stored exactly as the ORM stores them) and hands
plain rows to the driver's executemany, inside the caller's transaction.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from operator import itemgetter
from typing import Any

from sqlalchemy import Date, Dialect, Table, insert
from sqlalchemy.orm import Session

from escdesk.store.models import UtcDateTime


def insert_rows(session: Session, table: Table, rows: Sequence[dict[str, Any]]) -> None:
    """INSERT every row (all with the same keys) in one driver executemany."""
    if not rows:
        return
    keys = list(rows[0])
    connection = session.connection()
    dialect = connection.dialect
    compiled = insert(table).compile(dialect=dialect, column_keys=keys)
    order = list(compiled.positiontup or ()) if compiled.positional else keys
    processors = [(i, _processor(table, key, dialect)) for i, key in enumerate(order)]
    steps = [(i, p) for i, p in processors if p is not None]
    pick = itemgetter(*order)
    params: list[Any] = []
    for row in rows:
        values = list(pick(row)) if len(order) > 1 else [row[order[0]]]
        for i, process in steps:
            values[i] = process(values[i])
        params.append(tuple(values) if compiled.positional else dict(zip(order, values, strict=True)))
    connection.exec_driver_sql(compiled.string, params)


def _processor(table: Table, key: str, dialect: Dialect) -> Callable[[Any], Any] | None:
    """The column's bind processor; for instants and dates (hashable, and mostly the same `now` in every row of an
    import) remembered per value."""
    kind = table.c[key].type
    process = kind.dialect_impl(dialect).bind_processor(dialect)
    if process is None or not isinstance(kind, UtcDateTime | Date):
        return process
    seen: dict[Any, Any] = {}

    def remembered(value: Any) -> Any:
        if value not in seen:
            seen[value] = process(value)
        return seen[value]

    return remembered
