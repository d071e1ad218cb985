"""Exporting a brief or the weekly report to a file: the one path the CLI and the desktop app both take.

Files are written atomically (a temporary file beside the target, flushed to disk, then renamed onto it), so a
crash or a full disk never leaves half a PDF where a reader expects a whole one, and an existing file is either
kept or replaced, never truncated. The file is private to the user (mkstemp's 0600), like the database it comes
from: a brief names customers, contacts and money.
"""

from __future__ import annotations

import os
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from escdesk.brief_service import brief_content, resolve_case
from escdesk.case_report_service import case_report_content
from escdesk.clock import Clock
from escdesk.errors import EscDeskError
from escdesk.policy import Policy
from escdesk.reports.portfolio import weekly_portfolio
from escdesk.reports.weeks import IsoWeek, week_of
from escdesk.store import Store

if TYPE_CHECKING:
    from escdesk.briefs.content import BriefContent
    from escdesk.reports.case_report_content import CaseReportContent
    from escdesk.reports.portfolio import WeeklyPortfolio

PAPERS = ("A4", "Letter")


class ExportFailed(EscDeskError):
    """The PDF could not be written where asked (the message names the file and the reason)."""


@dataclass(frozen=True, slots=True)
class ExportOptions:
    clock: Clock
    policy: Policy
    time_zone: str
    paper: str = "A4"
    redact: bool = False

    def __post_init__(self) -> None:
        if self.paper not in PAPERS:
            raise ExportFailed(f"unknown paper {self.paper!r}; choose A4 or Letter")


def export_brief(store: Store, case: str, target: Path, options: ExportOptions) -> Path:
    """Write the brief of the case named by `case` (ESC-1234, 1234 or its id) to `target`."""
    case_id = resolve_case(store, case)
    content = brief_content(store, case_id, clock=options.clock, policy=options.policy, time_zone=options.time_zone)
    return write_brief_pdf(content, target, options)


def export_case_report(store: Store, case: str, target: Path, options: ExportOptions) -> Path:
    """Write the full case report (several pages, nothing cut) of the case named by `case` to `target`."""
    case_id = resolve_case(store, case)
    content = case_report_content(store, case_id, clock=options.clock, policy=options.policy,
                                  time_zone=options.time_zone)  # fmt: skip
    return write_case_report_pdf(content, target, options)


def brief_file_name(store: Store, case_id: str) -> str:
    """ESC-1234 brief.pdf: what a folder of exported briefs is sorted by."""
    with store.read() as uow:
        case = uow.cases.get(case_id)
        number = case.number if case is not None else None
    return f"ESC-{number} brief.pdf" if number is not None else f"{case_id} brief.pdf"


def export_weekly(store: Store, week: IsoWeek | None, target: Path, options: ExportOptions) -> Path:
    """Write the weekly portfolio report of `week` (None: the week in progress, in the reader's zone)."""
    chosen = week or week_of(options.clock.now(), options.time_zone)
    portfolio = weekly_portfolio(store, chosen, clock=options.clock, policy=options.policy, time_zone=options.time_zone)
    return write_weekly_pdf(portfolio, target, options)


# -- the PDF half: reportlab is imported here, when a PDF is built, not when the app starts -------------------------


def write_brief_pdf(content: BriefContent, target: Path, options: ExportOptions) -> Path:
    from escdesk.briefs.pdf import build_brief_pdf

    return write_atomically(target, build_brief_pdf(content, paper=options.paper, redact=options.redact))


def write_case_report_pdf(content: CaseReportContent, target: Path, options: ExportOptions) -> Path:
    from escdesk.reports.case_report import build_case_report_pdf

    return write_atomically(target, build_case_report_pdf(content, paper=options.paper, redact=options.redact))


def write_weekly_pdf(portfolio: WeeklyPortfolio, target: Path, options: ExportOptions) -> Path:
    from escdesk.reports.weekly import build_weekly_pdf

    return write_atomically(target, build_weekly_pdf(portfolio, paper=options.paper, redact=options.redact))


def write_atomically(target: Path, data: bytes) -> Path:
    """Write `data` to `target` through a temporary file in the same folder and a rename."""
    target = target.expanduser().absolute()
    if target.is_dir():
        raise ExportFailed(f"{target} is a folder; give the name of the PDF file to write")
    try:
        handle, name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".part", dir=target.parent)
    except OSError as exc:
        raise ExportFailed(f"cannot write {target}: {exc.strerror or exc}") from exc
    temporary = Path(name)
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(data)
            out.flush()
            os.fsync(out.fileno())
        os.replace(temporary, target)
    except OSError as exc:
        temporary.unlink(missing_ok=True)
        raise ExportFailed(f"cannot write {target}: {exc.strerror or exc}") from exc
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise
    return target
