"""Demo and scale data inside the product: `escdesk demo` writes a deterministic, realistic book of business.

The rows come from `escdesk.demo_book.generate` (pure, seeded; the same DemoSpec always gives the same rows). This
module writes them: in batches, in one transaction, through the column types of the store's tables. An SQLite demo
is built in a temporary file beside the target and renamed onto it only once complete, so nobody ever opens half a
demo; a team (PostgreSQL) database is filled, or emptied and refilled with --replace, in one transaction.
"""

from __future__ import annotations

import contextlib
import glob
import logging
import sqlite3
import time
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import JSON, Connection, delete, event, func, insert, select, text, update
from sqlalchemy.exc import DBAPIError

from escdesk.connect import AskPassword, open_database
from escdesk.demo_book import COLUMNS, FIRST_CASE_NUMBER, generate
from escdesk.demo_outcomes import write_demo_outcomes
from escdesk.errors import EscDeskError
from escdesk.file_use import (
    DatabaseInUse,
    fsync_path,
    held_temporary,
    refuse_if_in_use,
    remove_stale_temporaries,
    replace_database_file,
)
from escdesk.store import Store
from escdesk.store.engine import DatabaseTarget, resolve_target
from escdesk.store.models import Base
from escdesk.store.repositories import MetaRepository

log = logging.getLogger(__name__)

Row = tuple[Any, ...]
BATCH = 5_000
BUILDING = ".building"  # the demo is built in `.<target name>.XXXXXXXX.building` beside the target
TABLES = Base.metadata.tables
# Every table the demo fills, in an order that satisfies the foreign keys.
TABLE_ORDER = (
    "people",
    "person_roles",
    "customers",
    "customer_external_ids",
    "health_scores",
    "escalations",
    "escalation_tickets",
    "escalation_flags",
    "case_events",
    "involvements",
    "checklist_items",
    "case_briefs",
    "case_plan_items",
)
SQLITE_MAGIC = b"SQLite format 3\x00"
CLOSED_AT = COLUMNS["escalations"].index("closed_at")


class DemoError(EscDeskError):
    """The demo would overwrite data, cannot be generated as asked, or could not be written."""


@dataclass(frozen=True)
class DemoSpec:
    customers: int
    open_cases: int
    history: int
    seed: int
    as_of: datetime  # aware; kept in UTC

    def __post_init__(self) -> None:
        if self.as_of.tzinfo is None:
            raise ValueError("DemoSpec.as_of must be an aware datetime")
        object.__setattr__(self, "as_of", self.as_of.astimezone(UTC))
        if min(self.customers, self.open_cases, self.history) < 0:
            raise DemoError("demo sizes must be 0 or more")
        if self.customers == 0 and self.open_cases + self.history > 0:
            raise DemoError("escalations need customers: give --customers 1 or more")


@dataclass(frozen=True)
class DemoSummary:
    target: str
    customers: int
    people: int
    open_cases: int
    closed_cases: int
    events: int
    health_points: int
    seconds: float

    def as_dict(self) -> dict[str, object]:
        return {**asdict(self), "seconds": round(self.seconds, 3)}

    def describe(self) -> str:
        return (
            f"Wrote a demo book of business to {self.target}: {self.customers:,} customers, {self.people:,} people, "
            f"{self.open_cases:,} open and {self.closed_cases:,} closed escalations, {self.events:,} history "
            f"events, {self.health_points:,} health scores in {self.seconds:.1f} s.\n"
            f"Open it with: escdesk --db {self.target}"
        )


# -- writing rows -------------------------------------------------------------------------------------------------


class _SqliteInserts:
    """What SQLAlchemy's executemany does on SQLite, minus most of its per-row cost: every value goes through its
    column type's bind processor (UtcDateTime included), memoised per type within a batch since a case repeats its
    instants across tables, then one DB-API executemany per table and batch. A scale build has two million rows."""

    def __init__(self, connection: Connection) -> None:
        self.connection = connection
        self.caches: dict[type, dict[Any, Any]] = {}
        self.statements: dict[str, tuple[str, list[tuple[int, dict[Any, Any], Callable[[Any], Any]]]]] = {}
        for name, columns in COLUMNS.items():
            processors = [(i, *p) for i, column in enumerate(columns) if (p := self._processor(name, column))]
            sql = f"INSERT INTO {name} ({', '.join(columns)}) VALUES ({', '.join('?' * len(columns))})"
            self.statements[name] = (sql, processors)

    def _processor(self, table: str, column: str) -> tuple[dict[Any, Any], Callable[[Any], Any]] | None:
        dialect = self.connection.dialect
        column_type = TABLES[table].c[column].type.dialect_impl(dialect)
        process = column_type.bind_processor(dialect)
        return None if process is None else (self.caches.setdefault(type(column_type), {}), process)

    def __call__(self, batch: list[tuple[str, list[Row]]]) -> None:
        for table, rows in batch:
            sql, processors = self.statements[table]
            columns: list[Iterable[Any]] = list(zip(*rows, strict=True))
            for index, cache, process in processors:
                values = columns[index]
                if isinstance(TABLES[table].c[COLUMNS[table][index]].type, JSON):  # a list is no cache key
                    columns[index] = [None if v is None else process(v) for v in values]
                    continue
                for value in {v for v in values if v not in cache}:
                    if value is not None:
                        cache[value] = process(value)
                columns[index] = map(cache.get, values)  # None stays None
            self.connection.exec_driver_sql(sql, list(zip(*columns, strict=True)))
        for cache in self.caches.values():
            cache.clear()


class _CoreInserts:
    """SQLAlchemy Core executemany of dicts through the mapped tables: any database (psycopg batches them)."""

    def __init__(self, connection: Connection) -> None:
        self.connection = connection

    def __call__(self, batch: list[tuple[str, list[Row]]]) -> None:
        for table, rows in batch:
            columns = COLUMNS[table]
            self.connection.execute(insert(TABLES[table]), [dict(zip(columns, row, strict=True)) for row in rows])


class _Writer:
    """Buffers rows per table and hands them on in foreign-key order, about BATCH rows per table at a time."""

    def __init__(self, connection: Connection) -> None:
        sqlite = connection.dialect.name == "sqlite"
        self._insert = _SqliteInserts(connection) if sqlite else _CoreInserts(connection)
        self._buffers: dict[str, list[Row]] = {name: [] for name in TABLE_ORDER}
        self.counts: Counter[str] = Counter()

    def add(self, table: str, rows: list[Row]) -> None:
        self._buffers[table].extend(rows)
        self.counts[table] += len(rows)
        if table == "escalations":
            self.counts["open_cases"] += sum(1 for row in rows if row[CLOSED_AT] is None)
        if len(self._buffers[table]) >= BATCH:
            self.flush()

    def flush(self) -> None:
        batch = [(name, rows) for name, rows in self._buffers.items() if rows]
        self._buffers = {name: [] for name in TABLE_ORDER}
        if batch:
            self._insert(batch)


def _fill(connection: Connection, spec: DemoSpec) -> Counter[str]:
    """Generate and insert every row, point the case counter past the last case number, mark the database a demo."""
    writer = _Writer(connection)
    for table, rows in generate(spec):
        writer.add(table, rows)
    writer.flush()
    write_demo_outcomes(connection, spec)  # renewals and churn at past renewal dates (issue 9)
    counter = TABLES["case_counter"]
    next_number = FIRST_CASE_NUMBER + writer.counts["escalations"]
    bumped = connection.execute(update(counter).where(counter.c.id == 1).values(next_number=next_number))
    if bumped.rowcount == 0:
        connection.execute(insert(counter).values(id=1, next_number=next_number))
    meta = TABLES["database_meta"]  # the app labels a demo as one, wherever its file lives
    connection.execute(delete(meta).where(meta.c.key == MetaRepository.ORIGIN))
    connection.execute(insert(meta).values(key=MetaRepository.ORIGIN, value="demo"))
    return writer.counts


def _require_empty(connection: Connection, display: str) -> None:
    held = {
        name: connection.execute(select(func.count()).select_from(TABLES[name])).scalar_one()
        for name in ("customers", "people", "escalations")
    }
    if any(held.values()):
        listed = ", ".join(f"{n:,} {name}" for name, n in held.items() if n)
        raise DemoError(f"{display} already holds data ({listed}); add --replace to delete it and write the demo")


def _summary(display: str, counts: Counter[str], seconds: float) -> DemoSummary:
    return DemoSummary(
        target=display,
        customers=counts["customers"],
        people=counts["people"],
        open_cases=counts["open_cases"],
        closed_cases=counts["escalations"] - counts["open_cases"],
        events=counts["case_events"],
        health_points=counts["health_scores"],
        seconds=seconds,
    )


def populate(store: Store, spec: DemoSpec) -> DemoSummary:
    """Fill an already-migrated, empty database in one transaction."""
    started = time.perf_counter()
    with store.uow() as uow:
        connection = uow.session.connection()
        _require_empty(connection, store.target.display)
        counts = _fill(connection, spec)
        uow.commit()
    return _summary(store.target.display, counts, time.perf_counter() - started)


# -- targets ------------------------------------------------------------------------------------------------------


def write_demo_database(
    target: DatabaseTarget, spec: DemoSpec, *, replace: bool = False, ask_password: AskPassword | None = None
) -> DemoSummary:
    """Write the demo to an SQLite file (refusing an existing one unless `replace`) or a team database."""
    started = time.perf_counter()
    try:
        if target.path is not None:
            counts = _write_sqlite(target.path, spec, replace)
        else:
            counts = _write_team(target, spec, replace, ask_password)
    except DBAPIError as exc:
        detail = str(exc.orig).strip().splitlines()[0] if exc.orig is not None else str(exc)
        raise DemoError(f"writing the demo to {target.display} failed: {detail}") from exc
    return _summary(target.display, counts, time.perf_counter() - started)


def _write_team(
    target: DatabaseTarget, spec: DemoSpec, replace: bool, ask_password: AskPassword | None
) -> Counter[str]:
    opened = open_database(target, ask_password=ask_password)
    for notice in opened.notices:
        log.warning("%s", notice)
    try:
        with opened.store.uow() as uow:
            connection = uow.session.connection()
            if replace:
                # TRUNCATE fires no row triggers, so the append-only case_events empties too; all in this transaction.
                connection.execute(text(f"TRUNCATE {', '.join(TABLE_ORDER)} RESTART IDENTITY CASCADE"))
            _require_empty(connection, target.display)
            counts = _fill(connection, spec)
            uow.commit()
    finally:
        opened.store.close()
    return counts


def _check_sqlite_target(path: Path, replace: bool) -> None:
    if path.is_dir():
        raise DemoError(f"{path} is a folder; give the path of the demo database file")
    if not path.exists():
        return
    if not replace:
        raise DemoError(f"{path} already exists; add --replace to overwrite it with a demo database")
    try:
        with path.open("rb") as handle:
            header = handle.read(len(SQLITE_MAGIC))
    except OSError as exc:
        raise DemoError(f"cannot read {path} to check what it is: {exc.strerror}") from exc
    if header and header != SQLITE_MAGIC:
        raise DemoError(f"{path} is not an SQLite database; refusing to overwrite it, even with --replace")


def _write_sqlite(path: Path, spec: DemoSpec, replace: bool) -> Counter[str]:
    """Build beside the target, then rename onto it: the target is either untouched or a complete demo.

    Replacing is refused while another process (a running EscDesk) has the target open, before the build and
    again at the rename: that process would go on committing into the old, deleted file."""
    _check_sqlite_target(path, replace)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        if path.exists():
            refuse_if_in_use(path, "replacing it with a demo")
        remove_stale_temporaries(path.parent, glob.escape(path.name), BUILDING)
        with held_temporary(path, BUILDING) as building:
            _set_page_size(building)
            counts = _build_file(building, spec)
            fsync_path(building)
            replace_database_file(building, path, "replacing it with a demo")
    except DatabaseInUse as exc:
        raise DemoError(str(exc)) from None
    except OSError as exc:
        raise DemoError(f"cannot create {path}: {exc.strerror or exc}") from exc
    return counts


def _build_file(building: Path, spec: DemoSpec) -> Counter[str]:
    store = open_database(resolve_target(building), create=True).store
    try:
        # A crash mid-build loses only the temporary file, so SQLite may skip its fsyncs; one fsync_path at the end.
        store.engine.dispose()
        event.listen(store.engine, "connect", _bulk_build_pragmas)
        with store.uow() as uow:
            counts = _fill(uow.session.connection(), spec)
            uow.commit()
    finally:
        store.close()  # every connection closed before the file is renamed (the migrations' WAL checkpointed)
    return counts


def _set_page_size(empty_file: Path) -> None:
    """16 KiB pages instead of 4: a tenth faster for a scale build's two million rows, and fine for everyday use.
    SQLite fixes the page size when it first writes a file, so this runs before the migrations."""
    with contextlib.closing(sqlite3.connect(empty_file)) as connection:
        connection.execute("PRAGMA page_size = 16384")
        connection.execute("VACUUM")


def _bulk_build_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA synchronous = OFF")
    cursor.execute("PRAGMA journal_mode = MEMORY")
    cursor.execute("PRAGMA cache_size = -131072")  # 128 MiB: a scale build's indexes stay in memory
    cursor.close()
