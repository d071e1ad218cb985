"""The brief fields and the weekly report's SQL on a real PostgreSQL server: the same hand-built week gives the same
figures as on SQLite (no dialect-specific date arithmetic, JSON options, booleans). Needs TEST_PG_URL."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, timedelta

import pytest
from test_weekly_report import book, w10  # noqa: F401 (fixtures, beside this file)

from escdesk.brief_service import BriefFields, brief_content, save_brief_fields
from escdesk.briefs import BriefOption, PlanItem, build_brief_pdf
from escdesk.clock import FrozenClock
from escdesk.connect import OpenedDatabase, open_database
from escdesk.policy import default_policy
from escdesk.reports.portfolio import WeeklyPortfolio
from escdesk.reports.weekly import build_weekly_pdf
from escdesk.store import Store
from escdesk.store.engine import resolve_target
from escdesk.store.models import Escalation

pytestmark = pytest.mark.postgres


@pytest.fixture
def opened(pg_url: str) -> Iterator[OpenedDatabase]:
    result = open_database(resolve_target(pg_url), create=True)
    yield result
    result.store.close()


def test_the_week_reads_the_same_on_postgresql(w10: WeeklyPortfolio) -> None:  # noqa: F811
    assert (w10.open_cases, w10.accounts, w10.overdue_acknowledgements, w10.overdue_updates) == (4, 3, 1, 2)
    assert w10.over_ceiling == 1
    assert [(f.opened, f.closed, f.reopened, f.open_at_end) for f in w10.trend][-1] == (3, 1, 1, 4)
    assert [g.count for g in w10.ageing] == [0, 2, 2, 0, 0]
    assert build_weekly_pdf(w10).startswith(b"%PDF")


def test_brief_fields_round_trip_on_postgresql(book: Store, clock: FrozenClock) -> None:  # noqa: F811
    with book.read() as uow:
        case_id = uow.session.query(Escalation.id).order_by(Escalation.number).limit(1).scalar()
    fields = BriefFields(
        exec_ask="Approve the credit", exec_ask_deadline=clock.now() + timedelta(days=1), root_cause_known=True,
        options=(BriefOption("Credit", "now", recommended=True),), plan=(PlanItem("Fix", "Eng", date(2026, 3, 20)),),
    )  # fmt: skip
    save_brief_fields(book, case_id, fields, clock=clock, actor="lead")
    save_brief_fields(book, case_id, fields, clock=clock, actor="lead")  # the second save replaces the plan
    content = brief_content(book, case_id, clock=clock, policy=default_policy(), time_zone="Europe/Berlin")
    assert content.options[0].recommended and content.root_cause_known
    assert [p.action for p in content.plan] == ["Fix"]
    assert content.ask.deadline == fields.exec_ask_deadline
    assert build_brief_pdf(content).startswith(b"%PDF")
