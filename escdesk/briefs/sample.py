"""A realistic brief to look at, time and test against (the GUI's print preview can show it too).

Every instant is fixed: the sample is the same bytes on every run.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

from escdesk.briefs.content import AccountBox, BriefContent, BriefOption, ExecutiveAsk, PlanItem, TimelineEntry
from escdesk.domain import ArrBand, CaseType, HealthPoint, Level, Pace, RootCause, Severity

GENERATED_AT = datetime(2026, 3, 4, 13, 5, tzinfo=UTC)
OPENED_AT = datetime(2026, 3, 2, 6, 40, tzinfo=UTC)


def sample_health() -> tuple[HealthPoint, ...]:
    scores = (78, 77, 79, 76, 74, 75, 71, 70, 66, 64, 62, 58, 55, 49, 44, 41)
    start = date(2026, 1, 5)
    return tuple(HealthPoint(start + timedelta(days=4 * i), score) for i, score in enumerate(scores))


def sample_brief() -> BriefContent:
    return BriefContent(
        number=1042,
        headline="EU data exports have failed for three nights; Nordwind threatens to invoke the SLA exit clause",
        account=AccountBox(
            customer="Nordwind Logistics AG",
            arr=Decimal("1240000"),
            band=ArrBand.STRATEGIC,
            level=Level.L4,
            severity=Severity.S1,
            renewal_date=date(2026, 6, 30),
            health=sample_health(),
            csm="Anna Keller",
            account_executive="Marcus Boyd",
            exec_sponsor="Dana Whitfield",
            customer_contact="Jonas Lindqvist (VP Operations)",
        ),
        situation=(
            "Since the 2 March release, the nightly export of shipment data to Nordwind's warehouse system has failed "
            "in the EU region. Their planners start each morning without yesterday's deliveries and re-key them by "
            "hand; two depots missed their dispatch window on 3 March. Engineering has reproduced the failure: the "
            "export job times out on accounts with more than 400,000 shipments a month, which only Nordwind and two "
            "other EU customers reach."
        ),
        impact=(
            "About 180 planner hours lost so far, two late dispatches reported to Nordwind's own customers, and a "
            "formal complaint from their COO. Renewal is due in four months and a competitor is already on site."
        ),
        customer_ask=(
            "Working exports by Friday, a written root-cause analysis within five business days, and a service "
            "credit for March. Jonas Lindqvist wants a call with our COO before their board meets on 10 March."
        ),
        timeline=_sample_timeline(),
        tried=(
            "Rolled the export service back on 3 March (failed: the schema migration cannot be reversed). Raised "
            "the job timeout to 90 minutes (two of three runs completed). Manual CSV export by Support each morning "
            "as a stop-gap since 4 March."
        ),
        root_cause=(
            "A query in the new export path scans the full shipment history instead of the last day; the index it "
            "needs was created on the US cluster but not on EU-2."
        ),
        root_cause_known=False,
        root_cause_category=RootCause.PRODUCT_DEFECT,
        plan=(
            PlanItem(
                "Create the missing index on EU-2 and re-run the last three exports",
                "Priya Raman, Engineering",
                date(2026, 3, 5),
            ),
            PlanItem("Daily 08:00 CET status mail to Jonas until fixed", "Anna Keller, CSM", date(2026, 3, 5)),
            PlanItem(
                "Written root-cause analysis with prevention items", "Tom Becker, Eng. manager", date(2026, 3, 11)
            ),
            PlanItem("Credit proposal within approval limits", "Laura Chen, Finance", date(2026, 3, 9)),
            PlanItem("Manual CSV export each morning (stop-gap)", "Support on-call", date(2026, 3, 4), done=True),
        ),
        arr_at_risk=Decimal("1240000"),
        ask=ExecutiveAsk(
            of="Dana Whitfield, COO",
            request=(
                "Call Jonas Lindqvist before Friday to acknowledge the impact in person, and approve a service "
                "credit of up to 15% of the March invoice ($15,500) so the account team can offer it on that call."
            ),
            deadline=datetime(2026, 3, 6, 11, 0, tzinfo=UTC),
        ),
        options=(
            BriefOption(
                "Call and credit now",
                "Shows ownership before their board meets; costs $15,500 and sets a precedent we can bound in writing.",
                recommended=True,
            ),
            BriefOption(
                "Call now, credit after the fix",
                "Cheaper if the fix holds, but reads as haggling to a customer whose planners lost a week.",
            ),
            BriefOption(
                "Leave it with the account team",
                "No executive time; high risk that the SLA exit clause is invoked at the 10 March board.",
            ),
        ),
        cost_of_inaction=(
            "Nordwind can terminate for cause under clause 14.2 after a second monthly SLA breach, which falls on "
            "31 March: $1.24M ARR, a public logistics reference, and the two other EU accounts on the same cluster."
        ),
        next_update=datetime(2026, 3, 5, 7, 0, tzinfo=UTC),
        generated_at=GENERATED_AT,
        time_zone="Europe/Berlin",
        case_type=CaseType.OUTAGE,
        pace=Pace.FAST,
        opened_at=OPENED_AT,
        prepared_by="Anna Keller",
    )


def _sample_timeline() -> tuple[TimelineEntry, ...]:
    def at(day: int, hour: int, minute: int) -> datetime:
        return datetime(2026, 3, day, hour, minute, tzinfo=UTC)

    return (
        TimelineEntry(at(2, 6, 40), "Nightly EU export fails; Nordwind's planners report missing deliveries"),
        TimelineEntry(at(2, 8, 15), "Case opened at L1; support and engineering brought in"),
        TimelineEntry(at(2, 16, 30), "Rollback attempted; schema migration cannot be reversed"),
        TimelineEntry(at(3, 6, 50), "Second failed night; two depots miss their dispatch window"),
        TimelineEntry(at(3, 10, 5), "Jonas Lindqvist e-mails our CEO; case moved to L3 (executive contact)"),
        TimelineEntry(at(3, 15, 0), "Engineering reproduces the timeout on EU-2"),
        TimelineEntry(at(4, 7, 10), "Third failed night; manual CSV export sent by Support"),
        TimelineEntry(at(4, 9, 30), "Nordwind's COO cites the SLA exit clause; case moved to L4"),
    )
