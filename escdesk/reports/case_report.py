"""The full case report as a PDF: CaseReportContent in, bytes out (reportlab platypus, as many pages as it takes).

It is where the brief's cut fields point ("continued in the full case report, ESC-1042"): every brief field whole,
the whole history, the checklist, the involvements, notes and contacts and the health history. Same fonts,
escaping, palette, redaction and page chrome as the brief (escdesk.briefs), so the two read as one document family.

Byte-stable: invariant mode, the generation time comes from the content, nothing reads the clock or the locale.
"""

from __future__ import annotations

import io
import logging

from reportlab.lib.units import mm
from reportlab.platypus import BaseDocTemplate, Frame, PageTemplate

from escdesk.briefs.chrome import Chrome, numbered_canvas
from escdesk.briefs.context import FULL_REPORT, BriefContext
from escdesk.briefs.fonts import SANS, describe_missing
from escdesk.briefs.pdf import PAPER
from escdesk.briefs.styles import brief_styles
from escdesk.reports.case_report_content import CaseReportContent, redacted
from escdesk.reports.case_report_sections import Story

log = logging.getLogger(__name__)
SIDE, TOP, BOTTOM = 16 * mm, 18 * mm, 17 * mm


def build_case_report_pdf(content: CaseReportContent, *, paper: str = "A4", redact: bool = False) -> bytes:
    """The full case report as PDF bytes. `redact` hides ARR figures, amounts and the named contacts."""
    if paper not in PAPER:
        raise ValueError(f"unknown paper {paper!r}; choose one of {', '.join(PAPER)}")
    shown = redacted(content) if redact else content
    ctx = BriefContext(shown.brief, brief_styles(), redact)
    width, height = PAPER[paper]
    buffer = io.BytesIO()
    doc = BaseDocTemplate(
        buffer,
        pagesize=(width, height),
        leftMargin=SIDE,
        rightMargin=SIDE,
        topMargin=TOP,
        bottomMargin=BOTTOM,
        title=f"{shown.reference} full case report: {shown.brief.account.customer}",
        subject=shown.brief.headline,
        author=shown.brief.prepared_by or "EscDesk",
        creator="EscDesk",
        lang="en",
        initialFontName=SANS,  # else each page starts in Helvetica, which would be referenced without embedding
        initialFontSize=8,
        invariant=1,  # fixed creation date and document id: the same content gives the same bytes
    )
    frame = Frame(SIDE, BOTTOM, width - 2 * SIDE, height - TOP - BOTTOM, 0, 0, 0, 0, id="case_report")
    doc.addPageTemplates([PageTemplate("case_report", [frame])])
    b = shown.brief
    label = f"{FULL_REPORT.upper()}  ·  {shown.reference}"
    chrome = Chrome(label, redact, b.generated_at, b.time_zone, SIDE, TOP, BOTTOM, header_rise=18)
    doc.build(Story(ctx, shown, width - 2 * SIDE).flowables(), canvasmaker=numbered_canvas(chrome))
    if ctx.markup.missing:
        log.warning("Case report %s: %s", content.reference, describe_missing(ctx.markup.missing))
    return buffer.getvalue()


