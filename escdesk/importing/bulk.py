"""The many-row INSERT of a big import, without SQLAlchemy's per-parameter overhead, and the ids of its rows.

SQLAlchemy's Core executemany processes every parameter of every row through its generic machinery (a large part
of a 15,000-row customer import). `insert_rows` asks each column's type for its bind processor once (the same
processors SQLAlchemy uses, so UTC datetimes, dates and JSON are stored exactly as the ORM stores them), applies
them column by column (a value repeated down a column is processed once) and hands plain rows to the driver's
executemany, inside the caller's transaction.
"""

from __future__ import annotations

import os
import time
from collections.abc import Sequence
from typing import Any

from sqlalchemy import JSON, Boolean, Date, Dialect, Table, insert
from sqlalchemy.orm import Session

from escdesk.store.models import UtcDateTime

CROCKFORD = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"  # the ULID alphabet, one digit per 5 bits
_PAIRS = [a + b for a in CROCKFORD for b in CROCKFORD]  # every 10-bit value as its two digits


def _digits(value: int, count: int) -> str:
    return "".join(CROCKFORD[(value >> (5 * i)) & 31] for i in reversed(range(count)))


class UlidSequence:
    """ULIDs for the new rows of one import, as escdesk.ids.new_id makes them (26 characters: 10 of milliseconds,
    16 of randomness), at a fraction of the cost: the import's millisecond, then a random 80-bit start counted up
    by one per id (the ULID spec's monotonic mode), so the ids also sort in file order. Only the last 4 digits
    change from one id to the next (the first 22 are re-encoded every 2**20 ids)."""

    def __init__(self) -> None:
        self._time = _digits(time.time_ns() // 1_000_000, 10)
        # The top random bit starts clear: 2**79 ids fit before the count could overflow the 80 bits.
        self._random = int.from_bytes(os.urandom(10), "big") >> 1
        self._high, self._head = -1, ""

    def __call__(self) -> str:
        value = self._random
        self._random = value + 1
        if value >> 20 != self._high:
            self._high = value >> 20
            self._head = self._time + _digits(self._high, 12)
        return self._head + _PAIRS[(value >> 10) & 1023] + _PAIRS[value & 1023]


def insert_rows(session: Session, table: Table, rows: Sequence[dict[str, Any]]) -> None:
    """INSERT every row (all with the same keys) in one driver executemany."""
    if not rows:
        return
    keys = list(rows[0])
    connection = session.connection()
    dialect = connection.dialect
    compiled = insert(table).compile(dialect=dialect, column_keys=keys)
    order = list(compiled.positiontup or ()) if compiled.positional else keys
    columns = [_bound(table, key, dialect, [row[key] for row in rows]) for key in order]
    params: list[Any] = list(zip(*columns, strict=True))
    if not compiled.positional:
        params = [dict(zip(order, values, strict=True)) for values in params]
    connection.exec_driver_sql(compiled.string, params)


def _bound(table: Table, key: str, dialect: Dialect, values: list[Any]) -> list[Any]:
    """One column's values through the column type's bind processor."""
    kind = table.c[key].type
    process = kind.dialect_impl(dialect).bind_processor(dialect)
    if process is None:
        return values
    if isinstance(kind, UtcDateTime | Date | Boolean):
        # Few distinct values (the import's `now` in every row, a flag): each processed once, the column mapped.
        done = {value: process(value) for value in set(values)}
        return list(map(done.__getitem__, values))
    if isinstance(kind, JSON):  # most rows hold None or an empty list
        none, empty = process(None), process([])
        return [none if v is None else empty if type(v) is list and not v else process(v) for v in values]
    return list(map(process, values))
