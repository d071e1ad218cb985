"""The board card's health trend: the customer's latest score and its change since the first score of the last
30 days (CaseService.HEALTH_TREND_DAYS), read in the same statement as the rest of the card."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

from escdesk.clock import FrozenClock
from escdesk.connect import open_database
from escdesk.domain import CaseType, NewCase, Pace, Severity
from escdesk.ids import new_id
from escdesk.money import to_cents
from escdesk.policy import default_policy
from escdesk.services import CaseService
from escdesk.store import Store
from escdesk.store.engine import resolve_target
from escdesk.store.models import Customer, HealthScore

NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


def _customer(store: Store, name: str, scores: list[tuple[int, int]]) -> str:
    """A customer with (days ago, score) health points."""
    customer_id = new_id()
    with store.uow() as uow:
        uow.customers.add(
            Customer(
                id=customer_id,
                name=name,
                band="ENT",
                arr_cents=to_cents(400_000),
                version=1,
                created_at=NOW,
                updated_at=NOW,
            )
        )
        for days_ago, score in scores:
            measured = (NOW - timedelta(days=days_ago)).date()
            uow.session.add(HealthScore(customer_id=customer_id, measured_on=measured, score=score, source="import"))
        uow.commit()
    return customer_id


def test_cards_carry_the_latest_health_score_and_its_30_day_change(tmp_path: Path) -> None:
    store = open_database(resolve_target(tmp_path / "health.sqlite"), create=True).store
    try:
        falling = _customer(store, "Falling", [(45, 90), (28, 74), (10, 66), (0, 60)])
        single = _customer(store, "Single", [(3, 81)])
        unmeasured = _customer(store, "Unmeasured", [])
        service = CaseService(store, FrozenClock(NOW), default_policy(), "tester")
        opened = {
            customer: service.open_case(NewCase(customer, "Case", CaseType.PRODUCT_BUG, Severity.S3, Pace.FAST))
            for customer in (falling, single, unmeasured)
        }
        cards = {card.customer_id: card for card in service.open_cards()}
    finally:
        store.close()
    assert (cards[falling].health_score, cards[falling].health_change) == (60, -14)  # 74 (28 days ago) -> 60
    assert (cards[single].health_score, cards[single].health_change) == (81, 0)
    assert (cards[unmeasured].health_score, cards[unmeasured].health_change) == (None, None)
    assert opened[falling].health_change == -14  # the card a command returns has it too
