"""The escalation analytics on a real PostgreSQL server: the same hand-built book (test_metrics_dashboard) and the
same kept facts (test_metrics_facts) give the same numbers as on SQLite: epoch seconds as floats, ISO dates,
booleans, the facts rows written and read back. Needs TEST_PG_URL (build/pg-throwaway)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

# The tests beside this file, collected again here with `opened` on PostgreSQL (fixtures included).
from test_metrics_dashboard import (  # noqa: F401
    book,
    dashboard,
    test_checklist_adherence,
    test_drill_down,
    test_empty_period,
    test_escalation_rate_by_band_and_csm,
    test_escalation_rate_by_month,
    test_headline,
    test_outcomes_after_escalation,
    test_parallel_and_serial_reads_agree,
    test_proactive_vs_reactive,
    test_rates_over_a_window_longer_than_one_month_mask,
    test_reescalation,
    test_root_cause_pareto,
    test_single_case,
    test_time_at_level,
    test_time_to_acknowledge_and_resolve,
    test_update_cadence,
)
from test_metrics_facts import (  # noqa: F401
    test_cadence_in_business_time_and_kept_facts,
    test_kept_checklist_and_instants_to_the_microsecond,
    test_kept_facts_are_recomputed_when_the_case_or_the_policy_changes,
    test_time_at_level_of_an_open_case_runs_to_now,
)

from escdesk.connect import OpenedDatabase, open_database
from escdesk.store.engine import resolve_target

pytestmark = pytest.mark.postgres


@pytest.fixture
def opened(pg_url: str) -> Iterator[OpenedDatabase]:
    result = open_database(resolve_target(pg_url), create=True)
    yield result
    result.store.close()
