"""Unit of work: one session per user action, rolled back unless committed (cosmicpython's pattern)."""

from __future__ import annotations

from types import TracebackType

from sqlalchemy.orm import Session, sessionmaker

from escdesk.store.briefs import BriefRepository
from escdesk.store.repositories import CaseRepository, CustomerRepository, MetaRepository, PersonRepository


class UnitOfWork:
    """`with store.uow() as uow: ...; uow.commit()`. Leaving the block without commit discards everything."""

    session: Session
    cases: CaseRepository
    customers: CustomerRepository
    people: PersonRepository
    meta: MetaRepository
    briefs: BriefRepository

    def __init__(self, session_factory: sessionmaker[Session]) -> None:
        self._session_factory = session_factory

    def __enter__(self) -> UnitOfWork:
        self.session = self._session_factory()
        self.cases = CaseRepository(self.session)
        self.customers = CustomerRepository(self.session)
        self.people = PersonRepository(self.session)
        self.meta = MetaRepository(self.session)
        self.briefs = BriefRepository(self.session)
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        try:
            self.session.rollback()
        finally:
            self.session.close()

    def commit(self) -> None:
        self.session.commit()

    def rollback(self) -> None:
        self.session.rollback()
