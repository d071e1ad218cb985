"""Per-case facts: the numbers of one case that take its history to work out (update cadence in business time on
the case's calendar, time at each level, checklist step outcomes), computed with the pure definitions.

They change only when the case does (its version) or the clock policy does (calendars, cadences: the digest), so
they are kept in case_metric_facts (migration 0005): the dashboard aggregates 30,000 cases' worth in the database
(escdesk.store.metrics_groups) instead of walking half a million events and checklist rows each time. What still
runs on an open case is kept as instants (the running update interval's due time, the current level's entry, open
steps' due times), so one stored row serves every `now`: the aggregate queries finish it, and `step_counts` the
checklist. Before a reading, `fill_facts` computes the cases without valid facts from their history and stores
them (the first reading of a large database pays for the rest: 62,000 cases in about 5 s). The checklist part
needs no calendar: the history read hands it over in the form kept (escdesk.store.metrics_facts).
"""

from __future__ import annotations

import hashlib
import json
from collections import Counter
from collections.abc import Iterable, Sequence
from datetime import UTC, datetime
from itertools import pairwise

from escdesk.calendars import BusinessCalendar
from escdesk.checklist import add_offset
from escdesk.collector import collector_paused
from escdesk.domain import EventKind, Level, Pace, Severity
from escdesk.durations import Span, parse_span
from escdesk.metrics.definitions import StepOutcome, business_update_intervals, level_stays
from escdesk.policy import Policy
from escdesk.store import Store
from escdesk.store import metrics_facts as q
from escdesk.store.metrics_facts import CaseHistory, StoredFacts
from escdesk.store.metrics_sql import Scope

_LEVEL_KINDS = (EventKind.OPENED.value, EventKind.LEVEL_CHANGED.value)
_CONTACT = EventKind.CUSTOMER_CONTACT.value
LEVEL_CODES = tuple(level.code for level in Level)
_CODES = {q.ON_TIME: StepOutcome.ON_TIME, q.LATE: StepOutcome.LATE, q.SKIPPED: StepOutcome.SKIPPED,
          q.PENDING: StepOutcome.PENDING}  # fmt: skip
DUE = q.DUE  # an open step with a due time: overdue once it has passed, pending before


def policy_digest(policy: Policy) -> str:
    """What the kept facts depend on in the policy: the update cadences and the calendars with their rules."""
    clocks = policy.clocks
    data = {
        "cadence": [(s.severity.value, s.update_fast, s.update_slow_burn) for s in policy.severities],
        "calendars": [c.to_dict() for c in clocks.calendars.values()],
        "rules": [repr(r) for r in clocks.rules],
    }
    return hashlib.sha256(json.dumps(data, sort_keys=True, default=str).encode()).hexdigest()[:16]


def cadence_spans(policy: Policy) -> dict[tuple[str, str], Span]:
    return {(s.severity.value, pace.value): parse_span(s.update_fast if pace is Pace.FAST else s.update_slow_burn)
            for s in policy.severities for pace in Pace}  # fmt: skip


def compute_facts(history: CaseHistory, calendar: BusinessCalendar, span: Span) -> StoredFacts:
    """One case's facts in the form kept (what runs on an open case as instants, see `finish`), its update
    cadence `span` counted on its `calendar`."""
    case = history.case
    active = case.resolved_at is None and case.closed_at is None
    contacts = [at for at, kind, _ in history.events if kind == _CONTACT]
    if active:
        intervals, within, running = _settled_intervals(case.acknowledged_at, contacts, span, calendar)
    else:
        stop = case.resolved_at or case.closed_at
        assert stop is not None
        intervals, within = business_update_intervals(case.acknowledged_at, contacts, stop, active=False,
                                                      cadence=span, calendar=calendar)  # fmt: skip
        running = None
    levels, current, since = _levels(history, active)
    return StoredFacts(intervals, within, running, levels, current, since, *history.checklist)


def _settled_intervals(
    acknowledged: datetime | None, contacts: Sequence[datetime], span: Span, calendar: BusinessCalendar
) -> tuple[int, int, float | None]:
    """An active case's intervals between the anchors so far, and when the running one becomes late."""
    if acknowledged is None:
        return 0, 0, None
    anchors = [acknowledged, *sorted(c for c in contacts if c > acknowledged)]
    within = sum(later <= add_offset(span, calendar, earlier) for earlier, later in pairwise(anchors))
    return len(anchors) - 1, within, add_offset(span, calendar, anchors[-1]).timestamp()


def _levels(history: CaseHistory, active: bool) -> tuple[tuple[float | None, ...], str | None, float | None]:
    case = history.case
    entries = [(at, str(level)) for at, kind, level in history.events if kind in _LEVEL_KINDS and level]
    totals: dict[str, float] = {}
    if active and entries:
        settled = level_stays(entries[:-1], entries[-1][0])
        current, since = entries[-1][1], entries[-1][0].timestamp()
    else:
        stop = case.resolved_at or case.closed_at
        settled, current, since = (level_stays(entries, stop) if stop else []), None, None
    for stay in settled:
        totals[stay.level] = totals.get(stay.level, 0.0) + stay.hours * 3600
    return tuple(map(totals.get, LEVEL_CODES)), current, since


# -- finishing the checklist for `now` ----------------------------------------------------------------------


def step_counts(groups: Iterable[tuple[str, str, str, int]], now_s: float) -> Counter[tuple[str, int, StepOutcome]]:
    """(key, position, outcome) -> steps, from (step keys, codes, open due times, cases) groups."""
    counts: Counter[tuple[str, int, StepOutcome]] = Counter()
    steps: dict[str, list[tuple[str, int]]] = {}  # the groups share a few step lists: each parsed once
    for keys, codes, due_text, n in groups:
        if keys not in steps:
            steps[keys] = [(key, int(position)) for key, _, position in
                           (where.rpartition(":") for where in (keys.split(",") if keys else []))]  # fmt: skip
        due = {int(p): float(t) for p, _, t in (part.partition("=") for part in due_text.split(";") if part)}
        for (key, position), code in zip(steps[keys], codes, strict=True):
            if code == DUE:
                outcome = StepOutcome.OVERDUE if due[position] < now_s else StepOutcome.PENDING
            else:
                outcome = _CODES[code]
            counts[(key, position, outcome)] += n
    return counts


# -- filling ------------------------------------------------------------------------------------------------


def fill_facts(store: Store, scope: Scope, policy: Policy) -> int:
    """Compute from their history, and keep, the facts of the window's cases that have no valid row (new cases,
    changed ones, another clock policy), so the dashboard's aggregates (escdesk.store.metrics_groups) find every
    case's facts in case_metric_facts. Returns how many were computed."""
    digest = policy_digest(policy)
    # Millions of short-lived rows, tuples and datetimes, and no cycles among them: the collector's full passes
    # over the growing histories cost a fifth of a first fill of the scale database (62,000 cases).
    with collector_paused():
        with store.read() as uow:
            missing = q.missing_cases(uow.session, scope, digest)
            found = q.histories(uow.session, missing) if missing else []
        if not found:
            return 0
        rows = _computed(found, policy)
        with store.uow() as uow:
            q.store_facts(uow.session, rows, digest, datetime.now(UTC))
            uow.commit()
    return len(rows)


def _computed(found: Iterable[CaseHistory], policy: Policy) -> list[tuple[str, int, StoredFacts]]:
    """(case id, case version, facts) of these histories. The calendar is looked up once per (severity, pace,
    region) rather than by walking the policy's rules for each of tens of thousands of cases."""
    spans = cadence_spans(policy)
    calendars: dict[tuple[str, str, str | None], BusinessCalendar] = {}
    rows = []
    for history in found:
        case = history.case
        key = (case.severity, case.pace, case.region)
        calendar = calendars.get(key)
        if calendar is None:
            calendar = policy.clocks.calendar_for(Severity(case.severity), Pace(case.pace), case.region)
            calendars[key] = calendar
        rows.append((case.id, case.version, compute_facts(history, calendar, spans[(case.severity, case.pace)])))
    return rows
