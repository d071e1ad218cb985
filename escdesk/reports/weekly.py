"""The weekly portfolio report as a PDF: WeeklyPortfolio in, bytes out (reportlab platypus, several pages).

Same fonts, escaping, palette and redaction as the executive brief (escdesk.briefs), so the two read as one family.
Every page carries the running header, the confidential footer, "Page N of M" and the generation time with its
zone; the total is known only once the story is laid out, so pages are drawn by a canvas that holds them back
until the end (reportlab's usual two-step for "of M").

Byte-stable: invariant mode, the generation time comes from the content, nothing reads the clock or locale.
"""

from __future__ import annotations

import io
import logging

from reportlab.platypus import Frame, PageTemplate

from escdesk.briefs.chrome import REPORT_MARGINS, Chrome, document, numbered_canvas, page_size
from escdesk.briefs.fonts import Markup, describe_missing
from escdesk.reports.portfolio import WeeklyPortfolio
from escdesk.reports.weekly_sections import ReportContext, story

log = logging.getLogger(__name__)
SIDE, TOP, BOTTOM = REPORT_MARGINS


def build_weekly_pdf(portfolio: WeeklyPortfolio, *, paper: str = "A4", redact: bool = False) -> bytes:
    """The weekly portfolio report as PDF bytes. `redact` hides ARR figures and people's names."""
    width, height = page_size(paper)
    ctx = ReportContext(portfolio, redact, width - 2 * SIDE, Markup())
    buffer = io.BytesIO()
    doc = document(buffer, (width, height), REPORT_MARGINS, title=f"Weekly escalation portfolio {portfolio.week}")
    frame = Frame(SIDE, BOTTOM, ctx.width, height - TOP - BOTTOM, 0, 0, 0, 0, id="report")
    doc.addPageTemplates([PageTemplate("report", [frame])])
    label = f"WEEKLY PORTFOLIO  ·  {portfolio.week}"
    chrome = Chrome(label, redact, portfolio.generated_at, portfolio.time_zone, SIDE, TOP, BOTTOM, header_rise=18)
    doc.build(story(ctx), canvasmaker=numbered_canvas(chrome))
    if ctx.markup.missing:
        log.warning("Weekly report: %s", describe_missing(ctx.markup.missing))
    return buffer.getvalue()
