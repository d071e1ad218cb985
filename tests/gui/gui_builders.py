"""Small real databases for GUI tests, made through the services (no demo generator needed)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path

from escdesk.clock import FrozenClock
from escdesk.connect import open_database
from escdesk.domain import CaseCard, CaseStatus, CaseType, Level, NewCase, Pace, Severity
from escdesk.ids import new_id
from escdesk.money import to_cents
from escdesk.policy import Policy, default_policy
from escdesk.services import CaseService
from escdesk.store import Store
from escdesk.store.engine import resolve_target
from escdesk.store.models import Customer
from ui.controller import DeskController
from ui.main_window import MainWindow

AS_OF = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)

Desk = tuple[MainWindow, DeskController]
MakeDesk = Callable[..., Desk]  # the make_desk fixture: build(*, screenshot=False, opener=open_database)


@dataclass(frozen=True)
class CaseSpec:
    customer: str
    arr: int
    title: str
    severity: Severity = Severity.S3
    pace: Pace = Pace.FAST
    case_type: CaseType = CaseType.PRODUCT_BUG
    move_to: Level | None = None
    status: CaseStatus | None = None
    age: timedelta = timedelta(hours=5)


SAMPLE = (
    CaseSpec("Müller & Söhne GmbH", 1_400_000, "Nightly sync drops invoices since the 2.14 upgrade", Severity.S1),
    CaseSpec(
        "Northwind Traders", 320_000, "Reporting dashboards time out for EU users", Severity.S2, age=timedelta(days=3)
    ),
    CaseSpec(
        "Blue Yonder Airlines", 42_000, "Admin cannot reset SSO after domain move", Severity.S4, age=timedelta(days=12)
    ),
    CaseSpec(
        "Contoso Pharmaceuticals",
        780_000,
        "Health score fell 28 points after the sponsor left",
        Severity.S3,
        Pace.SLOW_BURN,
        CaseType.HEALTH_DECLINE,
        move_to=Level.L4,
        status=CaseStatus.WAITING_ON_CUSTOMER,
        age=timedelta(days=20),
    ),
    CaseSpec(
        "Fabrikam Residences", 95_000, "Billing dispute over duplicate seats", Severity.S3, case_type=CaseType.BILLING
    ),
)


def build_database(path: Path, specs: tuple[CaseSpec, ...] = SAMPLE, as_of: datetime = AS_OF) -> list[CaseCard]:
    """Create an EscDesk SQLite database at `path` holding one customer and one open case per spec."""
    opened = open_database(resolve_target(path), create=True)
    policy = default_policy()
    try:
        cards = [_open(opened.store, policy, spec, as_of) for spec in specs]
    finally:
        opened.store.close()
    return cards


def _open(store: Store, policy: Policy, spec: CaseSpec, as_of: datetime) -> CaseCard:
    clock = FrozenClock(as_of - spec.age)
    customer_id = new_id()
    with store.uow() as uow:
        uow.customers.add(
            Customer(
                id=customer_id,
                name=spec.customer,
                band=policy.band_for(Decimal(spec.arr)).value,
                arr_cents=to_cents(spec.arr),
                version=1,
                created_at=clock.now(),
                updated_at=clock.now(),
            )
        )
        uow.commit()
    service = CaseService(store, clock, policy, "builder")
    card = service.open_case(NewCase(customer_id, spec.title, spec.case_type, spec.severity, spec.pace))
    clock.advance(spec.age / 2)
    if spec.move_to is not None:
        card = service.move_level(card.id, spec.move_to, "customer exec called our COO", card.version)
    if spec.status is not None:
        card = service.set_status(card.id, spec.status, "asked for logs", card.version)
    return card
