"""A fact set that fires no default rule: tests change the few facts a rule reads."""

from __future__ import annotations

from typing import Any

# A quiet case: an S4 irritant of an SMB account in good health, renewing in a year, clocks running fine.
QUIET: dict[str, Any] = {
    "case.type": "feature_gap", "case.severity": "S4", "case.pace": "slow_burn", "case.level": 0,
    "case.status": "acknowledged", "case.age_hours": 5, "case.hours_at_level": 5, "case.flags": [],
    "case.arr_at_risk": 0, "case.tickets": 0, "account.arr": 20_000, "account.band": "SMB", "account.region": "EMEA",
    "account.health": 80, "account.health_drop_7d": 0, "account.health_drop_30d": 2, "account.days_to_renewal": 300,
    "account.tickets_30d": 1, "account.repeat_90d": False, "clock.acknowledged": True, "clock.ceiling_passed": False,
    "clock.minutes_to_ack_due": None, "clock.minutes_to_update_due": 900, "clock.minutes_to_ceiling": 4000,
    "clock.minutes_to_resolution_due": None,
}  # fmt: skip
