"""The full case report: parsed back with pypdf, it runs to several pages for a long case, holds every field whole
(where the brief cuts them and points here), keeps user markup as text, is byte-stable, and redacts like the brief."""

from __future__ import annotations

import io
import re
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta

import pytest
from pypdf import PdfReader
from reportlab.lib.pagesizes import A4, LETTER

from escdesk.briefs import REDACTED, build_brief_pdf
from escdesk.briefs.sample import GENERATED_AT, sample_brief, sample_health
from escdesk.domain import CaseStatus, Direction, EventKind, HealthPoint, InvolvementStatus, StepStatus
from escdesk.reports.case_report import build_case_report_pdf
from escdesk.reports.case_report_content import (
    CaseReportContent,
    ChecklistLine,
    ContactLine,
    HistoryLine,
    InvolvementLine,
    case_report_file_name,
)

POINTER = "continued in the full case report, ESC-1042"
START = datetime(2026, 1, 5, 8, tzinfo=UTC)


def pdf_pages(pdf: bytes) -> list[str]:
    return [" ".join(page.extract_text().split()) for page in PdfReader(io.BytesIO(pdf)).pages]


def pdf_text(pdf: bytes) -> str:
    return " ".join(pdf_pages(pdf))


def tokens(prefix: str, count: int) -> str:
    """Numbered words ("sit0 sit1 …"): found whole and in order even where the text runs across a page break."""
    return " ".join(f"{prefix}{i}" for i in range(count))


def found_tokens(text: str, prefix: str) -> list[str]:
    return re.findall(rf"\b{prefix}\d+\b", text)


def sample_report() -> CaseReportContent:
    brief = sample_brief()
    return CaseReportContent(
        brief=brief,
        title="EU exports fail nightly",
        status=CaseStatus.ACKNOWLEDGED,
        owner="Anna Keller",
        history=(
            *(HistoryLine(e.at, "anna", EventKind.NOTE, e.text) for e in brief.timeline),
            HistoryLine(brief.timeline[-1].at, "lead", EventKind.CHECKLIST_CHANGED, "Checklist ack: open → done"),
        ),
        checklist=(
            ChecklistLine(1, "Personal acknowledgement", True, StepStatus.DONE, START, "anna", START, "Called Jonas"),
            ChecklistLine(2, "Discovery call", True, StepStatus.SKIPPED, START, note="Not needed: the COO called"),
            ChecklistLine(3, "Written plan with owners", True, StepStatus.OPEN, GENERATED_AT - timedelta(days=2)),
            ChecklistLine(4, "Follow-up on sentiment", False, StepStatus.OPEN, GENERATED_AT + timedelta(days=14)),
        ),
        involvements=(
            InvolvementLine(
                "Engineering manager",
                "Tom Becker",
                InvolvementStatus.ACCEPTED,
                START,
                "product bug S1: open the engineering escalation",
                "lead",
                START,
                rule="bug_s1",
            ),
            InvolvementLine("Legal", None, InvolvementStatus.DISMISSED, START, "contract threat", "lead", START),
        ),
        contacts=(
            ContactLine(START, "anna", EventKind.CUSTOMER_CONTACT, "Exports failed again", "email", Direction.INBOUND),
            ContactLine(START, "anna", EventKind.NOTE, "Jonas prefers calls before 09:00"),
        ),
        health=sample_health(),
    )


def long_report() -> CaseReportContent:
    base = sample_report()
    brief = replace(
        base.brief,
        situation=tokens("sit", 1800),
        impact=tokens("imp", 500),
        customer_ask=tokens("ask", 400),
        tried=tokens("try", 600),
        root_cause=tokens("root", 300),
        cost_of_inaction=tokens("cost", 300),
        ask=replace(base.brief.ask, request=tokens("req", 200)),
    )
    history = tuple(
        HistoryLine(START + timedelta(hours=i), "lead", EventKind.NOTE, f"hist{i} entry") for i in range(150)
    )
    note = ContactLine(START, "anna", EventKind.NOTE, tokens("note", 1500))  # taller than a page: splits in its row
    health = tuple(HealthPoint(date(2025, 1, 1) + timedelta(days=7 * i), 40 + i % 50) for i in range(90))
    return replace(base, brief=brief, history=history, contacts=(*base.contacts, note), health=health)


def test_a_normal_report_has_every_section_and_the_facts_of_its_case() -> None:
    text = pdf_text(build_case_report_pdf(sample_report()))
    for section in ("SITUATION AND IMPACT", "WHAT THE CUSTOMER ASKS", "WHAT WE TRIED", "ROOT CAUSE",
                    "OPTIONS AND RECOMMENDATION", "COST OF INACTION", "NEXT UPDATE", "PLAN: OWNERS AND DATES",
                    "SERVICE-RECOVERY CHECKLIST", "INVOLVEMENTS", "NOTES AND CUSTOMER CONTACTS", "HEALTH HISTORY",
                    "TIMELINE: THE WHOLE HISTORY"):  # fmt: skip
        assert section in text
    assert "Nordwind Logistics AG" in text and "$1,240,000" in text
    assert "Dana Whitfield" in text and "Jonas Lindqvist (VP Operations)" in text


def test_the_checklist_says_done_skipped_and_overdue() -> None:
    text = pdf_text(build_case_report_pdf(sample_report()))
    assert "Done" in text and "by anna" in text
    assert "Skipped" in text and "Not needed: the COO called" in text
    assert "Overdue (due 2 days ago)" in text
    assert "(optional)" in text


def test_involvements_say_who_decided_and_why() -> None:
    text = pdf_text(build_case_report_pdf(sample_report()))
    assert "Engineering manager" in text and "Tom Becker" in text and "Accepted" in text
    assert "product bug S1: open the engineering escalation (rule bug_s1)" in text
    assert "Dismissed" in text and "contract threat" in text


def test_notes_contacts_and_health_history() -> None:
    text = pdf_text(build_case_report_pdf(sample_report()))
    assert "Customer wrote (e-mail)" in text and "Exports failed again" in text
    assert "Jonas prefers calls before 09:00" in text
    assert "16 scores from 5 Jan 2026 to 6 Mar 2026" in text and "latest 41" in text


def test_a_long_case_runs_to_several_pages_with_every_field_whole() -> None:
    pdf = build_case_report_pdf(long_report())
    pages = pdf_pages(pdf)
    assert len(pages) >= 6
    text = " ".join(pages)
    for prefix, count in (("sit", 1800), ("imp", 500), ("ask", 400), ("try", 600), ("root", 300), ("cost", 300),
                          ("req", 200), ("note", 1500)):  # fmt: skip
        assert found_tokens(text, prefix) == [f"{prefix}{i}" for i in range(count)], prefix
    assert found_tokens(text, "hist") == [f"hist{i}" for i in range(150)]
    assert "…" not in text  # nothing is cut in the full report
    assert all(f"Page {n} of {len(pages)}" in page for n, page in enumerate(pages, start=1))


def test_every_page_has_the_chrome_of_the_brief_family() -> None:
    pages = pdf_pages(build_case_report_pdf(long_report()))
    for page in pages:
        assert "FULL CASE REPORT · ESC-1042 CONFIDENTIAL" in page  # the running header, on every page
        assert "Confidential: internal use only" in page
        assert "Generated Wed 4 Mar 2026, 14:05 CET (Europe/Berlin)" in page


def test_the_briefs_pointer_names_the_full_case_report_exactly() -> None:
    brief = replace(sample_brief(), situation=tokens("sit", 1800))
    brief_text = " ".join(pdf_pages(build_brief_pdf(brief)))
    assert POINTER in brief_text
    report_text = pdf_text(build_case_report_pdf(replace(sample_report(), brief=brief)))
    assert "FULL CASE REPORT · ESC-1042" in report_text  # the title line names itself as the pointer does
    assert case_report_file_name(1042) == "ESC-1042 full case report.pdf"


def test_user_markup_stays_text() -> None:
    note = 'Customer said <b>not bold</b> & <font size="40">huge</font>'
    report = replace(sample_report(), contacts=(ContactLine(START, "anna", EventKind.NOTE, note),))
    report = replace(report, brief=replace(report.brief, situation=note))
    text = pdf_text(build_case_report_pdf(report))
    assert text.count('Customer said <b>not bold</b> & <font size="40">huge</font>') == 2


def test_the_same_content_gives_the_same_bytes() -> None:
    assert build_case_report_pdf(long_report()) == build_case_report_pdf(long_report())
    assert build_case_report_pdf(sample_report()) != build_case_report_pdf(replace(sample_report(), owner="Someone"))


@pytest.mark.parametrize(("paper", "size"), [("A4", A4), ("Letter", LETTER)])
def test_the_pages_have_the_paper_size_asked_for(paper: str, size: tuple[float, float]) -> None:
    reader = PdfReader(io.BytesIO(build_case_report_pdf(sample_report(), paper=paper)))
    assert all(
        tuple(round(float(v)) for v in page.mediabox[2:]) == tuple(round(v) for v in size) for page in reader.pages
    )


def test_an_unknown_paper_is_refused() -> None:
    with pytest.raises(ValueError, match="unknown paper 'A3'"):
        build_case_report_pdf(sample_report(), paper="A3")


def test_redaction_removes_arr_and_contact_names_everywhere() -> None:
    report = replace(
        sample_report(),
        contacts=(ContactLine(START, "anna", EventKind.NOTE, "Anna Keller offered $15,500 to Jonas"),),
    )
    text = pdf_text(build_case_report_pdf(report, redact=True))
    for secret in ("$1,240,000", "$15,500", "Anna Keller", "Jonas Lindqvist", "Dana Whitfield", "Marcus Boyd"):
        assert secret not in text, secret
    assert REDACTED in text and "CONFIDENTIAL · REDACTED COPY" in text
