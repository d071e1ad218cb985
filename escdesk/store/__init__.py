"""Persistence: SQLAlchemy mappings, repositories, unit of work, engine set-up and migrations."""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from escdesk.store.engine import DatabaseTarget
from escdesk.store.uow import UnitOfWork


@dataclass
class Store:
    """An opened, migrated database. Hand out one unit of work per user action."""

    target: DatabaseTarget
    engine: Engine
    _writer: sessionmaker[Session] = field(init=False, repr=False)
    _reader: sessionmaker[Session] = field(init=False, repr=False)

    def __post_init__(self) -> None:
        # Writers take SQLite's write lock at BEGIN (see engine._sqlite_on_begin); readers never block writers.
        write_engine = self.engine.execution_options(escdesk_write=True)
        self._writer = sessionmaker(write_engine, expire_on_commit=False)
        self._reader = sessionmaker(self.engine, expire_on_commit=False)

    def uow(self) -> UnitOfWork:
        return UnitOfWork(self._writer)

    def read(self) -> UnitOfWork:
        return UnitOfWork(self._reader)

    def close(self) -> None:
        self.engine.dispose()


__all__ = ["DatabaseTarget", "Store", "UnitOfWork"]
