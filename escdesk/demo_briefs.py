"""Brief fields for the demo's open cases at director level and above (case_briefs, case_plan_items, migration 0002).

Those are the cases an executive gets a one-page brief for, so the demo shows what a filled-in brief reads like;
lower levels keep no brief fields, so the demo also shows what "Not recorded yet" looks like. Each case draws from
its own random stream seeded by its id, so adding briefs leaves every other demo row exactly as it was.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from typing import TYPE_CHECKING, Any

from escdesk.demo_words import COMPETITORS, RELEASES
from escdesk.domain import CaseType, FunctionalRole, Level
from escdesk.ids import seeded_id
from escdesk.money import from_cents, short_amount

if TYPE_CHECKING:
    from escdesk.demo_book import Who

Row = tuple[Any, ...]
VERSIONED = ("version", "created_at", "updated_at", "deleted_at")
COLUMNS: dict[str, tuple[str, ...]] = {
    "case_briefs": (
        "id", "escalation_id", "headline", "impact", "customer_ask", "customer_contact", "tried", "root_cause_known",
        "root_cause_text", "exec_ask_of", "exec_ask", "exec_ask_deadline", "options", "cost_of_inaction",
        "next_update_at", *VERSIONED,
    ),
    "case_plan_items": ("id", "escalation_id", "position", "action", "owner", "due_on", "done_at", *VERSIONED),
}  # fmt: skip
BRIEF_FROM = Level.L2


@dataclass(frozen=True, slots=True)
class Story:
    impact: str
    ask: str
    tried: str
    cause: str
    exec_ask: str
    options: tuple[tuple[str, str], ...]  # the first is recommended
    inaction: str
    plan: tuple[tuple[str, str, int], ...]  # action, owner key, due in days


INCIDENT = Story(
    impact="{users} users at {customer} cannot work normally; their operations lead reports about {hours} hours of "
    "manual work a day and has escalated internally.",
    ask="A fix or a reliable workaround this week, a written root-cause analysis, and an hourly status until then.",
    tried="Support reproduced the problem and engineering rolled back the last change on the affected cluster; the "
    "workaround holds for most users but not for scheduled jobs.",
    cause="A change in release {release} that only shows under {customer}'s data volume.",
    exec_ask="Call {contact} to own the impact personally, and approve a service credit of up to {credit} so the "
    "account team can offer it on that call.",
    options=(
        ("Call and credit now", "Shows ownership before their leadership meets; bounded in writing."),
        ("Call now, credit after the fix", "Cheaper if the fix holds, but reads as haggling while they still suffer."),
        ("Leave it with the account team", "No executive time; high risk the escalation goes over our heads."),
    ),
    inaction="{customer} has cited the SLA exit clause; renewal of {arr} is due {renewal} and a competitor is talking "
    "to them.",
    plan=(
        ("Ship the fix to the affected cluster and confirm with the customer", "engineering", 1),
        ("Status mail to {contact} at 08:00 and 16:00 until fixed", "owner", 0),
        ("Written root-cause analysis with prevention items", "engineering", 5),
        ("Credit proposal within approval limits", "finance", 3),
    ),
)
COMMERCIAL = Story(
    impact="{customer}'s finance team disputes {amount}; their legal counsel is copied and invoices are on hold.",
    ask="A corrected invoice, a written explanation of the charges, and a named contact in our finance team.",
    tried="Finance reviewed the contract and found two billing errors; the corrected invoice is drafted but the "
    "customer also asks for a goodwill credit.",
    cause="Seats were billed from the order form, not from the amended contract signed in {month}.",
    exec_ask="Approve a goodwill credit of up to {credit} and a one-off waiver of late fees, so the dispute closes "
    "before legal escalates it further.",
    options=(
        ("Correct, credit and waive now", "Closes the dispute this week; the credit is within the quarter's budget."),
        ("Correct the invoice only", "Costs nothing more, but their counsel has said they will contest it."),
    ),
    inaction="Legal review on their side delays the renewal of {arr} due {renewal}; payment of open invoices is held.",
    plan=(
        ("Send the corrected invoice with a line-by-line explanation", "finance", 1),
        ("Call with their finance lead and counsel", "account_executive", 2),
        ("Fix the billing rule for amended contracts", "finance", 10),
    ),
)
RELATIONSHIP = Story(
    impact="Health has fallen {points} points; {customer}'s new leadership questions the value and usage is down "
    "{pct}% in {weeks} weeks.",
    ask="A clear plan for the value they were promised, an executive sponsor on our side, and a business review "
    "before the renewal decision.",
    tried="The CSM ran a usage review and offered training; the new VP declined a second meeting and asked for "
    "someone more senior.",
    cause="Our champion left and the new stakeholders never saw the business case; adoption stalled after onboarding.",
    exec_ask="Join an exec-to-exec call with {contact} within a week and sponsor the save plan, including {credit} of "
    "free services for a re-onboarding.",
    options=(
        ("Exec call and re-onboarding", "Resets the relationship at the level that now decides."),
        ("Business review at CSM level", "Cheaper, but they have said they want someone senior."),
        ("Discount at renewal", "Buys time; does not fix adoption and sets a price precedent."),
    ),
    inaction="The renewal of {arr} on {renewal} is likely lost; they have a demo with {competitor} booked.",
    plan=(
        ("New stakeholder map and business case", "owner", 3),
        ("Exec-to-exec call, agenda agreed with the AE", "account_executive", 6),
        ("Re-onboarding plan with professional services", "professional_services", 10),
    ),
)
ADOPTION = Story(
    impact="The rollout to {users} users is {weeks} weeks late; {customer} pays for seats it cannot use.",
    ask="A dated plan for the missing capability or a workaround, and a credit for the seats they cannot use yet.",
    tried="Professional services built a partial workaround; product confirmed the gap and has it on the roadmap "
    "for quarter {quarter}, which is after their go-live.",
    cause="The requirement was promised in the sales cycle but not captured in the implementation plan.",
    exec_ask="Decide whether product pulls the feature into this quarter, or approve {credit} of services credit to "
    "bridge until it ships.",
    options=(
        ("Bridge with services credit", "Keeps the go-live date; the roadmap stays as it is."),
        ("Pull the feature forward", "Fixes the root problem; delays two other commitments."),
    ),
    inaction="Go-live slips past their fiscal year; the renewal of {arr} on {renewal} is at risk.",
    plan=(
        ("Workaround for the blocked workflows", "professional_services", 4),
        ("Roadmap decision with the product leader", "product", 5),
        ("Revised go-live plan signed off by the customer", "owner", 7),
    ),
)
SECURITY = Story(
    impact="{customer} believes data may have been visible outside their organisation; their security team has "
    "frozen new integrations.",
    ask="Confirmed scope within 24 hours, a written incident report, and direct access to our security lead.",
    tried="Security revoked the exposed links and is reviewing access logs; legal is reviewing all wording before it "
    "goes out.",
    cause="A sharing setting defaulted to public links for one workspace template.",
    exec_ask="Approve the customer notification text and decide whether we notify the regulator within 72 hours.",
    options=(
        ("Notify now with confirmed scope", "Meets the 72-hour clock; the scope may still grow."),
        ("Wait for the full log review", "More certain, but risks missing the regulator deadline."),
    ),
    inaction="A missed notification deadline becomes a regulatory matter; {customer} has said they would go public.",
    plan=(
        ("Confirm the scope from the access logs", "security", 1),
        ("Customer notification reviewed by legal", "legal", 1),
        ("Fix the sharing default for all templates", "engineering", 3),
    ),
)
STORIES = {
    CaseType.OUTAGE: INCIDENT, CaseType.PERFORMANCE: INCIDENT, CaseType.DATA_LOSS: INCIDENT,
    CaseType.PRODUCT_BUG: INCIDENT, CaseType.SUPPORT_EXPERIENCE: INCIDENT, CaseType.SECURITY: SECURITY,
    CaseType.BILLING: COMMERCIAL, CaseType.CONTRACT_LEGAL: COMMERCIAL, CaseType.CHURN_THREAT: RELATIONSHIP,
    CaseType.HEALTH_DECLINE: RELATIONSHIP, CaseType.SPONSOR_LOSS: RELATIONSHIP, CaseType.EXEC_CONTACT: RELATIONSHIP,
    CaseType.FEATURE_GAP: ADOPTION, CaseType.IMPLEMENTATION: ADOPTION,
}  # fmt: skip
MONTHS = ("January", "March", "May", "July", "September", "November")
CONTACT_TITLES = ("VP Operations", "COO", "Head of IT", "CFO", "Director of Customer Operations", "CTO")


@dataclass(frozen=True, slots=True)
class BriefInput:
    """What the brief of one demo case is made from (the case generator supplies it)."""

    case_id: str
    customer: str
    case_type: CaseType
    level: Level
    arr_cents: int
    renewal: str
    as_of: datetime
    owner: Who
    account_executive: Who
    by_role: dict[FunctionalRole, list[Who]]


def brief_rows(case: BriefInput) -> Iterator[tuple[str, list[Row]]]:
    """The brief row and plan items of one open case at director level or above; nothing for the others."""
    if case.level < BRIEF_FROM:
        return
    rng = random.Random(f"brief:{case.case_id}")
    story, fields = STORIES[case.case_type], _fields(case, rng)
    people = plan_people(case.account_executive, case.by_role, rng)
    at = case.as_of - timedelta(hours=rng.randint(2, 20))
    deadline = datetime.combine((case.as_of + timedelta(days=rng.randint(1, 3))).date(), time(15), case.as_of.tzinfo)
    options = [{"title": t, "detail": d, "recommended": i == 0} for i, (t, d) in enumerate(story.options)]
    yield "case_briefs", [(
        seeded_id(rng, at), case.case_id, None, story.impact.format_map(fields), story.ask.format_map(fields),
        fields["contact"], story.tried.format_map(fields), rng.random() < 0.5, story.cause.format_map(fields), None,
        story.exec_ask.format_map(fields), deadline, options, story.inaction.format_map(fields), None,
        1, at, at, None,
    )]  # fmt: skip
    rows = [_plan_row(case, people, rng, at, (i, *item), fields) for i, item in enumerate(story.plan, 1)]
    yield "case_plan_items", rows


def _fields(case: BriefInput, rng: random.Random) -> dict[str, Any]:
    arr = from_cents(case.arr_cents)
    first, last = rng.choice(("Jonas", "Dmitri", "Aiko", "Laura", "Rahul", "Ines")), rng.choice(("Lindqvist",
                             "Okafor", "Moreau", "Brandt", "Sato", "Quinn"))  # fmt: skip
    contact = f"{first} {last} ({rng.choice(CONTACT_TITLES)})"
    words = {
        "users": rng.randint(40, 900), "hours": rng.randint(2, 9), "release": rng.choice(RELEASES),
        "points": rng.randint(15, 34), "pct": rng.randint(20, 60), "weeks": rng.randint(2, 10),
        "month": rng.choice(MONTHS), "quarter": rng.randint(1, 4), "competitor": rng.choice(COMPETITORS),
        "amount": short_amount(from_cents(case.arr_cents // rng.randint(8, 40))),
    }  # fmt: skip
    return {
        **words, "customer": case.customer, "contact": contact, "arr": short_amount(arr),
        "renewal": case.renewal, "credit": short_amount(max(arr / 50, from_cents(500_000)).quantize(1)),
    }  # fmt: skip


def _plan_row(
    case: BriefInput, people: dict[str, Who], rng: random.Random, at: datetime, item: tuple[int, str, str, int],
    fields: dict[str, Any],
) -> Row:  # fmt: skip
    position, action, key, days = item
    who = people.get(key, case.owner)
    role = "case owner" if who is case.owner else key.replace("_", " ")
    due = (case.as_of + timedelta(days=days)).date()
    done = at if days == 0 and rng.random() < 0.5 else None
    return (seeded_id(rng, at), case.case_id, position, action.format_map(fields), f"{who.name}, {role}", due, done,
            1, at, at, None)  # fmt: skip


def plan_people(account_ae: Who, by_role: dict[FunctionalRole, list[Who]], rng: random.Random) -> dict[str, Who]:
    """The people a demo plan names, one per function, picked with the brief's own random stream."""
    people = {"account_executive": account_ae}
    for role in (FunctionalRole.ENGINEERING, FunctionalRole.FINANCE, FunctionalRole.PRODUCT, FunctionalRole.LEGAL,
                 FunctionalRole.SECURITY, FunctionalRole.PROFESSIONAL_SERVICES):  # fmt: skip
        if by_role.get(role):
            people[role.value] = rng.choice(by_role[role])
    return people
