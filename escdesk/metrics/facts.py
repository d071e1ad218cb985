"""Per-case facts: the numbers of one case that take its history to work out (update cadence in business time on
the case's calendar, time at each level, checklist step outcomes), computed with the pure definitions.

They change only when the case does (its version) or the clock policy does (calendars, cadences: the digest), so
they are kept in case_metric_facts (migration 0005): the dashboard aggregates 30,000 cases' worth in the database
(escdesk.store.metrics_groups) instead of walking half a million events and checklist rows each time. What still
runs on an open case is kept as instants (the running update interval's due time, the current level's entry, open
steps' due times), so one stored row serves every `now`: the aggregate queries finish it, and `step_counts` the
checklist. Before a reading, `fill_facts` computes the cases without valid facts from their history and stores
them (the first reading of a large database pays for the rest).
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
_CODES = {"o": StepOutcome.ON_TIME, "l": StepOutcome.LATE, "s": StepOutcome.SKIPPED, "p": StepOutcome.PENDING}
DUE = "d"  # an open step with a due time: overdue once it has passed, pending before


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


def compute_facts(history: CaseHistory, policy: Policy, spans: dict[tuple[str, str], Span]) -> StoredFacts:
    """One case's facts in the form kept (what runs on an open case as instants, see `finish`)."""
    case = history.case
    active = case.resolved_at is None and case.closed_at is None
    calendar = policy.clocks.calendar_for(Severity(case.severity), Pace(case.pace), case.region)
    contacts = [at for at, kind, _ in history.events if kind == _CONTACT]
    span = spans[(case.severity, case.pace)]
    if active:
        intervals, within, running = _settled_intervals(case.acknowledged_at, contacts, span, calendar)
    else:
        stop = case.resolved_at or case.closed_at
        assert stop is not None
        intervals, within = business_update_intervals(case.acknowledged_at, contacts, stop, active=False,
                                                      cadence=span, calendar=calendar)  # fmt: skip
        running = None
    levels, current, since = _levels(history, active)
    keys = ",".join(f"{key}:{position}" for key, position, *_ in history.steps)
    codes, due = _step_codes(history.steps)
    return StoredFacts(intervals, within, running, levels, current, since, keys, codes, due)


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
    return tuple(totals.get(code) for code in LEVEL_CODES), current, since


def _step_codes(steps: Iterable[tuple[str, int, str, datetime | None, datetime | None]]) -> tuple[str, str]:
    codes, due_times = [], []
    for _, position, status, due, done in steps:
        if status == "skipped":
            codes.append("s")
        elif status == "done":
            codes.append("l" if due is not None and done is not None and done > due else "o")
        elif due is None:
            codes.append("p")
        else:
            codes.append(DUE)
            due_times.append(f"{position}={due.timestamp()!r}")
    return "".join(codes), ";".join(due_times)


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
    with store.read() as uow:
        missing = q.missing_facts(uow.session, scope, digest)
        found = q.histories(uow.session, missing) if missing else []
    if not found:
        return 0
    spans = cadence_spans(policy)
    rows = [(h.case.id, h.case.version, compute_facts(h, policy, spans)) for h in found]
    with store.uow() as uow:
        q.store_facts(uow.session, rows, digest, datetime.now(UTC))
        uow.commit()
    return len(rows)
