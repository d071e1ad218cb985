"""The full case report as a PDF: CaseReportContent in, bytes out (reportlab platypus, as many pages as it takes).

It is where the brief's cut fields point ("continued in the full case report, ESC-1042"): every brief field whole,
the whole history, the checklist, the involvements, notes and contacts and the health history. Same fonts,
escaping, palette, redaction and page chrome as the brief (escdesk.briefs), so the two read as one document family.

Byte-stable: invariant mode, the generation time comes from the content, nothing reads the clock or the locale.
"""

from __future__ import annotations

import io
import logging

from reportlab.platypus import Frame, PageTemplate

from escdesk.briefs.chrome import REPORT_MARGINS, Chrome, document, numbered_canvas, page_size
from escdesk.briefs.context import FULL_REPORT, BriefContext
from escdesk.briefs.fonts import describe_missing
from escdesk.briefs.styles import brief_styles
from escdesk.reports.case_report_content import CaseReportContent, redacted
from escdesk.reports.case_report_sections import Story

log = logging.getLogger(__name__)
SIDE, TOP, BOTTOM = REPORT_MARGINS


def build_case_report_pdf(content: CaseReportContent, *, paper: str = "A4", redact: bool = False) -> bytes:
    """The full case report as PDF bytes. `redact` hides ARR figures, amounts and the named contacts."""
    width, height = page_size(paper)
    shown = redacted(content) if redact else content
    ctx = BriefContext(shown.brief, brief_styles(), redact)
    buffer = io.BytesIO()
    doc = document(
        buffer,
        (width, height),
        REPORT_MARGINS,
        title=f"{shown.reference} full case report: {shown.brief.account.customer}",
        subject=shown.brief.headline,
        author=shown.brief.prepared_by or "EscDesk",
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
