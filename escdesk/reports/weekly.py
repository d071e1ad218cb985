"""The weekly portfolio report as a PDF: WeeklyPortfolio in, bytes out (reportlab platypus, several pages).

Same fonts, escaping, palette and redaction as the executive brief (escdesk.briefs), so the two read as one family.
Every page carries the running header, the confidential footer, "Page N of M" and the generation time with its
zone; the total is known only once the story is laid out, so pages are drawn by a canvas that holds them back
until the end (reportlab's usual two-step for "of M").

Byte-stable: invariant mode, the generation time comes from the content, nothing reads the clock or locale.
"""

from __future__ import annotations

import io
from typing import Any

from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import BaseDocTemplate, Frame, PageTemplate

from escdesk.briefs import formatting
from escdesk.briefs.fonts import SANS, Markup, describe_missing
from escdesk.briefs.pdf import PAPER, spaced_label
from escdesk.briefs.styles import MUTED, NAVY, RULE, SEVERITY_COLOURS
from escdesk.domain import Severity
from escdesk.reports.portfolio import WeeklyPortfolio
from escdesk.reports.weekly_sections import ReportContext, story

SIDE, TOP, BOTTOM = 16 * mm, 18 * mm, 17 * mm
CONFIDENTIAL = "Confidential: internal use only. Do not forward outside the company."


def build_weekly_pdf(portfolio: WeeklyPortfolio, *, paper: str = "A4", redact: bool = False) -> bytes:
    """The weekly portfolio report as PDF bytes. `redact` hides ARR figures and people's names."""
    if paper not in PAPER:
        raise ValueError(f"unknown paper {paper!r}; choose one of {', '.join(PAPER)}")
    width, height = PAPER[paper]
    ctx = ReportContext(portfolio, redact, width - 2 * SIDE, Markup())
    buffer = io.BytesIO()
    doc = BaseDocTemplate(
        buffer,
        pagesize=(width, height),
        leftMargin=SIDE,
        rightMargin=SIDE,
        topMargin=TOP,
        bottomMargin=BOTTOM,
        title=f"Weekly escalation portfolio {portfolio.week}",
        author="EscDesk",
        creator="EscDesk",
        lang="en",
        initialFontName=SANS,  # else each page starts in Helvetica, which would be referenced without embedding
        initialFontSize=8,
        invariant=1,
    )
    frame = Frame(SIDE, BOTTOM, ctx.width, height - TOP - BOTTOM, 0, 0, 0, 0, id="report")
    doc.addPageTemplates([PageTemplate("report", [frame])])
    doc.build(story(ctx), canvasmaker=_canvas_for(ctx))
    if ctx.markup.missing:
        import logging

        logging.getLogger(__name__).warning("Weekly report: %s", describe_missing(ctx.markup.missing))
    return buffer.getvalue()


def _canvas_for(ctx: ReportContext) -> type[Canvas]:
    class NumberedCanvas(Canvas):
        """Holds every page back until the last, then draws the chrome with "Page N of M" on each."""

        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)
            self._pages: list[dict[str, Any]] = []

        def showPage(self) -> None:  # reportlab's name
            self._pages.append(dict(self.__dict__))
            self._startPage()

        def save(self) -> None:
            total = len(self._pages)
            for state in self._pages:
                self.__dict__.update(state)
                _chrome(self, ctx, total)
                super().showPage()
            super().save()

    return NumberedCanvas


def _chrome(canvas: Canvas, ctx: ReportContext, total: int) -> None:
    width, height = canvas._pagesize
    canvas.saveState()
    y = height - TOP + 18
    right = width - SIDE
    spaced_label(canvas, SIDE, y, f"WEEKLY PORTFOLIO  ·  {ctx.portfolio.week}", f"{SANS}-Bold", 7, NAVY)
    marking = "CONFIDENTIAL  ·  REDACTED COPY" if ctx.redacted else "CONFIDENTIAL"
    spaced_label(canvas, right, y, marking, f"{SANS}-Bold", 7, SEVERITY_COLOURS[Severity.S1], align_right=True)
    canvas.setStrokeColor(RULE)
    canvas.setLineWidth(0.6)
    canvas.line(SIDE, y - 6, right, y - 6)
    footer = BOTTOM - 22
    canvas.line(SIDE, footer + 9, right, footer + 9)
    canvas.setFont(SANS, 6.6)
    canvas.setFillColor(MUTED)
    canvas.drawString(SIDE, footer, CONFIDENTIAL)
    page = f"Page {canvas.getPageNumber()} of {total}"
    canvas.drawRightString(right, footer, page)
    p = ctx.portfolio
    generated = f"Generated {formatting.moment(p.generated_at, ctx.zone)} ({p.time_zone})"
    canvas.drawRightString(right - canvas.stringWidth(page, SANS, 6.6) - 14, footer, generated)
    canvas.restoreState()
