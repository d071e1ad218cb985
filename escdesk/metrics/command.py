"""`escdesk metrics`: the dashboard's tables on the terminal, as JSON, or as one CSV file per table."""

from __future__ import annotations

import argparse
import json
from collections.abc import Callable
from datetime import UTC, date, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from escdesk.domain import ArrBand
from escdesk.errors import EscDeskError
from escdesk.metrics import Dashboard, compute_dashboard
from escdesk.metrics.tables import Table, json_cell, to_csv
from escdesk.policy_command import policy_in_force

if TYPE_CHECKING:
    from escdesk.connect import OpenedDatabase


class MetricsInputError(EscDeskError):
    pass


def _date(text: str | None, what: str) -> date | None:
    if text is None:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise MetricsInputError(f"invalid {what} date {text!r}: use YYYY-MM-DD") from None


def period(args: argparse.Namespace, today: date) -> tuple[date, date]:
    """--from / --to, by default the twelve months ending today (the first of the month eleven months back)."""
    end = _date(args.to_date, "--to") or today
    start = _date(args.from_date, "--from") or date(end.year - (end.month <= 11), (end.month - 12) % 12 + 1, 1)
    if end < start:
        raise MetricsInputError(f"--to {end} is before --from {start}")
    return start, end


def _json(dashboard: Dashboard) -> dict[str, object]:
    def table(t: Table) -> dict[str, object]:
        rows = [{c: json_cell(v) for c, v in zip(t.columns, r.values, strict=True)} for r in t.rows]
        return {"title": t.title, "note": t.note, "columns": list(t.columns), "rows": rows}

    return {"from": dashboard.start.isoformat(), "to": dashboard.end.isoformat(),
            "band": dashboard.band.value if dashboard.band else None, "now": dashboard.now.isoformat(),
            "tables": {t.name: table(t) for t in dashboard.tables}}  # fmt: skip


def _print_text(dashboard: Dashboard) -> None:
    band = f", band {dashboard.band.value}" if dashboard.band else ""
    print(f"Escalation metrics {dashboard.start} to {dashboard.end}{band}")
    for t in dashboard.tables:
        print(f"\n{t.title}\n{to_csv(t).rstrip()}")


def run_metrics_command(args: argparse.Namespace, open_db: Callable[[], OpenedDatabase]) -> int:
    now = datetime.now(UTC)
    start, end = period(args, now.date())  # checked before the database is opened: a typo costs nothing
    band = ArrBand(args.band) if args.band else None
    policy = policy_in_force().policy  # the calendars and cadences the dashboard counts with
    opened = open_db()
    try:
        dashboard = compute_dashboard(opened.store, start=start, end=end, now=now, band=band, policy=policy)
    finally:
        opened.store.close()
    if args.csv_dir is not None:
        folder = Path(args.csv_dir)
        folder.mkdir(parents=True, exist_ok=True)
        for t in dashboard.tables:
            (folder / f"{t.name}.csv").write_text(to_csv(t), encoding="utf-8")
    if args.json:
        print(json.dumps(_json(dashboard), indent=2))
    elif args.csv_dir is None:
        _print_text(dashboard)
    else:
        print(f"wrote {len(dashboard.tables)} CSV files to {args.csv_dir}")
    return 0
