"""Per-case facts: the numbers of one case that take its history to work out (update cadence in business time on
the case's calendar, time at each level, checklist step outcomes), computed with the pure definitions.

They change only when the case does (its version) or the clock policy does (calendars, cadences: the digest), so
they are kept in case_metric_facts (migration 0005): the dashboard reads 30,000 cases' worth in two indexed
queries instead of walking half a million events and checklist rows each time. What still runs on an open case
is kept as instants (the running update interval's due time, the current level's entry, open steps' due times),
so one stored row serves every `now`: `finish` completes it. Cases without valid facts are computed from their
history at the reading and stored for next time (the first reading of a large database pays for the rest).
"""

from __future__ import annotations

import hashlib
import json
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
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
from escdesk.store.metrics_facts import CaseHistory, CaseLine, StoredFacts
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


# -- finishing a kept row for `now` -------------------------------------------------------------------------------


def cadence_now(facts: StoredFacts | CaseLine, now_s: float) -> tuple[int, int]:
    """(intervals, within): the running interval counts once late (see definitions.update_intervals)."""
    late = facts.running_due_s is not None and now_s > facts.running_due_s
    return (facts.cadence_intervals or 0) + late, facts.cadence_within or 0


def levels_now(facts: StoredFacts | CaseLine, now_s: float) -> dict[str, float]:
    """Seconds at each level the case was at, the current stay running to now."""
    found = {code: s for code, s in zip(LEVEL_CODES, facts.levels, strict=True) if s is not None}
    if facts.current_level is not None and facts.current_since_s is not None:
        found[facts.current_level] = found.get(facts.current_level, 0.0) + max(0.0, now_s - facts.current_since_s)
    return found


def step_counts(groups: Iterable[tuple[str, str, str, int]], now_s: float) -> Counter[tuple[str, int, StepOutcome]]:
    """(key, position, outcome) -> steps, from (step keys, codes, open due times, cases) groups."""
    counts: Counter[tuple[str, int, StepOutcome]] = Counter()
    for keys, codes, due_text, n in groups:
        due = {int(p): float(t) for p, _, t in (part.partition("=") for part in due_text.split(";") if part)}
        for where, code in zip(keys.split(",") if keys else [], codes, strict=True):
            key, _, position_text = where.rpartition(":")
            position = int(position_text)
            if code == DUE:
                outcome = StepOutcome.OVERDUE if due[position] < now_s else StepOutcome.PENDING
            else:
                outcome = _CODES[code]
            counts[(key, position, outcome)] += n
    return counts


# -- reading ------------------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class FactsReading:
    now_s: float
    lines: list[CaseLine]  # every case opened in the window, each with its facts
    step_groups: list[tuple[str, str, str, int]]  # (step keys, codes, open due times, cases)
    computed: int  # how many were computed from their history this time


def read_facts(store: Store, scope: Scope, policy: Policy, *, keep: bool = True) -> FactsReading:
    """The cases opened in the window with their facts: kept ones as read, the others computed from their
    history (and, with `keep`, stored in a unit of work of their own)."""
    digest = policy_digest(policy)
    with store.read() as uow:
        lines = q.case_lines(uow.session, scope, digest)
        groups = q.step_groups(uow.session, scope, digest)
        missing = [line.id for line in lines if not line.has_facts]
        found = q.histories(uow.session, missing) if missing else []
    spans = cadence_spans(policy)
    fresh = {h.case.id: (h, compute_facts(h, policy, spans)) for h in found}
    lines = [line if line.has_facts else line.with_facts(fresh[line.id][1]) for line in lines]
    fresh_groups = Counter((f.step_keys, f.steps, f.open_due) for _, f in fresh.values())
    groups += [(keys, codes, due, n) for (keys, codes, due), n in fresh_groups.items()]
    if keep and fresh:
        with store.uow() as uow:
            q.store_facts(uow.session, [(h.case.id, h.case.version, f) for h, f in fresh.values()], digest,
                          datetime.now(UTC))  # fmt: skip
            uow.commit()
    return FactsReading(scope.now.timestamp(), lines, groups, len(fresh))
