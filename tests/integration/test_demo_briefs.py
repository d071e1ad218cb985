"""Briefs and the weekly report from a generated demo database: the open cases at director level and above carry
brief fields (demo_briefs), every open case's brief is one page and names its case, the report parses."""

from __future__ import annotations

import io
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from pypdf import PdfReader

from escdesk.brief_service import brief_content
from escdesk.briefs import build_brief_pdf
from escdesk.clock import FrozenClock
from escdesk.connect import open_database
from escdesk.demo import DemoSpec, write_demo_database
from escdesk.domain import Level
from escdesk.policy import default_policy
from escdesk.reports.portfolio import weekly_portfolio
from escdesk.reports.weekly import build_weekly_pdf
from escdesk.reports.weeks import week_of
from escdesk.store import Store
from escdesk.store.engine import resolve_target

AS_OF = datetime(2026, 12, 1, 9, tzinfo=UTC)
ZONE = "Europe/Berlin"


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("demo") / "demo.sqlite"
    write_demo_database(resolve_target(path), DemoSpec(customers=400, open_cases=40, history=200, seed=7, as_of=AS_OF))
    return path


@pytest.fixture
def store(demo: Path) -> Iterator[Store]:
    opened = open_database(resolve_target(demo))
    yield opened.store
    opened.store.close()


def text_of(pdf: bytes) -> tuple[int, str]:
    pages = PdfReader(io.BytesIO(pdf)).pages
    return len(pages), " ".join(" ".join(p.extract_text() for p in pages).split())


def test_every_open_demo_case_briefs_on_one_page(store: Store) -> None:
    clock, policy = FrozenClock(AS_OF), default_policy()
    with store.read() as uow:
        cards = uow.cases.open_cards()
    assert len(cards) == 40
    filled = 0
    for card in cards:
        content = brief_content(store, card.id, clock=clock, policy=policy, time_zone=ZONE)
        pages, text = text_of(build_brief_pdf(content))
        assert pages == 1, card.reference
        assert card.reference in text and card.customer_name.split()[0] in text
        if card.level >= Level.L2:
            assert content.ask.request and content.options and content.plan, card.reference
            assert "Not recorded yet" not in text.split("NEXT UPDATE")[0], card.reference
            filled += 1
    assert filled > 5


def test_the_demo_weekly_report(store: Store) -> None:
    clock = FrozenClock(AS_OF)
    portfolio = weekly_portfolio(store, week_of(AS_OF, ZONE), clock=clock, policy=default_policy(), time_zone=ZONE)
    assert portfolio.open_cases == 40 and sum(g.count for g in portfolio.by_level) == 40
    pages, text = text_of(build_weekly_pdf(portfolio))
    assert pages >= 2 and f"Page {pages} of {pages}" in text
