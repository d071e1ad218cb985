"""The dashboard in one sentence: what a CS leader reads before any chart."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from escdesk.metrics import Dashboard


def headline(dashboard: Dashboard) -> str:
    """One sentence a CS leader reads first: the rate, its trend, the leading root cause, the churn after."""
    months = dashboard.table("escalation_rate_by_month").as_dicts()
    rates = [m["per_100_accounts"] for m in months if m["per_100_accounts"] is not None]
    parts = []
    if rates:
        parts.append(f"{rates[-1]:.1f} of every 100 accounts escalated in {months[-1]['month']} "
                     f"(period average {sum(rates) / len(rates):.1f})")  # type: ignore[arg-type]  # fmt: skip
    causes = [r for r in dashboard.table("root_causes_by_arr").as_dicts() if r["cause"]]
    if causes:
        share = 100 * float(causes[0]["share"] or 0)
        parts.append(f"{causes[0]['cause_name']} accounts for {share:.0f}% of the ARR behind closed cases")
    *_, everyone, others = dashboard.table("outcome_after_escalation").as_dicts()
    if everyone["churn_rate"] is not None:
        churned = f"{100 * float(everyone['churn_rate']):.0f}% of escalated accounts with a known outcome churned"
        if others["churn_rate"] is not None:
            churned += f" (accounts that did not escalate: {100 * float(others['churn_rate']):.0f}%)"
        parts.append(churned)
    cadence = dashboard.table("update_cadence").as_dicts()
    counted = sum(int(r["intervals"] or 0) for r in cadence)
    if counted:
        within = sum(int(r["within_cadence"] or 0) for r in cadence)
        parts.append(f"{100 * within / counted:.0f}% of customer updates came on cadence")
    return "; ".join(parts) + "." if parts else "No escalations in this period."
