"""The rows of one demo escalation, built from its plan (escdesk.demo_plans).

Every case tells one consistent story: its history (opened, status and level changes with reasons, customer
contacts, notes, involvement changes) agrees with the stored state (status, level, level_entered_at, the
acknowledged / resolved / closed instants); its involvements follow DESIGN section 4 for its type; its recovery
checklist is ticked as far as the case got, at the moments the history shows. Rows are tuples in the order of
COLUMNS: a scale build writes about two million of them.
"""

from __future__ import annotations

import enum
import random
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING, Any

from escdesk import demo_words as W
from escdesk.checklist import ChecklistStepDef
from escdesk.demo_briefs import BriefInput, brief_rows
from escdesk.demo_plans import CasePlan, SeededIds, Weighted
from escdesk.demo_signals import signal_rows
from escdesk.domain import (
    ArrBand,
    CaseStatus,
    CaseType,
    Channel,
    Direction,
    EventKind,
    FunctionalRole,
    Level,
    Pace,
    RootCause,
    Severity,
    StepStatus,
)
from escdesk.domain import InvolvementStatus as IS
from escdesk.durations import Span, parse_span
from escdesk.money import from_cents, short_amount
from escdesk.policy import Policy

if TYPE_CHECKING:
    from escdesk.demo_book import Who

Row = tuple[Any, ...]
Rows = Iterator[tuple[str, list[Row]]]
VERSIONED = ("version", "created_at", "updated_at", "deleted_at")
COLUMNS: dict[str, tuple[str, ...]] = {
    "escalations": (
        "id", "number", "customer_id", "title", "description", "case_type", "severity", "pace", "level", "status",
        "owner_id", "opened_at", "level_entered_at", "acknowledged_at", "resolved_at", "closed_at",
        "arr_at_risk_cents", "root_cause", "policy_version", "source", *VERSIONED,
    ),
    "escalation_tickets": ("escalation_id", "system", "ticket_key", "url"),
    "case_events": (
        "id", "escalation_id", "at", "actor", "kind", "from_value", "to_value", "reason", "channel", "direction", "body"
    ),
    "involvements": (
        "id", "escalation_id", "role", "person_id", "rule_key", "due_at", "status", "reason", "decided_by",
        "decided_at", "done_at", *VERSIONED,
    ),
    "checklist_items": (
        "id", "escalation_id", "position", "step_key", "title", "required", "due_at", "status", "done_by", "done_at",
        "note", *VERSIONED,
    ),
}  # fmt: skip
RULES_ACTOR = "EscDesk rules"
DOMAIN = "escdesk-demo.example"
S = CaseStatus
PATHS = {
    S.OPEN: (),
    S.ACKNOWLEDGED: (S.ACKNOWLEDGED,),
    S.WAITING_ON_CUSTOMER: (S.ACKNOWLEDGED, S.WAITING_ON_CUSTOMER),
    S.MITIGATED: (S.ACKNOWLEDGED, S.MITIGATED),
    S.RESOLVED: (S.ACKNOWLEDGED, S.MITIGATED, S.RESOLVED),
    S.CLOSED: (S.ACKNOWLEDGED, S.MITIGATED, S.RESOLVED, S.CLOSED),
}
# Checklist: offsets in hours (fast, slow-burn) from opening, resolution or close (DESIGN section 4), and the moment
# of the story at which each step gets ticked. "acknowledge" is due at the severity's acknowledgement target; the
# follow-up ends the monitoring period that the close starts (escdesk.checklist computes the real due times).
STEP_DUE: dict[str, tuple[float | None, float | None, str]] = {
    "acknowledge": (None, 24, "open"),
    "listen": (4, 72, "open"),
    "empathise": (4, 72, "open"),
    "define_done": (4, 72, "open"),
    "involve": (1, 48, "open"),
    "contain": (24, None, "open"),
    "plan": (24, 120, "open"),
    "thank": (24, 24, "resolve"),
    "diagnose": (120, 240, "resolve"),
    "follow_up": (336, 720, "close"),
}
STEP_TICKED = {"acknowledge": "ack", "listen": "call", "empathise": "call", "define_done": "call", "contain": "contain",
               "involve": "involve", "plan": "plan", "thank": "thank", "diagnose": "diagnose",
               "follow_up": "follow_up", "sign_off": "closed"}  # fmt: skip
PROGRESS = {S.OPEN: (0, 0), S.ACKNOWLEDGED: (1, 5), S.WAITING_ON_CUSTOMER: (3, 7), S.MITIGATED: (5, 8),
            S.RESOLVED: (9, 12)}  # fmt: skip
CHANNELS = tuple(c.value for c in Channel)
# Plain strings for the hot loops: an enum's .value is a slow property lookup, and there are millions of rows.
ENUMS: tuple[type[enum.StrEnum], ...] = (CaseStatus, CaseType, Severity, Pace, ArrBand, IS, FunctionalRole, RootCause)
V: dict[Any, str] = {member: member.value for kind in ENUMS for member in kind}
K_OPENED, K_LEVEL_CHANGED, K_STATUS_CHANGED, K_NOTE, K_CUSTOMER_CONTACT, K_INVOLVEMENT_CHANGED = (
    k.value for k in (EventKind.OPENED, EventKind.LEVEL_CHANGED, EventKind.STATUS_CHANGED, EventKind.NOTE,
                      EventKind.CUSTOMER_CONTACT, EventKind.INVOLVEMENT_CHANGED)
)  # fmt: skip
K_LEVEL_ACKNOWLEDGED = EventKind.LEVEL_ACKNOWLEDGED.value
STEP_OPEN, STEP_DONE, STEP_SKIPPED = StepStatus.OPEN.value, StepStatus.DONE.value, StepStatus.SKIPPED.value
PICK_CAUSE = {t: Weighted([c for c, _ in p.root_causes], [w for _, w in p.root_causes]) for t, p in W.PROFILES.items()}
PICK_INVOLVEMENT = Weighted((IS.PROPOSED, IS.ACCEPTED, IS.DONE, IS.DISMISSED), (15, 45, 25, 15))  # open cases


def _hours(duration: str) -> float:
    """A policy span ("30m", "2bh", "1bd") in hours. Demo data only needs plausible instants, so business time
    counts as elapsed time here and a business day as a day; the real clocks live in escdesk.clocks."""
    span = parse_span(duration)
    length = span.fixed if span.fixed is not None else timedelta(days=span.amount)
    return length.total_seconds() / 3600


@dataclass
class CaseContext:
    """What every case needs besides its plan; `previous` remembers each account's latest case (repeats)."""

    rng: random.Random
    policy: Policy
    as_of: datetime
    manager_of: dict[str, Who]
    by_role: dict[FunctionalRole, list[Who]]
    previous: dict[str, tuple[datetime, int]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.ids = SeededIds(self.rng)
        self.steps: dict[tuple[Pace, Severity, CaseType], list[_Step]] = {}
        self.ack_hours = {d.severity: _hours(d.acknowledge) for d in self.policy.severities}
        self.ceiling_hours = {d.severity: _hours(d.ceiling) for d in self.policy.severities}
        self.update_hours = {(d.severity, Pace.FAST): _hours(d.update_fast) for d in self.policy.severities}
        self.update_hours |= {(d.severity, Pace.SLOW_BURN): _hours(d.update_slow_burn) for d in self.policy.severities}


# -- one case -----------------------------------------------------------------------------------------------------


class _Case:
    """A case being written: its plan, people, status timeline and the history events gathered so far."""

    def __init__(self, ctx: CaseContext, plan: CasePlan) -> None:
        self.ctx, self.plan, self.rng = ctx, plan, ctx.rng
        self.id = ctx.ids(plan.opened_at)
        csm = plan.account.csm
        self.manager = ctx.manager_of[csm.id]
        self.owner = csm if self.rng.random() < 0.8 else self.manager
        self.changes = _status_changes(ctx, plan)
        self.reached: dict[CaseStatus, datetime] = {}
        for at, status in self.changes:
            self.reached.setdefault(status, at)  # the first time: acknowledged_at is the first acknowledgement
        self.stop = self.reached.get(S.RESOLVED, ctx.as_of)  # the work on the case ends here
        self.events: list[Row] = []
        self.first_decision: datetime | None = None

    def event(
        self,
        at: datetime,
        actor: str,
        kind: str,
        before: str | None = None,
        after: str | None = None,
        reason: str | None = None,
        channel: str | None = None,
        direction: str | None = None,
        body: str | None = None,
    ) -> None:
        """One history entry; `kind` is an EventKind value, `before` and `after` its from and to values."""
        self.events.append(
            (self.ctx.ids(at), self.id, at, actor, kind, before, after, reason, channel, direction, body)
        )

    def between(self, start: datetime, end: datetime, low: float = 0.0, high: float = 1.0) -> datetime:
        seconds = (end - start).total_seconds() * self.rng.uniform(low, high)
        return start + timedelta(seconds=round(seconds))


def _status_changes(ctx: CaseContext, plan: CasePlan) -> list[tuple[datetime, CaseStatus]]:
    """The status changes after opening, oldest first, ending in the plan's status."""
    rng, opened = ctx.rng, plan.opened_at
    path = list(PATHS[plan.status])
    if not plan.is_open and (plan.pace is Pace.SLOW_BURN or rng.random() < 0.4):
        path.remove(S.MITIGATED)
    if not plan.is_open and rng.random() < 0.1:
        path[1:1] = [S.WAITING_ON_CUSTOMER, S.ACKNOWLEDGED]  # waited on the customer, who then replied
    if not path:
        return []
    work = plan.resolved_after or (plan.span - timedelta(minutes=1))
    fast = plan.pace is Pace.FAST or plan.severity in (Severity.S1, Severity.S2)
    target = timedelta(hours=(ctx.ack_hours[plan.severity] if fast else 24) * rng.uniform(0.15, 1.4))
    ack = opened + min(target, work * 0.3)
    final = [S.RESOLVED, S.CLOSED] if not plan.is_open else []
    middle = path[1 : len(path) - len(final)]
    offsets = sorted(rng.uniform(0, (opened + work - ack).total_seconds()) for _ in middle)
    changes = [(ack, S.ACKNOWLEDGED)]
    changes += [(ack + timedelta(seconds=round(s)), status) for s, status in zip(offsets, middle, strict=True)]
    if final:
        changes += [(opened + work, S.RESOLVED), (opened + plan.span, S.CLOSED)]
    return changes


def _move(level: Level, rule: str) -> Level:
    value = {"at_least_3": max(level, 3), "set_4": max(level, 4), "set_5": 5, "plus_1": level + 1}.get(rule, level - 1)
    return Level(min(5, max(0, value)))


def _moves(case: _Case) -> list[tuple[datetime, str]]:
    """When the story moves the case: repeat escalation, its drivers, a ceiling passed, a step-down."""
    plan, rng, opened = case.plan, case.rng, case.plan.opened_at
    moves = []
    previous = case.ctx.previous.get(plan.account.id)
    if previous and opened - previous[0] <= timedelta(days=90) and not plan.pinned:
        moves.append((opened + timedelta(minutes=2), "repeat"))
    for key in plan.drivers:
        at_once = key == "security" or plan.case_type is CaseType.EXEC_CONTACT
        moves.append((opened + timedelta(minutes=10) if at_once else case.between(opened, case.stop, 0.05, 0.4), key))
    if not plan.pinned:
        ceiling = timedelta(hours=case.ctx.ceiling_hours[plan.severity])
        if plan.pace is Pace.FAST and rng.random() < 0.15 and opened + ceiling < case.stop:
            moves.append((opened + ceiling, "ceiling"))
        mitigated = case.reached.get(S.MITIGATED)
        if mitigated and rng.random() < 0.35:
            moves.append((case.between(mitigated, case.stop, 0.2, 0.8), "step_down"))
    return sorted(moves, key=lambda move: move[0])


def _levels(case: _Case, start: Level) -> tuple[Level, datetime]:
    """Apply the story's level moves in time order: the final level and when the case entered it."""
    level, entered = start, case.plan.opened_at
    previous = case.ctx.previous.get(case.plan.account.id, (None, 0))[1]
    changes: list[tuple[datetime, Level, bool]] = []  # (when, to, up?)
    for at, key in _moves(case):
        rule, why = W.JUMPS[key]
        new = _move(level, rule)
        if new != level:
            reason = why.format(previous=f"ESC-{previous}", level=level.code)
            case.event(at, case.manager.name, K_LEVEL_CHANGED, level.code, new.code, reason)
            changes.append((at, new, new > level))
            level, entered = new, at
    _level_acknowledgements(case, changes)
    return level, entered


ACK_AT_LEVEL_SHARE = 0.85  # moves up someone at the new level acknowledged; the rest show as overdue, as in life


def _level_acknowledgements(case: _Case, changes: list[tuple[datetime, Level, bool]]) -> None:
    """Someone at the level a case was moved up to acknowledges it (escdesk.level_ack), mostly within the
    severity's acknowledge target, before the next move and the end of the work."""
    if not changes:
        return
    rng = case.rng
    target = timedelta(hours=case.ctx.ack_hours[case.plan.severity])
    ends = [at for at, _, _ in changes[1:]] + [case.stop]  # a level's acknowledgement comes while it lasts
    for (moved, level, up), end in zip(changes, ends, strict=True):
        at = moved + target * rng.uniform(0.1, 1.3)
        if up and rng.random() < ACK_AT_LEVEL_SHARE and at < end:
            case.event(at, _acknowledger(case, level, rng).name, K_LEVEL_ACKNOWLEDGED, None, level.code)


def _acknowledger(case: _Case, level: Level, rng: random.Random) -> Who:
    """The CS manager up to L2; above, the account's executive sponsor or one of the executives."""
    if level <= Level.L2:
        return case.manager
    executives = case.ctx.by_role[FunctionalRole.EXECUTIVE]
    return case.plan.account.sponsor or (rng.choice(executives) if executives else case.manager)


def _record_statuses(case: _Case) -> None:
    before = S.OPEN
    for at, status in case.changes:
        reason = "Customer replied" if before is S.WAITING_ON_CUSTOMER else W.STATUS_REASONS.get(status)
        case.event(at, case.owner.name, K_STATUS_CHANGED, V[before], V[status], reason)
        before = status


def _person_for(case: _Case, role: FunctionalRole) -> Who:
    account = case.plan.account
    if role is FunctionalRole.ACCOUNT_EXECUTIVE:
        return account.ae
    if role is FunctionalRole.EXECUTIVE and account.sponsor is not None:
        return account.sponsor
    if role is FunctionalRole.CS_MANAGER:
        return case.manager
    pool = case.ctx.by_role[role]
    return case.rng.choice(pool) if pool else case.owner


def _wanted(case: _Case) -> list[W.Involve]:
    """The roles the rules name for this case (closed ones keep the main one), plus those its level jumps add."""
    plan, rng = case.plan, case.rng
    wanted = list(W.PROFILES[plan.case_type].involve)
    if not plan.is_open and len(wanted) > 1:
        wanted = [rng.choice(wanted)]
    wanted += [W.JUMP_INVOLVES[key] for key in plan.drivers if key in W.JUMP_INVOLVES]
    unique: dict[FunctionalRole, W.Involve] = {}
    for inv in wanted:
        unique.setdefault(inv.role, inv)
    return list(unique.values())


def _involvement_status(case: _Case, added: datetime, by_rule: bool) -> IS:
    rng = case.rng
    if not case.plan.is_open:
        return IS.DONE
    if not by_rule:
        return IS.DONE if rng.random() < 0.4 else IS.ACCEPTED
    if case.ctx.as_of - added < timedelta(hours=1):
        return IS.PROPOSED
    return PICK_INVOLVEMENT.pick(rng)


def _involvement(case: _Case, inv: W.Involve) -> Row:
    """One involvement and its history: proposed by the rules, then accepted or dismissed by the owner; or added
    by hand (closed cases predate the rules; minor bugs trigger none); then done by the person brought in."""
    plan, rng, owner, kind = case.plan, case.rng, case.owner.name, K_INVOLVEMENT_CHANGED
    by_rule = plan.is_open and not (inv.rule.endswith("_s1_s2") and plan.severity in (Severity.S3, Severity.S4))
    added = plan.opened_at + timedelta(minutes=rng.randint(1, 10))
    person = _person_for(case, inv.role)
    body = f"{V[inv.role]}: {person.name}"
    status = _involvement_status(case, added, by_rule)
    why = rng.choice(W.DISMISSALS) if status is IS.DISMISSED else inv.prompt
    decided = done = None
    if not by_rule:
        decided = added
        case.event(added, owner, kind, None, V[IS.ACCEPTED], inv.prompt, None, None, body)
    else:
        case.event(added, RULES_ACTOR, kind, None, V[IS.PROPOSED], inv.prompt, None, None, body)
    if by_rule and status is not IS.PROPOSED:
        soon = added + timedelta(hours=inv.due_hours * rng.uniform(0.1, 1.1))
        decided = min(soon, case.between(added, case.stop, 0.3, 0.5))
        outcome = IS.DISMISSED if status is IS.DISMISSED else IS.ACCEPTED
        case.event(decided, owner, kind, V[IS.PROPOSED], V[outcome], why, None, None, body)
    if status is IS.DONE and decided is not None:
        done = case.between(decided, case.stop, 0.3, 0.95)
        case.event(done, person.name, kind, V[IS.ACCEPTED], V[IS.DONE], None, None, None, body)
    if decided is not None:
        case.first_decision = min(decided, case.first_decision or decided)
    due = added + timedelta(hours=inv.due_hours)
    return (
        case.ctx.ids(added), case.id, V[inv.role], person.id, inv.rule if by_rule else None, due, V[status],
        why, owner if decided else None, decided, done, 1, added, done or decided or added, None,
    )  # fmt: skip


def _conversation(case: _Case) -> None:
    """Customer contacts (the first one inbound) and the odd note, between opening and the end of the work."""
    plan, rng, owner = case.plan, case.rng, case.owner.name
    first = plan.opened_at + timedelta(minutes=rng.randint(2, 25))
    case.event(first, owner, K_CUSTOMER_CONTACT, None, None, None, rng.choice(CHANNELS), "inbound",
               W.INBOUND[0])  # fmt: skip
    extra = int(rng.random() < (0.7 if plan.is_open else 0.3))
    extra += int(plan.is_open and plan.span > timedelta(days=7) and rng.random() < 0.5)
    for _ in range(extra):
        inbound = rng.random() < 0.5
        body = rng.choice(W.INBOUND[1:] if inbound else W.OUTBOUND)
        direction = (Direction.INBOUND if inbound else Direction.OUTBOUND).value
        at = case.between(first, case.stop, 0.1, 0.95)
        case.event(at, owner, K_CUSTOMER_CONTACT, None, None, None, rng.choice(CHANNELS), direction, body)
    if rng.random() < 0.3:
        at = case.between(first, case.stop, 0.2, 0.9)
        case.event(at, owner, K_NOTE, None, None, None, None, None, rng.choice(W.NOTES))
    cadence = timedelta(hours=case.ctx.update_hours[(plan.severity, plan.pace)])
    if plan.is_open and case.stop - first > cadence and rng.random() < 0.75:  # most owners keep to the cadence
        at = case.stop - cadence * rng.uniform(0.05, 0.9)
        case.event(at, owner, K_CUSTOMER_CONTACT, None, None, None, rng.choice(CHANNELS), "outbound", W.OUTBOUND[1])


def _moments(case: _Case) -> dict[str, datetime]:
    """When each checklist step was ticked, shared with the history where the history shows it."""
    plan, rng, reached = case.plan, case.rng, case.reached
    opened, latest = plan.opened_at, reached.get(S.CLOSED, case.ctx.as_of - timedelta(minutes=1))
    ack = reached.get(S.ACKNOWLEDGED, opened)
    call = case.between(ack, case.stop, 0.02, 0.15)
    resolved = reached.get(S.RESOLVED, latest)
    return {
        "ack": ack, "call": call, "involve": case.first_decision or call, "contain": reached.get(S.MITIGATED, call),
        "plan": case.between(call, case.stop, 0.1, 0.4), "resolved": resolved, "closed": latest,
        "thank": min(resolved + timedelta(hours=rng.uniform(2, 26)), latest),
        "diagnose": min(resolved + timedelta(hours=rng.uniform(24, 150)), latest),
        "follow_up": min(latest + timedelta(days=14 if plan.pace is Pace.FAST else 30), case.ctx.as_of),
    }  # fmt: skip


@dataclass(frozen=True, slots=True)
class _Step:
    position: int
    key: str
    title: str
    required: bool
    offset: timedelta | None  # due this long after its anchor
    anchor: str  # "open", "resolve" or "close"
    moment: str  # the _moments entry at which it is ticked
    skip_note: str | None


def _steps(ctx: CaseContext, pace: Pace, severity: Severity, case_type: CaseType) -> list[_Step]:
    """The checklist the policy gives this case (its variant: security, billing, sponsor loss), with due offsets
    for its pace and severity (cached: every case needs them)."""
    cached = ctx.steps.get((pace, severity, case_type))
    if cached is None:
        cached = ctx.steps[(pace, severity, case_type)] = []
        for position, step in enumerate(ctx.policy.checklist_for(case_type, severity).steps, start=1):
            fast_hours, slow_hours, anchor = STEP_DUE.get(step.key) or _variant_due(step)
            hours = fast_hours if pace is Pace.FAST else slow_hours
            if step.key == "acknowledge" and pace is Pace.FAST:
                hours = ctx.ack_hours[severity]
            offset = None if hours is None else timedelta(hours=hours)
            moment, note = STEP_TICKED.get(step.key, "resolved"), W.SKIP_NOTES.get(step.key, "Not needed here")
            cached.append(_Step(position, step.key, step.title, step.required, offset, anchor, moment, note))
    return cached


def _variant_due(step: ChecklistStepDef) -> tuple[float | None, float | None, str]:
    """A variant's own step: its policy offsets (from opening) as plausible hours."""
    due = [step.offset(pace) for pace in (Pace.FAST, Pace.SLOW_BURN)]
    fast, slow = (_hours(str(d)) if isinstance(d, Span) else None for d in due)
    return fast, slow, "open"


def _checklist(case: _Case) -> list[Row]:
    """Every policy step; closed cases have them all done or skipped, open ones as far as their status got."""
    plan, rng, ids = case.plan, case.rng, case.ctx.ids
    steps = _steps(case.ctx, plan.pace, plan.severity, plan.case_type)
    ticked = len(steps) if not plan.is_open else rng.randint(*PROGRESS[plan.status])
    moments = _moments(case)
    resolved, fast = case.reached.get(S.RESOLVED), plan.pace is Pace.FAST
    anchors = {"open": plan.opened_at, "resolve": resolved, "close": case.reached.get(S.CLOSED)}
    opened, owner, case_id = plan.opened_at, case.owner.name, case.id
    rows: list[Row] = []
    for step, step_id in zip(steps, ids.many(opened, len(steps)), strict=True):
        base = anchors[step.anchor]
        due = base + step.offset if step.offset is not None and base is not None else None
        if step.position > ticked:
            rows.append((step_id, case_id, step.position, step.key, step.title, step.required, due, STEP_OPEN,
                         None, None, None, 1, opened, opened, None))  # fmt: skip
            continue
        done_at, note, status = moments[step.moment], None, STEP_DONE
        if step.key == "sign_off":  # closing records the customer's sign-off, as CaseService does
            note = W.STATUS_REASONS[S.CLOSED]
        if not step.required and (rng.random() < 0.3 or (step.key == "contain" and not fast)):
            note, status = step.skip_note, STEP_SKIPPED
        rows.append((step_id, case_id, step.position, step.key, step.title, step.required, due, status, owner,
                     done_at, note, 1, opened, done_at, None))  # fmt: skip
    return rows


def _tickets(case: _Case) -> list[Row]:
    rng, rows = case.rng, []
    for system in W.PROFILES[case.plan.case_type].tickets:
        count = 2 if system == "zendesk" and rng.random() < 0.25 else 1
        for number in dict.fromkeys(rng.randint(10_000, 99_999) for _ in range(count)):
            if system == "zendesk":
                rows.append((case.id, "zendesk", str(number), f"https://support.{DOMAIN}/agent/tickets/{number}"))
            else:
                key = f"{system}-{number % 9_000 + 100}"
                rows.append((case.id, "jira", key, f"https://jira.{DOMAIN}/browse/{key}"))
    return rows


def _day(value: date) -> str:
    return f"{value.day} {W.MONTHS[value.month - 1]} {value.year}"


def _days_to_renewal(case: _Case) -> int:
    days = (case.plan.account.renewal - case.plan.opened_at.date()).days
    return days if case.plan.is_open and 0 < days <= 548 else case.rng.randint(20, 120)


def _points(case: _Case) -> int:
    drop = case.plan.account.health_drop
    return drop if drop >= 15 else case.rng.randint(15, 34)


# Template fields for titles and descriptions, made on first use (most templates need three or four of them).
FIELDS: dict[str, Callable[[_Case, _Fields], Any]] = {
    "customer": lambda c, f: c.plan.account.name,
    "region": lambda c, f: c.plan.account.region,
    "feature": lambda c, f: c.rng.choice(W.FEATURES),
    "code": lambda c, f: c.rng.choice(W.ERROR_CODES),
    "release": lambda c, f: c.rng.choice(W.RELEASES),
    "competitor": lambda c, f: c.rng.choice(W.COMPETITORS),
    "hhmm": lambda c, f: f"{c.plan.opened_at.hour:02d}:{c.plan.opened_at.minute:02d}",
    "day": lambda c, f: _day(c.plan.opened_at.date()),
    "month": lambda c, f: W.MONTHS[(c.plan.opened_at - timedelta(days=c.rng.randint(20, 120))).month - 1],
    "days": lambda c, f: _days_to_renewal(c),
    "renewal": lambda c, f: _day(c.plan.opened_at.date() + timedelta(days=f["days"])),
    "users": lambda c, f: c.rng.randint(12, 900),
    "seats": lambda c, f: f["users"] * 3 // 4,
    "amount": lambda c, f: short_amount(from_cents(c.plan.account.arr_cents // c.rng.randint(8, 60))),
    "records": lambda c, f: f"{c.rng.randint(200, 90_000):,}",
    "points": lambda c, f: _points(c),
    "hours": lambda c, f: c.rng.randint(2, 9),
    "seconds": lambda c, f: c.rng.randint(6, 40),
    "waiting": lambda c, f: c.rng.randint(6, 30),
    "quarter": lambda c, f: c.rng.randint(1, 4),
    "pct": lambda c, f: c.rng.randint(20, 65),
    "tickets": lambda c, f: c.rng.randint(4, 19),
    "weeks": lambda c, f: c.rng.randint(2, 10),
}


class _Fields(dict[str, Any]):
    """The values a case's title and description templates use, shared between the two, made when first used."""

    def __init__(self, case: _Case) -> None:
        super().__init__()
        self.case = case

    def __missing__(self, key: str) -> Any:
        value = self[key] = FIELDS[key](self.case, self)
        return value


def _escalation(case: _Case, level: Level, entered: datetime) -> Row:
    plan, rng, account = case.plan, case.rng, case.plan.account
    profile = W.PROFILES[plan.case_type]
    fields = _Fields(case)
    title = rng.choice(profile.titles).format_map(fields)
    at_risk = account.arr_cents if rng.random() < 0.7 else round(account.arr_cents * rng.uniform(0.2, 0.8), -5)
    resolved = case.reached.get(S.RESOLVED)
    cause = V[PICK_CAUSE[plan.case_type].pick(rng)] if resolved and (not plan.is_open or rng.random() < 0.6) else None
    updated = max(event[2] for event in case.events)
    return (
        case.id, plan.number, account.id, (title[0].upper() + title[1:])[:300], profile.description.format_map(fields),
        V[plan.case_type], V[plan.severity], V[plan.pace], int(level), V[plan.status], case.owner.id,
        plan.opened_at, entered, case.reached.get(S.ACKNOWLEDGED), resolved, case.reached.get(S.CLOSED),
        int(at_risk), cause, case.ctx.policy.version, "demo", 1, plan.opened_at, updated, None,
    )  # fmt: skip


def build_case(ctx: CaseContext, plan: CasePlan) -> Rows:
    """The rows of one case, parents first: escalation, tickets, history, involvements, checklist."""
    case = _Case(ctx, plan)
    start = ctx.policy.starting_level(plan.severity, plan.account.band)
    reason = f"starting level for {V[plan.severity]} {V[plan.account.band]} from policy {ctx.policy.version}"
    case.event(plan.opened_at, case.owner.name, K_OPENED, None, start.code, reason)
    level, entered = _levels(case, start)
    _record_statuses(case)
    involvements = [_involvement(case, inv) for inv in _wanted(case)]
    _conversation(case)
    checklist = _checklist(case)
    flags = _signals(case)
    yield "escalations", [_escalation(case, level, entered)]
    yield "escalation_flags", flags
    yield "escalation_tickets", _tickets(case)
    yield "case_events", case.events
    yield "involvements", involvements
    yield "checklist_items", checklist
    if plan.is_open:  # briefs are for open cases; at director level and above (demo_briefs decides)
        yield from brief_rows(_brief_input(case, level))
    ctx.previous[plan.account.id] = (plan.opened_at, plan.number)


def _signals(case: _Case) -> list[Row]:
    """The signals the story implies, recorded by the owner just after opening (before the case's stop): flag rows,
    and their history entries added to the case's. From their own random stream: the rest of the demo stays."""
    plan = case.plan
    at = plan.opened_at + min(timedelta(minutes=2), (case.stop - plan.opened_at) / 2)
    flags, events = signal_rows(case.id, plan.case_type, plan.drivers, at, case.owner.name)
    case.events.extend(events)
    return flags


def _brief_input(case: _Case, level: Level) -> BriefInput:
    account = case.plan.account
    return BriefInput(
        case.id, account.name, case.plan.case_type, level, account.arr_cents, _day(account.renewal), case.ctx.as_of,
        case.owner, account.ae, case.ctx.by_role,
    )  # fmt: skip
